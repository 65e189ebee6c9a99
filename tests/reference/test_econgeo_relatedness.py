"""EconGeo's relatedness normalisations, density on each, and user-supplied proximities.

Expected values are worked by hand below from EconGeo's documented formulas (R function
``relatedness(mat, method)`` and ``relatedness_density(mat, relatedness)``, package
EconGeo by P.-A. Balland); R cannot run here, so none is an R output.

Presence (threshold LQ >= 0.5 on the panel below; every positive cell has LQ > 0.6):

    region  a  b  c
    R1      1  1  1
    R2      1  1  0
    R3      0  1  1
    R4      1  0  0

Co-occurrence C = M'M off the diagonal: C_ab = 2 (R1, R2), C_ac = 1 (R1), C_bc = 2
(R1, R3). Row sums S_a = 3, S_b = 4, S_c = 3; T = 10.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import polars as pl
import pytest

from emerging.relatedness import proximity, proximity_to_matrix, relatedness_density

VALUES = {("AT11", "a"): 8, ("AT11", "b"): 3, ("AT11", "c"): 5, ("AT12", "a"): 8,
          ("AT12", "b"): 2, ("AT13", "b"): 5, ("AT13", "c"): 9, ("AT21", "a"): 2}
THRESHOLD = 0.5

# (a, b), (a, c), (b, c) by hand; symmetric
EXPECTED = {
    # C T / (S_i S_j): 2*10/(3*4), 1*10/(3*3), 2*10/(4*3)
    "cooccurrence_association": (F(5, 3), F(10, 9), F(5, 3)),
    # C / sqrt(S_i S_j)
    "cooccurrence_cosine": (2 / math.sqrt(12), F(1, 3), 2 / math.sqrt(12)),
    # C / (S_i + S_j - C): 2/5, 1/5, 2/5
    "cooccurrence_jaccard": (F(2, 5), F(1, 5), F(2, 5)),
    # expected E_ab = (3/10 * 4/7 + 4/10 * 3/6) * 10/2 = 13/7 -> 2 / (13/7) = 14/13;
    # E_ac = (3/10 * 3/7) * 2 * 5 = 9/7 -> 7/9; E_bc = E_ab -> 14/13
    "cooccurrence_probability": (F(14, 13), F(7, 9), F(14, 13)),
}


@pytest.fixture
def panel() -> pl.DataFrame:
    regions, industries = ("AT11", "AT12", "AT13", "AT21"), ("a", "b", "c")
    rows = [(r, i, 2020, float(VALUES.get((r, i), 0))) for r in regions for i in industries]
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                      "year": pl.Int32, "value": pl.Float64}, orient="row")


def pair_value(frame: pl.DataFrame, i: str, j: str) -> float:
    row = frame.filter((pl.col("industry") == i) & (pl.col("industry_other") == j))
    return row["proximity"][0]


@pytest.mark.parametrize("measure", list(EXPECTED))
def test_cooccurrence_measures_equal_hand_values(panel, measure):
    res = proximity(panel, measure=measure, threshold=THRESHOLD)
    assert res["cooccurrence"].to_list() == [2.0, 1.0, 2.0, 2.0, 1.0, 2.0]  # ab ac ba bc ca cb
    for (i, j), value in zip((("a", "b"), ("a", "c"), ("b", "c")), EXPECTED[measure],
                             strict=True):
        assert pair_value(res, i, j) == pytest.approx(float(value), rel=1e-12)
        assert pair_value(res, j, i) == pytest.approx(float(value), rel=1e-12)


def test_ubiquity_normalisation_differs_from_econgeo(panel):
    """Same names, different denominators: our cosine divides by sqrt(u_a u_c) = sqrt(6)."""
    ours = pair_value(proximity(panel, measure="cosine", threshold=THRESHOLD), "a", "c")
    assert ours == pytest.approx(1 / math.sqrt(3 * 2))
    theirs = pair_value(proximity(panel, measure="cooccurrence_cosine", threshold=THRESHOLD),
                        "a", "c")
    assert theirs == pytest.approx(1 / 3)


def test_density_on_econgeo_association(panel):
    """RD_ri = 100 sum_j M_rj phi_ji / sum_{j != i} phi_ji (EconGeo, without rounding).

    R4 (AT21) has only a: RD(b) = 100 (5/3) / (5/3 + 5/3) = 50;
    RD(c) = 100 (10/9) / (10/9 + 5/3) = 40. R2 (AT12) has a and b: RD(c) = 100.
    """
    d = relatedness_density(panel, measure="cooccurrence_association", threshold=THRESHOLD)
    got = {(r["region"], r["industry"]): r["density"] for r in d.iter_rows(named=True)}
    assert got[("AT21", "b")] == pytest.approx(50.0)
    assert got[("AT21", "c")] == pytest.approx(40.0)
    assert got[("AT12", "c")] == pytest.approx(100.0)
    assert got[("AT13", "a")] == pytest.approx(100.0 * (5 / 3 + 10 / 9) / (5 / 3 + 10 / 9))


def test_user_proximity_in_every_form_gives_the_same_density(panel):
    built_in = relatedness_density(panel, measure="cooccurrence_jaccard", threshold=THRESHOLD)
    pairs = proximity(panel, measure="cooccurrence_jaccard", threshold=THRESHOLD, by="pooled")
    matrix = proximity_to_matrix(pairs)
    assert matrix.columns == ["industry", "a", "b", "c"]
    assert matrix.row(0) == ("a", None, 0.4, 0.2)
    for prox in (pairs, pairs.lazy(), matrix, pairs.select("industry", "industry_other",
                                                           "proximity")):
        got = relatedness_density(panel, threshold=THRESHOLD, proximity=prox)
        assert got["density"].to_list() == pytest.approx(built_in["density"].to_list())
    pd = pytest.importorskip("pandas")
    square = pd.DataFrame(matrix.drop("industry").fill_null(0.0).to_numpy(),
                          index=["a", "b", "c"], columns=["a", "b", "c"])
    got = relatedness_density(panel, threshold=THRESHOLD, proximity=square)
    assert got["density"].to_list() == pytest.approx(built_in["density"].to_list())


def test_proximity_matrix_form_per_year(panel):
    two = pl.concat([panel, panel.with_columns(pl.lit(2021, pl.Int32).alias("year"))])
    wide = proximity(two, measure="cooccurrence_cosine", threshold=THRESHOLD, form="matrix")
    assert wide.columns == ["year", "industry", "a", "b", "c"]
    assert wide.height == 6 and wide["year"].to_list() == [2020] * 3 + [2021] * 3
    square = wide.filter(pl.col("year") == 2020).drop("year", "industry").to_numpy()
    assert np.isnan(np.diag(square)).all()
    assert square[0, 2] == pytest.approx(1 / 3) and square[2, 0] == pytest.approx(1 / 3)


def test_asymmetric_user_proximity_uses_the_column_of_the_target(panel):
    """Only phi_ab = 1 (a -> b; c listed with 0); density of b in AT21 (a only) =
    100 * 1 / 1 = 100, density of a in AT13 (b, c) = 0 / 0: null (nothing related to a)."""
    prox = pl.DataFrame({"industry": ["a", "c"], "industry_other": ["b", "a"],
                         "proximity": [1.0, 0.0]})
    d = relatedness_density(panel, threshold=THRESHOLD, proximity=prox)
    get = {(r["region"], r["industry"]): r["density"] for r in d.iter_rows(named=True)}
    assert get[("AT21", "b")] == 100.0
    assert get[("AT13", "a")] is None


def test_user_proximity_errors(panel):
    with pytest.raises(ValueError, match="no row or column for 2 industries"):
        relatedness_density(panel, proximity=pl.DataFrame(
            {"industry": ["a"], "industry_other": ["b"], "proximity": [1.0]}).with_columns(
            pl.lit("zz").alias("industry")))
    bad = pl.DataFrame({"industry": ["a", "b"], "industry_other": ["c", "c"],
                        "proximity": [-1.0, 1.0]})
    with pytest.raises(ValueError, match="finite and >= 0"):
        relatedness_density(panel, proximity=bad)
    dup = pl.DataFrame({"industry": ["a", "a", "b"], "industry_other": ["c", "c", "a"],
                        "proximity": [1.0, 1.0, 1.0]})
    with pytest.raises(ValueError, match="more than once"):
        relatedness_density(panel, proximity=dup)
    with pytest.raises(TypeError, match="bare numpy array has no labels"):
        relatedness_density(panel, proximity=np.eye(3))
    with_year = pl.DataFrame({"industry": ["a", "b"], "industry_other": ["c", "c"],
                              "proximity": [1.0, 1.0], "year": [2019, 2019]})
    with pytest.raises(ValueError, match="no values for the panel years"):
        relatedness_density(panel, proximity=with_year)
    extra = pl.DataFrame({"industry": ["a", "b", "q"], "industry_other": ["c", "c", "a"],
                          "proximity": [1.0, 1.0, 1.0]})
    with pytest.warns(UserWarning, match="1 industries of the proximity are not in the panel"):
        relatedness_density(panel, proximity=extra)


def test_opportunity_and_risk_reward_take_a_user_proximity(panel):
    from emerging.relatedness import opportunity, risk_reward

    prox = proximity(panel, measure="cooccurrence_association", threshold=THRESHOLD,
                     by="pooled")
    built_in = opportunity(panel, measure="cooccurrence_association", by="pooled",
                           threshold=THRESHOLD)
    given = opportunity(panel, threshold=THRESHOLD, proximity=prox)
    for col in ("density", "coi", "cog"):
        assert given[col].to_list() == pytest.approx(built_in[col].to_list(), nan_ok=True)
    rr = risk_reward(panel, "AT21", threshold=THRESHOLD, proximity=prox)
    assert rr.candidates["density"].sort().to_list() == pytest.approx([40.0, 50.0])
