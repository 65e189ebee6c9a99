"""Metrics, backbone, brokerage, communities: hand values, networkx and naive-loop oracles."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import networkx as nx
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.networks._communities import adjusted_rand_index, communities
from emerging.networks.backbone import disparity_filter
from emerging.networks.metrics import (
    area_ties,
    cross_border,
    node_metrics,
    tie_changes,
)


def edges(rows, **extra) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["source", "target", "weight"], orient="row")
    return frame.with_columns(
        pl.col("weight").cast(pl.Float64), *(pl.lit(v).alias(k) for k, v in extra.items())
    )


def random_graph(seed: int, n: int = 30, p: float = 0.2, dyadic: bool = False) -> pl.DataFrame:
    """Random graph; ``dyadic`` weights (1, 2, 4, 8) make path lengths 1/w exact in binary,
    so that float ties are the same for every algorithm."""
    g = nx.gnp_random_graph(n, p, seed=seed)
    rng = np.random.default_rng(seed)
    names = [f"{'CZSKATHU'[2 * (i % 4) : 2 * (i % 4) + 2]}{i:02d}" for i in range(n)]
    draw = (
        (lambda: float(2 ** rng.integers(0, 4))) if dyadic else (lambda: float(rng.integers(1, 10)))
    )
    return (
        edges([(names[u], names[v], draw()) for u, v in g.edges()])
        .with_columns(
            pl.min_horizontal("source", "target").alias("s"),
            pl.max_horizontal("source", "target").alias("t"),
        )
        .select(pl.col("s").alias("source"), pl.col("t").alias("target"), "weight")
    )


def test_cross_border_by_hand():
    e = edges([("CZ", "SK", 2), ("AT", "CZ", 1), ("AT", "SK", 1), ("CZ", "CZ", 3)])
    node = {r["node"]: r for r in cross_border(e, by="node").to_dicts()}
    assert node["CZ"]["weight"] == 6 and node["CZ"]["cross_border_weight"] == 3
    assert node["CZ"]["cross_border_share"] == pytest.approx(1 / 2)
    assert node["AT"]["cross_border_share"] == 1.0
    pair = {
        (r["country_a"], r["country_b"]): r for r in cross_border(e, by="country_pair").to_dicts()
    }
    # cross-border totals X_CZ = 3, X_SK = 3, X_AT = 2, X = 8
    assert pair[("CZ", "SK")]["intensity"] == pytest.approx(2 / 3)
    assert pair[("CZ", "SK")]["affinity"] == pytest.approx(float(Fraction(2 * 8, 9)))
    assert pair[("AT", "CZ")]["share_a"] == pytest.approx(1 / 2)
    assert pair[("AT", "CZ")]["share_b"] == pytest.approx(1 / 3)
    by_year = cross_border(
        pl.concat([e.with_columns(year=pl.lit(y)) for y in (2015, 2016)]), by="country_pair"
    )
    assert by_year.height == 6 and set(by_year["year"]) == {2015, 2016}
    with pytest.raises(ValueError, match="by must be one of"):
        cross_border(e, by="region")


def test_area_ties_by_hand():
    e = edges([("AT13", "CZ01", 4), ("AT13", "FR10", 1), ("ES30", "FR10", 2), ("AT", "DE", 3)])
    out = {r["ties"]: r for r in area_ties(e).to_dicts()}
    assert out["inside"]["weight"] == 4 and out["crossing"]["weight"] == 1
    assert out["outside"]["weight"] == 2 and out["unclassified"]["weight"] == 3
    assert out["inside"]["share"] == pytest.approx(0.4)


def test_disparity_filter_star_by_hand():
    # hub h with ties 10, 1, 1, 1: s = 13, k = 4; alpha(h-a) = (3/13)^3 ~ 0.012
    e = edges([("a", "h", 10), ("b", "h", 1), ("c", "h", 1), ("d", "h", 1)])
    kept = disparity_filter(e, alpha=0.05)
    assert kept.select("source", "target").rows() == [("a", "h")]
    assert kept["alpha"][0] == pytest.approx((3 / 13) ** 3)
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        disparity_filter(e, alpha=5)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.01, 0.05, 0.2]))
def test_disparity_filter_equals_naive_loop(seed, alpha):
    e = random_graph(seed)
    g = nx.Graph()
    g.add_weighted_edges_from(e.iter_rows())
    expected = set()
    for u, v, w in g.edges(data="weight"):
        ps = []
        for x in (u, v):
            s = sum(d for _, _, d in g.edges(x, data="weight"))
            k = g.degree(x)
            ps.append((1 - w / s) ** (k - 1))
        if min(ps) < alpha:
            expected.add(tuple(sorted((u, v))))
    assert set(disparity_filter(e, alpha=alpha).select("source", "target").rows()) == expected


def test_node_metrics_match_networkx():
    e = random_graph(3, n=40, p=0.15, dyadic=True)
    got = node_metrics(e, betweenness="exact").sort("node")
    g = nx.Graph()
    g.add_weighted_edges_from(e.iter_rows())
    for _, _, d in g.edges(data=True):
        d["distance"] = 1 / d["weight"]
    names = got["node"].to_list()
    pr = nx.pagerank(g, weight="weight", tol=1e-13, max_iter=100_000)
    bc = nx.betweenness_centrality(g, weight="distance")
    cl = nx.clustering(g)
    assert got["pagerank"].to_list() == pytest.approx([pr[n] for n in names], abs=1e-9)
    assert got["betweenness"].to_list() == pytest.approx([bc[n] for n in names], abs=1e-9)
    assert got["clustering"].to_list() == pytest.approx([cl[n] for n in names], abs=1e-12)
    assert got["strength"].to_list() == pytest.approx([g.degree(n, weight="weight") for n in names])
    if nx.is_connected(g):
        ev = nx.eigenvector_centrality_numpy(g, weight="weight")
        assert got["eigenvector"].to_list() == pytest.approx([ev[n] for n in names], abs=1e-6)
    sampled = node_metrics(e, betweenness="sampled", k=20, seed=1)
    assert np.corrcoef(sampled["betweenness"], got["betweenness"])[0, 1] > 0.8
    n_nodes = pl.concat([e["source"], e["target"]]).n_unique()
    assert node_metrics(e, betweenness="none")["betweenness"].null_count() == n_nodes


def test_tie_changes_by_hand():
    e = pl.concat(
        [
            edges([("A", "B", 2), ("A", "C", 4), ("B", "C", 1)], year=2014),
            edges([("A", "B", 3), ("A", "C", 1), ("C", "D", 2)], year=2020),
        ]
    )
    out = {
        (r["source"], r["target"]): r["status"]
        for r in tie_changes(e, start=2014, end=2020).to_dicts()
    }
    assert out == {
        ("A", "B"): "strengthened",
        ("A", "C"): "weakened",
        ("B", "C"): "lost",
        ("C", "D"): "new",
    }
    with pytest.raises(ValueError, match=r"year\(s\) \[2013\] not in the edges; years present"):
        tie_changes(e, start=2013, end=2020)


def test_communities_two_cliques_and_ari():
    left = [(f"A{i}", f"A{j}", 5) for i, j in combinations(range(5), 2)]
    right = [(f"B{i}", f"B{j}", 5) for i, j in combinations(range(5), 2)]
    res = communities(edges([*left, *right, ("A0", "B0", 1)]), seed=3)
    labels = dict(res.membership.iter_rows())
    assert len(set(labels.values())) == 2
    assert len({labels[f"A{i}"] for i in range(5)}) == 1
    # Q of two 5-cliques (weight 50 each) joined by weight 1: m = 101
    m = 101
    q = 2 * (50 / m - (101 / (2 * m)) ** 2)
    assert res.modularity == pytest.approx(q)
    assert "2 communities" in res.summary()


def test_adjusted_rand_index_by_hand_and_oracle():
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    # contingency [[2,1],[0,1]]: margins a = (3, 1), b = (2, 2)
    # sum C(nij,2) = 1; sum C(ai,2) = 3; sum C(bj,2) = 2; E = 3*2/6 = 1; ARI = (1-1)/(2.5-1) = 0
    assert adjusted_rand_index([0, 0, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.0)
    sklearn = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 200), rng.integers(0, 5, 200)
    b[:120] = a[:120]
    assert adjusted_rand_index(a, b) == pytest.approx(sklearn.adjusted_rand_score(a, b))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.05, 0.1, 0.3]))
def test_betweenness_and_pagerank_equal_networkx_on_random_graphs(seed, p):
    """Oracle: networkx on random (often disconnected) graphs with exact path lengths."""
    e = random_graph(seed, n=25, p=p, dyadic=True)
    if e.height < 2:
        return
    got = node_metrics(e, betweenness="exact")
    g = nx.Graph()
    g.add_weighted_edges_from(e.iter_rows())
    for _, _, d in g.edges(data=True):
        d["distance"] = 1 / d["weight"]
    bc = nx.betweenness_centrality(g, weight="distance")
    pr = nx.pagerank(g, weight="weight", tol=1e-13, max_iter=100_000)
    names = got["node"].to_list()
    assert got["betweenness"].to_list() == pytest.approx([bc[n] for n in names], abs=1e-12)
    assert got["pagerank"].to_list() == pytest.approx([pr[n] for n in names], abs=1e-9)
