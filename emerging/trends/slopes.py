"""Closed-form log-linear trends for every series of a panel (no statsmodels).

The model, its standard errors and the treatment of zeros and unknown values are described
in :mod:`emerging.trends.models`; the formulas of the closed form are in
:mod:`emerging.trends._ols`. The tests check every column against statsmodels fits of
single series (:func:`emerging.trends.models.fit_trend`) to 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from emerging._checks import check_level, check_option, merge_options
from emerging._reference import ReferenceLike, Regions
from emerging._result import Result
from emerging._schema import Exclusions
from emerging.trends._ols import default_maxlags, hac_se, ols_rows, slope_difference
from emerging.trends._series import LogSeries, prepare_series

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


@dataclass(frozen=True)
class SlopeOptions:
    """How :func:`trend_slopes` fits every series (defaults: the function's defaults).

    Each field may also be passed to :func:`trend_slopes` as a keyword of the same name.
    The values are checked when the object is made, with the messages of the function.

    Attributes
    ----------
    measure
        ``"value"`` (employment) or ``"lq"`` (location quotient against the reference).
    se
        ``"hac"`` (Newey-West, lag ``maxlags`` or the rule of thumb per series) or ``"ols"``.
    maxlags
        Newey-West lag (default: ``floor(4 (n / 100)^(2/9))`` per series).
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
        Add confidence intervals and p-values (Student's t).
    """

    measure: Measure = "value"
    se: StandardError = "hac"
    maxlags: int | None = None
    split: int | None = None
    zeros: Zeros = "drop"
    min_obs: int = 4
    level: float = 0.95
    acceleration: bool = True
    inference: bool = True

    def __post_init__(self) -> None:
        check_option("se", self.se, ("hac", "ols"))
        check_level(self.level)
        if self.min_obs < 3:
            raise ValueError(
                f"min_obs must be at least 3 (a slope and its error); got {self.min_obs}"
            )
        check_option("measure", self.measure, ("value", "lq"))
        check_option("zeros", self.zeros, ("drop", "log1p"))
        if self.measure == "lq" and self.zeros == "log1p":
            raise ValueError(
                "zeros='log1p' is for employment only; use zeros='drop' with measure='lq'"
            )


_DEPRECATED = ("reference_regions", "lq_base")


def slope_options(options: SlopeOptions | None, keywords: dict[str, Any], *, function: str,
                  fields: tuple[str, ...] | None = None) -> tuple[SlopeOptions, dict[str, Any]]:
    """The :class:`SlopeOptions` of a call (``options`` with the keywords that name its
    fields applied) and the deprecated spellings given (``reference_regions``, ``lq_base``),
    for :func:`emerging.trends._series.prepare_series`. ``fields``: the fields the function
    uses (other keywords are a ``TypeError``, as before the options object existed)."""
    legacy = {k: keywords.pop(k) for k in _DEPRECATED if k in keywords}
    if fields is not None:
        unknown = [k for k in keywords if k not in fields]
        if unknown:
            raise TypeError(
                f"{function}() got an unexpected keyword argument {unknown[0]!r}; its options "
                f"are {list(fields)}"
            )
    return merge_options(SlopeOptions, options, keywords, function=function), legacy


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
    start: int | None = None,
    end: int | None = None,
    reference: ReferenceLike | None = "all",
    regions: Regions = None,
    options: SlopeOptions | None = None,
    **keywords: Any,
) -> PanelTrends:
    """Log-linear trend, its uncertainty, reference test and acceleration for every series.

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    start, end
        Window (default: all years of the panel).
    reference, regions
        Reference economy (see :func:`emerging.trends.shift_share`: ``"all"``,
        ``"country"``, ``"set"`` with ``regions``, or a frame of external totals). For
        employment, the economy of the slope test (None skips it); for ``measure="lq"``,
        the LQ's reference (an LQ is already relative, so there is no separate test).
        The comparison (``ref_slope``, ``slope_diff``, ...) uses the usable points where
        the reference total is positive; it is null, and counted in ``exclusions``, when
        fewer than ``min_obs`` such points remain. The own ``slope`` uses every usable
        point and so does not depend on the reference.
    options
        A :class:`SlopeOptions`: ``measure``, ``se``, ``maxlags``, ``split``, ``zeros``,
        ``min_obs``, ``level``, ``acceleration``, ``inference`` (see there).
    **keywords
        Any field of :class:`SlopeOptions` as a keyword (``trend_slopes(p, se="ols")``),
        overriding the same field of ``options``; and ``reference_regions``, ``lq_base``,
        deprecated spellings of ``regions`` and (for ``measure="lq"``) ``reference``.
        The t distribution function behind ``inference`` costs about as much as the fits
        themselves; turn it off for slopes and standard errors only on very big panels.

    Returns
    -------
    PanelTrends
        ``table`` columns: ``region``, ``industry``, ``n_obs``, ``n_unknown``, ``n_zero``,
        ``slope``, ``se``, ``ci_lo``, ``ci_hi``, ``p_value``; with a reference
        ``ref_slope``, ``slope_diff``, ``se_diff``, ``p_diff``; ``acceleration``,
        ``se_acceleration``, ``p_acceleration``; ``reason`` (null when fitted). Without
        ``inference`` the intervals and p-values are left out.
    """
    opts, legacy = slope_options(options, keywords, function="trend_slopes")
    s = prepare_series(
        panel, measure=opts.measure, start=start, end=end, zeros=opts.zeros,
        reference=reference, regions=regions, **legacy,
    )
    flat = _Flat.of(s, opts.min_obs)
    lags = default_maxlags(flat.n_usable) if opts.maxlags is None else np.full(
        flat.n_usable.size, opts.maxlags)
    cols = _own_trend(s, flat, lags, opts)
    n_compared = np.zeros(flat.n_usable.size, dtype=np.int64)
    if s.log_reference is not None:
        n_compared = _reference_comparison(s, flat, lags, opts, cols)
    split = _split_year(s.years, opts.split)
    if opts.acceleration:
        _acceleration(s.years >= split, s.years, flat, opts, cols)
    reason = np.full(flat.n_usable.size, None, dtype=object)
    reason[~flat.fitted] = f"fewer than {opts.min_obs} usable points"
    cols["reason"] = reason
    r, i = s.has_pair.shape
    table = s.coded.pair_frame(s.has_pair, {k: np.asarray(v).reshape(r, i) for k, v in cols.items()})
    table = table.with_columns(pl.col("n_obs", "n_unknown", "n_zero").cast(pl.Int32))
    return PanelTrends(
        table=table, measure=opts.measure, start=int(s.years[0]), end=int(s.years[-1]),
        se_type=opts.se, split=split,
        reference=(None if opts.measure != "value" or s.log_reference is None
                   else s.reference_label),
        exclusions=_exclusions(s, flat, n_compared, opts.min_obs),
    )


@dataclass(frozen=True)
class _Flat:
    """The series of a :class:`LogSeries` as rows: ``(R * I, T)`` arrays."""

    y: np.ndarray  # log measure
    usable: np.ndarray  # usable points of fitted series only
    n_usable: np.ndarray  # (R * I,) usable points per series
    fitted: np.ndarray  # (R * I,) at least min_obs usable points and a row in the window

    @classmethod
    def of(cls, s: LogSeries, min_obs: int) -> _Flat:
        r, i, t = s.y.shape
        usable = s.usable.reshape(r * i, t)
        n_usable = usable.sum(axis=1)
        fitted = (n_usable >= min_obs) & s.has_pair.ravel()
        return cls(s.y.reshape(r * i, t), usable & fitted[:, None], n_usable, fitted)


def _fit(values, mask, years, lags, se: str):
    """OLS fits of the rows of ``values`` over ``mask`` and their standard errors."""
    fit = ols_rows(values, mask, years)
    return fit, (hac_se(fit, mask, lags) if se == "hac" else fit["se"])


def _own_trend(s: LogSeries, flat: _Flat, lags, opts: SlopeOptions) -> dict[str, Any]:
    """Counts, slope and its error (and t tests) of every series' own trend."""
    fit, slope_se = _fit(flat.y, flat.usable, s.years, lags, opts.se)
    cols: dict[str, Any] = {
        "n_obs": flat.n_usable, "n_unknown": s.n_unknown.ravel(), "n_zero": s.n_zero.ravel(),
        "slope": fit["slope"], "se": slope_se,
    }
    if opts.inference:
        cols["ci_lo"], cols["ci_hi"], cols["p_value"] = _t_tests(
            fit["slope"], slope_se, flat.n_usable - 2, opts.level)
    return cols


def _reference_comparison(s: LogSeries, flat: _Flat, lags, opts: SlopeOptions,
                          cols: dict[str, Any]) -> np.ndarray:
    """Add the reference slope and the test against it to ``cols``; points compared.

    The comparison uses only the points where the reference total is positive; the own
    slope uses every usable point, whatever the reference.
    """
    shape = flat.y.shape
    log_ref = s.log_reference.reshape(shape)
    compared = s.usable_relative.reshape(shape) & flat.fitted[:, None]
    n_compared = compared.sum(axis=1)
    compared &= (n_compared >= opts.min_obs)[:, None]
    rel_lags = default_maxlags(n_compared) if opts.maxlags is None else lags
    with np.errstate(invalid="ignore"):  # -inf - -inf where not usable (masked)
        rel, rel_se = _fit(flat.y - log_ref, compared, s.years, rel_lags, opts.se)
    cols["ref_slope"] = ols_rows(log_ref, compared, s.years)["slope"]
    cols["slope_diff"] = rel["slope"]
    cols["se_diff"] = rel_se
    if opts.inference:
        cols["p_diff"] = _t_tests(rel["slope"], rel_se, n_compared - 2, opts.level)[2]
    return n_compared


def _split_year(years: np.ndarray, split: int | None) -> int:
    """First year of the recent segment (default: the middle year), checked to be inside."""
    split = int(np.ceil((years[0] + years[-1]) / 2.0)) if split is None else split
    late = years >= split
    if late.all() or not late.any():
        raise ValueError(
            f"split {split} must fall inside the window {int(years[0])}-{int(years[-1])}"
        )
    return split


def _acceleration(late, years, flat: _Flat, opts: SlopeOptions, cols: dict[str, Any]) -> None:
    """Add the change of slope from the early to the late segment to ``cols``."""
    early_fit = ols_rows(flat.y[:, ~late], flat.usable[:, ~late], years[~late], min_n=2)
    late_fit = ols_rows(flat.y[:, late], flat.usable[:, late], years[late], min_n=2)
    acc, acc_se = slope_difference(early_fit, late_fit)
    cols["acceleration"] = acc
    cols["se_acceleration"] = acc_se
    if opts.inference:
        cols["p_acceleration"] = _t_tests(acc, acc_se, flat.n_usable - 4, opts.level)[2]


def _exclusions(s: LogSeries, flat: _Flat, n_compared, min_obs: int) -> Exclusions:
    """Series not fitted, and fitted series without enough points to compare."""
    has = s.has_pair.ravel()
    counts = {f"series with fewer than {min_obs} usable points": int((has & ~flat.fitted).sum())}
    if s.log_reference is not None:
        uncompared = has & flat.fitted & (n_compared < min_obs)
        counts[
            f"fitted series with fewer than {min_obs} points where the reference total is "
            "positive (reference columns null)"
        ] = int(uncompared.sum())
    return Exclusions(counts)
