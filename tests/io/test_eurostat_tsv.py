"""Eurostat bulk/API TSV: the real files parse completely; bad files fail with file and line."""

from __future__ import annotations

import gzip

import polars as pl
import pytest

from emerging._schema import SchemaError
from emerging.io.eurostat import EurostatFormatError, read, read_tsv, to_panel

HEADER = "nace_r2,indic_sb,geo\\time\t2015 \t2014 \n"


def _write(tmp_path, text, name="x.tsv", compress=False):
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def _cell(frame, **where):
    row = frame.filter(pl.all_horizontal(pl.col(k) == v for k, v in where.items()))
    assert row.height == 1
    return row.row(0, named=True)


@pytest.mark.realdata
def test_whole_sbs_file(sbs_raw):
    series = sbs_raw.select("nace_r2", "indic_sb", "geo").unique()
    assert series.height == 195_227
    assert sbs_raw.height == 195_227 * 8
    counts = dict(series.group_by("indic_sb").len().iter_rows())
    assert counts == {
        "V16110": 46_430,
        "V11210": 46_318,
        "V13320": 46_430,
        "V91290": 44_494,
        "V94310": 11_555,
    }
    assert sbs_raw["nace_r2"].n_unique() == 101
    assert sorted(sbs_raw["year"].unique()) == list(range(2008, 2016))
    # spot values read with: zcat sbs_r_nuts06_r2.tsv.gz | grep -P '^C29,V16110,CZ06\t'
    #   C29,V16110,CZ06  13479  13348  13209  13365  14326  13176  14277  17439 p
    assert _cell(sbs_raw, nace_r2="C29", indic_sb="V16110", geo="CZ06", year=2015)["value"] == 13479
    r08 = _cell(sbs_raw, nace_r2="C29", indic_sb="V16110", geo="CZ06", year=2008)
    assert (r08["value"], r08["flag"]) == (17439, "p")
    # C30,V16110,SK04: ': c' in every year -> null, flag c (kept, never 0)
    sk04 = sbs_raw.filter(
        (pl.col("geo") == "SK04") & (pl.col("nace_r2") == "C30") & (pl.col("indic_sb") == "V16110")
    )
    assert sk04["value"].null_count() == 8 and set(sk04["flag"]) == {"c"}
    # C29,V16110,DE41 2009: '743 i'
    assert _cell(sbs_raw, nace_r2="C29", indic_sb="V16110", geo="DE41", year=2009)["flag"] == "i"
    flags = set("".join(sbs_raw["flag"].drop_nulls().unique()))
    assert flags == set("bcdipru")
    # non-missing V16110 cells per year (PROVENANCE.md: 2008 32.6k ... 2015 22.6k)
    per_year = dict(
        sbs_raw.filter(pl.col("indic_sb") == "V16110")
        .group_by("year")
        .agg(pl.col("value").count())
        .iter_rows()
    )
    assert round(per_year[2008], -2) == 32_600 and round(per_year[2015], -2) == 22_600


@pytest.mark.realdata
def test_sbs_panel(sbs_raw):
    panel = to_panel(sbs_raw, measure={"indic_sb": "V16110"})
    assert panel.columns == ["region", "industry", "year", "value", "flag"]
    assert panel.height == 46_430 * 8


@pytest.mark.realdata
def test_gdp_file(shared_data):
    gdp = read(shared_data / "economy/nama_10r_2gdp.tsv")
    assert gdp.columns == ["unit", "geo", "year", "value", "flag"]
    assert gdp.select("unit", "geo").unique().height == 2_564
    assert gdp.height == 2_564 * 15
    assert set(gdp["unit"]) == {
        "MIO_EUR",
        "EUR_HAB",
        "EUR_HAB_EU",
        "MIO_PPS",
        "PPS_HAB",
        "PPS_HAB_EU",
    }
    # grep -P '^MIO_EUR,CZ06\t' nama_10r_2gdp.tsv -> 23093 (2014) ... 9446 (2000)
    assert _cell(gdp, unit="MIO_EUR", geo="CZ06", year=2014)["value"] == 23093
    assert _cell(gdp, unit="MIO_EUR", geo="CZ06", year=2000)["value"] == 9446
    # EUR_HAB,FI 2013 = '37400 e'
    fi = _cell(gdp, unit="EUR_HAB", geo="FI", year=2013)
    assert (fi["value"], fi["flag"]) == (37400, "e")


