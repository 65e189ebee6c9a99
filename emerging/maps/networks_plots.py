"""Drawings of the co-operation results: projected networks, communities, the industry space
and partner suggestions. The graph objects are read, never built, here (networkx is imported
only under :mod:`emerging.networks`)."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from emerging.maps import style
from emerging.maps._drawing import canvas, draws


@draws
def plot_projection(result, ax=None, **kwargs):
    """Network drawing of a projection (see :func:`emerging.networks.draw_network`)."""
    from emerging.networks.figures import draw_network

    ax = draw_network(result.edges, ax=ax, **kwargs)
    return ax.figure, ax


@draws
def plot_communities(result, ax=None):
    """Bar chart of community sizes."""
    fig, ax = canvas(ax, "a4_strip")
    sizes = result.sizes
    ax.bar(sizes["community"].to_list(), sizes["nodes"].to_list(), color=style.POSITIVE)
    ax.set_xlabel("community")
    ax.set_ylabel("nodes")
    ax.set_title(f"Louvain communities, Q = {result.modularity:.3f}")
    return fig, ax


@draws
def plot_industry_space(result, ax=None, *, present: Collection[str] = (), labels: bool = True):
    """The industry space: spanning-tree links darker than the extra links, industries in
    ``present`` coloured and the others grey."""
    from matplotlib.collections import LineCollection

    present = set(present)
    fig, ax = canvas(ax, "a4")
    pos = result.positions
    for tree, colour, width in ((False, style.MUTED, 0.6), (True, style.NEUTRAL, 1.0)):
        segments = [(pos[u], pos[v]) for u, v, d in result.graph.edges(data=True)
                    if bool(d["tree"]) is tree]
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width, zorder=1))
    nodes = list(result.graph.nodes)
    xy = np.array([pos[n] for n in nodes]).reshape(-1, 2)
    colours = [style.NEGATIVE if n in present else style.MUTED for n in nodes]
    ax.scatter(xy[:, 0], xy[:, 1], s=60, c=colours, zorder=2, edgecolors="none")
    if labels:
        for n, (x, y) in zip(nodes, xy, strict=True):
            ax.text(x, y, str(n), fontsize=style.LABEL_SIZE - 0.5, ha="center", va="center",
                    zorder=3)
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    ax.set_title("Industry space" + (" (coloured: specialisations)" if present else ""))
    return fig, ax


@draws
def plot_partners(result, ax=None, *, top: int = 10):
    """Stacked horizontal bars of the score components of the ``top`` partner candidates."""
    t = result.table.head(top).reverse()
    fig, ax = canvas(ax, (style.SIZES["a4"][0], 0.4 * max(t.height, 3) + 1))
    from emerging.codes.nuts import region_names

    names = region_names()
    rows = [f"{c} {names[c]}" if c in names else c for c in t["partner"].to_list()]
    left = np.zeros(t.height)
    parts = list(result.weights.items())
    for (part, weight), colour in zip(parts, style.qualitative_colours(len(parts)), strict=True):
        vals = weight * t[f"{part}_score"].to_numpy()
        ax.barh(rows, vals, left=left, color=colour, label=part)
        left = left + vals
    from emerging.codes.nace import nace_label

    ax.set_xlabel("weighted score (0-1): the bars add up to the partner's score")
    what = f"in {result.industry} {nace_label(result.industry)}" if result.industry else "for co-operation in general"
    ax.set_title(f"Partners for {result.region} {what}", loc="left", wrap=True)
    ax.legend(loc="lower right")
    return fig, ax
