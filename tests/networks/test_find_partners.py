"""find_partners: hand-computed grounds, the deprecated alias, and real proximity() output."""

from __future__ import annotations

import polars as pl
import pytest

from emerging.networks import find_partners, suggest_partners

PRESENCE = pl.DataFrame(
    {
        "region": ["CZ06"] * 3 + ["AT12"] * 3 + ["SK02"] * 3 + ["CZ01"] * 3,
        "industry": ["C29", "C28", "C27"] * 4,
        "present": [True, False, False, False, True, True, True, False, True, True, True, True],
    }
)
# proximity() layout: both orders of each pair
PROX = pl.DataFrame(
    {
        "industry": ["C29", "C28", "C29", "C27", "C28", "C27"],
        "industry_other": ["C28", "C29", "C27", "C29", "C27", "C28"],
        "proximity": [0.6, 0.6, 0.2, 0.2, 0.5, 0.5],
    }
)
PARTS = pl.DataFrame(
    {
        "project": ["P1", "P1", "P2", "P2", "P2", "P3", "P3"],
        "organisation": ["a", "b", "a", "c", "d", "e", "f"],
        "region": ["CZ064", "AT123", "CZ064", "AT121", "SK021", "CZ010", "SK022"],
        "country": ["CZ", "AT", "CZ", "AT", "SK", "CZ", "SK"],
        "role": "participant",
        "start_year": [2016, 2016, 2017, 2017, 2017, 2018, 2018],
    }
).with_columns(pl.col("start_year").cast(pl.Int32))


def test_feasibility_and_ties_by_hand():
    res = find_partners(
        "CZ06", industry="C29", presence=PRESENCE, proximity=PROX, participations=PARTS,
        brokerage=False, weights={"feasibility": 1, "ties": 1},
    )
    t = {r["partner"]: r for r in res.table.to_dicts()}
    assert set(t) == {"AT12", "SK02"}  # CZ01 is in the same country
    # density of C29: AT12 holds C28 and C27: (0.6 + 0.2) / 0.8 = 100; SK02 holds C27: 25
    assert t["AT12"]["density"] == pytest.approx(100.0)
    assert t["SK02"]["density"] == pytest.approx(25.0)
    assert t["AT12"]["related_held"] == ["C28", "C27"]
    # joint projects with CZ06 (count weights): AT12 in P1 and P2, SK02 in P2
    assert t["AT12"]["joint_projects"] == 2 and t["SK02"]["joint_projects"] == 1
    assert t["AT12"]["tie_share"] == pytest.approx(2 / 3)
    assert t["SK02"]["ties_score"] == pytest.approx(0.5)
    # score: mean of the two grounds (distance carries no weight here)
    assert t["AT12"]["score"] == pytest.approx(1.0)
    assert t["SK02"]["score"] == pytest.approx((0.25 + 0.5) / 2)
    assert t["AT12"]["rank"] == 1
    assert "relatedness density of C29 100/100 (holds related C28, C27)" in t["AT12"]["reasons"]
    assert "2 joint projects with CZ06 (66.7% of CZ06's cross-border ties, a project counted" in (
        t["AT12"]["reasons"]
    )
    assert res.weights == {"feasibility": 0.5, "ties": 0.5}
    assert "a project counts once per partner" in res.notes["ties"]


def test_country_level_and_country_ties_standing_in_for_regions():
    res = find_partners("CZ", participations=PARTS, brokerage=False, weights={"ties": 1})
    assert res.table["partner"].to_list() == ["AT", "SK"]
    # CZ-AT: P1, P2; CZ-SK: P2, P3
    assert res.table["joint_projects"].to_list() == [2, 2]
    no_nuts = PARTS.with_columns(pl.col("country").alias("region"))
    res = find_partners("CZ06", presence=PRESENCE, industry="C29", proximity=PROX,
                        participations=no_nuts, brokerage=False, weights={"ties": 1})
    t = {r["partner"]: r for r in res.table.to_dicts()}
    assert t["AT12"]["joint_projects"] == 2 and t["SK02"]["joint_projects"] == 2
    assert "2 joint projects between CZ and AT (country level: the participations carry no NUTS" \
        " codes; 50.0% of CZ's cross-border ties" in t["AT12"]["reasons"]


