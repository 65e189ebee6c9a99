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


def test_networks_on_the_demo(tmp_path):
    result = runner.invoke(app, ["networks", "--node", "region", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "region network (fractional weights)" in result.output
    assert "Cross-border share of all tie weight" in result.output
    for name in ("edges.csv", "nodes.parquet", "communities.csv", "network.png", "flow_map.png"):
        assert (tmp_path / name).is_file()
    result = runner.invoke(app, ["networks", "--node", "city"])
    assert result.exit_code == 2 and "node must be one of" in result.output


@pytest.mark.realdata
def test_networks_on_shared_h2020(shared_data, tmp_path):
    result = runner.invoke(app, ["networks", "--data", str(shared_data), "--start", "2014",
                                 "--end", "2020", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    nodes = pl.read_parquet(tmp_path / "nodes.parquet")
    cz = nodes.filter(pl.col("node") == "CZ").row(0, named=True)
    assert 0.5 < cz["cross_border_share"] < 1.0  # domestic ties are in the denominator
    assert (tmp_path / "flow_map.png").is_file()



def test_network_figures_carry_the_source_line(tmp_path, monkeypatch):
    import emerging.maps
    from emerging.datasets import demo
    from emerging.networks import analyse_network

    seen = {}

    def keep_text(fig, path, **kwargs):
        seen[path.name] = " ".join(t.get_text() for t in fig.texts)
        return [path]

    monkeypatch.setattr(emerging.maps, "save_figure", keep_text)
    res = analyse_network(demo().participations, node="region")
    res._figures(tmp_path, None, "joint projects", "SIMULATED demo data (not real figures)")
    assert set(seen) == {"network", "flow_map"}
    assert all("SIMULATED demo data" in text for text in seen.values())
    assert "weaker" in seen["flow_map"]
