"""Network measures on Edges frames: centrality, cross-border shares, area ties, components
and change over time (brokerage is in ``brokerage.py``, communities in ``communities.py``).

All functions take an Edges frame (``source, target, weight``; undirected, each pair once)
and return tidy polars frames or frozen results. Node countries are the first two letters of
the node code (NUTS codes and country codes) unless a ``countries`` frame (``node,
country``) is passed, as needed for organisation networks (``Projection.nodes`` has one).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl
import scipy.sparse as sp

from emerging._checks import check_years
from emerging._frames import keeps_frame_kind
from emerging.codes.nuts import region_set
from emerging.networks._common import check_option, one_slice, validate_layered

BetweennessKind = Literal["sampled", "exact", "none"]
CrossBorderBy = Literal["node", "country_pair"]

#: Countries whose whole territory lies in the Interreg CENTRAL EUROPE area (see
#: emerging.codes.nuts); country nodes of DE and IT are only partly inside.
WHOLE_COUNTRIES_CENTRAL_EUROPE = frozenset({"AT", "CZ", "HR", "HU", "PL", "SI", "SK"})


def _adjacency(edges: pl.DataFrame) -> tuple[sp.csr_matrix, pl.Series]:
    """Symmetric weighted adjacency (no self-loops) and the sorted node labels."""
    nodes = pl.concat([edges["source"], edges["target"]]).unique().sort()
    coded = edges.filter(pl.col("source") != pl.col("target")).select("source", "target", "weight")
    index = pl.DataFrame({"node": nodes, "i": np.arange(len(nodes))})
    coded = coded.join(index, left_on="source", right_on="node").join(
        index.rename({"i": "j"}), left_on="target", right_on="node"
    )
    i, j, w = coded["i"].to_numpy(), coded["j"].to_numpy(), coded["weight"].to_numpy()
    n = len(nodes)
    adj = sp.csr_matrix(
        (np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n)
    )
    return adj, nodes


def _countries(nodes: pl.Series, countries: pl.DataFrame | None) -> pl.DataFrame:
    frame = pl.DataFrame({"node": nodes})
    if countries is None:
        return frame.with_columns(pl.col("node").str.slice(0, 2).alias("country"))
    if not {"node", "country"} <= set(countries.columns):
        raise ValueError(f"countries must have columns node, country; found {countries.columns}")
    out = frame.join(countries.select("node", "country").unique("node"), on="node", how="left")
    missing = out["country"].null_count()
    if missing:
        raise ValueError(
            f"{missing:,} node(s) have no country in `countries`, e.g. "
            f"{out.filter(pl.col('country').is_null())['node'].head(3).to_list()}"
        )
    return out


@keeps_frame_kind
def node_metrics(
    edges: pl.DataFrame | pl.LazyFrame,
    *,
    betweenness: BetweennessKind = "sampled",
    k: int = 256,
    seed: int = 0,
) -> pl.DataFrame:
    r"""Centrality and clustering of every node of one network slice.

    Returns columns ``node, degree, strength, betweenness, eigenvector, pagerank,
    clustering``:

    * degree :math:`k_i` (distinct partners) and strength :math:`s_i = \sum_j w_{ij}`
      (self-loops left out of both);
    * betweenness :math:`g_i = \sum_{s \ne i \ne t} \sigma_{st}(i) / \sigma_{st}`, normalised
      by :math:`(n-1)(n-2)/2`, on shortest paths with length :math:`1 / w` (strong ties are
      short), as ``networkx.betweenness_centrality(weight=...)``. ``"exact"`` runs Brandes'
      (2001) algorithm from every node, :math:`O(nm + n^2 \log n)` (compiled Dijkstra and
      sparse triangular solves, see ``emerging.networks._brandes``): the slow path, minutes on
      a dense graph of a thousand nodes (networkx itself takes over 150 s on a dense
      1,160-region graph). ``"sampled"``, the default, estimates it from ``k`` random source
      nodes scaled by :math:`n/k` (Brandes & Pich 2007); ``"none"`` leaves it null;
    * eigenvector centrality: the leading eigenvector of the weighted adjacency
      :math:`A x = \lambda_1 x`, unit length, non-negative (on a disconnected graph it lives
      on the component with the largest :math:`\lambda_1`);
    * PageRank with damping 0.85 on the weighted graph (Brin & Page 1998);
    * clustering: the unweighted local clustering coefficient
      :math:`c_i = 2 t_i / (k_i (k_i - 1))`, :math:`t_i = (A^3)_{ii} / 2` triangles through
      :math:`i` (0 when :math:`k_i < 2`).

    References
    ----------
    Brandes, U. (2001). A faster algorithm for betweenness centrality. *J. Math. Sociology* 25.
    Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. *Int. J.
    Bifurcation and Chaos* 17(7). Brin, S. & Page, L. (1998). The anatomy of a large-scale
    hypertextual web search engine.
    """
    from scipy.sparse.linalg import eigsh

    check_option("betweenness", betweenness, BetweennessKind)
    frame = one_slice(edges)
    adj, nodes = _adjacency(frame)
    n = len(nodes)
    binary = adj.copy()
    binary.data[:] = 1.0
    degree = np.asarray(binary.sum(axis=1)).ravel()
    strength = np.asarray(adj.sum(axis=1)).ravel()
    triangles = np.asarray((binary @ binary).multiply(binary).sum(axis=1)).ravel() / 2
    clustering = np.divide(2 * triangles, degree * (degree - 1), out=np.zeros(n), where=degree > 1)
    if n > 500:
        _, vec = eigsh(adj.astype(float), k=1, which="LA")
        eig = np.abs(vec[:, 0])
    elif n:
        _, vecs = np.linalg.eigh(adj.toarray())
        eig = np.abs(vecs[:, -1])
    else:
        eig = np.zeros(0)
    pr = _pagerank(adj) if n else np.zeros(0)
    if betweenness == "none" or n < 3:
        btw = np.full(n, np.nan if betweenness == "none" else 0.0)
    else:
        from emerging.networks._brandes import betweenness as brandes

        lengths = adj.copy()
        lengths.data = 1.0 / lengths.data
        if betweenness == "exact" or k >= n:
            sources, scale = np.arange(n), 1.0
        else:
            sources = np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))
            scale = n / k
        btw = brandes(lengths, sources) * scale / ((n - 1) * (n - 2))
    return pl.DataFrame(
        {
            "node": nodes,
            "degree": degree.astype(np.int64),
            "strength": strength,
            "betweenness": btw,
            "eigenvector": eig,
            "pagerank": pr,
            "clustering": clustering,
        }
    ).with_columns(pl.col("betweenness").fill_nan(None))


def _pagerank(
    adj: sp.csr_matrix, *, damping: float = 0.85, tol: float = 1e-12, max_iter: int = 1000
) -> np.ndarray:
    """Weighted PageRank by power iteration; dangling nodes spread their rank uniformly
    (as networkx.pagerank)."""
    n = adj.shape[0]
    out = np.asarray(adj.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    transition_t = (sp.diags(inv) @ adj).T.tocsr()
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (transition_t @ rank + rank[dangling].sum() / n) + (1 - damping) / n
        if np.abs(new - rank).sum() < n * tol:
            return new
        rank = new
    raise RuntimeError(f"PageRank did not converge in {max_iter} iterations")


@keeps_frame_kind
def cross_border(
    edges: pl.DataFrame | pl.LazyFrame,
    *,
    by: CrossBorderBy = "node",
    countries: pl.DataFrame | None = None,
) -> pl.DataFrame:
    r"""Cross-border ties per node or per pair of countries (per ``year`` when present).

    ``by="node"``: ``node, country, weight, cross_border_weight, cross_border_share`` with
    :math:`\text{share}_i = \sum_{j: c(j) \ne c(i)} w_{ij} / \sum_j w_{ij}`: the numerator
    ``cross_border_weight`` is the node's tie weight to nodes in other countries, the
    denominator ``weight`` all its tie weight, both in the edges' own weights (joint
    projects for ``weight="count"``, Newman's fractional counts, EUR...). Self-loops (ties
    inside the node, from ``project_network(..., self_loops=True)``) count as domestic
    ties, once. Without them a country network has no domestic tie at all and every share
    is 1: a warning says so.

    ``by="country_pair"``: ``country_a, country_b`` (a < b, different countries), ``weight``
    :math:`w_{AB}` (sum of the ties between them), ``share_a`` and ``share_b`` (the pair's
    share of each country's cross-border weight :math:`X_A`), ``intensity`` (Salton's cosine
    :math:`w_{AB} / \sqrt{X_A X_B}`, in [0, 1]) and ``affinity`` (observed over expected,
    :math:`w_{AB} \cdot X / (X_A X_B)` with :math:`X = \sum_A X_A`; above 1 means the pair
    co-operates more than the two countries' cross-border activity predicts).

    References
    ----------
    Zitt, M., Bassecoulard, E. & Okubo, Y. (2000). Shadows of the past in international
    cooperation: collaboration profiles of the top five producers of science.
    *Scientometrics* 47(3), 627-657 (the probabilistic affinity index).
    """
    check_option("by", by, CrossBorderBy)
    frame = validate_layered(edges)
    slices = [c for c in ("year", "layer") if c in frame.columns]
    nodes = pl.concat([frame["source"], frame["target"]]).unique()
    cmap = _countries(nodes, countries)
    tagged = frame.join(cmap.rename({"node": "source", "country": "cs"}), on="source").join(
        cmap.rename({"node": "target", "country": "ct"}), on="target"
    )
    if by == "node":
        if (
            countries is None
            and nodes.str.len_chars().max() == 2
            and frame.filter(pl.col("source") == pl.col("target")).is_empty()
        ):
            import warnings

            warnings.warn(
                "country network without ties inside the countries: every cross_border_share "
                "is 1. Build it with project_network(..., node='country', self_loops=True) so "
                "that domestic co-operation is in the denominator.",
                UserWarning,
                stacklevel=2,
            )
        return _by_node(tagged, slices)
    return _by_country_pair(tagged, slices)


def _by_node(tagged: pl.DataFrame, slices: list[str]) -> pl.DataFrame:
    """:func:`cross_border` with ``by="node"`` (``cs``, ``ct``: the ends' countries)."""
    ends = pl.concat(
        [
            tagged.select(
                pl.col("source").alias("node"),
                pl.col("cs").alias("country"),
                pl.col("ct").alias("other"),
                "weight",
                *slices,
            ),
            tagged.filter(pl.col("source") != pl.col("target")).select(
                pl.col("target").alias("node"),
                pl.col("ct").alias("country"),
                pl.col("cs").alias("other"),
                "weight",
                *slices,
            ),
        ]
    )
    return (
        ends.group_by(*slices, "node", "country")
        .agg(
            pl.col("weight").sum(),
            pl.col("weight")
            .filter(pl.col("other") != pl.col("country"))
            .sum()
            .alias("cross_border_weight"),
        )
        .with_columns(
            (pl.col("cross_border_weight") / pl.col("weight")).alias("cross_border_share")
        )
        .sort(*slices, "node")
    )


def _by_country_pair(tagged: pl.DataFrame, slices: list[str]) -> pl.DataFrame:
    """:func:`cross_border` with ``by="country_pair"``: shares, intensity, affinity."""
    pairs = (
        tagged.filter(pl.col("cs") != pl.col("ct"))
        .select(
            pl.min_horizontal("cs", "ct").alias("country_a"),
            pl.max_horizontal("cs", "ct").alias("country_b"),
            "weight",
            *slices,
        )
        .group_by(*slices, "country_a", "country_b")
        .agg(pl.col("weight").sum())
    )
    ends = pl.concat(
        [
            pairs.select(*slices, pl.col("country_a").alias("c"), "weight"),
            pairs.select(*slices, pl.col("country_b").alias("c"), "weight"),
        ]
    )
    totals = ends.group_by(*slices, "c").agg(pl.col("weight").sum().alias("x"))
    grand = totals.group_by(*slices).agg(pl.col("x").sum().alias("grand")) if slices else None
    out = pairs.join(totals.rename({"c": "country_a", "x": "xa"}), on=[*slices, "country_a"]).join(
        totals.rename({"c": "country_b", "x": "xb"}), on=[*slices, "country_b"]
    )
    out = (
        out.join(grand, on=slices)
        if slices
        else out.with_columns(pl.lit(float(totals["x"].sum())).alias("grand"))
    )
    return (
        out.with_columns(
            (pl.col("weight") / pl.col("xa")).alias("share_a"),
            (pl.col("weight") / pl.col("xb")).alias("share_b"),
            (pl.col("weight") / (pl.col("xa") * pl.col("xb")).sqrt()).alias("intensity"),
            (pl.col("weight") * pl.col("grand") / (pl.col("xa") * pl.col("xb"))).alias("affinity"),
        )
        .drop("xa", "xb", "grand")
        .sort(*slices, "country_a", "country_b")
    )


def area_membership(nodes: pl.Series, area: str = "central_europe_2021_2027") -> pl.Series:
    """``inside``, ``outside`` or ``partly`` for each node code, against a NUTS-2 region set.

    NUTS-2 and NUTS-3 codes are inside when their NUTS-2 parent is in the set; country and
    NUTS-1 codes are inside when the whole country is (AT, CZ, HR, HU, PL, SI, SK), ``partly``
    when some of its NUTS-2 regions are (DE, IT), else outside. The 2014-2020 set is written in
    NUTS 2013 codes: pass codes of the same vintage.
    """
    members = region_set(area)
    countries_in = {c[:2] for c in members}
    code = pl.col("node")
    return pl.DataFrame({"node": nodes}).select(
        pl.when(code.str.len_chars() >= 4)
        .then(
            pl.when(code.str.slice(0, 4).is_in(sorted(members)))
            .then(pl.lit("inside"))
            .otherwise(pl.lit("outside"))
        )
        .when(code.str.slice(0, 2).is_in(sorted(WHOLE_COUNTRIES_CENTRAL_EUROPE & countries_in)))
        .then(pl.lit("inside"))
        .when(code.str.slice(0, 2).is_in(sorted(countries_in)))
        .then(pl.lit("partly"))
        .otherwise(pl.lit("outside"))
        .alias("area")
    )["area"]


@keeps_frame_kind
def area_ties(
    edges: pl.DataFrame | pl.LazyFrame, *, area: str = "central_europe_2021_2027"
) -> pl.DataFrame:
    """Ties inside the area, crossing its edge, and outside it (per ``year`` when present).

    Returns ``ties`` (``inside`` both ends inside; ``crossing`` one end inside, one outside;
    ``outside`` both outside; ``unclassified`` when an end is only ``partly`` inside, see
    :func:`area_membership`), ``edges``, ``weight`` and ``share`` of the total weight.
    """
    frame = validate_layered(edges)
    slices = [c for c in ("year", "layer") if c in frame.columns]
    nodes = pl.concat([frame["source"], frame["target"]]).unique()
    member = pl.DataFrame({"node": nodes, "area": area_membership(nodes, area)})
    tagged = frame.join(member.rename({"node": "source", "area": "a"}), on="source").join(
        member.rename({"node": "target", "area": "b"}), on="target"
    )
    kind = (
        pl.when((pl.col("a") == "partly") | (pl.col("b") == "partly"))
        .then(pl.lit("unclassified"))
        .when((pl.col("a") == "inside") & (pl.col("b") == "inside"))
        .then(pl.lit("inside"))
        .when((pl.col("a") == "inside") | (pl.col("b") == "inside"))
        .then(pl.lit("crossing"))
        .otherwise(pl.lit("outside"))
    )
    out = tagged.group_by(*slices, kind.alias("ties")).agg(
        pl.len().alias("edges"), pl.col("weight").sum()
    )
    total = pl.col("weight").sum().over(slices) if slices else pl.col("weight").sum()
    return out.with_columns((pl.col("weight") / total).alias("share")).sort(*slices, "ties")


@keeps_frame_kind
def tie_changes(
    edges: pl.DataFrame | pl.LazyFrame, *, start: int, end: int, min_change: float = 0.25
) -> pl.DataFrame:
    r"""Compare ties between two slices (``year`` column): new, lost, strengthened, weakened.

    For each pair with weight :math:`w_0` in ``start`` and :math:`w_1` in ``end``:
    ``new`` if :math:`w_0 = 0 < w_1`, ``lost`` if :math:`w_1 = 0 < w_0`, ``strengthened`` if
    :math:`w_1 \ge (1 + \text{min\_change}) w_0`, ``weakened`` if
    :math:`w_1 \le (1 - \text{min\_change}) w_0`, else ``stable``. Returns ``source, target,
    weight_start, weight_end, change, status`` (and ``layer`` for thematic layers, compared
    layer by layer) sorted by absolute change.
    """
    frame = validate_layered(edges)
    if "year" not in frame.columns:
        raise ValueError(
            "tie_changes needs edges with a 'year' column; build them with "
            "project_network(..., slice='year') or slice='window'"
        )
    if not 0 < min_change < 1:
        raise ValueError(f"min_change must be between 0 and 1; got {min_change!r}")
    check_years([start, end], frame["year"].unique().to_list(), what="edges")
    keys = [*(["layer"] if "layer" in frame.columns else []), "source", "target"]
    a = frame.filter(pl.col("year") == start).select(*keys, pl.col("weight").alias("weight_start"))
    b = frame.filter(pl.col("year") == end).select(*keys, pl.col("weight").alias("weight_end"))
    out = a.join(b, on=keys, how="full", coalesce=True).with_columns(
        pl.col("weight_start", "weight_end").fill_null(0.0)
    )
    w0, w1 = pl.col("weight_start"), pl.col("weight_end")
    status = (
        pl.when(w0 == 0)
        .then(pl.lit("new"))
        .when(w1 == 0)
        .then(pl.lit("lost"))
        .when(w1 >= (1 + min_change) * w0)
        .then(pl.lit("strengthened"))
        .when(w1 <= (1 - min_change) * w0)
        .then(pl.lit("weakened"))
        .otherwise(pl.lit("stable"))
    )
    return out.with_columns((w1 - w0).alias("change"), status.alias("status")).sort(
        pl.col("change").abs(), "source", "target", descending=[True, False, False]
    )


@keeps_frame_kind
def components(edges: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Connected components: ``node, component, size`` (component 0 is the largest).

    Only nodes with at least one tie appear; isolated nodes (e.g. organisations whose
    projects have no other partner) are in ``Projection.nodes`` with degree 0.
    """
    from scipy.sparse.csgraph import connected_components

    frame = one_slice(edges)
    adj, nodes = _adjacency(frame)
    _, labels = connected_components(adj, directed=False)
    out = pl.DataFrame({"node": nodes, "_c": labels})
    sizes = out.group_by("_c").len("size").sort(["size", "_c"], descending=[True, False])
    sizes = sizes.with_row_index("component")
    return out.join(sizes, on="_c").drop("_c").sort("component", "node")