def test_penalise_interreg_and_filters():
    interreg = pl.DataFrame(
        {"region": ["AT12", "SK02"], "partners": [40, 10], "regions_recorded": [3, 0]}
    )
    res = find_partners("CZ06", industry="C29", presence=PRESENCE, proximity=PROX,
                        participations=PARTS, interreg=interreg, brokerage=False,
                        existing_ties="penalise", weights={"ties": 1, "interreg": 1})
    t = {r["partner"]: r for r in res.table.to_dicts()}
    assert t["AT12"]["ties_score"] == pytest.approx(0.0)  # 1 - 2/2
    assert t["AT12"]["interreg_score"] == pytest.approx(1.0)
    assert t["SK02"]["score"] == pytest.approx((0.5 + 0.25) / 2)
    assert "no Interreg 2014-2020 partner on record" in t["SK02"]["reasons"]
    # a candidate code missing from the (NUTS 2021) table is unknown, not "none on record"
    res = find_partners("CZ06", industry="C29", presence=PRESENCE, proximity=PROX,
                        interreg=interreg.filter(pl.col("region") == "AT12"),
                        weights={"interreg": 1})
    sk = res.table.filter(pl.col("partner") == "SK02").row(0, named=True)
    assert "Interreg 2014-2020 unknown (code not in the NUTS 2021" in sk["reasons"]
    assert sk["interreg_score"] == 0.0
    only = find_partners("CZ06", industry="C29", presence=PRESENCE, proximity=PROX,
                         countries=["SK"], weights={"feasibility": 1})
    assert only.table["partner"].to_list() == ["SK02"]
    with pytest.raises(ValueError, match="weights keys must be among"):
        find_partners("CZ06", presence=PRESENCE, industry="C29", proximity=PROX,
                      weights={"size": 1})
    with pytest.raises(ValueError, match="a country code .* or a NUTS code"):
        find_partners("CZ0601", presence=PRESENCE)
    with pytest.raises(ValueError, match="needs the columns"):
        find_partners("CZ06", industry="C29", presence=PRESENCE,
                      proximity=PROX.rename({"industry_other": "industry_b"}))


def test_strength_ground_follows_lq_interval_and_stars(demo_data):
    res = find_partners("CZ06", industry="C27", panel=demo_data.panel, top=None,
                        weights={"strength": 1})
    t = res.table
    assert t["strength_score"].is_between(0, 1).all()
    lq_part = (t["lq_lo"] / 2).clip(0, 1)
    expected = 0.5 * lq_part + 0.5 * t["eco_stars"] / 3
    assert (t["strength_score"] - expected).abs().max() < 1e-12
    assert t["score"].is_sorted(descending=True)
    assert (t["country"] != "CZ").all()


def test_suggest_partners_is_a_deprecated_alias():
    spec = PRESENCE.rename({"present": "specialised"})
    rel = pl.DataFrame(
        {"industry_a": ["C29", "C27", "C28"], "industry_b": ["C28", "C29", "C27"],
         "proximity": [0.6, 0.2, 0.5]}
    )
    edges = pl.DataFrame({"source": ["AT12", "CZ06"], "target": ["CZ06", "SK02"],
                          "weight": [4.0, 1.0]})
    with pytest.deprecated_call(match="use emerging.networks.find_partners"):
        old = suggest_partners(edges, spec, rel, region="CZ06", industry="C29")
    new = find_partners("CZ06", industry="C29", presence=PRESENCE, proximity=PROX, edges=edges,
                        weights={"feasibility": 0.6, "ties": 0.2, "distance": 0.2}, top=None)
    assert old.table.equals(new.table)


@pytest.mark.realdata
def test_real_proximity_output_into_find_partners(shared_data, sbs_employment_nuts2):
    """Integration: proximity() on the real SBS NUTS-2 panel, straight into find_partners,
    with the real H2020 participations (country codes only) and keep.eu Interreg."""
    from emerging.io.cordis import read_h2020_eunets
    from emerging.io.interreg import read_interreg
    from emerging.relatedness import proximity, relatedness_density

    panel = sbs_employment_nuts2.filter(pl.col("year") == 2014)
    prox = proximity(panel)
    parts = read_h2020_eunets(
        shared_data / "cooperation" / "h2020_participations_eunets.csv.gz"
    ).participations
    interreg = read_interreg(
        shared_data / "cooperation" / "interreg_2014_2020_keep_eu_by_nuts3.csv"
    )
    res = find_partners("CZ06", industry="C27", panel=panel, proximity=prox,
                        participations=parts, interreg=interreg, brokerage=False, top=None)
    t = res.table
    assert (t["country"] != "CZ").all() and t.height > 100
    assert t["rank"].to_list() == list(range(1, t.height + 1))
    assert set(res.weights) == {"strength", "feasibility", "ties", "interreg", "distance"}
    # the feasibility ground is the engine's relatedness density, to the last digit
    rd = relatedness_density(panel).filter(pl.col("industry") == "C27")
    both = t.join(rd.select(pl.col("region").alias("partner"), pl.col("density").alias("rd")),
                  on="partner")
    assert both.height == t.height
    assert (both["density"] - both["rd"]).abs().max() < 1e-9
    at = t.filter(pl.col("partner") == "AT12").row(0, named=True)
    assert "between CZ and AT (country level" in at["reasons"]
    assert "Interreg 2014-2020" in at["reasons"]
    print(res.summary())


def test_regions_named_set_or_codes(demo_data):
    inside = find_partners("CZ06", industry="C27", panel=demo_data.panel, top=None,
                           regions="central_europe_2021_2027", weights={"strength": 1})
    from emerging.codes.nuts import region_set

    assert set(inside.table["partner"]) <= set(region_set("central_europe_2021_2027"))
    two = find_partners("CZ", industry="C27", panel=demo_data.panel, regions=["AT", "SK"],
                        weights={"strength": 1})
    assert sorted(two.table["partner"]) == ["AT", "SK"]
    both = find_partners("CZ", industry="C27", panel=demo_data.panel,
                         regions="central_europe_2021_2027", weights={"strength": 1}, top=None)
    assert "AT" in both.table["partner"].to_list() and "FR" not in both.table["partner"].to_list()
