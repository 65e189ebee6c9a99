"""Brokerage by degree-ordered triangle counts against the naive pair loop, on graphs
that look like projected co-operation networks (overlapping cliques, a hub, few countries)."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import polars as pl
import pytest

from emerging.networks import brokerage


def naive_brokerage(e: pl.DataFrame) -> dict:
    g = nx.Graph()
    g.add_edges_from(e.select("source", "target").rows())
    out = {}
    for i in g:
        roles = dict.fromkeys(("coordinator", "gatekeeper", "consultant", "liaison"), 0)
        for j, k in combinations(sorted(g[i]), 2):
            if g.has_edge(j, k):
                continue
            ci, cj, ck = i[:2], j[:2], k[:2]
            if cj == ci and ck == ci:
                roles["coordinator"] += 1
            elif cj == ci or ck == ci:
                roles["gatekeeper"] += 1
            elif cj == ck:
                roles["consultant"] += 1
            else:
                roles["liaison"] += 1
        out[i] = roles
    return out


def test_brokerage_by_hand_and_naive_loop():
    # i (CZ) tied to j (CZ), k (SK), l (SK), m (AT); j-k tied: (j,k) closed;
    # open: (j,l), (j,m) gatekeeper; (k,l) consultant; (k,m), (l,m) liaison
    e = pl.DataFrame(
        [
            ("CZi", "CZj", 1),
            ("CZi", "SKk", 1),
            ("CZi", "SKl", 1),
            ("ATm", "CZi", 1),
            ("CZj", "SKk", 1),
        ],
        schema=["source", "target", "weight"],
        orient="row",
    )
    row = brokerage(e).filter(pl.col("node") == "CZi").row(0, named=True)
    assert (row["coordinator"], row["gatekeeper"], row["consultant"], row["liaison"]) == (
        0,
        2,
        1,
        2,
    )
    assert row["cross_border"] == 5
    for seed in range(3):  # random graphs, 4 countries
        g = nx.gnp_random_graph(40, 0.25, seed=seed)
        names = [f"{'CZSKATHU'[2 * (i % 4) : 2 * (i % 4) + 2]}{i:02d}" for i in range(40)]
        e = pl.DataFrame(
            [(min(names[u], names[v]), max(names[u], names[v]), 1.0) for u, v in g.edges()],
            schema=["source", "target", "weight"],
            orient="row",
        )
        got = {
            r["node"]: {k: r[k] for k in ("coordinator", "gatekeeper", "consultant", "liaison")}
            for r in brokerage(e).to_dicts()
        }
        assert got == naive_brokerage(e)


def clique_graph(seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    countries = ["CZ", "SK", "AT", "DE", "PL"]
    names = [f"{countries[rng.integers(0, 5 if i % 3 else 2)]}{i:03d}" for i in range(60)]
    pairs = set()
    for _ in range(25):  # projects: cliques of 2-8 organisations, the hub in a third of them
        size = int(rng.integers(2, 9))
        members = set(rng.choice(60, size=size, replace=False).tolist())
        if rng.random() < 0.33:
            members.add(0)
        pairs |= {tuple(sorted((names[a], names[b]))) for a, b in combinations(members, 2)}
    s, t = zip(*sorted(pairs), strict=True)
    return pl.DataFrame({"source": s, "target": t, "weight": [1.0] * len(s)})


@pytest.mark.parametrize("seed", range(4))
def test_brokerage_equals_naive_loop_on_clique_graphs(seed):
    e = clique_graph(seed)
    got = {
        r["node"]: {k: r[k] for k in ("coordinator", "gatekeeper", "consultant", "liaison")}
        for r in brokerage(e).to_dicts()
    }
    assert got == naive_brokerage(e)


def test_brokerage_in_any_row_order_and_with_countries_frame():
    e = clique_graph(7)
    shuffled = e.sample(fraction=1.0, shuffle=True, seed=3)
    assert brokerage(e).equals(brokerage(shuffled))
    nodes = pl.concat([e["source"], e["target"]]).unique()
    # a countries frame that puts every node in one group: only coordinators remain
    one = brokerage(e, countries=pl.DataFrame({"node": nodes, "country": "XX"}))
    assert (one["cross_border"] == 0).all()
    assert one["coordinator"].sum() == sum(
        v["coordinator"] + v["gatekeeper"] + v["consultant"] + v["liaison"]
        for v in naive_brokerage(e).values()
    )
