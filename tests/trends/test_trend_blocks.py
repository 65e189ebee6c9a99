"""The fast paths of the trends: blocks of series, reused work arrays, coded panels in.

``trend_slopes`` fits blocks of whole regions in the engine's (year, region, industry)
order with work arrays reused across blocks; ``shift_share`` and ``growth`` take a coded
panel as it is and find an eager frame's window rows with numpy. Each path must give the
numbers of the plain one (statsmodels for the fits, the other input path for the tables).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from emerging._engine import CodedPanel
from emerging.trends import growth, shift_share, trend_slopes
from emerging.trends import slopes as slopes_module
from emerging.trends._ols import Design, Scratch, hac_columns, ols_columns
from emerging.trends.models import fit_trend

from ._panels import trend_panel


def _panel(seed=0, n_r=9, n_i=4, n_t=10, p_null=0.05, p_zero=0.2, p_absent=0.05):
    """Regions of two countries; zeros, nulls, absent rows and one unreported year."""
    rng = np.random.default_rng(seed)
    regions = [f"{'CZ' if r % 2 else 'SK'}0{r + 1}" for r in range(n_r)]
    panel = trend_panel(rng, regions, industries=n_i, years=range(2005, 2005 + n_t),
                        level=(2, 6), sd=(0.06, 0.1), p_zero=p_zero, p_null=p_null)
    n = panel.height
    panel = panel.filter(pl.Series(rng.random(n) >= p_absent))
    # SK03 reports nothing in 2008 (as a region recoded between NUTS versions)
    return panel.filter(~((pl.col("region") == "SK03") & (pl.col("year") == 2008)))


def test_blocks_of_one_region_give_the_numbers_of_whole_blocks(monkeypatch):
    panel = _panel()
    whole = trend_slopes(panel, reference="country").table
    monkeypatch.setattr(slopes_module, "_BLOCK", 1)  # one region per block, many blocks
    one = trend_slopes(panel, reference="country").table
    assert_frame_equal(one, whole, check_exact=False, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("reference", ["all", "country"])
def test_default_options_equal_statsmodels_in_every_block(monkeypatch, reference):
    """Every column of the defaults (HAC, reference test, acceleration, tests) against
    single-series statsmodels fits, with several blocks of regions."""
    panel = _panel(seed=4)
    monkeypatch.setattr(slopes_module, "_BLOCK", 2 * 4 * 10)  # two regions per block
    table = trend_slopes(panel, reference=reference).table.filter(pl.col("reason").is_null())
    cols = ["slope", "se", "ci_lo", "ci_hi", "p_value", "ref_slope", "slope_diff", "se_diff",
            "p_diff", "acceleration", "se_acceleration", "p_acceleration"]
    checked = 0
    for row in table.gather(np.arange(0, table.height, 3)).iter_rows(named=True):
        fit = fit_trend(panel, region=row["region"], industry=row["industry"],
                        reference=reference)
        want = fit.to_frame().row(0, named=True)
        assert row["n_obs"] == want["n_obs"]
        for c in cols:
            if want.get(c) is None or np.isnan(want[c]):
                # no acceleration (too few points on a side), or a region alone in its
                # country's industry (slope_diff 0 with error 0: no test)
                assert row[c] is None, c
            else:
                assert row[c] == pytest.approx(want[c], rel=1e-8, abs=1e-12), c
        checked += 1
    assert checked >= 8


def test_reference_with_zero_totals_uses_its_own_points():
    """Where the reference total is 0 in some years the comparison has fewer points than
    the own trend (a second design): still statsmodels' fit on those points."""
    years = list(range(2010, 2018))
    panel = pl.DataFrame({
        "region": ["CZ01"] * 8 + ["CZ02"] * 8,
        "industry": ["C10"] * 16,
        "year": years * 2,
        # CZ02, the reference set, employs nobody in C10 in 2012 and 2015
        "value": [10.0, 12, 15, 14, 18, 21, 25, 24, 5, 6, 0, 7, 9, 0, 11, 12],
    })
    row = trend_slopes(panel, reference="set", regions=["CZ02"]).table.filter(
        region="CZ01").row(0, named=True)
    want = fit_trend(panel, region="CZ01", industry="C10", reference="set",
                     regions=["CZ02"]).to_frame().row(0, named=True)
    assert row["n_obs"] == 8
    for c in ("slope", "se", "ref_slope", "slope_diff", "se_diff", "p_diff"):
        assert row[c] == pytest.approx(want[c], rel=1e-9), c


def test_hac_carried_lags_equal_the_compacted_formula():
    """Newey-West with lags counted over known points (up to 7 lags, many gaps) against
    the textbook sum over each series' compacted scores."""
    rng = np.random.default_rng(2)
    t, s = 18, 300
    x = np.arange(2000, 2000 + t, dtype=float)
    y = rng.normal(0, 1, (t, s)).cumsum(axis=0) * 0.1
    known = rng.random((t, s)) > 0.35
    d = Design(known, x)
    fit = ols_columns(np.where(known, y, 0.0), d)
    lags = rng.integers(0, 8, s)
    se = hac_columns(fit, d, lags)
    for col in range(0, s, 11):
        k = known[:, col]
        if k.sum() < 3:
            continue
        xc = x[k] - x[k].mean()
        e = y[k, col] - y[k, col].mean() - fit["slope"][col] * xc
        v = xc * e
        meat = v @ v + sum(2 * (1 - lag / (lags[col] + 1)) * (v[lag:] @ v[:-lag])
                           for lag in range(1, min(lags[col], k.sum() - 1) + 1))
        assert se[col] == pytest.approx(np.sqrt(meat) / (xc @ xc), rel=1e-10)


