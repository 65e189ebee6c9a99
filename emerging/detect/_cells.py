"""Per-cell arithmetic of the signals on the engine's integer codes instead of joins.

The window of the panel is validated and coded once (:class:`emerging._engine.CodedPanel`:
region and industry codes in the sorted order of their labels). A region-industry *cell*
is ``r * n_industries + i``; results of other functions (frames keyed by region and/or
industry) are put beside the pairs by gathering on those codes, which is what the string
joins did, at a fraction of the cost.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from emerging._engine import ROW_BLOCK, CodedPanel, map_row_blocks, read_only
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR


class Cells:
    """The pairs of a coded window: codes, per-year cell arrays, alignment of frames."""

    def __init__(self, coded: CodedPanel):
        self.coded = coded
        self.n_r, self.n_i = len(coded.regions), len(coded.industries)
        self._rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _year(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Row positions of ``year`` and their cells (empty when the year has no row)."""
        if year not in self._rows:
            hits = np.flatnonzero(self.coded.years == year)
            size = self.n_r * self.n_i
            if hits.size and self.coded.in_cube_order:  # the year's rows are its cells
                cell = np.arange(size)
                rows = cell + int(hits[0]) * size
            else:
                rows = (np.flatnonzero(self.coded.y == hits[0]) if hits.size
                        else np.empty(0, np.int64))
                cell = self.coded.r[rows].astype(np.int64) * self.n_i + self.coded.i[rows]
            self._rows[year] = rows, cell
        return self._rows[year]

    def rows_of(self, year: int) -> np.ndarray:
        """Row positions of ``year`` (empty when the year has no row; kept for reuse)."""
        return self._year(year)[0]

    def cells_of(self, year: int) -> np.ndarray:
        """The cells (``region * n_industries + industry``) of :meth:`rows_of`."""
        return self._year(year)[1]

    def rows_by_cell(self, year: int) -> np.ndarray:
        """:meth:`rows_of`, sorted by cell (a year has at most one row per cell)."""
        rows, cell = self._year(year)
        if self.coded.in_cube_order:
            return rows  # in cell order already
        at = np.full(self.n_r * self.n_i, -1, dtype=np.int64)
        at[cell] = rows
        return at[at >= 0]

    def at_year(self, rows_values: np.ndarray, year: int, fill=np.nan) -> np.ndarray:
        """Per cell, the value of ``rows_values`` (one per panel row) in ``year``."""
        rows, cell = self._year(year)
        if self.coded.in_cube_order and len(rows):  # a slice of the rows
            return rows_values[rows[0]:rows[0] + len(rows)].astype(np.float64, copy=False)
        out = np.full(self.n_r * self.n_i, fill, dtype=np.float64)
        out[cell] = rows_values[rows]
        return out

    def cube_at(self, cube: np.ndarray, year: int) -> np.ndarray:
        """Per cell, a ``(year, region, industry)`` array of the window in ``year`` (NaN
        when the year has no row)."""
        hits = np.flatnonzero(self.coded.years == year)
        if not hits.size:
            return np.full(self.n_r * self.n_i, np.nan)
        return cube[int(hits[0])].reshape(-1)

    def codes(self, labels: pl.Series, values: pl.Series) -> np.ndarray:
        """Codes of ``values`` among the sorted ``labels``."""
        return values.cast(pl.Enum(labels.cast(pl.String))).to_physical().to_numpy().astype(np.int64)

    def pair_codes(self, frame: pl.DataFrame) -> np.ndarray:
        return (self.codes(self.coded.regions, frame[REGION]) * self.n_i
                + self.codes(self.coded.industries, frame[INDUSTRY]))


def gather(frame: pl.DataFrame, codes: np.ndarray, size: int, at: np.ndarray) -> pl.DataFrame:
    """Rows of ``frame`` (keyed by ``codes`` in ``0..size-1``) at the keys ``at``; a key
    without a row gives nulls (a left join)."""
    position = np.full(size, frame.height, dtype=np.int64)
    position[codes] = np.arange(frame.height)
    index = position[at]
    if index.size and index.max() < frame.height:  # every key has a row: no padding
        if frame.height and all(frame[c].n_unique() == 1 for c in frame.columns):
            # one row repeated (e.g. the notes of absent inputs): no gather of strings
            return pl.DataFrame([frame[c].new_from_index(0, len(index)) for c in frame.columns])
        return frame[pl.Series(index)]
    padded = pl.concat([frame, frame.clear(1)])
    return padded[pl.Series(index)]


def column(name: str, values: np.ndarray, dtype=pl.Float64) -> pl.Series:
    """A column from an array; NaN (undefined) becomes null."""
    out = pl.Series(name, values, dtype=dtype)
    if values.dtype.kind == "f" and not np.isnan(values).any():
        return out  # nothing undefined: no second pass
    return out.fill_nan(None)


