"""Per-thread temporaries of one call, reused from year to year."""

from __future__ import annotations

import threading

import numpy as np


class Workspace:
    """Temporaries of one call, kept per thread and reused from year to year.

    A year's matrices (a few MB each on a large panel) are above the allocator's threshold
    for fresh memory, so making them anew every year would page-fault fresh memory every
    year (slow on virtual machines). :meth:`get` hands each thread its own buffer per
    name, touched once; everything is freed with the workspace at the end of the call.
    The contents are whatever the last year left: write before reading.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, name: str, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
        store = self._local.__dict__
        key = (name, np.dtype(dtype).str)
        size = int(np.prod(shape))
        buf = store.get(key)
        if buf is None or len(buf) < size:
            buf = store[key] = np.empty(size, dtype=dtype)
        return buf[:size].reshape(shape)


def buffer(work: Workspace | None, name: str, shape: tuple[int, ...], dtype=np.float64,
           ) -> np.ndarray:
    """``work``'s buffer ``name``, or a new array without a workspace."""
    return np.empty(shape, dtype=dtype) if work is None else work.get(name, shape, dtype)
