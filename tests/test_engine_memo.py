"""The memo of coded panels (emerging._memo): the same unchanged frame is coded once, any
change to it (every in-place method of polars, numpy writes into shared memory) is a miss,
it never keeps a frame alive, and results are identical with and without it."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import emerging
from emerging._arrow import buffer_print
from emerging._engine import CodedPanel
from emerging._memo import MEMO_SIZE, PANELS


def _panel(seed: int = 0, *, regions: int = 6, industries: int = 5, years: int = 4,
           shuffle: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    reg = [f"AT{k + 11}" for k in range(regions)]
    ind = [f"C{k + 10}" for k in range(industries)]
    rows = [(r, i, 2015 + t) for r in reg for i in ind for t in range(years)]
    order = rng.permutation(len(rows)) if shuffle else np.arange(len(rows))
    return pl.DataFrame({
        "region": [rows[k][0] for k in order],
        "industry": [rows[k][1] for k in order],
        "year": pl.Series([rows[k][2] for k in order], dtype=pl.Int32),
        "value": rng.integers(0, 50, len(rows)).astype(float),
        "note": ["x"] * len(rows),
    })


@pytest.fixture(autouse=True)
def _fresh_memo():
    previous = emerging.set_memo(True)
    emerging.clear_cache()
    yield
    emerging.clear_cache()
    emerging.set_memo(previous)


def test_same_frame_is_coded_once_and_shares_its_cache():
    panel = _panel()
    first = CodedPanel.from_panel(panel)
    assert CodedPanel.from_panel(panel) is first
    assert first.frame is not panel  # a shallow copy: the memo holds no strong reference
    emerging.location_quotient(panel)
    assert first.cache.peek(("lq_factors", ("all",))) is not None  # reused by the next call
    emerging.specialisation_profile(panel)
    assert CodedPanel.from_panel(panel) is first
    assert first.cache.peek(("lq", ("all",))) is not None


def test_other_value_column_is_another_entry():
    panel = _panel().with_columns((pl.col("value") * 2).alias("jobs"))
    plain = CodedPanel.from_panel(panel)
    jobs = CodedPanel.from_panel(panel, column="jobs")
    assert jobs is not plain and np.array_equal(jobs.value, plain.value * 2)
    assert CodedPanel.from_panel(panel, column="jobs") is jobs


def _extra_year(panel: pl.DataFrame) -> pl.DataFrame:
    return panel.filter(pl.col("year") == 2015).with_columns(pl.lit(2030, pl.Int32).alias("year"))


MUTATIONS = {
    "replace_column value": lambda p: p.replace_column(3, p["value"] + 1),
    "replace_column region": lambda p: p.replace_column(
        0, p["region"].str.replace("AT11", "AT99")),
    "setitem rows": lambda p: p.__setitem__(([0, 1], "value"), [1001.0, 1002.0]),
    "setitem cell value": lambda p: p.__setitem__((0, "value"), 12345.0),
    "setitem cell industry": lambda p: p.__setitem__((0, "industry"), "C99"),
    "setitem cell note": lambda p: p.__setitem__((0, "note"), "changed"),
    "insert_column": lambda p: p.insert_column(1, pl.Series("extra", range(p.height))),
    "extend": lambda p: p.extend(_extra_year(p)),
    "vstack in place": lambda p: p.vstack(_extra_year(p), in_place=True),
    "hstack in place": lambda p: p.hstack([pl.Series("extra", range(p.height))], in_place=True),
    "drop_in_place": lambda p: p.drop_in_place("note"),
    "rename": lambda p: setattr(p, "columns", ["region", "industry", "year", "value", "label"]),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_every_in_place_mutation_misses(name):
    panel = _panel()
    before = CodedPanel.from_panel(panel)
    lq_before = emerging.location_quotient(panel)
    MUTATIONS[name](panel)
    after = CodedPanel.from_panel(panel)
    assert after is not before
    copy = pl.DataFrame({c: panel[c].to_list() for c in panel.columns}, schema=panel.schema)
    emerging.set_memo(False)
    fresh = emerging.location_quotient(copy)  # the mutated content, coded afresh
    emerging.set_memo(True)
    assert_frame_equal(emerging.location_quotient(panel), fresh)
    if name.startswith(("replace_column value", "setitem rows", "setitem cell value")):
        assert not lq_before["lq"].equals(fresh["lq"])


def test_numpy_writes_into_a_shared_column_miss():
    """polars builds numeric columns on a numpy array's memory: writing into the array
    changes the frame without any polars method, and the memo sees it."""
    base = _panel(shuffle=False)
    value = base["value"].to_numpy().copy()
    year = base["year"].to_numpy().copy()
    panel = base.with_columns(pl.Series("value", value), pl.Series("year", year))
    value[0] += 7.0
    assert panel["value"][0] == value[0]  # the frame shares the array's memory
    first = CodedPanel.from_panel(panel)
    lq_before = emerging.location_quotient(panel)
    assert CodedPanel.from_panel(panel) is first
    value[1] += 1.0
    second = CodedPanel.from_panel(panel)
    assert second is not first and second.value[1] == value[1]
    fresh = emerging.location_quotient(pl.DataFrame(panel.to_dict(as_series=False),
                                                    schema=panel.schema))
    assert_frame_equal(emerging.location_quotient(panel), fresh)
    assert not fresh["lq"].equals(lq_before["lq"])
    year[2] = 2016 if year[2] != 2016 else 2017
    with pytest.raises(emerging.SchemaError):  # now a duplicated key, found by the check
        CodedPanel.from_panel(panel)
    assert len(PANELS) == 0


def test_sign_of_zero_and_nan_payload_are_changes():
    value = np.array([0.0, 1.0, 2.0, 3.0])
    panel = pl.DataFrame({"region": ["AT11", "AT11", "AT12", "AT12"],
                          "industry": ["C10", "C11", "C10", "C11"],
                          "year": pl.Series([2020] * 4, dtype=pl.Int32),
                          "value": value})
    first = CodedPanel.from_panel(panel)
    value[0] = -0.0
    assert CodedPanel.from_panel(panel) is not first


def test_lazy_frames_are_not_kept():
    lazy = _panel().lazy()
    first = CodedPanel.from_panel(lazy)
    assert CodedPanel.from_panel(lazy) is not first
    assert len(PANELS) == 0


def test_entry_dies_with_its_frame():
    panel = _panel()
    coded = CodedPanel.from_panel(panel)
    alive = weakref.ref(panel)
    kept = weakref.ref(coded)
    assert len(PANELS) == 1
    del panel, coded
    gc.collect()
    assert alive() is None  # the memo did not keep the frame alive
    assert len(PANELS) == 0 and kept() is None  # and its coded panel went with it


def test_a_new_frame_at_a_reused_address_misses():
    panel = _panel(1)
    CodedPanel.from_panel(panel)
    key = id(panel)
    del panel
    gc.collect()
    other = _panel(2)
    coded = CodedPanel.from_panel(other)
    assert id(other) != key or coded.frame.equals(other)
    assert np.array_equal(coded.value, CodedPanel._code(other, what="panel", column="value").value)


def test_memory_is_bounded():
    frames = [_panel(k) for k in range(MEMO_SIZE + 2)]
    coded = [CodedPanel.from_panel(f) for f in frames]
    assert len(PANELS) == MEMO_SIZE
    assert CodedPanel.from_panel(frames[-1]) is coded[-1]  # the most recent ones are kept
    assert CodedPanel.from_panel(frames[0]) is not coded[0]


def test_switch_and_clear():
    panel = _panel()
    first = CodedPanel.from_panel(panel)
    emerging.clear_cache()
    assert len(PANELS) == 0 and CodedPanel.from_panel(panel) is not first
    assert emerging.set_memo(False) is True
    assert CodedPanel.from_panel(panel) is not CodedPanel.from_panel(panel)
    assert len(PANELS) == 0


def test_key_columns_of_other_dtypes_are_not_kept():
    panel = _panel().with_columns(pl.col("region").cast(pl.Categorical))
    CodedPanel.from_panel(panel)
    assert len(PANELS) == 0


def test_buffer_print_follows_the_buffers():
    s = pl.Series(["AT11", "a much longer code than twelve bytes", None])
    assert buffer_print(s) == buffer_print(s)
    assert buffer_print(s) != buffer_print(s.clone().set(pl.Series([True, False, False]), "x"))
    parts = pl.concat([s, s], rechunk=False)
    assert len(buffer_print(parts)[1]) == 2  # one print per chunk
    nested = pl.Series([[1, 2], [3]])
    assert buffer_print(nested) == buffer_print(nested)


def _frame(result) -> pl.DataFrame:
    return result if isinstance(result, pl.DataFrame) else result.to_frame()


def _chain(panel: pl.DataFrame) -> list[pl.DataFrame]:
    from emerging.relatedness import analyse_relatedness
    from emerging.trends import growth, shift_share, trend_slopes

    profile = emerging.specialisation_profile(panel)
    related = analyse_relatedness(panel)
    return [_frame(x) for x in (
        emerging.location_quotient(panel),
        profile.lq, profile.diversity, profile.concentration, profile.stars,
        trend_slopes(panel),
        shift_share(panel, start=2015, end=2018),
        growth(panel, start=2015, end=2018),
        emerging.location_quotient(panel, reference="country"),
        related.cells, related.proximity, related.complexity,
        emerging.emergence_signals(panel, as_of=2019, window=4),
    )]


def test_results_identical_with_and_without_the_memo():
    panel = _panel(3, regions=8, industries=7, years=6)
    with_memo = _chain(panel)
    assert CodedPanel.from_panel(panel) is CodedPanel.from_panel(panel)
    emerging.set_memo(False)
    without = _chain(panel)
    for a, b in zip(with_memo, without, strict=True):
        assert_frame_equal(a, b)


def test_numpy_writes_into_a_column_with_nulls_miss():
    value = np.array([1.0, np.nan, 3.0, 4.0])
    panel = pl.DataFrame({"region": ["AT11", "AT11", "AT12", "AT12"],
                          "industry": ["C10", "C11", "C10", "C11"],
                          "year": pl.Series([2020] * 4, dtype=pl.Int32),
                          "value": pl.Series(value, nan_to_null=True)})
    assert panel["value"].null_count() == 1
    first = CodedPanel.from_panel(panel)
    assert CodedPanel.from_panel(panel) is first
    value[0] = 2.0
    if panel["value"][0] == 2.0:  # polars kept the array's memory under its null mask
        assert CodedPanel.from_panel(panel) is not first
    else:
        assert CodedPanel.from_panel(panel) is first


@pytest.mark.parametrize("values", [
    [0.0, 1.0, 255.0], [0.0, 256.0, 65535.0], [70000.0, 1.0, 2.0**32 - 1],
    [0.5, 1.25, 1e6], [0.1, 2.0, 3.0], [-0.0, 1.0, 2.0], [np.nan, 1.0, 2.0],
    [2.0**53 + 2, 1.0, 0.0], [np.inf, 1.0, 0.0],
])
def test_value_snapshot_gives_the_values_back_bit_for_bit(values):
    from emerging._memo import same_bits_as, value_snapshot

    array = np.array(values * 1000)
    snapshot = value_snapshot(array)
    assert snapshot.nbytes <= array.nbytes
    assert np.array_equal(snapshot.astype(np.float64).view(np.uint64), array.view(np.uint64))
    assert same_bits_as(array, snapshot)
    changed = array.copy()
    changed[1234] = np.nextafter(changed[1234], np.inf)
    assert not same_bits_as(changed, snapshot)


def test_frame_with_an_object_column_is_coded_but_not_kept():
    panel = _panel().with_columns(pl.Series("obj", [object()] * 120, dtype=pl.Object))
    coded = CodedPanel.from_panel(panel)
    assert len(PANELS) == 0 and coded.frame.width == panel.width


@pytest.mark.parametrize("layout", ["nulls", "chunks", "integers"])
def test_value_columns_read_block_by_block(layout):
    """A value column with nulls, in several chunks or of integers is compared with the
    coded values block by block: an unchanged frame hits, a changed one misses."""
    from emerging._memo import same_values

    panel = _panel(4)
    if layout == "nulls":
        panel = panel.with_columns(pl.when(pl.col("value") > 40).then(None)
                                   .otherwise(pl.col("value")).alias("value"))
    elif layout == "chunks":
        panel = pl.concat([panel.head(50), panel.tail(panel.height - 50)], rechunk=False)
        assert panel["value"].n_chunks() == 2
    else:
        panel = panel.with_columns(pl.col("value").cast(pl.Int64))
    first = CodedPanel.from_panel(panel)
    assert CodedPanel.from_panel(panel) is first
    assert same_values(panel["value"], PANELS._entries[(id(panel), "value")].values)
    changed = panel["value"].scatter(3, (panel["value"][3] or 0) + 1)
    assert not same_values(changed, PANELS._entries[(id(panel), "value")].values)
    panel.replace_column(3, changed)
    assert CodedPanel.from_panel(panel) is not first
