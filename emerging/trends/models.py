"""Log-linear trend models of employment and of the location quotient, with uncertainty.

For every region-industry series the model is

.. math::

    \\ln y_{rit} = a_{ri} + b_{ri} t + \\varepsilon_{rit},

where :math:`y` is employment (``measure="value"``) or the location quotient
(``measure="lq"``), so :math:`b_{ri}` is the continuous annual growth rate
(:math:`e^{b} - 1` the annual rate). Its standard error is heteroskedasticity- and
autocorrelation-consistent (Newey and West 1987, Bartlett kernel, default lag
:math:`\\lfloor 4(n/100)^{2/9}\\rfloor`) or classical OLS; confidence intervals and p-values
use Student's t with :math:`n - 2` degrees of freedom.

*Against the reference* (employment only): the same model for
:math:`\\ln(y_{rit}/N_{it})`, with :math:`N_{it}` the reference employment of the industry,
gives :math:`b_{ri} - b^{ref}_{ri}` and a test of :math:`H_0: b_{ri} = b^{ref}_{ri}` that
accounts for the co-movement of region and reference. An LQ is already relative to its
reference, so for ``measure="lq"`` the test is :math:`H_0: b_{ri} = 0`.

*Acceleration*: the slope over the years from ``split`` on minus the slope over the earlier
years, with the OLS standard error of the interaction term of the fully interacted model.

Whole panels (:func:`trend_slopes`) are computed in closed form on a dense
``(region, industry, year)`` cube (see :mod:`emerging.trends._ols`), checked against
statsmodels in the tests; :func:`fit_trend` fits one series with statsmodels, and
:func:`fixed_effects_trend` fits a pooled within (fixed-effects) model.

Zeros and unknown values: the logarithm of 0 is undefined. With ``zeros="drop"`` (default)
a zero point is left out of the series (as an unknown point is) and counted in ``n_zero``;
with ``zeros="log1p"`` the model uses :math:`\\ln(1 + y)` for every known point (employment
only). A series with fewer than ``min_obs`` usable points is excluded, with a ``reason``.

References
----------
Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity
and autocorrelation consistent covariance matrix. *Econometrica*, 55(3), 703-708.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from emerging._schema import INDUSTRY, REGION, YEAR, Exclusions, validate_panel
from emerging.trends._cube import (
    Cube,
    Reference,
    check_option,
    reference_groups,
    reference_totals,
    to_cube,
    to_frame,
)
from emerging.trends._ols import default_maxlags, hac_se, ols_rows, slope_difference

Measure = Literal["value", "lq"]
Zeros = Literal["drop", "log1p"]
StandardError = Literal["hac", "ols"]


@dataclass(frozen=True)
class _Series:
    cube: Cube
    steps: np.ndarray
    years: np.ndarray
    y: np.ndarray  # (R, I, T) log measure
    usable: np.ndarray  # (R, I, T)
    log_reference: np.ndarray | None  # (R, I, T) or None for LQ
    n_unknown: np.ndarray  # (R, I)
    n_zero: np.ndarray  # (R, I)
    has_pair: np.ndarray  # (R, I)


def _prepare(
    frame: pl.DataFrame,
    *,
    measure: str,
    start: int | None,
    end: int | None,
    zeros: str,
    reference: str | None,
    reference_regions,
    lq_base: str,
) -> _Series:
    check_option("measure", measure, ("value", "lq"))
    check_option("zeros", zeros, ("drop", "log1p"))
    check_option("lq_base", lq_base, ("all", "country"))
    if measure == "lq" and zeros == "log1p":
        raise ValueError("zeros='log1p' is for employment only; use zeros='drop' with measure='lq'")
    column = "value"
    if measure == "lq":
        from emerging.indices.lq import location_quotient

        frame, column = location_quotient(frame, base=lq_base), "lq"
    cube = to_cube(frame, column=column)
    start = int(cube.years.min()) if start is None else start
    end = int(cube.years.max()) if end is None else end
    steps = np.flatnonzero((cube.years >= start) & (cube.years <= end))
    if steps.size < 3:
        raise ValueError(
            f"a trend needs at least 3 years; the window {start}-{end} holds "
            f"{cube.years[steps].tolist()}"
        )
    values = cube.values[:, :, steps]
    known = ~np.isnan(values)
    zero = known & (values <= 0)
    with np.errstate(divide="ignore"):
        if zeros == "log1p":
            y, usable = np.log1p(values), known
        else:
            y, usable = np.log(values), known & ~zero
    log_ref = None
    if measure == "value" and reference is not None:
        group, member, labels = reference_groups(
            cube.regions, reference=reference, reference_regions=reference_regions
        )
        balanced = np.where(known.all(axis=2, keepdims=True), values, 0.0)
        totals = reference_totals(balanced, group, member, len(labels))
        with np.errstate(divide="ignore"):
            log_ref = np.log1p(totals) if zeros == "log1p" else np.log(totals)
        usable = usable & (totals > 0)
    return _Series(
        cube=cube,
        steps=steps,
        years=cube.years[steps].astype(float),
        y=y,
        usable=usable,
        log_reference=log_ref,
        n_unknown=(~known).sum(axis=2),
        n_zero=zero.sum(axis=2),
        has_pair=cube.has_row[:, :, steps].any(axis=2),
    )


def _t_tests(slope, se, df, level):
    from scipy import stats

    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + level / 2.0, df)
        p = 2.0 * stats.t.sf(np.abs(slope / se), df)
    return slope - q * se, slope + q * se, p


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95); got {level!r}")


@dataclass(frozen=True)
class PanelTrends:
    """Result of :func:`trend_slopes`: one row per region-industry series in ``table``."""

    table: pl.DataFrame
    measure: str
    start: int
    end: int
    se_type: str
    split: int
    reference: str | None
    exclusions: Exclusions

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def summary(self, alpha: float = 0.05) -> str:
        fitted = self.table.filter(pl.col("reason").is_null())
        up = fitted.filter((pl.col("p_value") < alpha) & (pl.col("slope") > 0)).height
        down = fitted.filter((pl.col("p_value") < alpha) & (pl.col("slope") < 0)).height
        lines = [
            f"Log-linear trends of {self.measure}, {self.start}-{self.end} ({self.se_type} s.e.)",
            f"{fitted.height:,} series fitted; {self.exclusions}",
            f"significant at {alpha:g}: {up:,} rising, {down:,} falling",
        ]
        if "p_diff" in fitted.columns:
            faster = fitted.filter((pl.col("p_diff") < alpha) & (pl.col("slope_diff") > 0))
            lines.append(f"growing significantly faster than the reference: {faster.height:,}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<pre>{self.summary()}</pre>" + self.table.head(10)._repr_html_()

    def plot(self, ax=None, *, alpha: float = 0.05):
        """Volcano plot: slope against -log10(p), significant series highlighted."""
        import matplotlib.pyplot as plt

        fitted = self.table.filter(pl.col("reason").is_null())
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4.5))
        slope = fitted["slope"].to_numpy()
        p = np.clip(fitted["p_value"].to_numpy(), 1e-300, 1)
        sig = p < alpha
        ax.scatter(slope[~sig], -np.log10(p[~sig]), s=4, c="lightgrey", label="not significant")
        ax.scatter(slope[sig], -np.log10(p[sig]), s=4, c="tab:blue", label=f"p < {alpha:g}")
        ax.axhline(-np.log10(alpha), color="grey", lw=0.8, ls="--")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlabel(f"annual log growth of {self.measure}")
        ax.set_ylabel("-log10 p")
        ax.legend(fontsize="small")
        return ax


def trend_slopes(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "value",
    start: int | None = None,
    end: int | None = None,
    se: StandardError = "hac",
    maxlags: int | None = None,
    reference: Reference | None = "all",
    reference_regions: str | Collection[str] | None = None,
    split: int | None = None,
    zeros: Zeros = "drop",
    min_obs: int = 4,
    level: float = 0.95,
    lq_base: Literal["all", "country"] = "all",
) -> PanelTrends:
    """Log-linear trend, its uncertainty, reference test and acceleration for every series.

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    measure
        ``"value"`` (employment) or ``"lq"`` (location quotient with base ``lq_base``).
    start, end
        Window (default: all years of the panel).
    se
        ``"hac"`` (Newey-West, lag ``maxlags`` or the rule of thumb per series) or ``"ols"``.
    reference, reference_regions
        Reference economy for the slope test (employment only): ``"all"``, ``"country"``,
        ``"set"`` (see :func:`emerging.trends.shift_share.shift_share`), or None to skip.
    split
        First year of the "recent" segment for the acceleration (default: the middle year).
    zeros
        ``"drop"`` zero points or model ``ln(1 + y)`` (``"log1p"``, employment only).
    min_obs
        Minimum usable points per series (at least 3).
    level
        Confidence level of ``ci_lo``/``ci_hi``.

    Returns
    -------
    PanelTrends
        ``table`` columns: ``region``, ``industry``, ``n_obs``, ``n_unknown``, ``n_zero``,
        ``slope``, ``se``, ``ci_lo``, ``ci_hi``, ``p_value``; with a reference
        ``ref_slope``, ``slope_diff``, ``se_diff``, ``p_diff``; ``acceleration``,
        ``se_acceleration``, ``p_acceleration``; ``reason`` (null when fitted).
    """
    check_option("se", se, ("hac", "ols"))
    _check_level(level)
    if min_obs < 3:
        raise ValueError(f"min_obs must be at least 3 (a slope and its error); got {min_obs}")
    frame = validate_panel(panel)
    s = _prepare(
        frame, measure=measure, start=start, end=end, zeros=zeros,
        reference=reference, reference_regions=reference_regions, lq_base=lq_base,
    )
    r, i, t = s.y.shape
    y = s.y.reshape(r * i, t)
    usable = s.usable.reshape(r * i, t)
    n_usable = usable.sum(axis=1)
    fitted = (n_usable >= min_obs) & s.has_pair.ravel()
    usable = usable & fitted[:, None]
    lags = default_maxlags(n_usable) if maxlags is None else np.full(r * i, maxlags)

    def _fit(values):
        fit = ols_rows(values, usable, s.years)
        return fit, (hac_se(fit, usable, lags) if se == "hac" else fit["se"])

    fit, slope_se = _fit(y)
    df = n_usable - 2
    lo, hi, p = _t_tests(fit["slope"], slope_se, df, level)
    cols: dict[str, Any] = {
        "n_obs": n_usable, "n_unknown": s.n_unknown.ravel(), "n_zero": s.n_zero.ravel(),
        "slope": fit["slope"], "se": slope_se, "ci_lo": lo, "ci_hi": hi, "p_value": p,
    }
    if s.log_reference is not None:
        rel, rel_se = _fit(y - s.log_reference.reshape(r * i, t))
        cols["ref_slope"] = fit["slope"] - rel["slope"]
        cols["slope_diff"] = rel["slope"]
        cols["se_diff"] = rel_se
        cols["p_diff"] = _t_tests(rel["slope"], rel_se, df, level)[2]
    years = s.years
    split = int(np.ceil((years[0] + years[-1]) / 2.0)) if split is None else split
    late = years >= split
    if late.all() or not late.any():
        raise ValueError(f"split {split} must fall inside the window {int(years[0])}-{int(years[-1])}")
    early_fit = ols_rows(y, usable & ~late, years, min_n=2)
    late_fit = ols_rows(y, usable & late, years, min_n=2)
    acc, acc_se = slope_difference(early_fit, late_fit)
    cols["acceleration"] = acc
    cols["se_acceleration"] = acc_se
    cols["p_acceleration"] = _t_tests(acc, acc_se, n_usable - 4, level)[2]
    reason = np.full(r * i, None, dtype=object)
    reason[~fitted] = f"fewer than {min_obs} usable points"
    cols["reason"] = reason
    table = to_frame(s.cube, s.has_pair, {k: np.asarray(v).reshape(r, i) for k, v in cols.items()})
    table = table.with_columns(pl.col("n_obs", "n_unknown", "n_zero").cast(pl.Int32))
    has = s.has_pair.ravel()
    exclusions = Exclusions({
        f"series with fewer than {min_obs} usable points": int((has & ~fitted).sum()),
    })
    return PanelTrends(
        table=table, measure=measure, start=int(years[0]), end=int(years[-1]), se_type=se,
        split=split, reference=reference if measure == "value" else None,
        exclusions=exclusions,
    )
