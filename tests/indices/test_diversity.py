"""Regional specialisation and diversity: hand values, identities, ranges, edge cases."""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from emerging.indices.diversity import regional_diversity, specialisation, ubiquity, variety

from .conftest import make_panel, panels


def h2(*p: float) -> float:
    return -sum(x * math.log2(x) for x in p if x > 0)


def by_region(res, region: str) -> dict:
    return res.regions.filter(pl.col("region") == region).row(0, named=True)


def test_hand_values(three_industries):
    # x = (3/10, 3/10, 2/5); AT11 s = (1/4, 3/4, 0); AT12 s = (1/3, 0, 2/3)
    res = regional_diversity(three_industries)
    a = by_region(res, "AT11")
    assert a["krugman"] == pytest.approx(float(F(9, 10)))
    assert a["hoover"] == pytest.approx(float(F(9, 20)))
    assert a["hhi"] == pytest.approx(float(F(5, 8)))
    assert a["gini"] == pytest.approx(float(F(11, 20)))
    assert a["theil"] == pytest.approx(0.25 * math.log(F(5, 6)) + 0.75 * math.log(F(5, 2)))
    assert a["entropy"] == pytest.approx(h2(1 / 4, 3 / 4))
    assert a["related_variety"] == pytest.approx(h2(1 / 4, 3 / 4))  # all in section C
    assert a["unrelated_variety"] == pytest.approx(0.0)
    assert a["diversity"] == 1 and a["n_industries"] == 2
    b = by_region(res, "AT12")
    assert b["krugman"] == pytest.approx(float(F(1, 30) + F(3, 10) + F(4, 15)))
    assert b["unrelated_variety"] == pytest.approx(h2(1 / 3, 2 / 3))
    assert b["related_variety"] == pytest.approx(0.0)
    assert b["diversity"] == 2
    assert res.ubiquity.sort("industry")["ubiquity"].to_list() == [1, 1, 1]


def test_shortcuts_match(three_industries):
    full = regional_diversity(three_industries).regions.sort("region")
    assert specialisation(three_industries).sort("region")["krugman"].to_list() == \
        full["krugman"].to_list()
    assert variety(three_industries).sort("region")["related_variety"].to_list() == \
        full["related_variety"].to_list()
    assert ubiquity(three_industries, threshold=1.2).sort("industry")["ubiquity"].to_list() \
        == [0, 1, 1]


def test_zero_region_and_confidential():
    p = make_panel([("AT11", "C10", 2020, 10.0), ("AT11", "C11", 2020, None),
                    ("AT12", "C10", 2020, 0.0), ("AT12", "C11", 2020, 0.0),
                    ("AT13", "C10", 2020, 5.0), ("AT13", "C11", 2020, 15.0)])
    res = regional_diversity(p)
    z = by_region(res, "AT12")
    assert z["reason"] == "zero region total"
    assert all(z[k] is None for k in ("krugman", "gini", "theil", "entropy", "hhi"))
    a = by_region(res, "AT11")
    assert a["unknown_share"] == pytest.approx(0.5)
    assert a["hhi"] == pytest.approx(1.0)  # only the known cell counts
    floats = res.regions.select(pl.col(pl.Float64))
    assert not floats.select(pl.any_horizontal(pl.all().is_infinite() | pl.all().is_nan())
                             .any()).item()


def test_theil_null_when_industry_absent_from_reference(three_industries):
    ref = pl.DataFrame({"industry": ["C10", "C11"], "year": [2020, 2020],
                        "value": [500.0, 500.0]})
    res = regional_diversity(three_industries, reference=ref)
    b = by_region(res, "AT12")  # has G46 employment, absent from the reference
    assert b["theil"] is None and b["reason"] == "industry absent from reference"
    assert b["krugman"] is not None


def test_non_nace_industries_need_unrelated_level_none():
    p = make_panel([("AT11", "cluster_a", 2020, 1.0), ("AT11", "cluster_b", 2020, 2.0),
                    ("AT12", "cluster_a", 2020, 3.0), ("AT12", "cluster_b", 2020, 1.0)])
    with pytest.raises(ValueError, match="unrelated_level=None"):
        regional_diversity(p)
    assert "related_variety" not in regional_diversity(p, unrelated_level=None).regions.columns


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"unrelated_level": 3}, "unrelated_level must be one of"),
    ({"threshold": -1}, "threshold must be a positive number"),
    ({"base": "world"}, "base must be one of"),
    ({"reference": "world"}, "reference must be one of"),
])
def test_bad_options(three_industries, kwargs, message):
    with pytest.raises(ValueError, match=message):
        regional_diversity(three_industries, **kwargs)


