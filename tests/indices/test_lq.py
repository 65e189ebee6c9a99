"""Location quotients: hand-computed values, intervals, variants, edge cases, properties."""

from __future__ import annotations

import math
from fractions import Fraction as F
from statistics import NormalDist

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emerging.indices.lq import (
    additive_lq_expr,
    location_quotient,
    lq_bounds_expr,
    lq_expr,
    presence,
    standardised_lq,
)

from .conftest import make_panel, panels

Z95 = NormalDist().inv_cdf(0.975)


def col(frame: pl.DataFrame, name: str) -> list:
    return frame.sort("region", "industry", "year")[name].to_list()


def test_lq_hand_values(two_by_two):
    out = location_quotient(two_by_two)
    expected = [F(15, 8), F(5, 12), F(5, 12), F(25, 18)]
    assert col(out, "lq") == pytest.approx([float(x) for x in expected], rel=1e-12)
    assert col(out, "lq_reason") == [None] * 4
    assert col(out, "unknown_share") == [0.0] * 4


def test_additive_lq_hand_values(two_by_two):
    out = location_quotient(two_by_two)
    expected = [F(7, 20), F(-7, 20), F(-7, 30), F(7, 30)]
    assert col(out, "alq") == pytest.approx([float(x) for x in expected], rel=1e-12)


def test_interval_hand_value(two_by_two):
    # cell AT11/C10: e=30, E_r=40, E_i=40, E=100; V = 1/1920 + 10/1920 = 11/1920
    out = location_quotient(two_by_two).sort("region", "industry").row(0, named=True)
    se = math.sqrt(11 / 1920)
    assert out["lq_lo"] == pytest.approx(15 / 8 * math.exp(-Z95 * se), rel=1e-12)
    assert out["lq_hi"] == pytest.approx(15 / 8 * math.exp(Z95 * se), rel=1e-12)
    assert out["specialised"] is True


def naive_log_variance(e, er, ei, et):
    """The delta-method variance written term by term (the unsimplified form)."""
    inside = (1 / e - 1 / ei) ** 2 * e * (1 - e / er)
    rest, outside = ei - e, et - er
    return inside + (1 / ei) ** 2 * rest * (1 - rest / outside)


def test_interval_matches_unsimplified_formula():
    rng = np.random.default_rng(3)
    rows = [(r, i, 2020, float(rng.integers(1, 900)))
            for r in ["AT11", "AT12", "AT13"] for i in ["C10", "C11", "G46", "J62"]]
    p = make_panel(rows)
    out = location_quotient(p, level=0.9)
    er = out.group_by("region").agg(pl.col("value").sum().alias("er"))
    ei = out.group_by("industry").agg(pl.col("value").sum().alias("ei"))
    chk = out.join(er, on="region").join(ei, on="industry").with_columns(
        et=pl.col("value").sum())
    z = NormalDist().inv_cdf(0.95)
    for r in chk.iter_rows(named=True):
        se = math.sqrt(naive_log_variance(r["value"], r["er"], r["ei"], r["et"]))
        assert r["lq_lo"] == pytest.approx(r["lq"] * math.exp(-z * se), rel=1e-10)
        assert r["lq_hi"] == pytest.approx(r["lq"] * math.exp(z * se), rel=1e-10)


def test_zero_cell_interval_uses_poisson_upper_limit():
    p = make_panel([("AT11", "C10", 2020, 0.0), ("AT11", "C11", 2020, 40.0),
                    ("AT12", "C10", 2020, 20.0), ("AT12", "C11", 2020, 40.0)])
    row = location_quotient(p).filter(pl.col("value") == 0).row(0, named=True)
    # (u / E_r) / (E_i / E) with u = -ln(0.025), E_r = 40, E_i = 20, E = 100
    assert row["lq"] == 0.0 and row["lq_lo"] == 0.0
    assert row["lq_hi"] == pytest.approx(-math.log(0.025) / 40 / (20 / 100))
    assert row["specialised"] is False


def test_expressions_match_frame_function(two_by_two):
    out = location_quotient(two_by_two).sort("region", "industry")
    expr = two_by_two.sort("region", "industry").select(
        lq_expr().alias("lq"), additive_lq_expr().alias("alq"),
        lq_bounds_expr().struct.unnest())
    for c in ("lq", "alq", "lq_lo", "lq_hi"):
        assert expr[c].to_list() == pytest.approx(out[c].to_list(), rel=1e-12)


