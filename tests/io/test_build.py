"""build(): raw Eurostat files -> harmonised Parquet + manifest; deterministic and atomic."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest
from sbs_rows import write_sbs_subset

from emerging.io.build import build, fetch, find_raw

SERIES = ("C29,", "C30,", "C,", "B,")
GEOS = ("SK", "SI", "DE4", "HU1", "PL1", "CZ0")


def _small_raw(shared_data, tmp_path):
    """A small TSV made of real rows of the SBS file (B, C, C29, C30 in a few countries)."""
    raw = tmp_path / "raw"
    n = write_sbs_subset(shared_data, raw,
                         lambda key: ",".join(key).startswith(SERIES) and key[2].startswith(GEOS))
    return raw, n


@pytest.mark.realdata
def test_build_small_real_rows_twice_changes_nothing(shared_data, tmp_path):
    raw, n_series = _small_raw(shared_data, tmp_path)
    out = tmp_path / "processed"
    first = build(raw, out, estimate=True)
    names = sorted(p.name for p in first.outputs)
    assert names == [
        "manifest.json",
        "sbs_employment_nuts2.parquet",
        "sbs_local_units_nuts2.parquet",
        "sbs_wages_nuts2.parquet",
    ]
    sums = {p.name: p.read_bytes() for p in first.outputs}
    mtimes = {p.name: os.stat(p).st_mtime_ns for p in first.outputs}
    second = build(raw, out, estimate=True)
    assert second.changed == ()
    assert {p.name: p.read_bytes() for p in second.outputs} == sums
    assert {p.name: os.stat(p).st_mtime_ns for p in second.outputs} == mtimes
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sources"][0]["file"] == "sbs_r_nuts06_r2.tsv.gz"
    assert len(manifest["sources"][0]["sha256"]) == 64
    emp = manifest["outputs"][0]
    panel = pl.read_parquet(out / "sbs_employment_nuts2.parquet")
    assert emp["rows"] == panel.height
    # every input row of the indicator is kept or excluded for a named reason
    raw_rows = pl.read_csv(raw / "sbs_r_nuts06_r2.tsv.gz", separator="\t", infer_schema=False)
    v16110 = raw_rows.filter(pl.first().str.contains(",V16110,")).height * 8
    assert panel.height + sum(emp["excluded"].values()) == v16110
    assert emp["not_mapped"] == {"HU10": "split_not_mapped", "PL12": "split_not_mapped"}
    assert emp["estimated"] == int(panel["estimated"].sum()) > 0
    assert panel.columns == [
        "region",
        "industry",
        "year",
        "value",
        "flag",
        "nuts_source",
        "estimated",
        "unit",
    ]
    assert set(panel["unit"]) == {"persons"}
    # the Slovak C30 2015 residual split (see test_confidential): (4133 - 641 - 1333) / 2
    sk01 = panel.filter(
        (pl.col("region") == "SK01") & (pl.col("industry") == "C30") & (pl.col("year") == 2015)
    )
    assert sk01["value"].item() == (4133 - 641 - 1333) / 2 and sk01["estimated"].item()
    # without estimation the same cell stays null with its flag
    plain = build(raw, tmp_path / "plain")
    cell = pl.read_parquet(tmp_path / "plain" / "sbs_employment_nuts2.parquet").filter(
        (pl.col("region") == "SK01") & (pl.col("industry") == "C30") & (pl.col("year") == 2015)
    )
    assert cell["value"].item() is None and cell["flag"].item() == "c"
    assert plain.manifest["outputs"][0]["estimated"] == 0
    assert n_series > 100


@pytest.mark.realdata
def test_failure_before_the_swap_leaves_the_old_set(shared_data, tmp_path, monkeypatch):
    from emerging.io import store

    raw, _ = _small_raw(shared_data, tmp_path)
    out = tmp_path / "processed"
    build(raw, out, indicators=("V16110",))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def crash(a, b):
        raise KeyboardInterrupt("simulated interruption at the swap")

    monkeypatch.setattr(store, "_exchange", crash)
    with pytest.raises(KeyboardInterrupt):
        build(raw, out, indicators=("V16110",), splits="aggregate")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    monkeypatch.undo()
    # the next build clears the staging folder the failed one left and swaps in the new set
    res = build(raw, out, indicators=("V16110",), splits="aggregate")
    assert not store.staging_dir(out).exists()
    assert json.loads((out / "manifest.json").read_text())["splits"] == "aggregate"
    assert {p.name for p in res.changed} >= {"manifest.json", "sbs_employment_nuts2.parquet"}


@pytest.mark.realdata
def test_other_files_in_the_folder_survive_a_rebuild(shared_data, tmp_path):
    raw, _ = _small_raw(shared_data, tmp_path)
    out = tmp_path / "processed"
    out.mkdir()
    (out / "README.md").write_text("mine")
    (out / "sub").mkdir()
    (out / "sub" / "x.txt").write_text("x")
    build(raw, out, indicators=("V16110",))
    build(raw, out, indicators=("V16110",), splits="aggregate")
    assert (out / "README.md").read_text() == "mine" and (out / "sub" / "x.txt").read_text() == "x"


@pytest.mark.realdata
@pytest.mark.slow
def test_build_on_the_real_files(shared_data, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sbs_r_nuts06_r2.tsv.gz").symlink_to(shared_data / "employment/sbs_r_nuts06_r2.tsv.gz")
    (raw / "nama_10r_2gdp.tsv").symlink_to(shared_data / "economy/nama_10r_2gdp.tsv")
    res = build(raw, tmp_path / "out", indicators=("V16110",))
    emp, gdp = res.manifest["outputs"]
    assert emp["rows"] + sum(emp["excluded"].values()) == 46_430 * 8
    assert gdp["file"] == "gdp_nuts2.parquet"
    assert gdp["rows"] + sum(gdp["excluded"].values()) == 2_564 * 15
    frame = pl.read_parquet(tmp_path / "out/gdp_nuts2.parquet")
    # MIO_EUR CZ06 2014 = 23093 (grep), unchanged code
    assert (
        frame.filter(
            (pl.col("region") == "CZ06") & (pl.col("unit") == "MIO_EUR") & (pl.col("year") == 2014)
        )["value"].item()
        == 23093
    )
    assert "Built 3 files" in res.summary()


def test_missing_raw_and_bad_options(tmp_path):
    with pytest.raises(FileNotFoundError, match="Run `emerging fetch`"):
        find_raw(tmp_path, "sbs_r_nuts06_r2")
    with pytest.raises(ValueError, match="splits must be one of"):
        build(tmp_path, tmp_path, splits="divide")
    with pytest.raises(ValueError, match="unknown indicators"):
        build(tmp_path, tmp_path, indicators=("V99999",))


def test_fetch_uses_manual_files_without_network(tmp_path, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("fetch must not touch the network when files are present")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    for name in ("sbs_r_nuts06_r2.tsv.gz", "nama_10r_2gdp.tsv.gz"):
        (tmp_path / name).write_bytes(b"x")
    gisco = tmp_path / "gisco"
    gisco.mkdir()
    for level in (0, 1, 2):
        (gisco / f"NUTS_RG_20M_2021_3035_LEVL_{level}.geojson").write_text("{}")
    paths = fetch(tmp_path, show_progress=False)
    assert [p.name for p in paths][:2] == ["sbs_r_nuts06_r2.tsv.gz", "nama_10r_2gdp.tsv.gz"]
    assert len(paths) == 5


@pytest.mark.realdata
def test_cli_build_and_fetch(shared_data, tmp_path, monkeypatch):
    import urllib.error
    import urllib.request

    from typer.testing import CliRunner

    from emerging.cli import app

    runner = CliRunner()
    raw, _ = _small_raw(shared_data, tmp_path)
    result = runner.invoke(app, ["build", "--raw", str(raw), "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "sbs_employment_nuts2.parquet" in result.output
    assert (tmp_path / "p" / "manifest.json").is_file()
    bad = runner.invoke(app, ["build", "--raw", str(tmp_path / "nothing")])
    assert bad.exit_code == 2 and "emerging fetch" in bad.output

    def offline(*args, **kwargs):
        raise urllib.error.URLError(OSError("Temporary failure in name resolution"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    result = runner.invoke(app, ["fetch", "--raw", str(tmp_path / "empty"), "--no-geometries"])
    assert result.exit_code == 3 and "offline" in result.output


@pytest.mark.realdata
def test_corrupt_optional_file_fails_and_keeps_the_previous_set(shared_data, tmp_path):
    from emerging.io.eurostat import EurostatFormatError

    raw, _ = _small_raw(shared_data, tmp_path)
    out = tmp_path / "processed"
    build(raw, out, indicators=("V16110",))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (raw / "nama_10r_2gdp.tsv").write_text("unit,geo\\time\t2014 \nMIO_EUR,CZ06\tlots \n")
    with pytest.raises(EurostatFormatError, match="lots"):
        build(raw, out, indicators=("V16110",), splits="aggregate")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.realdata
def test_an_indicator_missing_from_the_raw_file_is_named_with_the_fix(shared_data, tmp_path):
    """A filtered download (persons employed only) asked for all three indicators: the error
    names the missing ones and both fixes, not "available: []"."""
    raw = tmp_path / "raw"
    write_sbs_subset(shared_data, raw, lambda key: key[1] == "V16110" and key[2].startswith("SK"))
    with pytest.raises(ValueError) as info:
        build(raw, tmp_path / "out")
    message = str(info.value)
    assert "no rows for indicator(s) V11210 (local_units), V13320 (wages)" in message
    assert "its indic_sb codes are ['V16110']" in message
    assert "emerging fetch --refresh" in message and "indicators=['V16110']" in message
    assert "available: []" not in message
    assert not (tmp_path / "out").exists()  # nothing written
    res = build(raw, tmp_path / "out", indicators=("V16110",))
    assert [o["file"] for o in res.manifest["outputs"]] == ["sbs_employment_nuts2.parquet"]
