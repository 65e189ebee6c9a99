"""The industry space: a readable backbone of the relatedness network between industries.

Following the product space of Hidalgo et al. (2007), the full proximity network (every
pair linked) is reduced to its maximum spanning tree, which keeps every industry connected
through its strongest path, plus the strongest remaining links (the ``strongest`` best, or
all with proximity >= ``min_proximity``). Nodes are industries, edge weights proximities
from :func:`emerging.relatedness.proximity`; the plot colours the industries a
region is specialised in.

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. *Science*, 317(5837), 482-487.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import networkx as nx
import polars as pl

from emerging._checks import check_years
from emerging._result import Result
from emerging._schema import INDUSTRY, YEAR, require_columns, validate_pairs


@dataclass(frozen=True, eq=False, repr=False)
class IndustrySpace(Result):
    """Backbone of the relatedness network.

    Attributes
    ----------
    graph
        ``networkx.Graph``; edges carry ``weight`` (proximity) and ``tree`` (True for the
        maximum spanning tree, False for the added strongest links).
    positions
        Node positions of the drawing (spring layout with a fixed seed).
    """

    graph: nx.Graph
    positions: dict

    def to_frame(self) -> pl.DataFrame:
        """Edges as ``source, target, weight, tree``, strongest first."""
        rows = [(u, v, d["weight"], d["tree"]) for u, v, d in self.graph.edges(data=True)]
        return pl.DataFrame(
            rows, schema={"source": pl.String, "target": pl.String, "weight": pl.Float64,
                          "tree": pl.Boolean}, orient="row",
        ).sort("weight", descending=True)

    def summary(self) -> str:
        edges = self.to_frame()
        tree = int(edges["tree"].sum())
        best = edges.row(0, named=True) if edges.height else None
        strongest = f"; strongest link {best['source']}-{best['target']} ({best['weight']:.3f})"
        return (
            f"Industry space: {self.graph.number_of_nodes()} industries, {edges.height} links "
            f"({tree} in the maximum spanning tree, {edges.height - tree} strongest others)"
            + (strongest if best else "")
        )

    def plot(self, ax=None, *, present: Collection[str] | pl.DataFrame | None = None,
             labels: bool = True):
        """Draw the network; industries in ``present`` are coloured, the others grey.

        ``present`` is a collection of industry codes, or a frame with ``industry`` and
        ``present`` columns (e.g. one region-year of
        :func:`emerging.relatedness.relatedness_density`). Returns a
        :class:`~emerging.maps.Drawing`.
        """
        from emerging.maps.networks_plots import plot_industry_space

        if isinstance(present, pl.DataFrame):
            require_columns(present, [INDUSTRY, "present"], what="presence frame")
            present = set(present.filter(pl.col("present"))[INDUSTRY].to_list())
        return plot_industry_space(self, ax, present=set(present or ()), labels=labels)


def industry_space(
    proximity: pl.DataFrame,
    *,
    year: int | None = None,
    strongest: int | None = None,
    min_proximity: float | None = None,
    seed: int = 1,
) -> IndustrySpace:
    """Build the industry space from a proximity frame.

    Parameters
    ----------
    proximity
        Output of :func:`emerging.relatedness.proximity` (``industry``,
        ``industry_other``, ``proximity``, optionally ``year``).
    year
        Which year to use when the frame has a ``year`` column (needed when it holds several
        years).
    strongest
        How many of the strongest non-tree links to add (default: as many as there are
        industries). Ignored when ``min_proximity`` is given.
    min_proximity
        Add every non-tree link with at least this proximity instead (Hidalgo et al. 2007
        used 0.55).
    seed
        Seed of the spring layout, for a reproducible drawing.

    Returns
    -------
    IndustrySpace
    """
    frame = validate_pairs(proximity, what="proximity")
    if YEAR in frame.columns:
        years = frame[YEAR].unique().sort().to_list()
        if year is None and len(years) == 1:
            year = years[0]
        if year is None:
            raise ValueError(f"pass year=: the proximity frame holds the years {years}")
        check_years([year], years, what="proximity frame")
        frame = frame.filter(pl.col(YEAR) == year)
    if strongest is not None and strongest < 0:
        raise ValueError(f"strongest must be >= 0; got {strongest}")
    pairs = frame.filter(
        (pl.col(INDUSTRY) < pl.col("industry_other")) & (pl.col("proximity") > 0)
    ).sort("proximity", INDUSTRY, "industry_other", descending=[True, False, False])
    full = nx.Graph()
    full.add_nodes_from(frame[INDUSTRY].unique().sort().to_list())
    full.add_weighted_edges_from(pairs.select(INDUSTRY, "industry_other", "proximity").rows())
    tree = nx.maximum_spanning_tree(full, weight="weight")
    graph = nx.Graph()
    graph.add_nodes_from(full.nodes)
    graph.add_edges_from((u, v, {"weight": d["weight"], "tree": True})
                         for u, v, d in tree.edges(data=True))
    tree_edges = pl.DataFrame(
        [sorted(e) for e in tree.edges], schema=[INDUSTRY, "industry_other"], orient="row"
    )
    others = pairs.join(tree_edges, on=[INDUSTRY, "industry_other"], how="anti",
                        maintain_order="left")
    if min_proximity is not None:
        others = others.filter(pl.col("proximity") >= min_proximity)
    else:
        others = others.head(graph.number_of_nodes() if strongest is None else strongest)
    links = others.select(INDUSTRY, "industry_other", "proximity").rows()
    graph.add_edges_from((u, v, {"weight": w, "tree": False}) for u, v, w in links)
    positions = nx.spring_layout(graph, weight="weight", seed=seed)
    return IndustrySpace(graph, positions)
