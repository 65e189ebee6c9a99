"""Windows of years on the engine's arrays, with like-for-like reference totals.

The trends compute on :class:`emerging._engine.CodedPanel` arrays in the engine's axis
order ``(year, region, industry)``. Two-year comparisons (growth, shift-share) use the
``absent="zero"`` policy: a pair without a row counts as no employment **if its region
has rows in that year**; a region without any row in a year (not reported, e.g. recoded
to another NUTS version) leaves its pairs unknown there. A null value is unknown.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging._checks import check_window, check_years
from emerging._engine import Absent, CodedPanel
from emerging._memo import memoized_panel
from emerging._reference import (
    Economy,
    by_region,
    legacy_reference,
    reference_totals,
    resolve_reference,
)
from emerging._schema import YEAR, year_argument

UNKNOWN_VALUE = "unknown value in a year used"


def coded_panel(panel: pl.DataFrame | pl.LazyFrame, *, column: str = "value") -> CodedPanel:
    """Validate and code a panel (the contract's checks) for the trend functions."""
    return CodedPanel.from_panel(panel, column=column)


def coded_window(
    panel: pl.DataFrame | pl.LazyFrame | CodedPanel, start: int, end: int, *, every_year: bool
) -> CodedPanel:
    """Validate and code only the rows of the window's years (``start`` and ``end``, or
    every year between): no other year can move a two-year comparison, and a shuffled
    panel then hashes a tenth of its keys, not all of them. The years asked for are
    checked against all of the panel's years first (same errors as
    :meth:`~emerging._engine.CodedPanel.window`). A panel coded already is used as it is
    (its other years are not read), and so is the coded panel of a frame that an earlier
    call coded whole and the engine's memo still holds."""
    if isinstance(panel, CodedPanel):
        panel.window(start, end, every_year=every_year)  # the years are checked
        return panel
    start, end = year_argument(start, "start"), year_argument(end, "end")
    check_window(start, end)
    lazy = panel.lazy()
    schema = lazy.collect_schema()
    if YEAR not in schema.names() or not schema[YEAR].is_integer():
        return coded_panel(panel)  # the contract's own error names the column
    wanted = list(range(start, end + 1)) if every_year else [start, end]
    hint = (f"A year-by-year computation from {start} to {end} needs every year in between "
            "(choose another window)") if every_year else ""
    if (coded := memoized_panel(panel)) is not None:  # coded whole by an earlier call
        coded.window(start, end, every_year=every_year)  # the years are checked
        return coded
    window = lazy.filter(pl.col(YEAR).is_in(wanted)).collect()
    found = set(window[YEAR].unique().to_list())  # the window's rows only: a tenth
    if not all(y in found for y in wanted):  # the error lists every year of the panel
        present = lazy.select(pl.col(YEAR).unique()).collect()[YEAR].to_list()
        check_years(wanted, [y for y in present if y is not None], hint=hint)
    return coded_panel(window)


def trend_economy(coded: CodedPanel, reference, regions, *, reference_regions=None,
                  base=None) -> Economy:
    """The reference economy of a trend function, old spellings translated."""
    reference, regions, sum_frame = legacy_reference(
        reference, regions, base=base, reference_regions=reference_regions)
    return resolve_reference(coded, reference, regions, sum_frame=sum_frame)


def economy_label(economy: Economy, regions) -> str:
    """Short description of a reference for results: ``all``, ``country``, ``set NAME``
    or the frame's description."""
    if economy.kind == "set":
        return f"set {regions if isinstance(regions, str) else 'reference set'}"
    return economy.label if economy.kind == "frame" else economy.kind


@dataclass(frozen=True)
class Window:
    """The panel restricted to some years, with the like-for-like reference totals.

    Arrays are ``(T, R, I)``. ``values`` holds NaN where unknown (null value, or a pair of a
    region without any row that year); ``included`` (R, I) marks pairs known in every year
    of the window; ``balanced`` holds their values (0 elsewhere) and ``reference`` the
    reference totals, summed over included pairs only for an internal reference (like for
    like) or read from the frame of external totals, shape ``(T, R|1, I)``. ``has_row``
    says which rows the panel held; ``reported`` (T, R) which regions had any row.
    """

    values: np.ndarray
    known: np.ndarray
    has_row: np.ndarray
    reported: np.ndarray
    has_pair: np.ndarray
    included: np.ndarray
    balanced: np.ndarray
    reference: np.ndarray
    label: str
    external: bool


def window_values(coded: CodedPanel, steps: np.ndarray, absent: Absent) -> np.ndarray:
    """``(T, R, I)`` values of the year positions ``steps`` under the ``absent`` policy;
    with ``"zero"``, regions without any row in a year are unknown (NaN) there."""
    values = coded.values(absent, steps)
    if absent == "zero":
        unreported = ~coded.reported[steps]
        if unreported.any():
            values = np.where(unreported[:, :, None], np.nan, values)
    return values


def balanced_window(
    coded: CodedPanel, steps: np.ndarray, economy: Economy, *, label: str
) -> Window:
    """Slice ``coded`` to the year positions ``steps`` (absent rows as zeros where the
    region reported) and sum like-for-like reference totals."""
    values = window_values(coded, steps, "zero")
    known = ~np.isnan(values)
    included = known.all(axis=0)
    balanced = np.where(included[None], values, 0.0)
    totals = reference_totals(balanced, economy)
    if economy.external is not None:
        totals = totals[steps]
    has_row = coded.has_row_in(steps)
    return Window(
        values=values,
        known=known,
        has_row=has_row,
        reported=coded.reported[steps],
        has_pair=has_row.any(axis=0),
        included=included,
        balanced=balanced,
        reference=by_region(totals, economy),
        label=label,
        external=economy.external is not None,
    )


def gap_reasons(w: Window, absent_labels: Collection[str]) -> np.ndarray:
    """Why each pair of the window is not included (None where it is), shape ``(R, I)``.

    A pair whose region has no row at all in some year of the window gets
    ``absent_labels[t]`` for the first such year ``t`` (e.g. ``"region absent at
    start"``); otherwise a pair with a null value gets :data:`UNKNOWN_VALUE`.
    """
    labels = np.asarray(list(absent_labels), dtype=object)
    unreported = ~w.reported  # (T, R)
    reason = np.full(w.included.shape, None, dtype=object)
    reason[~w.included] = UNKNOWN_VALUE
    gap = w.has_pair & unreported.any(axis=0)[:, None]
    first = np.broadcast_to(unreported.argmax(axis=0)[:, None], gap.shape)
    reason[gap] = labels[first[gap]]
    return reason
