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


class Scratch:
    """Reusable work arrays, one per name, for computations repeated on blocks.

    Fresh memory costs a page fault per 4 KiB on first touch, which on some machines
    (virtual ones in particular) costs more than the arithmetic done in it; a loop over
    blocks that takes its temporaries from one ``Scratch`` touches them once. Not
    thread-safe: one per thread. :data:`FRESH` hands out new arrays every time.
    """

    def __init__(self, enabled: bool = True) -> None:
        self._arrays: dict[str, np.ndarray] = {}
        self._enabled = enabled

    def get(self, name: str, shape: tuple[int, ...], dtype=float) -> np.ndarray:
        """An uninitialised C-contiguous array of ``shape`` (the buffer ``name``, grown
        when needed; its previous content is overwritten by the caller)."""
        if not self._enabled:
            return np.empty(shape, dtype=dtype)
        size = int(np.prod(shape))
        array = self._arrays.get(name)
        if array is None or array.size < size or array.dtype != dtype:
            array = self._arrays[name] = np.empty(size, dtype=dtype)
        return array[:size].reshape(shape)


#: Fresh arrays every time (no reuse).
FRESH = Scratch(enabled=False)


class Design:
    """The regressor of many series over their own masks, time on the first axis.

    ``known`` is ``(T, S)`` (one column per series), ``x`` the ``(T,)`` regressor shared
    by all series. The regressor is centred once for all series (its sums are then exact
    for years); ``n``, ``x_bar`` (mean of the centred regressor over each series' points)
    and ``sxx`` are per series, ``xc`` (the regressor centred per series, 0 where a point
    is not used) is computed when first needed. Several responses fitted over the same
    points share one design. ``scratch`` and ``name`` say where the ``(T, S)`` arrays go.
    """

    def __init__(self, known: np.ndarray, x: np.ndarray, *, scratch: Scratch = FRESH,
                 name: str = "design", m: np.ndarray | None = None,
                 n: np.ndarray | None = None) -> None:
        x = np.asarray(x, dtype=float)
        self.known = known
        self.x_mean = x.mean()
        self.xg = x - self.x_mean
        if m is None:  # ``m``: ``known`` as 0/1 floats, when the caller has it already
            m = scratch.get(f"{name}.m", known.shape)
            np.copyto(m, known)
        self.m = m
        # ``n``: the points per series, when the caller has counted them already
        self.n = np.count_nonzero(known, axis=0) if n is None else n
        with np.errstate(divide="ignore", invalid="ignore"):
            self.x_bar = (self.xg @ self.m) / self.n
            self.sxx = (self.xg * self.xg) @ self.m - self.n * self.x_bar * self.x_bar
        self._scratch, self._name = scratch, name
        self._xc: np.ndarray | None = None

    @property
    def xc(self) -> np.ndarray:
        if self._xc is None:
            self._xc = self._scratch.get(f"{self._name}.xc", self.m.shape)
            np.subtract(self.xg[:, None], self.x_bar[None, :], out=self._xc)
            self._xc *= self.m
        return self._xc

    def xc_of(self, columns: np.ndarray) -> np.ndarray:
        """``xc[:, columns]``, without computing every column when :attr:`xc` is not there
        yet (a few almost perfect fits need it). The same numbers in the same memory
        layout as the fancy index gives (sums over the result then run in the same order)."""
        if self._xc is not None:
            return self._xc[:, columns]
        xc = self.m[:, columns]
        xc *= self.xg[:, None] - self.x_bar[columns][None, :]
        return xc


