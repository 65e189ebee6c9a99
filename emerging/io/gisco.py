"""NUTS region geometries from the GISCO distribution (GeoJSON), as the Geometries contract.

GISCO, the geographic information service of Eurostat, publishes the NUTS regions as files
named ``NUTS_<RG|BN|LB>_<scale>_<year>_<EPSG>_LEVL_<level>.geojson`` (``RG`` region polygons;
scales ``01M`` ... ``60M``, i.e. 1:1 million to 1:60 million; EPSG 4326, 3035 or 3857) at
https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/. This module reads the region
polygons from a local folder, from the download cache, or downloads them with
:func:`emerging.io.cache.fetch`, and returns the Geometries contract:

=========== ========= =====================================================================
column      dtype     meaning
=========== ========= =====================================================================
``region``  str       NUTS code (``NUTS_ID``)
``level``   int       NUTS level 0-3 (``LEVL_CODE``)
``name``    str       Latin-script name (``NAME_LATN``; the 2016 files have only
                      ``NUTS_NAME``, the name in the national language, used instead)
``country`` str       ``CNTR_CODE`` (``EL`` for Greece, ``UK``)
``geometry``          polygons in EPSG:3035 (ETRS89 Lambert azimuthal equal area, metres)
=========== ========= =====================================================================

Attribution required when the geometry is shown: "© EuroGeographics for the administrative
boundaries".
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from emerging.io.cache import DEFAULT_RAW_DIR, fetch

GISCO_URL = "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/"
TARGET_CRS = "EPSG:3035"
ATTRIBUTION = "© EuroGeographics for the administrative boundaries"

Scale = Literal["01M", "03M", "10M", "20M", "60M"]
SCALES = ("01M", "03M", "10M", "20M", "60M")
Epsg = Literal[4326, 3035, 3857]
EPSGS = (4326, 3035, 3857)
NUTS_YEARS = (2003, 2006, 2010, 2013, 2016, 2021, 2024)
_NAME = re.compile(r"^NUTS_RG_(\d\dM)_(\d{4})_(\d{4})_LEVL_([0-3])\.geojson$")


class GeometryFormatError(ValueError):
    """A file does not look like a GISCO NUTS region file."""


def gisco_file_name(
    *, level: int, year: int = 2021, scale: Scale = "20M", epsg: Epsg = 3035
) -> str:
    """The GISCO file name, e.g. ``NUTS_RG_20M_2021_3035_LEVL_2.geojson``."""
    _check(level=level, year=year, scale=scale, epsg=epsg)
    return f"NUTS_RG_{scale}_{year}_{epsg}_LEVL_{level}.geojson"


def _check(*, level: int, year: int, scale: str, epsg: int) -> None:
    if level not in (0, 1, 2, 3):
        raise ValueError(f"level must be one of (0, 1, 2, 3); got {level!r}")
    if year not in NUTS_YEARS:
        raise ValueError(f"year must be one of {NUTS_YEARS} (NUTS versions); got {year!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    if epsg not in EPSGS:
        raise ValueError(f"epsg must be one of {EPSGS}; got {epsg!r}")


#: Environment variable naming a folder of GISCO files (searched with its sub-folders).
GEO_DIR_ENV = "EMERGING_GEO_DIR"
_PREFERRED_SCALES = ("20M", "60M", "10M", "03M", "01M")


def geo_dirs(folder: str | Path | None = None) -> list[Path]:
    """Local folders searched for NUTS geometries, in order.

    ``folder`` (if given), the folder named by ``$EMERGING_GEO_DIR``, then the project's shared
    data, ``../shared/data/geo``, relative to the repository and to the working directory.
    Only existing folders are returned.
    """
    repo = Path(__file__).resolve().parents[2]
    candidates = [
        Path(folder) if folder is not None else None,
        Path(os.environ[GEO_DIR_ENV]) if os.environ.get(GEO_DIR_ENV) else None,
        repo.parent / "shared" / "data" / "geo",
        Path.cwd().parent / "shared" / "data" / "geo",
    ]
    seen, out = set(), []
    for path in candidates:
        if path is not None and path.is_dir() and path.resolve() not in seen:
            seen.add(path.resolve())
            out.append(path)
    return out


def _local_names(level: int, year: int, scale: str) -> list[tuple[str, bool]]:
    """File names (lower-case) for one level, version and scale; True when the file holds all levels."""
    epsgs = (3035, 4326, 3857)  # no reprojection first
    names = [(gisco_file_name(level=level, year=year, scale=scale, epsg=e).lower(), False) for e in epsgs]
    names += [(f"nuts_rg_{scale}_{year}_{e}.geojson".lower(), True) for e in epsgs]
    names.append((f"nuts_rg_{scale}_{year}_lvl_{level}.geojson".lower(), False))  # shapefile conversions
    return names


def _find_local(dirs: list[Path], level: int, year: int, scales: tuple[str, ...]) -> tuple[Path, bool] | None:
    for d in dirs:  # an earlier folder wins over a later one, whatever the scale
        files = {path.name.lower(): path for path in sorted(d.rglob("*.geojson"), reverse=True)}
        for scale in scales:
            for name, all_levels in _local_names(level, year, scale):
                if name in files:
                    return files[name], all_levels
    return None


def load_nuts(
    *,
    level: int = 2,
    year: int = 2021,
    scale: Scale | None = None,
    folder: str | Path | None = None,
    cache_dir: str | Path = DEFAULT_RAW_DIR / "gisco",
    download: bool = True,
):
    """NUTS region polygons of one level and version, in EPSG:3035.

    Looks for a local file first, then downloads. Local places, in order: ``folder`` (if
    given), the folder in ``$EMERGING_GEO_DIR``, the shared data folder ``../shared/data/geo``
    (relative to the repository and to the working directory) and ``cache_dir``, each with its
    sub-folders. Files are recognised by their GISCO names (``NUTS_RG_60M_2021_3035_LEVL_2.geojson``,
    any EPSG, reprojected), GISCO's all-levels files (``NUTS_RG_20M_2024_4326.geojson``,
    filtered on ``LEVL_CODE``) and the shapefile conversions of NUTS 2010/2013
    (``nuts_rg_60M_2013_lvl_2.geojson``, names taken from the NUTS tables). When nothing is
    local and ``download`` is True, the EPSG:3035 file is downloaded from GISCO into
    ``cache_dir`` (with a ``.source.json`` sidecar: URL, time, sha256).

    Parameters
    ----------
    level
        NUTS level 0-3.
    year
        NUTS version (2010, 2013, 2016, 2021, 2024, ...). Releases differ: the early 1:20M
        NUTS 2021 file has 333 NUTS-2 regions, the 1:60M one 334.
    scale
        ``"60M"`` (coarse, small files; fine for Europe-wide maps) to ``"01M"`` (detailed).
        ``None`` (default): the first local scale of 20M, 60M, 10M, 03M, 01M, else a 20M
        download.
    folder
        A folder holding GISCO files (e.g. a manual download).
    cache_dir
        The download cache (``data/raw/gisco`` by default).
    download
        Download when no local copy exists; with False a missing file raises FileNotFoundError.

    Returns
    -------
    geopandas.GeoDataFrame with ``region``, ``level``, ``name``, ``country``, ``geometry``
    (EPSG:3035), sorted by region.

    Raises
    ------
    FileNotFoundError
        No local copy and ``download=False``; the message lists the folders searched.
    emerging.io.cache.OfflineError
        The download failed; the message says where to put a manually downloaded file.
    """
    _check(level=level, year=year, scale=scale or "20M", epsg=3035)
    dirs = geo_dirs(folder)
    if Path(cache_dir).is_dir():
        dirs.append(Path(cache_dir))
    found = _find_local(dirs, level, year, (scale,) if scale else _PREFERRED_SCALES)
    if found is not None:
        path, all_levels = found
        frame = read_nuts_geojson(path)
        if all_levels:
            frame = frame[frame["level"] == level].reset_index(drop=True)
        return frame
    name = gisco_file_name(level=level, year=year, scale=scale or "20M", epsg=3035)
    if not download:
        raise FileNotFoundError(
            f"no GISCO file for NUTS {year} level {level} at scale {scale or 'any'}; searched "
            f"{[str(d) for d in dirs] or 'no existing folder'} (and their sub-folders). Pass "
            f"download=True, set ${GEO_DIR_ENV} to a folder of GISCO files, or save "
            f"{GISCO_URL}{name} in {cache_dir}."
        )
    path = fetch(GISCO_URL + name, Path(cache_dir) / name)
    return read_nuts_geojson(path)


def _table_names(path: Path) -> dict[str, str]:
    """Names from the NUTS tables for a file without names (version read from the file name)."""
    from emerging.codes.nuts_versions import VERSIONS, nuts_names

    match = re.search(r"_(\d{4})_", path.name)
    version = int(match.group(1)) if match else None
    names: dict[str, str] = {}
    # the file's own version last, so that its names win; other versions fill the gaps
    for v in sorted(VERSIONS, key=lambda v: (v == version, -abs(v - (version or 2021)))):
        names.update({c: n for c, n in nuts_names(v).items() if n})
    return names


def read_nuts_geojson(path: str | Path):
    """Read one GISCO ``NUTS_RG_*`` GeoJSON file into the Geometries contract (EPSG:3035).

    The CRS is taken from the file's ``crs`` member; a file without one is taken to be in the
    EPSG of its GISCO name, and failing that WGS 84 (the GeoJSON default). Raises
    :class:`GeometryFormatError` when the NUTS properties are missing.
    """
    import geopandas as gpd

    path = Path(path)
    frame = gpd.read_file(path)
    if "LEVL_CODE" not in frame.columns and "STAT_LEVL_" in frame.columns:
        frame = frame.rename(columns={"STAT_LEVL_": "LEVL_CODE"})  # GISCO shapefile conversions
    if "NUTS_NAME" not in frame.columns and {"NUTS_ID", "LEVL_CODE"} <= set(frame.columns):
        frame["NUTS_NAME"] = frame["NUTS_ID"].map(_table_names(path)).fillna(frame["NUTS_ID"])
    needed = {"NUTS_ID", "LEVL_CODE", "NUTS_NAME"}
    if not needed <= set(frame.columns):
        raise GeometryFormatError(
            f"{path} is not a GISCO NUTS region file: properties "
            f"{sorted(needed - set(frame.columns))} "
            f"are missing (found {sorted(c for c in frame.columns if c != 'geometry')})"
        )
    if frame.crs is None:
        match = _NAME.match(path.name)
        frame = frame.set_crs(f"EPSG:{match.group(3)}" if match else "EPSG:4326")
    names = frame["NUTS_NAME"]
    if "NAME_LATN" in frame.columns:
        names = frame["NAME_LATN"].fillna(frame["NUTS_NAME"])
    out = gpd.GeoDataFrame(
        {
            "region": frame["NUTS_ID"].astype(str),
            "level": frame["LEVL_CODE"].astype(int),
            "name": names.astype(str),
            "country": frame["CNTR_CODE"].astype(str) if "CNTR_CODE" in frame.columns
            else frame["NUTS_ID"].str.slice(0, 2),
        },
        geometry=frame.geometry.values,
        crs=frame.crs,
    )
    if out.crs.to_epsg() != 3035:
        out = out.to_crs(TARGET_CRS)
    if out["region"].duplicated().any():
        dupes = sorted(out.loc[out["region"].duplicated(), "region"].unique())[:5]
        raise GeometryFormatError(
            f"{path}: NUTS_ID repeated for {dupes}; expected one feature per region"
        )
    return out.sort_values("region", ignore_index=True)


def nuts_neighbours(geometries, *, tolerance: float = 1_000.0):
    """Adjacent regions as a tidy polars frame ``region``, ``neighbour`` (both directions).

    Two regions are neighbours when their polygons come within ``tolerance`` metres of each
    other (EPSG:3035; the generalised 1:20M and 1:60M boundaries of two neighbours do not
    always touch exactly). One spatial join over all regions, no loop. Regions with no
    neighbour (islands) have no row.
    """
    import geopandas as gpd
    import polars as pl

    frame = geometries[["region", "geometry"]]
    if frame.crs is not None and frame.crs.to_epsg() != 3035:
        frame = frame.to_crs(TARGET_CRS)
    grown = gpd.GeoDataFrame(
        {"neighbour": frame["region"].to_numpy()},
        geometry=frame.geometry.buffer(tolerance / 2).values, crs=frame.crs,
    )
    near = gpd.GeoDataFrame({"region": frame["region"].to_numpy()},
                            geometry=frame.geometry.buffer(tolerance / 2).values, crs=frame.crs)
    pairs = gpd.sjoin(near, grown, predicate="intersects")
    out = pl.DataFrame({"region": pairs["region"].astype(str).to_numpy(),
                        "neighbour": pairs["neighbour"].astype(str).to_numpy()})
    return out.filter(pl.col("region") != pl.col("neighbour")).unique().sort("region", "neighbour")
