"""Geometry helpers for the maps: map area, extent, overseas cropping, older NUTS versions.

All geometry is in EPSG:3035 (ETRS89 Lambert azimuthal equal area, metres), the projection
Eurostat uses for maps of Europe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import polars as pl

from emerging.codes.nuts import CENTRAL_EUROPE_2014_2020, central_europe_2021_2027

#: Mainland Europe with Iceland, Cyprus, Malta and the Turkish mainland, in EPSG:3035 metres
#: (xmin, ymin, xmax, ymax). Regions whose representative point lies outside are "overseas"
#: (the French outermost regions, the Canaries, Azores, Madeira) and are cropped.
EUROPE_BOX = (2_400_000.0, 1_300_000.0, 7_500_000.0, 5_500_000.0)

Area = Literal["central_europe", "data", "all"]
AREAS = ("central_europe", "data", "all")


def require_3035(geometries) -> None:
    """Raise unless ``geometries`` is a GeoDataFrame in EPSG:3035 with a ``region`` column."""
    crs = getattr(geometries, "crs", None)
    if crs is None or crs.to_epsg() != 3035:
        raise ValueError(
            f"geometries must be in EPSG:3035; got {crs}. Load them with "
            "emerging.io.gisco.load_nuts(...), or call .to_crs('EPSG:3035') first"
        )
    if "region" not in geometries.columns:
        raise ValueError(
            f"geometries need a 'region' column (the Geometries contract); found "
            f"{list(geometries.columns)}"
        )


def _area_nuts2() -> frozenset[str]:
    """Programme-area NUTS-2 codes in every NUTS version a map may use: the 2021 codes plus
    the 2013/2016 codes of the same territory (e.g. HR04 before its 2021 split, HU10, PL12).
    Old codes do not occur in newer geometries, so the union selects the same territory."""
    return central_europe_2021_2027() | CENTRAL_EUROPE_2014_2020


def central_europe_codes(level: int) -> frozenset[str]:
    """Codes of the programme area at NUTS ``level``: the NUTS-2 set, its parents or prefixes.

    Level 3 regions are selected by prefix (their NUTS-2 parent is in the area); see
    :func:`in_central_europe`.
    """
    nuts2 = _area_nuts2()
    if level <= 2:
        return frozenset(code[: level + 2] for code in nuts2)
    raise ValueError("level-3 codes are selected by prefix: use in_central_europe(codes, 3)")


def in_central_europe(codes: pl.Series | Iterable[str], level: int) -> np.ndarray:
    """Boolean mask: is each code in the programme area (by its NUTS-2 ancestor)?

    For levels 0 and 1 a code is in the area when any programme-area NUTS-2 region lies in it
    (so all of Germany and Italy count at level 0).
    """
    series = codes if isinstance(codes, pl.Series) else pl.Series("region", list(codes))
    if level <= 2:
        return series.is_in(sorted(central_europe_codes(level))).to_numpy()
    return series.str.slice(0, 4).is_in(sorted(_area_nuts2())).to_numpy()


def overseas_mask(geometries) -> np.ndarray:
    """True for regions whose representative point lies outside :data:`EUROPE_BOX`."""
    points = geometries.geometry.representative_point()
    x, y = points.x.to_numpy(), points.y.to_numpy()
    xmin, ymin, xmax, ymax = EUROPE_BOX
    return ~((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))


def padded_extent(geometries, pad: float = 0.04) -> tuple[float, float, float, float]:
    """Bounds of ``geometries`` widened by ``pad`` of the larger side on every side."""
    xmin, ymin, xmax, ymax = geometries.total_bounds
    margin = pad * max(xmax - xmin, ymax - ymin)
    return (xmin - margin, ymin - margin, xmax + margin, ymax + margin)


def dissolve_to_old_codes(
    geometries,
    crosswalk: pl.DataFrame,
    *,
    old_col: str = "old_code",
    new_col: str = "new_code",
    codes: Iterable[str] | None = None,
):
    """Polygons for regions of an older NUTS version, made by dissolving current polygons.

    Data in NUTS 2010/2013 codes (e.g. ``PL12`` Mazowieckie, split in NUTS 2016 into ``PL91``
    and ``PL92``; ``HU10`` Közép-Magyarország, split into ``HU11`` and ``HU12``) is drawn on
    NUTS 2016/2021 polygons by uniting, for every old code, the current polygons it maps to.

    Parameters
    ----------
    geometries
        Current polygons (Geometries contract, EPSG:3035).
    crosswalk
        One row per (old code, current code) pair sharing territory: ``old_col``, ``new_col``.
        A pure rename is one row (``SI01`` -> ``SI03``). An old code that maps to several
        current codes gets their union. Two old codes that map to the same current code (a
        merge, or a boundary change) cannot be told apart on current polygons: their shared
        polygon is given to both and the result's ``shared`` column says so.
    codes
        Old codes to build (default: all old codes in ``crosswalk``).

    Returns
    -------
    GeoDataFrame: the input regions that no old code replaces, plus one row per old code with
    ``region`` = the old code, ``name`` = the current names joined with " + ", ``shared``
    (bool) and ``nuts_source`` (the current codes used). Old codes whose current codes are
    all missing from ``geometries`` raise a ValueError naming them.
    """
    import geopandas as gpd

    require_3035(geometries)
    for col in (old_col, new_col):
        if col not in crosswalk.columns:
            raise ValueError(
                f"crosswalk needs columns {old_col!r} and {new_col!r}; found {crosswalk.columns}"
            )
    pairs = crosswalk.select(pl.col(old_col).alias("old"), pl.col(new_col).alias("new")).unique()
    if codes is not None:
        pairs = pairs.filter(pl.col("old").is_in(sorted(set(codes))))
    pairs = pairs.filter(pl.col("old") != pl.col("new")).with_columns(
        (pl.col("old").n_unique().over("new") > 1).alias("shared")
    )
    have = set(geometries["region"])
    known = pairs.filter(pl.col("new").is_in(sorted(have)))
    lost = sorted(set(pairs["old"]) - set(known["old"]))
    if lost:
        raise ValueError(
            f"no current polygon for old code(s) {lost[:5]}: their crosswalk targets are not in "
            "the geometries (use geometries of the crosswalk's target version and level)"
        )
    if known.height == 0:
        return geometries.assign(shared=False, nuts_source=geometries["region"])
    links = known.to_pandas()
    parts = geometries.merge(links, left_on="region", right_on="new")
    dissolved = parts.dissolve(
        by="old", aggfunc={"name": " + ".join, "shared": "max", "new": "+".join,
                           "level": "first", "country": "first"}
    ).reset_index()
    dissolved = dissolved.rename(columns={"old": "region", "new": "nuts_source"})
    untouched = geometries.loc[~geometries["region"].isin(set(known["new"]))].assign(
        shared=False, nuts_source=lambda g: g["region"]
    )
    keep = ["region", "level", "name", "country", "shared", "nuts_source", "geometry"]
    out = gpd.GeoDataFrame(
        _concat([untouched[keep], dissolved[keep]]), geometry="geometry", crs=geometries.crs
    )
    return out.sort_values("region", ignore_index=True)


def split_crosswalk(harmonised) -> pl.DataFrame:
    """``old_code``, ``new_code`` pairs for the units a harmonisation kept in their old code.

    ``harmonised`` is the result of ``emerging.codes.harmonise.harmonise(panel, to=...,
    splits="aggregate")`` (or its ``report`` frame): units split in the target version
    (status ``split_aggregated``, several ``targets`` such as ``"PL91, PL92"``) stay in their
    old code and are drawn on the union of their current polygons.
    """
    report = getattr(harmonised, "report", harmonised)
    needed = {"code", "status", "targets"}
    if not isinstance(report, pl.DataFrame) or not needed <= set(report.columns):
        raise ValueError(
            "expected a harmonise() result or its report with columns code, status, targets"
        )
    return (
        report.filter((pl.col("status") == "split_aggregated") & pl.col("targets").str.contains(","))
        .select(old_code="code", new_code=pl.col("targets").str.split(", "))
        .explode("new_code")
    )


def _concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


def label_anchor(geom):
    """Pole of inaccessibility of the largest part of a region: a point well inside it (never
    in a hole, e.g. Praha inside Střední Čechy), used for labels and flow-map nodes."""
    from shapely.ops import polylabel

    if geom.geom_type == "Point":  # already a label point (GISCO NUTS_LB files)
        return geom
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    return polylabel(largest, tolerance=max(largest.length / 500.0, 1.0))


def geometry_path(geom):
    """A matplotlib Path (with holes) for a shapely Polygon or MultiPolygon."""
    from matplotlib.path import Path

    polygons = getattr(geom, "geoms", [geom])
    vertices, codes = [], []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            kind = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            kind[0], kind[-1] = Path.MOVETO, Path.CLOSEPOLY
            vertices.append(xy)
            codes.append(kind)
    if not vertices:
        return Path(np.zeros((0, 2)))
    return Path(np.concatenate(vertices), np.concatenate(codes))
