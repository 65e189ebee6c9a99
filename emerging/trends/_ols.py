"""Closed-form simple regression for many series at once (numpy) and as polars expressions.

For each series *s* with observations :math:`(x_t, y_t)` on its known points :math:`t`,

.. math::

    \\hat\\beta_s = \\frac{\\sum_t (x_t - \\bar x_s)(y_t - \\bar y_s)}{S_{xx,s}}, \\quad
    S_{xx,s} = \\sum_t (x_t - \\bar x_s)^2, \\quad
    \\mathrm{se}(\\hat\\beta_s) = \\sqrt{\\frac{\\sum_t e_t^2 / (n_s - 2)}{S_{xx,s}}}

with residuals :math:`e_t = (y_t - \\bar y_s) - \\hat\\beta_s (x_t - \\bar x_s)`. Sums are
taken in two passes over centred data (not from raw moments), which keeps the result equal
to a QR-based OLS (statsmodels) to about 1e-12. The Newey-West (1987) standard error with
Bartlett weights :math:`w_l = 1 - l/(L+1)` is

.. math::

    \\mathrm{se}_{HAC}(\\hat\\beta_s)^2 = \\frac{\\sum_t v_t^2 + 2\\sum_{l=1}^{L} w_l
        \\sum_{t>l} v_t v_{t-l}}{S_{xx,s}^2}, \\quad v_t = (x_t - \\bar x_s) e_t,

where lags count known observations (a gap is skipped, as statsmodels does after dropping
missing rows); it is the slope entry of statsmodels' ``cov_type="HAC"`` without small-sample
correction.

References
----------
Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity
and autocorrelation consistent covariance matrix. *Econometrica*, 55(3), 703-708.
Newey, W. K. and West, K. D. (1994). Automatic lag selection in covariance matrix
estimation. *Review of Economic Studies*, 61(4), 631-653.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def default_maxlags(n: np.ndarray | int) -> np.ndarray:
    """Newey-West (1994) rule of thumb :math:`L = \\lfloor 4 (n/100)^{2/9} \\rfloor`."""
    return np.floor(4.0 * (np.asarray(n, dtype=float) / 100.0) ** (2.0 / 9.0)).astype(np.int64)


def ols_rows(
    y: np.ndarray, known: np.ndarray, x: np.ndarray, *, min_n: int = 3
) -> dict[str, np.ndarray]:
    """Slope, intercept, residual sum of squares and OLS standard error for every row.

    Parameters
    ----------
    y
        ``(S, T)`` responses (anything where ``known`` is False is ignored).
    known
        ``(S, T)`` boolean mask of the points to use.
    x
        ``(T,)`` regressor shared by all rows (e.g. the years).

    Returns
    -------
    dict of ``(S,)`` arrays ``n``, ``slope``, ``intercept``, ``se``, ``rss``, ``sxx``,
    ``x_bar``, plus what :func:`residuals` needs. Rows with fewer than ``min_n`` points or
    a constant regressor get NaN slope; the standard error needs at least 3 points.

    Notes
    -----
    The regressor is centred once for all rows (its sums are then exact for years) and the
    response per row, so the cross products are taken on centred data. The residual sum
    of squares :math:`S_{yy} - \\hat\\beta S_{xy}` loses digits only when the fit is almost
    perfect; rows with :math:`RSS < 10^{-6} S_{yy}` are recomputed from explicit residuals.
    """
    x = np.asarray(x, dtype=float)
    xg = x - x.mean()
    m = known.astype(float)
    n = known.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_bar = (m @ xg) / n
        sxx = m @ (xg * xg) - n * x_bar * x_bar
        yc = np.where(known, y, 0.0)
        y_bar = yc.sum(axis=1) / n
        yc -= y_bar[:, None]
        yc *= m  # centred y, 0 where not known
        sxy = yc @ xg
        slope = sxy / sxx
        syy = np.einsum("st,st->s", yc, yc)
        rss = syy - slope * sxy
        fragile = np.flatnonzero(rss < 1e-6 * syy)
        if fragile.size:
            xc = (xg[None, :] - x_bar[fragile, None]) * m[fragile]
            resid = yc[fragile] - slope[fragile, None] * xc
            rss[fragile] = np.einsum("st,st->s", resid, resid)
        se = np.sqrt(rss / (n - 2) / sxx)
    bad = (n < min_n) | ~(sxx > 0)
    slope[bad] = np.nan
    se[bad | (n < 3)] = np.nan
    return {
        "n": n,
        "slope": slope,
        "intercept": y_bar - slope * (x_bar + x.mean()),
        "se": se,
        "rss": rss,
        "sxx": sxx,
        "x_bar": x_bar,
        "_xg": xg,
        "_m": m,
        "_yc": yc,
    }


def residuals(fit: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Centred regressor and residuals ``(S, T)`` of a fit from :func:`ols_rows` (0 where
    a point is not used)."""
    xc = np.subtract(fit["_xg"][None, :], fit["x_bar"][:, None])
    xc *= fit["_m"]
    resid = xc * -np.nan_to_num(fit["slope"])[:, None]
    resid += fit["_yc"]
    return xc, resid


