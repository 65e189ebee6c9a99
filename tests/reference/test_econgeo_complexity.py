"""EconGeo's MORc/MORt convention, and the complexity orientation diagnostic.

Expected values: hand-worked from EconGeo's documented recursion (R functions
``morc(mat, steps = 20)`` and ``mort(mat, steps = 19)``) on the simple network of
Hidalgo & Hausmann (2009, SI Fig. S4) that EconGeo's help pages use; steps 0-2 by hand
in the docstring, longer runs by an exact rational re-implementation in this test. R
cannot run here, so none is an R output.

    country  P1 P2 P3 P4      diversity 4, 1, 2, 1; ubiquity 1, 2, 2, 3
    C1        1  1  1  1
    C2        0  1  0  0
    C3        0  0  1  1
    C4        0  0  0  1
"""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import numpy as np
import polars as pl
import pytest

from emerging.relatedness import (
    ConvergenceWarning,
    OrientationWarning,
    complexity,
    reflections,
)
from emerging.relatedness._reflections import reflection_steps

M = np.array([[1, 1, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]], dtype=np.uint8)
# employment whose presence at LQ >= 0.5 is M (present LQs 0.92-3.17, absent 0)
VALUES = [[3, 8, 4, 8], [0, 5, 0, 0], [0, 0, 3, 2], [0, 0, 0, 4]]
REGIONS, INDUSTRIES = ["AT11", "AT12", "AT13", "AT21"], ["C10", "C11", "C12", "C13"]


def exact_reflections(m: np.ndarray, steps: int) -> tuple[list[F], list[F]]:
    """EconGeo's recursion in exact rationals (rescale to 0-100 from step 3)."""
    rows = [[int(x) for x in row] for row in m]
    div = [F(sum(r)) for r in rows]
    ubi = [F(sum(r[j] for r in rows)) for j in range(len(rows[0]))]

    def rescale(x):
        lo, hi = min(x), max(x)
        return [(v - lo) / (hi - lo) * 100 for v in x]

    city, tech = div, ubi
    for step in range(1, steps + 1):
        new_city = [sum(r[j] * tech[j] for j in range(len(tech))) / div[k]
                    for k, r in enumerate(rows)]
        new_tech = [sum(rows[k][j] * city[k] for k in range(len(rows))) / ubi[j]
                    for j in range(len(ubi))]
        if step >= 3:
            new_city, new_tech = rescale(new_city), rescale(new_tech)
        city, tech = new_city, new_tech
    return city, tech


@pytest.fixture
def panel() -> pl.DataFrame:
    rows = [(r, i, 2020, float(VALUES[a][b])) for a, r in enumerate(REGIONS)
            for b, i in enumerate(INDUSTRIES)]
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                      "year": pl.Int32, "value": pl.Float64}, orient="row")


def test_first_steps_by_hand():
    """Step 1: k_c = (8/4, 2/1, 5/2, 3/1) = (2, 2, 5/2, 3), k_p = (4, 5/2, 3, 7/3).
    Step 2: k_c = ((4 + 5/2 + 3 + 7/3)/4, 5/2, (3 + 7/3)/2, 7/3) = (71/24, 5/2, 8/3, 7/3),
    k_p = (2, (2 + 2)/2, (2 + 5/2)/2, (2 + 5/2 + 3)/3) = (2, 2, 9/4, 5/2)."""
    assert reflection_steps(M, 0)[0].tolist() == [4, 1, 2, 1]
    city, tech = reflection_steps(M, 1)
    assert city.tolist() == [2, 2, 2.5, 3] and tech == pytest.approx([4, 2.5, 3, 7 / 3])
    city, tech = reflection_steps(M, 2)
    assert city == pytest.approx([71 / 24, 2.5, 8 / 3, 7 / 3])
    assert tech == pytest.approx([2, 2, 2.25, 2.5])


@pytest.mark.parametrize("steps", [3, 4, 19, 20])
def test_reflection_steps_equal_exact_recursion(steps):
    city, tech = reflection_steps(M, steps)
    exact_city, exact_tech = exact_reflections(M, steps)
    assert city == pytest.approx([float(x) for x in exact_city], abs=1e-9)
    assert tech == pytest.approx([float(x) for x in exact_tech], abs=1e-9)
    assert min(city) == 0 and max(city) == pytest.approx(100)


def test_reflections_on_a_panel_are_morc_and_mort(panel):
    morc = reflections(panel, threshold=0.5)
    assert morc.columns == ["region", "year", "steps", "morc"]
    assert morc["steps"].unique().to_list() == [20]
    assert morc.sort("region")["morc"].to_list() == pytest.approx(
        [float(x) for x in exact_reflections(M, 20)[0]], abs=1e-9)
    mort = reflections(panel, kind="industries", threshold=0.5)
    assert mort["steps"][0] == 19
    assert mort.sort("industry")["mort"].to_list() == pytest.approx(
        [float(x) for x in exact_reflections(M, 19)[1]], abs=1e-9)
    with pytest.raises(ValueError, match="steps must be an integer"):
        reflections(panel, steps=-1)


