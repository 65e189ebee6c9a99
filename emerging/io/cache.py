"""Downloads with a cache: timeouts, retries, a progress bar, atomic writes and a sidecar.

Every downloaded file ``data/raw/<name>`` gets a sidecar ``<name>.source.json`` with the URL,
the UTC time of the download and the file's sha256, so that a processed table can always
be traced to the bytes it was made from. With no network the download fails fast with a
message that says where to put a manually downloaded copy; a file already in the cache is
used as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_RAW_DIR = Path("data/raw")
USER_AGENT = "emerging (regional economics toolkit; https://pypi.org/project/emerging)"


class OfflineError(ConnectionError):
    """The source could not be reached and no cached copy exists."""


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (no half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".source.json")


def write_sidecar(path: Path, url: str) -> dict:
    """Write ``<file>.source.json`` with url, download time and sha256; return its content."""
    meta = {
        "url": url,
        "downloaded_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
    }
    atomic_write_bytes(sidecar_path(path), json.dumps(meta, indent=2).encode())
    return meta


def _stream(url: str, timeout: float, progress: Callable[[int, int | None], None] | None) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        total = response.headers.get("Content-Length")
        total = int(total) if total else None
        chunks, done = [], 0
        while block := response.read(1 << 16):
            chunks.append(block)
            done += len(block)
            if progress:
                progress(done, total)
    return b"".join(chunks)


def fetch(
    url: str,
    path: Path,
    *,
    refresh: bool = False,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 2.0,
    show_progress: bool = True,
) -> Path:
    """Download ``url`` to ``path`` unless it is cached; return the path.

    Parameters
    ----------
    url
        Address to download.
    path
        Destination (usually under ``data/raw/``). If it exists and ``refresh`` is False it is
        used as it is, which is also how a manually downloaded file gets used.
    timeout
        Seconds to wait for the server on each attempt.
    retries
        Attempts on a server error or timeout; waits ``backoff ** attempt`` seconds between.
        A failure to resolve the host (no network) fails at once.

    Raises
    ------
    OfflineError
        No network or server unreachable, with the path where a manual copy should go.
    """
    path = Path(path)
    if path.exists() and not refresh:
        return path
    progress = _progress_bar(path.name) if show_progress else None
    last: Exception | None = None
    for attempt in range(retries):
        try:
            with progress or _nullcontext() as bar:
                data = _stream(url, timeout, bar)
            atomic_write_bytes(path, data)
            write_sidecar(path, url)
            return path
        except urllib.error.HTTPError as exc:  # the server answered: retry only 5xx and 429
            last = exc
            if exc.code < 500 and exc.code != 429:
                raise OfflineError(
                    f"{url} answered HTTP {exc.code} ({exc.reason}). Check the dataset code and "
                    "filters; or download the file by hand and save it as "
                    f"{path.resolve()}"
                ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            last = exc
            reason = getattr(exc, "reason", exc)
            if (
                isinstance(reason, OSError)
                and "Name or service not known" in str(reason)
                or ("Temporary failure in name resolution" in str(reason))
            ):
                break  # no network: do not wait through retries
        if attempt + 1 < retries:
            time.sleep(backoff**attempt)
    raise OfflineError(
        f"could not download {url} ({last}). If this machine is offline, download the file "
        f"in a browser and save it as {path.resolve()}; it will then be used as it is."
    )


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _progress_bar:
    """A rich progress bar as a context manager that is also the progress callback."""

    def __init__(self, name: str):
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        self._progress = Progress(
            *Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(), transient=True
        )
        self._task = self._progress.add_task(f"downloading {name}", total=None)

    def __enter__(self):
        self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self._progress.__exit__(*exc)

    def __call__(self, done: int, total: int | None) -> None:
        self._progress.update(self._task, completed=done, total=total)
