"""Closed-form log-linear trends for every series of a panel (no statsmodels).

The model, its standard errors and the treatment of zeros and unknown values are described
in :mod:`emerging.trends.models`; the formulas of the closed form are in
:mod:`emerging.trends._ols`. The tests check every column against statsmodels fits of
single series (:func:`emerging.trends.models.fit_trend`) to 1e-9.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from emerging._checks import check_level, check_option, merge_options
from emerging._engine import ROW_BLOCK, map_row_blocks
from emerging._reference import ReferenceLike, Regions
from emerging._result import Result
from emerging._schema import Exclusions
from emerging.trends._ols import (
    Design,
    Scratch,
    centred_fit,
    default_maxlags,
    hac_columns,
    masked_fit,
    ols_columns,
    slope_difference,
)
from emerging.trends._series import MeasureCube, finite_logs, log_totals, measure_cube

Measure = Literal["value", "lq"]
Zeros = Literal["drop", "log1p"]
StandardError = Literal["hac", "ols"]


class _TTests:
    """Student-t intervals and two-sided p-values for integer degrees of freedom up to
    ``top``: the quantiles are computed once per call of :func:`trend_slopes`, for every
    possible df (a table), not once per block."""

    def __init__(self, top: int, level: float) -> None:
        from scipy import special

        self._special = special
        with np.errstate(invalid="ignore", divide="ignore"):
            self._q = special.stdtrit(np.arange(max(top, 0) + 1, dtype=float), 0.5 + level / 2.0)
        self._q[0] = np.nan  # df <= 0: no interval

    def p_value(self, estimate, se, df) -> np.ndarray:
        """Two-sided p-value of ``estimate / se`` with ``df`` degrees of freedom."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return 2.0 * self._special.stdtr(np.asarray(df, dtype=float),
                                             -np.abs(estimate / se))

    def interval(self, estimate, se, df) -> tuple[np.ndarray, np.ndarray]:
        """The confidence interval (NaN where ``df <= 0``)."""
        q = self._q[np.clip(df, 0, len(self._q) - 1)]
        return estimate - q * se, estimate + q * se


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
        The t distribution function behind ``inference`` (three p-values per series) is
        about a third of the CPU time of the default call (and the first call imports
        ``scipy.special``, about 0.2 s); turn it off for slopes and standard errors only
        on very big panels.

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
    c = measure_cube(
        panel, measure=opts.measure, start=start, end=end, zeros=opts.zeros,
        reference=reference, regions=regions, compact=True, **legacy,
    )
    split = _split_year(c.years, opts.split)
    cols = _fit_blocks(c, split, opts)
    fitted, n_compared = cols.pop("_fitted"), cols.pop("_n_compared")
    return PanelTrends(
        table=_table(c, cols, fitted, f"fewer than {opts.min_obs} usable points"),
        measure=opts.measure, start=int(c.years[0]), end=int(c.years[-1]),
        se_type=opts.se, split=split,
        reference=(None if opts.measure != "value" or c.totals is None
                   else c.reference_label),
        exclusions=_exclusions(c, fitted, n_compared, opts.min_obs),
    )


def _columns(opts: SlopeOptions, reference: bool) -> list[str]:
    """The fitted columns of the table, in order."""
    tests = opts.inference
    names = ["slope", "se", *(["ci_lo", "ci_hi", "p_value"] if tests else [])]
    if reference:
        names += ["ref_slope", "slope_diff", "se_diff", *(["p_diff"] if tests else [])]
    if opts.acceleration:
        names += ["acceleration", "se_acceleration", *(["p_acceleration"] if tests else [])]
    return names


#: Points per block of :func:`_fit_blocks` (about 1 MB per work array): measured on the
#: L panel, blocks of 2**15 points spend a third more CPU time in numpy's per-call
#: overhead and blocks of 2**19 points fall out of the cores' caches.
_BLOCK = 4 * ROW_BLOCK


@dataclass(frozen=True)
class _Work:
    """What every block of :func:`_fit_blocks` shares: options, the t tables and the
    reference's log totals and positive mask ``(T, G, I)`` (computed once per call, not
    once per block: every region of a group has the same reference)."""

    opts: SlopeOptions
    years: np.ndarray
    n_early: int
    tests: _TTests | None
    log_ref: np.ndarray | None
    positive: np.ndarray | None
    group: np.ndarray | None
    lag_table: np.ndarray

    def lags(self, n: np.ndarray) -> np.ndarray | None:
        """Newey-West lag of each series with ``n`` points (None for OLS errors): the
        rule of thumb read from a table of every possible count (0 to T)."""
        if self.opts.se == "ols":
            return None
        if self.opts.maxlags is not None:
            return np.full(n.size, self.opts.maxlags)
        return self.lag_table[n]

    def of_regions(self, array: np.ndarray, regions: slice, shape: tuple[int, int, int]):
        """``array`` (``(T, G, I)``) as the ``(T, regions, I)`` block (a broadcast view)."""
        part = array if self.group is None else array[:, self.group[regions]]
        return np.broadcast_to(part, shape)


