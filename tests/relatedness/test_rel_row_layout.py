"""Rows that walk a permuted cube: the tiled copies give exactly what the engine's gather
and scatter give, in every axis order and direction, with and without absent rows."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from conftest import random_panel
from polars.testing import assert_frame_equal

from emerging import clear_cache
from emerging.relatedness import analyse_relatedness
from emerging.relatedness._row_layout import find_layout
from emerging.relatedness.matrices import encode_panel, value_cube

KEYS = ("year", "region", "industry")


def _ordered(panel: pl.DataFrame, axes, flipped) -> pl.DataFrame:
    """``panel`` sorted by the cube axes ``axes`` (slowest first), ``flipped`` descending."""
    names = [KEYS[a] for a in axes]
    return panel.sort(names, descending=[flipped[a] for a in axes])


@pytest.mark.parametrize("axes", list(itertools.permutations(range(3))))
@pytest.mark.parametrize("drop", [0.0, 0.2])
def test_every_axis_order_and_direction_is_found_and_exact(axes, drop):
    base = random_panel(7, 5, 4, seed=3, null_share=0.05)
    if drop:
        base = base.filter(pl.Series(np.random.default_rng(1).random(base.height) >= drop))
    for flipped in itertools.product((False, True), repeat=3):
        coded = encode_panel(_ordered(base, axes, flipped)).coded
        layout = find_layout(coded)
        if axes == (0, 1, 2) and not any(flipped) and not drop:
            assert layout is None and coded.in_cube_order  # the engine's own order
            continue
        assert layout is not None
        assert layout.axes == axes and layout.flipped == flipped
        assert (layout.positions is None) == (drop == 0.0)
        cube = coded.value_cube
        # scatter: the same cube, NaN (unknown) and 0 (absent) in the same cells
        np.testing.assert_array_equal(layout.scatter(coded.value, coded.shape, 0.0), cube)
        # gather: every row gets its own cell, also from a small broadcasting table
        np.testing.assert_array_equal(layout.to_rows(cube, coded.shape), coded.value)
        table = np.arange(coded.shape[0] * coded.shape[1], dtype=float).reshape(
            coded.shape[0], coded.shape[1], 1)
        np.testing.assert_array_equal(layout.to_rows(table, coded.shape),
                                      coded.to_rows(table))


def test_no_layout_for_shuffled_rows_or_repeated_blocks():
    base = random_panel(6, 5, 3, seed=2)
    assert find_layout(encode_panel(base.sample(fraction=1.0, shuffle=True, seed=4)).coded) is None
    # sorted by region only, industries shuffled within each region: not a walk
    rng = np.random.default_rng(0)
    mixed = base.with_columns(pl.Series("_k", rng.random(base.height))).sort("region", "_k")
    assert find_layout(encode_panel(mixed.drop("_k")).coded) is None


def test_value_cube_by_layout_is_the_engines():
    panel = random_panel(5, 4, 3, seed=5, null_share=0.1).sort("industry", "region", "year")
    coded = encode_panel(panel).coded
    mine = value_cube(coded)  # by the tiled copy (the engine's cube is not built yet)
    assert "value_cube" not in coded.__dict__
    np.testing.assert_array_equal(mine, coded.value_cube)


@pytest.mark.filterwarnings("ignore::emerging.relatedness.OrientationWarning")
@pytest.mark.parametrize("order", [("industry", "region", "year"), ("region", "industry", "year")])
def test_analysis_the_same_in_any_row_order(order):
    """The whole analysis (cells, pairs, complexity) is the same, bit for bit, whether the
    rows come in a layout order, in cube order or shuffled."""
    base = random_panel(12, 9, 5, seed=7, null_share=0.03)
    base = base.filter(pl.Series(np.random.default_rng(2).random(base.height) >= 0.1))
    sorted_rows = base.sort(*order, descending=[False, False, True])
    results = {}
    for name, frame in {"layout": sorted_rows, "cube": base.sort("year", "region", "industry"),
                        "shuffled": base.sample(fraction=1.0, shuffle=True, seed=1)}.items():
        clear_cache()
        res = analyse_relatedness(frame)
        results[name] = (res.cells.sort(*KEYS), res.proximity, res.complexity.regions,
                         res.complexity.industries)
    for name in ("cube", "shuffled"):
        for mine, theirs in zip(results["layout"], results[name], strict=True):
            assert_frame_equal(mine, theirs, check_exact=True)
