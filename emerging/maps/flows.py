"""Flow maps: co-operation links between regions drawn as arcs between region centres.

Positions come either from the tile grid (no geometry needed; the 81 programme-area NUTS-2
regions) or from GISCO polygons (the pole of inaccessibility of each region, so the point
always lies inside it). Arc width is proportional to the weight (the widest arc is
``max_width`` points); node size to the region's total weight (its strength).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._schema import validate_edges
from emerging.maps import style
from emerging.maps._drawing import Drawing
from emerging.maps.tilegrid import TILE, tile_positions

Positions = Literal["tiles"]
Within = Literal["area", "touching", "all"]


def flow_map(
    edges: pl.DataFrame | pl.LazyFrame,
    positions: Positions | object = "tiles",
    *,
    top: int | None = 40,
    within: Within = "area",
    labels: bool | None = None,
    names: dict[str, str] | None = None,
    max_width: float = 5.0,
    colour: str = style.QUALITATIVE[4],
    title: str | None = None,
    units: str = "weight",
    size: style.Size | tuple[float, float] = "a4",
    source: str | None = "Source: CORDIS",
    ax=None,
):
    """Draw the heaviest links of an Edges table (``source``, ``target``, ``weight``).

    Parameters
    ----------
    edges
        Edges between NUTS regions (one row per pair; an undirected link once).
    positions
        ``"tiles"`` for the tile-grid positions; a GeoDataFrame of region polygons in
        EPSG:3035 (e.g. ``load_nuts(level=2)``: nodes at each region's pole of
        inaccessibility, polygons drawn in light grey underneath); or of GISCO label points
        (``read_nuts_geojson(".../NUTS_LB_2021_4326_LEVL_2.geojson")``).
    top
        Draw only the ``top`` heaviest links (None: all); the note under the map says how
        many were left out.
    within
        Which links compete for the ``top`` places: ``"area"`` (default) both ends in the
        Interreg CENTRAL EUROPE area (by NUTS-2 ancestor; at country level the countries
        with programme regions, so DE and IT count), ``"touching"`` at least one end in it,
        ``"all"`` every link. The map is cropped to the area either way (overseas regions
        never widen it); links leaving the frame are clipped at its edge.
    labels, names
        Write the names of the drawn regions, placed without overlaps (default: on
        geometry, not on the tile grid, which already shows codes); ``names`` maps codes to
        names (default: the geometry's ``name`` column, else the NUTS 2021 names).
    max_width
        Line width in points of the heaviest link.
    title, units, size, source, ax
        As for the other maps; ``units`` names the weight in the legend.

    Returns
    -------
    (Figure, Axes). Each arc is a ``FancyArrowPatch`` with ``gid`` ``"flow:<source>-<target>"``;
    the nodes are a scatter collection with ``gid`` ``"nodes"``.
    """
    xy = _positions(positions)
    links = _links_to_draw(edges, xy, positions, top=top, within=within)
    drawn, strength = links.drawn, _strength(links.drawn, "region")
    wmax = drawn["weight"].max()
    with style.house_style():
        own = ax is None
        fig, ax = style.new_figure(size) if own else (ax.figure, ax)
        _background(ax, positions)
        pts = _draw_flows(ax, drawn, strength, xy, max_width=max_width, colour=colour)
        ax.set_aspect("equal")
        ax.set_axis_off()
        if not isinstance(positions, str):  # frame the drawn links, not whole countries
            _frame_points(ax, pts)
        if own:
            ax.set_position((0.02, 0.08, 0.96, 0.84))
        legend = ax.legend(handles=_width_legend(wmax, max_width, colour), title=units,
                           loc=_emptiest_corner(ax, pts), frameon=True, framealpha=0.92,
                           edgecolor="none")
        legend.set_zorder(6)
        if title:
            ax.set_title(title)
        if labels if labels is not None else not isinstance(positions, str):
            _label_nodes(ax, strength, xy, positions, names)
        if source and not isinstance(positions, str):
            source = f"{source}; administrative boundaries © EuroGeographics"
        if own:
            _footer(fig, links.note(within), source)
    return Drawing(fig, ax)


@dataclass(frozen=True)
class _Links:
    """The links a flow map draws, heaviest first, and how many were left out and why."""

    drawn: pl.DataFrame  # source, target, weight
    left_out: int  # weaker than the top
    outside_area: int  # an end (or both) outside the area

    def note(self, within: str) -> str | None:
        notes = []
        if self.left_out:
            notes.append(f"{self.left_out:,} weaker link(s) not drawn")
        if self.outside_area:
            where = "with an end outside" if within == "area" else "outside"
            notes.append(f"{self.outside_area:,} link(s) {where} the CENTRAL EUROPE area left out")
        return "; ".join(notes) or None


def _links_to_draw(edges, xy: dict, positions, *, top: int | None, within: str) -> _Links:
    """Positive links between placed regions, kept by ``within``, the ``top`` heaviest."""
    if within not in ("area", "touching", "all"):
        raise ValueError(f"within must be one of ('area', 'touching', 'all'); got {within!r}")
    frame = validate_edges(edges).filter(pl.col("weight") > 0)
    known = pl.col("source").is_in(list(xy)) & pl.col("target").is_in(list(xy))
    unknown = frame.filter(~known)
    if unknown.height:
        codes = sorted(set(unknown["source"]) | set(unknown["target"]) - set(xy))
        warnings.warn(
            f"{unknown.height} link(s) touch regions without a position and are not drawn "
            f"(e.g. {codes[:5]})", stacklevel=3,
        )
    frame = frame.filter(known).sort("weight", descending=True)
    if frame.is_empty():
        raise ValueError("no link between regions with a position: check the region codes")
    outside_area = 0
    if within != "all" and not isinstance(positions, str):
        from emerging.maps.geometry import in_central_europe

        level = int(frame["source"].str.len_chars().max()) - 2
        a = in_central_europe(frame["source"], level)
        b = in_central_europe(frame["target"], level)
        keep = (a & b) if within == "area" else (a | b)
        outside_area = int((~keep).sum())
        frame = frame.filter(pl.Series(keep))
        if frame.is_empty():
            raise ValueError(f"no link with within={within!r}; pass within='all'")
    left_out = max(frame.height - top, 0) if top else 0
    return _Links(frame.head(top) if top else frame, left_out, outside_area)


def _strength(links: pl.DataFrame, node: str) -> pl.DataFrame:
    """``node``, ``w``: the sum of the weights of each node's links (its strength)."""
    return (
        pl.concat([links.select(pl.col("source").alias(node), w="weight"),
                   links.select(pl.col("target").alias(node), w="weight")])
        .group_by(node).agg(pl.col("w").sum())
    )


def _draw_flows(ax, drawn: pl.DataFrame, strength: pl.DataFrame, xy: dict, *,
                max_width: float, colour: str) -> np.ndarray:
    """Arcs (lightest first, so heavy links are on top) and nodes sized by strength;
    returns the node positions."""
    strength = strength.sort("region")
    wmax = drawn["weight"].max()
    for s, t, w in drawn.reverse().iter_rows():
        _arc(ax, xy[s], xy[t], max_width * w / wmax, colour, f"flow:{s}-{t}")
    pts = np.array([xy[r] for r in strength["region"]])
    node_size = 8 + 60 * strength["w"].to_numpy() / strength["w"].max()
    ax.scatter(pts[:, 0], pts[:, 1], s=node_size, color=style.TEXT_COLOUR, zorder=4,
               linewidths=0, gid="nodes")
    return pts


def _frame_points(ax, pts: np.ndarray) -> None:
    """Limits around the nodes with a margin of 12 % of the wider side."""
    xmin, ymin = pts.min(axis=0)
    xmax, ymax = pts.max(axis=0)
    pad = 0.12 * max(xmax - xmin, ymax - ymin, 1.0)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)


