"""keep.eu Interreg 2014-2020 table: validation, zeros, NUTS-2021 codes and aggregation,
on the real file in ../shared/data/cooperation/ (country totals from PROVENANCE.md 3.3)."""

from __future__ import annotations

import polars as pl
import pytest

from emerging.io.interreg import interreg_by_level, read_interreg

FILE = "cooperation/interreg_2014_2020_keep_eu_by_nuts3.csv"


@pytest.fixture(scope="module")
def interreg(shared_data):
    return read_interreg(shared_data / FILE)


def test_real_rows_codes_and_exclusions(interreg):
    r = interreg.regions
    # 1,514 rows; Jan Mayen has no matched code and is excluded, counted
    assert r.height == 1513
    assert interreg.exclusions.counts["no NUTS code matched"] == 1
    assert interreg.exclusions.total == 1
    assert r["region"].str.len_chars().unique().to_list() == [5]
    assert (r["region"].str.slice(0, 2) == r["country"]).all()
    assert r["region"].is_unique().all()
    # PROVENANCE.md: 1,229 rows have at least one partner
    assert int(r["recorded"].sum()) == 1229
    assert r.schema["partners"] == pl.Int64


def test_country_totals_match_provenance(interreg):
    # "Totals of partners (projects) by country: CZ 1,008 (835), SK 755 (598), HU 1,395
    # (1,149), PL 1,492 (1,244), SI 1,183 (898) and AT 1,448 (1,157)"
    expected = {
        "CZ": (1008, 835), "SK": (755, 598), "HU": (1395, 1149),
        "PL": (1492, 1244), "SI": (1183, 898), "AT": (1448, 1157),
    }
    nuts0 = interreg_by_level(interreg, level=0).filter(pl.col("region").is_in(list(expected)))
    got = {r["region"]: (r["partners"], r["project_links"]) for r in nuts0.to_dicts()}
    assert got == expected


def test_zero_amounts_with_partners_are_not_available(interreg):
    r = interreg.regions
    # no zero amount survives where partners are on record
    assert r.filter(pl.col("recorded") & (pl.col("erdf_meur") == 0)).height == 0
    n_null = r.filter(pl.col("recorded") & pl.col("erdf_meur").is_null()).height
    assert n_null == interreg.notes["ERDF amounts of 0 in regions with partners (not available)"]
    assert n_null == 136
    # regions without partners keep their zeros (never imputed), flagged not recorded
    none = r.filter(~pl.col("recorded"))
    assert (none["partners"] == 0).all() and (none["projects"] == 0).all()


def test_aggregation_levels_are_consistent(interreg):
    total = int(interreg.regions["partners"].sum())
    for level in (0, 1, 2):
        agg = interreg_by_level(interreg, level=level)
        assert agg["region"].str.len_chars().unique().to_list() == [level + 2]
        assert int(agg["partners"].sum()) == total
        assert int(agg["regions"].sum()) == interreg.regions.height
        assert (agg["regions_recorded"] <= agg["regions"]).all()
    cz = interreg_by_level(interreg, level=2).filter(pl.col("region") == "CZ06").row(0, named=True)
    by_hand = interreg.regions.filter(pl.col("region").str.starts_with("CZ06"))
    assert cz["partners"] == by_hand["partners"].sum()
    assert cz["regions"] == by_hand.height == 2  # CZ063 Kraj Vysočina, CZ064 Jihomoravský kraj
    with pytest.raises(ValueError, match="level must be 0, 1 or 2"):
        interreg_by_level(interreg, level=3)
    # LazyFrame in, LazyFrame out, same rows
    lazy = interreg_by_level(interreg.regions.lazy(), level=1)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(interreg_by_level(interreg, level=1))


def test_bad_input_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Interreg file"):
        read_interreg(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("NUTS_ID_matched,CNTR_CODE\nCZ010,CZ\n")
    with pytest.raises(ValueError, match="header lacks"):
        read_interreg(bad)
    header = ("NUTS_ID_matched,CNTR_CODE,NAME_LATN,keep_No_of_projects,keep_No_of_partners,"
              "keep_Total_budgets_MEUR,keep_ERDF_MEUR\n")
    dup = tmp_path / "dup.csv"
    dup.write_text(header + "CZ010,CZ,Praha,1,2,0.5,0.4\nCZ010,CZ,Praha,1,2,0.5,0.4\n")
    with pytest.raises(ValueError, match="more than once"):
        read_interreg(dup)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(header + "CZ010,SK,Praha,1,2,0.5,0.4\nXX990,XX,Nowhere,1,1,0,0\n"
                     "SK010,SK,Bratislavsky kraj,3,4,1.0,0.8\n")
    t = read_interreg(wrong)
    assert t.regions["region"].to_list() == ["SK010"]
    assert t.exclusions.counts["not a NUTS-3 code of the row's country"] == 1
    assert t.exclusions.counts["NUTS-2 parent not in NUTS 2021"] == 1
    assert "1 NUTS-3 regions" in t.summary() and "2 rows excluded" in t.summary()


def test_map_marks_regions_without_records(interreg, shared_data):
    from emerging.io.gisco import read_nuts_geojson

    geo = read_nuts_geojson(shared_data / "geo" / "gisco_nuts2021_60m" /
                            "NUTS_RG_60M_2021_3035_LEVL_3.geojson")
    fig, ax = interreg.plot(geometry=geo)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("no partner on record" in t.lower() for t in legend)
    assert "keep.eu" in " ".join(t.get_text() for t in fig.texts)
    # NUTS-2: every programme-area region has partners on record, so no empty class
    geo2 = read_nuts_geojson(shared_data / "geo" / "gisco_nuts2021_60m" /
                             "NUTS_RG_60M_2021_3035_LEVL_2.geojson")
    fig, ax = interreg.plot(geometry=geo2, level=2)
    assert not any("on record" in t.get_text() for t in ax.get_legend().get_texts())
    with pytest.raises(ValueError, match="plot needs geometry"):
        interreg.plot()
