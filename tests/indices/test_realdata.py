"""Real Eurostat SBS panel (NUTS-2 x NACE division, 2008-2015): LQs, stars, indices."""

from __future__ import annotations

import polars as pl
import pytest

from emerging.indices import (
    cluster_stars,
    industry_concentration,
    location_quotient,
    regional_diversity,
)

pytestmark = pytest.mark.realdata

FOCUS = ("CZ", "SK", "HU", "PL", "SI", "AT")
YEAR = 2014  # the latest complete year of this vintage (2015 has ~40 % fewer known cells)


@pytest.fixture(scope="module")
def panel(sbs_employment_nuts2) -> pl.DataFrame:
    return sbs_employment_nuts2.select("region", "industry", "year", "value")


@pytest.fixture(scope="module")
def lq(panel) -> pl.DataFrame:
    return location_quotient(panel)


def test_focus_regions_get_lqs(lq):
    focus = lq.filter(pl.col("region").str.slice(0, 2).is_in(FOCUS) & (pl.col("year") == YEAR))
    per_region = focus.group_by("region").agg(pl.col("lq").is_not_null().mean().alias("known"))
    assert set(per_region["region"].str.slice(0, 2)) == set(FOCUS)
    assert per_region.height >= 46  # CZ 8, SK 4, HU 7, PL 16, SI 2+, AT 9
    # SI01/SI02 (NUTS 2010) report up to 2012 and SI03/SI04 (NUTS 2013) from 2013: in
    # 2014 the old codes hold only null cells, each with its reason
    empty = per_region.filter(pl.col("known") == 0)["region"].sort().to_list()
    assert empty == ["SI01", "SI02"]
    assert focus.filter(pl.col("region").is_in(empty))["value"].null_count() == 2 * 68
    assert (per_region.filter(pl.col("known") > 0)["known"] > 0.5).all()
    # every null LQ says why
    assert focus.filter(pl.col("lq").is_null())["lq_reason"].null_count() == 0


def test_lq_matches_direct_computation(panel, lq):
    p = panel.filter(pl.col("year") == YEAR)
    total = p["value"].sum()
    ind = p.group_by("industry").agg(pl.col("value").sum().alias("ei"))
    reg = p.group_by("region").agg(pl.col("value").sum().alias("er"))
    direct = (p.join(ind, on="industry").join(reg, on="region")
              .with_columns(((pl.col("value") / pl.col("er")) / (pl.col("ei") / total))
                            .alias("direct")))
    both = lq.filter(pl.col("year") == YEAR).join(direct.select("region", "industry", "direct"),
                                                 on=["region", "industry"])
    ok = both.drop_nulls("lq")
    assert ok["lq"].to_numpy() == pytest.approx(ok["direct"].to_numpy(), rel=1e-10)
    for region in ("CZ06", "SK02"):
        mine = ok.filter(pl.col("region") == region).sort("lq", descending=True).head(5)
        theirs = ok.filter(pl.col("region") == region).sort("direct", descending=True).head(5)
        assert mine["industry"].to_list() == theirs["industry"].to_list()


def test_weighted_lqs_average_to_one_on_real_data(lq):
    ok = lq.filter((pl.col("year") == YEAR) & pl.col("lq").is_not_null()).with_columns(
        er=pl.col("value").sum().over("region"), et=pl.col("value").sum())
    avg = ok.group_by("industry").agg((pl.col("lq") * pl.col("er") / pl.col("et")).sum())
    assert avg["lq"].to_numpy() == pytest.approx(1.0, rel=1e-9)


def test_focus_regions_get_stars(panel):
    focus = panel.filter(pl.col("region").str.slice(0, 2).is_in(FOCUS))
    res = cluster_stars(focus, reference="central_europe_2014_2020")
    latest = res.stars.filter(pl.col("year") == YEAR)
    assert latest["in_reference"].mean() > 0.7
    per_country = latest.group_by(pl.col("region").str.slice(0, 2).alias("cc")).agg(
        pl.col("eco_stars").sum())
    assert set(per_country["cc"]) == set(FOCUS)
    assert (per_country["eco_stars"] > 0).all()
    assert latest.filter(pl.col("eco_stars").is_null())["star_reason"].null_count() == 0
    ev = res.explain("CZ06", "C27", YEAR)
    # 3 ECO stars; 4 US ratings x (LQ, employment and establishment floors) + 2 LQ >= 1
    assert ev.height == 17 and ev["reason"].null_count() == 0


def test_indices_run_on_real_data(panel):
    div = regional_diversity(panel).regions
    conc = industry_concentration(panel).industries
    latest = div.filter(pl.col("year") == YEAR).drop_nulls("entropy")
    assert latest.height > 250
    assert latest["entropy"].to_numpy() == pytest.approx(
        (latest["related_variety"] + latest["unrelated_variety"]).to_numpy())
    assert conc.filter(pl.col("year") == YEAR)["gini"].drop_nulls().is_between(0, 1).all()
