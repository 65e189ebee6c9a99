"""Log measures per series, shared by the trend models and convergence.

The panel is coded once by the engine (:class:`emerging._engine.CodedPanel`) with the
``absent="unknown"`` policy: a point without a row is left out of a series' fit. Fits run
series by series, so the engine's ``(year, region, industry)`` arrays are transposed here
into contiguous ``(region, industry, year)`` series; nothing is encoded a second way. See
:mod:`emerging.trends.models` for how zeros and unknown values are treated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from emerging._engine import CodedPanel
from emerging._memo import same_bits_as
from emerging._reference import lq_cube, reference_totals
from emerging._typing import check_option
from emerging.trends._ols import FRESH, Scratch
from emerging.trends._window import coded_panel, economy_label, trend_economy, window_values


def series_first(array: np.ndarray) -> np.ndarray:
    """A ``(year, region, industry)`` array as contiguous ``(region, industry, year)``."""
    return np.ascontiguousarray(np.moveaxis(array, 0, -1))


@dataclass(frozen=True)
class MeasureCube:
    """The measure of every series of a window in the engine's axis order.

    ``values`` is ``(T, R, I)`` with NaN where unknown (a null value or, under
    ``absent="unknown"``, no row); from ``measure_cube(..., compact=True)`` it may instead
    hold small unsigned integers (every value known and a whole number, see
    :func:`compact_values`). With a reference for employment, ``totals`` holds the
    like-for-like reference totals ``(T, G, I)`` of the ``G`` groups of regions (``group``
    gives each region's, None when every region has the same reference): see
    :meth:`totals_of`. :func:`series_logs` turns any slice of the series into log values.
    """

    coded: CodedPanel
    steps: np.ndarray
    years: np.ndarray  # (T,) float
    values: np.ndarray  # (T, R, I)
    zeros: str
    has_pair: np.ndarray  # (R, I)
    totals: np.ndarray | None  # (T, G, I) reference totals, None without a reference
    group: np.ndarray | None  # (R,) group of each region, None for one group
    reference_label: str | None = None

    def totals_of(self, regions: slice) -> np.ndarray:
        """The reference totals of the series of ``regions``, ``(T, n_regions, I)``."""
        nT, nR, nI = self.values.shape
        part = self.totals if self.group is None else self.totals[:, self.group[regions]]
        return np.broadcast_to(part, (nT, len(range(nR)[regions]), nI))


def series_logs(values: np.ndarray, zeros: str):
    """Log measure, known points, zeros and usable points of ``values`` (NaN unknown):
    ``ln y`` with zeros left out (``zeros="drop"``) or ``ln(1 + y)`` with every known
    point (``"log1p"``)."""
    known = ~np.isnan(values)
    zero = known & (values <= 0)
    with np.errstate(divide="ignore"):
        if zeros == "log1p":
            return np.log1p(values), known, zero, known
        return np.log(values), known, zero, known & ~zero


#: The smallest positive double: ``max(y, TINY)`` is ``y`` for every positive ``y``.
TINY = float(np.finfo(float).smallest_subnormal)


def finite_logs(values: np.ndarray, zeros: str, scratch: Scratch = FRESH):
    """:func:`series_logs` with a finite log everywhere: equal at the usable points, some
    finite number (to be masked out) elsewhere, as :func:`~emerging.trends._ols.ols_columns`
    wants it. The arrays are taken from ``scratch`` (names ``logs.*``)."""
    known = np.isnan(values, out=scratch.get("logs.known", values.shape, bool))
    np.logical_not(known, out=known)
    zero = np.less_equal(values, 0.0, out=scratch.get("logs.zero", values.shape, bool))
    y = scratch.get("logs.y", values.shape)
    if zeros == "log1p":  # NaN <= 0 is False: zero is known & (values <= 0)
        return np.log1p(np.fmax(values, 0.0, out=y), out=y), known, zero, known
    usable = np.greater(values, 0.0, out=scratch.get("logs.usable", values.shape, bool))
    return np.log(np.fmax(values, TINY, out=y), out=y), known, zero, usable


def log_totals(totals: np.ndarray, zeros: str, *, out: np.ndarray | None = None) -> np.ndarray:
    """The log of reference totals, as the series' own logs: with ``out``, as
    :func:`finite_logs` (only the logs of positive totals are meaningful; written to
    ``out``), else as :func:`series_logs`."""
    if out is not None:
        if zeros == "log1p":
            return np.log1p(np.fmax(totals, 0.0, out=out), out=out)
        return np.log(np.fmax(totals, TINY, out=out), out=out)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log1p(totals) if zeros == "log1p" else np.log(totals)


def measure_cube(
    frame: pl.DataFrame | pl.LazyFrame | CodedPanel,
    *,
    measure: str,
    start: int | None,
    end: int | None,
    zeros: str,
    reference,
    regions=None,
    compact: bool = False,
    **deprecated: Any,
) -> MeasureCube:
    """Validate ``frame`` and return the measure of every series of the window.

    ``reference`` (with ``regions``) is the reference economy: of the slope test for
    employment (None: no test), of the LQ itself for ``measure="lq"`` (None: all regions).
    ``compact`` lets ``values`` be a cube of small integers that hold the values exactly
    (see :func:`compact_values`; for callers that read it as blocks of float64).
    ``deprecated`` takes the old spellings ``lq_base`` (the LQ's reference) and
    ``reference_regions`` (``regions``), translated with a warning.
    """
    reference_regions = deprecated.pop("reference_regions", None)
    lq_base = deprecated.pop("lq_base", None)
    if deprecated:
        raise TypeError(f"prepare_series() got unexpected keyword argument(s) {sorted(deprecated)}")
    check_option("measure", measure, ("value", "lq"))
    check_option("zeros", zeros, ("drop", "log1p"))
    if lq_base is not None:
        check_option("lq_base", lq_base, ("all", "country"))
    if measure == "lq" and zeros == "log1p":
        raise ValueError("zeros='log1p' is for employment only; use zeros='drop' with measure='lq'")
    coded = coded_panel(frame)
    steps = _window_steps(coded, start, end)
    economy = None
    if measure == "lq":
        economy = trend_economy(coded, "all" if reference is None else reference, regions,
                                reference_regions=reference_regions, base=lq_base)
        lqs = lq_cube(coded, economy)[steps]
        values = np.where(coded.has_row_in(steps), lqs, np.nan)  # absent="unknown"
    else:
        if reference is not None or reference_regions is not None:
            economy = trend_economy(coded, reference, regions,
                                    reference_regions=reference_regions)
        values = compact_values(coded, steps) if compact else None
        if values is None:
            values = window_values(coded, steps, "unknown")
    totals = group = None
    if measure == "value" and economy is not None:
        totals = _like_for_like_totals(coded, values, economy, steps)
        group = None if totals.shape[1] == 1 else economy.group
    has_pair = (np.ones(coded.shape[1:], dtype=bool) if coded.present is None
                else coded.has_row_in(steps).any(axis=0))
    return MeasureCube(
        coded=coded,
        steps=steps,
        years=coded.years[steps].astype(float),
        values=values,
        zeros=zeros,
        has_pair=has_pair,
        totals=totals,
        group=group,
        reference_label=None if economy is None else economy_label(economy, regions),
    )


def compact_values(coded: CodedPanel, steps: np.ndarray) -> np.ndarray | None:
    """The ``(T, R, I)`` values of every year as the smallest unsigned integers that hold
    each of them exactly (counts of employees: usually 16 bits, a quarter of float64), or
    None where that does not apply: a panel with absent cells or null values (which need
    NaN), a window of some years only, rows in the cube's own order (no scatter at all)
    or a float64 cube built already.

    Rows out of cube order are scattered to their cells at random: into a cube a quarter
    of the size, most writes stay in the caches (a shuffled panel pays about a third of
    the float64 scatter). The values are read back as float64 block by block, exactly.
    """
    if (coded.in_cube_order or "value_cube" in coded.__dict__ or coded.present is not None
            or not np.array_equal(steps, np.arange(coded.shape[0])) or not coded.known.all()):
        return None
    top = float(coded.value.max(initial=0.0))
    dtype = next((t for t in (np.uint8, np.uint16, np.uint32) if top < np.iinfo(t).max), None)
    if dtype is None:
        return None
    small = coded.value.astype(dtype)  # exact only for whole numbers: checked bit for bit
    return coded.scatter(small) if same_bits_as(coded.value, small) else None


def _member_sums(values: np.ndarray, economy) -> np.ndarray:
    """:func:`~emerging._reference.reference_totals` of an internal reference: the sum of
    ``values`` over the member regions of each group, ``(T, G, I)``, written as numpy's
    ``einsum`` (BLAS's product with a matrix of one row or a few is several times slower
    here, and its threads busy-wait). For whole numbers (counts of employees) every
    partial sum is exact, so the totals are the same numbers; for other values they may
    differ in the last digit (about 1e-15 relative)."""
    weights = np.zeros((economy.n_groups, len(economy.group)))
    weights[economy.group, np.arange(len(economy.group))] = economy.member
    return np.einsum("gr,tri->tgi", weights, values)


def _like_for_like_totals(coded: CodedPanel, values: np.ndarray, economy, steps) -> np.ndarray:
    """Reference totals ``(T, G, I)`` over the series known in every year of the window."""
    if economy.external is not None:
        return reference_totals(values, economy)[steps]
    if values.dtype != np.float64:  # compact_values: every value known
        return _member_sums(values, economy)
    complete = coded.present is None and bool(coded.known.all())
    return _member_sums(values if complete else
                        np.where(~np.isnan(values).any(axis=0), values, 0.0), economy)


@dataclass(frozen=True)
class LogSeries:
    coded: CodedPanel
    steps: np.ndarray
    years: np.ndarray
    values: np.ndarray  # (R, I, T) raw measure, NaN where unknown
    y: np.ndarray  # (R, I, T) log measure
    usable: np.ndarray  # (R, I, T) points of the series' own trend
    log_reference: np.ndarray | None  # (R, I, T) or None for LQ
    # (R, I, T) points of the reference-relative trend: ``usable`` where the reference
    # total is positive (None without a reference). Kept apart from ``usable`` so that a
    # series' own slope never depends on the choice of reference.
    usable_relative: np.ndarray | None
    n_unknown: np.ndarray  # (R, I)
    n_zero: np.ndarray  # (R, I)
    has_pair: np.ndarray  # (R, I)
    reference_label: str | None = None  # the reference economy (see economy_label)


def prepare_series(frame: pl.DataFrame | pl.LazyFrame, **options: Any) -> LogSeries:
    """:func:`measure_cube` as contiguous ``(region, industry, year)`` series (for the
    functions that take single series or whole cross-sections of them)."""
    c = measure_cube(frame, **options)
    y, known, zero, usable = series_logs(c.values, c.zeros)
    log_ref = usable_relative = None
    if c.totals is not None:
        totals = series_first(c.totals_of(slice(None)))
        log_ref = log_totals(totals, c.zeros)
        usable_relative = series_first(usable) & (totals > 0)
    return LogSeries(
        coded=c.coded,
        steps=c.steps,
        years=c.years,
        values=series_first(c.values),
        y=series_first(y),
        usable=series_first(usable),
        log_reference=log_ref,
        usable_relative=usable_relative,
        n_unknown=(~known).sum(axis=0),
        n_zero=zero.sum(axis=0),
        has_pair=c.has_pair,
        reference_label=c.reference_label,
    )


def _window_steps(coded: CodedPanel, start: int | None, end: int | None) -> np.ndarray:
    """Positions of the window's years (default: all years), at least 3 of them."""
    start = int(coded.years.min()) if start is None else start
    end = int(coded.years.max()) if end is None else end
    steps = np.flatnonzero((coded.years >= start) & (coded.years <= end))
    if steps.size < 3:
        raise ValueError(
            f"a trend needs at least 3 years; the window {start}-{end} holds "
            f"{coded.years[steps].tolist()}"
        )
    return steps
