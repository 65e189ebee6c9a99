"""Integer-coded dense cubes: the matrix engine behind the trend functions.

A panel (long frame) becomes a ``(regions, industries, years)`` float array with NaN for
unknown values (a null cell or a missing row), plus a boolean array saying which rows the
panel held. Whole-panel statistics are then numpy operations on the cube, with no Python
loop over regions or industries; results go back to long frames with :func:`to_frame`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._checks import check_option, check_window, check_years  # noqa: F401  (check_option re-exported)
from emerging._schema import (
    INDUSTRY,
    KEYS,
    REGION,
    VALUE,
    YEAR,
    EmptySelectionError,
    check_single_level,
    check_unique,
    validate_panel,
)

Reference = Literal["all", "country", "set"]
REFERENCES: tuple[str, ...] = ("all", "country", "set")


@dataclass(frozen=True)
class Cube:
    """Dense ``(region, industry, year)`` view of a panel.

    ``values`` holds NaN where the value is unknown (null or no row); ``has_row`` is True
    where the panel had a row (known or null).
    """

    regions: pl.Series
    industries: pl.Series
    years: np.ndarray
    values: np.ndarray
    has_row: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.values.shape  # type: ignore[return-value]

    def year_index(self, year: int) -> int:
        hits = np.flatnonzero(self.years == year)
        if not hits.size:
            check_years([year], self.years.tolist())
        return int(hits[0])

    def window(self, start: int, end: int, *, every_year: bool) -> np.ndarray:
        """Indices of the years from ``start`` to ``end`` (all years between, or just both)."""
        check_window(start, end)
        if not every_year:
            return np.array([self.year_index(start), self.year_index(end)])
        wanted = np.arange(start, end + 1)
        check_years(wanted.tolist(), self.years.tolist(), hint=(
            f"A year-by-year computation from {start} to {end} needs every year in between "
            "(choose another window)"))
        return np.array([self.year_index(int(y)) for y in wanted])


def take_years(array: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """``array[:, :, steps]``, as a view (no copy) when ``steps`` are consecutive."""
    if steps.size and np.array_equal(steps, np.arange(steps[0], steps[0] + steps.size)):
        return array[:, :, steps[0] : steps[0] + steps.size]
    return array[:, :, steps]


def to_cube(frame: pl.DataFrame, *, column: str = VALUE) -> Cube:
    """Build a :class:`Cube` from a validated panel (one row per key).

    Region and industry codes are found once per run of equal ``(region, industry)``
    rows, so a panel grouped by series (the usual layout) codes one row per series
    instead of one per observation; any row order gives the same cube.
    """
    heads = (
        frame.select(pl.struct(REGION, INDUSTRY).rle().alias("run"))
        .unnest("run")
        .unnest("value")
    )
    regions = heads[REGION].unique().sort()
    industries = heads[INDUSTRY].unique().sort()
    r = heads[REGION].cast(pl.Enum(regions)).to_physical().to_numpy().astype(np.int64)
    i = heads[INDUSTRY].cast(pl.Enum(industries)).to_physical().to_numpy()
    year = frame[YEAR].to_numpy()
    first = int(year.min())
    present = np.bincount(year - first) > 0
    years = (np.flatnonzero(present) + first).astype(year.dtype)
    lookup = np.cumsum(present) - 1  # year - first -> position among the years present
    shape = (len(regions), len(industries), len(years))
    series = (r * shape[1] + i) * shape[2]  # first cell of each run's series
    flat = np.repeat(series, heads["len"].to_numpy()) + lookup[year - first]
    column_values = frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
    if flat.size == np.prod(shape) and (flat[1:] > flat[:-1]).all():
        # rows already in (region, industry, year) order with every cell: no scatter
        values = column_values.reshape(shape).copy()
        has_row = np.ones(shape, dtype=bool)
    else:
        values = np.full(shape, np.nan)
        values.reshape(-1)[flat] = column_values
        has_row = np.zeros(shape, dtype=bool)
        has_row.reshape(-1)[flat] = True
    return Cube(regions, industries, years, values, has_row)


def validated_cube(panel: pl.DataFrame | pl.LazyFrame, *, column: str = VALUE) -> Cube:
    """Validate a panel against the contract and build its :class:`Cube`.

    Same checks as :func:`emerging._schema.validate_panel`, but the two that cost most on
    big panels run on integer codes: the NUTS level on the unique region codes, duplicate
    keys by counting filled cube cells (the exact :func:`check_unique` then names them).
    """
    frame = validate_panel(panel, allow_mixed_levels=True, check_duplicates=False)
    cube = to_cube(frame, column=column)
    check_single_level(pl.DataFrame({REGION: cube.regions}))
    if int(cube.has_row.sum()) != frame.height:
        check_unique(frame, KEYS, what="panel")
    return cube


def to_frame(cube: Cube, keep: np.ndarray, columns: Mapping[str, np.ndarray]) -> pl.DataFrame:
    """Long frame with ``region``, ``industry`` and one column per ``(R, I)`` array.

    Only the ``(region, industry)`` pairs where ``keep`` is True become rows. Arrays of
    dtype object (e.g. reasons) become String columns; NaN becomes null.
    """
    flat = np.flatnonzero(keep.ravel())
    n_ind = cube.shape[1]
    out = {
        REGION: cube.regions.gather(flat // n_ind),
        INDUSTRY: cube.industries.gather(flat % n_ind),
    }
    for name, array in columns.items():
        values = np.asarray(array).ravel()[flat]
        if values.dtype == object:
            out[name] = pl.Series(name, values.tolist(), dtype=pl.String)
        else:
            out[name] = pl.Series(name, values).fill_nan(None)
    return pl.DataFrame(out)


def reference_groups(
    regions: pl.Series,
    *,
    reference: str,
    reference_regions: str | Collection[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Which reference economy each region is compared with.

    Returns ``(group, member, labels)``: ``group[r]`` is the index of region *r*'s
    reference in ``labels``; ``member[r]`` says whether region *r* counts towards that
    reference's totals. ``"all"``: every region of the panel; ``"country"``: the regions
    sharing the first two letters of the code; ``"set"``: the regions in
    ``reference_regions`` (a name for :func:`emerging.codes.nuts.region_set` or codes),
    against which every region, inside or outside the set, is compared.
    """
    check_option("reference", reference, REFERENCES)
    n = len(regions)
    if reference != "set" and reference_regions is not None:
        raise ValueError(
            f"reference_regions is only used with reference='set'; got reference={reference!r}"
        )
    if reference == "all":
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool), ["all regions"]
    if reference == "country":
        countries = regions.str.slice(0, 2)
        labels = countries.unique().sort()
        group = countries.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int64)
        return group, np.ones(n, dtype=bool), labels.to_list()
    if reference_regions is None:
        raise ValueError(
            "reference='set' needs reference_regions: a region-set name such as "
            "'central_europe_2021_2027' or a collection of NUTS codes"
        )
    from emerging.codes.nuts import nuts_parent, region_set

    if isinstance(reference_regions, str):
        label, codes = reference_regions, region_set(reference_regions)
    else:
        label, codes = "reference set", frozenset(reference_regions)
    level = int(regions.str.len_chars().max()) - 2 if n else 0
    # a set given at a finer level (e.g. NUTS-3) still selects its parent regions
    coarse = {nuts_parent(c, level) if len(c) - 2 > level else c for c in codes}
    member = regions.is_in(sorted(coarse)).to_numpy()
    if not member.any():
        raise EmptySelectionError(
            f"no region of the panel is in the reference set {label!r} "
            f"({len(codes)} codes, e.g. {sorted(codes)[:3]}); panel regions are e.g. "
            f"{regions.head(3).to_list()}. Check the NUTS level and version."
        )
    return np.zeros(n, dtype=np.int64), member, [label]


