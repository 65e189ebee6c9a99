"""Flow maps: co-operation links between regions drawn as arcs between region centres.

Positions come either from the tile grid (no geometry needed; the 81 programme-area NUTS-2
regions) or from GISCO polygons (the pole of inaccessibility of each region, so the point
always lies inside it). Arc width is proportional to the weight (the widest arc is
``max_width`` points); node size to the region's total weight (its strength).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import polars as pl

from emerging._schema import validate_edges
from emerging.maps import style
from emerging.maps._drawing import Drawing
from emerging.maps.tilegrid import TILE, tile_positions

Positions = Literal["tiles"]


def flow_map(
    edges: pl.DataFrame | pl.LazyFrame,
    positions: Positions | object = "tiles",
    *,
    top: int | None = 40,
    max_width: float = 5.0,
    colour: str = style.QUALITATIVE[4],
    title: str | None = None,
    units: str = "weight",
    size: style.Size | tuple[float, float] = "a4_half",
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
    max_width
        Line width in points of the heaviest link.
    title, units, size, source, ax
        As for the other maps; ``units`` names the weight in the legend.

    Returns
    -------
    (Figure, Axes). Each arc is a ``FancyArrowPatch`` with ``gid`` ``"flow:<source>-<target>"``;
    the nodes are a scatter collection with ``gid`` ``"nodes"``.
    """
    frame = validate_edges(edges).filter(pl.col("weight") > 0)
    xy = _positions(positions)
    known = pl.col("source").is_in(list(xy)) & pl.col("target").is_in(list(xy))
    unknown = frame.filter(~known)
    if unknown.height:
        codes = sorted(set(unknown["source"]) | set(unknown["target"]) - set(xy))
        warnings.warn(
            f"{unknown.height} link(s) touch regions without a position and are not drawn "
            f"(e.g. {codes[:5]})", stacklevel=2,
        )
    frame = frame.filter(known).sort("weight", descending=True)
    if frame.is_empty():
        raise ValueError("no link between regions with a position: check the region codes")
    left_out = max(frame.height - top, 0) if top else 0
    drawn = frame.head(top) if top else frame
    strength = (
        pl.concat([drawn.select(region="source", w="weight"), drawn.select(region="target",
                                                                          w="weight")])
        .group_by("region").agg(pl.col("w").sum()).sort("region")
    )
    wmax = drawn["weight"].max()

    with style.house_style():
        own = ax is None
        fig, ax = style.new_figure(size) if own else (ax.figure, ax)
        _background(ax, positions)
        # lightest first so heavy links are on top
        for s, t, w in drawn.reverse().iter_rows():
            _arc(ax, xy[s], xy[t], max_width * w / wmax, colour, f"flow:{s}-{t}")
        pts = np.array([xy[r] for r in strength["region"]])
        node_size = 8 + 60 * strength["w"].to_numpy() / strength["w"].max()
        ax.scatter(pts[:, 0], pts[:, 1], s=node_size, color=style.TEXT_COLOUR, zorder=4,
                   linewidths=0, gid="nodes")
        ax.set_aspect("equal")
        ax.set_axis_off()
        if own:
            ax.set_position((0.0, 0.06, 0.72, 0.86))
        ax.legend(handles=_width_legend(wmax, max_width, colour), title=units,
                  loc="upper left", bbox_to_anchor=(1.0, 1.0))
        if title:
            ax.set_title(title)
        note = f"{left_out} weaker link(s) not drawn" if left_out else None
        if source and not isinstance(positions, str):
            source = f"{source}; administrative boundaries © EuroGeographics"
        if own and (source or note):
            style.add_source(fig, source or "", note=note)
    return Drawing(fig, ax)


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