def ols_columns(y: np.ndarray, d: Design, *, min_n: int = 3, slope_only: bool = False,
                out: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Closed-form OLS of every column of ``y`` (``(T, S)``) on the design ``d``.

    ``y`` must be finite everywhere (its values where the design's mask is False are
    ignored: they are multiplied by 0, which is cheaper than a masked select). ``out``
    (shape of ``y``) receives ``yc``.

    Returns ``(S,)`` arrays ``n``, ``slope``, ``y_bar``, ``se``, ``rss``, ``sxx``,
    ``x_bar`` and the centred response ``yc`` (``(T, S)``, 0 where a point is not used);
    with ``slope_only`` just ``slope`` (and ``yc``). Columns with fewer than ``min_n``
    points or a constant regressor get NaN slope; the standard error needs 3 points.
    """
    with np.errstate(invalid="ignore"):
        ym = np.multiply(y, d.m, out=out)
    return masked_fit(ym, d, min_n=min_n, slope_only=slope_only)


def masked_fit(ym: np.ndarray, d: Design, *, min_n: int = 3,
               slope_only: bool = False) -> dict[str, np.ndarray]:
    """:func:`ols_columns` of a response already multiplied by the design's 0/1 mask
    (``ym = y * d.m``, e.g. computed from a broadcast response); ``ym`` becomes ``yc``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        yc = ym
        y_bar = yc.sum(axis=0) / d.n
        yc -= y_bar
        yc *= d.m  # centred y, 0 where not known
    fit = centred_fit(yc, d, min_n=min_n, slope_only=slope_only)
    if not slope_only:
        fit["y_bar"] = y_bar
    return fit


def centred_fit(yc: np.ndarray, d: Design, *, min_n: int = 3,
                slope_only: bool = False) -> dict[str, np.ndarray]:
    """:func:`ols_columns` of an already centred response ``yc`` (0 where a point is not
    used), e.g. the difference of two centred responses on the same design."""
    n, sxx = d.n, d.sxx
    with np.errstate(divide="ignore", invalid="ignore"):
        sxy = d.xg @ yc
        slope = sxy / sxx
    bad = (n < min_n) | ~(sxx > 0)
    slope[bad] = np.nan
    if slope_only:
        return {"slope": slope, "yc": yc}
    with np.errstate(divide="ignore", invalid="ignore"):
        syy = np.einsum("ts,ts->s", yc, yc)
        rss = syy - slope * sxy
        fragile = np.flatnonzero(rss < 1e-6 * syy)
        if fragile.size:  # an almost perfect fit: explicit residuals keep the digits
            resid = yc[:, fragile] - slope[fragile] * d.xc_of(fragile)
            rss[fragile] = np.einsum("ts,ts->s", resid, resid)
        se = np.sqrt(rss / (n - 2) / sxx)
    se[bad | (n < 3)] = np.nan
    return {"n": n, "slope": slope, "se": se, "rss": rss, "sxx": sxx, "x_bar": d.x_bar,
            "yc": yc}


def hac_columns(fit: dict[str, np.ndarray], d: Design, maxlags, *,
                out: np.ndarray | None = None) -> np.ndarray:
    """Newey-West standard error of each column's slope (a fit of :func:`ols_columns`).

    ``maxlags`` is an ``(S,)`` integer array (or a scalar). Lags count known points: the
    score :math:`v_t` of each of the last ``L`` known points is carried forward through
    the years (a loop over years and lags only), so a gap is skipped. ``out`` (the
    design's shape) receives the scores.
    """
    t, s = d.known.shape
    maxlags = np.broadcast_to(np.asarray(maxlags, dtype=np.int64), (s,))
    v = np.multiply(d.xc, -np.nan_to_num(fit["slope"]), out=out)
    v += fit["yc"]  # residuals e_t (0 where not used)
    v *= d.xc  # x_t e_t
    meat = np.einsum("ts,ts->s", v, v)
    top = min(int(maxlags.max(initial=0)), t - 1)
    if top > 0:
        # carried[l - 1]: v at the l-th last known point before the year; it moves on at
        # a known point by arithmetic (kept * (1 - m) + new * m, exact for 0/1 weights
        # and finite values), which is cheaper than a masked copy; the newest is v itself
        # (0 where not known, so it needs no weight)
        carried = np.zeros((top, s))
        cross = np.zeros((top, s))
        take, stay = np.empty((top, s)), np.empty(s)
        for k in range(1, t):  # loop over years only
            np.subtract(1.0, d.m[k - 1], out=stay)
            if top > 1:
                np.multiply(carried[:-1], d.m[k - 1], out=take[1:])
            carried *= stay
            if top > 1:
                carried[1:] += take[1:]
            carried[0] += v[k - 1]
            np.multiply(carried, v[k], out=take)
            cross += take
        lags = np.arange(1, top + 1)[:, None]
        weight = np.where(lags <= maxlags, 1.0 - lags / (maxlags + 1.0), 0.0)
        meat += 2.0 * np.einsum("ls,ls->s", weight, cross)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(meat) / fit["sxx"]
    se[np.isnan(fit["slope"])] = np.nan
    return se


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
    ``x_bar``, plus what :func:`residuals` and :func:`hac_se` need. Rows with fewer than
    ``min_n`` points or a constant regressor get NaN slope; the standard error needs at
    least 3 points.

    Notes
    -----
    The rows are fitted as the columns of :func:`ols_columns` (the same arithmetic, time
    on the first axis). The residual sum of squares :math:`S_{yy} - \\hat\\beta S_{xy}`
    loses digits only when the fit is almost perfect; rows with :math:`RSS < 10^{-6}
    S_{yy}` are recomputed from explicit residuals.
    """
    d = Design(known.T, x)
    with np.errstate(invalid="ignore"):
        fit = ols_columns(np.where(known, y, 0.0).T, d, min_n=min_n)
    fit["intercept"] = fit.pop("y_bar") - fit["slope"] * (d.x_bar + d.x_mean)
    fit["_design"] = d
    fit["_yc"] = fit.pop("yc").T
    return fit


def residuals(fit: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Centred regressor and residuals ``(S, T)`` of a fit from :func:`ols_rows` (0 where
    a point is not used)."""
    xc = fit["_design"].xc.T
    resid = xc * -np.nan_to_num(fit["slope"])[:, None]
    resid += fit["_yc"]
    return xc, resid


def hac_se(fit: dict[str, np.ndarray], known: np.ndarray, maxlags: np.ndarray) -> np.ndarray:
    """Newey-West standard error of each row's slope from the output of :func:`ols_rows`
    (see :func:`hac_columns`; ``known`` is the mask of the fit)."""
    d = fit["_design"]
    return hac_columns({**fit, "yc": fit["_yc"].T}, d, maxlags)


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