def test_country_base():
    p = make_panel([("AT11", "C10", 2020, 30.0), ("AT11", "C11", 2020, 10.0),
                    ("AT12", "C10", 2020, 10.0), ("AT12", "C11", 2020, 50.0),
                    ("CZ01", "C10", 2020, 5.0), ("CZ01", "C11", 2020, 5.0),
                    ("CZ02", "C10", 2020, 15.0), ("CZ02", "C11", 2020, 5.0)])
    out = location_quotient(p, reference="country")
    # CZ: E=30, C10=20; CZ01 share 1/2 -> LQ = (1/2)/(2/3) = 3/4
    assert col(out, "lq")[:4] == pytest.approx([15 / 8, 5 / 12, 5 / 12, 25 / 18])
    assert col(out, "lq")[4] == pytest.approx(float(F(3, 4)))


def test_reference_panel_base(two_by_two):
    eu = pl.DataFrame({"industry": ["C10", "C11", "C99"], "year": [2020] * 3,
                       "value": [1000.0, 3000.0, 50.0]})
    out = location_quotient(two_by_two, reference=eu)
    # reference restricted to the panel's industries: E = 4000, C10 share 1/4
    assert col(out, "lq")[0] == pytest.approx(float(F(3, 4) / F(1, 4)))
    assert col(out, "lq_reason") == [None] * 4


def test_reference_problems_give_reasons(two_by_two):
    small = pl.DataFrame({"industry": ["C10", "C11"], "year": [2020, 2020],
                          "value": [20.0, 5000.0]})
    out = location_quotient(two_by_two, reference=small)
    assert col(out, "lq_reason") == ["region exceeds reference", None, None, None]
    assert col(out, "lq")[0] is None
    unknown = small.with_columns(value=pl.Series([2000.0, None]))
    out = location_quotient(two_by_two, reference=unknown)
    assert col(out, "lq_reason") == [None, "unknown in reference", None,
                                     "unknown in reference"]


def test_edge_cases_null_with_reason():
    p = make_panel([
        ("AT11", "C10", 2020, None), ("AT11", "C11", 2020, 10.0), ("AT11", "G46", 2020, 0.0),
        ("AT12", "C10", 2020, 0.0), ("AT12", "C11", 2020, 0.0), ("AT12", "G46", 2020, 0.0),
        ("AT13", "C10", 2020, 5.0), ("AT13", "C11", 2020, 5.0), ("AT13", "G46", 2020, 0.0),
    ])
    out = location_quotient(p).sort("region", "industry")
    reasons = dict(zip(out["region"] + "/" + out["industry"], out["lq_reason"], strict=True))
    assert reasons["AT11/C10"] == "confidential"
    assert reasons["AT12/C11"] == "zero region total"
    assert reasons["AT11/G46"] == "zero industry total"
    assert reasons["AT13/C10"] is None
    assert out.filter(pl.col("lq_reason").is_not_null())["lq"].null_count() == 6
    assert out.filter(pl.col("lq").is_null())["lq_reason"].null_count() == 0
    assert out["unknown_share"][0] == pytest.approx(1 / 3)
    floats = out.select(pl.col(pl.Float64).exclude("value"))
    assert not floats.select(pl.any_horizontal(pl.all().is_infinite() | pl.all().is_nan())
                             .any()).item()


def test_region_outside_the_set_in_an_industry_the_set_lacks_is_null_not_inf():
    # the set AT11+AT12 has no G46: AT13's LQ against it is (7/7)/(0/20), undefined
    p = make_panel([
        ("AT11", "C10", 2020, 10.0), ("AT11", "C11", 2020, 5.0),
        ("AT12", "C10", 2020, 3.0), ("AT12", "C11", 2020, 2.0), ("AT13", "G46", 2020, 7.0),
    ])
    for order in (p, p.reverse()):
        out = location_quotient(order, reference="set", regions=["AT11", "AT12"])
        row = out.filter(pl.col("region") == "AT13").row(0, named=True)
        assert row["lq"] is None and row["lq_reason"] == "zero industry total"
        assert row["lq_lo"] is None and row["alq"] is None and row["specialised"] is None
        inside = out.filter(pl.col("region") == "AT11", pl.col("industry") == "C10")
        assert inside["lq"].item() == pytest.approx(float(F(10, 15) / F(13, 20)))