def hac_se(fit: dict[str, np.ndarray], known: np.ndarray, maxlags: np.ndarray) -> np.ndarray:
    """Newey-West standard error of each row's slope from the output of :func:`ols_rows`.

    ``maxlags`` is an ``(S,)`` integer array (or a scalar). Lags count known points.
    """
    s, t = known.shape
    maxlags = np.broadcast_to(np.asarray(maxlags, dtype=np.int64), (s,))
    v, resid = residuals(fit)
    v *= resid  # x_t e_t
    # move each row's known points to its front, keeping their order (boolean masks
    # are read and written in the same row-major order; far cheaper than a sort)
    if not known.all():
        front = np.arange(t) < known.sum(axis=1)[:, None]
        compact = np.zeros_like(v)
        compact[front] = v[known]
        v = compact
    meat = np.einsum("st,st->s", v, v)
    for lag in range(1, min(int(maxlags.max(initial=0)), t - 1) + 1):  # loop over lags only
        weight = np.where(lag <= maxlags, 1.0 - lag / (maxlags + 1.0), 0.0)
        meat += 2.0 * weight * np.einsum("st,st->s", v[:, lag:], v[:, :-lag])
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(meat) / fit["sxx"]
    se[np.isnan(fit["slope"])] = np.nan
    return se


def slope_difference(early: dict, late: dict) -> tuple[np.ndarray, np.ndarray]:
    """Difference of slopes between two segments (late minus early) and its standard error.

    The segment fits come from :func:`ols_rows` with ``min_n=2``. The result equals the
    interaction coefficient, and its OLS standard error, in the fully interacted regression
    :math:`y = a + b x + c D + d D x` (:math:`D = 1` in the late segment), whose residual
    variance is pooled: :math:`s^2 = (RSS_1 + RSS_2)/(n_1 + n_2 - 4)`.
    """
    ok = (early["n"] + late["n"] >= 5) & (early["sxx"] > 0) & (late["sxx"] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = (early["rss"] + late["rss"]) / (early["n"] + late["n"] - 4)
        se = np.sqrt(s2 * (1.0 / early["sxx"] + 1.0 / late["sxx"]))
    diff = late["slope"] - early["slope"]
    return np.where(ok, diff, np.nan), np.where(ok, se, np.nan)


def ols_slope_expr(y: pl.Expr | str, x: pl.Expr | str) -> pl.Expr:
    """Polars expression: OLS slope of ``y`` on ``x`` (with intercept) over the rows where
    both are non-null; use inside ``group_by(...).agg`` for one slope per group."""
    y, x = _as_pair(y, x)
    xc = x - x.mean()
    return ((xc * (y - y.mean())).sum() / (xc * xc).sum()).alias("slope")


def ols_se_expr(y: pl.Expr | str, x: pl.Expr | str) -> pl.Expr:
    """Polars expression: OLS standard error of the slope of ``y`` on ``x`` (see
    :func:`ols_slope_expr`); null with fewer than 3 rows."""
    y, x = _as_pair(y, x)
    xc = x - x.mean()
    yc = y - y.mean()
    sxx = (xc * xc).sum()
    slope = (xc * yc).sum() / sxx
    rss = ((yc - slope * xc) ** 2).sum()
    n = y.count()
    return pl.when(n > 2).then((rss / (n - 2) / sxx).sqrt()).alias("se")


def _as_pair(y: pl.Expr | str, x: pl.Expr | str) -> tuple[pl.Expr, pl.Expr]:
    y = pl.col(y) if isinstance(y, str) else y
    x = pl.col(x) if isinstance(x, str) else x
    both = y.is_not_null() & x.is_not_null() & y.is_not_nan()
    return y.filter(both), x.cast(pl.Float64).filter(both)
