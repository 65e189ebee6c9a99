"""The command line end to end, in a temporary folder."""

import polars as pl
from typer.testing import CliRunner

from emerging.cli import app

runner = CliRunner()


def test_help_explains_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output
    result = runner.invoke(app, ["demo", "--help"])
    assert result.exit_code == 0
    assert "SIMULATED" in result.output and "--regions" in result.output


def test_demo_writes_what_it_says(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--regions", "CZ06,SK02"])
    assert result.exit_code == 0, result.output
    processed = tmp_path / "data" / "processed"
    panel = pl.read_parquet(processed / "demo_panel.parquet")
    assert panel.height == 81 * 68 * 16
    flags = pl.read_parquet(processed / "demo_flags.parquet")
    assert {"flagged", "evidence", "lq_start", "lq_end"} <= set(flags.columns)
    truth = pl.read_parquet(processed / "demo_truth.parquet")
    planted = truth.filter(kind="emerging").select("region", "industry")
    assert planted.join(flags.filter("flagged"), on=["region", "industry"]).height == 10
    # the one definition of "emerging" (emerging.detect): the planted pairs crossed 1 inside the
    # window, so as of its last year they are classed nascent (or still emerging)
    classes = pl.read_parquet(processed / "demo_detect_classes.parquet")
    shortlisted = classes.filter(pl.col("class").is_in(["emerging", "nascent"]))
    assert planted.join(shortlisted, on=["region", "industry"]).height == 10
    pack = tmp_path / "figures" / "factsheets"
    assert sorted(p.name for p in (pack / "sheets").iterdir()) == ["CZ06.html", "SK02.html"]
    assert "Západné Slovensko" in (pack / "sheets" / "SK02.html").read_text()
    assert "sheets/SK02.html" in (pack / "index.html").read_text()
    pngs = list((tmp_path / "figures").glob("*.png"))
    assert len(pngs) == 2 and all(p.stat().st_size > 10_000 for p in pngs)
    assert "planted emerging pairs found" in result.output and "10 of 10" in result.output


def test_unknown_region_gets_closest_codes(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--regions", "CZ6"])
    assert result.exit_code == 2
    assert "did you mean" in result.output and "CZ06" in result.output
