"""Cluster stars: hand-computed stars and ratings, reference groups, evidence, edge cases."""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.indices.stars import EcoRules, UsRules, cluster_stars, top_cutoff, top_cutoffs

from .conftest import make_panel


@pytest.fixture
def four_regions() -> pl.DataFrame:
    """a: 50, 10, 5, 45 (total 110); b: 50, 90, 5, 5 (total 150); E = 260."""
    a = {"AT11": 50.0, "AT12": 10.0, "AT13": 5.0, "AT21": 45.0}
    b = {"AT11": 50.0, "AT12": 90.0, "AT13": 5.0, "AT21": 5.0}
    return make_panel([(r, "C10", 2020, v) for r, v in a.items()]
                      + [(r, "C11", 2020, v) for r, v in b.items()])


def get(res, region: str, industry: str = "C10") -> dict:
    return res.to_frame().filter((pl.col("region") == region)
                                 & (pl.col("industry") == industry)).row(0, named=True)


def test_eco_stars_hand_values(four_regions):
    res = cluster_stars(four_regions)
    r4 = get(res, "AT21")
    assert r4["lq"] == pytest.approx(float(F(117, 55)))  # (45/50) / (110/260)
    assert r4["share"] == pytest.approx(0.9)
    assert r4["size_cutoff"] == 50.0  # k = ceil(0.1 * 4) = 1: the largest
    assert r4["focus_cutoff"] == pytest.approx(0.9)
    assert (r4["size"], r4["specialisation"], r4["focus"], r4["eco_stars"]) == \
        (False, True, True, 2)
    r1 = get(res, "AT11")
    assert r1["lq"] == pytest.approx(float(F(13, 11)))
    assert (r1["size"], r1["specialisation"], r1["focus"], r1["eco_stars"]) == \
        (True, False, False, 1)


def test_us_ratings_hand_values(four_regions):
    res = cluster_stars(four_regions)
    thr = res.thresholds.filter(pl.col("industry") == "C10").row(0, named=True)
    assert thr["employment_median"] == 45.0  # k = ceil(0.5 * 4) = 2nd largest
    assert thr["lq_top25"] == pytest.approx(float(F(117, 55)))
    assert thr["employment_top10"] == 50.0
    assert thr["n_reference"] == 4
    flags = {r: tuple(get(res, r)[k] for k in ("qualifying", "significant", "strong",
                                               "strong10"))
             for r in ("AT11", "AT12", "AT13", "AT21")}
    assert flags == {"AT11": (True, True, False, False),
                     "AT12": (False, False, False, False),
                     "AT13": (True, False, False, False),
                     "AT21": (True, True, True, False)}


def test_reference_group_sets_thresholds(four_regions):
    res = cluster_stars(four_regions, reference="set", regions=["AT11", "AT12", "AT13"])
    r4 = get(res, "AT21")
    assert r4["in_reference"] is False
    # reference totals: C10 = 65, E = 210 -> LQ = (9/10) / (65/210) = 189/65
    assert r4["lq"] == pytest.approx(float(F(189, 65)))
    assert r4["size_cutoff"] == 50.0 and r4["n_reference"] == 3
    assert "3 listed regions" in res.summary()


def test_named_region_set(four_regions):
    res = cluster_stars(four_regions, reference="set", regions="central_europe_2014_2020")
    assert res.stars["in_reference"].all()
    with pytest.raises(ValueError, match="unknown region set"):
        cluster_stars(four_regions, reference="set", regions="atlantis")
    with pytest.raises(ValueError, match="for a region set pass reference='set'"):
        cluster_stars(four_regions, reference="atlantis")
    with pytest.raises(ValueError, match="no region of the panel is in the reference"):
        cluster_stars(four_regions, reference="set", regions=["FR10"])
    with pytest.raises(ValueError, match="reference must be 'all' or 'set'"):
        cluster_stars(four_regions, reference="country")


def test_old_set_spelling_warns_and_gives_the_same_stars(four_regions):
    """``reference=<set name or codes>`` keeps working for one release."""
    new = cluster_stars(four_regions, reference="set", regions=["AT11", "AT12"])
    with pytest.warns(DeprecationWarning, match=r"reference='set', regions=<list of codes>"):
        old = cluster_stars(four_regions, reference=["AT11", "AT12"])
    assert old.stars.equals(new.stars) and old.thresholds.equals(new.thresholds)
    with pytest.warns(DeprecationWarning,
                      match="use reference='set', regions='central_europe_2014_2020'"):
        cluster_stars(four_regions, reference="central_europe_2014_2020")


def test_establishments_condition(four_regions):
    est = four_regions.with_columns(pl.lit(3.0).alias("value")).with_columns(
        pl.when(pl.col("region") == "AT11").then(1.0).otherwise(pl.col("value")).alias("value"))
    res = cluster_stars(four_regions, establishments=est)
    assert get(res, "AT11")["significant"] is False  # 1 establishment < median 3
    assert get(res, "AT21")["significant"] is True
    assert get(res, "AT11")["establishments_median"] == 3.0


