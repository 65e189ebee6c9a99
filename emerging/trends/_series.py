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
from emerging._reference import by_region, lq_cube, reference_totals
from emerging._typing import check_option
from emerging.trends._window import coded_panel, economy_label, trend_economy, window_values


def series_first(array: np.ndarray) -> np.ndarray:
    """A ``(year, region, industry)`` array as contiguous ``(region, industry, year)``."""
    return np.ascontiguousarray(np.moveaxis(array, 0, -1))


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


def prepare_series(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    measure: str,
    start: int | None,
    end: int | None,
    zeros: str,
    reference,
    regions=None,
    **deprecated: Any,
) -> LogSeries:
    """Validate ``frame`` and return the log measure of every series.

    ``reference`` (with ``regions``) is the reference economy: of the slope test for
    employment (None: no test), of the LQ itself for ``measure="lq"`` (None: all regions).
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
        values = window_values(coded, steps, "unknown")
    known = ~np.isnan(values)
    zero = known & (values <= 0)
    with np.errstate(divide="ignore"):
        if zeros == "log1p":
            y, usable = np.log1p(values), known
        else:
            y, usable = np.log(values), known & ~zero
    log_ref = usable_relative = None
    if measure == "value" and economy is not None:
        log_ref, usable_relative = _reference_logs(values, known, usable, economy, steps, zeros)
    return LogSeries(
        coded=coded,
        steps=steps,
        years=coded.years[steps].astype(float),
        values=series_first(values),
        y=series_first(y),
        usable=series_first(usable),
        log_reference=log_ref,
        usable_relative=usable_relative,
        n_unknown=(~known).sum(axis=0),
        n_zero=zero.sum(axis=0),
        has_pair=coded.has_row_in(steps).any(axis=0),
        reference_label=None if economy is None else economy_label(economy, regions),
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


def _reference_logs(values, known, usable, economy, steps, zeros: str):
    """The log reference total of every series' industry, ``(R, I, T)``, and the points of
    the reference-relative trend (``usable`` where that total is positive)."""
    totals = reference_totals(np.where(known.all(axis=0), values, 0.0), economy)
    if economy.external is not None:
        totals = totals[steps]
    totals = series_first(np.broadcast_to(by_region(totals, economy), values.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ref = np.log1p(totals) if zeros == "log1p" else np.log(totals)
    return log_ref, series_first(usable) & (totals > 0)
