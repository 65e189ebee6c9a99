"""The detection layer's array paths give the numbers of its general paths, to the bit.

- a window whose every cell has a row is laid out in cube order from the coded panel
  (:func:`emerging.detect._cells.window_in_cube_order`); a LazyFrame, or a window with a
  missing row, codes the window's own rows: both give the same signals;
- the size percentile (:func:`~emerging.detect._cells.percentile_by_column`) and the
  classes (:func:`~emerging.detect.classes._class_codes`) equal the polars expressions
  that define them;
- a weakly oriented PCI is a note of the result, not a warning.
"""

import warnings

import numpy as np
import polars as pl
import pytest

from emerging._engine import CodedPanel
from emerging.detect import emergence_scores, emergence_signals
from emerging.detect._cells import percentile_by_column, window_in_cube_order
from emerging.detect.classes import ClassRules, _class_codes, _class_expr
from emerging.relatedness import OrientationWarning


def _panel(seed: int, *, regions: int = 12, industries: int = 9, years: int = 7,
           zeros: float = 0.3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    keys = [(f"AT{r // 10 + 1}{r % 10}", f"C{10 + i}", 2010 + y)
            for r in range(regions) for i in range(industries) for y in range(years)]
    value = np.exp(rng.normal(3, 1.2, len(keys))).round()
    value[rng.random(len(keys)) < zeros] = 0.0
    frame = pl.DataFrame(keys, schema={"region": pl.String, "industry": pl.String,
                                       "year": pl.Int32}, orient="row")
    frame = frame.with_columns(value=pl.Series(value))
    return frame.sample(fraction=1.0, shuffle=True, seed=seed)  # rows in no order


def _same_bits(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns and a.height == b.height
    for name in a.columns:
        x, y = a[name], b[name]
        assert x.null_count() == y.null_count(), name
        if x.dtype == pl.Float64:
            u, v = x.drop_nulls().to_numpy(), y.drop_nulls().to_numpy()
            assert np.array_equal(u.view(np.uint64), v.view(np.uint64)), name
        else:
            assert x.equals(y), name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_window_in_cube_order_gives_the_signals_of_the_rows(seed):
    panel = _panel(seed)
    coded = CodedPanel.from_panel(panel)
    window = window_in_cube_order(coded, 2012, 2016)
    assert window is not None and window.in_cube_order
    assert window.years.tolist() == [2012, 2013, 2014, 2015, 2016]
    # the same value at each cell as the panel's rows of those years
    rows = panel.filter(pl.col("year").is_between(2012, 2016)).sort("year", "region", "industry")
    assert np.array_equal(window.value, rows["value"].to_numpy())
    fast = emergence_signals(panel, as_of=2016, window=5)
    rows_path = emergence_signals(panel.lazy(), as_of=2016, window=5)  # codes the window's rows
    _same_bits(fast.table, rows_path.table)
    _same_bits(emergence_scores(fast).table, emergence_scores(rows_path).table)


def test_a_window_with_a_missing_row_takes_the_rows_path():
    panel = _panel(3)
    gap = panel.filter(~((pl.col("region") == "AT12") & (pl.col("industry") == "C11")
                         & (pl.col("year") == 2014)))
    coded = CodedPanel.from_panel(gap)
    assert window_in_cube_order(coded, 2012, 2016) is None  # a cell of 2014 has no row
    assert window_in_cube_order(coded, 2015, 2016) is not None  # every cell of these years
    _same_bits(emergence_signals(gap, as_of=2016, window=5).table,
               emergence_signals(gap.lazy(), as_of=2016, window=5).table)


def test_percentile_by_column_is_the_polars_rank():
    rng = np.random.default_rng(7)
    for _ in range(100):
        n, k = int(rng.integers(1, 25)), int(rng.integers(1, 5))
        grid = rng.integers(0, 4, (n, k)).astype(float)  # many ties
        grid[rng.random((n, k)) < 0.3] = np.nan
        frame = pl.DataFrame({"v": grid.reshape(-1), "c": np.tile(np.arange(k), n)}).with_columns(
            pl.col("v").fill_nan(None))
        known = pl.col("v").is_not_null()
        m = known.sum().over("c")
        expected = frame.select(pl.when(known & (m > 1)).then(
            100.0 * (pl.col("v").rank("average").over("c") - 1) / (m - 1)))[:, 0]
        got = pl.Series(percentile_by_column(grid).reshape(-1)).fill_nan(None)
        assert got.null_count() == expected.null_count()
        assert np.array_equal(got.drop_nulls().to_numpy().view(np.uint64),
                              expected.drop_nulls().to_numpy().view(np.uint64))


def test_percentile_by_column_by_hand():
    # a column 30, 40, 30: average ranks 1.5, 3, 1.5 -> 25, 100, 25; a single known value: NaN
    grid = np.array([[30.0, 5.0], [40.0, np.nan], [30.0, np.nan]])
    out = percentile_by_column(grid)
    assert out[:, 0].tolist() == [25.0, 100.0, 25.0]
    assert np.isnan(out[:, 1]).all()


def _class_table(seed: int, n: int = 400) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def some_null(values, share=0.15):
        return pl.Series(values).set(pl.Series(rng.random(n) < share), None)

    lq = rng.lognormal(-0.2, 0.6, n)
    return pl.DataFrame({
        "lq": some_null(lq, 0.05),
        "lq_lo": some_null(lq * rng.uniform(0.6, 1.0, n)),
        "lq_slope": some_null(rng.normal(0, 0.2, n)),
        "lq_slope_se": some_null(rng.uniform(0.01, 0.2, n)),
        "size_percentile": some_null(rng.uniform(0, 100, n)),
        "lq_start": some_null(lq * rng.uniform(0.5, 1.5, n)),
        "years_specialised": pl.Series(rng.integers(0, 6, n), dtype=pl.Int32),
        "traded": some_null(rng.random(n) < 0.7),
        "score": pl.Series(np.round(rng.uniform(0, 1, n), 1)),  # ties in the ranking
    })


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rules", [ClassRules(), ClassRules(emerging_share=0.3, size_floor=0.0,
                                                            traded_only=False)])
