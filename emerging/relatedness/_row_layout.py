"""Rows that walk the cube in another axis order: cubes to rows and back by blocked copies.

A panel's rows are often sorted, just not in the engine's cube order (year, region,
industry): a Eurostat bulk file made tidy runs industry, region, year newest first
(:func:`emerging.io.read_tsv`), a user's frame often region, industry, year. Then each
row's position in the cube *with its axes permuted* (and some of them reversed) grows
strictly from row to row, and a whole cube goes to the rows as one transposed copy, done
in tiles that fit a core's cache, instead of a gather of one random read per row
(``bench/bench_relatedness.py``: on the 14.4 M-row L panel in file order about 0.05 s
against 0.3-1 s per float64 cube). A panel with rows missing (absent cells) walks the
permuted cube the same way, with gaps: the copy then fills a permuted cube and the rows
read it in increasing order. Any other order (shuffled rows) has no layout and keeps the
engine's gather (:meth:`emerging._engine.CodedPanel.to_rows`).

The layout is found from a sample of rows (the first few thousand and a few thousand
spread over the panel: a subsequence of a sorted walk is sorted too) and then checked on
every row, so a wrong guess is never used.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

import numpy as np

from emerging._engine import CodedPanel, map_row_blocks, read_only
from emerging.relatedness._workspace import Workspace

#: Elements of one tile of a transposed copy (1 MiB of float64: source and destination
#: tiles stay in a core's L2 cache together).
TILE = 1 << 17
#: Rows per block of the check of a layout (1 MiB of int32 positions per block).
CHECK_BLOCK = 1 << 18
#: Rows sampled at the head of the panel, and spread over it, to guess the layout.
SAMPLE = 4096


@dataclass(frozen=True, eq=False)
class RowLayout:
    """The rows as a strictly increasing walk through the permuted cube.

    Attributes
    ----------
    axes
        Cube axes (0 year, 1 region, 2 industry) from the slowest-changing to the fastest
        in row order.
    flipped
        Per cube axis: True when its codes run downwards in row order.
    positions
        Flat position of every row in the permuted cube (``int32`` or ``int64``,
        read-only), or None when every cell is a row (then row *k* is position *k*).
    """

    axes: tuple[int, int, int]
    flipped: tuple[bool, bool, bool]
    positions: np.ndarray | None

    def view(self, cube: np.ndarray) -> np.ndarray:
        """``cube`` (``[year, region, industry]``) as a view with the axes in row order."""
        flips = tuple(slice(None, None, -1) if f else slice(None) for f in self.flipped)
        return cube[flips].transpose(self.axes)

    def to_rows(self, cube: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
        """Values of a ``[year, region, industry]`` cube of ``shape`` (or of an array
        broadcasting to it) at the rows, in row order."""
        src = self.view(np.broadcast_to(cube, shape))
        out = np.empty(src.size, dtype=cube.dtype)
        copy_tiled(out.reshape(src.shape), src)
        return out if self.positions is None else out[self.positions]

    def scatter(self, rows: np.ndarray, shape: tuple[int, int, int], fill) -> np.ndarray:
        """The ``[year, region, industry]`` cube with ``rows`` at their cells and ``fill``
        at cells without a row."""
        order = tuple(shape[a] for a in self.axes)
        if self.positions is None:
            walked = rows.reshape(order)
        else:
            walked = np.full(order, fill, dtype=rows.dtype)
            walked.reshape(-1)[self.positions] = rows  # increasing positions: sequential
        out = np.empty(shape, dtype=rows.dtype)
        copy_tiled(self.view(out), walked)
        return out


def copy_tiled(dst: np.ndarray, src: np.ndarray) -> None:
    """``dst[...] = src`` for two 3-d arrays of the same shape laid out in different axis
    orders, in tiles cut along an axis that is contiguous in neither (so both tiles stay
    in cache), the tiles shared out to the cores."""
    fast = {int(np.argmin(np.abs(a.strides) + (np.array(a.shape) == 1) * 2**62))
            for a in (dst, src)}
    rest = [k for k in range(3) if k not in fast]
    axis = rest[0] if rest else 0
    per_index = int(np.prod(dst.shape)) // max(dst.shape[axis], 1)
    step = max(1, TILE // max(per_index, 1))
    n = dst.shape[axis]

    def part(s: slice) -> None:
        for lo in range(s.start, s.stop, step):
            cut = (slice(None),) * axis + (slice(lo, min(lo + step, s.stop)),)
            np.copyto(dst[cut], src[cut])

    map_row_blocks(part, n, os.cpu_count() or 1)


def _positions(codes: tuple[np.ndarray, ...], shape: tuple[int, ...], axes, flipped,
               out: np.ndarray) -> np.ndarray:
    """Flat position of each row in the cube permuted to ``axes`` with ``flipped`` axes,
    written into ``out``."""
    out.fill(0)
    for a in axes:
        out *= shape[a]
        if flipped[a]:
            out += shape[a] - 1
            out -= codes[a]
        else:
            out += codes[a]
    return out


def _increasing(x: np.ndarray) -> bool:
    return len(x) < 2 or bool((x[1:] > x[:-1]).all())


def _walk(coded: CodedPanel, axes, flipped) -> RowLayout | None:
    """The layout ``axes``, ``flipped`` checked on every row (block by block, so that no
    row-length temporary is made unless the positions are kept), or None."""
    shape, codes, n = coded.shape, (coded.y, coded.r, coded.i), len(coded.y)
    dtype = np.int32 if coded.n_cells < 2**31 else np.int64
    complete = n == coded.n_cells  # strictly increasing then means position k at row k
    kept = None if complete else np.empty(n, dtype=dtype)
    work = Workspace()

    def block(s: slice):
        pos = work.get("positions", (s.stop - s.start,), dtype) if kept is None else kept[s]
        _positions(tuple(c[s] for c in codes), shape, axes, flipped, pos)
        return (int(pos[0]), int(pos[-1])) if _increasing(pos) else None

    ends = map_row_blocks(block, n, max(1, -(-n // CHECK_BLOCK)))
    if any(e is None for e in ends) or any(a[1] >= b[0] for a, b in zip(ends, ends[1:],
                                                                        strict=False)):
        return None
    return RowLayout(axes, flipped, None if kept is None else read_only(kept))


def find_layout(coded: CodedPanel) -> RowLayout | None:
    """The :class:`RowLayout` of ``coded``'s rows, or None when they walk no permuted cube
    (or already walk the cube itself in order, which needs no copy at all)."""
    if coded.in_cube_order:
        return None
    shape = coded.shape
    n = len(coded.y)
    sample = np.unique(np.concatenate([np.arange(min(n, SAMPLE)),
                                       np.linspace(0, n - 1, min(n, SAMPLE)).astype(np.int64)]))
    few = tuple(c[sample] for c in (coded.y, coded.r, coded.i))
    for axes in itertools.permutations(range(3)):
        for flipped in itertools.product((False, True), repeat=3):
            if any(f and shape[a] == 1 for a, f in enumerate(flipped)):
                continue  # a single-code axis has no direction
            if not _increasing(_positions(few, shape, axes, flipped,
                                          np.empty(len(sample), dtype=np.int64))):
                continue
            if (layout := _walk(coded, axes, flipped)) is not None:
                return layout
    return None
