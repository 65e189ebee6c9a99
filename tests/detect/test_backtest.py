"""backtest: metrics equal scikit-learn's, baselines always there, rules that cannot fire warn,
bad input names the fix, and the real SBS data reproduce the persistence benchmark."""

import warnings

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from emerging.detect import RuleCannotFireWarning, backtest
from emerging.detect.metrics import ranking_metrics, region_bootstrap


@pytest.fixture(scope="module")
def demo_backtest(demo_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuleCannotFireWarning)
        return backtest(demo_data.panel.drop("flag"), as_of=[2016, 2018], horizon=3, window=3,
                        n_boot=30, leave_country_out=True)


def test_metrics_equal_scikit_learn(demo_backtest):
    preds, metrics = demo_backtest.predictions, demo_backtest.metrics
    checked = 0
    for row in metrics.iter_rows(named=True):
        split = preds.filter(pl.col("as_of") == row["as_of"])
        y = split["outcome"].to_numpy()
        s = split[f"score_{row['score']}"].to_numpy()
        assert np.isfinite(s).all()
        assert row["roc_auc"] == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert row["pr_auc"] == pytest.approx(average_precision_score(y, s), abs=1e-12)
        if row["score"].startswith("logit"):
            assert row["brier"] == pytest.approx(brier_score_loss(y, s), abs=1e-12)
        top = np.argsort(-s, kind="stable")[:50]
        assert row["precision_at_50"] == pytest.approx(y[top].mean())
        assert row["recall_at_50"] == pytest.approx(y[top].sum() / y.sum())
        checked += 1
    assert checked == metrics.height > 10


def test_baselines_beside_every_score(demo_backtest):
    scores = set(demo_backtest.metrics["score"])
    assert {"persistence", "density", "growth", "random", "rule", "composite:balanced",
            "logit", "logit_loco"} <= scores
    lo, hi = demo_backtest.metrics["roc_auc_lo"], demo_backtest.metrics["roc_auc_hi"]
    assert ((lo <= demo_backtest.metrics["roc_auc"] + 1e-12)
            & (demo_backtest.metrics["roc_auc"] <= hi + 1e-12)).all()
    card = demo_backtest.card()
    assert "## Metrics" in card and "persistence" in card and "Beats persistence" in card
    assert "<table" in demo_backtest._repr_html_()


def test_weighted_metrics_equal_repeated_rows():
    rng = np.random.default_rng(3)
    y = rng.random(400) < 0.2
    s = np.round(rng.random(400) + 0.4 * y, 2)
    region = rng.integers(0, 20, 400)
    w = region_bootstrap(region, 20, 5, seed=1)
    m = ranking_metrics(s, y, w)
    for b in range(1, 6):
        rows = np.repeat(np.arange(400), w[b].astype(int))
        assert m["roc_auc"][b] == pytest.approx(roc_auc_score(y[rows], s[rows]))
        assert m["pr_auc"][b] == pytest.approx(average_precision_score(y[rows], s[rows]))


def test_rule_that_cannot_fire_warns(demo_data):
    with pytest.warns(RuleCannotFireWarning, match="flags no pair of the entry risk set"):
        backtest(demo_data.panel.drop("flag"), as_of=2016, horizon=3, scores=("rule",),
                 n_boot=5)


def test_plot_draws_three_panels(demo_backtest):
    fig, axes = demo_backtest.plot()
    titles = [a.get_title(loc="left") or a.get_title() for a in axes]
    assert titles == ["ROC curve", "Precision-recall", "Precision at k"]
    with pytest.raises(ValueError, match="not a backtested origin"):
        demo_backtest.plot(as_of=1999)


def test_bad_input_names_the_fix(demo_data):
    panel = demo_data.panel.drop("flag")
    with pytest.raises(ValueError, match=r"reaches 2026, beyond the data \(last year 2023\); "
                                         r"pass as_of <= 2020"):
        backtest(panel, as_of=2023, horizon=3)
    with pytest.raises(ValueError, match="outcome must be one of"):
        backtest(panel, as_of=2016, outcome="birth")
    same = pl.DataFrame({  # both regions have the same structure: every LQ is exactly 1
        "region": ["A1", "A1", "B1", "B1"] * 4, "industry": ["x", "y"] * 8,
        "year": [y for y in range(2010, 2014) for _ in range(4)],
        "value": [10.0, 90.0, 20.0, 180.0] * 4})
    with pytest.raises(ValueError, match="risk set of outcome='entry' as of 2010 with horizon 3 "
                                         "is empty"):
        backtest(same, as_of=2010, horizon=3, window=1, n_boot=5)
    with pytest.raises(ValueError, match="unknown score 'forest'"):
        backtest(panel, as_of=2016, scores=("forest",), n_boot=5)


@pytest.mark.realdata
def test_real_sbs_persistence_benchmark(sbs_employment_nuts2):
    """Issue 12: the distance of the LQ to 1 predicts entry 2011-2014 with ROC-AUC about
    0.86 on NUTS-2 x divisions; the README rule cannot fire in the entry risk set."""
    from emerging.codes.harmonise import harmonise

    panel = harmonise(sbs_employment_nuts2.filter(pl.col("year") <= 2014), to=2021).panel
    with pytest.warns(RuleCannotFireWarning):
        result = backtest(panel.select("region", "industry", "year", "value"), as_of=2011,
                          horizon=3, window=3, scores=("composite:feasible", "rule"), n_boot=20)
    m = {r["score"]: r for r in result.metrics.iter_rows(named=True)}
    assert 8_000 < m["persistence"]["n"] < 9_000
    assert m["persistence"]["roc_auc"] == pytest.approx(0.86, abs=0.01)
    assert 0.55 < m["density"]["roc_auc"] < 0.65
    assert m["rule"]["roc_auc"] == 0.5
    assert m["composite:feasible"]["pr_auc"] < m["persistence"]["pr_auc"]