def percentile_by_column(grid: np.ndarray) -> np.ndarray:
    r"""Percentile rank, 0-100, of each value of an ``(n, k)`` array among the known values
    (not NaN) of its column, ties averaged: :math:`100 (\mathrm{rank} - 1) / (m - 1)` with
    the average rank (1-based) of the tied values and :math:`m` the column's known
    values; NaN for an unknown value or a column with fewer than two known values. One
    sort per column (no group-by): the same numbers, to the bit, as polars'
    ``rank("average").over(column)`` with those operations."""
    cols = np.ascontiguousarray(grid.T)  # one row per column of the grid
    k, n = cols.shape
    order = np.argsort(cols, axis=1)  # NaN last; tied values get the same rank anyway
    ranked = np.take_along_axis(cols, order, axis=1)
    m = np.count_nonzero(~np.isnan(cols), axis=1)[:, None]
    position = np.broadcast_to(np.arange(n), (k, n))
    new = np.ones((k, n), dtype=bool)  # a run of equal values starts here
    np.not_equal(ranked[:, 1:], ranked[:, :-1], out=new[:, 1:])
    first = np.maximum.accumulate(np.where(new, position, 0), axis=1)
    ends = np.ones((k, n), dtype=bool)  # ... ends here
    ends[:, :-1] = new[:, 1:]
    last = np.minimum.accumulate(np.where(ends, position, n)[:, ::-1], axis=1)[:, ::-1]
    rank = (first + last) / 2 + 1  # the average of the run's ranks, 1-based
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * (rank - 1) / (m - 1)
    pct[(position >= m) | (m < 2)] = np.nan
    out = np.empty((k, n))
    np.put_along_axis(out, order, pct, axis=1)
    return out.T


def region_totals(coded: CodedPanel) -> np.ndarray:
    """``[year, region]`` sum of the known values (kept in the panel's cache; read-only)."""
    def compute() -> np.ndarray:
        if coded.in_cube_order:  # the engine's sums over the cube (the LQ's totals too)
            factors = coded.cache.peek(("lq_factors", ("all",)))
            if factors is not None:  # summed already
                return read_only(factors["er"][:, :, 0].copy())
            return read_only(coded.region_total.copy())
        n_y, n_r = len(coded.years), len(coded.regions)
        return read_only(np.bincount(coded.yr, weights=coded.filled,  # unknown values as 0
                                     minlength=n_y * n_r).reshape(n_y, n_r))

    return coded.cache.get(("detect", "region_totals"), compute)


