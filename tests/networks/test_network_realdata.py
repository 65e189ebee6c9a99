"""Horizon 2020 networks on the real table in ../shared/data/cooperation, against polars oracles."""

from __future__ import annotations

import polars as pl
import pytest

from emerging.io.cordis import read_h2020_eunets
from emerging.networks.build import encode, project_network
from emerging.networks.metrics import components, cross_border

pytestmark = pytest.mark.realdata
RING = ["CZ", "SK", "HU", "PL", "SI", "AT", "DE", "IT"]


@pytest.fixture(scope="module")
def h2020(shared_data):
    coop = shared_data / "cooperation"
    parts = read_h2020_eunets(coop / "h2020_participations_eunets.csv.gz").participations
    return parts.filter(pl.col("start_year").is_between(2014, 2020))


@pytest.fixture(scope="module")
def encoded(h2020):
    return encode(h2020)


def test_country_joint_projects_equal_polars_oracle(h2020, encoded):
    net = project_network(encoded, node="country", weight="count")
    got = {
        (s, t): w
        for s, t, w in net.edges.filter(
            pl.col("source").is_in(RING) & pl.col("target").is_in(RING)
        ).iter_rows()
    }
    presence = h2020.filter(pl.col("country").is_in(RING)).select("project", "country").unique()
    pairs = (
        presence.join(presence, on="project", suffix="_b")
        .filter(pl.col("country") < pl.col("country_b"))
        .group_by("country", "country_b")
        .len()
    )
    expected = {(a, b): float(n) for a, b, n in pairs.iter_rows()}
    assert got == expected
    assert len(got) == 28  # every pair of the eight countries co-operates
    # CZ-SK: the projects with partners in both countries
    assert got[("CZ", "SK")] == 182


def test_fractional_total_and_cross_border_shares(h2020, encoded):
    net = project_network(encoded, node="country", weight="fractional", self_loops=True)
    sizes = h2020.group_by("project").len().filter(pl.col("len") > 1)
    # each project spreads n_p / 2 over its organisation pairs (self-loops counted once)
    assert net.edges["weight"].sum() == pytest.approx(sizes["len"].sum() / 2)
    share = cross_border(net.edges, by="node").filter(pl.col("node").is_in(RING))
    assert share["cross_border_share"].is_between(0, 1).all()
    by_node = dict(share.select("node", "cross_border_share").iter_rows())
    assert by_node["SK"] > by_node["DE"]  # small countries co-operate abroad more
    yearly = project_network(encoded, node="country", weight="count", slice="year")
    assert sorted(yearly.edges["year"].unique().to_list()) == list(range(2014, 2021))
    pooled = yearly.edges.group_by("source", "target").agg(pl.col("weight").sum())
    total = project_network(encoded, node="country", weight="count").edges
    assert pooled.sort("source", "target").equals(
        total.select("source", "target", "weight").sort("source", "target")
    )


def test_organisation_network_size_and_components(h2020, encoded):
    net = project_network(encoded, node="organisation", weight="count")
    assert net.nodes.height == h2020["organisation"].n_unique()
    sizes = h2020.group_by("project").len()
    alone = (
        h2020.join(sizes, on="project")
        .group_by("organisation")
        .agg((pl.col("len") == 1).all().alias("alone"))
        .filter("alone")
    )
    assert net.nodes.filter(pl.col("degree") == 0).height == alone.height
    # distinct organisation pairs sharing a project, by a polars self-join
    slim = h2020.select("project", "organisation")
    n_pairs = (
        slim.join(slim, on="project", suffix="_b")
        .filter(pl.col("organisation") < pl.col("organisation_b"))
        .select("organisation", "organisation_b")
        .unique()
        .height
    )
    assert net.edges.height == n_pairs
    comp = components(net.edges)
    largest = comp.filter(pl.col("component") == 0).height
    assert largest / net.nodes.height > 0.8  # one giant component
    assert comp["node"].n_unique() + alone.height == net.nodes.height
