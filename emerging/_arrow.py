"""Zero-copy access to the Arrow buffers of a polars column (the Arrow C stream interface).

Polars exports a column through ``__arrow_c_stream__`` (a PyCapsule) without copying; the
structures read here are the stable C ABI of the Arrow C data interface
(https://arrow.apache.org/docs/format/CDataInterface.html), so no pyarrow import is needed.
:func:`buffer_print` says where a column's data lives (for :mod:`emerging._memo`);
:func:`with_string_views` reads a String column's views (for the run detection of
:mod:`emerging._engine`).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import numpy as np
import polars as pl

T = TypeVar("T")


class _ArrowSchema(ctypes.Structure):
    pass


class _ArrowArray(ctypes.Structure):
    pass


_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowSchema))),
    ("dictionary", ctypes.POINTER(_ArrowSchema)),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowSchema))),
    ("private_data", ctypes.c_void_p),
]
_ArrowArray._fields_ = [
    ("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowArray))),
    ("dictionary", ctypes.POINTER(_ArrowArray)),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArray))),
    ("private_data", ctypes.c_void_p),
]


class _ArrowArrayStream(ctypes.Structure):
    pass


_ArrowArrayStream._fields_ = [
    ("get_schema", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream),
                                    ctypes.POINTER(_ArrowSchema))),
    ("get_next", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream),
                                  ctypes.POINTER(_ArrowArray))),
    ("get_last_error", ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.POINTER(_ArrowArrayStream))),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArrayStream))),
    ("private_data", ctypes.c_void_p),
]

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _array_print(array: _ArrowArray, schema: _ArrowSchema) -> tuple:
    """Length, offset, null count and buffer addresses of an exported array, with its
    children's. The last buffer of a view layout (``vu``, ``vz``) lists the sizes of the
    data buffers: the exporter allocates it on each export, so it is left out."""
    n = array.n_buffers - (1 if schema.format in (b"vu", b"vz") else 0)
    return (array.length, array.offset, array.null_count,
            tuple(array.buffers[k] or 0 for k in range(n)),
            tuple(_array_print(array.children[k][0], schema.children[k][0])
                  for k in range(array.n_children)),
            _array_print(array.dictionary[0], schema.dictionary[0])
            if array.dictionary else None)


@contextmanager
def _exported(series: pl.Series) -> Iterator[tuple[_ArrowSchema, Iterator[_ArrowArray]]]:
    """The schema and the chunks of a column's Arrow C stream export (zero-copy). Every
    chunk read stays valid, its buffers included, until the block ends; then all are
    released."""
    capsule = series.__arrow_c_stream__()  # kept alive until the block ends
    stream = _ArrowArrayStream.from_address(_capsule_pointer(capsule, b"arrow_array_stream"))
    pointer = ctypes.pointer(stream)
    schema = _ArrowSchema()
    if stream.get_schema(pointer, ctypes.byref(schema)):
        raise RuntimeError("the Arrow export of a column failed (schema)")
    arrays: list[_ArrowArray] = []

    def chunks() -> Iterator[_ArrowArray]:
        while True:
            array = _ArrowArray()
            if stream.get_next(pointer, ctypes.byref(array)):
                raise RuntimeError("the Arrow export of a column failed (array)")
            if not array.release:  # end of the stream
                return
            arrays.append(array)
            yield array

    try:
        yield schema, chunks()
    finally:
        for array in arrays:
            array.release(ctypes.byref(array))
        schema.release(ctypes.byref(schema))


def buffer_print(series: pl.Series) -> tuple:
    """Where a column's data lives: per chunk, its buffers' addresses, offsets, lengths
    and null counts (nested children included), read zero-copy through the Arrow C stream
    interface. Two prints are equal only if both columns are made of the same buffers."""
    with _exported(series) as (schema, arrays):
        return (schema.format, tuple(_array_print(array, schema) for array in arrays))


def with_string_views(series: pl.Series, fn: Callable[[list[np.ndarray]], T]) -> T | None:
    """``fn`` called with the views of a String column, one ``(length, 2)`` uint64 array
    per chunk (zero-copy, valid only during the call), or None when the column is not
    exported in the view layout (``vu``).

    A view is 16 bytes: the length, then a string of up to 12 bytes inline, else its first
    4 bytes, buffer and offset. Two equal views of one chunk are two equal strings (the
    same bytes inline, or the same place in the same buffer); equal strings may have
    different views (a long string stored twice, or padding the exporter left as it was),
    so a comparison of views finds every change of value, and possibly more.
    """
    with _exported(series) as (schema, arrays):
        if schema.format != b"vu":
            return None
        views = []
        for array in arrays:  # released after fn: their buffers stay valid until then
            if array.length:
                address = array.buffers[1] + array.offset * 16
                raw = (ctypes.c_uint64 * (2 * array.length)).from_address(address)
                views.append(np.frombuffer(raw, dtype=np.uint64).reshape(-1, 2))
        return fn(views)