def test_scratch_hands_back_the_same_memory_and_grows():
    ws = Scratch()
    a = ws.get("a", (3, 4))
    assert ws.get("a", (3, 4)).ctypes.data == a.ctypes.data
    assert ws.get("a", (2, 5)).ctypes.data == a.ctypes.data  # smaller: the same buffer
    assert ws.get("a", (5, 5)).shape == (5, 5)  # larger: a new one
    assert ws.get("a", (3, 4), bool).dtype == bool


@pytest.mark.parametrize("order", ["as made", "shuffled"])
def test_a_coded_panel_gives_the_tables_of_its_frame(order):
    panel = _panel(seed=7)
    if order == "shuffled":
        panel = panel[np.random.default_rng(1).permutation(panel.height)]
    coded = CodedPanel.from_panel(panel)
    for kw in ({}, {"reference": "country", "se": "ols", "acceleration": False}):
        assert_frame_equal(trend_slopes(coded, **kw).table, trend_slopes(panel, **kw).table)
    for method in ("classic", "esteban_marquillas", "dynamic"):
        want = shift_share(panel, start=2006, end=2012, method=method, reference="country")
        got = shift_share(coded, start=2006, end=2012, method=method, reference="country")
        assert_frame_equal(got.table, want.table)
        assert got.exclusions == want.exclusions
    assert_frame_equal(growth(coded, start=2005, end=2008), growth(panel, start=2005, end=2008))


def test_eager_and_lazy_frames_take_the_same_window():
    """Eager and lazy frames: the same window, tables and errors."""
    panel = _panel(seed=9)
    for start, end in ((2005, 2014), (2008, 2011)):
        assert_frame_equal(growth(panel, start=start, end=end),
                           growth(panel.lazy(), start=start, end=end).collect())
        assert_frame_equal(
            shift_share(panel, start=start, end=end, method="dynamic").table,
            shift_share(panel.lazy(), start=start, end=end, method="dynamic").table)
    gap = panel.filter(pl.col("year") != 2009)
    for frame in (gap, gap.lazy()):
        with pytest.raises(ValueError, match=r"year\(s\) \[2009\] not in the panel.*in between"):
            shift_share(frame, start=2007, end=2011, method="dynamic")
        with pytest.raises(ValueError, match=r"year\(s\) \[2009\] not in the panel"):
            growth(frame, start=2009, end=2011)


def test_a_frame_coded_whole_before_is_not_coded_again(monkeypatch):
    """After trend_slopes coded the whole frame (kept by the engine's memo), shift_share
    and growth on the same frame use that coded panel: the same tables, no window pick."""
    from emerging._memo import clear_cache
    from emerging.trends import _window

    panel = _panel(seed=11)
    clear_cache()
    want_ss = shift_share(panel, start=2006, end=2012).table
    want_gr = growth(panel, start=2006, end=2012)
    trend_slopes(panel)  # codes the whole frame; the memo keeps it
    monkeypatch.setattr(_window, "coded_panel", None)  # coding the window would now fail
    assert_frame_equal(shift_share(panel, start=2006, end=2012).table, want_ss)
    assert_frame_equal(growth(panel, start=2006, end=2012), want_gr)
    clear_cache()


def test_the_memo_is_asked_one_way_and_never_codes():
    """memoized_panel: the coded panel an earlier call made of the same unchanged frame,
    else None (a frame never coded, a LazyFrame, a cleared memo, a changed value)."""
    from emerging._engine import CodedPanel
    from emerging._memo import clear_cache, memoized_panel

    panel = _panel(seed=12)
    clear_cache()
    assert memoized_panel(panel) is None  # never coded: nothing is coded here either
    assert memoized_panel(panel) is None
    coded = CodedPanel.from_panel(panel)
    assert memoized_panel(panel) is coded
    assert memoized_panel(panel.lazy()) is None
    changed = panel.clone()
    assert memoized_panel(changed) is None  # another object with the same content
    panel.replace_column(panel.get_column_index("value"), panel["value"] * 2)
    assert memoized_panel(panel) is None  # changed in place
    clear_cache()
    assert memoized_panel(changed) is None


@pytest.mark.parametrize("whole", [True, False])
def test_a_shuffled_panel_of_whole_counts_gives_the_numbers_of_the_float_cube(whole):
    """Whole counts out of cube order are scattered as small integers (compact_values):
    every column equals the float64 path's bit for bit; values with decimals keep the
    float64 cube (None)."""
    from emerging._memo import clear_cache
    from emerging.trends._series import compact_values

    rng = np.random.default_rng(21)
    panel = _panel(seed=21, p_null=0.0, p_absent=0.0).filter(pl.col("region") != "SK03")
    panel = panel.with_columns(pl.col("value").round(0) if whole else pl.col("value") + 0.25)
    shuffled = panel[rng.permutation(panel.height)]
    clear_cache()
    coded = CodedPanel.from_panel(shuffled)
    compact = compact_values(coded, np.arange(coded.shape[0]))
    if not whole:
        assert compact is None
        return
    assert compact.dtype.kind == "u"
    np.testing.assert_array_equal(compact, coded.values("unknown"))  # the same numbers
    for reference in ("all", "country"):
        clear_cache()
        got = trend_slopes(shuffled, reference=reference).table  # the compact path
        clear_cache()
        coded = CodedPanel.from_panel(shuffled)
        coded.value_cube  # noqa: B018 (a float64 cube built first: no compact path)
        want = trend_slopes(shuffled, reference=reference).table
        assert_frame_equal(got, want)
    clear_cache()
