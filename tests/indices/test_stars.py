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


RATINGS = ("qualifying", "significant", "strong", "strong10")


def ratings(res, region: str, industry: str = "C10") -> tuple:
    return tuple(get(res, region, industry)[k] for k in RATINGS)


def test_us_ratings_hand_values(four_regions):
    """Four regions, C10 (E = 260, C10 total 110); quantiles worked by hand (d3 rule).

    Employment of the regions with employment > 0, sorted: 5, 10, 45, 50.
    Q.25: H = 3 * 0.25 + 1 = 1.75, h = 1 -> 5 + 0.75 * (10 - 5) = 8.75.
    LQ = (e / E_r) / (110 / 260), in units of 1/11: 2.6 (AT12), 13 (AT11), 13 (AT13),
    23.4 (AT21). Q.25 = 2.6 + 0.75 * 10.4 = 10.4; Q.50 (H = 2.5) = 13 + 0.5 * 0 = 13 (a
    tie: AT11 and AT13 are not above it); Q.75 (H = 3.25) = 13 + 0.25 * 10.4 = 15.6;
    Q.90 (H = 3.7) = 13 + 0.7 * 10.4 = 20.28.
    """
    res = cluster_stars(four_regions, traded="all")
    thr = res.thresholds.filter(pl.col("industry") == "C10").row(0, named=True)
    assert thr["employment_floor"] == pytest.approx(8.75)
    for col, units in (("lq_qualifying_cut", 10.4), ("lq_significant_cut", 13),
                       ("lq_strong_cut", 15.6), ("lq_strong10_cut", 20.28)):
        assert thr[col] == pytest.approx(units / 11), col
    assert thr["n_reference"] == 4 and thr["n_us_population"] == 4
    assert "establishments_floor" not in thr
    assert {r: ratings(res, r) for r in ("AT11", "AT12", "AT13", "AT21")} == {
        "AT11": (True, False, False, False),  # LQ 13/11 = the median: not above it
        "AT12": (False, False, False, False),  # LQ 2.6/11 below Q.25
        "AT13": (False, False, False, False),  # employment 5 <= 8.75
        "AT21": (True, True, True, True),
    }
    assert get(res, "AT21")["star_reason"] == (
        "establishment floor not applied: no establishments given")


