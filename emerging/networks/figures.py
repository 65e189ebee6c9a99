"""Figures of co-operation networks: a network drawing and a flow map on region centroids.

matplotlib is imported inside the functions; both return the Axes and never show a window.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from emerging.networks._common import check_option, one_slice
from emerging.networks.positions import node_positions

LayoutKind = Literal["spring", "map"]


def _scale(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    top = values.max() if values.size else 0.0
    return lo + (hi - lo) * (values / top if top > 0 else np.zeros_like(values))


def _strengths(edges: pl.DataFrame) -> pl.DataFrame:
    return (
        pl.concat(
            [
                edges.select(pl.col("source").alias("node"), "weight"),
                edges.select(pl.col("target").alias("node"), "weight"),
            ]
        )
        .group_by("node")
        .agg(pl.col("weight").sum().alias("strength"))
        .sort("node")
    )


def _prepare(edges, top_edges: int | None) -> pl.DataFrame:
    frame = one_slice(edges)
    frame = frame.filter(pl.col("source") != pl.col("target"))
    if top_edges is not None:
        frame = frame.sort("weight", descending=True).head(top_edges)
    return frame


def draw_network(
    edges: pl.DataFrame | pl.LazyFrame,
    *,
    ax=None,
    layout: LayoutKind = "spring",
    geometry=None,
    top_edges: int | None = 300,
    labels: bool = True,
    seed: int = 0,
    node_size: tuple[float, float] = (15, 600),
):
    """Draw a region or country network: node size by strength, edge width by weight.

    Parameters
    ----------
    edges
        One slice of an Edges frame.
    layout
        ``"spring"`` (force-directed, networkx, weight-attracted) or ``"map"`` (centroids of
        ``geometry`` when given, else Central Europe tile-grid positions).
    top_edges
        Draw only the heaviest edges (``None`` draws all); strengths use the drawn edges.
    labels
        Write node codes.
    node_size
        Marker area (points squared) of the weakest and the strongest node.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    check_option("layout", layout, LayoutKind)
    frame = _prepare(edges, top_edges)
    nodes = _strengths(frame)
    if layout == "spring":
        import networkx as nx

        graph = nx.Graph()
        graph.add_weighted_edges_from(frame.select("source", "target", "weight").iter_rows())
        pos = nx.spring_layout(graph, weight="weight", seed=seed)
        xy = pl.DataFrame(
            {
                "node": list(pos),
                "x": [p[0] for p in pos.values()],
                "y": [p[1] for p in pos.values()],
            }
        )
    else:
        xy = node_positions(nodes["node"], geometry=geometry)
        missing = xy.filter(pl.col("x").is_null())["node"].to_list()
        if len(missing) == xy.height:
            raise ValueError("no node has a map position; pass geometry= or use layout='spring'")
        xy = xy.drop_nulls("x")
    nodes = nodes.join(xy, on="node")
    coords = dict(
        zip(
            nodes["node"].to_list(),
            zip(nodes["x"].to_list(), nodes["y"].to_list(), strict=True),
            strict=True,
        )
    )
    drawn = frame.filter(
        pl.col("source").is_in(list(coords)) & pl.col("target").is_in(list(coords))
    )
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    segments = [(coords[s], coords[t]) for s, t in drawn.select("source", "target").iter_rows()]
    ax.add_collection(
        LineCollection(
            segments,
            linewidths=_scale(drawn["weight"], 0.3, 6.0),
            colors="#4c72b0",
            alpha=0.45,
            zorder=1,
        )
    )
    ax.scatter(
        nodes["x"],
        nodes["y"],
        s=_scale(nodes["strength"], *node_size),
        color="#dd8452",
        edgecolors="white",
        linewidths=0.8,
        zorder=2,
    )
    if labels:
        for name, x, y in nodes.select("node", "x", "y").iter_rows():
            ax.annotate(name, (x, y), fontsize=7, ha="center", va="center", zorder=3)
    ax.autoscale_view()
    ax.set_axis_off()
    ax.set_title("Co-operation network (node size: strength; line width: tie weight)", fontsize=9)
    return ax


def flow_map(
    edges: pl.DataFrame | pl.LazyFrame,
    *,
    geometry=None,
    ax=None,
    top_edges: int | None = 200,
    labels: bool = False,
):
    """Flow map of ties on region centroids (GISCO geometry in EPSG:3035 or the tile grid).

    With ``geometry`` (a GeoDataFrame of the Geometries contract) the region outlines are
    drawn in grey and the ties join their centroids; without it the ties join tile-grid
    positions and every tile is drawn as a square. Line width is proportional to the tie
    weight. Nodes without a position are left out and named in the title.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from emerging.codes.nuts import central_europe_table

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    if geometry is not None:
        geo = geometry
        if geo.crs is not None and geo.crs.to_epsg() != 3035:
            geo = geo.to_crs(3035)
        geo = geo.assign(geometry=geo.geometry.scale(1e-3, 1e-3, origin=(0, 0)))  # metres -> km
        geo.plot(ax=ax, color="#eeeeee", edgecolor="#bbbbbb", linewidth=0.4)
    else:
        tiles = central_europe_table()
        for col, row in tiles.select("tile_col", "tile_row").iter_rows():
            ax.add_patch(
                Rectangle((col * 100 - 48, -row * 100 - 48), 96, 96, color="#eeeeee", zorder=0)
            )
    ax = draw_network(
        edges,
        ax=ax,
        layout="map",
        geometry=geometry,
        top_edges=top_edges,
        labels=labels,
        node_size=(8, 250),
    )
    ax.set_aspect("equal")
    ax.set_title("Co-operation flows (line width: tie weight)", fontsize=9)
    return ax
