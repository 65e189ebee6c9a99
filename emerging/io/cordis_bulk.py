"""Download the official CORDIS bulk tables (zip, cached with a sha256 sidecar).

The projects bulk download of a framework programme is a zip of semicolon-separated tables
(``project.csv``, ``organization.csv`` and others; layout in ``shared/data/FORMATS.md``).
:func:`download_cordis` fetches it through :mod:`emerging.io.cache` and unpacks the two
tables that :func:`emerging.io.cordis.read_cordis` reads. Source: CORDIS, © European Union
(CC BY 4.0).
"""

from __future__ import annotations

from pathlib import Path

#: The official CORDIS bulk downloads (zip of semicolon-separated tables), by dataset name.
CORDIS_BULK: dict[str, tuple[str, str]] = {
    "cordis-h2020": (
        "https://cordis.europa.eu/data/cordis-h2020projects-csv.zip",
        "Horizon 2020 projects and participants (2014-2020)",
    ),
    "cordis-horizon": (
        "https://cordis.europa.eu/data/cordis-HORIZONprojects-csv.zip",
        "Horizon Europe projects and participants (2021-2027)",
    ),
}
CORDIS_TABLES = ("project.csv", "organization.csv")


def download_cordis(
    dataset: str,
    raw_dir: str | Path = "data/raw",
    *,
    refresh: bool = False,
    show_progress: bool = True,
    url: str | None = None,
) -> Path:
    """Download a CORDIS bulk zip (cached, with a sha256 sidecar) and unpack its tables.

    The zip goes to ``raw_dir/<dataset>-csv.zip`` with ``<zip>.source.json`` (URL, time,
    sha256); ``project.csv`` and ``organization.csv`` are unpacked to ``raw_dir/<dataset>/``
    (found by name wherever they sit in the zip), ready for :func:`read_cordis`. A cached
    zip is used as it is, after checking that its sha256 still matches the sidecar (a
    manually saved zip without a sidecar gets one). Offline, the error names the URL and the
    path to save a manual download at.

    Parameters
    ----------
    dataset
        ``"cordis-h2020"`` or ``"cordis-horizon"`` (see :data:`CORDIS_BULK`).
    url
        Another address of the same zip (a mirror, or ``file://`` for a local copy).

    Returns
    -------
    pathlib.Path
        The folder holding ``project.csv`` and ``organization.csv``.
    """
    from emerging.io.cache import fetch

    if dataset not in CORDIS_BULK:
        raise ValueError(f"unknown CORDIS dataset {dataset!r}; expected one of {list(CORDIS_BULK)}")
    raw_dir = Path(raw_dir)
    source = url or CORDIS_BULK[dataset][0]
    zip_path = raw_dir / f"{dataset}-csv.zip"
    cached = zip_path.is_file() and not refresh
    fetch(source, zip_path, refresh=refresh, show_progress=show_progress)
    _check_sidecar(zip_path, source, cached=cached)
    return _unpacked(zip_path, raw_dir / dataset, rewrite=refresh or not cached)


def _check_sidecar(zip_path: Path, source: str, *, cached: bool) -> None:
    """A cached zip must still match the sha256 of its sidecar; a zip saved by hand gets one."""
    import json

    from emerging.io.cache import sha256, sidecar_path, write_sidecar

    side = sidecar_path(zip_path)
    if cached and side.is_file():
        recorded = json.loads(side.read_text()).get("sha256")
        if recorded and recorded != sha256(zip_path):
            raise ValueError(
                f"{zip_path} no longer matches the sha256 recorded at download ({recorded[:12]}…); "
                "it was changed or truncated. Delete it (and its .source.json) or pass "
                "refresh=True to download it again."
            )
    elif not side.is_file():
        write_sidecar(zip_path, f"(saved by hand; expected from {source})")


def _unpacked(zip_path: Path, folder: Path, *, rewrite: bool) -> Path:
    """``project.csv`` and ``organization.csv`` of the zip, found by name, in ``folder``
    (written when ``rewrite`` or absent)."""
    import zipfile

    from emerging.io.cache import atomic_write_bytes

    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as err:
        raise ValueError(
            f"{zip_path} is not a zip file ({err}); delete it and download it again"
        ) from err
    with archive:
        members = {Path(m).name.lower(): m for m in archive.namelist() if not m.endswith("/")}
        missing = [t for t in CORDIS_TABLES if t not in members]
        if missing:
            raise ValueError(
                f"{zip_path} lacks {missing}; it holds {sorted(members)[:10]}. Is it a CORDIS "
                "projects bulk zip?"
            )
        for table in CORDIS_TABLES:
            target = folder / table
            if rewrite or not target.is_file():
                atomic_write_bytes(target, archive.read(members[table]))
    return folder
