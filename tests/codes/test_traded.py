"""Traded and local industries: the measure by hand, the shipped table, overrides."""

import polars as pl
import pytest

from emerging.codes.traded import (
    LOCAL_BY_NATURE,
    POLICY_EXCLUSIONS,
    classify_traded,
    default_table,
    policy_excluded,
    traded_industries,
)


def _panel():
    # every region employs 400; 'spread' is half of it everywhere (locational Gini 0);
    # 'lumpy' and G47 sit in A1 only, 'rest' fills the other regions
    rows = []
    for r in ["A1", "B1", "C1", "D1"]:
        a = r == "A1"
        rows += [(r, "spread", 2020, 200.0), (r, "lumpy", 2020, 100.0 if a else 0.0),
                 (r, "G47", 2020, 100.0 if a else 0.0), (r, "rest", 2020, 0.0 if a else 200.0)]
    return pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row")


def test_classify_by_concentration_and_nature():
    out = classify_traded(_panel())
    rows = {r["industry"]: r for r in out.iter_rows(named=True)}
    assert rows["spread"]["gini"] == pytest.approx(0.0, abs=1e-12)
    assert rows["spread"]["traded"] is False and "spread like population" in rows["spread"]["reason"]
    assert rows["lumpy"]["traded"] is True and "concentrated" in rows["lumpy"]["reason"]
    assert rows["G47"]["traded"] is False and rows["G47"]["reason"].startswith("local by nature")
    assert classify_traded(_panel(), local_by_nature={}).filter(industry="G47")["traded"].item()
    assert set(out.columns) == {"industry", "gini", "traded", "reason"}


def test_bad_options():
    with pytest.raises(ValueError, match="cutoff must be a locational Gini"):
        classify_traded(_panel(), cutoff=1.5)
    with pytest.raises(ValueError, match="year=1999 is not in the panel"):
        classify_traded(_panel(), year=1999)
    with pytest.raises(ValueError, match="needs columns 'industry' and 'traded'"):
        traded_industries(classification=pl.DataFrame({"industry": ["C26"]}))


def test_shipped_default_table():
    table = default_table()
    assert table.height == 68 and table["industry"].is_unique().all()
    traded = traded_industries()
    assert {"C26", "C29", "J62", "M72"} <= traded
    assert not traded & set(LOCAL_BY_NATURE)
    assert "G47" not in traded and "I56" not in traded
    mine = pl.DataFrame({"industry": ["C26", "G47"], "traded": [False, True]})
    assert traded_industries(classification=mine) == frozenset({"G47"})
    assert {"B05", "C12"} <= policy_excluded()
    assert policy_excluded(exclusions={"C19": "mine"}) == frozenset({"C19"})
    assert set(POLICY_EXCLUSIONS) == {"B05", "B06", "C12", "C19"}


@pytest.mark.realdata
def test_shipped_table_is_reproduced_from_the_real_data(sbs_employment_nuts2):
    from emerging.codes.harmonise import harmonise

    panel = harmonise(sbs_employment_nuts2.filter(pl.col("year") <= 2014), to=2021).panel
    fresh = classify_traded(panel.select("region", "industry", "year", "value"))
    shipped = default_table()
    joined = fresh.join(shipped, on="industry", suffix="_shipped")
    assert joined.height == shipped.height
    assert (joined["traded"] == joined["traded_shipped"]).all()
    assert (joined["gini"] - joined["gini_shipped"]).abs().max() < 1e-4
