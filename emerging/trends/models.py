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

Short series: Newey-West errors are biased downwards in short samples. On the simulated
demo (16 yearly points, independent noise) they were about a third smaller than the
classical OLS errors, and one of three planted slopes fell outside its 95 % HAC interval
but inside the OLS one; with fewer than about 20 points and little autocorrelation in the
residuals, ``se="ols"`` gives the more honest interval.

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

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from emerging._checks import check_level, check_regions
from emerging._reference import ReferenceLike, Regions
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, validate_panel
from emerging._typing import check_option
from emerging.trends._ols import default_maxlags, ols_rows, residuals
from emerging.trends._series import prepare_series
from emerging.trends.slopes import (
    Measure,
    PanelTrends,
    SlopeOptions,
    Zeros,
    slope_options,
    trend_slopes,
)

__all__ = ["FixedEffectsTrend", "PanelTrends", "TrendFit", "fit_trend", "fixed_effects_trend",
           "trend_slopes"]


def _series_frame(s, r: int, i: int) -> pl.DataFrame:
    data = {
        "year": s.years.astype(np.int32),
        "value": s.values[r, i],
        "log_value": s.y[r, i],
        "usable": s.usable[r, i],
    }
    if s.log_reference is not None:
        data["log_reference"] = s.log_reference[r, i]
    frame = pl.DataFrame(data).with_columns(pl.col(pl.Float64).fill_nan(None))
    return frame.with_columns(
        pl.when(pl.col("usable")).then(pl.col(c)).alias(c) for c in ("value", "log_value")
    )


@dataclass(frozen=True, repr=False)
class TrendFit(Result):
    """Detailed statsmodels fit of one series (see :func:`fit_trend`).

    ``trend`` is the log-linear trend, ``relative`` the trend of the log ratio to the
    reference (None for the LQ), ``interacted`` the fully interacted model whose last
    coefficient is the acceleration. ``data`` holds the series (``year``, ``value``,
    ``log_value``, ``usable`` and ``log_reference``).
    """

    region: str
    industry: str
    measure: str
    se_type: str
    maxlags: int
    split: int
    level: float
    data: pl.DataFrame
    trend: Any = field(repr=False)
    relative: Any = field(repr=False)
    interacted: Any = field(repr=False)
    ref_slope: float | None = None  # slope of the log reference over the compared points

    def to_frame(self) -> pl.DataFrame:
        """One row: slope, se, CI, p-value, reference test and acceleration."""
        lo, hi = self.trend.conf_int(alpha=1 - self.level)[1]
        row = {
            "region": self.region, "industry": self.industry, "n_obs": int(self.trend.nobs),
            "slope": self.trend.params[1], "se": self.trend.bse[1], "ci_lo": lo, "ci_hi": hi,
            "p_value": self.trend.pvalues[1],
        }
        if self.relative is not None:
            row |= {
                "ref_slope": self.ref_slope,
                "slope_diff": self.relative.params[1], "se_diff": self.relative.bse[1],
                "p_diff": self.relative.pvalues[1],
            }
        if self.interacted is not None:
            row |= {
                "acceleration": self.interacted.params[3],
                "se_acceleration": self.interacted.bse[3],
                "p_acceleration": self.interacted.pvalues[3],
            }
        return pl.DataFrame([row])

    def summary(self) -> str:
        r = self.to_frame().row(0, named=True)
        lines = [
            f"{self.region} {self.industry}: log-linear trend of {self.measure}, "
            f"{r['n_obs']} points ({self.se_type} s.e., maxlags={self.maxlags})",
            f"slope {r['slope']:+.4f} per year (s.e. {r['se']:.4f}, {self.level:.0%} CI "
            f"{r['ci_lo']:+.4f} to {r['ci_hi']:+.4f}, p = {r['p_value']:.3g})",
        ]
        if "slope_diff" in r:
            lines.append(
                f"reference slope {r['ref_slope']:+.4f}; difference {r['slope_diff']:+.4f} "
                f"(s.e. {r['se_diff']:.4f}, p = {r['p_diff']:.3g})"
            )
        if "acceleration" in r:
            lines.append(
                f"acceleration (from {self.split} on minus before) {r['acceleration']:+.4f} "
                f"(s.e. {r['se_acceleration']:.4f}, p = {r['p_acceleration']:.3g})"
            )
        return "\n".join(lines)

    def plot(self, ax=None):
        """The series (log scale), the fitted trend with its confidence band, and the
        reference rescaled to the series' fitted level in the first year."""
        from emerging.maps.trends_plots import plot_trend_fit

        return plot_trend_fit(self, ax)


