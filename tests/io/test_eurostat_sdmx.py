"""SDMX-CSV: the fixture built from real TSV values reads back to the same values and flags."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from emerging.io.eurostat import EurostatFormatError, read, read_sdmx_csv

FIXTURE = Path(__file__).parent / "data" / "sbs_sample_sdmx.csv"
HEAD = "DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"


def _write(tmp_path, text, name="s.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_fixture_reads_as_tidy_frame():
    frame = read_sdmx_csv(FIXTURE)
    assert frame.columns == ["freq", "nace_r2", "indic_sb", "geo", "year", "value", "flag"]
    assert frame.height == 33 * 8
    sk04 = frame.filter(
        (pl.col("geo") == "SK04") & (pl.col("indic_sb") == "V16110") & (pl.col("nace_r2") == "C30")
    )
    assert sk04["value"].null_count() == 8 and set(sk04["flag"]) == {"c"}  # CONF_STATUS=C
    assert read(FIXTURE).columns[0] == "nace_r2"  # read() drops the single freq


@pytest.mark.realdata
def test_sdmx_and_tsv_readers_agree_on_real_values(sbs_raw):
    sdmx = read_sdmx_csv(FIXTURE, drop_freq=True)
    keys = ["nace_r2", "indic_sb", "geo", "year"]
    tsv = sbs_raw.join(sdmx.select(keys), on=keys, how="semi")
    assert tsv.height == sdmx.height == 264
    both = tsv.join(sdmx, on=keys, suffix="_sdmx").with_columns(
        pl.col("flag").str.split("").list.sort().list.join("").alias("flag")
    )
    assert both.filter(pl.col("value").ne_missing(pl.col("value_sdmx"))).height == 0
    assert (
        both.filter(pl.col("flag").fill_null("").ne(pl.col("flag_sdmx").fill_null(""))).height == 0
    )
    # spot: C30,V16110,SK02 2015 = 641 in the TSV
    row = sdmx.filter(
        (pl.col("geo") == "SK02")
        & (pl.col("year") == 2015)
        & (pl.col("nace_r2") == "C30")
        & (pl.col("indic_sb") == "V16110")
    )
    assert row["value"].item() == 641


def test_missing_columns(tmp_path):
    with pytest.raises(EurostatFormatError, match=r"s\.csv, line 1: expected SDMX-CSV columns"):
        read_sdmx_csv(_write(tmp_path, "geo,TIME_PERIOD,value\nCZ,2015,1\n"))


def test_non_numeric_value_and_unknown_flag(tmp_path):
    bad = HEAD + "X,,A,CZ,2015,1,\nX,,A,SK,2015,abc,\n"
    with pytest.raises(
        EurostatFormatError, match=r"s\.csv, line 3: OBS_VALUE 'abc' is not a number"
    ):
        read_sdmx_csv(_write(tmp_path, bad))
    flag = HEAD + "X,,A,CZ,2015,1,\nX,,A,SK,2015,2,q\n"
    with pytest.raises(EurostatFormatError, match=r"line 3: unknown flag 'q'"):
        read_sdmx_csv(_write(tmp_path, flag))


def test_duplicate_observation_and_quarters(tmp_path):
    dup = HEAD + "X,,A,CZ,2015,1,\nX,,A,CZ,2015,2,\n"
    with pytest.raises(EurostatFormatError, match=r"lines \[2, 3\]: duplicated observation"):
        read_sdmx_csv(_write(tmp_path, dup))
    quarters = read_sdmx_csv(_write(tmp_path, HEAD + "X,,Q,CZ,2015-Q1,1.5,p\nX,,Q,CZ,2015-Q2,,\n"))
    assert quarters["period"].to_list() == ["2015-Q1", "2015-Q2"]
    assert quarters["value"].to_list() == [1.5, None]
    assert quarters["flag"].to_list() == ["p", None]


def test_conf_status_other_than_free_is_confidential(tmp_path):
    text = (
        "DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "X,,A,CZ,2015,1,p,F\nX,,A,SK,2015,,,C\nX,,A,SI,2015,,u,D\nX,,A,AT,2015,2,,\n"
    )
    frame = read_sdmx_csv(_write(tmp_path, text))
    assert frame["flag"].to_list() == ["p", "c", "cu", None]
    assert frame["value"].to_list() == [1.0, None, None, 2.0]
