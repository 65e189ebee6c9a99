"""Panel <-> matrices, and the matrix RCA agreeing with emerging.indices.lq."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from conftest import random_panel
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging._schema import DuplicateKeyError, MissingColumnError
from emerging.indices import location_quotient, presence
from emerging.relatedness.matrices import encode_panel, pair_frame


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), null_share=st.sampled_from([0.0, 0.1, 0.4]),
       drop=st.sampled_from([0, 5, 20]))
def test_presence_cube_equals_lq_presence(seed, null_share, drop):
    panel = random_panel(8, 5, 2, seed=seed, null_share=null_share)
    if drop:  # absent rows and a zero row
        panel = panel.sample(n=panel.height - drop, seed=seed)
    panel = panel.with_columns(
        pl.when(pl.col("region") == "CZ03").then(0.0).otherwise(pl.col("value")).alias("value")
    )
    pm = encode_panel(panel)
    # presence: the same cells as the LQ rows (a null LQ counts as absent in matrices)
    expected = presence(panel, threshold=1.0)["present"].fill_null(False).to_numpy()
    np.testing.assert_array_equal(pm.at_rows(pm.presence()).astype(bool), expected)
    # and at another threshold
    expected = presence(panel, threshold=1.5)["present"].fill_null(False).to_numpy()
    np.testing.assert_array_equal(pm.at_rows(pm.presence(threshold=1.5)).astype(bool), expected)
    assert location_quotient(panel).height == panel.height


def test_presence_uses_the_one_lq_definition():
    """The copy of the LQ factors that relatedness kept (and a test checked "to the bit")
    is gone: presence reads the engine's factors and LQ formula, so its LQ cube is the
    indices' (``emerging._reference.lq_cube``) cell by cell, ties at 1 included."""
    from emerging._reference import lq_cube, resolve_reference

    panel = random_panel(30, 12, 3, seed=3, null_share=0.1)
    pm = encode_panel(panel)
    lqs = lq_cube(pm.coded, resolve_reference(pm.coded, "all"))
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(pm.presence(), (lqs >= 1.0).astype(np.uint8))
    np.testing.assert_array_equal(pm.unknown_cube, np.isnan(lqs))


def test_round_trip_keeps_rows_and_order():
    panel = random_panel(6, 4, 3, seed=1, null_share=0.2).sample(fraction=1, shuffle=True, seed=2)
    pm = encode_panel(panel)
    back = pm.with_cells({"copy": pm.values})
    assert back.select("region", "industry", "year").equals(panel.select("region", "industry",
                                                                          "year"))
    assert back["copy"].equals(panel["value"], check_names=False)
    assert pm.exclusions.counts["unknown value"] == panel["value"].null_count()


def test_absent_cells_counted():
    panel = random_panel(4, 3, 1).head(10)  # 2 of 12 cells absent: zeros in the cube
    pm = encode_panel(panel)
    assert pm.exclusions.counts["absent from panel"] == 2
    assert (pm.values == 0).sum() == 2 and not np.isnan(pm.values).any()


def test_duplicates_and_missing_columns_raise():
    panel = random_panel(3, 3, 1)
    with pytest.raises(DuplicateKeyError, match="duplicated key"):
        encode_panel(pl.concat([panel, panel.head(1)]))
    with pytest.raises(MissingColumnError, match="value"):
        encode_panel(panel.drop("value"))


def test_pair_frame_layout():
    out = pair_frame(np.array(["a", "b"]), np.array([2020, 2021]),
                     {"w": np.arange(8, dtype=float).reshape(2, 2, 2)})
    assert out.rows() == [("a", "b", 2020, 1.0), ("b", "a", 2020, 2.0),
                          ("a", "b", 2021, 5.0), ("b", "a", 2021, 6.0)]
