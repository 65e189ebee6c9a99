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


def test_change_signals_by_hand():
    s = emergence_signals(PANEL, as_of=2012, window=3)
    r = _row(s, "AT11", "x")
    # competitive effect E_s (g_ri - g_i) = 10 * (30/10 - 1 - (100/100 - 1)) = 20 persons
    assert r["competitive"] == pytest.approx(20.0)
    assert _row(s, "AT12", "x")["competitive"] == pytest.approx(50 * (40 / 50 - 1))
    # LQs 0.3, 0.6, 0.9 in 2010-2012, halves split at 2011: ln(0.9/0.6) - ln(0.6/0.3) = ln(3/4)
    assert r["acceleration"] == pytest.approx(math.log(3 / 4))
    # CZ01 x: 1.2, 0.9, 0.9 -> ln 1 - ln(3/4) = ln(4/3)
    assert _row(s, "CZ01", "x")["acceleration"] == pytest.approx(math.log(4 / 3))
    assert r["coop_projects"] is None
    assert r["coop_note"] == "no participations given"


# In 2012 a = C10 and b = C20 are specialised in AT11 and AT12 only, c = C30 in AT13 and
# AT21 only: proximity a-b is min(P(a|b), P(b|a)) = 1, a-c and b-c 0.
RELATED = pl.DataFrame(
    [(r, ind, y, float(v)) for r, y, vals in [
        ("AT11", 2010, (20, 5, 75)), ("AT11", 2011, (20, 5, 75)), ("AT11", 2012, (20, 20, 60)),
        ("AT12", 2010, (10, 20, 70)), ("AT12", 2011, (10, 20, 70)), ("AT12", 2012, (20, 20, 60)),
        ("AT13", 2010, (0, 0, 100)), ("AT13", 2011, (0, 0, 100)), ("AT13", 2012, (0, 0, 100)),
        ("AT21", 2010, (0, 0, 100)), ("AT21", 2011, (0, 0, 100)), ("AT21", 2012, (0, 0, 100)),
    ] for ind, v in zip(("C10", "C20", "C30"), vals, strict=True)],
    schema={"region": pl.String, "industry": pl.String, "year": pl.Int32, "value": pl.Float64},
    orient="row",
)


def test_related_growth_by_hand():
    s = emergence_signals(RELATED, as_of=2012, window=3)
    # a's one related industry in AT11 is b: (20 / 5)^(1/2) - 1 = 1
    assert _row(s, "AT11", "C10")["related_growth"] == pytest.approx(1.0)
    # b's in AT12 is a: (20 / 10)^(1/2) - 1
    assert _row(s, "AT12", "C20")["related_growth"] == pytest.approx(math.sqrt(2) - 1)
    # c has no related industry (proximity 0): unknown, not 0
    assert _row(s, "AT11", "C30")["related_growth"] is None


PARTICIPATIONS = pl.DataFrame({
    "project": ["P1", "P1", "P2", "P2", "P3", "P4"],
    "organisation": ["o1", "o2", "o3", "o4", "o1", "o5"],
    "region": ["AT111", "CZ01", "AT12", "AT12", "AT11", "AT"],
    "country": ["AT", "CZ", "AT", "AT", "AT", "AT"],
    "role": ["participant"] * 6,
    "start_year": [2011, 2011, 2012, 2012, 2013, 2010],
})


def test_cooperation_embeddedness_by_hand():
    s = emergence_signals(PANEL, as_of=2012, window=3, participations=PARTICIPATIONS)
    # AT11: P1 (its NUTS-3 participant; with CZ01: cross-border); P3 starts after as_of
    r = _row(s, "AT11", "x")
    assert (r["coop_projects"], r["coop_cross_border_share"]) == (1, 1.0)
    at12 = _row(s, "AT12", "y")  # P2, two Austrian participants
    assert (at12["coop_projects"], at12["coop_cross_border_share"]) == (1, 0.0)
    # Austria: P1, P2 and P4 (a participant known only by its country); Czechia: P1
    assert r["coop_country_projects"] == 3
    assert _row(s, "CZ01", "x")["coop_country_projects"] == 1
    assert r["coop_note"] is None