@pytest.fixture
def six_regions() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Exact binary LQs: C10 total 112 of E = 448 (T/E = 1/4), region totals 64 or 128.

    region  C10  E_r  LQ = 4 e / E_r  establishments
    AT11    32   64   2               5
    AT12    24   64   1.5             3
    AT13    32   128  1               8
    AT21     8   64   0.5             2
    AT22    16   64   1               4
    AT31     0   64   0               0   (employment 0: outside the quantile population)
    """
    rows = {"AT11": (32, 64, 5), "AT12": (24, 64, 3), "AT13": (32, 128, 8),
            "AT21": (8, 64, 2), "AT22": (16, 64, 4), "AT31": (0, 64, 0)}
    panel = make_panel([(r, "C10", 2020, float(e)) for r, (e, _, _) in rows.items()]
                       + [(r, "C11", 2020, float(t - e)) for r, (e, t, _) in rows.items()])
    est = make_panel([(r, "C10", 2020, float(n)) for r, (_, _, n) in rows.items()]
                     + [(r, "C11", 2020, 10.0) for r in rows])
    return panel, est


def test_us_ratings_ties_at_the_cut_offs(six_regions):
    """Population (employment > 0): 5 regions, so Q.25, Q.50, Q.75 fall on order statistics.

    Employment sorted 8, 16, 24, 32, 32: Q.25 (H = 2) = 16, AT22's own value.
    LQ sorted 0.5, 1, 1, 1.5, 2: Q.25 (H = 2) = 1, Q.50 (H = 3) = 1, Q.75 (H = 4) = 1.5
    (AT12's own LQ), Q.90 (H = 4.6) = 1.5 + 0.6 * 0.5 = 1.8.
    Establishments sorted 2, 3, 4, 5, 8: Q.25 (H = 2) = 3, AT12's own count.
    """
    panel, est = six_regions
    res = cluster_stars(panel, establishments=est, traded=["C10"])
    thr = res.thresholds.filter(pl.col("industry") == "C10").row(0, named=True)
    assert (thr["employment_floor"], thr["establishments_floor"]) == (16.0, 3.0)
    assert (thr["lq_qualifying_cut"], thr["lq_significant_cut"], thr["lq_strong_cut"]) == \
        (1.0, 1.0, 1.5)
    assert thr["lq_strong10_cut"] == pytest.approx(1.8)
    assert thr["n_us_population"] == 5 and thr["n_reference"] == 6
    expected = {
        "AT11": (True, True, True, True),
        "AT12": (False, False, False, False),  # 3 establishments: not above Q.25 = 3
        "AT13": (False, False, False, False),  # LQ 1: not above Q.25 = Q.50 = 1
        "AT21": (False, False, False, False),  # below every cut-off
        "AT22": (False, False, False, False),  # employment 16: not above Q.25 = 16
        "AT31": (False, False, False, False),  # no employment
    }
    assert {r: ratings(res, r) for r in expected} == expected
    assert get(res, "AT11")["star_reason"] is None
    # without establishments AT12 passes the floors, and LQ 1.5 >= Q.75 = 1.5 (a tie)
    no_est = cluster_stars(panel, traded=["C10"])
    assert ratings(no_est, "AT12") == (True, True, True, False)
    assert "establishments_floor" not in no_est.thresholds.columns
    # the LQ >= 1 condition of strong and strong10
    stricter = cluster_stars(panel, traded=["C10"], us=UsRules(strong_min_lq=1.6))
    assert ratings(stricter, "AT12") == (True, True, False, False)
    assert ratings(stricter, "AT11") == (True, True, True, True)


def test_local_categories_get_no_us_rating(six_regions):
    panel, est = six_regions
    res = cluster_stars(panel, establishments=est, traded={"C10"})
    local = get(res, "AT11", "C11")
    assert local["traded"] is False
    assert ratings(res, "AT11", "C11") == (None, None, None, None)
    assert local["star_reason"] == "local category: no US rating"
    assert local["eco_stars"] is not None  # ECO stars are given to every category
    assert "1 of 2 categories traded" in res.summary()
    ev = res.explain("AT11", "C11")
    assert (ev.filter(pl.col("star") == "strong")["reason"] == "local category: no US rating").all()
    assert ev.filter(pl.col("star") == "size")["reason"][0].startswith("employment")
    rated = cluster_stars(panel, establishments=est, traded="all")
    assert all(v is not None for v in ratings(rated, "AT11", "C11"))
    with pytest.raises(ValueError, match="traded must be an iterable"):
        cluster_stars(panel, traded="C10")


def test_unknown_establishments_skip_the_floor(six_regions):
    panel, est = six_regions
    est = est.with_columns(pl.when((pl.col("region") == "AT12") & (pl.col("industry") == "C10"))
                           .then(None).otherwise(pl.col("value")).alias("value"))
    res = cluster_stars(panel, establishments=est, traded=["C10"])
    # population counts 5, 8, 2, 4 (AT12 unknown): Q.25 (H = 1.75) = 2 + 0.75 * 2 = 3.5
    thr = res.thresholds.filter(pl.col("industry") == "C10").row(0, named=True)
    assert thr["establishments_floor"] == pytest.approx(3.5)
    assert ratings(res, "AT12") == (True, True, True, False)
    assert get(res, "AT12")["star_reason"] == (
        "establishment floor not applied: establishments unknown")
    ev = res.explain("AT12", "C10")
    row = ev.filter((pl.col("star") == "strong") & (pl.col("measure") == "establishments"))
    assert row["reason"][0] == "establishment floor not applied (no count known)"


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
    with pytest.raises(ValueError, match="strong_quantile"):
        cluster_stars(four_regions, us=UsRules(strong_quantile=2))
    with pytest.raises(ValueError, match="strong_min_lq"):
        cluster_stars(four_regions, us=UsRules(strong_min_lq=-1))


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
    res = cluster_stars(p, reference="set", regions=["AT11"], traded="all")
    for region in ("AT11", "AT12"):
        r = get(res, region)
        assert r["lq"] is None and r["star_reason"] == "zero industry total in reference"
        assert all(r[k] is None for k in ("specialisation", "qualifying", "significant",
                                          "strong", "strong10", "eco_stars"))
        assert (r["size"], r["focus"]) == (False, False)  # no top 10 % of nothing
        assert r["size_cutoff"] == 0.0
    ok = get(res, "AT12", "C11")
    assert ok["lq"] == pytest.approx(float(F(10, 40) / F(40, 40)))
    assert ok["specialisation"] is False
    assert ok["star_reason"] == "establishment floor not applied: no establishments given"
    ev = res.explain("AT12", "C10").row(0, named=True)  # size
    assert ev["given"] is False
    assert ev["reason"] == ("employment 30; not rated: zero industry total in reference "
                            "(threshold 0)")


def _random_cube(seed: int, kind: str, subset: bool, *, regions: int = 30, sigma: float = 1.0,
                 zeros: float = 0.4, nans: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """A (2, R, I) cube of rounded log-normal values (ties) with zeros, of one ``kind``
    (``counts``, ``nan``, ``negative``, ``signed_zero`` or ``small``), and a mask of
    reference regions (all, or a random subset with the first region in it)."""
    rng = np.random.default_rng(seed)
    shape = (2, int(rng.integers(1, regions)), int(rng.integers(1, 6)))
    v = rng.lognormal(1.0, sigma, shape).round()
    v[rng.random(shape) < zeros] = 0.0
    if kind == "nan":
        v[rng.random(shape) < nans] = np.nan
        v[0, :, 0] = np.nan  # a year-industry with nothing known
    elif kind == "negative":
        v -= 2.0
    elif kind == "signed_zero":
        v[v == 0] = -0.0
    elif kind == "small":
        v *= 1e-3  # shares and LQs that are not ratios of small integers
    mask = rng.random(shape[1]) < 0.6 if subset else np.ones(shape[1], dtype=bool)
    mask[0] = True
    return v, mask


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["counts", "nan", "negative", "signed_zero"]),
       st.booleans())
def test_top_cutoffs_equal_naive_loop(seed, kind, subset):
    v, mask = _random_cube(seed, kind, subset)
    shape = v.shape
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


def test_us_rating_says_why_not_the_next_one(six_regions):
    panel, est = six_regions
    got = {r["region"]: (r["us_rating"], r["us_rating_reason"]) for r in
           cluster_stars(panel, establishments=est, traded=["C10"]).us_rating()
           .filter(pl.col("industry") == "C10").iter_rows(named=True)}
    assert got["AT11"] == ("strong10", "strong10: LQ in the top decile and >= 1, above the floors")
    assert got["AT12"] == ("none", "not qualifying: establishments 3.0 <= floor 3.0")
    assert got["AT13"] == ("none", "not qualifying: LQ 1.0 <= 25th percentile 1.0")
    assert got["AT22"] == ("none", "not qualifying: employment 16.0 <= floor 16.0")
    no_est = cluster_stars(panel, traded=["C10"]).us_rating()
    at12 = no_est.filter((pl.col("region") == "AT12") & (pl.col("industry") == "C10")).row(
        0, named=True)
    assert at12["us_rating"] == "strong"
    assert at12["us_rating_reason"] == (
        "strong; not strong10: LQ 1.5 < 90th percentile 1.8 (establishment floor not "
        "applied: no establishments given)")
    local = no_est.filter(pl.col("industry") == "C11")
    assert local["us_rating"].null_count() == local.height
    assert (local["us_rating_reason"] == "local category: no US rating").all()


def _general_cutoffs(e, share, ratio, mask, eco, us):
    """The cut-offs each from its own cube (the path :func:`_ranked_cutoffs` shortens)."""
    from emerging.indices._us_ratings import us_cutoffs

    with np.errstate(divide="ignore", invalid="ignore"):
        lq = share / ratio  # the LQ formula's last division, (e / E_r) / (E_i / E)
    lq[~np.isfinite(lq)] = np.nan
    cut = {"size_cutoff": top_cutoff(e, mask, eco.size_top),
           "focus_cutoff": top_cutoff(share, mask, eco.focus_top)}
    cut.update(us_cutoffs(lq, e, None, mask, us))
    return cut


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["counts", "nan", "signed_zero", "small"]),
       st.booleans())
def test_ranked_cutoffs_equal_each_cube_on_its_own(seed, kind, subset):
    """Two sorts (employment, share) give every ECO and US cut-off bit for bit, the LQ's
    order statistics being the share's divided by E_i / E."""
    from emerging.indices.stars import _ranked_cutoffs

    e, mask = _random_cube(seed, kind, subset, regions=40, sigma=1.5, zeros=0.5, nans=0.2)
    rng = np.random.default_rng(seed + 1)
    known = np.where(np.isnan(e), 0.0, e)
    er = known.sum(axis=2, keepdims=True)
    ei = known[:, mask, :].sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = e / er
        ratio = ei / ei.sum(axis=2, keepdims=True)
    share[np.isinf(share)] = np.nan
    eco, us = EcoRules(size_top=float(rng.choice([0.1, 0.3, 0.9]))), UsRules()
    found = _ranked_cutoffs(e, share, ratio, mask, eco, us)
    assert found is not None
    got, n = found
    want = _general_cutoffs(e, share, ratio, mask, eco, us)
    assert set(got) == set(want)
    for name, cut in want.items():  # the same bits (-0.0 is not 0.0), NaN where NaN
        nan = np.isnan(cut)
        assert np.array_equal(np.isnan(got[name]), nan), name
        assert np.array_equal(got[name][~nan].view(np.uint64), cut[~nan].view(np.uint64)), name
    assert np.array_equal(n, ((e > 0) & mask[None, :, None]).sum(axis=1))


def test_ranked_cutoffs_decline_what_they_cannot_do_exactly():
    """A q so small that k = 0, or a share that underflows to 0 although the employment
    is positive: the shortcut says so (None) and the caller takes the general path."""
    from emerging.indices.stars import _ranked_cutoffs

    e = np.array([[[3.0], [5.0], [0.0]]])
    er = e.sum(axis=2, keepdims=True) + np.array([[[1.0], [1.0], [1.0]]])
    share, ratio, mask = e / er, np.array([[[0.5]]]), np.ones(3, dtype=bool)
    assert _ranked_cutoffs(e, share, ratio, mask, EcoRules(), UsRules()) is not None
    assert _ranked_cutoffs(e, share, ratio, mask, EcoRules(size_top=1e-12), UsRules()) is None
    tiny = np.array([[[5e-324], [5.0], [0.0]]])
    assert _ranked_cutoffs(tiny, tiny / 1e10, ratio, mask, EcoRules(), UsRules()) is None
