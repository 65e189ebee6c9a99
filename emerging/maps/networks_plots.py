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


INDUSTRY_SPACE_LABELS = 30  # labels drawn by default: more overprint in the dense core


def _labelled_nodes(graph, present: set, labels: bool | int) -> list:
    """The nodes to label, most important first: the ``present`` industries, then the
    others, each by weighted degree (the hubs of the space), ties by code."""
    if labels is False or labels is None:
        return []
    n = INDUSTRY_SPACE_LABELS if labels is True else int(labels)
    degree = dict(graph.degree(weight="weight"))
    order = sorted(graph.nodes, key=lambda v: (v not in present, -degree[v], str(v)))
    return order[:max(n, 0)]


@draws
def plot_industry_space(result, ax=None, *, present: Collection[str] = (),
                        labels: bool | int = True):
    """The industry space: spanning-tree links darker than the extra links, industries in
    ``present`` coloured and the others grey.

    ``labels``: ``True`` labels the 30 most important industries (those in ``present``
    first, then the best-connected), an integer that many, ``False`` none. Labels are set
    beside their nodes by a greedy search for a free place (:func:`~emerging.maps.labels.place_labels`),
    with a leader line when moved, so that none overprints another.
    """
    from matplotlib.collections import LineCollection

    from emerging.maps.labels import place_labels

    present = set(present)
    fig, ax = canvas(ax, "a4_half")
    pos = result.positions
    for tree, colour, width in ((False, style.MUTED, 0.6), (True, style.NEUTRAL, 1.0)):
        segments = [(pos[u], pos[v]) for u, v, d in result.graph.edges(data=True)
                    if bool(d["tree"]) is tree]
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width, zorder=1))
    nodes = list(result.graph.nodes)
    xy = np.array([pos[n] for n in nodes]).reshape(-1, 2)
    colours = [style.NEGATIVE if n in present else style.MUTED for n in nodes]
    ax.scatter(xy[:, 0], xy[:, 1], s=36, c=colours, zorder=2, edgecolors="white",
               linewidths=0.4)
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    chosen = _labelled_nodes(result.graph, present, labels)
    if chosen:
        place_labels(ax, [(str(v), *pos[v], str(v)) for v in chosen],
                     fontsize=style.LABEL_SIZE, avoid=xy, avoid_radius=3.5,
                     mark_anchors=False)
    shown = f"; {len(chosen)} of {len(nodes)} labelled" if 0 < len(chosen) < len(nodes) else ""
    ax.set_title("Industry space" + (" (coloured: specialisations" + shown + ")" if present
                                     else (f" ({shown[2:]})" if shown else "")))
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
    what = (f"in {result.industry} {nace_label(result.industry)}" if result.industry
            else "for co-operation in general")
    ax.set_title(f"Partners for {result.region} {what}", loc="left", wrap=True)
    ax.legend(loc="lower right")
    return fig, ax