def test_no_look_ahead(demo_data):
    panel = demo_data.panel.drop("flag")
    part = demo_data.participations
    before = emergence_signals(panel, as_of=2015, window=5, participations=part).table
    rng = np.random.default_rng(1)
    changed = panel.with_columns(
        pl.when(pl.col("year") > 2015)
        .then(pl.col("value") * pl.Series(rng.uniform(0, 3, panel.height)))
        .otherwise(pl.col("value"))
    )
    later = part.with_columns(  # projects of later years move to other regions
        pl.when(pl.col("start_year") > 2015).then(pl.col("region").reverse())
        .otherwise(pl.col("region")))
    assert not changed.equals(panel)
    after = emergence_signals(changed, as_of=2015, window=5, participations=later).table
    assert after.equals(before)
    for col in ("competitive", "acceleration", "related_growth", "coop_projects"):
        assert before[col].null_count() < before.height, col


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


def test_reference_set_compares_every_region_with_the_set():
    """reference="set", regions=[AT11, AT12]: the reference is the two Austrian regions."""
    s = emergence_signals(PANEL, as_of=2012, window=3, reference="set", regions=["AT11", "AT12"])
    assert s.reference == "set" and s.options["regions"] == ["AT11", "AT12"]
    r = _row(s, "AT11", "x")
    # x in the set in 2012: 30 + 40 = 70 of 200 persons; AT11 30 of 100 -> 0.3 / 0.35 = 6/7
    assert r["lq"] == pytest.approx(6 / 7)
    # CZ01 is outside the set but compared with it: 30/100 / 0.35 = 6/7
    assert _row(s, "CZ01", "x")["lq"] == pytest.approx(6 / 7)
    # 2010: x in the set 10 + 50 = 60 of 200 -> AT11 0.1 / 0.3 = 1/3
    assert r["lq_start"] == pytest.approx(1 / 3)
    # the set's x grew 60 -> 70 over two years; AT11's 10 -> 30
    assert r["ref_cagr"] == pytest.approx(math.sqrt(70 / 60) - 1)
    assert r["growth_gap"] == pytest.approx(math.sqrt(3) - math.sqrt(70 / 60))
    # competitive effect E_s (g_ri - g_i) = 10 * (30/10 - 70/60) persons
    assert r["competitive"] == pytest.approx(10 * (3 - 70 / 60))
    # the national LQ keeps the countries of the panel as its reference: 21/20 as with "all"
    assert r["national_lq"] == pytest.approx(1.05)
    # a set of every region is the plain reference
    every = emergence_signals(PANEL, as_of=2012, window=3, reference="set",
                              regions=["AT11", "AT12", "CZ01"]).table
    plain = emergence_signals(PANEL, as_of=2012, window=3).table
    assert every.drop("signal_note").equals(plain.drop("signal_note"))


def test_reference_set_needs_regions_and_regions_need_a_set():
    with pytest.raises(ValueError, match="reference='set' needs regions="):
        emergence_signals(PANEL, as_of=2012, window=3, reference="set")
    with pytest.raises(ValueError, match="regions= is only used with reference='set'"):
        emergence_signals(PANEL, as_of=2012, window=3, regions=["AT11"])
    with pytest.raises(ValueError, match="no region of the panel is in the reference"):
        emergence_signals(PANEL, as_of=2012, window=3, reference="set", regions=["DE11"])


def _gappy_demo(demo_data, seed=5):
    """The demo panel with a tenth of its rows dropped at random (regions and industries
    missing in some years), shuffled."""
    panel = demo_data.panel.drop("flag")
    rng = np.random.default_rng(seed)
    return panel.filter(pl.Series(rng.random(panel.height) > 0.1)).sample(
        fraction=1.0, shuffle=True, seed=seed)