def test_standardised_hand_values():
    # C10 LQs over 3 regions, C11 complementary
    p = make_panel([("AT11", "C10", 2020, 10.0), ("AT11", "C11", 2020, 10.0),
                    ("AT12", "C10", 2020, 30.0), ("AT12", "C11", 2020, 10.0),
                    ("AT13", "C10", 2020, 0.0), ("AT13", "C11", 2020, 40.0)])
    out = standardised_lq(p).filter(pl.col("industry") == "C10").sort("region")
    lq = [F(1, 2) / F(2, 5), F(3, 4) / F(2, 5), F(0)]  # E=100, C10 = 40
    mean = sum(lq) / 3
    var = sum((x - mean) ** 2 for x in lq) / 2
    assert out["slq"].to_list() == pytest.approx(
        [float(x - mean) / math.sqrt(var) for x in lq], rel=1e-12)
    logs = [math.log(x) for x in lq[:2]]
    m = sum(logs) / 2
    sd = math.sqrt(sum((v - m) ** 2 for v in logs))
    assert out["slq_log"].to_list()[:2] == pytest.approx([(v - m) / sd for v in logs])
    assert out["slq_log"][2] is None  # LQ = 0: log undefined


def test_presence(two_by_two):
    out = presence(two_by_two, threshold=1.2)
    assert col(out, "present") == [True, False, False, True]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"base": "nation"}, "base must be one of"),
     ({"level": 1.5}, "level must be a number strictly between"),
     ({"base": "reference"}, "needs a reference panel"),
     ({"reference": "nation"}, "reference must be one of"),
     ({"reference": "set"}, "needs regions="),
     ({"reference": "all", "regions": ["AT11"]}, "only used with reference='set'")],
)
def test_bad_options_raise(two_by_two, kwargs, message):
    with pytest.raises(ValueError, match=message):
        location_quotient(two_by_two, **kwargs)


def test_old_base_spelling_warns_and_gives_the_same_numbers(two_by_two):
    """``base=`` keeps working for one release, with a DeprecationWarning naming
    ``reference=``; ``base='reference', reference=frame`` is ``reference=frame``."""
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        old = location_quotient(two_by_two, base="country")
    assert old.equals(location_quotient(two_by_two, reference="country"))
    eu = pl.DataFrame({"industry": ["C10", "C11"], "year": [2020, 2020], "value": [80.0, 120]})
    with pytest.warns(DeprecationWarning, match=r"use reference=<frame> instead"):
        old = location_quotient(two_by_two, base="reference", reference=eu)
    assert old.equals(location_quotient(two_by_two, reference=eu))


def test_bad_threshold(two_by_two):
    with pytest.raises(ValueError, match="threshold must be a positive number"):
        presence(two_by_two, threshold=0)


def test_lazy_in_lazy_out(two_by_two):
    assert isinstance(location_quotient(two_by_two.lazy()), pl.LazyFrame)


def test_duplicate_keys_raise_contract_error(two_by_two):
    from emerging._schema import DuplicateKeyError

    with pytest.raises(DuplicateKeyError):
        location_quotient(pl.concat([two_by_two, two_by_two.head(1)]))


