"""`emerging detect` and `emerging backtest` on a small slice of the demo, in a temporary folder."""

import polars as pl
import pytest
from typer.testing import CliRunner

from emerging.cli import app
from emerging.detect.run import parse_config

runner = CliRunner()


@pytest.fixture(scope="module")
def panel_file(demo_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "panel.parquet"
    demo_data.panel.drop("flag").write_parquet(path)
    return path


def test_detect_writes_scores_and_prints_candidates(panel_file, tmp_path):
    result = runner.invoke(app, ["detect", "--data", str(panel_file), "--as-of", "2018",
                                 "--window", "5", "--preset", "ambitious", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    scores = pl.read_parquet(tmp_path / "detect_scores.parquet")
    assert scores.columns[:6] == ["region", "industry", "as_of", "score", "class", "evidence"]
    assert (tmp_path / "detect_scores.csv").stat().st_size > 1000
    assert "Top emerging candidates as of 2018" in result.output
    assert "composite, preset ambitious" in result.output


def test_detect_with_a_config_and_a_region_set(panel_file, tmp_path):
    config = tmp_path / "detect.toml"
    config.write_text('model = "composite"\n[weights]\nlq = 0.7\ndensity = 0.3\n'
                      '[classes]\nemerging_share = 0.1\n')
    result = runner.invoke(app, ["detect", "--data", str(panel_file), "--as-of", "2018",
                                 "--regions", "CZ06,SK02,AT13,HU11", "--config", str(config),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    scores = pl.read_parquet(tmp_path / "detect_scores.parquet")
    assert set(scores["region"]) == {"CZ06", "SK02", "AT13", "HU11"}


def test_detect_bad_input_is_a_clear_error(panel_file, tmp_path):
    result = runner.invoke(app, ["detect", "--data", str(panel_file), "--as-of", "2030",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and "as_of=2030 is not a year of the panel" in result.output
    config = tmp_path / "bad.toml"
    config.write_text('modle = "composite"\n')
    result = runner.invoke(app, ["detect", "--data", str(panel_file), "--as-of", "2018",
                                 "--config", str(config), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown keys ['modle']" in result.output
    with pytest.raises(ValueError, match=r"\[classes\] has unknown keys \['share'\]"):
        parse_config("[classes]\nshare = 0.1\n")


def test_backtest_prints_metrics_and_writes_the_card(panel_file, tmp_path):
    result = runner.invoke(app, ["backtest", "--data", str(panel_file), "--horizon", "3",
                                 "--as-of", "2016", "--n-boot", "10", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "persistence" in result.output and "ROC-AUC" in result.output
    card = (tmp_path / "model_card.md").read_text()
    assert card.startswith("# Model card") and "| 2016-2019 | persistence |" in card
    metrics = pl.read_csv(tmp_path / "backtest_metrics.csv")
    assert {"roc_auc", "pr_auc", "precision_at_50", "recall_at_500", "best_f1", "brier"} <= set(
        metrics.columns)
    help_text = runner.invoke(app, ["backtest", "--help"]).output
    assert "baselines" in help_text and "--horizon" in help_text
