"""emergence_signals: hand-computed values on a 3 x 2 x 3 panel, no look-ahead, fixed regions."""

import math

import numpy as np
import polars as pl
import pytest

from emerging.detect.signals import emergence_signals

# Every region has 100 persons employed in every year; industry x has 100 in every year.
VALUES = {  # (region, year): (x, y)
    ("AT11", 2010): (10, 90), ("AT12", 2010): (50, 50), ("CZ01", 2010): (40, 60),
    ("AT11", 2011): (20, 80), ("AT12", 2011): (50, 50), ("CZ01", 2011): (30, 70),
    ("AT11", 2012): (30, 70), ("AT12", 2012): (40, 60), ("CZ01", 2012): (30, 70),
}
PANEL = pl.DataFrame(
    [(r, ind, y, float(v[k])) for (r, y), v in VALUES.items() for k, ind in enumerate("xy")],
    schema={"region": pl.String, "industry": pl.String, "year": pl.Int32, "value": pl.Float64},
    orient="row",
)
NEIGHBOURS = pl.DataFrame({"region": ["AT11", "AT12", "AT12", "CZ01"],
                           "neighbour": ["AT12", "AT11", "CZ01", "AT12"]})


def _row(signals, region, industry):
    return signals.table.filter(region=region, industry=industry).row(0, named=True)


def test_signals_by_hand():
    s = emergence_signals(PANEL, as_of=2012, window=3, neighbours=NEIGHBOURS)
    r = _row(s, "AT11", "x")
    # LQ = (E_ri / E_r) / (E_i / E) = (30/100) / (100/300) = 9/10; in 2010 (10/100)/(1/3) = 3/10
    assert r["lq"] == pytest.approx(0.9)
    assert r["lq_start"] == pytest.approx(0.3)
    assert r["lq_distance"] == pytest.approx(0.1)
    assert r["lq_change"] == pytest.approx(0.6)
    assert r["years_specialised"] == 0
    # log-linear OLS slope through ln 0.3, ln 0.6, ln 0.9 at 2010-2012: (ln 0.9 - ln 0.3) / 2
    assert r["lq_slope"] == pytest.approx(math.log(3) / 2)
    # CAGR (30/10)^(1/2) - 1; the industry is flat across the regions
    assert r["cagr"] == pytest.approx(math.sqrt(3) - 1)
    assert r["ref_cagr"] == pytest.approx(0.0)
    assert r["growth_gap"] == pytest.approx(math.sqrt(3) - 1)
    # x in 2012: AT11 30, AT12 40, CZ01 30 -> average ranks 1.5, 3, 1.5 -> (1.5 - 1)/(3 - 1)
    assert r["size_percentile"] == pytest.approx(25.0)
    assert _row(s, "AT12", "x")["size_percentile"] == pytest.approx(100.0)
    # AT11's one neighbour AT12 has LQ 40/100 / (1/3) = 1.2 in x
    assert (r["neighbours"], r["neighbours_specialised"]) == (1, 1.0)
    at12 = _row(s, "AT12", "x")  # neighbours AT11 (0.9) and CZ01 (0.9): none specialised
    assert (at12["neighbours"], at12["neighbours_specialised"]) == (2, 0.0)
    # Austria: x 70 of 200, the area 100 of 300 -> (70/200)/(1/3) = 21/20
    assert r["national_lq"] == pytest.approx(1.05)
    assert _row(s, "CZ01", "x")["national_lq"] == pytest.approx(0.9)
    # regions specialised in x: 2010 AT12 (1.5), CZ01 (1.2); 2012 AT12 (1.2) -> -1
    assert r["industry_regions_change"] == -1
    assert r["region_cagr"] == pytest.approx(0.0)
    assert (r["as_of"], r["window"], r["start"]) == (2012, 3, 2010)


def test_without_neighbours_the_neighbour_signals_are_null():
    s = emergence_signals(PANEL, as_of=2012, window=3)
    assert s.table["neighbours_specialised"].null_count() == s.table.height


def test_no_look_ahead(demo_data):
    panel = demo_data.panel.drop("flag")
    before = emergence_signals(panel, as_of=2015, window=5).table
    rng = np.random.default_rng(1)
    changed = panel.with_columns(
        pl.when(pl.col("year") > 2015)
        .then(pl.col("value") * pl.Series(rng.uniform(0, 3, panel.height)))
        .otherwise(pl.col("value"))
    )
    assert not changed.equals(panel)
    after = emergence_signals(changed, as_of=2015, window=5).table
    assert after.equals(before)


def test_no_look_ahead_in_the_fitted_score(demo_data):
    from emerging.detect.score import emergence_scores

    panel = demo_data.panel.drop("flag").filter(pl.col("year") <= 2016)
    changed = panel.with_columns(
        pl.when(pl.col("year") == 2016).then(pl.col("value") * 2.5).otherwise(pl.col("value")))
    a = emergence_scores(emergence_signals(panel, as_of=2015, window=3), model="logit",
                         panel=panel, horizon=2)
    b = emergence_scores(emergence_signals(changed, as_of=2015, window=3), model="logit",
                         panel=changed, horizon=2)
    assert a.to_frame().equals(b.to_frame())


def test_fixed_region_set_leaves_out_and_counts_a_region_with_a_gap():
    gap = PANEL.filter(~((pl.col("region") == "CZ01") & (pl.col("year") == 2011)))
    s = emergence_signals(gap, as_of=2012, window=3)
    assert set(s.table["region"]) == {"AT11", "AT12"}
    assert s.exclusions.total == 4  # CZ01's rows in 2010 and 2012
    loose = emergence_signals(gap, as_of=2012, window=3, fixed_regions=False)
    assert set(loose.table["region"]) == {"AT11", "AT12", "CZ01"}


def test_bad_windows_name_the_fix():
    with pytest.raises(ValueError, match=r"as_of=2015 is not a year of the panel; pass a year in 2010-2012"):
        emergence_signals(PANEL, as_of=2015, window=3)
    with pytest.raises(ValueError, match=r"too early for window=5.*pass as_of >= 2014 or a shorter"):
        emergence_signals(PANEL, as_of=2012, window=5)
    with pytest.raises(ValueError, match="window must be a whole number"):
        emergence_signals(PANEL, as_of=2012, window=0)
    with pytest.raises(ValueError, match="needs columns 'region' and 'neighbour'"):
        emergence_signals(PANEL, as_of=2012, window=3, neighbours=pl.DataFrame({"a": ["x"]}))


def test_lazy_input_gives_the_same_signals():
    a = emergence_signals(PANEL, as_of=2012, window=3).table
    assert emergence_signals(PANEL.lazy(), as_of=2012, window=3).table.equals(a)


def test_row_order_does_not_matter():
    a = emergence_signals(PANEL, as_of=2012, window=3).table
    b = emergence_signals(PANEL.reverse(), as_of=2012, window=3).table
    assert a.equals(b)
