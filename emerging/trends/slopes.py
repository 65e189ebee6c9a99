"""Closed-form log-linear trends for every series of a panel (no statsmodels).

The model, its standard errors and the treatment of zeros and unknown values are described
in :mod:`emerging.trends.models`; the formulas of the closed form are in
:mod:`emerging.trends._ols`. The tests check every column against statsmodels fits of
single series (:func:`emerging.trends.models.fit_trend`) to 1e-9.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from emerging._checks import check_level
from emerging._reference import ReferenceLike, Regions
from emerging._result import Result
from emerging._schema import Exclusions
from emerging._typing import check_option
from emerging.trends._ols import default_maxlags, hac_se, ols_rows, slope_difference
from emerging.trends._series import prepare_series

Measure = Literal["value", "lq"]
Zeros = Literal["drop", "log1p"]
StandardError = Literal["hac", "ols"]


def _t_tests(slope, se, df, level):
    """Student-t interval and two-sided p-value; quantiles once per distinct df."""
    from scipy import special

    df = np.asarray(df, dtype=float)
    levels, inverse = np.unique(df, return_inverse=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = special.stdtrit(levels, 0.5 + level / 2.0)[inverse.ravel()]
        q = np.where(df > 0, q, np.nan)
        p = 2.0 * special.stdtr(df, -np.abs(slope / se))
    return slope - q * se, slope + q * se, p




@dataclass(frozen=True, repr=False)
class PanelTrends(Result):
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
        lines = [
            f"Log-linear trends of {self.measure}, {self.start}-{self.end} ({self.se_type} s.e.)",
            f"{fitted.height:,} series fitted; {self.exclusions}",
        ]
        if "p_value" not in fitted.columns:
            return "\n".join([*lines, "no tests (computed with inference=False)"])
        up = fitted.filter((pl.col("p_value") < alpha) & (pl.col("slope") > 0)).height
        down = fitted.filter((pl.col("p_value") < alpha) & (pl.col("slope") < 0)).height
        lines.append(f"significant at {alpha:g}: {up:,} rising, {down:,} falling")
        if "p_diff" in fitted.columns:
            faster = fitted.filter((pl.col("p_diff") < alpha) & (pl.col("slope_diff") > 0))
            lines.append(f"growing significantly faster than the reference: {faster.height:,}")
        return "\n".join(lines)

    def plot(self, ax=None, *, alpha: float = 0.05):
        """Volcano plot: slope against -log10(p), significant series highlighted."""
        from emerging.maps.trends_plots import plot_trend_volcano

        return plot_trend_volcano(self, ax, alpha=alpha)


def trend_slopes(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "value",
    start: int | None = None,
    end: int | None = None,
    se: StandardError = "hac",
    maxlags: int | None = None,
    reference: ReferenceLike | None = "all",
    regions: Regions = None,
    split: int | None = None,
    zeros: Zeros = "drop",
    min_obs: int = 4,
    level: float = 0.95,
    acceleration: bool = True,
    inference: bool = True,
    reference_regions: str | Collection[str] | None = None,
    lq_base: Literal["all", "country"] | None = None,
) -> PanelTrends:
    """Log-linear trend, its uncertainty, reference test and acceleration for every series.

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    measure
        ``"value"`` (employment) or ``"lq"`` (location quotient against ``reference``).
    start, end
        Window (default: all years of the panel).
    se
        ``"hac"`` (Newey-West, lag ``maxlags`` or the rule of thumb per series) or ``"ols"``.
    reference, regions
        Reference economy (see :func:`emerging.trends.shift_share`: ``"all"``,
        ``"country"``, ``"set"`` with ``regions``, or a frame of external totals). For
        employment, the economy of the slope test (None skips it); for ``measure="lq"``,
        the LQ's reference (an LQ is already relative, so there is no separate test).
        The comparison (``ref_slope``, ``slope_diff``, ...) uses the usable points where
        the reference total is positive; it is null, and counted in ``exclusions``, when
        fewer than ``min_obs`` such points remain. The own ``slope`` uses every usable
        point and so does not depend on the reference.
    split
        First year of the "recent" segment for the acceleration (default: the middle year).
    zeros
        ``"drop"`` zero points or model ``ln(1 + y)`` (``"log1p"``, employment only).
    min_obs
        Minimum usable points per series (at least 3).
    level
        Confidence level of ``ci_lo``/``ci_hi``.
    acceleration
        Also fit the two segments before and from ``split`` (the ``acceleration`` columns).
    inference
        Add confidence intervals and p-values (Student's t). The t distribution function
        costs about as much as the fits themselves; turn it off for slopes and standard
        errors only on very big panels.
    reference_regions, lq_base
        Deprecated spellings of ``regions`` and (for ``measure="lq"``) ``reference``.

    Returns
    -------
    PanelTrends
        ``table`` columns: ``region``, ``industry``, ``n_obs``, ``n_unknown``, ``n_zero``,
        ``slope``, ``se``, ``ci_lo``, ``ci_hi``, ``p_value``; with a reference
        ``ref_slope``, ``slope_diff``, ``se_diff``, ``p_diff``; ``acceleration``,
        ``se_acceleration``, ``p_acceleration``; ``reason`` (null when fitted). Without
        ``inference`` the intervals and p-values are left out.
    """
    check_option("se", se, ("hac", "ols"))
    check_level(level)
    if min_obs < 3:
        raise ValueError(f"min_obs must be at least 3 (a slope and its error); got {min_obs}")
    s = prepare_series(
        panel, measure=measure, start=start, end=end, zeros=zeros,
        reference=reference, regions=regions, reference_regions=reference_regions,
        lq_base=lq_base,
    )
    r, i, t = s.y.shape
    y = s.y.reshape(r * i, t)
    usable = s.usable.reshape(r * i, t)
    n_usable = usable.sum(axis=1)
    fitted = (n_usable >= min_obs) & s.has_pair.ravel()
    usable = usable & fitted[:, None]
    lags = default_maxlags(n_usable) if maxlags is None else np.full(r * i, maxlags)

    def _fit(values, mask, lags):
        fit = ols_rows(values, mask, s.years)
        return fit, (hac_se(fit, mask, lags) if se == "hac" else fit["se"])

    fit, slope_se = _fit(y, usable, lags)
    df = n_usable - 2
    cols: dict[str, Any] = {
        "n_obs": n_usable, "n_unknown": s.n_unknown.ravel(), "n_zero": s.n_zero.ravel(),
        "slope": fit["slope"], "se": slope_se,
    }
    if inference:
        cols["ci_lo"], cols["ci_hi"], cols["p_value"] = _t_tests(fit["slope"], slope_se, df, level)
    n_compared = np.zeros(r * i, dtype=np.int64)
    if s.log_reference is not None:
        # the comparison uses only the points where the reference total is positive; the
        # own slope above uses every usable point, whatever the reference
        log_ref = s.log_reference.reshape(r * i, t)
        compared = s.usable_relative.reshape(r * i, t) & fitted[:, None]
        n_compared = compared.sum(axis=1)
        compared &= (n_compared >= min_obs)[:, None]
        rel_lags = default_maxlags(n_compared) if maxlags is None else lags
        with np.errstate(invalid="ignore"):  # -inf - -inf where not usable (masked)
            rel, rel_se = _fit(y - log_ref, compared, rel_lags)
        cols["ref_slope"] = ols_rows(log_ref, compared, s.years)["slope"]
        cols["slope_diff"] = rel["slope"]
        cols["se_diff"] = rel_se
        if inference:
            cols["p_diff"] = _t_tests(rel["slope"], rel_se, n_compared - 2, level)[2]
    years = s.years
    split = int(np.ceil((years[0] + years[-1]) / 2.0)) if split is None else split
    late = years >= split
    if late.all() or not late.any():
        raise ValueError(
            f"split {split} must fall inside the window {int(years[0])}-{int(years[-1])}"
        )
    if acceleration:
        early_fit = ols_rows(y[:, ~late], usable[:, ~late], years[~late], min_n=2)
        late_fit = ols_rows(y[:, late], usable[:, late], years[late], min_n=2)
        acc, acc_se = slope_difference(early_fit, late_fit)
        cols["acceleration"] = acc
        cols["se_acceleration"] = acc_se
        if inference:
            cols["p_acceleration"] = _t_tests(acc, acc_se, n_usable - 4, level)[2]
    reason = np.full(r * i, None, dtype=object)
    reason[~fitted] = f"fewer than {min_obs} usable points"
    cols["reason"] = reason
    table = s.coded.pair_frame(s.has_pair, {k: np.asarray(v).reshape(r, i) for k, v in cols.items()})
    table = table.with_columns(pl.col("n_obs", "n_unknown", "n_zero").cast(pl.Int32))
    has = s.has_pair.ravel()
    counts = {f"series with fewer than {min_obs} usable points": int((has & ~fitted).sum())}
    if s.log_reference is not None:
        uncompared = has & fitted & (n_compared < min_obs)
        counts[
            f"fitted series with fewer than {min_obs} points where the reference total is "
            "positive (reference columns null)"
        ] = int(uncompared.sum())
    exclusions = Exclusions(counts)
    return PanelTrends(
        table=table, measure=measure, start=int(years[0]), end=int(years[-1]), se_type=se,
        split=split,
        reference=None if measure != "value" or s.log_reference is None else s.reference_label,
        exclusions=exclusions,
    )


