"""The NUTS-2 crosswalk and the code sets it implies, checked against the real code lists."""

from __future__ import annotations

import gzip
import json

import polars as pl
import pytest

from emerging.codes.nuts_versions import (
    CHANGE_KINDS,
    VERSIONS,
    code_versions,
    lineage,
    nuts2_codes,
    nuts2021_names,
    nuts_changes,
)


def _geo_ids(path) -> set[str]:
    return {f["properties"]["NUTS_ID"] for f in json.loads(path.read_text())["features"]}


def test_crosswalk_shape_and_kinds():
    xw = nuts_changes()
    assert xw.columns[:6] == ["from_version", "from_code", "to_version", "to_code", "change", "note"]
    assert set(xw["change"]) <= set(CHANGE_KINDS)
    steps = set(zip(xw["from_version"], xw["to_version"], strict=True))
    assert steps == {(a, b) for a, b in zip(VERSIONS, VERSIONS[1:], strict=False)}
    # every row cites the regulation it comes from
    assert xw["note"].str.contains("Regulation").all()
    # levels 1-3, codes as long as their level says
    assert set(xw["level"]) == {1, 2, 3}
    for col in ("from_code", "to_code"):
        lengths = xw.drop_nulls(col).select(pl.col(col).str.len_chars() == pl.col("level") + 2)
        assert lengths.to_series().all()
    assert set(xw.filter(pl.col("from_code").is_null())["change"]) == {"new"}
    assert set(xw.filter(pl.col("to_code").is_null())["change"]) == {"discontinued"}


def test_known_changes():
    lin = lineage(2013, 2021).to_frame()
    row = {r["code"]: r for r in lin.iter_rows(named=True)}
    assert row["HU10"]["kind"] == "split" and row["HU10"]["targets"] == ["HU11", "HU12"]
    assert row["PL12"]["targets"] == ["PL91", "PL92"]
    assert row["PL11"]["kind"] == "recode" and row["PL11"]["targets"] == ["PL71"]
    assert row["HR04"]["targets"] == ["HR02", "HR05", "HR06"]
    assert row["IE01"]["kind"] == "reorganised"
    assert row["CZ06"]["kind"] == "unchanged"
    old = {r["code"]: r for r in lineage(2006, 2013).to_frame().iter_rows(named=True)}
    assert old["DE41"]["kind"] == "merge" and old["DE41"]["siblings"] == ["DE41", "DE42"]
    assert old["ITD3"]["targets"] == ["ITH3"]
    # Slovenia 2013: Litija moved from SI021 (SI02) to SI035 (SI03), so the two NUTS-2 units
    # were regrouped; the table pairs each with one new unit (same label), a rename
    assert old["SI01"]["targets"] == ["SI03", "SI04"] and old["SI01"]["boundary_change"]
    assert old["SI01"]["renamed_to"] == "SI03" and old["SI02"]["renamed_to"] == "SI04"
    pl12a = lineage(2013, 2024, 3).to_frame().filter(pl.col("code") == "PL12A")
    assert pl12a["targets"].item().to_list() == ["PL913", "PL926"]


def test_code_versions_reused_code():
    # HR02 meant Središnja i Istočna Hrvatska until NUTS 2013 and Panonska Hrvatska from 2021
    # Eurostat's tables give Croatia HR03/HR04 from NUTS 2010 on; HR02 is a NUTS 2021 unit
    assert code_versions("HR02") == (2021, 2024)
    assert code_versions("SI01") == (2006, 2010)
    assert code_versions("HU10") == (2003, 2006, 2010, 2013)
    assert code_versions("XX99") == ()


def test_lineage_rejects_backwards_and_bad_versions():
    with pytest.raises(ValueError, match="forward only"):
        lineage(2021, 2013)
    with pytest.raises(ValueError, match="must be one of"):
        nuts2_codes(2012)


@pytest.mark.realdata
def test_nuts2021_list_matches_gisco_geometries(shared_data):
    ids = _geo_ids(shared_data / "geo/gisco_nuts2021_60m/NUTS_RG_60M_2021_4326_LEVL_2.geojson")
    assert len(ids) == 334
    # Eurostat's 2021 table also lists Kosovo's statistical region XK00, which GISCO lacks
    assert ids == set(nuts2021_names()) == nuts2_codes(2021) - {"XK00"}
    # the early 20M release lacks one region (NO0B); every one of its codes is known
    early = _geo_ids(shared_data / "geo/gisco_nuts2021_20m/NUTS_RG_20M_2021_4326_LEVL_2.geojson")
    assert ids - early == {"NO0B"} and early <= nuts2_codes(2021)


@pytest.mark.realdata
def test_derived_2016_set_equals_gisco_2016(shared_data):
    ids = _geo_ids(shared_data / "geo/gisco_nuts2016_20m/NUTS_RG_20M_2016_4326_LEVL_2.geojson")
    assert len(ids) == 332
    assert nuts2_codes(2016) - {"XK00"} == ids
    ref = pl.read_csv(shared_data / "reference/nuts2016_codes_names.tsv", separator="\t")
    level2 = set(ref.filter(pl.col("nuts-2016").str.len_chars() == 4)["nuts-2016"])
    assert level2 == ids


@pytest.mark.realdata
def test_every_sbs_nuts2_code_is_accounted_for(shared_data):
    """Each NUTS-2 code in the SBS file exists in NUTS 2006, 2010 or 2013 (or is extra-regio)."""
    with gzip.open(shared_data / "employment/sbs_r_nuts06_r2.tsv.gz", "rt") as fh:
        next(fh)
        geo = {line.split("\t", 1)[0].split(",")[2] for line in fh}
    nuts2 = {g for g in geo if len(g) == 4}
    assert len(nuts2) == 326
    extra = {g for g in nuts2 if g.endswith("ZZ")}
    assert extra == {"CZZZ", "ELZZ", "ESZZ", "FIZZ", "FRZZ", "LVZZ", "SEZZ", "SKZZ"}
    old = nuts2_codes(2006) | nuts2_codes(2010) | nuts2_codes(2013)
    assert nuts2 - extra <= old
    # the mixed cases the file is known for
    assert {"SI01", "SI02", "SI03", "SI04", "ITD1", "ITE4", "ITH1", "ITI4"} <= nuts2
    assert {"ITD1", "ITE4"} <= nuts2_codes(2006) - nuts2_codes(2010)