def test_api_tsv_layout_with_freq_and_quarters(tmp_path):
    text = (
        "freq,unit,geo\\TIME_PERIOD\t2015-Q1 \t2015-Q2 \n"
        "Q,MIO_EUR,CZ\t100.5 \t: c\n"
        "Q,MIO_EUR,SK\t50 p\t51 \n"
    )
    frame = read_tsv(_write(tmp_path, text, compress=True, name="q.tsv.gz"))
    assert frame.columns == ["freq", "unit", "geo", "period", "value", "flag"]
    assert frame.filter(pl.col("geo") == "CZ")["value"].to_list() == [100.5, None]
    assert frame.filter(pl.col("geo") == "SK")["flag"].to_list() == ["p", None]
    annual = read_tsv(
        _write(tmp_path, "freq,unit,geo\\TIME_PERIOD\t2014 \t2015 \nA,MIO_EUR,CZ\t1 \t2 \n")
    )
    assert annual["year"].to_list() == [2014, 2015] and annual["value"].to_list() == [1, 2]


@pytest.mark.realdata
def test_truncated_gzip_of_real_bytes(tmp_path, shared_data):
    raw = (shared_data / "employment/sbs_r_nuts06_r2.tsv.gz").read_bytes()
    cut = _write(tmp_path, "", name="cut.tsv.gz")
    cut.write_bytes(raw[: len(raw) // 3])
    with pytest.raises(
        EurostatFormatError,
        match=r"cut\.tsv\.gz, line \d+: the gzip stream is "
        r"damaged or truncated",
    ):
        read_tsv(cut)


def test_wrong_header(tmp_path):
    with pytest.raises(EurostatFormatError, match=r"bad\.tsv, line 1: expected a first header"):
        read_tsv(_write(tmp_path, "nace_r2,indic_sb,geo\t2015 \nC,V1,CZ\t1 \n", name="bad.tsv"))
    with pytest.raises(EurostatFormatError, match=r"line 1, column 3: expected a period label"):
        read_tsv(_write(tmp_path, "a,geo\\time\t2015 \ttotal\nX,CZ\t1 \t2 \n"))


def test_unknown_flag_letter(tmp_path):
    with pytest.raises(
        EurostatFormatError, match=r"x\.tsv, line 3: unknown flag letter\(s\) \['q'\]"
    ):
        read_tsv(_write(tmp_path, HEADER + "C,V1,CZ\t1 \t2 \nC,V1,SK\t1 q\t2 \n"))


def test_duplicate_series(tmp_path):
    with pytest.raises(
        EurostatFormatError, match=r"duplicated series \['C,V1,CZ'\] \(lines \[2, 4\]\)"
    ):
        read_tsv(_write(tmp_path, HEADER + "C,V1,CZ\t1 \t2 \nC,V1,SK\t1 \t2 \nC,V1,CZ\t3 \t4 \n"))


def test_non_numeric_cells(tmp_path):
    with pytest.raises(EurostatFormatError, match=r"x\.tsv, line 2, period 2014: expected 'number"):
        read_tsv(_write(tmp_path, HEADER + "C,V1,CZ\t1 \tn/a \n"))
    with pytest.raises(EurostatFormatError, match=r"period 2015: expected .* '1.2.3 '"):
        read_tsv(_write(tmp_path, HEADER + "C,V1,CZ\t1.2.3 \t2 \n"))


def test_short_line_and_wrong_key(tmp_path):
    with pytest.raises(EurostatFormatError, match=r"line 3: no cell for period 2014"):
        read_tsv(_write(tmp_path, HEADER + "C,V1,CZ\t1 \t2 \nC,V1,SK\t1 \n"))
    with pytest.raises(EurostatFormatError, match=r"line 2: expected 3 comma-separated codes"):
        read_tsv(_write(tmp_path, HEADER + "C,CZ\t1 \t2 \n"))


def test_unknown_dimension_filters(tmp_path):
    frame = read_tsv(_write(tmp_path, HEADER + "C,V1,CZ01\t1 \t2 \nC,V2,CZ01\t3 \t4 \n"))
    with pytest.raises(SchemaError, match=r"no dimension 'unit'"):
        to_panel(frame, measure={"unit": "V1"})
    with pytest.raises(
        SchemaError, match=r"indic_sb='V9': no such code; available: \['V1', 'V2'\]"
    ):
        to_panel(frame, measure={"indic_sb": "V9"})
    with pytest.raises(SchemaError, match=r"dimension 'indic_sb' still has 2 values"):
        to_panel(frame, measure={})
    with pytest.raises(SchemaError, match=r"indic_sb='V1': the frame has no rows to select"):
        to_panel(frame.clear(), measure={"indic_sb": "V1"})
    panel = to_panel(frame, measure={"indic_sb": "V2"})
    assert panel["value"].to_list() == [3, 4]
