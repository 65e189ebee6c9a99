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


class OutputFolderError(OSError):
    """An output folder cannot be used: it is a file, or it cannot be created or written."""


def ensure_writable_dir(path: str | Path, *, option: str = "--out") -> Path:
    """Create ``path`` if needed and check that files can be written in it; return it.

    Raises :class:`OutputFolderError` with one line that names the problem and the fix: the
    path (or one of its parents) is a file, or the folder cannot be created or written.
    """
    import os
    import tempfile

    path = Path(path)
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            where = "is" if parent == path else f"is inside {parent}, which is"
            raise OutputFolderError(
                f"{option} {path} {where} a file, not a folder: pass the path of a folder "
                "(it is created if missing)"
            )
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputFolderError(
            f"{option} {path} cannot be written ({reason}): pass a folder you can write to, "
            "or fix its permissions"
        ) from exc
    if not os.access(path, os.W_OK):  # pragma: no cover (root can write anywhere)
        raise OutputFolderError(f"{option} {path} is not writable: pass a folder you can write to")
    return path
