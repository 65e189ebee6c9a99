"""The integer-coding engine: fast paths for sorted layouts agree with the general path."""

from __future__ import annotations

import numpy as np
import polars as pl
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