def fit_trend(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    region: str,
    industry: str,
    start: int | None = None,
    end: int | None = None,
    reference: ReferenceLike | None = "all",
    regions: Regions = None,
    options: SlopeOptions | None = None,
    **keywords: Any,
) -> TrendFit:
    """Fit the log-linear trend of one region-industry series with statsmodels.

    Same model, options and edge cases as :func:`trend_slopes` (whose numbers it
    reproduces), but keeps the statsmodels results for inspection and plotting.
    ``options`` is a :class:`~emerging.trends.SlopeOptions`, of which one series uses
    ``measure``, ``se``, ``maxlags``, ``split``, ``zeros`` and ``level`` (each also a
    keyword, as are the deprecated ``reference_regions`` and ``lq_base``); the
    acceleration is always fitted, with at least 5 points and 2 on each side of ``split``.
    """
    import statsmodels.api as sm

    opts, legacy = slope_options(options, keywords, function="fit_trend", fields=_ONE_SERIES)
    measure, se, maxlags, level = opts.measure, opts.se, opts.maxlags, opts.level
    frame = validate_panel(panel)
    for col, code in ((REGION, region), (INDUSTRY, industry)):
        check_regions([code], frame[col].unique().to_list(), what=col)
    if measure == "value":  # the reference needs this industry only
        frame = frame.filter(pl.col(INDUSTRY) == industry)
    s = prepare_series(
        frame, measure=measure, start=start, end=end, zeros=opts.zeros,
        reference=reference, regions=regions, **legacy,
    )
    r = s.coded.regions.index_of(region)
    i = s.coded.industries.index_of(industry)
    usable = s.usable[r, i]
    n = int(usable.sum())
    if n < 3:
        raise ValueError(
            f"{region} {industry} has {n} usable points in {int(s.years[0])}-{int(s.years[-1])} "
            "(zeros and unknown values are left out); a trend needs at least 3"
        )
    lags = int(default_maxlags(n)) if maxlags is None else maxlags
    x = s.years[usable]

    def _fit(values, mask, lags):
        exog = sm.add_constant(s.years[mask], has_constant="add")
        kw = {"cov_type": "HAC", "cov_kwds": {"maxlags": lags}} if se == "hac" else {}
        return sm.OLS(values[mask], exog).fit(use_t=True, **kw)

    trend = _fit(s.y[r, i], usable, lags)
    relative = ref_slope = None
    if s.log_reference is not None:  # only points with a positive reference total
        compared = s.usable_relative[r, i]
        n_compared = int(compared.sum())
        if n_compared >= 3:
            rel_lags = int(default_maxlags(n_compared)) if maxlags is None else maxlags
            log_ref = s.log_reference[r, i]
            with np.errstate(invalid="ignore"):  # -inf - -inf at points left out
                relative = _fit(s.y[r, i] - log_ref, compared, rel_lags)
            ref_slope = float(np.polyfit(s.years[compared], log_ref[compared], 1)[0])
    years = s.years
    split = int(np.ceil((years[0] + years[-1]) / 2.0)) if opts.split is None else opts.split
    late = (x >= split).astype(float)
    interacted = None
    if min(late.sum(), (1 - late).sum()) >= 2 and n >= 5:
        design = np.column_stack([np.ones_like(x), x, late, late * x])
        interacted = sm.OLS(s.y[r, i][usable], design).fit()
    return TrendFit(
        region=region, industry=industry, measure=measure, se_type=se, maxlags=lags,
        split=split, level=level, data=_series_frame(s, r, i), trend=trend,
        relative=relative, interacted=interacted, ref_slope=ref_slope,
    )