def rows_in_years(coded: CodedPanel, first: int, last: int) -> np.ndarray:
    """Positions of the rows whose year is in ``first..last``, ascending (row blocks on
    the engine's thread pool: no row-length temporaries)."""
    steps = np.flatnonzero((coded.years >= first) & (coded.years <= last))
    if steps.size == len(coded.years):
        return np.arange(len(coded.y))
    if not steps.size:
        return np.empty(0, np.int64)
    lo, hi, y = int(steps[0]), int(steps[-1]), coded.y  # the years are sorted

    def block(part: slice) -> np.ndarray:
        block_y = y[part]
        return np.flatnonzero((block_y >= lo) & (block_y <= hi)) + part.start

    return np.concatenate(map_row_blocks(block, len(y), -(-len(y) // ROW_BLOCK)))


def window_in_cube_order(coded: CodedPanel, first: int, last: int) -> CodedPanel | None:
    """The rows of the years ``first..last`` as a coded panel of their own whose rows are
    the cells of its cube in order, when every cell of those years has a row (else None).

    It is :func:`sub_panel` of those rows (the same labels, years, codes and values at the
    same cells; no frame), with the rows put in cube order: each row's value is written to
    its cell in row blocks on the engine's thread pool (the panel's flat cell index
    minus the window's first cell), so no row positions are built or gathered, and every
    function computed on it takes its cube-order path (no scatter, gather or fill)."""
    years = coded.years
    steps = np.flatnonzero((years >= first) & (years <= last))
    if not steps.size or steps.size != steps[-1] - steps[0] + 1:
        return None
    present = coded.present  # None when every cell has a row (known from the coding)
    if present is not None and not present[steps[0]:steps[-1] + 1].all():
        return None
    _, n_r, n_i = coded.shape
    size = n_r * n_i
    lo, n = int(steps[0]) * size, len(steps) * size
    if coded.in_cube_order:
        value = coded.value[lo:lo + n]
    elif "value_cube" in coded.__dict__:
        value = coded.value_cube[steps[0]:steps[-1] + 1].reshape(-1)
    else:
        value = np.empty(n)
        cell, rows = coded.cell, coded.value
        signed = cell.dtype  # int32 while the cube has fewer than 2**31 cells
        unsigned = np.dtype(f"u{signed.itemsize}")

        def put(part: slice) -> None:
            at = np.subtract(cell[part], signed.type(lo), dtype=signed)  # cell in the window
            inside = at.view(unsigned) < n  # one comparison: below lo wraps around
            value[at[inside]] = rows[part][inside]

        map_row_blocks(put, len(cell), -(-len(cell) // (8 * ROW_BLOCK)))
    r = np.tile(np.repeat(np.arange(n_r, dtype=coded.r.dtype), n_i), len(steps))
    i = np.tile(np.arange(n_i, dtype=coded.i.dtype), len(steps) * n_r)
    y = np.repeat(np.arange(len(steps), dtype=coded.y.dtype), size)
    out = CodedPanel(RowsNotKept(), coded.regions, coded.industries, years[steps], r, i, y,
                     value)
    out.__dict__["in_cube_order"] = True  # by construction (the check would say so too)
    _share_lq_factors(coded, out, slice(int(steps[0]), int(steps[-1]) + 1))
    return out


#: The internal references whose LQ factors a window takes from its panel's cache.
_SHARED_REFERENCES = (("all",), ("country",))


def _share_lq_factors(coded: CodedPanel, window: CodedPanel, years: slice) -> None:
    """Put the LQ factors that ``coded``'s cache holds already (computed by an earlier
    function on the same panel) into the cache of its ``window`` (the same regions and
    industries, the years ``years``), sliced to those years.

    The factors of an internal reference are per-year sums over the regions and the
    industries of each year (:func:`emerging._reference.lq_factors`), so those of the
    window's years are the panel's, bit for bit; the window's LQs then need no sums.
    """
    for key in _SHARED_REFERENCES:
        factors = coded.cache.peek(("lq_factors", key))
        if factors is not None:
            window.cache.put(("lq_factors", key), {
                name: array if name == "group" else array[years]
                for name, array in factors.items()})


def _take(coded: CodedPanel, rows: np.ndarray) -> tuple[dict[str, np.ndarray], dict]:
    """The codes and values of ``rows`` and how often each code occurs among them, in row
    blocks on the engine's thread pool."""
    sizes = {"r": len(coded.regions), "i": len(coded.industries), "y": len(coded.years)}
    if len(rows) > 1 and rows[-1] - rows[0] + 1 == len(rows) and (np.diff(rows) == 1).all():
        part = slice(int(rows[0]), int(rows[-1]) + 1)  # consecutive rows: slices, no copy
        out = {k: getattr(coded, k)[part] for k in (*sizes, "value")}
        return out, {k: np.bincount(out[k], minlength=n) for k, n in sizes.items()}
    out = {k: np.empty(len(rows), dtype=getattr(coded, k).dtype) for k in (*sizes, "value")}

    def block(part: slice) -> dict[str, np.ndarray]:
        at = rows[part]
        for k, a in out.items():
            np.take(getattr(coded, k), at, out=a[part])
        return {k: np.bincount(out[k][part], minlength=n) for k, n in sizes.items()}

    counts = map_row_blocks(block, len(rows), -(-len(rows) // ROW_BLOCK))
    return out, {k: sum((c[k] for c in counts), np.zeros(n, np.int64)) for k, n in sizes.items()}


class RowsNotKept:
    """The ``frame`` of a :func:`sub_panel` built without one: the rows are only codes.
    Reading it is a programming error (the window's rows would be a second copy of the
    panel's strings), so every attribute says so instead of giving a wrong frame."""

    def __getattr__(self, name: str):
        raise AttributeError(
            f"this coded window keeps no frame (asked for .{name}); build it with "
            "sub_panel(..., frame=True)")


def _renumbered(codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``codes`` renumbered densely over the codes that occur (``counts`` > 0; their order
    kept), and the mask of those that occur (None when all do: nothing renumbered)."""
    used = counts > 0
    if used.all():
        return codes, None
    lut = (np.cumsum(used) - 1).astype(codes.dtype)
    return lut[codes], used


def sub_panel(coded: CodedPanel, rows: np.ndarray, *, frame: bool,
              keep_labels: bool = False) -> CodedPanel:
    """The panel's rows at positions ``rows`` (in that order) as a coded panel of their
    own, without coding strings again: what :meth:`CodedPanel.from_panel` of those rows
    gives (codes of the labels that occur, in sorted order; the years that occur), from
    slices of the arrays.

    ``frame`` builds the rows' frame (``region``, ``industry``, ``year``, ``value``; the
    functions that add columns to it need one) from the codes; without it the coded panel
    keeps none (:class:`RowsNotKept`). ``keep_labels`` keeps every region and industry
    label of ``coded`` (codes unchanged), so that sums over the industry axis have the
    same length, and the same bits, as on ``coded``.
    """
    taken, counts = _take(coded, rows)
    r, i, value = taken["r"], taken["i"], taken["value"]
    regions, industries = coded.regions, coded.industries
    if not keep_labels:
        r, used = _renumbered(r, counts["r"])
        regions = regions if used is None else regions.filter(pl.Series(used))
        i, used = _renumbered(i, counts["i"])
        industries = industries if used is None else industries.filter(pl.Series(used))
    y, used = _renumbered(taken["y"], counts["y"])
    years = coded.years if used is None else coded.years[used]
    out = RowsNotKept()
    if frame:
        out = pl.DataFrame([
            regions.gather(r).alias(REGION), industries.gather(i).alias(INDUSTRY),
            pl.Series(YEAR, years[y], dtype=pl.Int32),
            pl.Series(VALUE, value, dtype=pl.Float64).fill_nan(None),
        ])
    return CodedPanel(out, regions, industries, years, r, i, y, value)
