"""build(): the old SBS series and sbs_r_nuts2021 chained into one panel, with a break flag."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from sbs_rows import write_sbs_subset

from emerging.io.build import build

FIX = Path(__file__).parent / "fixtures" / "eurostat"
pytestmark = pytest.mark.realdata


def _raw(shared_data, tmp_path, geos=("CZ06", "HU10", "PL12", "SK0")):
    raw = tmp_path / "raw"
    write_sbs_subset(shared_data, raw, lambda key: key[0] in ("C29", "C30") and key[2].startswith(geos))
    shutil.copy(FIX / "sbs_r_nuts2021.tsv", raw / "sbs_r_nuts2021.tsv")
    return raw


def _cell(frame, region, industry, year):
    row = frame.filter(
        (pl.col("region") == region) & (pl.col("industry") == industry) & (pl.col("year") == year)
    )
    assert row.height == 1, (region, industry, year)
    return row.row(0, named=True)


def test_chained_panel_with_break_and_manifest_note(shared_data, tmp_path):
    raw = _raw(shared_data, tmp_path)
    res = build(raw, tmp_path / "out", indicators=("V16110", "V11210"))
    emp = pl.read_parquet(tmp_path / "out/sbs_employment_nuts2.parquet")
    assert emp["year"].min() == 2008 and emp["year"].max() == 2023
    # 2015 comes from the old file, 2021 from the new series
    old = _cell(emp, "CZ06", "C29", 2015)
    new = _cell(emp, "CZ06", "C29", 2021)
    assert old["dataset"] == "sbs_r_nuts06_r2" and not old["break"]
    assert new["dataset"] == "sbs_r_nuts2021" and new["break"] and new["value"] == 14102.0
    assert not _cell(emp, "CZ06", "C29", 2022)["break"]
    assert set(emp.filter(pl.col("break"))["year"]) == {2021}
    out = res.manifest["outputs"][0]
    assert out["chain"]["break_year"] == 2021 and out["chain"]["last_old"] == 2015
    assert "sbs_r_nuts2021" in out["chain"]["note"] and "break" in out["chain"]["note"]
    assert {s["file"] for s in res.manifest["sources"]} == {"sbs_r_nuts06_r2.tsv.gz", "sbs_r_nuts2021.tsv"}
    # local units continue with LOC_NR
    units = pl.read_parquet(tmp_path / "out/sbs_local_units_nuts2.parquet")
    assert _cell(units, "CZ06", "C29", 2021)["value"] == 233.0 and set(units["unit"]) == {"number"}
    # HU10 and PL12 are split; reported (not mapped) by default
    assert out["not_mapped"] == {"HU10": "split_not_mapped", "PL12": "split_not_mapped"}
    # every row of both files is kept or excluded for a named reason
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    assert manifest == res.manifest


def test_apportioned_budapest_and_warsaw_from_the_2021_shares(shared_data, tmp_path):
    raw = _raw(shared_data, tmp_path)
    build(raw, tmp_path / "out", indicators=("V16110",), splits="apportion")
    emp = pl.read_parquet(tmp_path / "out/sbs_employment_nuts2.parquet")
    src = pl.read_csv(raw / "sbs_r_nuts06_r2.tsv.gz", separator="\t", infer_schema=False)
    hu10 = src.filter(pl.first() == "C29,V16110,HU10")["2014 "].item().strip()
    hu10 = float(hu10.split()[0])
    hu11, hu12 = _cell(emp, "HU11", "C29", 2014), _cell(emp, "HU12", "C29", 2014)
    # shares of the first year both exist in the panel: 2021, 9120 and 21877
    assert hu11["estimated"] and hu12["estimated"]
    assert hu11["value"] == pytest.approx(hu10 * 9120 / (9120 + 21877))
    assert hu11["value"] + hu12["value"] == pytest.approx(hu10)
    assert not _cell(emp, "HU11", "C29", 2021)["estimated"]
    for region in ("PL91", "PL92"):
        assert _cell(emp, region, "C29", 2012)["estimated"]
