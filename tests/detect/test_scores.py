"""Scores: contributions add up, presets and weights fail loudly, classes, explanations."""

import numpy as np
import polars as pl
import pytest

from emerging.detect.classes import ClassRules, thousands
from emerging.detect.score import (
    SIGNALS,
    check_weights,
    emergence_scores,
    parse_presets,
    presets,
)
from emerging.detect.signals import emergence_signals


@pytest.fixture(scope="module")
def demo_signals(demo_data):
    return emergence_signals(demo_data.panel.drop("flag"), as_of=2018, window=5)


def _contrib(table):
    return table.select(pl.sum_horizontal(f"contrib_{s}" for s in SIGNALS))["contrib_lq"].to_numpy()


def test_composite_contributions_add_up_to_the_score(demo_signals):
    for name in presets():
        scores = emergence_scores(demo_signals, model="composite", preset=name)
        frame = scores.to_frame()
        np.testing.assert_allclose(_contrib(frame), frame["score"].to_numpy(), atol=1e-12)
        assert frame["score"].min() >= 0 and frame["score"].max() <= 1


def test_composite_by_hand():
    signals = emergence_signals(pl.DataFrame({
        "region": ["A1", "A1", "B1", "B1", "C1", "C1"], "industry": ["x", "y"] * 3,
        "year": [2020] * 6, "value": [10.0, 90.0, 20.0, 80.0, 60.0, 40.0]}), as_of=2020, window=1)
    # LQ of x: (10/100) / (90/300) = 1/3, 2/3, 2; of y: (90/100) / (210/300) = 9/7, 8/7, 4/7;
    # the percentile ranks of the six (1/3, 4/7, 2/3, 8/7, 9/7, 2) are 0, 0.2, ..., 1
    out = emergence_scores(signals, model="composite", weights={"lq": 0.5, "density": 0.5})
    lq_part = out.to_frame().sort("region", "industry")["contrib_lq"].to_list()
    assert lq_part == pytest.approx([0.0, 0.4, 0.2, 0.3, 0.5, 0.1])


def test_logit_contributions_add_up_to_the_log_odds(demo_data, demo_signals):
    scores = emergence_scores(demo_signals, model="logit", panel=demo_data.panel.drop("flag"),
                              horizon=3)
    frame = scores.to_frame()
    p = frame["score"].to_numpy()
    inside = (p > 1e-9) & (p < 1 - 1e-9)  # where the log-odds are not rounded to +-inf
    log_odds = np.log(p[inside] / (1 - p[inside]))
    np.testing.assert_allclose((_contrib(frame) + scores.base_log_odds)[inside], log_odds,
                               rtol=1e-6, atol=1e-6)
    assert scores.fit.origins == tuple(range(2012, 2016))  # outcomes known by 2018
    assert scores.fit.coefficients()["term"][0] == "intercept"


def test_result_frame_schema_is_stable(demo_signals):
    frame = emergence_scores(demo_signals).to_frame()
    assert frame.columns[:6] == ["region", "industry", "as_of", "score", "class", "evidence"]
    assert [c for c in frame.columns if c.startswith("contrib_")] == [f"contrib_{s}" for s in SIGNALS]
    assert frame.schema["evidence"] == pl.String
    assert set(frame["class"]) <= {"emerging", "nascent", "established", "eroding", "other"}


def test_planted_emerging_pairs_are_found_before_they_cross(demo_data, demo_signals):
    """The demo plants pairs whose LQ rises through 1 in 2020-2021 with accelerating growth.
    As of 2018 the momentum preset classes most of them emerging and ranks them in the top
    5 %; the persistence default does not (their LQs, about 0.7, are far from 1), as on real
    data momentum does not predict entry."""
    planted = demo_data.truth.filter(kind="emerging").select("region", "industry")
    scores = emergence_scores(demo_signals, model="composite", preset="ambitious")
    at_risk = scores.table.filter(pl.col("lq") < 1).with_columns(
        share=pl.col("score").rank(descending=True) / pl.len())
    found = at_risk.join(planted, on=["region", "industry"])
    assert found.height == 9  # one planted pair (PL82 C30) has already crossed by 2018
    assert (found["lq"] < 1).all()
    assert (found["class"] == "emerging").sum() >= 7
    assert (found["share"] <= 0.05).sum() >= 7
    default = emergence_scores(demo_signals).table.join(planted, on=["region", "industry"])
    assert (default.filter(pl.col("lq") < 1)["class"] == "emerging").sum() <= 2