def test_result_object(three_industries):
    import matplotlib

    matplotlib.use("Agg")
    res = regional_diversity(three_industries)
    assert "Regional specialisation" in res.summary()
    assert "<table" in res._repr_html_()
    ax = res.plot(index="entropy")
    assert ax.get_title(loc="left").startswith("Entropy")  # house style: titles on the left
    with pytest.raises(ValueError, match="index must be one of"):
        res.plot(index="nope")
    with pytest.raises(AttributeError):
        res.reference = "country"  # frozen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_identities_and_ranges(p):
    r = regional_diversity(p).regions.drop_nulls("krugman")
    n = p["industry"].n_unique()
    assert r["entropy"].to_numpy() == pytest.approx(
        (r["related_variety"] + r["unrelated_variety"]).to_numpy(), abs=1e-9)
    assert r["hoover"].to_numpy() == pytest.approx(r["krugman"].to_numpy() / 2)
    eps = 1e-9
    assert r["krugman"].is_between(-eps, 2 + eps).all()
    assert r["gini"].is_between(-eps, 1 + eps).all()
    assert r["hhi"].is_between(1 / n - eps, 1 + eps).all()
    assert (r["theil"] >= -eps).all()
    assert r["entropy"].is_between(-eps, math.log2(n) + eps).all()
    assert (r["related_variety"] >= -eps).all() and (r["unrelated_variety"] >= -eps).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_gini_matches_naive_lorenz_loop(p):
    res = regional_diversity(p).regions
    year = p["year"].max()
    q = p.filter(pl.col("year") == year)
    tot = q.group_by("industry").agg(pl.col("value").sum()).sort("industry")
    x = dict(zip(tot["industry"], tot["value"] / tot["value"].sum(), strict=True))
    for region in q["region"].unique():
        rows = q.filter(pl.col("region") == region).sort("industry")
        total = rows["value"].sum()
        if total == 0:
            continue
        items = [(v / total, x[i]) for i, v in rows.select("industry", "value").iter_rows()]
        items.sort(key=lambda sw: (sw[0] / sw[1]) if sw[1] > 0 else 0.0)
        area, cum = 0.0, 0.0
        for s, w in items:
            area += w * (2 * cum + s)
            cum += s
        got = res.filter((pl.col("region") == region) & (pl.col("year") == year))["gini"][0]
        assert got == pytest.approx(1 - area, abs=1e-9)


def test_weighted_variety_against_numpy_loop():
    rng = np.random.default_rng(0)
    inds = ["C10", "C11", "C26", "F41", "G46", "G47", "J62"]
    p = make_panel([(r, i, 2020, float(rng.integers(0, 50))) for r in ["AT11", "AT12"]
                    for i in inds])
    res = regional_diversity(p).regions.sort("region")
    for k, region in enumerate(["AT11", "AT12"]):
        v = p.filter(pl.col("region") == region).sort("industry")["value"].to_numpy()
        s = v / v.sum()
        sections = {}
        for code, share in zip(sorted(inds), s, strict=True):
            sections.setdefault(code[0], []).append(share)
        uv = h2(*(sum(g) for g in sections.values()))
        rv = sum(sum(g) * h2(*(x / sum(g) for x in g)) for g in sections.values() if sum(g) > 0)
        assert res["unrelated_variety"][k] == pytest.approx(uv)
        assert res["related_variety"][k] == pytest.approx(rv)


def test_unknown_reference_share_nulls_the_indices_that_use_it(three_industries):
    # review defect: a null reference value was read as 0 (industry absent), so Krugman,
    # Hoover and Gini were computed and Theil got the wrong reason
    later = three_industries.with_columns(pl.lit(2021, dtype=pl.Int32).alias("year"))
    ref = pl.DataFrame({"industry": ["C10", "C11", "G46"] * 2,
                        "year": [2020] * 3 + [2021] * 3,
                        "value": [500.0, 500.0, None, 500.0, 300.0, 200.0]})
    res = regional_diversity(pl.concat([three_industries, later]), reference=ref)
    rows = res.regions.sort("year", "region")
    unknown, known = rows.filter(pl.col("year") == 2020), rows.filter(pl.col("year") == 2021)
    assert unknown["reason"].to_list() == ["unknown in reference"] * 2
    for k in ("krugman", "hoover", "gini", "theil", "diversity"):
        assert unknown[k].to_list() == [None, None], k
    # indices of the region's own shares do not use the reference: kept
    assert unknown["hhi"].to_list() == pytest.approx([float(F(5, 8)), float(F(5, 9))])
    assert unknown["entropy"].to_list() == pytest.approx([h2(1 / 4, 3 / 4), h2(1 / 3, 2 / 3)])
    # 2021, x = (1/2, 3/10, 1/5): AT11 K = 1/4 + 9/20 + 1/5
    assert known["reason"].to_list() == [None, None]
    assert known["krugman"][0] == pytest.approx(float(F(9, 10)))
    ubi = res.ubiquity.sort("year", "industry")
    assert ubi.filter(pl.col("year") == 2020)["ubiquity"].to_list() == [None] * 3
    assert ubi.filter(pl.col("year") == 2021)["ubiquity"].null_count() == 0
