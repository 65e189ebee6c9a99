"""trend_slopes' options object: the same fits through ``options=`` and through keywords."""

import dataclasses

import pytest
from polars.testing import assert_frame_equal

from emerging.trends import SlopeOptions, trend_slopes

SETTINGS = {"se": "ols", "maxlags": 2, "split": 2016, "min_obs": 6, "level": 0.9,
            "acceleration": True, "inference": True}


@pytest.fixture(scope="module")
def panel(demo_data):
    return demo_data.panel.filter(demo_data.panel["region"].str.starts_with("CZ"))


@pytest.mark.parametrize("settings", [SETTINGS, {"measure": "lq", "se": "hac"},
                                      {"zeros": "log1p", "inference": False}])
def test_options_object_and_keywords_give_the_same_table(panel, settings):
    by_keywords = trend_slopes(panel, start=2009, end=2022, **settings)
    by_options = trend_slopes(panel, start=2009, end=2022, options=SlopeOptions(**settings))
    assert_frame_equal(by_keywords.table, by_options.table, check_exact=True)
    assert (by_keywords.split, by_keywords.se_type, by_keywords.measure) == (
        by_options.split, by_options.se_type, by_options.measure)
    assert by_keywords.exclusions == by_options.exclusions


def test_default_options_are_the_function_defaults(panel):
    assert_frame_equal(trend_slopes(panel).table,
                       trend_slopes(panel, options=SlopeOptions()).table, check_exact=True)
    assert SlopeOptions().se == "hac" and SlopeOptions().min_obs == 4


def test_a_keyword_overrides_the_same_field_of_options(panel):
    got = trend_slopes(panel, options=SlopeOptions(se="ols", min_obs=6), se="hac")
    want = trend_slopes(panel, se="hac", min_obs=6)
    assert got.se_type == "hac"
    assert_frame_equal(got.table, want.table, check_exact=True)


@pytest.mark.parametrize(("bad", "message"), [
    ({"se": "robust"}, r"se must be one of \('hac', 'ols'\); got 'robust'"),
    ({"level": 95}, r"level must be a confidence level strictly between 0 and 1"),
    ({"min_obs": 2}, r"min_obs must be at least 3 \(a slope and its error\); got 2"),
    ({"zeros": "keep"}, r"zeros must be one of \('drop', 'log1p'\); got 'keep'"),
    ({"measure": "share"}, r"measure must be one of \('value', 'lq'\); got 'share'"),
    ({"measure": "lq", "zeros": "log1p"}, r"zeros='log1p' is for employment only"),
])
def test_a_bad_option_gets_the_same_error_either_way(panel, bad, message):
    with pytest.raises(ValueError, match=message):
        trend_slopes(panel, **bad)
    with pytest.raises(ValueError, match=message):
        SlopeOptions(**bad)
    good = SlopeOptions()
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(good, **bad)


def test_a_split_outside_the_window_is_refused_from_options_too(panel):
    with pytest.raises(ValueError, match="split 1990 must fall inside the window 2008-2023"):
        trend_slopes(panel, options=SlopeOptions(split=1990))


def test_unknown_keyword_and_wrong_options_type_are_type_errors(panel):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'lags'.*'maxlags'"):
        trend_slopes(panel, lags=2)
    with pytest.raises(TypeError, match="options must be a SlopeOptions; got dict"):
        trend_slopes(panel, options={"se": "ols"})


def test_options_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SlopeOptions().se = "ols"


def test_fit_trend_takes_the_same_options_object(panel):
    from emerging.trends import fit_trend

    settings = {"se": "ols", "maxlags": 1, "split": 2017, "level": 0.9}
    by_keywords = fit_trend(panel, region="CZ06", industry="C26", **settings).to_frame()
    by_options = fit_trend(panel, region="CZ06", industry="C26",
                           options=SlopeOptions(**settings)).to_frame()
    assert_frame_equal(by_keywords, by_options, check_exact=True)
    # and the panel fit gives the same slope and interval for this series
    row = trend_slopes(panel, options=SlopeOptions(**settings)).table.filter(
        region="CZ06", industry="C26").row(0, named=True)
    assert row["slope"] == pytest.approx(by_options["slope"][0], rel=1e-9)
    assert row["ci_lo"] == pytest.approx(by_options["ci_lo"][0], rel=1e-9)


def test_fit_trend_refuses_panel_only_keywords(panel):
    from emerging.trends import fit_trend

    with pytest.raises(TypeError, match=r"unexpected keyword argument 'min_obs'; its options"):
        fit_trend(panel, region="CZ06", industry="C26", min_obs=5)
    with pytest.raises(ValueError, match=r"se must be one of \('hac', 'ols'\); got 'x'"):
        fit_trend(panel, region="CZ06", industry="C26", se="x")