def test_every_class_has_reasons(demo_signals):
    frame = emergence_scores(demo_signals, model="composite").to_frame()
    assert frame["reasons"].null_count() == 0 and frame["evidence"].null_count() == 0
    eroding = frame.filter(pl.col("class") == "eroding")["reasons"]
    assert eroding.str.contains("falls significantly").all()


def test_explain_in_words_with_units_and_years():
    panel = pl.DataFrame({
        "region": ["A1", "A1", "B1", "B1"] * 3, "industry": ["x", "y"] * 6,
        "year": [2010] * 4 + [2011] * 4 + [2012] * 4,
        "value": [12345.0, 50000, 40000, 30000, 13000, 50000, 40000, 30000, 14000, 50000,
                  40000, 30000]})
    scores = emergence_scores(emergence_signals(panel, as_of=2012, window=3), model="composite")
    text = scores.explain("A1", "x")
    assert "14,000 persons employed in 2012" in text
    assert "A1 x x as of 2012" in text and "since 2010" in text
    with pytest.raises(ValueError, match="no scores for region 'ZZ99'"):
        scores.explain("ZZ99", "x")


def test_thousands_separators():
    s = pl.DataFrame({"v": [0.0, 999.0, 1000.0, 1234567.4, -1234.0, None]})
    assert s.select(thousands(pl.col("v")).alias("v"))["v"].to_list() == [
        "0", "999", "1,000", "1,234,567", "-1,234", None]


def test_bad_weights_and_presets_name_the_fix(demo_signals):
    with pytest.raises(ValueError, match=r"name unknown signals \['momentum'\]; known signals"):
        check_weights({"lq": 0.5, "momentum": 0.5})
    with pytest.raises(ValueError, match=r"add up to 0.8, not 1; scale them, e.g. lq=0.625"):
        check_weights({"lq": 0.5, "density": 0.3})
    with pytest.raises(ValueError, match=r"\[mine\] has unknown keys \['weight'\]"):
        parse_presets('[mine]\nweight = { lq = 1.0 }\n')
    with pytest.raises(ValueError, match="preset must be one of"):
        emergence_scores(demo_signals, model="composite", preset="bold")
    with pytest.raises(ValueError, match="model must be one of"):
        emergence_scores(demo_signals, model="forest")
    with pytest.raises(ValueError, match="pass panel="):
        emergence_scores(demo_signals, model="logit")
    with pytest.raises(ValueError, match="emerging_share must be a share"):
        ClassRules(emerging_share=5)


def test_gbm_score_is_the_backtests_trees_with_occlusion_contributions(demo_data, demo_signals):
    """model="gbm" fits the trees on the past origins as the backtest does (same
    probabilities on the risk set); each contribution is the log-odds lost when that
    signal is taken as unknown."""
    import warnings

    from emerging.detect import RuleCannotFireWarning, backtest

    panel = demo_data.panel.drop("flag")
    scores = emergence_scores(demo_signals, model="gbm", panel=panel, horizon=3)
    assert scores.fit.origins == tuple(range(2012, 2016))
    assert scores.label.startswith("gradient-boosted trees fitted on origins 2012-2015")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuleCannotFireWarning)
        b = backtest(panel, as_of=demo_signals.as_of, horizon=3, window=demo_signals.window,
                     n_boot=2, scores=("gbm",))
    joined = b.predictions.join(scores.table.select("region", "industry", "score"),
                                on=["region", "industry"])
    assert joined.height == b.predictions.height > 100
    np.testing.assert_allclose(joined["score"], joined["score_gbm"], rtol=0, atol=1e-12)
    # the contribution of the LQ, recomputed for the first pair by hand
    from emerging.detect._gbm import _matrix

    row = scores.table.head(1)
    x = _matrix(row, scores.fit.columns)
    held = x.copy()
    held[:, scores.fit.columns.index("lq")] = np.nan
    p, q = (scores.fit.model.predict_proba(m)[0, 1] for m in (x, held))
    assert row["contrib_lq"][0] == pytest.approx(np.log(p / (1 - p)) - np.log(q / (1 - q)))
    assert "not additive" in scores.explain(row["region"][0], row["industry"][0])
