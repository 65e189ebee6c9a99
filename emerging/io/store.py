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


# ----------------------------------------------------------------- a folder swapped as a whole

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    import ctypes
    import os

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def _link_or_copy(src, dst) -> None:
    import os
    import shutil

    try:
        os.link(src, dst)  # same bytes, same mtime: an unchanged file stays unchanged
    except OSError:
        shutil.copy2(src, dst)


def staging_dir(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.staging"


def recover(folder: str | Path) -> None:
    """Finish or undo a swap that was interrupted (only where the exchange is unsupported)."""
    import os
    import shutil

    folder = Path(folder)
    old = folder.parent / f".{folder.name}.old"
    if not folder.exists() and old.is_dir():
        os.rename(old, folder)  # the previous complete set comes back
    elif old.is_dir():
        shutil.rmtree(old, ignore_errors=True)


def publish(folder: str | Path, files: dict[str, bytes]) -> tuple[list[Path], list[Path]]:
    """Replace the files ``files`` in ``folder`` as one set: all new or all old, never a mix.

    The new set is written into a staging folder beside ``folder`` (other entries of
    ``folder`` are carried over as hard links), then the two folders are exchanged in one
    atomic step (``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, undone by
    :func:`recover` after a crash). When every file already has the same bytes nothing is
    touched. Returns (paths of ``files``, paths whose bytes changed).
    """
    folder = Path(folder)
    recover(folder)
    paths = [folder / name for name in files]
    changed = [name for name, data in files.items() if not _same_bytes(folder / name, data)]
    if not changed:
        return paths, []
    staging = _staged(folder, files, changed)
    _swap_in(staging, folder)
    return paths, [folder / name for name in changed]


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    import hashlib

    if not path.is_file() or path.stat().st_size != len(data):
        return False
    return hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(data).digest()


def _staged(folder: Path, files: dict[str, bytes], changed: list[str]) -> Path:
    """The staging folder: the other entries of ``folder`` as hard links (or copies) and
    the ``changed`` files written and synced to disk."""
    import os
    import shutil

    staging = staging_dir(folder)
    shutil.rmtree(staging, ignore_errors=True)  # left by a build that was killed
    staging.mkdir(parents=True)
    if folder.is_dir():
        for entry in folder.iterdir():
            target = staging / entry.name
            if entry.name in files and entry.name in changed:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(entry, target)
    umask = os.umask(0)
    os.umask(umask)
    for name in changed:
        path = staging / name
        with open(path, "wb") as fh:
            fh.write(files[name])
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(path, 0o666 & ~umask)
    fd = os.open(staging, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return staging


def _swap_in(staging: Path, folder: Path) -> None:
    """Put ``staging`` in the place of ``folder`` in one step where the system allows."""
    import os
    import shutil

    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, folder)
    elif _exchange(staging, folder):
        shutil.rmtree(staging)  # now holds the previous set
    else:  # pragma: no cover (file systems without RENAME_EXCHANGE)
        old = folder.parent / f".{folder.name}.old"
        os.rename(folder, old)
        os.rename(staging, folder)
        shutil.rmtree(old)
