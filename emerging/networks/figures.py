"""Network drawings: where the nodes go (a force layout, or map positions), drawn by
:func:`emerging.maps.flows.network_drawing`; the flow map itself is
:func:`emerging.maps.flow_map` (``emerging.networks.flow_map`` is its deprecated spelling).

networkx (for the force layout) is imported only here, inside the function.
"""

from __future__ import annotations

import warnings
from typing import Literal

import polars as pl

from emerging.networks._common import check_option, one_slice
from emerging.networks.positions import node_positions

LayoutKind = Literal["spring", "map"]


def _prepare(edges, top_edges: int | None) -> pl.DataFrame:
    frame = one_slice(edges)
    frame = frame.filter(pl.col("source") != pl.col("target"))
    if top_edges is not None:
        frame = frame.sort("weight", descending=True).head(top_edges)
    return frame


def layout_positions(
    edges: pl.DataFrame, *, layout: LayoutKind = "spring", geometry=None, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Node positions: a force layout or map positions (centroids of ``geometry`` in km,
    else the tile grid).

    The force layout is Kamada & Kawai's (1989) on hop distances (up to 300 nodes;
    Fruchterman-Reingold above), one connected component at a time, the components set side
    by side in rows, largest first, each scaled by the square root of its size: strong hubs then
    do not pull every node into one knot, and a small separate component does not squeeze
    the main one into a corner. Weights are shown by line width, not by distance.
    """
    check_option("layout", layout, LayoutKind)
    nodes = pl.concat([edges["source"], edges["target"]]).unique().sort()
    if layout == "spring":
        return _component_layout(edges, seed=seed)
    xy = node_positions(nodes, geometry=geometry).drop_nulls("x")
    if xy.is_empty():
        raise ValueError("no node has a map position; pass geometry= or use layout='spring'")
    return {n: (x, y) for n, x, y in xy.iter_rows()}


def _component_layout(edges: pl.DataFrame, *, seed: int) -> dict[str, tuple[float, float]]:
    import networkx as nx
    import numpy as np

    graph = nx.Graph()
    graph.add_edges_from(edges.select("source", "target").iter_rows())
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    out: dict[str, tuple[float, float]] = {}
    left, top, row_height = 0.0, 0.0, 0.0
    width = 3.0 * np.sqrt(len(parts[0])) + 4.0 if parts else 1.0  # wrap rows at this width
    for part in parts:
        sub = graph.subgraph(part)
        if len(part) == 1:
            pos = {next(iter(part)): np.zeros(2)}
        elif len(part) <= 300:
            pos = nx.kamada_kawai_layout(sub)
        else:
            pos = nx.spring_layout(sub, seed=seed)
        xy = np.array(list(pos.values()), dtype=float)
        xy = xy - xy.mean(axis=0)
        span = np.abs(xy).max() or 1.0
        radius = np.sqrt(len(part))
        xy = xy / span * radius
        xmin, part_width = xy[:, 0].min(), xy[:, 0].max() - xy[:, 0].min()
        if left > 0 and left + part_width > width:  # next row, below the tallest so far
            left, top = 0.0, top - row_height - 1.0
            row_height = 0.0
        ymax = xy[:, 1].max()
        for node, (x, y) in zip(pos, xy, strict=True):
            out[node] = (float(x - xmin + left), float(y - ymax + top))
        row_height = max(row_height, xy[:, 1].max() - xy[:, 1].min())
        left += part_width + 0.6 * radius + 0.5
    return out


def draw_network(  # noqa: PLR0913  (drawing settings; moves to maps/ with the one flow map)
    edges: pl.DataFrame | pl.LazyFrame,
    *,
    ax=None,
    layout: LayoutKind = "spring",
    geometry=None,
    top_edges: int | None = 300,
    labels: int | bool = 25,
    names: dict[str, str] | None = None,
    units: str = "tie weight",
    title: str | None = "Co-operation network",
    source: str | None = "Source: CORDIS",
    seed: int = 0,
    node_size: tuple[float, float] = (12, 420),
):
    """Draw a co-operation network: edge width by weight, node area by strength, legend,
    the strongest nodes named without overlaps, source line.

    Parameters
    ----------
    edges
        One slice of an Edges frame.
    layout
        ``"spring"`` (force-directed, weight-attracted) or ``"map"`` (centroids of
        ``geometry`` when given, else Central Europe tile-grid positions).
    top_edges
        Draw only the heaviest edges (``None`` draws all); strengths use the drawn edges,
        and the note under the drawing says how many were left out.
    labels
        Name the ``labels`` strongest nodes (``True``: all, ``False``: none); ``names`` maps
        codes to names (default: NUTS 2021 and country names).
    units
        What the weights are, for the legend.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from emerging.maps.flows import network_drawing

    full = one_slice(edges).filter(pl.col("source") != pl.col("target"))
    frame = _prepare(full, top_edges)
    positions = layout_positions(frame, layout=layout, geometry=geometry, seed=seed)
    if names is None:
        from emerging.codes.nuts import region_names
        from emerging.codes.nuts_versions import nuts2021_names

        names = {**nuts2021_names(), **region_names()}
    left_out = full.height - frame.height
    note = f"{left_out:,} weaker tie(s) not drawn" if left_out else None
    _, ax = network_drawing(
        frame, positions, names=names, labels=labels, units=units, title=title,
        source=source, note=note, node_size=node_size, ax=ax,
    )
    return ax


def flow_map(edges, *, geometry=None, ax=None, top_edges: int | None = 200, labels=False):
    """Deprecated: use :func:`emerging.maps.flow_map` (kept for one release).

    Calls ``emerging.maps.flow_map(edges, geometry or "tiles", top=top_edges,
    labels=labels, ax=ax)`` and returns the Axes, as this function did.
    """
    from emerging.maps import flow_map as maps_flow_map

    warnings.warn(
        "emerging.networks.flow_map is deprecated and will be removed in the next release; "
        "use emerging.maps.flow_map(edges, positions, top=...) (one flow map, in the house "
        "style, cropped to Central Europe)",
        DeprecationWarning,
        stacklevel=2,
    )
    _, ax = maps_flow_map(edges, "tiles" if geometry is None else geometry, top=top_edges,
                          labels=labels, ax=ax)
    return ax
