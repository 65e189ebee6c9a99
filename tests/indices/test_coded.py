"""The integer-coding engine: fast paths for sorted layouts agree with the general path."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.indices._coded import _hashed_codes, dense_codes, map_years

words = st.lists(st.sampled_from(["AT11", "AT12", "CZ01", "SK02", "C10", "G46"]),
                 min_size=1, max_size=6, unique=True)


@settings(max_examples=60, deadline=None)
@given(words, st.integers(1, 30), st.sampled_from(["runs", "blocks", "shuffled"]))
def test_dense_codes_layouts(labels, reps, layout):
    if layout == "runs":
        values = [w for w in labels for _ in range(reps)]
    elif layout == "blocks":
        values = labels * reps
    else:
        values = list(np.random.default_rng(reps).choice(labels, size=reps * len(labels)))
    keys = pl.Series(values)
    codes, names = dense_codes(keys)
    ref_codes, ref_names = _hashed_codes(keys)
    assert names.to_list() == sorted(set(values)) == ref_names.to_list()
    assert np.array_equal(codes, ref_codes)
    assert names.gather(codes).to_list() == values


def test_almost_periodic_column_falls_back():
    keys = pl.Series(["a", "b", "a", "b", "a", "c"])
    codes, names = dense_codes(keys)
    assert names.gather(codes).to_list() == keys.to_list()


def test_map_years_keeps_order():
    assert map_years(lambda s: s.start, 7) == list(range(7))


def test_absent_policy_and_year_windows():
    """``values("zero")`` reads a missing row as 0, ``values("unknown")`` as NaN; a window
    of year positions builds the same arrays for those years only, in any row order."""
    from emerging._engine import CodedPanel

    panel = pl.DataFrame({
        "region": ["AT11", "AT11", "AT12", "AT11", "AT12", "AT12"],
        "industry": ["C10", "C11", "C10", "C10", "C10", "C11"],
        "year": [2020, 2020, 2020, 2021, 2021, 2021],
        "value": [1.0, None, 3.0, 4.0, 5.0, 6.0],
    }, schema_overrides={"year": pl.Int32})
    for frame in (panel, panel.reverse()):
        coded = CodedPanel.from_panel(frame)
        zero, unknown = coded.values("zero"), coded.values("unknown")
        assert zero[0, 1, 1] == 0.0 and np.isnan(unknown[0, 1, 1])  # AT12 C11 2020: no row
        assert np.isnan(zero[0, 0, 1]) and np.isnan(unknown[0, 0, 1])  # null: unknown
        assert zero[1, 0, 1] == 0.0  # AT11 C11 2021: no row
        np.testing.assert_array_equal(coded.values("zero", np.array([1])), zero[[1]])
        np.testing.assert_array_equal(coded.values("unknown", np.array([1, 0])),
                                      unknown[[1, 0]])
        np.testing.assert_array_equal(coded.has_row_in(np.array([0])), ~np.isnan(unknown[[0]])
                                      | np.isnan(zero[[0]]))
    with pytest.raises(ValueError, match="absent must be one of"):
        coded.values("missing")


def test_cache_is_an_explicit_read_only_object():
    from emerging._engine import CodedPanel, PanelCache
    from emerging._reference import lq_factors, resolve_reference

    panel = pl.DataFrame({"region": ["AT11", "AT12"] * 2, "industry": ["C10"] * 2 + ["C11"] * 2,
                          "year": [2020] * 4, "value": [1.0, 2.0, 3.0, 4.0]},
                         schema_overrides={"year": pl.Int32})
    coded = CodedPanel.from_panel(panel)
    assert isinstance(coded.cache, PanelCache) and len(coded.cache) == 0
    assert not hasattr(coded, "memo")
    f = lq_factors(coded, resolve_reference(coded, "all"))
    assert lq_factors(coded, resolve_reference(coded, "all")) is f  # computed once
    with pytest.raises(ValueError, match="read-only"):
        f["er"][0, 0, 0] = 1.0


def test_flags_gathered_together_equal_one_by_one():
    from emerging._engine import CodedPanel

    rng = np.random.default_rng(2)
    keys = [(r, i, y) for y in (2020, 2021) for r in ("AT11", "AT12", "CZ01")
            for i in ("C10", "C11", "G46")]
    panel = pl.DataFrame([(*k, float(v)) for k, v in zip(keys, rng.random(len(keys)),
                                                           strict=True)],
                         schema={"region": pl.String, "industry": pl.String,
                                 "year": pl.Int32, "value": pl.Float64}, orient="row")
    for frame in (panel, panel.sample(fraction=1.0, shuffle=True, seed=3).slice(1)):
        coded = CodedPanel.from_panel(frame)
        cubes = {f"f{k}": rng.random(coded.shape) < 0.5 for k in range(9)}  # > 8 bits
        together = coded.flags_to_rows(cubes)
        for name, cube in cubes.items():
            np.testing.assert_array_equal(together[name], coded.to_rows(cube))


@pytest.mark.parametrize("with_null", [True, False])
def test_reason_column_views_equal_a_gather_of_the_labels(with_null):
    """Reason columns built as Arrow string views: the same String column as gathering
    the labels, for labels kept inline (<= 12 bytes) and in the data buffer, with nulls."""
    from emerging.indices._coded import reason_column

    labels = ("confidential", "zero region total", "x", "", "établissement inconnu")
    rng = np.random.default_rng(3)
    codes = rng.integers(0 if with_null else 1, len(labels) + 1, 100_003).astype(np.uint8)
    got = reason_column("why", codes, labels)
    want = pl.Series("why", [None, *labels], dtype=pl.String).gather(codes.astype(np.uint32))
    assert got.dtype == pl.String and got.name == "why"
    assert got.equals(want, null_equal=True)
    assert got.null_count() == int((codes == 0).sum())
    assert (got.str.len_bytes() == want.str.len_bytes()).all()
    assert pl.DataFrame({"why": got}).group_by("why").len().height == len(np.unique(codes))
