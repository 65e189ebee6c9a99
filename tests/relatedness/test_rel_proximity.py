"""Proximity: hand-computed values on a 3x3 example, null-model p-values, properties."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
import polars as pl
import pytest
from conftest import random_panel
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.relatedness._proximity import cooccurrence, hypergeometric_pvalues, proximity

# hand_panel: presence A:{x}, B:{x,y}, C:{y,z}; so C_xy = 1, C_yz = 1, C_xz = 0,
# ubiquities u = (2, 2, 1) and N = 3 regions.
EXPECTED = {
    "minimum_conditional": {("x", "y"): Fraction(1, 2), ("y", "z"): Fraction(1, 2),
                            ("x", "z"): Fraction(0)},
    "association_strength": {("x", "y"): Fraction(3, 4), ("y", "z"): Fraction(3, 2),
                             ("x", "z"): Fraction(0)},
    # cosine: 1/sqrt(4) and 1/sqrt(2); squared to stay rational
    "cosine": {("x", "y"): Fraction(1, 2), ("y", "z"): Fraction(1, 2) ** Fraction(1, 2),
               ("x", "z"): Fraction(0)},
    "jaccard": {("x", "y"): Fraction(1, 3), ("y", "z"): Fraction(1, 2), ("x", "z"): Fraction(0)},
}


def _as_dict(frame: pl.DataFrame, column: str = "proximity") -> dict:
    return {(a, b): v for a, b, v in frame.select("industry", "industry_other", column).rows()}


@pytest.mark.parametrize("measure", list(EXPECTED))
def test_hand_computed_proximity(hand_panel, measure):
    got = _as_dict(proximity(hand_panel, measure=measure))
    for (a, b), expected in EXPECTED[measure].items():
        assert got[(a, b)] == pytest.approx(float(expected), abs=1e-15)
        assert got[(b, a)] == got[(a, b)]  # symmetric
    assert len(got) == 6  # ordered pairs, no diagonal


def test_cooccurrence_counts(hand_panel):
    got = _as_dict(proximity(hand_panel), "cooccurrence")
    assert got[("x", "y")] == 1 and got[("y", "z")] == 1 and got[("x", "z")] == 0


def _hypergeom_sf(c: int, n: int, a: int, b: int) -> Fraction:
    """P(X >= c), X ~ Hypergeometric(population n, a successes, b draws), exactly."""
    return sum(
        (Fraction(comb(a, k) * comb(n - a, b - k), comb(n, b)) for k in range(c, min(a, b) + 1)),
        Fraction(0),
    )


def test_hypergeometric_pvalues_by_hand(hand_panel):
    out = _as_dict(proximity(hand_panel, test="hypergeometric", alpha=0.7), "p_value")
    assert out[("x", "y")] == pytest.approx(float(_hypergeom_sf(1, 3, 2, 2)))  # = 1
    assert out[("y", "z")] == pytest.approx(float(Fraction(2, 3)))
    assert out[("x", "z")] == pytest.approx(1.0)
    kept = proximity(hand_panel, test="hypergeometric", alpha=0.7)
    kept = {k: v for k, v in _as_dict(kept, "kept").items()}
    assert kept[("y", "z")] and not kept[("x", "y")]


def test_hypergeometric_against_exact_fractions():
    rng = np.random.default_rng(3)
    m = (rng.random((1, 30, 8)) < 0.35).astype(np.uint8)
    c, u, n = cooccurrence(m)
    p = hypergeometric_pvalues(c, u, n)
    for i in range(8):
        for j in range(8):
            if u[0, i] and u[0, j]:
                exact = _hypergeom_sf(int(c[0, i, j]), int(n[0]), int(u[0, i]), int(u[0, j]))
                assert p[0, i, j] == pytest.approx(float(exact), rel=1e-9, abs=1e-15)


def test_weak_links_dropped():
    panel = random_panel(60, 12, 1, seed=5)
    tested = proximity(panel, test="hypergeometric", alpha=0.05)
    plain = proximity(panel)
    dropped = tested.filter(~pl.col("kept"))
    assert dropped.height > 0
    assert (dropped["proximity"] == 0).all()
    kept = tested.filter(pl.col("kept")).join(plain, on=["industry", "industry_other", "year"])
    assert (kept["proximity"] == kept["proximity_right"]).all()


def test_pooled_sums_counts_over_years():
    panel = random_panel(25, 6, 3, seed=1)
    per_year = proximity(panel)
    pooled = proximity(panel, by="pooled")
    assert "year" not in pooled.columns
    summed = per_year.group_by("industry", "industry_other").agg(pl.col("cooccurrence").sum())
    joined = pooled.join(summed, on=["industry", "industry_other"])
    assert (joined["cooccurrence"] == joined["cooccurrence_right"]).all()


def test_matches_ecomplexity_proximity():
    calc = pytest.importorskip("ecomplexity.calc_proximity")
    panel = random_panel(40, 15, 1, seed=2)
    from emerging.relatedness.matrices import encode_panel

    pm = encode_panel(panel)
    m = pm.presence()[0]
    theirs = calc.calc_discrete_proximity(m.astype(float), m.sum(axis=0).astype(float))
    ours = proximity(panel).sort("industry", "industry_other")
    idx = ~np.eye(15, dtype=bool)
    np.testing.assert_allclose(ours["proximity"].to_numpy(), theirs[idx], rtol=1e-12)


def test_bad_option_message(hand_panel):
    with pytest.raises(ValueError, match=r"measure must be one of .*got 'pearson'"):
        proximity(hand_panel, measure="pearson")
    with pytest.raises(ValueError, match="alpha must be in"):
        proximity(hand_panel, test="hypergeometric", alpha=0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), measure=st.sampled_from(list(EXPECTED)))
def test_properties(seed, measure):
    panel = random_panel(15, 6, 1, seed=seed)
    out = proximity(panel, measure=measure).drop_nulls("proximity")
    values = out["proximity"].to_numpy()
    assert (values >= 0).all()
    if measure != "association_strength":
        assert (values <= 1 + 1e-12).all()
    # invariant to the order of the panel's rows
    shuffled = proximity(panel.sample(fraction=1.0, shuffle=True, seed=seed), measure=measure)
    assert shuffled.drop_nulls("proximity").equals(out)
