"""Readers of the current Eurostat employment datasets, on fixtures in the published layouts."""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest

from emerging.io.sources import SOURCES, read_source, source

FIX = Path(__file__).parent / "fixtures" / "eurostat"


def _read(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_source(FIX / name)


def _cell(panel, region, industry, year):
    row = panel.filter(
        (pl.col("region") == region) & (pl.col("industry") == industry) & (pl.col("year") == year)
    )
    assert row.height == 1
    return row.row(0, named=True)


def test_sbs_r_nuts2021_tsv_and_sdmx_csv_give_one_panel():
    tsv, csv = _read("sbs_r_nuts2021.tsv"), _read("sbs_r_nuts2021.csv")
    assert tsv.panel.equals(csv.panel)
    p = tsv.panel
    assert set(p["region"]) == {"CZ06", "HU11", "HU12", "PL91", "PL92"}  # no CZ, CZ0, CZZZ, EU27_2020
    assert set(p["industry"]) == {"C29", "C30"}  # divisions only: not C, not B-S_X_O_S94
    assert _cell(p, "HU12", "C29", 2022)["value"] == 22190.0
    conf = _cell(p, "CZ06", "C29", 2023)
    assert conf["value"] is None and conf["flag"] == "c"
    assert _cell(p, "PL91", "C29", 2023)["flag"] == "p"
    assert set(p["unit"]) == {"persons"} and set(p["dataset"]) == {"sbs_r_nuts2021"}
    # 17 series x 3 years in the file; 16 EMP_LOC_NR series (48 cells) are the indicator
    assert tsv.rows_read == 48
    assert tsv.excluded["Eurostat aggregates (EU27_2020, EA20, ...)"] == 3
    assert tsv.excluded["other NUTS levels (NUTS-2 kept)"] == 6
    assert tsv.excluded["extra-regio units"] == 3
    assert p.height + sum(tsv.excluded.values()) == tsv.rows_read


def test_local_units_through_measure():
    res = read_source(FIX / "sbs_r_nuts2021.tsv", measure={"indic_sbs": "LOC_NR"})
    assert res.panel.select("region", "year", "value").rows() == [
        ("CZ06", 2021, 233.0),
        ("CZ06", 2022, 236.0),
        ("CZ06", 2023, 240.0),
    ]
    assert set(res.panel["unit"]) == {"number"}


def test_nama_10r_3empers_keeps_a10_without_double_counting():
    res = _read("nama_10r_3empers.tsv")
    p = res.panel
    assert set(p["region"]) == {"CZ064", "HU110", "HU120"}
    assert set(p["industry"]) == {"A", "B-E", "F", "G-I"}  # not TOTAL, not C (inside B-E)
    assert _cell(p, "CZ064", "B-E", 2020)["value"] == 161.84
    assert set(p["unit"]) == {"thousand persons"}
    assert _cell(p, "HU110", "B-E", 2021)["flag"] == "p"
    # the SAL and PS rows are other indicators; TOTAL and C are left out and counted
    assert res.excluded["industries outside the a10 (totals and overlaps)"] == 6


def test_nama_10r_2emhrw_sdmx():
    p = _read("nama_10r_2emhrw.csv").panel
    assert p.select("region", "industry", "value").rows() == [
        ("PL91", "B-E", 287.4),
        ("PL91", "J", 151.2),
        ("PL92", "B-E", 401.9),
        ("PL92", "J", None),
    ]
    assert _cell(p, "PL92", "J", 2020)["flag"] == "c"


def test_lfst_r_lfe2en2_total_sex_and_ages_15_74():
    p = _read("lfst_r_lfe2en2.tsv").panel
    assert set(p["industry"]) == {"C", "F"}
    assert _cell(p, "CZ06", "C", 2021)["value"] == 298.7  # not the men's 195.0, not 20-64
    assert _cell(p, "SK02", "C", 2022)["flag"] == "u"
    assert set(p["unit"]) == {"thousand persons"}


def test_unknown_dataset_and_wrong_file():
    with pytest.raises(ValueError, match="no reader for Eurostat dataset 'xyz'"):
        source("xyz")
    with pytest.raises(ValueError, match="missing"):
        read_source(FIX / "lfst_r_lfe2en2.tsv", "sbs_r_nuts2021")
    with pytest.raises(ValueError, match="no rows with"):
        read_source(FIX / "sbs_r_nuts2021.tsv", measure={"indic_sbs": "WAGE"})
    assert {"sbs_r_nuts2021", "nama_10r_3empers", "nama_10r_2emhrw", "lfst_r_lfe2en2"} <= set(SOURCES)


def test_fetch_dataset_downloads_through_the_api_with_sha256(tmp_path, monkeypatch):
    import gzip
    import json

    from emerging.io import cache
    from emerging.io.build import fetch

    body = gzip.compress((FIX / "sbs_r_nuts2021.tsv").read_bytes())
    seen = []

    def fake_stream(url, timeout, progress):
        seen.append(url)
        return body

    monkeypatch.setattr(cache, "_stream", fake_stream)
    paths = fetch(tmp_path, datasets=("sbs_r_nuts2021",), geometries=False, show_progress=False)
    assert seen == [
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/sbs_r_nuts2021?format=TSV&compressed=true"
    ]
    assert paths[0].name == "sbs_r_nuts2021.tsv.gz"
    side = json.loads((tmp_path / "sbs_r_nuts2021.tsv.gz.source.json").read_text())
    assert side["sha256"] == cache.sha256(paths[0]) and side["url"] == seen[0]
    assert read_source(paths[0]).panel.height == 30  # 10 series x 3 years
    # cached: a second fetch does not download
    fetch(tmp_path, datasets=("sbs_r_nuts2021",), geometries=False, show_progress=False)
    assert len(seen) == 1
