"""Beta and sigma convergence against statsmodels and by hand; the LQ-growth portfolio."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from emerging.trends import beta_convergence, portfolio, sigma_convergence


def _converging_panel(seed=0, rho=0.9, n_r=30, n_i=3, n_t=8):
    """log y_{t+1} = rho * log y_t + noise: beta = (rho**T - 1)/T, speed -ln(rho)."""
    rng = np.random.default_rng(seed)
    log_y = rng.normal(0, 1, (n_r, n_i))
    rows = []
    for t in range(n_t):  # building the fixture year by year is fine in a test
        for r in range(n_r):
            for i in range(n_i):
                rows.append((f"CZ{r:02d}", f"C{10 + i}", 2008 + t, 100 * math.exp(log_y[r, i])))
        log_y = rho * log_y + rng.normal(0, 0.02, (n_r, n_i))
    return pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row")


def test_beta_convergence_equals_statsmodels_and_recovers_the_speed():
    panel = _converging_panel()
    res = beta_convergence(panel, start=2008, end=2015, measure="value", by="industry")
    units = res.units.filter(pl.col("group") == "C11")
    ols = sm.OLS(units["growth"].to_numpy(), sm.add_constant(units["log_start"].to_numpy())).fit()
    row = res.table.filter(pl.col("group") == "C11").row(0, named=True)
    assert row["beta"] == pytest.approx(ols.params[1], rel=1e-9)
    assert row["se"] == pytest.approx(ols.bse[1], rel=1e-9)
    assert row["p_value"] == pytest.approx(ols.pvalues[1], rel=1e-6)
    lo, hi = ols.conf_int()[1]
    assert (row["ci_lo"], row["ci_hi"]) == pytest.approx((lo, hi), rel=1e-9)
    assert row["speed"] == pytest.approx(-math.log(1 + row["beta"] * 7) / 7, rel=1e-12)
    assert row["half_life"] == pytest.approx(math.log(2) / row["speed"], rel=1e-12)
    assert row["speed"] == pytest.approx(-math.log(0.9), abs=0.01)  # planted speed


def test_beta_convergence_counts_excluded_units_and_pools():
    panel = _converging_panel(n_r=5).with_columns(
        pl.when((pl.col("region") == "CZ00") & (pl.col("year") == 2008)).then(0.0)
        .otherwise(pl.col("value")).alias("value")
    )
    res = beta_convergence(panel, start=2008, end=2015, measure="value", by="pooled")
    assert res.table.height == 1 and res.table["n"][0] == 12
    assert res.exclusions.total == 3
    assert "half-life" in res.summary()


def test_beta_convergence_on_zeros_at_both_ends_is_silent_and_counts_them():
    # CZ00 x C10 is zero in 2008 and 2015 (log 0 = -inf at both ends): the pair is left out
    # and counted, with no RuntimeWarning from subtracting -inf from -inf
    panel = _converging_panel(n_r=5).with_columns(
        pl.when((pl.col("region") == "CZ00") & (pl.col("industry") == "C10")
                & pl.col("year").is_in([2008, 2015])).then(0.0)
        .otherwise(pl.col("value")).alias("value")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = beta_convergence(panel, start=2008, end=2015, measure="value", by="industry")
    assert res.exclusions.total == 1
    assert res.table.filter(pl.col("group") == "C10")["n"][0] == 4
    assert res.units["growth"].is_finite().all() and res.units["log_start"].is_finite().all()


def test_sigma_convergence_by_hand():
    # two regions, one industry: log values (0, 2), (0.25, 1.75), (0.5, 1.5) -> sd falls
    values = [1.0, math.exp(2), math.exp(0.25), math.exp(1.75), math.exp(0.5), math.exp(1.5)]
    panel = pl.DataFrame({
        "region": ["CZ01", "CZ02"] * 3,
        "industry": ["C10"] * 6,
        "year": [2010, 2010, 2011, 2011, 2012, 2012],
        "value": values,
    })
    res = sigma_convergence(panel, measure="value", by="industry")
    sd = [2 / math.sqrt(2), 1.5 / math.sqrt(2), 1 / math.sqrt(2)]
    assert res.dispersion["sigma"].to_list() == pytest.approx(sd)
    assert res.trend["slope"][0] == pytest.approx(-0.5 / math.sqrt(2))
    assert res.trend["se"][0] == pytest.approx(0.0, abs=1e-12)  # exactly linear


def test_sigma_convergence_detects_planted_convergence():
    import matplotlib

    matplotlib.use("Agg")
    res = sigma_convergence(_converging_panel(), measure="value", by="industry")
    assert (res.trend["slope"] < 0).all() and (res.trend["p_value"] < 0.01).all()
    assert res.plot() is not None
    assert beta_convergence(_converging_panel(), start=2008, end=2015).plot() is not None


def _portfolio_panel():
    # CZ01: C10 specialised and growing (star), C11 small but catching up (emerging);
    # CZ02 the mirror image.
    return pl.DataFrame({
        "region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2,
        "industry": ["C10", "C11"] * 4,
        "year": [2010] * 4 + [2015] * 4,
        "value": [80.0, 20, 20, 80, 100, 30, 20, 80],
    })


def test_portfolio_quadrants_and_emerging_flag():
    res = portfolio(_portfolio_panel(), start=2010, end=2015)
    t = {(r["region"], r["industry"]): r for r in res.table.iter_rows(named=True)}
    assert t[("CZ01", "C10")]["quadrant"] == "star"
    assert t[("CZ01", "C11")]["quadrant"] == "emerging"
    assert t[("CZ02", "C10")]["quadrant"] == "marginal"
    assert t[("CZ02", "C11")]["quadrant"] == "mature"
    # CZ01 C11: LQ (30/130)/(110/230) = 0.4825... up from 0.4, and faster than the reference
    assert t[("CZ01", "C11")]["lq_end"] == pytest.approx((30 / 130) / (110 / 230))
    assert t[("CZ01", "C11")]["emerging"] is True
    assert t[("CZ01", "C10")]["emerging"] is False
    by_change = portfolio(_portfolio_panel(), start=2010, end=2015, x="lq_change")
    assert set(by_change.table["quadrant"]) <= {"rising, faster", "rising, slower",
                                                "falling, faster", "falling, slower"}
    assert "1 emerging" in res.summary()


def test_portfolio_plot_and_errors():
    import matplotlib

    matplotlib.use("Agg")
    res = portfolio(_portfolio_panel(), start=2010, end=2015)
    ax = res.plot(region="CZ01")
    assert {t.get_text() for t in ax.texts} >= {"star", "emerging", "mature", "marginal"}
    with pytest.raises(ValueError, match="nothing to plot"):
        res.plot(region="CZ09")
    with pytest.raises(ValueError, match=r"x must be one of \('lq', 'lq_change'\)"):
        portfolio(_portfolio_panel(), start=2010, end=2015, x="share")


def test_convergence_by_region_and_bad_options():
    panel = _converging_panel(n_r=4, n_i=6)
    sigma = sigma_convergence(panel, measure="value", by="region")
    assert sigma.trend.height == 4 and (sigma.trend["n_units"] == 6).all()
    beta = beta_convergence(panel, start=2008, end=2012, measure="value", by="region")
    assert beta.table["n"].to_list() == [6, 6, 6, 6]
    with pytest.raises(ValueError, match=r"by must be one of \('pooled', 'industry', 'region'\)"):
        beta_convergence(panel, start=2008, end=2012, by="country")
    with pytest.raises(ValueError, match="level must be a confidence level strictly between 0 and 1"):
        beta_convergence(panel, start=2008, end=2012, level=95)


def test_portfolio_old_lq_base_warns_and_agrees():
    rng = np.random.default_rng(9)
    rows = [(r, i, y, float(rng.integers(10, 500))) for y in (2010, 2015)
            for r in ("AT11", "AT12", "CZ01", "CZ02") for i in ("C10", "C20", "J62")]
    panel = pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                       "year": pl.Int32, "value": pl.Float64}, orient="row")
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        old = portfolio(panel, start=2010, end=2015, reference="country", lq_base="country")
    assert old.table.equals(portfolio(panel, start=2010, end=2015, reference="country").table)
    three = pl.concat([panel, panel.filter(year=2015).with_columns(pl.lit(2016, pl.Int32)
                                                                   .alias("year"))])
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        old = beta_convergence(three, start=2010, end=2016, lq_base="country")
    assert old.table.equals(beta_convergence(three, start=2010, end=2016,
                                             reference="country").table)