def _footer(fig, note: str | None, source: str | None) -> None:
    """The note (what was left out) above the source line, under the figure."""
    if source or note:
        style.add_source(fig, "\n".join(t for t in (note and note + ".", source) if t))


def _emptiest_corner(ax, pts: np.ndarray) -> str:
    """The corner of the axes farthest from any node (where the legend goes)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    u = (pts[:, 0] - x0) / (x1 - x0)
    v = (pts[:, 1] - y0) / (y1 - y0)
    corners = {"lower left": (0, 0), "lower right": (1, 0), "upper left": (0, 1),
               "upper right": (1, 1)}
    # the legend box is about 0.35 wide and 0.2 high: keep the nearest node farthest out
    room = {k: float(np.min(np.maximum(np.abs(u - cx) / 0.35, np.abs(v - cy) / 0.2)))
            for k, (cx, cy) in corners.items()}
    return max(corners, key=lambda k: room[k])


def _label_nodes(ax, strength: pl.DataFrame, xy, positions, names) -> None:
    """Names of the drawn nodes inside the frame, strongest first, without overlaps."""
    from emerging.maps.labels import place_labels

    if names is None:
        from emerging.codes.nuts import region_names
        from emerging.codes.nuts_versions import nuts2021_names

        names = {}
        if not isinstance(positions, str) and "name" in positions.columns:
            names = dict(zip(positions["region"], positions["name"], strict=True))
        # English country names and the Latin NUTS 2021 names win over national spellings
        names = {**{k: v for k, v in names.items() if v}, **nuts2021_names(), **region_names()}
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    points = [
        (r, *xy[r], names.get(r) or r)
        for r in strength.sort("w", descending=True)["region"]
        if x0 <= xy[r][0] <= x1 and y0 <= xy[r][1] <= y1
    ]
    place_labels(ax, points)


def _positions(positions) -> dict[str, tuple[float, float]]:
    if isinstance(positions, str):
        if positions != "tiles":
            raise ValueError(f"positions must be 'tiles' or a GeoDataFrame; got {positions!r}")
        grid = tile_positions()
        return {
            r: (c + 0.5, -row - 0.5)
            for r, row, c in grid.select("region", "tile_row", "tile_col").iter_rows()
        }
    from emerging.maps.geometry import label_anchor, require_3035

    require_3035(positions)
    points = [label_anchor(g) for g in positions.geometry]
    return {r: (p.x, p.y) for r, p in zip(positions["region"], points, strict=True)}


def _background(ax, positions) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Rectangle

    if isinstance(positions, str):
        grid = tile_positions()
        pad = (1 - TILE) / 2
        for r, row, c in grid.select("region", "tile_row", "tile_col").iter_rows():
            ax.add_artist(Rectangle((c + pad, -row - 1 + pad), TILE, TILE,
                                    facecolor=style.CONTEXT_FILL, edgecolor="none", zorder=0))
            ax.text(c + 0.5, -row - 0.85, r, ha="center", va="bottom", fontsize=5,
                    color=style.SOURCE_COLOUR, zorder=1)
        ax.set_xlim(-0.2, grid["tile_col"].max() + 1.2)
        ax.set_ylim(-grid["tile_row"].max() - 1.2, 0.2)
        return
    from emerging.maps.geometry import geometry_path, in_central_europe, padded_extent

    focus = in_central_europe(pl.Series(positions["region"].to_list()),
                              int(positions["region"].str.len().max()) - 2)
    xmin, ymin, xmax, ymax = padded_extent(positions.loc[focus] if focus.any() else positions)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    if (positions.geom_type == "Point").all():  # label points: no polygons to draw
        return
    paths = [geometry_path(g) for g in positions.geometry]
    fills = np.where(focus, "#d9d9d9", "#efefef")  # the programme area a shade darker
    ax.add_collection(PathCollection(paths, facecolors=list(fills),
                                     edgecolors=style.CONTEXT_EDGE, linewidths=0.3, zorder=0))


def _arc(ax, a, b, width, colour, gid) -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(
        a, b, connectionstyle="arc3,rad=0.2", arrowstyle="-", linewidth=max(width, 0.3),
        color=colour, alpha=0.75, zorder=3, gid=gid, capstyle="round",
    ))


def _width_legend(wmax: float, max_width: float, colour: str):
    from matplotlib.lines import Line2D

    from emerging.maps.classify import format_number

    steps = [wmax, wmax / 2, wmax / 4]
    decimals = 0 if wmax >= 10 else 2
    return [Line2D([], [], color=colour, linewidth=max_width * w / wmax, alpha=0.75,
                   label=format_number(w, decimals)) for w in steps]


def network_drawing(
    edges: pl.DataFrame,
    positions: dict[str, tuple[float, float]],
    *,
    names: dict[str, str] | None = None,
    labels: int | bool = 25,
    units: str = "tie weight",
    title: str | None = None,
    size: style.Size | tuple[float, float] = (6.3, 5.6),
    source: str | None = "Source: CORDIS",
    note: str | None = None,
    max_width: float = 4.0,
    node_size: tuple[float, float] = (12, 420),
    ax=None,
):
    """Draw a network on given node positions in the house style.

    Edge width is proportional to the weight (legend: three widths in ``units``); node area
    to strength (the sum of the drawn weights, legend: the strongest node); the ``labels``
    strongest nodes (all with ``True``, none with ``False``) are named, placed without
    overlaps. Positions come from the caller (a force layout or map centroids, see
    :func:`emerging.networks.draw_network`).

    Returns
    -------
    (Figure, Axes). Edges are one ``LineCollection`` with ``gid`` ``"edges"``, nodes a
    scatter collection with ``gid`` ``"nodes"``.
    """
    from emerging.maps.labels import place_labels

    frame = edges.filter(
        pl.col("source").is_in(list(positions)) & pl.col("target").is_in(list(positions))
        & (pl.col("source") != pl.col("target"))
    ).sort("weight")
    if frame.is_empty():
        raise ValueError("no edge between nodes with a position")
    strength = _strength(frame, "node").sort("w", "node", descending=[True, False])
    with style.house_style():
        own = ax is None
        fig, ax = style.new_figure(size) if own else (ax.figure, ax)
        _draw_network(ax, frame, strength, positions, max_width=max_width, node_size=node_size)
        if own:
            ax.set_position((0.04, 0.08, 0.7, 0.84))
        _network_legend(ax, frame["weight"].max(), strength["w"].max(), units,
                        max_width=max_width, node_size=node_size)
        if title:
            ax.set_title(title)
        n_labels = strength.height if labels is True else int(labels or 0)
        if n_labels:
            names = names or {}
            place_labels(ax, [(n, *positions[n], names.get(n) or n)
                              for n in strength["node"].head(n_labels)])
        if own:
            _footer(fig, note, source)
    return Drawing(fig, ax)


def _draw_network(ax, frame: pl.DataFrame, strength: pl.DataFrame, positions: dict, *,
                  max_width: float, node_size: tuple[float, float]) -> None:
    """Edges as one LineCollection (width by weight), nodes by strength, framed."""
    from matplotlib.collections import LineCollection

    wmax, smax = frame["weight"].max(), strength["w"].max()
    segments = [(positions[s], positions[t]) for s, t in frame.select("source", "target").iter_rows()]
    ax.add_collection(LineCollection(
        segments, linewidths=np.maximum(max_width * frame["weight"].to_numpy() / wmax, 0.25),
        colors=style.QUALITATIVE[4], alpha=0.55, zorder=1, gid="edges", capstyle="round",
    ))
    xy = np.array([positions[n] for n in strength["node"]])
    sizes = node_size[0] + (node_size[1] - node_size[0]) * strength["w"].to_numpy() / smax
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, color=style.QUALITATIVE[0], edgecolors="white",
               linewidths=0.6, zorder=2, gid="nodes")
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.margins(0.1)  # room for the names of the outermost nodes
    ax.autoscale_view()


def _network_legend(ax, wmax: float, smax: float, units: str, *, max_width: float,
                    node_size: tuple[float, float]) -> None:
    """Three edge widths in ``units`` and the strongest node, right of the axes."""
    import textwrap

    from matplotlib.lines import Line2D

    from emerging.maps.classify import format_number

    handles = _width_legend(wmax, max_width, style.QUALITATIVE[4])
    decimals = 0 if smax >= 10 else 2
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=np.sqrt(node_size[1]),
                          color=style.QUALITATIVE[0], markeredgecolor="white",
                          label=f"strength {format_number(smax, decimals)}"))
    legend = ax.legend(handles=handles, title="\n".join(textwrap.wrap(units, 20)),
                       loc="lower left", bbox_to_anchor=(1.0, 0.0), frameon=False,
                       labelspacing=1.0)
    legend.set_zorder(6)