def test_reflections_rows_without_presence_are_null(panel):
    extra = pl.DataFrame({"region": ["AT22"] * 4, "industry": INDUSTRIES,
                          "year": [2020] * 4, "value": [0.0] * 4},
                         schema_overrides={"year": pl.Int32})
    got = reflections(pl.concat([panel, extra]), threshold=0.5)
    assert got.filter(pl.col("region") == "AT22")["morc"][0] is None
    assert got.drop_nulls("morc").sort("region")["morc"].to_list() == pytest.approx(
        [float(x) for x in exact_reflections(M, 20)[0]], abs=1e-9)


def test_complexity_reflections_with_steps_over_two_is_morc_up_to_sign(panel):
    """complexity(method="reflections", tol=0, max_iter=steps/2) is an affine transform
    of morc(steps) (with a ConvergenceWarning): correlation +1, or -1 where the
    orientation rule flips the sign. On this network morc(20) ranks C2 (diversity 1)
    first, so its correlation with diversity is negative and ECI is flipped."""
    with pytest.warns(ConvergenceWarning):
        res = complexity(panel, method="reflections", tol=0, max_iter=10, threshold=0.5)
    eci = res.regions.sort("region")["eci"].to_numpy()
    morc = reflections(panel, threshold=0.5).sort("region")["morc"].to_numpy()
    sign = np.sign(np.corrcoef(morc, M.sum(axis=1))[0, 1])
    assert sign == -1.0
    assert np.corrcoef(eci, morc)[0, 1] == pytest.approx(sign, abs=1e-9)


def test_orientation_diagnostic_by_hand(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OrientationWarning)
        res = complexity(panel, threshold=0.5)
    o = res.orientation.row(0, named=True)
    eci = res.regions.sort("region")["eci"].to_numpy()
    pci = res.industries.sort("industry")["pci"].to_numpy()
    diversity = M.sum(axis=1)
    ubiquity = M.sum(axis=0)
    assert o["orient"] == "diversity"
    assert o["orientation_corr"] == pytest.approx(np.corrcoef(eci, diversity)[0, 1])
    assert o["orientation_corr"] >= 0
    ranks = np.argsort(np.argsort(pci)), np.array([0, 1.5, 1.5, 3])  # ubiquity 1, 2, 2, 3
    assert o["pci_ubiquity_spearman"] == pytest.approx(np.corrcoef(*ranks)[0, 1])
    assert o["weak"] == (abs(o["orientation_corr"]) < 0.3)
    assert "Orientation by diversity in 2020" in res.summary()
    by_ubiquity = complexity(panel, threshold=0.5, orient="ubiquity")
    ou = by_ubiquity.orientation.row(0, named=True)
    pci_u = by_ubiquity.industries.sort("industry")["pci"].to_numpy()
    assert ou["orient"] == "ubiquity" and ou["orientation_corr"] <= 0
    assert ou["orientation_corr"] == pytest.approx(np.corrcoef(pci_u, ubiquity)[0, 1])
    with pytest.raises(ValueError, match="orient"):
        complexity(panel, orient="size")


def test_fitness_has_no_orientation(panel):
    res = complexity(panel, threshold=0.5, method="fitness")
    assert res.orientation["orientation_corr"].null_count() == 1
    assert not res.orientation["weak"].any()


@pytest.mark.realdata
def test_weak_orientation_warns_on_the_sbs_panel(sbs_employment_nuts2):
    panel = sbs_employment_nuts2.select("region", "industry", "year", "value").filter(
        pl.col("year").is_in([2010, 2014]))
    with pytest.warns(OrientationWarning, match="weak complexity orientation"):
        res = complexity(panel)
    o = {r["year"]: r for r in res.orientation.iter_rows(named=True)}
    assert o[2014]["orientation_corr"] == pytest.approx(0.17, abs=0.01)
    assert o[2010]["orientation_corr"] == pytest.approx(0.07, abs=0.01)
    assert o[2014]["weak"] and o[2010]["weak"]
    summary = res.summary()
    assert "corr(ECI, diversity) = +0.17" in summary
    assert "Warning: weak complexity orientation" in summary


@pytest.mark.parametrize("orient", ["diversity", "ubiquity"])
def test_opportunity_and_risk_reward_follow_the_orientation(panel, orient):
    from emerging.relatedness import opportunity, risk_reward

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OrientationWarning)
        pci = dict(complexity(panel, threshold=0.5, orient=orient).industries
                   .select("industry", "pci").iter_rows())
        opp = opportunity(panel, threshold=0.5, orient=orient)
        rr = risk_reward(panel, "AT12", threshold=0.5, orient=orient)
    got = dict(opp.select("industry", "pci").unique().iter_rows())
    assert got == pytest.approx(pci)
    assert dict(rr.candidates.select("industry", "pci").iter_rows()) == pytest.approx(
        {k: v for k, v in pci.items() if k in set(rr.candidates["industry"])})