def test_headline_quotes_the_default_beside_persistence(demo_backtest):
    line = demo_backtest.headline("logit")
    assert line.startswith("Backtest of the logit score on new specialisations 2018-2021")
    assert "ROC-AUC" in line and "(persistence: ROC-AUC" in line
    with pytest.raises(ValueError, match="score 'forest' is not in the backtest"):
        demo_backtest.headline("forest")


def test_published_real_data_backtest_is_shipped():
    from emerging.detect import published_backtest

    m = published_backtest()
    assert set(m["horizon"]) == {1, 2, 3}
    splits = m.select("as_of", "horizon").unique().height
    assert splits == 9 and m.filter(pl.col("score") == "persistence").height == 9
    # the default score is persistence: no other score beats it on every split
    p = m.filter(pl.col("score") == "persistence").select(
        "as_of", "horizon", pl.col("pr_auc").alias("p"))
    beats = m.join(p, on=["as_of", "horizon"]).filter(pl.col("pr_auc") > pl.col("p"))
    assert beats.group_by("score").len().filter(pl.col("len") == splits).is_empty()


def test_stay_counts_only_lasting_entries(demo_data):
    from emerging.detect.outcomes import attach_outcome
    from emerging.detect.signals import emergence_signals

    panel = demo_data.panel.drop("flag")
    s = emergence_signals(panel, as_of=2016, window=3)
    once, _ = attach_outcome(panel, s, horizon=3, outcome="entry")
    lasting, _ = attach_outcome(panel, s, horizon=3, outcome="entry", stay=True)
    assert lasting["outcome"].sum() <= once["outcome"].sum()
    both = once.join(lasting, on=["region", "industry"], suffix="_stay")
    assert not (both["outcome_stay"] & ~both["outcome"]).any()  # a lasting entry is an entry
    with pytest.raises(ValueError, match="stay=True is for entry and exit with horizon >= 2"):
        attach_outcome(panel, s, horizon=1, outcome="entry", stay=True)


def test_reference_set_reaches_the_outcomes(demo_data):
    """With reference="set" the outcome LQ is measured against the same region set."""
    from emerging.indices import location_quotient

    panel = demo_data.panel.drop("flag")
    czech = sorted(r for r in panel["region"].unique() if r.startswith("CZ"))
    b = backtest(panel, as_of=2016, horizon=3, window=3, n_boot=5, scores=(),
                 reference="set", regions=czech)
    later = location_quotient(panel.filter(pl.col("year") == 2019), reference="set",
                              regions=czech).select("region", "industry", "lq")
    joined = b.predictions.join(later, on=["region", "industry"])
    assert joined.height == b.predictions.height > 100
    assert (joined["outcome"] == (joined["lq"] >= 1)).all()


def test_ranking_scores_warn_nothing_numeric(demo_data):
    """Rankings have no Brier score (NaN); their intervals must not warn (All-NaN slice)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        b = backtest(demo_data.panel.drop("flag"), as_of=2016, horizon=3, window=3, n_boot=10,
                     scores=("composite:balanced",))
    ranking = b.metrics.filter(pl.col("score") != "logit")
    assert ranking["brier"].is_nan().all() and ranking["brier_lo"].is_nan().all()
    assert ranking["roc_auc_lo"].is_not_nan().all()


def test_gbm_is_fitted_on_past_origins_only(demo_data):
    """The tree score as of 2018 (horizon 3) equals scikit-learn's trees fitted on the risk
    sets of the origins 2012-2015 only (every outcome known by 2018), with the fixed
    settings of emerging.detect._gbm."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    from emerging.detect import emergence_signals
    from emerging.detect._gbm import SETTINGS, feature_columns
    from emerging.detect.outcomes import attach_outcome

    panel = demo_data.panel.drop("flag")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuleCannotFireWarning)
        b = backtest(panel, as_of=2018, horizon=3, window=3, n_boot=5, scores=("gbm",))

    def risk(origin):
        s = emergence_signals(panel, as_of=origin, window=3)
        return attach_outcome(panel, s, horizon=3, outcome="entry")[0]

    first = int(panel["year"].min()) + 2
    train = pl.concat([risk(o) for o in range(first, 2016)], how="vertical_relaxed")
    # without neighbours, neighbours_specialised is unknown everywhere: left out
    cols = [c for c in feature_columns() if c != "neighbours_specialised"]

    def x(t):
        return t.select(pl.col(c).cast(pl.Float64).fill_nan(None) for c in cols).to_numpy()

    with threadpool_limits(limits=1, user_api="openmp"):  # spinning threads are slow
        model = HistGradientBoostingClassifier(**SETTINGS).fit(
            x(train), train["outcome"].cast(pl.Int8).to_numpy())
        expected = model.predict_proba(x(risk(2018)))[:, 1]
    got = b.predictions.sort("region", "industry")["score_gbm"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    row = b.metrics.filter(pl.col("score") == "gbm").row(0, named=True)
    y = b.predictions.sort("region", "industry")["outcome"].to_numpy()
    assert row["brier"] == pytest.approx(brier_score_loss(y, expected), abs=1e-12)
