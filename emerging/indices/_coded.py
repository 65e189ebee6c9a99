"""Column helpers of the indices, and the engine's names they use.

The coded-panel engine itself is :mod:`emerging._engine` (one axis order, the policy for
absent rows, the cache) and the reference economy with the one LQ formula is
:mod:`emerging._reference`; this module re-exports the engine names the indices and
relatedness import, and holds the helpers that turn arrays into frame columns.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import polars as pl

from emerging._checks import check_fraction, check_option  # noqa: F401  (re-exported for this subpackage)
from emerging._engine import (  # noqa: F401  (re-exported for the indices and relatedness)
    ROW_BLOCK,
    CodedPanel,
    _hashed_codes,  # noqa: F401  (tests compare the fast paths with it)
    dense_codes,
    map_row_blocks,
    map_years,
    single_threaded_blas,
    stack_years,
)


def float_column(name: str, values: np.ndarray) -> pl.Series:
    """Float64 column with NaN turned into null (never inf: callers mask divisions)."""
    return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)


def reason_column(name: str, codes: np.ndarray, labels: tuple[str, ...]) -> pl.Series:
    """String column from small integer codes (0 = null, k = ``labels[k - 1]``).

    A polars ``String`` column is an Arrow string *view* array: 16 bytes per row (the
    length and the string itself when it is at most 12 bytes, else its first 4 bytes and
    where it sits in a shared data buffer). The views of the few labels are built once
    and gathered by the codes (one pass of 16-byte copies), and the array is handed to
    polars without a copy; gathering from a polars table of the labels instead costs
    several times more (time and memory) on millions of rows."""
    if not codes.any():
        return pl.Series(name, [None], dtype=pl.String).extend_constant(None, len(codes) - 1)
    if sys.byteorder != "little":  # the view layout below is little-endian
        table = pl.Series(name, [None, *labels], dtype=pl.String)
        return table.gather(codes.astype(np.uint32)).alias(name)
    import pyarrow as pa  # a dependency; imported here to keep `import emerging` quick

    views, data = _label_views(labels)
    rows = np.empty(len(codes), dtype=views.dtype)

    def block(part: slice) -> None:  # small blocks: the codes become intp block by block
        np.take(views, index_into("codes", codes[part]), out=rows[part], mode="clip")

    map_row_blocks(block, len(codes), -(-len(codes) // ROW_BLOCK))
    valid = None if codes.all() else pa.py_buffer(np.packbits(codes != 0, bitorder="little"))
    array = pa.Array.from_buffers(pa.string_view(), len(codes),
                                  [valid, pa.py_buffer(rows), pa.py_buffer(data)])
    return pl.Series(name, pl.from_arrow(array), dtype=pl.String)


def _label_views(labels: tuple[str, ...]) -> tuple[np.ndarray, bytes]:
    """Arrow string views of ``None`` and ``labels`` (one 16-byte element each) and the
    data buffer holding the labels longer than 12 bytes."""
    views = np.zeros((len(labels) + 1, 16), dtype=np.uint8)
    data = bytearray()
    for k, label in enumerate(labels, start=1):
        text = label.encode()
        views[k, :4] = np.frombuffer(np.uint32(len(text)).tobytes(), dtype=np.uint8)
        if len(text) <= 12:  # inline: the bytes themselves, zero-padded
            views[k, 4:4 + len(text)] = np.frombuffer(text, dtype=np.uint8)
        else:  # prefix, buffer 0, offset into it
            views[k, 4:8] = np.frombuffer(text[:4], dtype=np.uint8)
            views[k, 12:] = np.frombuffer(np.uint32(len(data)).tobytes(), dtype=np.uint8)
            data += text
    return views.view(np.dtype((np.void, 16))).reshape(-1), bytes(data)


_SCRATCH = threading.local()


def scratch(name: str, n: int, dtype=np.float64) -> np.ndarray:
    """A buffer of ``n`` elements for temporaries of a row block, kept per thread and
    reused by every block that thread computes.

    A row block's temporaries (a quarter of a MiB each) are above the allocator's
    threshold for fresh memory, so allocating them block after block would page-fault
    fresh memory every time (slow on virtual machines); one buffer per name and thread
    is touched once. The contents are whatever the last block left: write before reading.
    """
    store = _SCRATCH.__dict__
    key = (name, np.dtype(dtype).str)
    buf = store.get(key)
    if buf is None or len(buf) < n:
        buf = store[key] = np.empty(max(n, ROW_BLOCK), dtype=dtype)
    return buf[:n]


def gather_into(name: str, table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``table[index]`` written into the :func:`scratch` buffer ``name`` (indices must be
    valid: no bounds check beyond clipping)."""
    return np.take(table, index, out=scratch(name, len(index), table.dtype), mode="clip")


def flat_index_into(name: str, major: np.ndarray, size: int, minor: np.ndarray) -> np.ndarray:
    """``major * size + minor`` of a row block (e.g. the ``(year, industry)`` index from
    the codes ``y`` and ``i``) as ``intp`` in the :func:`scratch` buffer ``name``: the
    index into a small table without a row-length index array."""
    out = index_into(name, major)
    out *= size
    out += minor
    return out


def index_into(name: str, codes: np.ndarray) -> np.ndarray:
    """Integer codes of a row block as ``intp`` in the :func:`scratch` buffer ``name``."""
    out = scratch(name, len(codes), np.intp)
    np.copyto(out, codes, casting="safe")
    return out