def reference_totals(
    values: np.ndarray, group: np.ndarray, member: np.ndarray, n_groups: int
) -> np.ndarray:
    """Sum ``values`` (R, ...) over member regions per group, broadcast back to regions."""
    onehot = (np.arange(n_groups)[:, None] == group[None, :]) & member[None, :]
    totals = onehot.astype(values.dtype) @ values.reshape(values.shape[0], -1)
    return totals.reshape(n_groups, *values.shape[1:])[group]


@dataclass(frozen=True)
class Window:
    """The cube restricted to some years, with the like-for-like reference totals.

    ``included`` marks pairs known in every year of the window; ``balanced`` holds their
    values (0 elsewhere) and ``reference`` the reference totals summed over included pairs
    only, broadcast to every region, shape ``(R, I, T)``. ``has_row`` says which rows the
    panel held in each year of the window (a pair not included has an absent row or a
    null value in some year).
    """

    values: np.ndarray
    known: np.ndarray
    has_row: np.ndarray
    has_pair: np.ndarray
    included: np.ndarray
    balanced: np.ndarray
    reference: np.ndarray
    label: str


def balanced_window(
    cube: Cube,
    steps: np.ndarray,
    *,
    reference: str,
    reference_regions: str | Collection[str] | None,
) -> Window:
    """Slice ``cube`` to the year indices ``steps`` and sum like-for-like reference totals."""
    values = take_years(cube.values, steps)
    known = ~np.isnan(values)
    included = known.all(axis=2)
    balanced = np.where(included[:, :, None], values, 0.0)
    group, member, labels = reference_groups(
        cube.regions, reference=reference, reference_regions=reference_regions
    )
    totals = reference_totals(balanced, group, member, len(labels))
    label = reference if reference != "set" else f"set {labels[0]}"
    has_row = take_years(cube.has_row, steps)
    return Window(
        values=values,
        known=known,
        has_row=has_row,
        has_pair=has_row.any(axis=2),
        included=included,
        balanced=balanced,
        reference=totals,
        label=label,
    )


UNKNOWN_VALUE = "unknown value in a year used"


def gap_reasons(w: Window, absent_labels: Collection[str]) -> np.ndarray:
    """Why each pair of the window is not included (None where it is), shape ``(R, I)``.

    A pair with no row in some year of the window gets ``absent_labels[t]`` for the first
    such year ``t`` (e.g. ``"absent row at start"``); otherwise a pair with a null value
    gets :data:`UNKNOWN_VALUE`. The two differ in meaning: the indices read an absent row
    as no employment, while a null value is unknown (e.g. confidential).
    """
    labels = np.asarray(list(absent_labels), dtype=object)
    absent = ~w.has_row
    reason = np.full(w.included.shape, None, dtype=object)
    reason[~w.included] = UNKNOWN_VALUE
    gap = w.has_pair & absent.any(axis=2)
    reason[gap] = labels[absent.argmax(axis=2)[gap]]
    return reason
