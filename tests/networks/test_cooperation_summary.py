"""cooperation_summary and analyse_network: hand-computed figures and denominators."""

from __future__ import annotations

import polars as pl
import pytest

from emerging.networks import analyse_network, cooperation_summary

# p1: CZ064 + AT130 + AT130(2nd org); p2: CZ064 + CZ010; p3: CZ010 + SK010 + DE111; p4: AT + SK
PARTS = pl.DataFrame(
    {
        "project": ["p1", "p1", "p1", "p2", "p2", "p3", "p3", "p3", "p4", "p4"],
        "organisation": ["a", "b", "c", "a", "d", "d", "e", "f", "b", "e"],
        "region": ["CZ064", "AT130", "AT130", "CZ064", "CZ010", "CZ010", "SK010", "DE111",
                   "AT130", "SK010"],
        "country": ["CZ", "AT", "AT", "CZ", "CZ", "CZ", "SK", "DE", "AT", "SK"],
        "role": "participant",
        "start_year": [2015, 2015, 2015, 2016, 2016, 2018, 2018, 2018, 2019, 2019],
    }
).with_columns(pl.col("start_year").cast(pl.Int32))


def test_country_summary_by_hand():
    s = cooperation_summary("CZ", participations=PARTS)
    assert (s.projects, s.cross_border_projects) == (3, 2)  # p1, p2, p3; p1 and p3 abroad
    assert s.cross_border_share == pytest.approx(2 / 3)
    pc = {r["partner"]: (r["joint_projects"], r["share"]) for r in s.partner_countries.to_dicts()}
    assert pc == {"AT": (1, 0.5), "DE": (1, 0.5), "SK": (1, 0.5)}
    assert s.basis == "country" and s.partner_regions.is_empty()
    d = s.to_dict()
    assert d["projects"] == 3 and d["partner_countries"][0]["partner"] == "AT"


def test_region_summary_with_nuts_codes_and_interreg():
    interreg = pl.DataFrame({"region": ["CZ064", "CZ063"], "country": "CZ",
                             "partners": [5, 0], "projects": [4, 0],
                             "budget_meur": [1.0, None], "erdf_meur": [0.8, None],
                             "recorded": [True, False]})
    s = cooperation_summary("CZ06", participations=PARTS, interreg=interreg)
    assert s.basis == "region" and (s.projects, s.cross_border_projects) == (2, 1)
    assert s.partner_regions.to_dicts() == [
        {"partner": "AT13", "joint_projects": 1, "share": 1.0}
    ]
    assert s.interreg == {"partners": 5, "project_links": 4, "regions": 2, "regions_recorded": 1}
    assert "1 of 2 NUTS-3 regions on record" in s.summary()
    s = cooperation_summary("CZ", participations=PARTS, start=2016, end=2016)
    assert (s.projects, s.cross_border_projects) == (1, 0)


def test_analyse_network_shares_have_domestic_ties_in_the_denominator():
    res = analyse_network(PARTS, node="country", weight="count")
    m = {r["node"]: r for r in res.metrics.to_dicts()}
    # CZ ties: p1 CZ-AT (1), p2 inside CZ (1, a self-loop), p3 CZ-SK and CZ-DE (1 each)
    assert m["CZ"]["tie_weight"] == 4 and m["CZ"]["cross_border_weight"] == 3
    assert m["CZ"]["cross_border_share"] == pytest.approx(3 / 4)
    assert "Cross-border share of all tie weight" in res.summary()
    reg = analyse_network(PARTS, node="region", level=2, weight="count")
    assert set(reg.metrics["node"]) == {"AT13", "CZ01", "CZ06", "DE11", "SK01"}
    assert {"gatekeeper", "liaison", "community"} <= set(reg.metrics.columns)


def test_analyse_network_writes_tables_and_figures(tmp_path):
    res = analyse_network(PARTS, node="region", level=2, weight="count", progress=print)
    paths = res.write(tmp_path)
    names = {p.name for p in paths}
    assert {"edges.parquet", "nodes.csv", "country_pairs.csv", "communities.parquet",
            "network.png", "flow_map.png"} <= names
    assert all(p.stat().st_size > 0 for p in paths)
    nodes = pl.read_parquet(tmp_path / "nodes.parquet")
    assert nodes.height == 5


def test_cross_border_share_warns_without_domestic_ties():
    from emerging.networks import cross_border, project_network

    bare = project_network(PARTS, node="country", weight="count")
    with pytest.warns(UserWarning, match="every cross_border_share is 1"):
        shares = cross_border(bare.edges, by="node")
    assert (shares["cross_border_share"] == 1).all()
    loops = project_network(PARTS, node="country", weight="count", self_loops=True)
    shares = cross_border(loops.edges, by="node")
    assert shares.filter(pl.col("node") == "CZ")["cross_border_share"][0] == pytest.approx(3 / 4)
