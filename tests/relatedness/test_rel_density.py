"""Relatedness density (hand-computed), complexity outlook (naive loop), the one-pass analysis."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from conftest import random_panel

from emerging.relatedness._complexity import complexity
from emerging.relatedness._opportunity import opportunity
from emerging.relatedness._proximity import proximity
from emerging.relatedness.analysis import analyse_relatedness
from emerging.relatedness.density import density_by_status, relatedness_density

# hand_panel presence A:{x}, B:{x,y}, C:{y,z}. Minimum conditional probability:
# phi_xy = 1/2, phi_yz = 1/2, phi_xz = 0; so sum_j phi_xj = 1/2, phi_yj = 1, phi_zj = 1/2.
# RD(A, y) = 100 * M_Ax phi_xy / 1 = 50; RD(B, z) = 100 * (phi_xz + phi_yz) / (1/2) = 100 ...
EXPECTED_MCP = {
    "XA1": [Fraction(0), Fraction(50), Fraction(0)],
    "XB1": [Fraction(100), Fraction(50), Fraction(100)],
    "XC1": [Fraction(100), Fraction(50), Fraction(100)],
}
# Jaccard: phi_xy = 1/3, phi_yz = 1/2: sums 1/3, 5/6, 1/2; RD(A, y) = 100 (1/3)/(5/6) = 40.
EXPECTED_JACCARD = {
    "XA1": [Fraction(0), Fraction(40), Fraction(0)],
    "XB1": [Fraction(100), Fraction(40), Fraction(100)],
    "XC1": [Fraction(100), Fraction(60), Fraction(100)],
}


@pytest.mark.parametrize(("measure", "expected"), [("minimum_conditional", EXPECTED_MCP),
                                                   ("jaccard", EXPECTED_JACCARD)])
def test_hand_computed_density(hand_panel, measure, expected):
    out = relatedness_density(hand_panel, measure=measure).sort("region", "industry")
    want = [float(v) for r in sorted(expected) for v in expected[r]]
    np.testing.assert_allclose(out["density"].to_numpy(), want, atol=1e-12)
    assert out["present"].to_list() == [True, False, False, True, True, False,
                                        False, True, True]


def test_density_inside_outside(hand_panel):
    status = density_by_status(relatedness_density(hand_panel))
    a = status.filter(pl.col("region") == "XA1").row(0, named=True)
    assert a["density_inside"] == 0.0 and a["density_outside"] == 25.0
    assert (a["n_inside"], a["n_outside"]) == (1, 2)


def test_density_naive_loop_and_range():
    panel = random_panel(30, 9, 2, seed=7)
    out = relatedness_density(panel, measure="cosine")
    prox = proximity(panel, measure="cosine")
    pres = {(r, i, y): p for r, i, y, p in out.select("region", "industry", "year", "present")
            .rows()}
    phi = {(a, b, y): v for a, b, y, v in prox.select("industry", "industry_other", "year",
                                                      "proximity").rows()}
    for r, i, y, d in out.select("region", "industry", "year", "density").rows()[:60]:
        num = sum(phi[(i, j, y)] for (rr, j, yy), p in pres.items()
                  if rr == r and yy == y and j != i and p)
        den = sum(v for (a, _, yy), v in phi.items() if a == i and yy == y)
        assert d == pytest.approx(100 * num / den)
    assert out["density"].min() >= 0 and out["density"].max() <= 100


def test_outlook_against_naive_loop():
    panel = random_panel(25, 8, 1, seed=12)
    out = opportunity(panel)
    pci = dict(complexity(panel).industries.select("industry", "pci").rows())
    prox = proximity(panel)
    phi = {(a, b): v for a, b, v in prox.select("industry", "industry_other", "proximity").rows()}
    inds = sorted(pci)
    col_sum = {j: sum(phi[(k, j)] for k in inds if k != j) for j in inds}
    cells = {(r, i): (p, d) for r, i, p, d in out.select("region", "industry", "present",
                                                        "density").rows()}
    for r, i, coi, cog in out.select("region", "industry", "coi", "cog").rows():
        want_coi = sum((1 - cells[(r, j)][0]) * cells[(r, j)][1] / 100 * pci[j] for j in inds)
        want_cog = (1 - cells[(r, i)][0]) * sum(
            phi[(i, j)] / col_sum[j] * (1 - cells[(r, j)][0]) * pci[j] for j in inds if j != i
        )
        assert coi == pytest.approx(want_coi, abs=1e-12)
        assert cog == pytest.approx(want_cog, abs=1e-12)


def test_analysis_agrees_with_single_functions():
    panel = random_panel(20, 7, 2, seed=2, null_share=0.05)
    res = analyse_relatedness(panel)
    dens = relatedness_density(panel)
    assert res.cells["density"].equals(dens["density"])
    assert res.proximity.equals(proximity(panel))
    assert res.complexity.regions.equals(complexity(panel).regions)
    opp = opportunity(panel)
    assert res.cells["cog"].equals(opp["cog"]) and res.cells["coi"].equals(opp["coi"])
    assert res.exclusions.counts["unknown value"] == panel["value"].null_count()
    assert "specialisations" in res.summary()


@pytest.mark.parametrize("by", ["year", "pooled"])
@pytest.mark.parametrize("measure", ["minimum_conditional", "jaccard", "cooccurrence_association"])
def test_analysis_one_pass_equals_single_functions_for_every_layout(measure, by):
    # the one-pass chain (proximity rebuilt from exact float32 counts for the pair frame)
    # gives the very bits of the single-purpose functions, for per-year and pooled layers
    panel = random_panel(15, 6, 3, seed=5, null_share=0.05)
    res = analyse_relatedness(panel, measure=measure, by=by)
    assert res.proximity.equals(proximity(panel, measure=measure, by=by))
    assert res.cells["density"].equals(
        relatedness_density(panel, measure=measure, by=by)["density"])
    opp = opportunity(panel, measure=measure, by=by)
    assert res.cells["cog"].equals(opp["cog"]) and res.cells["coi"].equals(opp["coi"])
    assert res.n_pairs == (1 if by == "pooled" else 3) * 6 * 5


def test_pooled_density_uses_one_proximity_for_all_years():
    panel = random_panel(20, 6, 2, seed=3)
    one_year = panel.filter(pl.col("year") == 2000)
    # with a single year, pooled and per-year proximity are the same
    assert relatedness_density(one_year, by="pooled")["density"].equals(
        relatedness_density(one_year)["density"]
    )
    pooled = relatedness_density(panel, by="pooled")
    per_year = relatedness_density(panel)
    assert pooled["present"].equals(per_year["present"])
    assert not pooled["density"].equals(per_year["density"])
    lean = analyse_relatedness(panel, outlook=False)
    assert "cog" not in lean.cells.columns and lean.cells["density"].equals(per_year["density"])
