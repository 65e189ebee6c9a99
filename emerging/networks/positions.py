"""Where network nodes sit: region centroids from a GISCO geometry, or tile-grid positions."""

from __future__ import annotations

import polars as pl

from emerging.codes.nuts import central_europe_table

#: Tile size of the hand-placed Central Europe tile grid (regions snapped to a 100 km grid).
TILE_KM = 100.0


def tile_positions(nodes) -> pl.DataFrame:
    """Tile-grid positions in km (``node, x, y``) for NUTS or country codes.

    ``x = tile_col * 100``, ``y = -tile_row * 100`` (north up) from
    :func:`emerging.codes.nuts.central_europe_table`. NUTS-3 codes take their NUTS-2
    parent's tile; NUTS-1 and country codes the mean of their NUTS-2 tiles in the table.
    Codes outside the Central Europe table get null positions.
    """
    table = central_europe_table().select(
        "region",
        (pl.col("tile_col") * TILE_KM).cast(pl.Float64).alias("x"),
        (-pl.col("tile_row") * TILE_KM).cast(pl.Float64).alias("y"),
    )
    frame = pl.DataFrame({"node": pl.Series(list(nodes), dtype=pl.String)}).unique(
        maintain_order=True
    )
    key = (
        pl.when(pl.col("node").str.len_chars() >= 4)
        .then(pl.col("node").str.slice(0, 4))
        .otherwise(pl.col("node"))
    )
    keyed = frame.with_columns(key.alias("key"))
    matched = (
        keyed.join(table, how="cross")
        .filter(pl.col("region").str.starts_with(pl.col("key")))
        .group_by("node")
        .agg(pl.col("x").mean(), pl.col("y").mean())
    )
    return frame.join(matched, on="node", how="left")


def centroid_positions(nodes, geometry) -> pl.DataFrame:
    """Centroids in km (``node, x, y``) from a GeoDataFrame with ``region`` and ``geometry``.

    The geometry is projected to EPSG:3035 (metres, equal area) when it carries another CRS;
    the centroids are divided by 1,000. Codes not in the geometry get null positions.
    """
    if "region" not in geometry.columns:
        raise ValueError(
            "geometry must have a 'region' column (the Geometries contract); found "
            f"{list(geometry.columns)}"
        )
    geo = geometry
    if geo.crs is not None and geo.crs.to_epsg() != 3035:
        geo = geo.to_crs(3035)
    cent = geo.geometry.centroid
    table = pl.DataFrame(
        {
            "node": [str(r) for r in geo["region"]],
            "x": (cent.x / 1000).to_numpy(),
            "y": (cent.y / 1000).to_numpy(),
        }
    )
    frame = pl.DataFrame({"node": pl.Series(list(nodes), dtype=pl.String)}).unique(
        maintain_order=True
    )
    return frame.join(table.unique("node"), on="node", how="left")


def node_positions(nodes, *, geometry=None) -> pl.DataFrame:
    """``node, x, y`` in km: GISCO centroids when ``geometry`` is given, else tile grid."""
    return tile_positions(nodes) if geometry is None else centroid_positions(nodes, geometry)
