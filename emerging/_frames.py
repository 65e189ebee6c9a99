"""LazyFrame in, LazyFrame out: the one wrapper that keeps a frame function's output of the
same kind as its input."""

from __future__ import annotations

import functools

import polars as pl


def keeps_frame_kind(func):
    """Decorator for a frame function whose first argument is a DataFrame or LazyFrame.

    A LazyFrame input is collected once, the function runs on the DataFrame, and a
    DataFrame result is returned as ``.lazy()``: LazyFrame in, LazyFrame out. The whole
    computation needs the panel in memory anyway (arrays, sparse matrices), so collecting at
    the door costs nothing extra and the caller keeps a lazy pipeline.
    """

    @functools.wraps(func)
    def wrapper(frame, *args, **kwargs):
        if isinstance(frame, pl.LazyFrame):
            out = func(frame.collect(), *args, **kwargs)
            return out.lazy() if isinstance(out, pl.DataFrame) else out
        return func(frame, *args, **kwargs)

    return wrapper