def _fit_blocks(c: MeasureCube, split: int, opts: SlopeOptions) -> dict[str, np.ndarray]:
    """Every column of the table, one ``(R * I,)`` array each, computed on blocks of whole
    regions in the engine's axis order (time first: a block is ``(T, series)``).

    Each series' fit depends on its own points only, so blocks small enough for a core's
    cache give the same numbers as whole arrays without allocating (and faulting in)
    dozens of panel-sized temporaries, and without transposing the panel to series
    first; the blocks run on the engine's thread pool and write into the output columns.
    """
    nT, nR, nI = c.values.shape
    flat = c.values.reshape(nT, nR * nI)
    has_pair = c.has_pair.reshape(-1)
    log_ref = positive = None
    if c.totals is not None:
        log_ref = log_totals(c.totals, c.zeros, out=np.empty(c.totals.shape))
        positive = np.greater(c.totals, 0.0)
    work = _Work(opts, c.years, int(np.count_nonzero(c.years < split)),
                 _TTests(nT, opts.level) if opts.inference else None, log_ref, positive,
                 c.group, default_maxlags(np.arange(nT + 1)))
    out: dict[str, np.ndarray] = {
        "n_obs": np.empty(nR * nI, dtype=np.int32),
        "n_unknown": np.empty(nR * nI, dtype=np.int32),
        "n_zero": np.empty(nR * nI, dtype=np.int32),
        **{k: np.empty(nR * nI) for k in _columns(opts, c.totals is not None)},
        "_fitted": np.empty(nR * nI, dtype=bool),
        "_n_compared": np.zeros(nR * nI, dtype=np.int64),
    }

    def block(regions: slice) -> None:
        rows = slice(regions.start * nI, regions.stop * nI)
        ws = scratch()
        values = ws.get("values", (nT, rows.stop - rows.start))
        np.copyto(values, flat[:, rows])  # any real dtype of the cube becomes float64
        y, known, zero, usable = finite_logs(values, c.zeros, ws)
        n_usable = np.count_nonzero(usable, axis=0)
        fitted = (n_usable >= opts.min_obs) & has_pair[rows]
        usable &= fitted
        cols = {"n_obs": n_usable, "n_unknown": nT - np.count_nonzero(known, axis=0),
                "n_zero": np.count_nonzero(zero, axis=0), "_fitted": fitted}
        own = Design(usable, c.years, scratch=ws, name="own",
                     n=np.where(fitted, n_usable, 0))
        _own_trend(y, own, n_usable, work, cols, ws)
        if log_ref is not None:
            shape = (nT, regions.stop - regions.start, nI)
            _reference_comparison(y, own, work.of_regions(log_ref, regions, shape),
                                  work.of_regions(positive, regions, shape), work, cols, ws)
        if opts.acceleration:
            _acceleration(y, own, n_usable, work, cols, ws)
        cols.pop("_own_yc")
        for k, v in cols.items():
            out[k][rows] = v

    local = threading.local()

    def scratch() -> Scratch:  # one set of work arrays per thread of the pool
        if not hasattr(local, "scratch"):
            local.scratch = Scratch()
        return local.scratch

    map_row_blocks(block, nR, -(-nR // max(_BLOCK // max(nT * nI, 1), 1)))
    return out


def _with_se(fit: dict[str, np.ndarray], d: Design, lags, se: str, ws: Scratch):
    """A fit and its standard errors (OLS, or Newey-West with ``lags``)."""
    if se == "ols":
        return fit, fit["se"]
    return fit, hac_columns(fit, d, lags, out=ws.get("scores", d.m.shape))


def _own_trend(y, own: Design, n_usable, work: _Work, cols: dict[str, Any],
               ws: Scratch) -> None:
    """Add the slope and its error (and t tests) of every series' own trend to ``cols``."""
    opts = work.opts
    fit, slope_se = _with_se(ols_columns(y, own, out=ws.get("own.yc", y.shape)), own,
                             work.lags(n_usable), opts.se, ws)
    cols["_own_yc"] = fit["yc"]
    cols["slope"], cols["se"] = fit["slope"], slope_se
    if work.tests is not None:
        cols["ci_lo"], cols["ci_hi"] = work.tests.interval(fit["slope"], slope_se, n_usable - 2)
        cols["p_value"] = work.tests.p_value(fit["slope"], slope_se, n_usable - 2)


def _reference_comparison(y, own: Design, log_ref3, positive3, work: _Work,
                          cols: dict[str, Any], ws: Scratch) -> None:
    """Add the reference slope and the test against it to ``cols`` (and the points
    compared as ``_n_compared``); ``log_ref3`` and ``positive3`` are the log reference
    totals and where they are positive, as ``(T, regions, I)`` views of the block.

    The comparison uses only the points where the reference total is positive; the own
    slope uses every usable point, whatever the reference.
    """
    opts = work.opts
    shape3 = log_ref3.shape
    compared = ws.get("compared", y.shape, bool)
    np.logical_and(positive3, own.known.reshape(shape3), out=compared.reshape(shape3))
    n_compared = np.count_nonzero(compared, axis=0)
    compared &= n_compared >= opts.min_obs
    lags = work.lags(n_compared)
    if np.array_equal(compared, own.known):  # the usual case: the same points as the own
        ref_ym = ws.get("ref.yc", y.shape)
        np.multiply(log_ref3, own.m.reshape(shape3), out=ref_ym.reshape(shape3))
        ref = masked_fit(ref_ym, own, slope_only=True)
        # the fit is linear in y: the relative response centred is own minus reference
        relative = np.subtract(cols["_own_yc"], ref["yc"], out=ws.get("relative", y.shape))
        rel, rel_se = _with_se(centred_fit(relative, own), own, lags, opts.se, ws)
    else:
        log_ref = ws.get("log_ref", y.shape)
        np.copyto(log_ref.reshape(shape3), log_ref3)
        design = Design(compared, work.years, scratch=ws, name="compared")
        ref = ols_columns(log_ref, design, out=ws.get("ref.yc", y.shape), slope_only=True)
        relative = np.subtract(y, log_ref, out=ws.get("relative", y.shape))
        rel, rel_se = _with_se(ols_columns(relative, design, out=relative), design, lags,
                               opts.se, ws)
    cols["ref_slope"] = ref["slope"]
    cols["slope_diff"] = rel["slope"]
    cols["se_diff"] = rel_se
    if work.tests is not None:
        cols["p_diff"] = work.tests.p_value(rel["slope"], rel_se, n_compared - 2)
    cols["_n_compared"] = n_compared


def _split_year(years: np.ndarray, split: int | None) -> int:
    """First year of the recent segment (default: the middle year), checked to be inside."""
    split = int(np.ceil((years[0] + years[-1]) / 2.0)) if split is None else split
    late = years >= split
    if late.all() or not late.any():
        raise ValueError(
            f"split {split} must fall inside the window {int(years[0])}-{int(years[-1])}"
        )
    return split


def _acceleration(y, own: Design, n_usable, work: _Work, cols: dict[str, Any],
                  ws: Scratch) -> None:
    """Add the change of slope from the early to the late segment (the years before
    ``split`` and from it: the first ``work.n_early`` rows and the rest) to ``cols``."""
    fits = []
    for name, part in (("early", slice(0, work.n_early)), ("late", slice(work.n_early, None))):
        d = Design(own.known[part], work.years[part], m=own.m[part])
        fits.append(ols_columns(y[part], d, min_n=2, out=ws.get(f"{name}.yc", d.m.shape)))
    acc, acc_se = slope_difference(*fits)
    cols["acceleration"] = acc
    cols["se_acceleration"] = acc_se
    if work.tests is not None:
        cols["p_acceleration"] = work.tests.p_value(acc, acc_se, n_usable - 4)


def _table(c: MeasureCube, cols: dict[str, np.ndarray], fitted: np.ndarray,
           reason: str) -> pl.DataFrame:
    """The table: one row per pair with a row in the window, sorted by region then
    industry; NaN becomes null, ``reason`` is null for fitted series."""
    keep = c.has_pair.reshape(-1)
    rows = None if keep.all() else np.flatnonzero(keep)
    pick = (lambda a: a) if rows is None else (lambda a: a[rows])
    keys = c.coded.pair_frame(c.has_pair, {})
    table = keys.with_columns(
        *[pl.Series(k, pick(v), nan_to_null=v.dtype.kind == "f") for k, v in cols.items()],
        pl.Series("_fitted", pick(fitted)),
    )
    return table.with_columns(
        pl.when(pl.col("_fitted")).then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit(reason)).alias("reason")
    ).drop("_fitted")


def _exclusions(c: MeasureCube, fitted, n_compared, min_obs: int) -> Exclusions:
    """Series not fitted, and fitted series without enough points to compare."""
    has = c.has_pair.reshape(-1)
    counts = {f"series with fewer than {min_obs} usable points": int((has & ~fitted).sum())}
    if c.totals is not None:
        uncompared = has & fitted & (n_compared < min_obs)
        counts[
            f"fitted series with fewer than {min_obs} points where the reference total is "
            "positive (reference columns null)"
        ] = int(uncompared.sum())
    return Exclusions(counts)
