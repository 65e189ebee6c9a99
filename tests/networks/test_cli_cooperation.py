"""`emerging partners` and `emerging networks` end to end (demo and the shared real data)."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from emerging.cli import app

runner = CliRunner()


def test_partners_on_the_demo_with_reasons(tmp_path):
    out = tmp_path / "partners.csv"
    result = runner.invoke(app, ["partners", "CZ06", "--industry", "C27", "--top", "3",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SIMULATED" in result.output and "Partners for CZ06 in C27" in result.output
    table = pl.read_csv(out)
    assert (table["country"] != "CZ").all()
    assert table["reasons"].str.contains("relatedness density of C27").all()
    assert table["score"].is_sorted(descending=True)


def test_partners_errors_and_help():
    result = runner.invoke(app, ["partners", "--help"])
    assert result.exit_code == 0 and "reasons" in result.output
    result = runner.invoke(app, ["partners", "CZ06", "--industry", "X99"])
    assert result.exit_code == 2 and "industry 'X99' is not in the panel" in result.output


@pytest.mark.realdata
def test_partners_on_shared_h2020_and_interreg(shared_data, tmp_path):
    out = tmp_path / "p.csv"
    result = runner.invoke(app, ["partners", "CZ", "--industry", "C27", "--data",
                                 str(shared_data), "--out", str(out), "--no-brokerage"])
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert table["partner"].str.len_chars().unique().to_list() == [2]
    de = table.filter(pl.col("partner") == "DE").row(0, named=True)
    assert "joint projects with CZ" in de["reasons"] and "Interreg 2014-2020" in de["reasons"]
