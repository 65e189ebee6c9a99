"""Layers that plug into each other: each layer's real output is piped into the next one,
on the simulated demo and (marked ``realdata``) on the real Eurostat SBS panel and the real
Horizon 2020 participations. Nothing here is a hand-made intermediate frame."""

from __future__ import annotations

import html

import numpy as np
import polars as pl
import pytest

from emerging._schema import INDUSTRY, PAIR_KEYS, REGION, YEAR, validate_edges, validate_pairs
from emerging.detect.rules import flag_emerging
from emerging.detect.signals import emergence_signals
from emerging.indices import cluster_stars, location_quotient
from emerging.networks import cross_border, project_network
from emerging.networks.industry_space import industry_space
from emerging.relatedness import proximity
from emerging.reports.factsheet import region_profile, render_factsheet

#: (panel, focal region, start, end) for each data source.
SOURCES = [
    pytest.param("demo", id="demo"),
    pytest.param("sbs", id="sbs", marks=pytest.mark.realdata),
]


@pytest.fixture(scope="module", params=SOURCES)
def source(request, demo_data):
    if request.param == "demo":
        return demo_data.panel.drop("flag"), "CZ06", 2015, 2023, True
    panel = request.getfixturevalue("sbs_employment_nuts2").drop("flag", strict=False)
    return panel, "CZ06", 2010, 2015, False


# ------------------------------------------------------------ proximity -> industry space
def test_proximity_feeds_the_industry_space(source):
    panel, _, _, end, _ = source
    prox = proximity(panel.filter(pl.col(YEAR) == end))
    assert list(prox.columns[:2]) == list(PAIR_KEYS)
    validate_pairs(prox)  # the pair contract holds for the real output
    space = industry_space(prox, year=end)
    edges = space.to_frame()
    validate_edges(edges)  # the space is a network: an Edges frame (source < target)
    assert (edges["source"] < edges["target"]).all()
    # every link of the space carries the proximity the relatedness layer computed
    joined = edges.join(prox.select(*PAIR_KEYS, "proximity"), left_on=["source", "target"],
                        right_on=list(PAIR_KEYS), how="left")
    assert joined["proximity"].null_count() == 0
    assert np.allclose(joined["weight"].to_numpy(), joined["proximity"].to_numpy())
    positive = prox.filter(pl.col("proximity") > 0)
    linked = set(positive[INDUSTRY].to_list())
    assert set(space.graph.nodes) == linked
    # a maximum spanning tree of each connected part: nodes - parts links
    import networkx as nx

    parts = nx.number_connected_components(space.graph)
    assert int(edges["tree"].sum()) == space.graph.number_of_nodes() - parts


# ---------------------------------------------------- project_network -> cross_border
@pytest.fixture(scope="module", params=[
    pytest.param("demo", id="demo"), pytest.param("h2020", id="h2020", marks=pytest.mark.realdata),
])
def participations(request, demo_data):
    if request.param == "demo":
        return demo_data.participations
    from emerging.io.cordis import read_h2020_eunets

    path = request.getfixturevalue("shared_data") / "cooperation" / "h2020_participations_eunets.csv.gz"
    parts = read_h2020_eunets(path).participations
    return parts.filter(pl.col("start_year").is_between(2016, 2018))


def test_projection_feeds_cross_border(participations):
    net = project_network(participations, node="region", weight="fractional")
    shares = cross_border(net.edges)
    # oracle: each node's ties to nodes of another country over all its ties, from the edges
    country = pl.col("node").str.slice(0, 2)
    both = pl.concat([
        net.edges.select(pl.col("source").alias("node"), pl.col("target").alias("other"), "weight"),
        net.edges.select(pl.col("target").alias("node"), pl.col("source").alias("other"), "weight"),
    ])
    oracle = (
        both.with_columns(foreign=country != pl.col("other").str.slice(0, 2))
        .group_by("node")
        .agg(total=pl.col("weight").sum(), abroad=pl.col("weight").filter("foreign").sum())
        .with_columns(expected=pl.col("abroad") / pl.col("total"))
    )
    got = shares.join(oracle, on="node", how="inner")
    assert got.height == oracle.height > 0
    assert np.allclose(got["cross_border_share"].to_numpy(), got["expected"].to_numpy())


# ----------------------------------------- location_quotient -> cluster_stars -> fact sheet
def test_lq_feeds_stars_and_the_fact_sheet(source):
    panel, region, start, end, simulated = source
    lq = location_quotient(panel.filter(pl.col(YEAR) == end))
    stars = cluster_stars(lq)  # the LQ frame is a panel with extra columns
    both = stars.stars.join(lq.select(REGION, INDUSTRY, YEAR, pl.col("lq").alias("lq_index")),
                            on=[REGION, INDUSTRY, YEAR])
    known = both.drop_nulls(["lq", "lq_index"])
    assert known.height > 0
    assert np.allclose(known["lq"].to_numpy(), known["lq_index"].to_numpy(), rtol=1e-12)

    profile = region_profile(panel, region, start=start, end=end, simulated=simulated)
    own = stars.stars.filter(pl.col(REGION) == region).select(
        INDUSTRY, pl.col("eco_stars").fill_null(0).alias("expected"))
    listed = profile.specialisations.join(own, on=INDUSTRY, how="left")
    # the sheet gives stars to traded industries only
    expected = [e if t else 0 for e, t in zip(listed["expected"], listed["traded"], strict=True)]
    assert listed["stars"].to_list() == expected
    page = render_factsheet(profile)
    assert page.startswith("<!DOCTYPE html>")
    assert html.escape(profile.name) in page
    assert profile.specialisations["label"][0] in page


# ------------------------------------------- emergence_signals -> flags -> fact sheet
def test_signals_feed_flags_and_the_fact_sheet(source):
    from emerging.codes.traded import traded_industries
    from emerging.detect import emergence_scores
    from emerging.reports._inputs import policy_exclusions

    panel, region, start, end, simulated = source
    flags = flag_emerging(emergence_signals(panel, start=start, end=end))
    profile = region_profile(panel, region, start=start, end=end, simulated=simulated)
    # the sheet lists the detection layer's 'emerging' and 'nascent' traded pairs, without the
    # industries left out by policy (fossil fuels, tobacco) or as resource-bound mining
    scores = emergence_scores(emergence_signals(panel, as_of=end, window=end - start + 1))
    shortlist = scores.to_frame().filter(
        (pl.col(REGION) == region) & pl.col("class").is_in(["emerging", "nascent"])
        & pl.col(INDUSTRY).is_in(sorted(traded_industries()))
        & ~pl.col(INDUSTRY).is_in(sorted(policy_exclusions())))
    assert set(profile.emerging[INDUSTRY]) <= set(shortlist[INDUSTRY])
    assert profile.emerging.height == min(shortlist.height, 4)
    page = render_factsheet(profile)
    for label in profile.emerging["label"].to_list():
        assert html.escape(label) in page
    assert flags._repr_html_().startswith('<div id="emerging-result-')