def naive_lq(p: pl.DataFrame) -> dict:
    """Oracle: plain Python loops over the rows."""
    vals = {(r, i, y): v for r, i, y, v in p.iter_rows()}
    out = {}
    for (r, i, y), v in vals.items():
        er = sum(w for (r2, _, y2), w in vals.items() if r2 == r and y2 == y)
        ei = sum(w for (_, i2, y2), w in vals.items() if i2 == i and y2 == y)
        et = sum(w for (_, _, y2), w in vals.items() if y2 == y)
        out[(r, i, y)] = None if er == 0 or ei == 0 else (v / er) / (ei / et)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_matches_naive_loop(p):
    out = location_quotient(p)
    expected = naive_lq(p)
    for r, i, y, lq in out.select("region", "industry", "year", "lq").iter_rows():
        exp = expected[(r, i, y)]
        assert (lq is None and exp is None) or lq == pytest.approx(exp, rel=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_weighted_lqs_average_to_one(p):
    out = location_quotient(p).with_columns(
        er=pl.col("value").sum().over("region", "year"),
        ei=pl.col("value").sum().over("industry", "year"),
        et=pl.col("value").sum().over("year"))
    ok = out.filter(pl.col("lq").is_not_null())
    weighted = pl.col("lq") * pl.col("er") / pl.col("et")
    by_industry = ok.group_by("industry", "year").agg(weighted.sum())
    weighted = pl.col("lq") * pl.col("ei") / pl.col("et")
    by_region = ok.group_by("region", "year").agg(weighted.sum())
    assert by_industry["lq"].to_list() == pytest.approx([1.0] * by_industry.height)
    assert by_region["lq"].to_list() == pytest.approx([1.0] * by_region.height)
    assert ok.group_by("region", "year").agg(pl.col("alq").sum())["alq"].to_list() == \
        pytest.approx([0.0] * by_region.height, abs=1e-12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_invariant_to_scaling_and_row_order(p):
    base = location_quotient(p).sort("region", "industry", "year")
    scaled = location_quotient(p.with_columns(pl.col("value") * 7.5).sample(
        fraction=1.0, shuffle=True, seed=1)).sort("region", "industry", "year")
    a, b = base["lq"].to_list(), scaled["lq"].to_list()
    assert [x is None for x in a] == [x is None for x in b]
    assert [x for x in b if x is not None] == pytest.approx([x for x in a if x is not None])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_interval_contains_lq_and_ranges(p):
    out = location_quotient(p).drop_nulls("lq")
    assert (out["lq_lo"] <= out["lq"] + 1e-12).all()
    assert (out["lq_hi"] >= out["lq"] - 1e-12).all()
    assert (out["lq_lo"] >= 0).all()
    assert out["alq"].is_between(-1, 1).all()
    assert (out["specialised"] == (out["lq_lo"] > 1)).all()


def test_unknown_reference_industry_left_out_of_both_shares():
    # review defect: E left the unknown industry out while E_r kept it (biased LQs)
    p = make_panel([("AT11", "C10", 2020, 30.0), ("AT11", "C11", 2020, 10.0),
                    ("AT11", "G46", 2020, 60.0), ("AT12", "C10", 2020, 10.0),
                    ("AT12", "C11", 2020, 50.0), ("AT12", "G46", 2020, 40.0)])
    ref = pl.DataFrame({"industry": ["C10", "C11", "G46"], "year": [2020] * 3,
                        "value": [100.0, 100.0, None]})
    out = location_quotient(p, reference=ref)
    # common industries C10, C11: E = 200, AT11 E_r = 40, AT12 E_r = 60
    expected = [F(3, 4) / F(1, 2), F(1, 4) / F(1, 2), None,
                F(1, 6) / F(1, 2), F(5, 6) / F(1, 2), None]
    assert col(out, "lq") == [None if x is None else pytest.approx(float(x), rel=1e-12)
                              for x in expected]
    assert col(out, "lq_reason") == [None, None, "unknown in reference"] * 2
    assert col(out, "alq") == [pytest.approx(float(F(1, 4))), pytest.approx(float(F(-1, 4))),
                               None, pytest.approx(float(F(-1, 3))),
                               pytest.approx(float(F(1, 3))), None]
    assert col(out, "unknown_share") == [pytest.approx(1 / 3)] * 6  # G46 reported
    std = standardised_lq(p, reference=ref)
    assert col(std, "lq") == col(out, "lq")


def test_additive_expression_agrees_with_frame_on_zero_industry_total(three_industries):
    # review defect: the expression gave alq = 0 where the frame function gives null
    p = three_industries.with_columns(
        pl.when(pl.col("industry") == "G46").then(0.0).otherwise(pl.col("value"))
        .alias("value")).sort("region", "industry")
    out = location_quotient(p).sort("region", "industry")
    expr = p.select(lq_expr().alias("lq"), additive_lq_expr().alias("alq"))
    assert out.filter(pl.col("industry") == "G46")["lq_reason"].to_list() == \
        ["zero industry total"] * 2
    assert expr["alq"].to_list()[2::3] == [None, None]
    assert expr["alq"].to_list() == [None if v is None else pytest.approx(v, rel=1e-12)
                                     for v in out["alq"].to_list()]
    assert expr["alq"].to_list()[0] == pytest.approx(float(F(1, 4) - F(1, 2)))  # E = 60


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(min_industries=3))
def test_unknown_reference_industry_equals_dropping_it(p):
    # oracle: an industry unknown in the reference gives the LQs of the panel without it
    ref = p.group_by("industry", "year").agg(pl.col("value").sum() + 1.0)
    gone = p["industry"].min()
    unknown = ref.with_columns(pl.when(pl.col("industry") == gone).then(None)
                               .otherwise(pl.col("value")).alias("value"))
    got = location_quotient(p, reference=unknown)
    want = location_quotient(p.filter(pl.col("industry") != gone),
                             reference=ref.filter(pl.col("industry") != gone))
    assert got.filter(pl.col("industry") == gone)["lq_reason"].unique().to_list() == \
        ["unknown in reference"]
    keys = ["region", "industry", "year"]
    both = got.join(want, on=keys, suffix="_want").sort(keys)
    assert both.height == want.height
    for c in ("lq", "alq", "lq_lo", "lq_hi"):
        a, b = both[c].to_list(), both[f"{c}_want"].to_list()
        assert [x is None for x in a] == [x is None for x in b], c
        assert [x for x in a if x is not None] == \
            pytest.approx([x for x in b if x is not None], rel=1e-9), c
    assert both["lq_reason"].to_list() == both["lq_reason_want"].to_list()


def _slq_oracle(lq: pl.Expr, name: str) -> list[pl.Expr]:
    """z-score per industry-year over defined values, ddof = 1 (null when undefined), and
    whether the group's spread is at rounding level (equal LQs computed by different
    float paths: there any z-score is noise, so such groups are not compared)."""
    g = ("industry", "year")
    sd, mean = lq.std().over(g), lq.mean().over(g)
    return [pl.when((lq.count().over(g) >= 2) & (sd > 0)).then((lq - mean) / sd).alias(name),
            (sd < 1e-9 * pl.max_horizontal(mean.abs(), 1.0)).fill_null(False).alias(f"{name}_flat")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(min_regions=3), st.integers(0, 1_000))
def test_standardised_equals_grouped_oracle(p, seed):
    rng = np.random.default_rng(seed)
    p = p.with_columns(  # some confidential cells, a shuffled row order, a dropped row
        pl.when(pl.Series(rng.random(p.height) < 0.15)).then(None).otherwise(pl.col("value"))
        .alias("value")).sample(fraction=1.0, shuffle=True, seed=seed).slice(1)
    out = standardised_lq(p)
    lq = pl.col("lq")
    want = out.with_columns(*_slq_oracle(lq, "want"),
                            *_slq_oracle(pl.when(lq > 0).then(lq.log()), "want_log"))
    for got, exp in (("slq", "want"), ("slq_log", "want_log")):
        keep = ~want[f"{exp}_flat"].to_numpy()
        a, b = want[got].to_numpy()[keep], want[exp].to_numpy()[keep]
        assert np.array_equal(np.isnan(a), np.isnan(b))
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)


def test_standardised_lq_is_null_when_lqs_differ_only_by_rounding():
    # Every region has the same structure (one base vector times a region factor), so every
    # LQ is 1 in exact arithmetic; floating-point rounding differs in the last bits.
    panel = pl.DataFrame(
        {
            "region": ["AT11", "AT11", "AT12", "AT12", "AT13", "AT13"],
            "industry": ["C10", "C11"] * 3,
            "year": [2020] * 6,
            "value": [2.463861233254774, 1.0435745799488574, 1.3738846302794678,
                      0.5819122670508899, 36.89850055397443, 15.628452080269746],
        }
    )
    out = standardised_lq(panel)
    lq = out.filter(industry="C10")["lq"]
    assert lq.max() != lq.min()  # the rounding noise is really there
    assert out["slq"].is_null().all()
    assert out["slq_log"].is_null().all()
