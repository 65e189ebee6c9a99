"""The simulated demo: deterministic, realistic in shape, and its planted signals are there."""

import numpy as np
import polars as pl

from emerging import location_quotient, validate_panel, validate_participations
from emerging.codes.nuts import central_europe_2021_2027
from emerging.datasets import demo
from emerging.datasets._demo import COMMUNITIES, DIVISIONS, EMERGING, TRENDS


def test_deterministic_for_a_seed_and_different_across_seeds(demo_data):
    again = demo(demo_data.seed)
    assert again.panel.equals(demo_data.panel)
    assert again.participations.equals(demo_data.participations)
    other = demo(demo_data.seed + 1)
    assert not other.panel.equals(demo_data.panel)


def test_contracts_and_coverage(demo_data):
    panel = validate_panel(demo_data.panel)
    assert set(panel["region"]) == central_europe_2021_2027()
    assert set(panel["industry"]) == set(DIVISIONS)
    assert panel["year"].min() == 2008 and panel["year"].max() == 2023
    assert panel.height == 81 * len(DIVISIONS) * 16
    validate_participations(demo_data.participations)


def test_realistic_structure(demo_data):
    panel = demo_data.panel
    nulls = panel["value"].null_count()
    assert 0 < nulls < 0.01 * panel.height  # a few confidential cells
    assert panel.filter(pl.col("value").is_null())["flag"].unique().to_list() == ["c"]
    zeros = (panel["value"] == 0).mean()
    assert 0.005 < zeros < 0.15
    sizes = panel.filter(year=2023).group_by("region").agg(pl.col("value").sum())["value"]
    assert sizes.max() / sizes.min() > 5  # heavy-tailed region sizes
    team = demo_data.participations.group_by("project").len()["len"]
    assert team.min() >= 2 and team.max() <= 20


def test_planted_emerging_pairs_cross_one_with_accelerating_growth(demo_data):
    lq = location_quotient(demo_data.panel)
    for region, industry in EMERGING:
        series = lq.filter(region=region, industry=industry).sort("year")
        lqs = series["lq"].to_numpy()
        assert lqs[0] < 0.9 and lqs[-1] > 1.1, (region, industry, lqs)
        growth = np.diff(np.log(series["value"].to_numpy()))
        assert growth[-5:].mean() > growth[:5].mean() + 0.05  # acceleration


def test_planted_trends_have_their_slope(demo_data):
    lq = location_quotient(demo_data.panel)
    for region, industry, slope in TRENDS:
        series = lq.filter(region=region, industry=industry).sort("year")
        fitted = np.polyfit(series["year"].to_numpy(), np.log(series["lq"].to_numpy()), 1)[0]
        assert abs(fitted - slope) < 0.015, (region, industry, fitted, slope)


def test_planted_related_pair_co_occurs(demo_data):
    lq = location_quotient(demo_data.panel.filter(year=2023))
    wide = lq.pivot(on="industry", index="region", values="lq").fill_null(0.0)
    corr = wide.select(pl.corr("C21", "M72")).item()
    others = [pl.corr("C21", c).alias(c) for c in DIVISIONS if c not in ("C21", "M72")]
    assert corr > 0.4
    assert corr > max(wide.select(others).row(0))


def test_planted_communities_co_operate_inside(demo_data):
    parts = demo_data.participations
    members = {r: name for name, rs in COMMUNITIES.items() for r in rs}
    tagged = parts.with_columns(pl.col("region").replace_strict(members, default=None).alias("c"))
    pairs = tagged.join(tagged, on="project").filter(
        (pl.col("organisation") < pl.col("organisation_right"))
        & pl.col("c").is_not_null() & pl.col("c_right").is_not_null()
    )
    inside = (pairs["c"] == pairs["c_right"]).mean()
    assert inside > 0.7
    cross_border = pairs.filter(pl.col("c") == pl.col("c_right"))
    assert (cross_border["country"] != cross_border["country_right"]).mean() > 0.4


def test_documented_as_simulated(demo_data):
    assert "SIMULATED" in demo_data.summary()
    assert "SIMULATED" in (demo.__module__ and __import__(demo.__module__, fromlist=["x"]).__doc__)
