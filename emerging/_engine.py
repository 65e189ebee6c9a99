"""The coded-panel engine: one encoding of a Panel under every layer that computes on arrays.

A tidy panel is validated and turned once into integer codes per row (``y``, ``r``, ``i``)
and a value array. Dense arrays always have **one axis order, (year, region, industry)**;
totals are sums over those axes, so they do not depend on the order of the panel's rows.
The indices (:mod:`emerging.indices`), relatedness (:mod:`emerging.relatedness`) and the
trends (:mod:`emerging.trends`) all build on :class:`CodedPanel`; a layer that needs series
first (a trend fit per region-industry) transposes the engine's arrays, it never encodes the
panel a second way.

Absent rows
-----------
A panel may lack rows for some (year, region, industry) combinations. Each function says
which of two policies it applies (:data:`Absent`), and :meth:`CodedPanel.values` builds
the dense array under either:

``absent="zero"``
    No row means no employment (0). Cross-sections use it: location quotients, diversity,
    concentration, stars, relatedness matrices, and the two-year comparisons
    (:func:`~emerging.trends.growth`, :func:`~emerging.trends.shift_share`,
    :func:`~emerging.trends.specialisation_changes`). A region with **no row at all** in a
    year has not reported that year: its total is 0, so its LQs are undefined, and the
    two-year comparisons treat its pairs as unknown in that year
    (:meth:`CodedPanel.reported`), so that a region recoded between two NUTS versions is
    not read as industries born from nothing.
``absent="unknown"``
    No row is an unknown value, like a null. Trend fits over many years use it
    (:func:`~emerging.trends.trend_slopes`, convergence, models): a point that was never
    published is left out of the fit, not fitted as a zero.

Null values are always unknown (NaN in the arrays, null in the frames), never 0.

Caches
------
What several functions derive from the same panel (the LQ factors of a reference economy,
the LQ array) is kept in the panel's :class:`PanelCache`, an explicit object held as a
field of the frozen :class:`CodedPanel`; every array stored there is read-only. Lazily
derived arrays of the panel itself (codes per cell, the dense value array) are cached
properties; :meth:`CodedPanel.drop_dense` forgets the dense ones to save memory.
:meth:`CodedPanel.from_panel` keeps the coded panels of the two eager frames coded last
(:mod:`emerging._memo`): the same unchanged frame passed to the next function gets the
same coded panel and cache back, proven unchanged exactly; ``emerging.clear_cache()``.

Row order
---------
Codes are found by run or block detection on sorted layouts and otherwise by one cast to a
categorical with its own category set (both key columns at once, in parallel): its ids are
dense, so only the few distinct values are sorted and remapped, never the rows. Runs are
found on the Arrow views of a String column (16 bytes a row, zero-copy, chunk by chunk),
so a frame read from Parquet in many chunks is not rechunked or compared string by string.
A gather or a masked write by a row-length index goes piece by piece with a small ``intp``
buffer per core (:func:`take_rows`): numpy would first copy a whole int32 index to
``intp``, a row-length temporary of fresh memory, which is slow to touch on virtual
machines. Whole cubes
are scattered from and gathered to shuffled rows in row blocks on every core, with no fill
pass when every cell has a row; per-row results are gathered from small ``(year, region)``
or ``(year, industry)`` tables wherever possible rather than from whole cubes, in row
blocks small enough for a core's cache (:func:`emerging.indices.lq._lq_rows`); several
Boolean cubes go to the rows packed as bits in one gather (:meth:`CodedPanel.flags_to_rows`).
The duplicate check of a panel out of cube order marks each row's cell once, and that mark
is kept as :attr:`CodedPanel.present`. ``bench/bench_row_order.py`` times each step in
three row orders, wall and CPU time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Literal, TypeVar

import numpy as np
import polars as pl

from emerging._checks import check_window, check_years
from emerging._memo import PANELS
from emerging._schema import (
    INDUSTRY,
    KEYS,
    PANEL_SCHEMA,
    REGION,
    VALUE,
    YEAR,
    SchemaError,
    check_non_negative,
    check_not_empty,
    check_single_level,
    check_unique,
    coerce_dtypes,
    require_columns,
    year_argument,
)

T = TypeVar("T")

#: Policy for key combinations without a row (see the module docstring).
Absent = Literal["zero", "unknown"]
ABSENT: tuple[str, ...] = ("zero", "unknown")


# ---------------------------------------------------------------------------- key codes
def _hashed_codes(keys: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """Codes of any layout: one categorical cast, then small tables only."""
    return _codes_from_categorical(keys.cast(_fresh_categorical()))


def _fresh_categorical() -> pl.Categorical:
    """A categorical dtype with its own (empty) category set.

    Its physical ids are dense, ``0..k-1`` in order of first appearance, so the distinct
    values are read from the category set instead of being found among the rows (a
    bincount and a scatter over every row with the global string cache).
    """
    return pl.Categorical(pl.Categories.random())


def _codes_from_categorical(cat: pl.Series) -> tuple[np.ndarray, pl.Series]:
    ids = cat.to_physical().to_numpy()
    labels = cat.dtype.categories.to_series()  # id order
    order = labels.arg_sort().to_numpy()
    lut = np.empty(len(labels), dtype=np.int32)  # codes: half the memory of int64
    lut[order] = np.arange(len(labels), dtype=np.int32)
    return take_rows(lut, ids), labels.gather(order).alias(cat.name)


def _period(keys: pl.Series) -> int | None:
    """Length k of a verified repeating block (``keys[j] == keys[j + k]``), or None.

    The candidate comes from the first 10,000 keys, so a column without a short period
    (e.g. shuffled rows) is rejected without a pass over all of it.
    """
    n = len(keys)
    head = keys.head(10_000)
    hits = (head == head[0]).arg_true()
    if len(hits) >= 2:
        k = int(hits[1])
        if not head.slice(k).equals(head.slice(0, len(head) - k)):
            return None
    else:  # no repeat in the head: a long block, or none
        hits = (keys == keys[0]).arg_true()
        if len(hits) < 2:
            return None
        k = int(hits[1])
    if n % k or not keys.slice(k, min(k, 1_000)).equals(keys.slice(0, min(k, 1_000))):
        return None
    return k if keys.slice(k).equals(keys.slice(0, n - k)) else None


def _structured_codes(keys: pl.Series) -> tuple[np.ndarray, pl.Series] | None:
    """Codes of a column made of runs or of one repeated block, or None for other layouts.

    Tidy panels are usually sorted, so a key column is either made of runs (``AT11``
    repeated for all its industries) or of one block repeated (the industries of every
    region-year). Both layouts are detected and verified exactly, and only the runs or the
    block are hashed.
    """
    n = len(keys)
    head = keys.head(10_000)
    if n > 1 and int(head.rle_id().max()) + 1 <= len(head) // 2:
        # run starts from one comparison with the shifted column (cheaper than rle());
        # the run values have no equal neighbours, so this recursion goes one level deep
        starts, values = _runs(keys)
        codes, labels = dense_codes(values)  # often one repeated block
        return np.repeat(codes, np.diff(starts, append=n)), labels
    if n > 1 and (k := _period(keys)) is not None:
        codes, labels = _hashed_codes(keys.slice(0, k))
        return np.broadcast_to(codes, (n // k, k)).reshape(-1), labels  # = np.tile
    return None


#: Rows per piece of the view comparison of :func:`_runs`.
_VIEW_PIECE = 1 << 20


def _runs(keys: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """First row of each run of equal values (int64, exact) and the runs' values, in any
    chunking.

    A String column without nulls is compared view by view (:func:`emerging._arrow.
    with_string_views`: 16 bytes a row, each chunk apart, pieces on every core), which
    finds every change and maybe a few more (each piece's first row, or equal strings
    with different views); the values at those rows are then compared as strings, which
    drops the few. Other columns are compared with their shifted selves in polars (slow
    for a column in many chunks, such as a Parquet file's).
    """
    n = len(keys)
    found = None
    if keys.dtype == pl.String and not keys.null_count():
        from emerging._arrow import with_string_views  # ctypes: loaded on first use

        found = with_string_views(keys, _view_changes)
    if found is None:
        change = keys.slice(1).ne_missing(keys.slice(0, n - 1)).arg_true().to_numpy()
        starts = np.concatenate([[0], change.astype(np.int64) + 1])
        return starts, keys.gather(starts)
    values = keys.gather(found)
    new = values.ne_missing(values.shift(1))  # the first is kept
    return found[new.to_numpy()], values.filter(new)


def _view_changes(views: list[np.ndarray]) -> np.ndarray:
    """Rows whose view differs from the previous row's, and each piece's first row."""
    pieces, offset = [], 0
    for v in views:
        pieces += [(v[a:a + _VIEW_PIECE], offset + a) for a in range(0, len(v), _VIEW_PIECE)]
        offset += len(v)

    def changes(k: slice) -> np.ndarray:
        v, start = pieces[k.start]
        changed = np.not_equal(v[1:, 0], v[:-1, 0])
        changed |= np.not_equal(v[1:, 1], v[:-1, 1])
        found = np.flatnonzero(changed)
        found += start + 1
        return np.concatenate([[start], found])

    return np.concatenate(map_years(changes, len(pieces)))


def dense_codes(keys: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """Integer codes 0..k-1 of a key column, in the sorted order of its distinct values.

    Whatever the row order, the codes and labels are the same function of the values.
    """
    found = _structured_codes(keys)
    return _hashed_codes(keys) if found is None else found


def _key_codes(frame: pl.DataFrame, columns: tuple[str, ...]) -> list[tuple[np.ndarray, pl.Series]]:
    """:func:`dense_codes` of several key columns; the unstructured ones are cast to
    categoricals in one polars call (in parallel)."""
    found = {c: _structured_codes(frame[c]) for c in columns}
    todo = [c for c in columns if found[c] is None]
    if todo:
        cats = frame.select(pl.col(c).cast(_fresh_categorical()) for c in todo)
        for c in todo:
            found[c] = _codes_from_categorical(cats[c])
    return [found[c] for c in columns]  # type: ignore[misc]


def map_years(fn: Callable[[slice], T], n_years: int) -> list[T]:
    """``fn`` applied to one-year slices, on a thread pool (numpy releases the GIL).

    Per-year blocks keep temporaries small (cache-friendly, lower peak memory) and use
    every core; the loop is over years, never over regions or industries.
    """
    slices = [slice(y, y + 1) for y in range(n_years)]
    workers = min(len(slices), os.cpu_count() or 1)
    if workers <= 1:
        return [fn(s) for s in slices]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, slices))


#: Rows per block of a row-by-row computation on the thread pool: a dozen float64
#: temporaries of this length stay in a core's cache (2**15 rows: 256 KiB each).
ROW_BLOCK = 1 << 15


def single_threaded_blas(function):
    """Run ``function`` with BLAS limited to one thread.

    The products of the layers are mid-sized (hundreds by about a thousand); OpenBLAS
    threads made them 3-6 times slower on a machine whose two cores are shared with other
    work (``bench/bench_relatedness.py``), and they never helped by more than about 1.8x.
    The cores are used instead by running the years on the engine's thread pool
    (:func:`map_years`). One thread also makes a product's summation order, and so its
    last bit, independent of the number of cores. numpy and scipy each load their own
    OpenBLAS; both are limited.
    """

    @wraps(function)
    def wrapper(*args, **kwargs):
        import scipy.linalg  # noqa: F401 (scipy ships its own OpenBLAS: load it to limit it too)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return wrapper


def map_row_blocks(fn: Callable[[slice], T], n_rows: int, n_blocks: int) -> list[T]:
    """``fn`` applied to ``n_blocks`` consecutive slices of ``range(n_rows)``, on the
    thread pool of :func:`map_years`."""
    step = max(-(-n_rows // max(n_blocks, 1)), 1)
    starts = range(0, n_rows, step)
    return map_years(lambda s: fn(slice(starts[s.start], min(starts[s.start] + step, n_rows))),
                     len(starts))


#: Rows per piece of :func:`take_rows` and of the marks of :meth:`CodedPanel.from_panel`
#: (an ``intp`` buffer of 512 KiB per core).
_INDEX_BLOCK = 1 << 16


def _index_pieces(fn: Callable[[slice, np.ndarray], None], n_rows: int) -> None:
    """``fn(rows, index_buffer)`` for consecutive pieces of ``range(n_rows)``, one block of
    pieces per core, each core with its own ``intp`` buffer of the piece's length.

    numpy converts an index array of another dtype (the engine's int32 codes, polars'
    uint32 ids) to ``intp`` before a gather or a masked write: for a row-length index
    that is a row-length temporary (fresh memory, slow to touch on virtual machines);
    piece by piece it is one small buffer per core."""
    def part(rows: slice) -> None:
        buffer = np.empty(min(_INDEX_BLOCK, rows.stop - rows.start), dtype=np.intp)
        for start in range(rows.start, rows.stop, _INDEX_BLOCK):
            stop = min(start + _INDEX_BLOCK, rows.stop)
            fn(slice(start, stop), buffer[:stop - start])

    map_row_blocks(part, n_rows, os.cpu_count() or 1)


def take_rows(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``table[index]`` for a row-length integer ``index`` of any dtype (valid positions),
    without a row-length ``intp`` copy of it (:func:`_index_pieces`)."""
    out = np.empty(len(index), dtype=table.dtype)

    def take(rows: slice, buffer: np.ndarray) -> None:
        np.copyto(buffer, index[rows], casting="safe")
        np.take(table, buffer, out=out[rows], mode="clip")

    _index_pieces(take, len(index))
    return out


def stack_years(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate per-year results (dicts of arrays with a leading year axis)."""
    return {k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]}


def read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _flat_index(major: np.ndarray, size: int, minor: np.ndarray) -> np.ndarray:
    """``major * size + minor`` in place, int32 when it fits (half the memory traffic)."""
    dtype = np.int32 if (int(major.max(initial=0)) + 1) * size < 2**31 else np.int64
    out = np.multiply(major, size, dtype=dtype)
    out += minor
    return out


def _cell_dtype(n_cells: int) -> type:
    return np.int32 if n_cells < 2**31 else np.int64


def _any_negative(value: np.ndarray) -> bool:
    """Is any value below 0 (NaN ignored)? One reduction, no row-length mask."""
    return bool(len(value)) and bool(np.fmin.reduce(value) < 0)


def _year_codes(year: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The distinct years (int32, sorted) and each row's code among them.

    Every year of the range present (the usual case): the code is the offset from the
    first year, written chunk by chunk into one array (no polars temporary column)."""
    first, last = int(year.min()), int(year.max())
    offset = np.empty(len(year), dtype=np.int32)
    start = 0
    for chunk in year.get_chunks():
        np.subtract(chunk.to_numpy(), first, out=offset[start:start + len(chunk)],
                    casting="same_kind")
        start += len(chunk)

    found = np.zeros(last - first + 1, dtype=bool)

    def seen(rows: slice, buffer: np.ndarray) -> None:  # True written by both cores: no race
        np.copyto(buffer, offset[rows], casting="safe")
        found[buffer] = True

    _index_pieces(seen, len(offset))
    present_years = np.flatnonzero(found)
    lut = np.full(last - first + 1, -1, dtype=np.int32)
    years = (present_years + first).astype(np.int32)
    if len(present_years) == len(lut):  # every year in its range: the offsets are the codes
        return years, offset
    lut[present_years] = np.arange(len(present_years))
    return years, take_rows(lut, offset)


# ---------------------------------------------------------------------------- the cache
class PanelCache:
    """Arrays derived from one coded panel and shared by the functions computed on it.

    Keys are tuples naming what is stored and the options it depends on, e.g.
    ``("lq_factors", reference_key)`` or ``("lq", reference_key)``. Values are read-only
    numpy arrays (or dicts of them), so a function that gets one cannot change what
    another function sees. Only results of the panel alone go here (never of an external
    frame passed in a call). :func:`emerging.indices.specialisation_profile` codes a panel
    once and hands it to every index, which is how they share this cache.
    """

    def __init__(self) -> None:
        self._store: dict[Hashable, object] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value stored under ``key``, computed (and stored) on first use."""
        if key not in self._store:
            self._store[key] = compute()
        return self._store[key]  # type: ignore[return-value]

    def peek(self, key: Hashable) -> object | None:
        """The value stored under ``key``, or None (never computes)."""
        return self._store.get(key)

    def put(self, key: Hashable, value: T) -> T:
        self._store[key] = value
        return value

    def __len__(self) -> int:
        return len(self._store)


# ---------------------------------------------------------------------------- the panel
@dataclass(frozen=True, eq=False)
class CodedPanel:
    """A validated panel with integer codes per row (original row order kept).

    ``value`` holds NaN where the panel's value is null (unknown); ``known`` is its mask.
    Dense arrays are ``(year, region, industry)``; :meth:`values` builds them under an
    explicit policy for absent key combinations (see the module docstring). ``cache`` is
    the :class:`PanelCache` of results shared between functions.
    """

    frame: pl.DataFrame
    regions: pl.Series
    industries: pl.Series
    years: np.ndarray
    r: np.ndarray
    i: np.ndarray
    y: np.ndarray
    value: np.ndarray
    cache: PanelCache = field(default_factory=PanelCache, repr=False, compare=False)

    @classmethod
    def from_panel(
        cls, panel: pl.DataFrame | pl.LazyFrame | CodedPanel, *, what: str = "panel",
        column: str = VALUE,
    ) -> CodedPanel:
        """Validate ``panel`` against the contract and code it (a CodedPanel is reused).

        ``column`` names the value column (default ``value``); the others are the keys.
        An eager frame coded recently, unchanged (the same object, the same buffers, the
        same years and values), gets its coded panel back from the memo
        (:mod:`emerging._memo`; :func:`emerging.clear_cache`, :func:`emerging.set_memo`).
        """
        if isinstance(panel, CodedPanel):  # already validated and coded: reuse it
            return panel
        if isinstance(panel, pl.LazyFrame):
            return cls._code(panel.collect(), what=what, column=column)
        keep = PANELS.can_keep(panel, column, year=YEAR, keys=(REGION, INDUSTRY))
        if keep and (coded := PANELS.lookup(panel, column, year=YEAR)) is not None:
            return coded  # the same frame, unchanged, coded recently (emerging._memo)
        coded = cls._code(panel, what=what, column=column)
        if keep:
            PANELS.store(panel, column, coded)
        return coded

    @classmethod
    def _code(cls, frame: pl.DataFrame, *, what: str, column: str) -> CodedPanel:
        """Validate and code an eager frame (see :meth:`from_panel`)."""
        panel = frame
        schema = {k: v for k, v in PANEL_SCHEMA.items() if k != VALUE}
        require_columns(frame, [*schema, column], what=what)
        frame = coerce_dtypes(frame, {**schema, column: pl.Float64}, what=what)
        check_not_empty(frame, what=what)
        for key in KEYS:
            if nulls := frame[key].null_count():
                raise SchemaError(
                    f"{what} column {key!r}: expected no nulls in a key column, found "
                    f"{nulls:,}. Fill or drop those rows explicitly."
                )
        value = frame[column].fill_null(np.nan).to_numpy()  # nulls become NaN (4x faster)
        if column == VALUE and _any_negative(value):
            check_non_negative(frame, VALUE, KEYS, what=what)
        (r, regions), (i, industries) = _key_codes(frame, (REGION, INDUSTRY))
        check_single_level(pl.DataFrame({REGION: regions}), what=what)
        years, y = _year_codes(frame[YEAR])
        if frame is panel:  # a shallow copy: the coded panel never holds the caller's object
            frame = frame.clone()
        coded = cls(frame, regions, industries, years, r, i, y, value)
        if not coded.in_cube_order:  # rows in cube order cannot repeat a key
            coded._mark_cells(frame, what=what)
        return coded

    def _mark_cells(self, frame: pl.DataFrame, *, what: str) -> None:
        """The duplicate check of a panel out of cube order, in the pass that builds
        :attr:`cell`: each block of rows computes its cells and marks them (random writes
        of True, one block per core); the marks become :attr:`present`."""
        nY, nR, nI = self.shape
        seen = np.zeros(self.n_cells, dtype=bool)
        cell = np.empty(len(self.value), dtype=_cell_dtype(self.n_cells))

        def mark(part: slice, buffer: np.ndarray) -> None:
            c = cell[part]
            np.multiply(self.y[part], nR, out=c)  # (year * R + region) * I + industry
            c += self.r[part]
            c *= nI
            c += self.i[part]
            np.copyto(buffer, c, casting="safe")
            seen[buffer] = True

        _index_pieces(mark, len(cell))
        self.__dict__["cell"] = cell
        if np.count_nonzero(seen) < len(cell):  # two rows share a cell
            check_unique(frame, KEYS, what=what)
        if len(cell) < self.n_cells:  # the cells with a row: kept, not redone
            self.__dict__["present"] = read_only(seen.reshape(self.shape))

    # ------------------------------------------------------------------ shapes and keys
    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.years), len(self.regions), len(self.industries)

    @property
    def n_cells(self) -> int:
        nY, nR, nI = self.shape
        return nY * nR * nI

    @cached_property
    def cell(self) -> np.ndarray:
        """Flat index of each row in the ``(year, region, industry)`` cube (int32 while the
        cube has fewer than 2**31 cells: half the memory traffic of int64)."""
        return _flat_index(self.yr, self.shape[2], self.i).astype(
            _cell_dtype(self.n_cells), copy=False)

    @cached_property
    def in_cube_order(self) -> bool:
        """True when the rows are exactly the cube's cells in order (no gather needed).

        Checked code by code against the cube's layout (year-major, then region, then
        industry), without building :attr:`cell`.
        """
        nY, nR, nI = self.shape
        if len(self.value) != self.n_cells:
            return False
        # the first cube row first: other layouts fail there, without row-length temporaries
        if not ((self.y[:nI] == 0).all() and (self.r[:nI] == 0).all()
                and (self.i[:nI] == np.arange(nI)).all()):
            return False
        return bool(
            (self.i.reshape(-1, nI) == np.arange(nI)).all()
            and (self.r.reshape(nY, nR, nI) == np.arange(nR)[:, None]).all()
            and (self.y.reshape(nY, -1) == np.arange(nY)[:, None]).all()
        )

    def year_index(self, year: int) -> int:
        """Position of ``year`` on the year axis; YearNotFoundError when absent."""
        year = year_argument(year)
        hits = np.flatnonzero(self.years == year)
        if not hits.size:
            check_years([year], self.years.tolist())
        return int(hits[0])

    def window(self, start: int, end: int, *, every_year: bool) -> np.ndarray:
        """Year positions from ``start`` to ``end`` (every year between, or just both)."""
        start, end = year_argument(start, "start"), year_argument(end, "end")
        check_window(start, end)
        if not every_year:
            return np.array([self.year_index(start), self.year_index(end)])
        wanted = np.arange(start, end + 1)
        check_years(wanted.tolist(), self.years.tolist(), hint=(
            f"A year-by-year computation from {start} to {end} needs every year in between "
            "(choose another window)"))
        return np.array([self.year_index(int(y)) for y in wanted])

    # ------------------------------------------------------------------ rows <-> cells
    def to_rows(self, cube: np.ndarray) -> np.ndarray:
        """Values of a ``(year, region, industry)`` array at the panel's rows, in row order.

        ``cube`` may be any array that broadcasts to the cube's shape (e.g. ``(Y, R, 1)``
        region-year values); a small table is gathered by the rows' codes (cheap in any
        row order), a full cube by the rows' cells.
        """
        if cube.shape != self.shape:
            if not self.in_cube_order:
                index = self._small_index(cube.shape)
                return cube.reshape(-1)[index] if isinstance(index, np.ndarray) else cube[index]
            cube = np.broadcast_to(cube, self.shape)
        flat = cube.reshape(-1)
        return flat if self.in_cube_order else self._gather(flat)

    def flags_to_rows(self, cubes: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Several Boolean ``(year, region, industry)`` cubes at the panel's rows, gathered
        together: packed as bits of one small-integer cube, so a shuffled panel pays one
        random gather instead of one per flag."""
        if self.in_cube_order or len(cubes) > 64:
            return {k: self.to_rows(v) for k, v in cubes.items()}
        dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                     if np.iinfo(t).bits >= len(cubes))
        packed = np.empty(self.shape, dtype=dtype)
        flags = [np.broadcast_to(c, self.shape) for c in cubes.values()]

        def pack(ys: slice) -> None:  # one year at a time: the temporaries stay in cache
            block = packed[ys]
            block.fill(0)
            for bit, cube in enumerate(flags):
                block |= np.left_shift(cube[ys], bit, dtype=dtype)

        map_years(pack, self.shape[0])
        rows = self._gather(packed.reshape(-1))
        return {k: (rows & dtype(1 << bit)) != 0 for bit, k in enumerate(cubes)}

    def _small_index(self, shape: tuple[int, ...]) -> np.ndarray | tuple:
        """Index per row into a flattened table of ``shape`` (broadcastable to the cube)."""
        nY, nR, nI = self.shape
        flat = {(nY, nR, 1): "yr", (nY, 1, nI): "yi", (nY, 1, 1): "y", (1, nR, 1): "r",
                (1, 1, nI): "i"}.get(tuple(shape))
        if flat is not None:
            return getattr(self, flat)
        zero = np.zeros(1, dtype=np.int64)
        return tuple(zero if n == 1 else k for n, k in zip(shape, (self.y, self.r, self.i),
                                                            strict=True))

    def scatter(self, rows: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """Dense ``(year, region, industry)`` array with ``rows`` (panel order) at their
        cells and ``fill`` at absent ones."""
        if self.in_cube_order:
            return rows.reshape(self.shape)
        complete = len(rows) == self.n_cells  # keys are unique: every cell gets a row
        out = np.empty(self.n_cells, dtype=rows.dtype) if complete else \
            np.full(self.n_cells, fill, dtype=rows.dtype)
        cell = self.cell

        def put(part: slice, buffer: np.ndarray) -> None:  # random writes, on every core
            np.copyto(buffer, cell[part], casting="safe")
            out[buffer] = rows[part]

        _index_pieces(put, len(rows))
        return out.reshape(self.shape)

    def _gather(self, flat: np.ndarray) -> np.ndarray:
        """``flat[self.cell]``: a whole cube's values at the rows (random reads, one block
        of rows per core)."""
        return take_rows(flat, self.cell)

    @cached_property
    def present(self) -> np.ndarray | None:
        """Boolean cube of the cells that are rows of the panel (None when all are;
        read-only). A panel out of cube order has it from the duplicate check of
        :meth:`from_panel` (one random pass over the cells, not two)."""
        if len(self.value) == self.n_cells:  # no duplicates (checked), so every cell
            return None
        out = np.zeros(self.n_cells, dtype=bool)
        out[self.cell] = True
        return read_only(out.reshape(self.shape))

    @property
    def has_row(self) -> np.ndarray:
        """Boolean ``(year, region, industry)`` array: the panel has a row for the cell."""
        return np.ones(self.shape, dtype=bool) if self.present is None else self.present

    @cached_property
    def reported(self) -> np.ndarray:
        """Boolean ``(year, region)``: the region has at least one row in the year."""
        nY, nR, _ = self.shape
        if self.present is None:
            return np.ones((nY, nR), dtype=bool)
        return np.bincount(self.yr, minlength=nY * nR).reshape(nY, nR) > 0

    @cached_property
    def value_cube(self) -> np.ndarray:
        """Dense cube of values with NaN for unknown cells and 0 for absent ones."""
        return self.scatter(self.value, 0.0)

    def values(self, absent: Absent, steps: np.ndarray | None = None) -> np.ndarray:
        """Dense ``(year, region, industry)`` values under a policy for absent rows:
        ``"zero"`` (no row = 0) or ``"unknown"`` (no row = NaN). Nulls are NaN in both.

        ``steps`` (year positions) builds only those years, in that order: a window of two
        years out of twenty scatters a tenth of the rows of a shuffled panel.
        """
        if absent not in ABSENT:
            raise ValueError(f"absent must be one of {ABSENT}; got {absent!r}")
        fill = 0.0 if absent == "zero" else np.nan
        if steps is not None and np.array_equal(steps, np.arange(self.shape[0])):
            steps = None  # every year in order: the whole cube (one threaded scatter)
        if steps is None:
            if absent == "zero" or self.present is None:
                return self.value_cube
            return self.scatter(self.value, np.nan)
        if self.in_cube_order or "value_cube" in self.__dict__:
            out = self.value_cube[steps]
            if absent == "unknown" and self.present is not None:
                out = np.where(self.present[steps], out, np.nan)
            return out
        rows, cells = self._rows_in(steps)
        out = np.full((len(steps), *self.shape[1:]), fill)
        out.reshape(-1)[cells] = self.value[rows]
        return out

    def has_row_in(self, steps: np.ndarray) -> np.ndarray:
        """:attr:`has_row` for the year positions ``steps`` only."""
        if self.present is None:
            return np.ones((len(steps), *self.shape[1:]), dtype=bool)
        if "present" in self.__dict__:  # known already (a panel out of cube order)
            return self.present[steps]
        _, cells = self._rows_in(steps)
        out = np.zeros((len(steps), *self.shape[1:]), dtype=bool)
        out.reshape(-1)[cells] = True
        return out

    def _rows_in(self, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose year is among ``steps`` and their flat cells in a ``(len(steps),
        region, industry)`` array."""
        wanted = np.zeros(len(self.years), dtype=bool)
        wanted[steps] = True
        rows = np.flatnonzero(wanted[self.y])
        nY, nR, nI = self.shape
        shift = np.zeros(nY, dtype=np.int64)  # year position in the cube -> in `steps`
        shift[steps] = (np.arange(len(steps)) - steps) * (nR * nI)
        cells = self.cell[rows].astype(np.int64)
        cells += shift[self.y[rows]]
        return rows, cells

    def drop_dense(self) -> None:
        """Forget the cached dense value arrays (they are rebuilt when asked for again)."""
        for name in ("cube", "value_cube"):
            self.__dict__.pop(name, None)

    def block_index(self, name: Literal["yr", "yi"], part: slice, out: np.ndarray) -> np.ndarray:
        """:attr:`yr` or :attr:`yi` of the rows ``part``, written into the ``intp`` buffer
        ``out`` (as a gather or ``bincount`` takes them): from the cached array when there
        is one, else from the codes of the block only (no row-length index array)."""
        if name in self.__dict__:
            np.copyto(out, self.__dict__[name][part], casting="safe")
            return out
        minor, size = (self.r, self.shape[1]) if name == "yr" else (self.i, self.shape[2])
        np.multiply(self.y[part], size, out=out)
        out += minor[part]
        return out

    @cached_property
    def yr(self) -> np.ndarray:
        """Flat ``(year, region)`` index of each row (int32 while it fits)."""
        return _flat_index(self.y, self.shape[1], self.r)

    @cached_property
    def yi(self) -> np.ndarray:
        """Flat ``(year, industry)`` index of each row."""
        return _flat_index(self.y, self.shape[2], self.i)

    @cached_property
    def known(self) -> np.ndarray:
        return ~np.isnan(self.value)

    @cached_property
    def all_known(self) -> bool:
        """True when no value is NaN (unknown), found without a row-length mask: a sum is
        NaN whenever a term is (values are >= 0, so no inf - inf makes a false NaN; a
        False is checked against :attr:`known`)."""
        if "known" in self.__dict__:
            return bool(self.known.all())
        with np.errstate(invalid="ignore", over="ignore"):
            if not np.isnan(np.sum(self.value)):
                return True
        return bool(self.known.all())

    @cached_property
    def filled(self) -> np.ndarray:
        """Values with unknown cells as 0 (for sums over known cells)."""
        return np.where(self.known, self.value, 0.0)

    @cached_property
    def countries(self) -> pl.Series:
        return self.regions.str.slice(0, 2).unique().sort()

    @cached_property
    def country_of_region(self) -> np.ndarray:
        codes = self.regions.str.slice(0, 2).cast(pl.Enum(self.countries)).to_physical()
        return codes.cast(pl.Int64).to_numpy()

    # ------------------------------------------------------------------ sums
    def sum_by(self, index: np.ndarray, size: int, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(index, weights=self.filled if weights is None else weights,
                           minlength=size)

    @cached_property
    def region_total(self) -> np.ndarray:
        """Known employment per ``(year, region)`` (summed over the cube: any row order
        gives the same bits)."""
        return self.cube.sum(axis=2)

    @cached_property
    def cube(self) -> np.ndarray:
        """Dense ``(year, region, industry)`` array of known values (unknown/absent = 0)."""
        if self.all_known:
            return self.value_cube
        return np.where(np.isnan(self.value_cube), 0.0, self.value_cube)

    def unknown_share(self, excluded: np.ndarray | None = None) -> np.ndarray:
        """Share of each ``(year, region)``'s rows whose value is null (or, when given,
        whose entry in the Boolean row mask ``excluded`` is true)."""
        nY, nR, _ = self.shape
        if excluded is None and self.all_known:
            return np.zeros((nY, nR))
        unknown = ~self.known if excluded is None else ~self.known | excluded
        if not unknown.any():
            return np.zeros((nY, nR))
        rows = np.bincount(self.yr, minlength=nY * nR)
        nulls = np.bincount(self.yr[unknown], minlength=nY * nR)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (nulls / rows).reshape(nY, nR)

    # ------------------------------------------------------------------ output helpers
    def region_year_frame(self) -> pl.DataFrame:
        nY, nR, _ = self.shape
        return pl.DataFrame({
            REGION: self.regions.gather(np.tile(np.arange(nR), nY)),
            YEAR: pl.Series(np.repeat(self.years, nR), dtype=pl.Int32),
        })

    def industry_year_frame(self) -> pl.DataFrame:
        nY, _, nI = self.shape
        return pl.DataFrame({
            INDUSTRY: self.industries.gather(np.tile(np.arange(nI), nY)),
            YEAR: pl.Series(np.repeat(self.years, nI), dtype=pl.Int32),
        })

    def pair_frame(self, keep: np.ndarray, columns: Mapping[str, np.ndarray]) -> pl.DataFrame:
        """Long frame with ``region``, ``industry`` and one column per ``(R, I)`` array.

        Only the ``(region, industry)`` pairs where ``keep`` is True become rows, sorted
        by region then industry. Arrays of dtype object (e.g. reasons) become String
        columns; NaN becomes null.
        """
        flat = np.flatnonzero(keep.ravel())
        n_ind = self.shape[2]
        out = {
            REGION: self.regions.gather(flat // n_ind),
            INDUSTRY: self.industries.gather(flat % n_ind),
        }
        for name, array in columns.items():
            values = np.asarray(array).ravel()[flat]
            if values.dtype == object:
                out[name] = pl.Series(name, values.tolist(), dtype=pl.String)
            else:
                out[name] = pl.Series(name, values).fill_nan(None)
        return pl.DataFrame(out)

    def known_count(self, regions: np.ndarray) -> np.ndarray:
        """Cells with a known value per ``(year, industry)`` among the masked regions
        (absent rows count as known zeros, as in :attr:`cube`)."""
        nY, _, nI = self.shape
        if self.all_known:
            return np.full((nY, nI), int(regions.sum()))
        unknown = ~self.known & regions[self.r]
        return int(regions.sum()) - np.bincount(
            self.yi[unknown], minlength=nY * nI).reshape(nY, nI)

    def reference_mask(self, regions: Collection[str] | None) -> np.ndarray:
        """Boolean per region code: is it in the reference group (all when None)?"""
        if regions is None:
            return np.ones(self.shape[1], dtype=bool)
        return self.regions.is_in(list(regions)).to_numpy()
