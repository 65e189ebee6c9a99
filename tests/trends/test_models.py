"""Trend models: closed form against statsmodels, zeros and gaps, planted demo trends."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from emerging.trends import ols_se_expr, ols_slope_expr, trend_slopes
from emerging.trends._ols import hac_se, ols_rows, slope_difference
from emerging.trends.models import fit_trend, fixed_effects_trend

from ._panels import trend_panel


def _random_panel(seed=0, n_r=6, n_i=5, n_t=12, p_null=0.06, p_zero=0.03):
    return trend_panel(np.random.default_rng(seed), [f"CZ0{r + 1}" for r in range(n_r)],
                       industries=n_i, years=range(2004, 2004 + n_t), level=(3, 7),
                       sd=(0.05, 0.08), p_zero=p_zero, p_null=p_null)


def test_closed_form_slope_and_se_equal_statsmodels_ols():
    rng = np.random.default_rng(7)
    s, t = 400, 15
    x = np.arange(2000, 2000 + t, dtype=float)
    y = 5 + rng.normal(0, 0.3, (s, t)).cumsum(axis=1) * 0.2 + rng.normal(0, 1, (s, 1)) * 0.03 * x
    known = rng.random((s, t)) > 0.2
    fit = ols_rows(y, known, x)
    for row in range(0, s, 7):  # a sample of ~60 series
        k = known[row]
        res = sm.OLS(y[row, k], sm.add_constant(x[k])).fit()
        if k.sum() < 3:
            assert np.isnan(fit["slope"][row])
            continue
        assert fit["slope"][row] == pytest.approx(res.params[1], rel=1e-9, abs=1e-12)
        assert fit["se"][row] == pytest.approx(res.bse[1], rel=1e-9)
        assert fit["intercept"][row] == pytest.approx(res.params[0], rel=1e-9)


def test_closed_form_hac_equals_statsmodels_newey_west_with_gaps():
    rng = np.random.default_rng(3)
    s, t = 120, 16
    x = np.arange(2008, 2008 + t, dtype=float)
    y = rng.normal(0, 1, (s, t)).cumsum(axis=1) * 0.05 + 0.01 * x
    known = rng.random((s, t)) > 0.15
    fit = ols_rows(y, known, x)
    for lags in (1, 2, 4):
        se = hac_se(fit, known, np.full(s, lags))
        for row in range(0, s, 5):
            k = known[row]
            res = sm.OLS(y[row, k], sm.add_constant(x[k])).fit(
                cov_type="HAC", cov_kwds={"maxlags": lags}
            )
            assert se[row] == pytest.approx(res.bse[1], rel=1e-8)


def test_acceleration_equals_the_interaction_of_the_fully_interacted_model():
    rng = np.random.default_rng(5)
    s, t = 40, 12
    x = np.arange(2010, 2010 + t, dtype=float)
    y = rng.normal(0, 0.1, (s, t)) + 0.02 * x
    known = rng.random((s, t)) > 0.1
    late = x >= 2016
    acc, acc_se = slope_difference(
        ols_rows(y, known & ~late, x, min_n=2), ols_rows(y, known & late, x, min_n=2)
    )
    for row in range(s):
        k = known[row]
        d = late[k].astype(float)
        design = np.column_stack([np.ones(k.sum()), x[k], d, d * x[k]])
        res = sm.OLS(y[row, k], design).fit()
        assert acc[row] == pytest.approx(res.params[3], rel=1e-8, abs=1e-12)
        assert acc_se[row] == pytest.approx(res.bse[3], rel=1e-8)


def test_polars_expressions_equal_statsmodels():
    panel = _random_panel(seed=11).drop_nulls("value").filter(pl.col("value") > 0)
    per_series = panel.group_by("region", "industry").agg(
        ols_slope_expr(pl.col("value").log(), "year"), ols_se_expr(pl.col("value").log(), "year")
    ).sort("region", "industry")
    for row in per_series.head(12).iter_rows(named=True):
        one = panel.filter(region=row["region"], industry=row["industry"])
        res = sm.OLS(np.log(one["value"].to_numpy()),
                     sm.add_constant(one["year"].to_numpy().astype(float))).fit()
        assert row["slope"] == pytest.approx(res.params[1], rel=1e-9)
        assert row["se"] == pytest.approx(res.bse[1], rel=1e-9)


@pytest.mark.parametrize("measure", ["value", "lq"])
@pytest.mark.parametrize("se", ["hac", "ols"])
def test_panel_slopes_equal_single_series_statsmodels_fits(measure, se):
    panel = _random_panel(seed=1)
    table = trend_slopes(panel, measure=measure, se=se).table
    cols = ["slope", "se", "ci_lo", "ci_hi", "p_value", "acceleration", "se_acceleration",
            "p_acceleration"]
    if measure == "value":
        cols += ["ref_slope", "slope_diff", "se_diff", "p_diff"]
    for region, industry in [("CZ01", "C10"), ("CZ03", "C12"), ("CZ05", "C14"), ("CZ06", "C11")]:
        fit = fit_trend(panel, region=region, industry=industry, measure=measure, se=se)
        want = fit.to_frame().row(0, named=True)
        got = table.filter(region=region, industry=industry).row(0, named=True)
        assert got["n_obs"] == want["n_obs"]
        for c in cols:
            assert got[c] == pytest.approx(want[c], rel=1e-8, abs=1e-12), c


def test_zeros_and_unknown_values_are_counted_and_short_series_excluded():
    panel = pl.DataFrame({
        "region": ["CZ01"] * 6 + ["CZ02"] * 6,
        "industry": ["C10"] * 12,
        "year": list(range(2010, 2016)) * 2,
        "value": [10.0, 0.0, 12.0, None, 15.0, 16.0, 5.0, 0.0, 0.0, None, 7.0, None],
    })
    res = trend_slopes(panel, reference=None)
    t = res.table.sort("region")
    assert t["n_obs"].to_list() == [4, 2]
    assert t["n_zero"].to_list() == [1, 2]
    assert t["n_unknown"].to_list() == [1, 2]
    assert t["reason"].to_list() == [None, "fewer than 4 usable points"]
    assert res.exclusions.total == 1
    expected = np.polyfit([2010, 2012, 2014, 2015], np.log([10, 12, 15, 16]), 1)[0]
    assert t["slope"][0] == pytest.approx(expected, rel=1e-10)
    log1p = trend_slopes(panel, zeros="log1p", reference=None, min_obs=3).table.sort("region")
    assert log1p["n_obs"].to_list() == [5, 4]
    with pytest.raises(ValueError, match="employment only"):
        trend_slopes(panel, measure="lq", zeros="log1p")


def test_fixed_effects_slope_equals_dummy_variable_regression():
    panel = _random_panel(seed=4, n_r=4, n_i=3, n_t=8).filter(pl.col("industry") != "C12")
    fe = fixed_effects_trend(panel, cluster="none")
    used = panel.filter(pl.col("value") > 0).with_columns(
        series=pl.col("region") + pl.col("industry")
    )
    dummies = used.select(pl.col("series")).to_dummies().to_numpy().astype(float)
    design = np.column_stack([used["year"].to_numpy().astype(float), dummies])
    res = sm.OLS(np.log(used["value"].to_numpy()), design).fit()
    assert fe.slope == pytest.approx(res.params[0], rel=1e-9)
    assert fe.se == pytest.approx(res.bse[0], rel=1e-9)
    clustered = fixed_effects_trend(panel, cluster="series")
    assert clustered.slope == pytest.approx(fe.slope) and clustered.se != fe.se
    assert "clustered by series" in clustered.summary()


def test_planted_demo_trends_are_found(demo_data):
    """The demo plants log-linear paths relative to the common business cycle ("the rest").

    Deflating every series by the common year effect (the geometric mean of all complete
    series in that year) leaves the planted slope; the demo's noise is independent over
    years, so the classical OLS interval is the right one here (Newey-West errors are
    biased downwards with 16 points, see the report).
    """
    from emerging.datasets._demo import TRENDS

    panel = demo_data.panel
    complete = panel.filter(
        (pl.col("value") > 0).all().over("region", "industry")
    )
    year_effect = complete.group_by("year").agg(pl.col("value").log().mean().alias("g"))
    deflated = panel.join(year_effect, on="year").with_columns(
        value=pl.col("value") / pl.col("g").exp()
    ).drop("g")
    table = trend_slopes(deflated, se="ols", reference=None).table
    lq_table = trend_slopes(panel, measure="lq").table
    for region, industry, planted in TRENDS:
        row = table.filter(region=region, industry=industry).row(0, named=True)
        assert np.sign(row["slope"]) == np.sign(planted)
        assert row["ci_lo"] <= planted <= row["ci_hi"], (region, industry, row)
        lq_row = lq_table.filter(region=region, industry=industry).row(0, named=True)
        assert np.sign(lq_row["slope"]) == np.sign(planted) and lq_row["p_value"] < 1e-6
        assert abs(lq_row["slope"] - planted) < 0.01


def test_planted_demo_emerging_pairs_accelerate(demo_data):
    from emerging.datasets._demo import EMERGING

    table = trend_slopes(demo_data.panel, measure="lq", split=2016).table
    rows = table.join(pl.DataFrame(EMERGING, schema=["region", "industry"], orient="row"),
                      on=["region", "industry"])
    assert rows.height == len(EMERGING)
    assert (rows["acceleration"] > 0).all() and (rows["p_acceleration"] < 0.01).all()


def test_result_objects_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    panel = _random_panel(seed=2)
    res = trend_slopes(panel)
    assert "series fitted" in res.summary() and "<table" in res._repr_html_()
    assert res.plot() is not None
    fit = fit_trend(panel, region="CZ02", industry="C11")
    assert "slope" in fit.summary() and fit.plot() is not None
    with pytest.raises(ValueError, match=r"unknown region code\(s\) \['CZ09'\]"):
        fit_trend(panel, region="CZ09", industry="C11")
    with pytest.raises(ValueError, match=r"se must be one of \('hac', 'ols'\); got 'hc1'"):
        trend_slopes(panel, se="hc1")
    with pytest.raises(ValueError, match="min_obs must be at least 3"):
        trend_slopes(panel, min_obs=2)


def test_lean_mode_keeps_slopes_and_errors_only():
    panel = _random_panel(seed=9)
    full = trend_slopes(panel).table
    lean = trend_slopes(panel, acceleration=False, inference=False)
    assert "p_value" not in lean.table.columns and "acceleration" not in lean.table.columns
    assert lean.table["slope"].equals(full["slope"]) and lean.table["se"].equals(full["se"])
    assert "inference=False" in lean.summary()


def test_row_order_does_not_matter():
    panel = _random_panel(seed=12)
    shuffled = panel.sample(fraction=1.0, shuffle=True, seed=3)
    a = trend_slopes(panel).table
    b = trend_slopes(shuffled).table
    assert a.equals(b)
    by_year = panel.sort("year", "industry", "region")  # one row per run: worst case
    assert trend_slopes(by_year).table.equals(a)


def test_fixed_effects_options_and_plot():
    import matplotlib

    matplotlib.use("Agg")
    panel = _random_panel(seed=6)
    by_region = fixed_effects_trend(panel, cluster="region")
    by_industry = fixed_effects_trend(panel, cluster="industry")
    assert by_region.slope == pytest.approx(by_industry.slope)
    assert by_region.n_series == 30 and by_region.to_frame()["cluster"][0] == "region"
    assert by_region.ci_lo < by_region.slope < by_region.ci_hi
    assert by_region.plot() is not None
    with pytest.raises(ValueError, match="cluster must be one of"):
        fixed_effects_trend(panel, cluster="country")


def test_own_slope_does_not_depend_on_the_reference():
    """Regression: the reference-total mask used to drop points from the own slope.

    CZ01 is the only Czech C10 series and has an unknown year, so the like-for-like
    Czech reference total is 0 in every year: with reference="country" the series used to
    get no slope at all. Its values double every year: slope ln 2 whatever the reference.
    """
    panel = pl.DataFrame({
        "region": ["CZ01"] * 5 + ["SK01"] * 5,
        "industry": ["C10"] * 10,
        "year": list(range(2010, 2015)) * 2,
        "value": [100.0, 200.0, None, 800.0, 1600.0, 50.0, 60.0, 70.0, 80.0, 90.0],
    })
    tables = {
        ref: trend_slopes(panel, reference=ref, se="ols", min_obs=3).table.sort("region")
        for ref in ("all", "country")
    }
    for column in ("n_obs", "slope", "se", "p_value", "acceleration"):
        assert tables["all"][column].to_list() == tables["country"][column].to_list(), column
    cz = tables["country"].row(0, named=True)
    assert cz["slope"] == pytest.approx(np.log(2), rel=1e-12)
    assert cz["reason"] is None and cz["n_obs"] == 4
    # no positive Czech reference total: the comparison alone is left out, and counted
    assert cz["slope_diff"] is None and cz["ref_slope"] is None
    res = trend_slopes(panel, reference="country", se="ols", min_obs=3)
    assert "reference columns null" in str(res.exclusions) and res.exclusions.total == 1
    # against all regions the reference is SK01 alone (CZ01 is not balanced): 50 -> 90
    sk = np.log([50.0, 60.0, 80.0, 90.0])
    ref = np.polyfit([2010, 2011, 2013, 2014], sk, 1)[0]
    row = tables["all"].row(0, named=True)
    assert row["ref_slope"] == pytest.approx(ref, rel=1e-9)
    assert row["slope_diff"] == pytest.approx(np.log(2) - ref, rel=1e-9)
    fit = fit_trend(panel, region="CZ01", industry="C10", reference="country", se="ols")
    assert fit.trend.params[1] == pytest.approx(np.log(2)) and fit.relative is None


def test_old_trend_spellings_warn_and_agree():
    """``lq_base=`` and ``reference_regions=`` work for one release, with a warning that
    names ``reference=`` and ``regions=``."""
    rng = np.random.default_rng(5)
    rows = [(r, i, y, float(rng.integers(10, 500))) for y in range(2010, 2016)
            for r in ("AT11", "AT12", "CZ01", "CZ02") for i in ("C10", "C20", "J62")]
    panel = pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                       "year": pl.Int32, "value": pl.Float64}, orient="row")
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        old = trend_slopes(panel, measure="lq", lq_base="country")
    assert old.table.equals(trend_slopes(panel, measure="lq", reference="country").table)
    with pytest.warns(DeprecationWarning, match="use regions= instead"):
        old = trend_slopes(panel, reference="set", reference_regions=["AT11", "CZ01"])
    new = trend_slopes(panel, reference="set", regions=["AT11", "CZ01"])
    assert old.table.equals(new.table)
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        fit_trend(panel, region="AT11", industry="C10", measure="lq", lq_base="country")
