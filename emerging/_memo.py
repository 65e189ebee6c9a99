"""The memo of coded panels: a frame passed to several functions is coded once.

Every public function validates and codes its panel (:meth:`emerging._engine.CodedPanel.
from_panel`), 0.5-2 s for a panel of 14 M rows. A user's chain (location quotients, then
the profile, trends, relatedness, detection) passes the *same* frame to each function, so
the coded panel of a recent eager frame is kept and handed back, together with its
:class:`~emerging._engine.PanelCache` (the LQ factors of a reference economy computed by
one function are then reused by the next).

What is kept
    At most :data:`MEMO_SIZE` entries (the frames coded most recently), each holding the
    coded panel and a *weak* reference to the user's frame: the memo never keeps a frame
    alive, and an entry is dropped as soon as its frame is garbage-collected (its memory
    is then freed with it). The coded panel holds a shallow copy of the frame (the same
    column buffers, a different object).
When it hits
    Only for the same ``pl.DataFrame`` object (``id`` and a live weak reference to it)
    and the same value column, whose content is proven unchanged:

    * the same height and schema (names, order, dtypes);
    * every column still made of the same Arrow buffers (addresses, offsets, lengths and
      null counts, read through the Arrow C stream interface, zero-copy). Polars never
      writes into a buffer another reference shares, and the memo holds references to
      all of them, so an in-place method (``replace_column``, ``insert_column``,
      ``df[...] = ...``, ``extend``, ``vstack``/``hstack(in_place=True)``,
      ``drop_in_place``, renaming) always shows as a change;
    * the year column equal to the coded years, and the value column bit for bit equal
      to the values coded: a numeric column built from a numpy array shares that array's
      memory, which numpy code can change behind polars' back. When the engine's value
      array is a view of the frame's column (float64 without nulls), the entry keeps a
      copy in the smallest dtype that gives the values back exactly (16 or 32 bits for
      counts of employees), else the engine's own array is the reference.

    Anything else (a LazyFrame, a new frame with the same content, key columns that are
    not ``String``) is coded afresh.
Switching it off
    :func:`clear_cache` forgets every entry (benchmarks call it before each timed call);
    :func:`set_memo` turns the memo off or on.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR

#: Most coded panels kept at once (the frames coded most recently).
MEMO_SIZE = 2


# ------------------------------------------------------------------ content checks
def _blocks_equal(test: Callable[[slice], bool], n_rows: int) -> bool:
    """True when ``test`` holds on every block of rows (blocks on a thread pool; numpy
    releases the GIL, and blocks of 2**18 rows keep the temporaries small)."""
    from emerging._engine import map_row_blocks

    step = 1 << 18

    def part(rows: slice) -> bool:
        return all(test(slice(s, min(s + step, rows.stop)))
                   for s in range(rows.start, rows.stop, step))

    return all(map_row_blocks(part, n_rows, os.cpu_count() or 1))


def value_rows(series: pl.Series) -> np.ndarray:
    """A value column as the engine reads it: float64 with NaN for null (zero-copy for a
    float64 column without nulls)."""
    if series.null_count() == 0 and series.dtype == pl.Float64:
        return series.to_numpy()
    return series.cast(pl.Float64).fill_null(np.nan).to_numpy()


def _as_float_bits(values: np.ndarray) -> np.ndarray:
    return values.astype(np.float64, copy=False).view(np.uint64)


def value_snapshot(values: np.ndarray) -> np.ndarray:
    """A copy of float64 ``values`` in the smallest dtype that gives them back bit for bit
    (counts of employees usually fit 16 or 32 bits: a quarter or a half of the memory)."""
    with np.errstate(invalid="ignore"):
        top = float(np.nanmax(values)) if len(values) else 0.0
    kinds = [t for t, limit in ((np.uint8, 2**8), (np.uint16, 2**16), (np.uint32, 2**32))
             if 0 <= top < limit] + [np.float32]
    for dtype in kinds:
        with np.errstate(invalid="ignore", over="ignore"):
            small = values.astype(dtype)
        if same_bits_as(values, small):
            return small
    return values.copy()


def may_share(values: np.ndarray, column_print: tuple) -> bool:
    """Can ``values`` lie in one of the buffers of a column (from its :func:`buffer_print`)?
    Conservative: any overlap of address ranges (elements taken as 8 bytes wide)."""
    low = values.__array_interface__["data"][0]
    high = low + values.nbytes
    for length, offset, _, buffers, *_ in column_print[1]:
        if any(b and b < high and low < b + (offset + length) * 8 for b in buffers):
            return True
    return False


def same_bits_as(values: np.ndarray, snapshot: np.ndarray) -> bool:
    """Is float64 ``values`` bit for bit ``snapshot`` read as float64?"""
    a = values.view(np.uint64)
    return _blocks_equal(lambda s: bool(np.array_equal(a[s], _as_float_bits(snapshot[s]))),
                         len(a))


def same_values(series: pl.Series, snapshot: np.ndarray) -> bool:
    """Is the value column, read as :func:`value_rows`, bit for bit ``snapshot``? A column
    with nulls, of another dtype or in several chunks is read block by block (no copy of
    the whole column)."""
    if len(series) != len(snapshot):
        return False
    if series.null_count() == 0 and series.dtype == pl.Float64 and series.n_chunks() == 1:
        return same_bits_as(series.to_numpy(), snapshot)  # zero-copy

    def block(s: slice) -> bool:
        current = value_rows(series.slice(s.start, s.stop - s.start))
        return bool(np.array_equal(current.view(np.uint64), _as_float_bits(snapshot[s])))

    return _blocks_equal(block, len(snapshot))


def same_years(series: pl.Series, years: np.ndarray, codes: np.ndarray) -> bool:
    """Is the (integer, null-free) year column exactly ``years[codes]``?"""
    current = series.to_numpy()
    first = int(years[0])
    if int(years[-1]) - first + 1 == len(years):  # every year of the range: code = year - first
        return _blocks_equal(lambda s: bool(np.array_equal(current[s] - first, codes[s])),
                             len(codes))
    return _blocks_equal(lambda s: bool(np.array_equal(current[s], years[codes[s]])),
                         len(codes))


# ------------------------------------------------------------------ the memo
@dataclass(eq=False)
class _Entry:
    ref: weakref.ref
    height: int
    schema: list
    prints: tuple
    held: tuple  # the frame's columns at coding time: keeps their buffers (addresses) alive
    values: np.ndarray  # what the engine read from the value column (a compact copy)
    coded: Any


class PanelMemo:
    """Coded panels of the frames coded most recently (see the module docstring)."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self.enabled = True
        self._entries: OrderedDict[tuple[int, str], _Entry] = OrderedDict()
        self._lock = threading.RLock()  # a weakref callback may run inside a locked block

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def lookup(self, frame: pl.DataFrame, column: str, *, year: str):
        """The coded panel of ``frame`` (same object, unchanged content), or None."""
        if not self.enabled:
            return None
        key = (id(frame), column)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry.ref() is not frame:
            return None
        coded = entry.coded
        unchanged = (
            frame.height == entry.height
            and list(frame.schema.items()) == entry.schema
            and _prints(frame) == entry.prints
            and same_years(frame[year], coded.years, coded.y)
            and same_values(frame[column], entry.values)
        )
        with self._lock:
            if not unchanged:
                if self._entries.get(key) is entry:
                    del self._entries[key]
                return None
            if key in self._entries:
                self._entries.move_to_end(key)
        return coded

    def peek(self, frame: pl.DataFrame, column: str, *, year: str, keys: tuple[str, ...]):
        """The coded panel of ``frame`` if it is kept (:meth:`can_keep`, then
        :meth:`lookup`: the same frame, unchanged), else None; never codes anything."""
        if not self.can_keep(frame, column, year=year, keys=keys):
            return None
        return self.lookup(frame, column, year=year)

    def can_keep(self, frame: pl.DataFrame, column: str, *, year: str, keys: tuple[str, ...]) -> bool:
        """Whether ``frame`` can be kept: its key columns are strings (polars owns their
        buffers), its year and value columns numeric, and no column holds Python objects
        (whose content polars does not own)."""
        if not (self.enabled and isinstance(frame, pl.DataFrame)):
            return False
        schema = frame.schema
        found = [schema.get(c) for c in (year, column)]
        if any(dtype == pl.Object for dtype in schema.values()):
            return False
        return (all(schema.get(k) == pl.String for k in keys)
                and all(dtype is not None for dtype in found)
                and found[0].is_integer() and found[1].is_numeric())

    def store(self, frame: pl.DataFrame, column: str, coded) -> None:
        """Keep ``coded`` as the coded panel of ``frame`` (evicting the oldest entry)."""
        if not self.enabled:
            return
        try:
            prints = _prints(frame)
        except Exception:  # a column polars cannot export (e.g. Object): not kept  # noqa: BLE001
            return
        # the engine's values are a view of the caller's column (float64 without nulls):
        # that memory may be a numpy array's, so keep a copy to compare against
        shared = may_share(coded.value, prints[frame.get_column_index(column)])
        key = (id(frame), column)
        ref = weakref.ref(frame, lambda dead, key=key: self._forget(key, dead))
        entry = _Entry(ref, frame.height, list(frame.schema.items()), prints,
                       tuple(frame.get_columns()),
                       value_snapshot(coded.value) if shared else coded.value, coded)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def _forget(self, key: tuple[int, str], dead: weakref.ref) -> None:
        """Weakref callback: the frame is gone, so is its entry (its memory is freed)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.ref is dead:
                del self._entries[key]


def _prints(frame: pl.DataFrame) -> tuple:
    from emerging._arrow import buffer_print  # ctypes: loaded on first use, not at import

    return tuple(buffer_print(s) for s in frame.get_columns())


#: The package's memo of coded panels.
PANELS = PanelMemo()


def memoized_panel(frame: pl.DataFrame | pl.LazyFrame, column: str = VALUE):
    """The coded panel (:class:`~emerging._engine.CodedPanel`) that an earlier call made of
    the whole of ``frame`` and the memo still holds (the same eager frame, unchanged, with
    the package's key and year columns), or None. Never codes: for functions that code
    only part of a frame themselves (e.g. the years of a window) unless the whole of it
    is coded already."""
    return PANELS.peek(frame, column, year=YEAR, keys=(REGION, INDUSTRY))


def clear_cache() -> None:
    """Forget every coded panel kept by the memo (see :mod:`emerging._memo`).

    Functions such as :func:`~emerging.location_quotient`,
    :func:`~emerging.specialisation_profile` or :func:`~emerging.trends.trend_slopes`
    validate and integer-code their panel; a frame passed to several of them is coded once
    and the coded panel (with the LQ factors and other arrays derived from it) is kept for
    the next call, at most for the two frames coded last and never beyond the life of the
    frame. A hit is only given for the same, unchanged frame object (checked exactly:
    same buffers, same years and values), so results are identical with or without it.
    Call this to free that memory at once, or before timing a function's first call.
    """
    PANELS.clear()


def set_memo(enabled: bool) -> bool:
    """Turn the memo of coded panels on or off (on by default); returns the previous
    setting. Turning it off also forgets what it kept (:func:`clear_cache`)."""
    previous = PANELS.enabled
    PANELS.enabled = bool(enabled)
    if not enabled:
        PANELS.clear()
    return previous