#: The fields of SlopeOptions that apply to one series (fit_trend).
_ONE_SERIES = ("measure", "se", "maxlags", "split", "zeros", "level")


@dataclass(frozen=True, repr=False)
class FixedEffectsTrend(Result):
    """Common trend of many series with series fixed effects (see :func:`fixed_effects_trend`)."""

    slope: float
    se: float
    ci_lo: float
    ci_hi: float
    p_value: float
    n_obs: int
    n_series: int
    cluster: str
    result: Any = field(repr=False)

    def to_frame(self) -> pl.DataFrame:
        keys = ("slope", "se", "ci_lo", "ci_hi", "p_value", "n_obs", "n_series", "cluster")
        return pl.DataFrame([{k: getattr(self, k) for k in keys}])

    def summary(self) -> str:
        return (
            f"Within (fixed-effects) trend over {self.n_series:,} series, {self.n_obs:,} points: "
            f"slope {self.slope:+.4f} (s.e. {self.se:.4f}, clustered by {self.cluster}; CI "
            f"{self.ci_lo:+.4f} to {self.ci_hi:+.4f}, p = {self.p_value:.3g})"
        )

    def plot(self, ax=None):
        """Demeaned log values against demeaned years, with the common slope."""
        from emerging.maps.trends_plots import plot_fixed_effects_trend

        return plot_fixed_effects_trend(self, ax)


def fixed_effects_trend(  # noqa: PLR0913  (lq_base= stays a keyword for one release)
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "value",
    start: int | None = None,
    end: int | None = None,
    cluster: Literal["series", "region", "industry", "none"] = "series",
    zeros: Zeros = "drop",
    min_obs: int = 3,
    level: float = 0.95,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    lq_base: Literal["all", "country"] | None = None,
) -> FixedEffectsTrend:
    """Common log-linear trend of all series in a panel with series fixed effects.

    .. math:: \\ln y_{rit} = \\alpha_{ri} + \\beta t + \\varepsilon_{rit}

    estimated by the within transformation (each series demeaned) and statsmodels OLS, with
    residual degrees of freedom :math:`n - G - 1` (G series), so the classical standard
    error equals that of the dummy-variable regression; clustered standard errors use
    statsmodels' correction :math:`G_c/(G_c - 1)` with the demeaned design (as Stata's
    ``xtreg, fe vce(cluster)``). Filter the panel first (e.g. one industry across regions).
    """
    import statsmodels.api as sm

    check_option("cluster", cluster, ("series", "region", "industry", "none"))
    check_level(level)
    s = prepare_series(
        panel, measure=measure, start=start, end=end, zeros=zeros,
        reference=reference if measure == "lq" else None, regions=regions, lq_base=lq_base,
    )
    r, i, t = s.y.shape
    usable = s.usable.reshape(r * i, t)
    usable &= (usable.sum(axis=1) >= min_obs)[:, None]
    fit = ols_rows(s.y.reshape(r * i, t), usable, s.years, min_n=2)
    rows, cols = np.nonzero(usable)
    if rows.size == 0:
        raise ValueError(f"no series has {min_obs} or more usable points")
    xc, _ = residuals(fit)
    x = xc[rows, cols]
    y = fit["_yc"][rows, cols]  # the series' centred log values
    n_series = int(np.unique(rows).size)
    model = sm.OLS(y, x[:, None])
    model.df_resid = rows.size - n_series - 1
    if cluster == "none":
        res = model.fit(use_t=True)
    else:
        groups = {"series": rows, "region": rows // i, "industry": rows % i}[cluster]
        res = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    lo, hi = res.conf_int(alpha=1 - level)[0]
    return FixedEffectsTrend(
        slope=float(res.params[0]), se=float(res.bse[0]), ci_lo=float(lo), ci_hi=float(hi),
        p_value=float(res.pvalues[0]), n_obs=int(rows.size), n_series=n_series,
        cluster=cluster, result=res,
    )