def test_confidential_gets_null_stars_and_reason(four_regions):
    p = four_regions.with_columns(
        pl.when((pl.col("region") == "AT12") & (pl.col("industry") == "C10"))
        .then(None).otherwise(pl.col("value")).alias("value"))
    res = cluster_stars(p)
    r = get(res, "AT12")
    assert r["star_reason"] == "confidential"
    assert all(r[k] is None for k in ("size", "specialisation", "focus", "eco_stars",
                                      "qualifying", "strong"))
    assert get(res, "AT11")["n_reference"] == 3  # known values only
    ev = res.explain("AT12", "C10")
    assert ev["reason"][0] == "employment unknown (confidential)"


def test_explain_says_why(four_regions):
    ev = cluster_stars(four_regions).explain("AT21", "C10", 2020)
    size = ev.filter(pl.col("star") == "size").row(0, named=True)
    assert size["given"] is False and size["value"] == 45.0 and size["threshold"] == 50.0
    assert size["reason"] == "employment 45 < threshold 50"
    with pytest.raises(ValueError, match="no row for region"):
        cluster_stars(four_regions).explain("XX99", "C10")


def test_top_cutoff_ties_and_unknown():
    import numpy as np

    v = np.array([[[5.0], [5.0], [1.0], [np.nan]]])  # (Y=1, R=4, I=1)
    mask = np.ones(4, dtype=bool)
    assert top_cutoff(v, mask, 0.5)[0, 0, 0] == 5.0  # k = ceil(0.5 * 3) = 2 -> 5
    assert top_cutoff(v, mask, 0.9)[0, 0, 0] == 1.0  # k = 3
    assert np.isnan(top_cutoff(np.full((1, 2, 1), np.nan), np.ones(2, bool), 0.1)[0, 0, 0])


def test_bad_rules(four_regions):
    with pytest.raises(ValueError, match="size_top must be a number strictly between"):
        cluster_stars(four_regions, eco=EcoRules(size_top=0))
    with pytest.raises(ValueError, match="strong_top"):
        cluster_stars(four_regions, us=UsRules(strong_top=2))


def test_result_shape(four_regions):
    import matplotlib

    matplotlib.use("Agg")
    res = cluster_stars(four_regions)
    assert res.to_frame().height == four_regions.height
    assert "Cluster stars against all regions" in res.summary()
    assert "<table" in res._repr_html_()
    assert res.plot(region="AT21").get_title(loc="left").startswith("Cluster stars of AT21")


def test_zero_industry_total_in_reference_gives_reason_and_no_stars():
    # review defect: LQ inf -> null without a reason, LQ flags False, size/focus granted
    # against a cut-off of 0. Reference AT11 has no C10 employment.
    p = make_panel([("AT11", "C10", 2020, 0.0), ("AT11", "C11", 2020, 40.0),
                    ("AT12", "C10", 2020, 30.0), ("AT12", "C11", 2020, 10.0)])
    res = cluster_stars(p, reference="set", regions=["AT11"])
    for region in ("AT11", "AT12"):
        r = get(res, region)
        assert r["lq"] is None and r["star_reason"] == "zero industry total in reference"
        assert all(r[k] is None for k in ("specialisation", "qualifying", "significant",
                                          "strong", "strong10", "eco_stars"))
        assert (r["size"], r["focus"]) == (False, False)  # no top 10 % of nothing
        assert r["size_cutoff"] == 0.0
    ok = get(res, "AT12", "C11")
    assert ok["lq"] == pytest.approx(float(F(10, 40) / F(40, 40)))
    assert ok["star_reason"] is None and ok["specialisation"] is False
    ev = res.explain("AT12", "C10").row(0, named=True)  # size
    assert ev["given"] is False
    assert ev["reason"] == ("employment 30; not rated: zero industry total in reference "
                            "(threshold 0)")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["counts", "nan", "negative", "signed_zero"]),
       st.booleans())
def test_top_cutoffs_equal_naive_loop(seed, kind, subset):
    rng = np.random.default_rng(seed)
    shape = (2, int(rng.integers(1, 30)), int(rng.integers(1, 6)))
    v = rng.lognormal(1.0, 1.0, shape).round()  # ties
    v[rng.random(shape) < 0.4] = 0.0
    if kind == "nan":
        v[rng.random(shape) < 0.3] = np.nan
        v[0, :, 0] = np.nan  # a year-industry with nothing known
    elif kind == "negative":
        v -= 2.0
    elif kind == "signed_zero":
        v[v == 0] = -0.0
    mask = rng.random(shape[1]) < 0.6 if subset else np.ones(shape[1], dtype=bool)
    mask[0] = True
    qs = (0.1, 0.5, 0.25)
    for q_set in (qs, qs[:1]):
        got = top_cutoffs(v, mask, q_set)
        for q, cut in zip(q_set, got, strict=True):
            for y in range(shape[0]):
                for i in range(shape[2]):
                    known = sorted(x for x in v[y, mask, i] if not np.isnan(x))
                    if not known:
                        assert np.isnan(cut[y, 0, i])
                        continue
                    k = math.ceil(q * len(known) - 1e-9)
                    assert cut[y, 0, i] == known[len(known) - k]
