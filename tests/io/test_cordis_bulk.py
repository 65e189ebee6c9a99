"""CORDIS bulk download without network: a fixture zip in the published layout, served by
file:// URL through the real download code (cache, sha256 sidecar, unpacking); amounts in
both thousands conventions."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from emerging.cli import app
from emerging.io.cordis import parse_amounts, read_cordis
from emerging.io.cordis_bulk import download_cordis
from emerging.networks import project_network

FIXTURE = Path(__file__).parent / "fixtures" / "cordis"
# the projects bulk zip holds more tables than the two read (names as published)
OTHER_TABLES = ("euroSciVoc.csv", "legalBasis.csv", "topics.csv", "webItem.csv", "webLink.csv")


def make_zip(path: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in ("project.csv", "organization.csv"):
            z.write(FIXTURE / name, prefix + name)
        for name in OTHER_TABLES:
            z.writestr(prefix + name, "id;x\n1;2\n")
    return path


def test_download_cache_sha256_and_read(tmp_path):
    source = make_zip(tmp_path / "served.zip")
    raw = tmp_path / "raw"
    folder = download_cordis("cordis-h2020", raw, url=source.as_uri(), show_progress=False)
    assert folder == raw / "cordis-h2020"
    assert sorted(p.name for p in folder.iterdir()) == ["organization.csv", "project.csv"]
    assert (folder / "organization.csv").read_bytes() == (FIXTURE / "organization.csv").read_bytes()
    meta = json.loads((raw / "cordis-h2020-csv.zip.source.json").read_text())
    assert meta["url"] == source.as_uri() and len(meta["sha256"]) == 64
    # cached: a changed source is not downloaded again
    source.write_bytes(b"changed")
    download_cordis("cordis-h2020", raw, url=source.as_uri(), show_progress=False)
    assert zipfile.is_zipfile(raw / "cordis-h2020-csv.zip")
    table = read_cordis(folder)
    assert table.participations.height == 7
    # a cached zip that no longer matches its recorded sha256 is refused
    (raw / "cordis-h2020-csv.zip").write_bytes(b"truncated")
    with pytest.raises(ValueError, match="no longer matches the sha256"):
        download_cordis("cordis-h2020", raw, url=source.as_uri(), show_progress=False)


def test_nested_zip_manual_copy_and_bad_zips(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    make_zip(raw / "cordis-horizon-csv.zip", prefix="csv/")  # saved by hand, in a folder
    folder = download_cordis("cordis-horizon", raw, show_progress=False)
    assert (folder / "project.csv").is_file()
    assert (raw / "cordis-horizon-csv.zip.source.json").is_file()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("project.csv", "id\n")
    with pytest.raises(ValueError, match=r"lacks \['organization.csv'\]"):
        download_cordis("cordis-h2020", tmp_path / "r2", url=bad.as_uri(), show_progress=False)
    with pytest.raises(ValueError, match="unknown CORDIS dataset"):
        download_cordis("cordis-fp7", raw)


def test_cli_fetch_dataset(tmp_path):
    runner = CliRunner()
    raw = tmp_path / "raw"
    raw.mkdir()
    make_zip(raw / "cordis-h2020-csv.zip")
    result = runner.invoke(app, ["fetch", "--raw", str(raw), "--dataset", "cordis-h2020"])
    assert result.exit_code == 0, result.output
    assert (raw / "cordis-h2020" / "organization.csv").is_file()
    assert "cordis-h2" in result.output.replace("\n", "")
    result = runner.invoke(app, ["fetch", "--raw", str(raw), "--dataset", "cordis-fp5"])
    assert result.exit_code == 2 and "unknown dataset" in result.output


def test_region_networks_at_any_nuts_level_from_the_fixture():
    parts = read_cordis(FIXTURE / "organization.csv", FIXTURE / "project.csv").participations
    coded = parts.filter(pl.col("region").str.len_chars() == 5)
    for level in (1, 2, 3):
        net = project_network(coded, node="region", level=level)
        nodes = pl.concat([net.edges["source"], net.edges["target"]])
        assert (nodes.str.len_chars() == level + 2).all()


def test_amounts_in_both_conventions():
    values = pl.Series("a", ["1,234,567.89", "1.234.567,89", "1234567.89", "1234567,89",
                             "1 234 567,89", "1\u00a0234", "", None, "n/a", "12,5"])
    got, counts = parse_amounts(values)
    assert got.to_list()[:6] == [1234567.89] * 5 + [1234.0]
    assert got.to_list()[6:] == [None, None, None, 12.5]
    assert counts["amount unreadable (left unknown)"] == 1
    # one separator and three digits: read in the column's convention...
    got, counts = parse_amounts(pl.Series(["1,234", "5.000,50"]))
    assert got.to_list() == [1.234, 5000.5]
    got, counts = parse_amounts(pl.Series(["1,234", "5,000.50"]))
    assert got.to_list() == [1234.0, 5000.5]
    # ...and unknown, counted, when the column gives no evidence or mixes both
    got, counts = parse_amounts(pl.Series(["1,234", "9.000,5", "9,000.5"]))
    assert got.to_list() == [None, 9000.5, 9000.5]
    assert counts["amount ambiguous between the two conventions (left unknown)"] == 1


def test_read_cordis_counts_amounts_it_cannot_read(tmp_path):
    text = (FIXTURE / "organization.csv").read_text()
    text = text.replace(";250000.5;250000.5;", ";n/a;250000.5;", 1)
    org = tmp_path / "organization.csv"
    org.write_text(text)
    table = read_cordis(org, FIXTURE / "project.csv")
    assert table.amounts["amount unreadable (left unknown)"] == 1
    assert "1 amount unreadable" in table.summary()
    assert table.participations.height == 7  # the row is kept, its funding unknown
