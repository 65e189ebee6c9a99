"""Atomic writes of outputs: a file is either the old one or the complete new one."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from emerging.io.cache import atomic_write_bytes


def write_parquet(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as Parquet through a temporary file and a rename; return the path.

    Statistics are off and compression fixed, so the same frame gives the same bytes
    (re-running a build changes nothing).
    """
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    path = Path(path)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def write_text(text: str, path: str | Path) -> Path:
    """Write UTF-8 text atomically; return the path."""
    path = Path(path)
    atomic_write_bytes(path, text.encode("utf-8"))
    return path