def test_sub_panel_is_the_coding_of_its_rows(demo_data):
    """Slicing the coded panel gives what coding the sliced frame gives, field by field."""
    from emerging._engine import CodedPanel
    from emerging.detect._cells import rows_in_years, sub_panel

    panel = _gappy_demo(demo_data)
    coded = CodedPanel.from_panel(panel)
    rows = rows_in_years(coded, 2016, 2019)
    assert np.array_equal(rows, np.flatnonzero(panel["year"].is_between(2016, 2019).to_numpy()))
    rows = rows[coded.r[rows] % 3 > 0]  # and some regions only
    for frame, keep_labels in ((True, False), (False, False), (True, True)):
        sub = sub_panel(coded, rows, frame=frame, keep_labels=keep_labels)
        want = CodedPanel.from_panel(panel[pl.Series(rows)])
        assert np.array_equal(sub.years, want.years) and np.array_equal(sub.y, want.y)
        assert np.array_equal(sub.value, want.value, equal_nan=True)
        if keep_labels:
            assert sub.regions.equals(coded.regions) and np.array_equal(sub.r, coded.r[rows])
            continue
        assert sub.regions.equals(want.regions) and sub.industries.equals(want.industries)
        assert np.array_equal(sub.r, want.r) and np.array_equal(sub.i, want.i)
        if frame:
            assert sub.frame.equals(want.frame.select(sub.frame.columns))
        else:
            with pytest.raises(AttributeError, match="keeps no frame"):
                sub.frame.height  # noqa: B018


@pytest.mark.parametrize("fixed_regions", [True, False])
def test_sliced_and_filtered_windows_give_the_same_signals(demo_data, fixed_regions):
    """A DataFrame is coded whole and sliced; a LazyFrame has its window filtered and
    coded: with pairs, regions and industries missing in some years, the same table."""
    panel = _gappy_demo(demo_data)
    for as_of, window in ((2019, 5), (2016, 3)):
        sliced = emergence_signals(panel, as_of=as_of, window=window,
                                   fixed_regions=fixed_regions)
        filtered = emergence_signals(panel.lazy(), as_of=as_of, window=window,
                                     fixed_regions=fixed_regions)
        assert sliced.table.equals(filtered.table)
        assert sliced.exclusions.total == filtered.exclusions.total


def test_rows_the_full_check_would_refuse_after_as_of_are_not_read(demo_data):
    """A NaN after ``as_of`` (refused by the contract's check) does not stop the signals,
    which never read it; lower-case codes are normalised as before, with the warning."""
    from emerging._schema import CodesNormalisedWarning

    panel = demo_data.panel.drop("flag")
    clean = emergence_signals(panel, as_of=2016, window=3).table
    later_nan = panel.with_columns(
        pl.when(pl.col("year") == 2020).then(float("nan")).otherwise(pl.col("value"))
        .alias("value"))
    assert emergence_signals(later_nan, as_of=2016, window=3).table.equals(clean)
    lower = panel.with_columns(pl.col("region").str.to_lowercase())
    with pytest.warns(CodesNormalisedWarning):
        assert emergence_signals(lower, as_of=2016, window=3).table.equals(clean)


def test_a_coded_panel_and_bad_rows_outside_the_window(demo_data):
    """A CodedPanel gives the signals of its frame; a duplicate key after ``as_of`` (refused
    by the coding of the whole frame) is not read, as before; one inside is refused."""
    from emerging._engine import CodedPanel
    from emerging._schema import SchemaError

    panel = demo_data.panel.drop("flag")
    clean = emergence_signals(panel, as_of=2016, window=3).table
    assert emergence_signals(CodedPanel.from_panel(panel), as_of=2016, window=3).table.equals(clean)
    twice = pl.concat([panel, panel.filter(pl.col("year") == 2020).head(1)])
    assert emergence_signals(twice, as_of=2016, window=3).table.equals(clean)
    twice = pl.concat([panel, panel.filter(pl.col("year") == 2015).head(1)])
    with pytest.raises(SchemaError, match="duplicate"):
        emergence_signals(twice, as_of=2016, window=3)
