"""Log measures per series on a dense cube, shared by the trend models and convergence.

See :mod:`emerging.trends.models` for how zeros and unknown values are treated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging.trends._cube import (
    Cube,
    check_option,
    reference_groups,
    reference_totals,
    take_years,
    to_cube,
    validated_cube,
)


@dataclass(frozen=True)
class LogSeries:
    cube: Cube
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


def prepare_series(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    measure: str,
    start: int | None,
    end: int | None,
    zeros: str,
    reference: str | None,
    reference_regions,
    lq_base: str,
) -> LogSeries:
    """Validate ``frame`` and return the log measure of every series on a dense cube."""
    check_option("measure", measure, ("value", "lq"))
    check_option("zeros", zeros, ("drop", "log1p"))
    check_option("lq_base", lq_base, ("all", "country"))
    if measure == "lq" and zeros == "log1p":
        raise ValueError("zeros='log1p' is for employment only; use zeros='drop' with measure='lq'")
    column = "value"
    if measure == "lq":
        from emerging.indices.lq import location_quotient

        frame, column = location_quotient(frame, base=lq_base), "lq"
        frame = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    cube = validated_cube(frame) if column == "value" else to_cube(frame, column=column)
    start = int(cube.years.min()) if start is None else start
    end = int(cube.years.max()) if end is None else end
    steps = np.flatnonzero((cube.years >= start) & (cube.years <= end))
    if steps.size < 3:
        raise ValueError(
            f"a trend needs at least 3 years; the window {start}-{end} holds "
            f"{cube.years[steps].tolist()}"
        )
    values = take_years(cube.values, steps)
    known = ~np.isnan(values)
    zero = known & (values <= 0)
    with np.errstate(divide="ignore"):
        if zeros == "log1p":
            y, usable = np.log1p(values), known
        else:
            y, usable = np.log(values), known & ~zero
    log_ref = usable_relative = None
    if measure == "value" and reference is not None:
        group, member, labels = reference_groups(
            cube.regions, reference=reference, reference_regions=reference_regions
        )
        balanced = np.where(known.all(axis=2, keepdims=True), values, 0.0)
        totals = reference_totals(balanced, group, member, len(labels))
        with np.errstate(divide="ignore"):
            log_ref = np.log1p(totals) if zeros == "log1p" else np.log(totals)
        usable_relative = usable & (totals > 0)
    return LogSeries(
        cube=cube,
        steps=steps,
        years=cube.years[steps].astype(float),
        values=values,
        y=y,
        usable=usable,
        log_reference=log_ref,
        usable_relative=usable_relative,
        n_unknown=(~known).sum(axis=2),
        n_zero=zero.sum(axis=2),
        has_pair=take_years(cube.has_row, steps).any(axis=2),
    )


