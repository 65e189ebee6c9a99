"""Lorenz-curve Gini: the packed-key sort gives the same Gini as a plain argsort."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.indices import _shares
from emerging.indices._shares import lorenz_gini


def gini_by_argsort(share: np.ndarray, weight: np.ndarray, axis: int) -> np.ndarray:
    """The straightforward form: argsort the ratios along ``axis``, accumulate."""
    weight = np.broadcast_to(weight, share.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weight > 0, share / weight, np.where(share > 0, np.inf, 0.0))
    order = np.argsort(ratio, axis=axis, kind="stable")
    s = np.take_along_axis(share, order, axis=axis)
    w = np.take_along_axis(weight, order, axis=axis)
    c = np.cumsum(s, axis=axis)
    return 1.0 - ((2 * c - s) * w).sum(axis=axis)


def random_shares(seed: int, shape: tuple[int, int, int]):
    rng = np.random.default_rng(seed)
    cube = rng.lognormal(2.0, 1.5, shape).round()  # many ties among small counts
    cube[rng.random(shape) < 0.5] = 0.0
    cube[:, 0, :] = 0.0  # a region with no employment
    cube[:, :, 1] = 0.0  # an industry with no employment
    cube[:, 1, 2] = 7.0  # shares on a unit of zero weight below
    return cube


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 3), st.integers(3, 40), st.integers(3, 40))
def test_packed_sort_equals_argsort(seed, n_years, n_regions, n_industries):
    cube = random_shares(seed, (n_years, n_regions, n_industries))
    er = cube.sum(axis=2, keepdims=True)
    ei = cube.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_reg = np.nan_to_num(cube / er)  # region shares over industries (diversity)
        x_reg = np.nan_to_num(ei / ei.sum(axis=2, keepdims=True))
        s_ind = np.nan_to_num(cube / ei)  # industry shares over regions (concentration)
        x_ind = np.nan_to_num(er / er.sum(axis=1, keepdims=True))
    x_zero = x_reg.copy()
    x_zero[..., 2] = 0.0  # industry 2 has shares but no reference weight: ratio inf
    for share, weight, axis in ((s_reg, x_reg, 2), (s_reg, x_zero, 2), (s_ind, x_ind, 1)):
        got = lorenz_gini(share, weight, axis=axis)
        want = gini_by_argsort(share, weight, axis)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_argsort_fallback_for_many_units(monkeypatch):
    monkeypatch.setattr(_shares, "_MAX_PACKED_BITS", 1)  # force the argsort path
    cube = random_shares(3, (2, 9, 11))
    er = cube.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.nan_to_num(cube / er)
    x = cube.sum(axis=(0, 1)) / cube.sum()
    np.testing.assert_allclose(lorenz_gini(s, x, axis=2), gini_by_argsort(s, x, 2), atol=1e-12)


def test_gini_hand_computed():
    # shares (0.5, 0.5) on weights (0.25, 0.75): ratios 2 and 2/3, sorted: unit 2 first.
    # G = 1 - [0.75 * (0.5 + 0) + 0.25 * (1 + 0.5)] = 1 - 0.75 = 0.25
    g = lorenz_gini(np.array([[0.5, 0.5]]), np.array([[0.25, 0.75]]), axis=1)
    assert g[0] == pytest.approx(0.25)
