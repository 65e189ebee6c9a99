"""Projections: hand-computed weights, a naive-loop oracle and hypothesis properties."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import combinations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging._schema import validate_edges
from emerging.networks.build import project_network, to_networkx

# Hand-made bipartite example. Projects and their organisations (region):
#   P1: a (CZ01), b (CZ01), c (SK01)            n = 3
#   P2: a (CZ01), d (AT13)                      n = 2
#   P3: b (CZ01), c (SK01), d (AT13), e (AT13)  n = 4
#   P4: e (AT13)                                n = 1 (no ties)
ROWS = [
    ("P1", "a", "CZ01"),
    ("P1", "b", "CZ01"),
    ("P1", "c", "SK01"),
    ("P2", "a", "CZ01"),
    ("P2", "d", "AT13"),
    ("P3", "b", "CZ01"),
    ("P3", "c", "SK01"),
    ("P3", "d", "AT13"),
    ("P3", "e", "AT13"),
    ("P4", "e", "AT13"),
]
YEARS = {"P1": 2015, "P2": 2016, "P3": 2016, "P4": 2017}


def hand_participations() -> pl.DataFrame:
    return pl.DataFrame(
        ROWS, schema=["project", "organisation", "region"], orient="row"
    ).with_columns(
        pl.col("region").str.slice(0, 2).alias("country"),
        pl.lit("participant").alias("role"),
        pl.col("project").replace_strict(YEARS, return_dtype=pl.Int32).alias("start_year"),
        pl.lit(10.0).alias("funding"),
        pl.col("project")
        .replace_strict(
            {"P1": "SC1", "P2": "SC1|SC5", "P3": "SC5", "P4": None}, return_dtype=pl.String
        )
        .alias("topic"),
    )


def weights(edges: pl.DataFrame) -> dict[tuple[str, str], float]:
    return {(s, t): w for s, t, w in edges.select("source", "target", "weight").iter_rows()}


def approx(expected: dict) -> dict:
    return {k: pytest.approx(float(v), rel=1e-12) for k, v in expected.items()}


F = Fraction
ORG_COUNT = {
    ("a", "b"): 1,
    ("a", "c"): 1,
    ("b", "c"): 2,
    ("a", "d"): 1,
    ("b", "d"): 1,
    ("c", "d"): 1,
    ("b", "e"): 1,
    ("c", "e"): 1,
    ("d", "e"): 1,
}
ORG_FRACTIONAL = {
    ("a", "b"): F(1, 2),
    ("a", "c"): F(1, 2),
    ("b", "c"): F(1, 2) + F(1, 3),
    ("a", "d"): F(1),
    ("b", "d"): F(1, 3),
    ("c", "d"): F(1, 3),
    ("b", "e"): F(1, 3),
    ("c", "e"): F(1, 3),
    ("d", "e"): F(1, 3),
}
# projects: a {P1,P2}, b {P1,P3}, c {P1,P3}, d {P2,P3}, e {P3,P4}
ORG_JACCARD = {pair: F(n, 4 - n) for pair, n in ORG_COUNT.items()}
# project funding F_P1 = 30, F_P2 = 20, F_P3 = 40
ORG_FUNDING = {
    ("a", "b"): 30,
    ("a", "c"): 30,
    ("b", "c"): 70,
    ("a", "d"): 20,
    ("b", "d"): 40,
    ("c", "d"): 40,
    ("b", "e"): 40,
    ("c", "e"): 40,
    ("d", "e"): 40,
}


@pytest.mark.parametrize(
    "weight, expected",
    [
        ("count", ORG_COUNT),
        ("fractional", ORG_FRACTIONAL),
        ("jaccard", ORG_JACCARD),
        ("funding", ORG_FUNDING),
    ],
)
def test_organisation_projection_by_hand(weight, expected):
    net = project_network(hand_participations(), node="organisation", weight=weight)
    assert weights(net.edges) == approx(expected)
    validate_edges(net.edges)


def test_region_projection_by_hand_with_self_loops():
    p = hand_participations()
    frac = project_network(p, node="region", weight="fractional", self_loops=True)
    # CZ01-SK01: P1 2*1/2 + P3 1*1/3; CZ01-AT13: P2 1/1 + P3 1*2/3; AT13-SK01: P3 2*1/3
    # inside CZ01: P1 C(2,2)/2; inside AT13: P3 C(2,2)/3
    assert weights(frac.edges) == approx(
        {
            ("CZ01", "SK01"): F(4, 3),
            ("AT13", "CZ01"): F(5, 3),
            ("AT13", "SK01"): F(2, 3),
            ("CZ01", "CZ01"): F(1, 2),
            ("AT13", "AT13"): F(1, 3),
        }
    )
    # an organisation spreads one unit per multi-partner project: strengths = projects
    strength = dict(frac.nodes.select("node", "strength").iter_rows())
    assert strength == approx({"AT13": 3, "CZ01": 4, "SK01": 2})
    count = project_network(p, node="country", weight="count", self_loops=True)
    assert weights(count.edges) == approx(
        {("CZ", "SK"): 2, ("AT", "CZ"): 2, ("AT", "SK"): 1, ("CZ", "CZ"): 1, ("AT", "AT"): 1}
    )
    no_loops = project_network(p, node="region", weight="count")
    assert (no_loops.edges["source"] != no_loops.edges["target"]).all()


def test_level_truncation_slices_and_layers():
    p = hand_participations()
    lvl0 = project_network(p, node="region", level=0, weight="count")
    assert weights(lvl0.edges) == approx({("CZ", "SK"): 2, ("AT", "CZ"): 2, ("AT", "SK"): 1})
    by_year = project_network(p, node="country", weight="count", slice="year")
    assert set(by_year.edges["year"].to_list()) == {2015, 2016}
    y2016 = weights(by_year.edges.filter(pl.col("year") == 2016))
    assert y2016 == approx({("AT", "CZ"): 2, ("AT", "SK"): 1, ("CZ", "SK"): 1})
    win = project_network(p, node="country", weight="count", slice="window", window=2)
    assert sorted(win.edges["year"].unique().to_list()) == [2016, 2017]
    assert weights(win.edges.filter(pl.col("year") == 2016)) == approx(
        {("AT", "CZ"): 2, ("AT", "SK"): 1, ("CZ", "SK"): 2}
    )
    layers = project_network(p, node="organisation", weight="count", layer="topic")
    sc1 = weights(layers.edges.filter(pl.col("layer") == "SC1"))
    assert sc1 == approx({("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1, ("a", "d"): 1})
    assert layers.exclusions.counts["no topic (left out of the layers)"] == 1


def test_bad_options_raise_clear_errors():
    p = hand_participations()
    with pytest.raises(ValueError, match=r"weight must be one of \('count', 'fractional'"):
        project_network(p, weight="cosine")
    with pytest.raises(ValueError, match="node must be one of"):
        project_network(p, node="nuts")
    with pytest.raises(ValueError, match="self_loops applies to region or country"):
        project_network(p, node="organisation", self_loops=True)
    with pytest.raises(ValueError, match="needs at least 5 start years"):
        project_network(p, slice="window", window=5)
    with pytest.raises(ValueError, match="needs a 'funding' column"):
        project_network(p.drop("funding"), weight="funding")
    with pytest.raises(ValueError, match="several years"):
        to_networkx(project_network(p, node="country", slice="year").edges)


def test_to_networkx_carries_weight_and_distance():
    net = project_network(hand_participations(), node="organisation", weight="fractional")
    g = net.to_networkx()
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 9
    assert g["a"]["d"]["weight"] == 1.0 and g["b"]["c"]["distance"] == pytest.approx(6 / 5)
    assert net.summary().startswith("organisation network (fractional weights): 5 nodes, 9 edges")
    assert ">Projection</p>" in net._repr_html_()


# ------------------------------------------------------------------ oracle and properties

REGION_OF = ["CZ01", "CZ02", "SK01", "AT13", "HU11"]


def random_participations(pairs: list[tuple[int, int]]) -> pl.DataFrame:
    rows = sorted(set(pairs))
    return pl.DataFrame(
        {
            "project": [f"P{p}" for p, _ in rows],
            "organisation": [f"O{o}" for _, o in rows],
            "region": [REGION_OF[o % 5] for _, o in rows],
            "country": [REGION_OF[o % 5][:2] for _, o in rows],
            "role": ["participant"] * len(rows),
            "start_year": [2014 + p % 3 for p, _ in rows],
            "funding": [float(1 + (p * 7 + o * 3) % 11) for p, o in rows],
        }
    ).with_columns(pl.col("start_year").cast(pl.Int32))


def naive_region_weights(parts: pl.DataFrame, weight: str) -> dict:
    """Loop over projects and organisation pairs: the definition, written out."""
    members = defaultdict(list)
    for p, o, r in parts.select("project", "organisation", "region").iter_rows():
        members[p].append((o, r))
    out: dict = defaultdict(Fraction)
    for orgs in members.values():
        n = len(orgs)
        if n < 2:
            continue
        if weight == "fractional":
            for (_, r1), (_, r2) in combinations(orgs, 2):
                if r1 != r2:
                    out[tuple(sorted((r1, r2)))] += Fraction(1, n - 1)
        else:
            regions = sorted({r for _, r in orgs})
            for pair in combinations(regions, 2):
                out[pair] += 1
    return dict(out)


pairs_strategy = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 11)), min_size=2, max_size=60)


@settings(max_examples=60, deadline=None)
@given(pairs_strategy)
def test_region_weights_equal_naive_loop(pairs):
    parts = random_participations(pairs)
    for weight in ("count", "fractional"):
        net = project_network(parts, node="region", weight=weight)
        assert weights(net.edges) == approx(naive_region_weights(parts, weight))


@settings(max_examples=60, deadline=None)
@given(pairs_strategy)
def test_symmetry_and_weight_ranges(pairs):
    parts = random_participations(pairs)
    nets = {
        w: project_network(parts, node="organisation", weight=w)
        for w in ("count", "fractional", "jaccard", "funding")
    }
    count = weights(nets["count"].edges)
    for net in nets.values():
        e = net.edges
        assert (e["source"] < e["target"]).all()  # each undirected pair once, no self-loops
        assert e.select("source", "target").is_unique().all()
        assert (e["weight"] > 0).all()
        assert set(weights(e)) == set(count)  # same ties whatever the weighting
    assert all(float(v).is_integer() for v in count.values())
    jac = weights(nets["jaccard"].edges)
    assert all(0 < v <= 1 for v in jac.values())
    frac = weights(nets["fractional"].edges)
    assert all(frac[k] <= count[k] + 1e-12 for k in count)
    # fractional counting: each organisation's strength = its projects with >= 2 partners
    sizes = parts.group_by("project").len()
    multi = (
        parts.join(sizes, on="project").filter(pl.col("len") > 1).group_by("organisation").len("n")
    )
    strength = dict(nets["fractional"].nodes.select("node", "strength").iter_rows())
    for org, n in multi.iter_rows():
        assert strength[org] == pytest.approx(n)
    # symmetry w_ij = w_ji: relabel organisations so that every pair's order flips
    flipped = parts.with_columns(
        (
            "X"
            + (99 - pl.col("organisation").str.slice(1).cast(pl.Int64)).cast(pl.String).str.zfill(2)
        ).alias("organisation")
    )
    back = {f"X{99 - int(o[1:]):02d}": o for o in parts["organisation"].to_list()}
    again = weights(
        project_network(flipped.reverse(), node="organisation", weight="fractional").edges
    )
    assert {tuple(sorted((back[s], back[t]))): w for (s, t), w in again.items()} == approx(frac)


def test_layered_edges_flow_through_metrics():
    """Thematic layers repeat pairs across layers: every layer is a valid Edges frame and the
    metrics keep layers apart."""
    from emerging.networks.backbone import disparity_filter
    from emerging.networks.metrics import cross_border, tie_changes

    p = hand_participations()
    layers = project_network(p, node="country", weight="count", layer="topic")
    for _, group in layers.edges.group_by("layer"):
        validate_edges(group.drop("layer"))
    pairs = cross_border(layers.edges, by="country_pair")
    sc5 = {
        (r["country_a"], r["country_b"]): r["weight"] for r in pairs.filter(layer="SC5").to_dicts()
    }
    assert sc5 == {("AT", "CZ"): 2, ("AT", "SK"): 1, ("CZ", "SK"): 1}  # P2 and P3
    assert disparity_filter(layers.edges, alpha=0.99)["layer"].n_unique() >= 1
    yearly = project_network(p, node="country", weight="count", layer="topic", slice="year")
    changes = tie_changes(yearly.edges, start=2015, end=2016)
    assert set(changes["layer"]) == {"SC1", "SC5"}
    sc1 = {(r["source"], r["target"]): r["status"] for r in changes.filter(layer="SC1").to_dicts()}
    assert sc1 == {("CZ", "SK"): "lost", ("AT", "CZ"): "new"}