def test_class_codes_are_the_class_expression(seed, rules):
    from emerging.detect.classes import CLASSES

    table = _class_table(seed)
    codes = _class_codes(table, rules, horizon=3, window=5)
    assert codes is not None
    expected = table.select(_class_expr(rules, horizon=3, window=5))[:, 0]
    assert pl.Series(CLASSES).gather(codes).equals(expected, check_names=False)
    assert set(expected) >= {"emerging", "other"}  # the test reaches the branches


def test_a_nan_input_takes_the_expression():
    table = _class_table(0).with_columns(pl.col("lq_slope").fill_null(float("nan")))
    assert _class_codes(table, ClassRules(), horizon=3, window=5) is None


def test_weak_orientation_is_a_note_not_a_warning(sbs_employment_nuts2):
    from emerging.codes.harmonise import harmonise

    panel = harmonise(sbs_employment_nuts2.filter(pl.col("year") <= 2014), to=2021).panel
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        signals = emergence_signals(panel.select("region", "industry", "year", "value"),
                                    as_of=2014, window=3)
    assert not [w for w in caught if issubclass(w.category, OrientationWarning)]
    # Eurostat SBS NUTS-2 x divisions: the diversity rule's correlation is about +0.2
    (note,) = signals.notes
    assert "weakly determined in 2014" in note and "+0.2" in note
    assert signals.summary().count("Note: ") == 1
    assert emergence_scores(signals).summary().count("weakly determined") == 1


def test_a_firm_orientation_leaves_no_note():
    from emerging.datasets import demo

    assert emergence_signals(demo().panel, as_of=2018, window=5).notes == ()


def test_the_window_takes_the_lq_factors_its_panel_holds():
    from emerging import clear_cache, location_quotient
    from emerging._reference import _lq_factors, resolve_reference

    panel = _panel(4)
    clear_cache()
    before = emergence_signals(panel.clone(), as_of=2016, window=5)  # nothing cached yet
    location_quotient(panel)  # codes the panel and keeps the factors of reference="all"
    coded = CodedPanel.from_panel(panel)
    window = window_in_cube_order(coded, 2012, 2016)
    shared = window.cache.peek(("lq_factors", ("all",)))
    assert shared is not None
    fresh = _lq_factors(window, resolve_reference(window, "all"))
    for name in ("er", "ei", "et"):
        assert np.array_equal(shared[name].view(np.uint64), fresh[name].view(np.uint64)), name
    _same_bits(emergence_signals(panel, as_of=2016, window=5).table, before.table)
    clear_cache()
