"""harmonise(): renames, sums merges, never divides splits, reports every changed code."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.codes.harmonise import harmonise
from emerging.codes.nuts import central_europe_2021_2027


def _panel(rows):
    return pl.DataFrame(
        rows,
        schema={
            "region": pl.String,
            "industry": pl.String,
            "year": pl.Int32,
            "value": pl.Float64,
            "flag": pl.String,
        },
        orient="row",
    )


def _value(result, region, year, industry="C"):
    row = result.panel.filter(
        (pl.col("region") == region) & (pl.col("year") == year) & (pl.col("industry") == industry)
    )
    assert row.height == 1, f"expected one row for {region} {year}, found {row.height}"
    return row.row(0, named=True)


def test_merge_sums_and_recode_renames():
    panel = _panel(
        [
            ("DE41", "C", 2008, 30.0, None),
            ("DE42", "C", 2008, 12.0, None),
            ("DE40", "C", 2012, 50.0, None),
            ("ITD3", "C", 2008, 7.0, None),
            ("CZ06", "C", 2008, 3.0, None),
        ]
    )
    res = harmonise(panel, to=2021)
    assert _value(res, "DE40", 2008)["value"] == 42.0
    assert _value(res, "DE40", 2008)["nuts_source"] == "DE41+DE42"
    assert _value(res, "DE40", 2012)["value"] == 50.0
    assert _value(res, "ITH3", 2008)["value"] == 7.0
    assert _value(res, "CZ06", 2008)["value"] == 3.0
    status = dict(res.report.select("code", "status").iter_rows())
    assert status == {"DE41": "merged", "DE42": "merged", "ITD3": "recoded"}
    assert res.report["mapped"].all()


def test_merge_with_a_null_or_missing_part_is_null_and_says_so():
    panel = _panel(
        [
            ("DE41", "C", 2008, 30.0, None),
            ("DE42", "C", 2008, None, "c"),
            ("DE41", "C", 2009, 31.0, None),  # DE42 absent for 2009
        ]
    )
    res = harmonise(panel, to=2021)
    r08 = _value(res, "DE40", 2008)
    assert r08["value"] is None and r08["flag"] == "c"
    assert _value(res, "DE40", 2009)["value"] is None
    nulls = dict(res.report.select("code", "null_rows").iter_rows())
    assert nulls["DE41"] == 2 and nulls["DE42"] == 1


def test_split_is_reported_not_divided():
    panel = _panel(
        [
            ("HU10", "C", 2010, 100.0, None),
            ("HU11", "C", 2016, 60.0, None),
            ("HU12", "C", 2016, 45.0, None),
            ("HU21", "C", 2010, 9.0, None),
        ]
    )
    res = harmonise(panel, to=2021)
    assert "HU10" not in res.panel["region"].to_list()
    bad = res.not_mapped().row(0, named=True)
    assert bad["code"] == "HU10" and bad["status"] == "split_not_mapped"
    assert bad["targets"] == "HU11, HU12" and bad["rows"] == 1
    assert "splits='aggregate'" in bad["reason"]
    # total kept + reported rows = input rows: nothing vanishes unreported
    assert res.panel.height + res.not_mapped()["rows"].sum() == panel.height


def test_split_aggregate_sums_newer_units_back():
    panel = _panel(
        [
            ("HU10", "C", 2010, 100.0, None),
            ("HU11", "C", 2016, 60.0, None),
            ("HU12", "C", 2016, 45.0, None),
            ("HU11", "C", 2017, 61.0, None),
        ]
    )
    res = harmonise(panel, to=2021, splits="aggregate")
    assert _value(res, "HU10", 2010)["value"] == 100.0
    assert _value(res, "HU10", 2016)["value"] == 105.0
    assert _value(res, "HU10", 2017)["value"] is None  # HU12 unknown in 2017: no partial sum
    assert set(res.panel["region"]) == {"HU10"}


def test_mixed_versions_slovenia_and_overlap_conflicts():
    panel = _panel(
        [
            ("SI01", "C", 2012, 111729.0, None),
            ("SI01", "C", 2013, None, None),
            ("SI03", "C", 2012, None, None),
            ("SI03", "C", 2013, 111519.0, None),
            ("FI18", "C", 2010, 10.0, None),
            ("FI1B", "C", 2010, 4.0, None),
            ("FI1C", "C", 2010, 5.0, None),
        ]
    )
    res = harmonise(panel, to=2021)
    assert _value(res, "SI03", 2012)["value"] == 111729.0
    assert _value(res, "SI03", 2012)["nuts_source"] == "SI01"
    assert _value(res, "SI03", 2013)["value"] == 111519.0
    assert res.report.filter(pl.col("code") == "SI01")["status"].item() == "recoded_boundary_change"
    strict = harmonise(panel, to=2021, boundary_changes="report")
    assert _value(strict, "SI03", 2013)["value"] == 111519.0
    assert strict.panel.filter(pl.col("nuts_source") == "SI01").height == 0
    assert strict.not_mapped()["status"].to_list() == ["split_not_mapped", "boundary_not_mapped"]
    agg = harmonise(panel, to=2021, splits="aggregate")
    # FI18 (10) and FI1B+FI1C (9) disagree for 2010: the newest version wins and it is counted
    assert _value(agg, "FI18", 2010)["value"] == 9.0 and agg.conflicts == 1


def test_newest_version_wins_over_a_flagged_older_value():
    # review defect: flagged values (e, p, b) used to beat unflagged values of a newer version
    panel = _panel(
        [
            ("SI01", "C", 2012, 10.0, "e"),
            ("SI03", "C", 2012, 12.0, None),
            ("SI01", "C", 2011, 7.0, "p"),
            ("SI03", "C", 2011, 8.0, "b"),
        ]
    )
    res = harmonise(panel, to=2021)
    row = _value(res, "SI03", 2012)
    assert (row["value"], row["flag"], row["nuts_source"]) == (12.0, None, "SI03")
    row = _value(res, "SI03", 2011)
    assert (row["value"], row["flag"], row["nuts_source"]) == (8.0, "b", "SI03")
    assert res.conflicts == 2


def test_flag_orders_only_null_candidates():
    # a value of any version beats a null; among nulls a flagged one (e.g. confidential) is kept
    panel = _panel(
        [
            ("SI01", "C", 2012, 10.0, None),
            ("SI03", "C", 2012, None, "c"),
            ("SI01", "C", 2013, None, "c"),
            ("SI03", "C", 2013, None, None),
        ]
    )
    res = harmonise(panel, to=2021)
    row = _value(res, "SI03", 2012)
    assert (row["value"], row["flag"], row["nuts_source"]) == (10.0, None, "SI01")
    row = _value(res, "SI03", 2013)
    assert (row["value"], row["flag"], row["nuts_source"]) == (None, "c", "SI01")
    assert res.conflicts == 0


def test_other_levels_and_unknown_codes_are_reported():
    panel = _panel(
        [
            ("DE", "C", 2010, 5.0, None),
            ("DE4", "C", 2010, 1.0, None),
            ("XX99", "C", 2010, 1.0, None),
            ("CZZZ", "C", 2010, 0.0, None),
            ("DEX9Q", "C", 2010, 1.0, None),
        ]
    )
    res = harmonise(panel, to=2021)
    assert set(res.panel["region"]) == {"DE", "CZZZ", "DE4"}  # NUTS-1 is covered now
    status = dict(res.report.select("code", "status").iter_rows())
    assert status == {"XX99": "unknown_code", "DEX9Q": "unknown_code"}
    assert "not a NUTS-3 code of any version" in res.report.filter(pl.col("code") == "DEX9Q")["reason"].item()


def test_from_version_and_option_errors():
    # Eurostat's tables list Croatia as HR03/HR04 from NUTS 2010; HR02 is a NUTS 2021 code
    panel = _panel([("HR02", "C", 2010, 5.0, None), ("HR04", "C", 2010, 4.0, None)])
    inferred = harmonise(panel, to=2016)
    assert _value(inferred, "HR04", 2010)["value"] == 4.0
    assert inferred.not_mapped()["status"].to_list() == ["newer_than_target"]
    newest = harmonise(panel.filter(pl.col("region") == "HR02"), to=2021)
    assert _value(newest, "HR02", 2010)["value"] == 5.0  # read as the NUTS 2021 unit
    with pytest.raises(ValueError, match="splits must be one of"):
        harmonise(panel, splits="divide")
    with pytest.raises(ValueError, match="to must be one of"):
        harmonise(panel, to=2012)
    with pytest.raises(ValueError, match="forward only"):
        harmonise(panel, to=2013, from_=2021)
    res = harmonise(panel, to=2021, from_=2013)
    assert dict(res.report.select("code", "status").iter_rows()) == {
        "HR02": "unknown_code",  # not a NUTS 2013 code
        "HR04": "split_not_mapped",  # split into HR02, HR05, HR06 in NUTS 2021
    }


@pytest.mark.realdata
def test_sbs_to_nuts2021_maps_central_europe_or_says_why(sbs_employment_nuts2):
    res = harmonise(sbs_employment_nuts2, to=2021)
    got = set(res.panel["region"])
    explained = {t for ts in res.not_mapped()["targets"].to_list() for t in ts.split(", ") if t}
    ce = central_europe_2021_2027()
    assert len(ce) == 81
    assert ce - got == {"HR02", "HR05", "HR06", "HU11", "HU12", "PL91", "PL92"}
    assert ce - got <= explained
    # every Polish, Slovenian and German-merged series landed on a NUTS 2021 code
    assert {"PL71", "PL72", "PL81", "PL82", "PL84", "SI03", "SI04", "DE40", "DED4", "DED5"} <= got
    assert res.conflicts == 0
    # every input code is either a source of some output row or reported as not mapped
    used = set(res.panel["nuts_source"].str.split("+").explode().unique())
    assert used | set(res.not_mapped()["code"]) == set(sbs_employment_nuts2["region"])
    assert not used & set(res.not_mapped()["code"])
    # spot values from the file (zcat | grep '^C29,V16110,...'): SI01 2012 = 8792, SI03 2013 = 7859
    assert _value(res, "SI03", 2012, "C29")["value"] == 8792.0
    assert _value(res, "SI03", 2013, "C29")["value"] == 7859.0
    # DE41 2010 = 1076 and DE42 2010 = 6286: DE40 2010 is their sum; DE40 2011 = 7474 itself
    assert _value(res, "DE40", 2010, "C29")["value"] == 1076.0 + 6286.0
    assert _value(res, "DE40", 2011, "C29")["value"] == 7474.0
    # 2009: DE41 743 i, DE42 5054 i -> 5797 with flag i
    assert _value(res, "DE40", 2009, "C29")["value"] == 5797.0
    assert _value(res, "DE40", 2009, "C29")["flag"] == "i"
    # 2008: both ':' -> null (a plain missing, not invented)
    assert _value(res, "DE40", 2008, "C29")["value"] is None
    agg = harmonise(sbs_employment_nuts2, to=2021, splits="aggregate")
    assert {"HU10", "PL12", "HR04"} <= set(agg.panel["region"])
    # HU10 2015 in the file is the NUTS 2013 unit itself
    assert not agg.not_mapped().filter(pl.col("code").str.starts_with("HU")).height
    assert "Harmonised to NUTS 2021" in res.summary()


# codes whose lineage to NUTS 2021 is a rename or a merge (summable without loss)
_SUMMABLE = [
    "DE41",
    "DE42",
    "FI13",
    "FI1A",
    "ITD3",
    "ITE1",
    "SI01",
    "PL11",
    "EL11",
    "CZ06",
    "AT13",
    "FR21",
    "HR03",
    "HR04",
]


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.integers(min_value=0, max_value=10**6), min_size=len(_SUMMABLE), max_size=len(_SUMMABLE)
    ),
    keep=st.lists(st.booleans(), min_size=len(_SUMMABLE), max_size=len(_SUMMABLE)),
)
def test_property_totals_are_preserved_for_renames_and_complete_merges(values, keep):
    rows = [
        (c, "C", 2010, float(v), None)
        for c, v, k in zip(_SUMMABLE, values, keep, strict=True)
        if k or c in ("DE41", "DE42", "FI13", "FI1A")
    ]
    res = harmonise(_panel(rows), to=2013)
    kept_in = sum(r[3] for r in rows)
    total_out = res.panel["value"].sum()
    assert total_out == kept_in
    assert res.panel["region"].is_unique().all()
