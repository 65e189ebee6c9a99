"""The Central Europe S3 study script end to end, on a reduced configuration of the real data."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "analyses" / "central_europe_s3.py"

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def _load_script():
    spec = importlib.util.spec_from_file_location("central_europe_s3", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _toml(config: dict) -> str:
    def value(v):
        if isinstance(v, str):
            return '"' + v.replace("\\", "/") + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v).lower() if isinstance(v, bool) else str(v)

    return "\n".join(f"[{section}]\n" + "\n".join(f"{k} = {value(v)}" for k, v in keys.items())
                     for section, keys in config.items())


@pytest.fixture(scope="module")
def reduced(tmp_path_factory, shared_data):
    """Two regions, 2010-2014, one backtest origin, 20 replicates; outputs in a temp folder."""
    out = tmp_path_factory.mktemp("s3")
    config = tomllib.loads((REPO / "analyses" / "central_europe_s3.toml").read_text())
    config["data"].update(folder=str(shared_data), first_year=2010, last_year=2014)
    config["regions"]["set"] = ["CZ06", "SK02"]
    config["describe"].update(start=2012, end=2014)
    config["detection"].update(as_of=2014, backtest_origins=[2012], n_boot=20, top=5)
    config["cooperation"]["partners"] = 2
    config["output"].update(processed=str(out / "processed"), figures=str(out / "figures"))
    path = out / "study.toml"
    path.write_text(_toml(config), encoding="utf-8")
    return out, _load_script().main(path)


def test_expected_files_exist(reduced):
    out, _ = reduced
    processed, figures = out / "processed", out / "figures"
    for name in ("specialisation", "growth", "shift_share", "relatedness_density",
                 "complexity_eci", "emergence_scores", "backtest_metrics",
                 "h2020_country_pairs", "interreg_nuts2", "partners"):
        assert (processed / f"{name}.parquet").is_file(), name
    for name in ("backtest", "map_specialisations", "emerging_candidates", "map_interreg_partners",
                 "map_eci"):
        assert (figures / f"{name}.png").stat().st_size > 10_000, name
    assert (processed / "model_card.md").read_text(encoding="utf-8").strip()
    sheets = list((figures / "reports").rglob("*.html"))
    assert any("CZ06" in p.name for p in sheets) and any("SK02" in p.name for p in sheets)


def test_tables_hold_the_study_regions_only(reduced):
    out, _ = reduced
    for name in ("specialisation", "emergence_scores", "partners"):
        regions = set(pl.read_parquet(out / "processed" / f"{name}.parquet")["region"])
        assert regions == {"CZ06", "SK02"}, name
    partners = pl.read_parquet(out / "processed" / "partners.parquet")
    # partners are across the border: never in the focal region's own country
    assert (partners["partner"].str.slice(0, 2) != partners["region"].str.slice(0, 2)).all()
    metrics = pl.read_parquet(out / "processed" / "backtest_metrics.parquet")
    assert {"persistence", "density", "growth", "random"} <= set(metrics["score"])


def test_summary_names_the_regions_and_the_caveat(reduced):
    out, summary = reduced
    assert "CZ06 Jihovýchod" in summary and "SK02 Západné Slovensko" in summary
    assert "shortlist for expert review" in summary
    assert "Top partner suggestions" in summary and "Written:" in summary
    assert (out / "processed" / "summary.txt").read_text(encoding="utf-8") == summary


def test_unknown_config_key_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    text = (REPO / "analyses" / "central_europe_s3.toml").read_text()
    path.write_text(text.replace("[detection]", "[detection]\nwindw = 3"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown keys \['windw'\]"):
        _load_script().read_config(path)
