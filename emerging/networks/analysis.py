"""One call from participations to a described network: edges, node metrics, cross-border
shares, brokerage, communities, and the figures that go with them.

:func:`analyse_network` is what ``emerging networks`` runs; :meth:`NetworkAnalysis.write`
writes its tables and figures to a folder.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from emerging._checks import merge_options
from emerging._result import Result
from emerging.networks._common import check_option
from emerging.networks.build import NodeKind, Projection, WeightKind, project_network

CommunitiesOn = Literal["auto", "full", "backbone"]
#: Above this many ties, centrality and communities run on the disparity backbone.
BACKBONE_ABOVE = 50_000


@dataclass(frozen=True, repr=False)
class NetworkAnalysis(Result):
    """A co-operation network and what was measured on it.

    Attributes
    ----------
    projection
        The network (:func:`~emerging.networks.project_network` result).
    metrics
        One row per node: ``node, country, projects, participations`` (from the
        participations), ``degree, strength, betweenness, eigenvector, pagerank,
        clustering`` (on ``measured_on``), ``tie_weight``, ``cross_border_weight`` and
        ``cross_border_share`` (the node's tie weight to nodes in other countries over its
        total tie weight, both in the network's weights; ties inside a region or country
        count as domestic), brokerage roles (organisation and region networks) and
        ``community``.
    country_pairs
        :func:`~emerging.networks.cross_border` by country pair (weight, shares of each
        country's cross-border weight, Salton intensity, affinity).
    communities
        Louvain communities (on ``measured_on``).
    measured_on
        ``"full network"`` or ``"disparity backbone (alpha 0.05)"``.
    timings
        Seconds per step.
    """

    projection: Projection
    metrics: pl.DataFrame
    country_pairs: pl.DataFrame
    communities: object
    measured_on: str
    timings: dict[str, float] = field(default_factory=dict)

    def to_frame(self) -> pl.DataFrame:
        return self.metrics

    def summary(self) -> str:
        p, m = self.projection, self.metrics
        total = m["tie_weight"].sum()
        share = m["cross_border_weight"].sum() / total if total else float("nan")
        top = ", ".join(
            m.sort("strength", descending=True, nulls_last=True)["node"].head(5).to_list()
        )
        return (
            f"{p.summary()}. Cross-border share of all tie weight ({p.weight} weights, each "
            f"tie counted at both ends, ties inside a node domestic): {share:.1%}. "
            f"Strongest nodes: {top}. Communities ({self.measured_on}): "
            f"{self.communities.summary()}"
        )

    def plot(self, ax=None, **kwargs):
        """The network drawing (see :func:`emerging.networks.draw_network`)."""
        from emerging.maps.networks_plots import plot_projection

        return plot_projection(self.projection, ax, **kwargs)

    def write(self, folder: str | Path, *, geometry=None, units: str | None = None,
              source: str = "Source: CORDIS") -> list[Path]:
        """Write ``edges``, ``nodes`` (metrics), ``country_pairs`` and ``communities`` as
        Parquet and CSV, and the figures as PNG: ``network.png`` (drawing of the heaviest
        ties) and, for region and country networks, ``flow_map.png`` (on ``geometry`` when
        given, else the tile grid), with ``source`` as their source line. Returns the paths
        written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        tables = {
            "edges": self.projection.edges,
            "nodes": self.metrics,
            "country_pairs": self.country_pairs,
            "communities": self.communities.membership,
        }
        for name, frame in tables.items():
            for suffix, writer in ((".parquet", frame.write_parquet), (".csv", frame.write_csv)):
                writer(folder / f"{name}{suffix}")
                written.append(folder / f"{name}{suffix}")
        written += self._figures(folder, geometry, units or f"{self.projection.weight} weight",
                                 source)
        return written

    def _figures(self, folder: Path, geometry, units: str, source: str) -> list[Path]:
        import matplotlib.pyplot as plt

        from emerging.maps import flow_map, save_figure
        from emerging.networks.figures import draw_network

        kind = self.projection.node_kind
        out = []
        edges, names, title = self.projection.edges, None, f"Co-operation network: {kind} nodes"
        if kind == "organisation":  # the strongest organisations and the ties among them
            nodes = self.projection.nodes.sort("strength", descending=True).head(80)
            keep = nodes["node"].implode()
            edges = edges.filter(pl.col("source").is_in(keep) & pl.col("target").is_in(keep))
            names = {n: f"{n} ({c})" for n, c in nodes.select("node", "country").iter_rows()}
            title = "The 80 strongest organisations (PIC, country)"
        ax = draw_network(edges, top_edges=300, labels=15 if names else 25, names=names,
                          units=units, title=title, source=source)
        save_figure(ax.figure, folder / "network", formats=("png",), dpi=200)
        plt.close(ax.figure)
        out.append(folder / "network.png")
        if kind != "organisation":
            try:
                with warnings.catch_warnings():  # links to places off the map: said in the note
                    warnings.simplefilter("ignore", UserWarning)
                    fig, _ = flow_map(self.projection.edges, "tiles" if geometry is None else geometry,
                                      top=40, units=units, source=source,
                                      title=f"Co-operation in the CENTRAL EUROPE area ({kind} "
                                      "nodes)")
            except ValueError:  # no link inside the area (e.g. a network of other countries)
                return out
            save_figure(fig, folder / "flow_map", formats=("png",), dpi=200)
            plt.close(fig)
            out.append(folder / "flow_map.png")
        return out


class _Steps:
    """Run named steps, saying each one's label first and timing it (``timings``)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.timings: dict[str, float] = {}

    def __call__(self, label: str, fn, *args, **kwargs):
        self.say(label)
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        self.timings[label] = time.perf_counter() - t0
        return out


@dataclass(frozen=True)
class NetworkOptions:
    """What :func:`analyse_network` projects and how it measures (defaults: the function's).

    Each field may also be passed to :func:`analyse_network` as a keyword of the same name.

    Attributes
    ----------
    node, level, weight
        As :func:`~emerging.networks.project_network` (``level`` truncates NUTS codes for
        region networks).
    communities_on
        Where centrality and communities are computed: ``"full"`` network, its disparity
        ``"backbone"`` (Serrano et al. 2009, significance ``alpha``), or ``"auto"``: the
        backbone above 50,000 ties.
    alpha
        Significance of the disparity backbone.
    k
        Sampled sources for betweenness (Brandes & Pich 2007).
    seed
        Seed of the betweenness sample and of the Louvain communities.
    """

    node: NodeKind = "country"
    level: int | None = None
    weight: WeightKind = "fractional"
    communities_on: CommunitiesOn = "auto"
    alpha: float = 0.05
    k: int = 256
    seed: int = 0

    def __post_init__(self) -> None:
        check_option("communities_on", self.communities_on, CommunitiesOn)


def analyse_network(
    participations: pl.DataFrame | pl.LazyFrame,
    *,
    start: int | None = None,
    end: int | None = None,
    progress: Callable[[str], None] | None = None,
    options: NetworkOptions | None = None,
    **keywords: Any,
) -> NetworkAnalysis:
    """Project participations and measure the network in one call.

    Region and country networks keep the ties inside each node (self-loops), so that
    ``cross_border_share`` has the right denominator: all of the node's tie weight,
    domestic included (without them every country's share would be 100 %). Centrality and
    communities leave the self-loops out.

    Parameters
    ----------
    participations
        Participations frame (``read_cordis(...).participations`` for NUTS-coded regions;
        ``read_h2020_eunets(...)`` for countries and organisations).
    start, end
        Keep projects whose start year lies in ``[start, end]``.
    progress
        Called with a short text before each step (e.g. ``print``).
    options
        A :class:`NetworkOptions`: ``node``, ``level``, ``weight``, ``communities_on``,
        ``alpha``, ``k``, ``seed`` (see there).
    **keywords
        Any field of :class:`NetworkOptions` as a keyword (``node="region", level=2``),
        overriding the same field of ``options``.
    """
    from emerging.networks import brokerage, communities, cross_border, disparity_filter
    from emerging.networks.metrics import node_metrics

    opts = merge_options(NetworkOptions, options, keywords, function="analyse_network")
    node, alpha = opts.node, opts.alpha
    step = _Steps(progress or (lambda _text: None))
    frame = participations.collect() if isinstance(participations, pl.LazyFrame) else participations
    if start is not None or end is not None:
        lo, hi = start if start is not None else -10**6, end if end is not None else 10**6
        frame = frame.filter(pl.col("start_year").is_between(lo, hi))
    net = step(f"projecting {frame.height:,} participations onto {node} nodes", project_network,
               frame, node=node, level=opts.level, weight=opts.weight,
               self_loops=node != "organisation" and opts.weight != "jaccard")
    edges = net.edges
    countries = net.nodes.select("node", "country")
    use_backbone = opts.communities_on == "backbone" or (
        opts.communities_on == "auto" and edges.height > BACKBONE_ABOVE
    )
    measured = edges.filter(pl.col("source") != pl.col("target"))
    if use_backbone:
        measured = step(f"disparity backbone of {measured.height:,} ties", disparity_filter,
                        measured, alpha=alpha)
    measured_on = f"disparity backbone (alpha {alpha})" if use_backbone else "full network"
    metrics = step("centrality (PageRank, eigenvector, sampled betweenness)", node_metrics,
                   measured, betweenness="sampled", k=opts.k, seed=opts.seed)
    shares = step("cross-border shares", cross_border, edges, countries=countries)
    pairs = step("country pairs", cross_border, edges, by="country_pair", countries=countries)
    comms = step(f"Louvain communities on the {measured_on}", communities, measured, seed=opts.seed)
    table = (
        net.nodes.select("node", "country", "projects", "participations")
        .join(metrics, on="node", how="left")
        .join(shares.select("node", pl.col("weight").alias("tie_weight"),
                            "cross_border_weight", "cross_border_share"), on="node", how="left")
        .join(comms.membership, on="node", how="left")
    )
    if node != "country":
        roles = step("Gould-Fernandez brokerage", brokerage, edges, countries=countries)
        table = table.join(roles.drop("country"), on="node", how="left")
    timings = step.timings
    return NetworkAnalysis(
        projection=net,
        metrics=table.sort("strength", descending=True, nulls_last=True),
        country_pairs=pairs,
        communities=comms,
        measured_on=measured_on,
        timings=timings,
    )
