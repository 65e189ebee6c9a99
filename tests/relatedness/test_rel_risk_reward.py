"""Risk-reward matrix, the industry space, and the planted related pair of the demo."""

from __future__ import annotations

import matplotlib
import numpy as np
import polars as pl
import pytest
from conftest import random_panel

from emerging._checks import UnknownCodeError, YearNotFoundError
from emerging.networks.industry_space import industry_space
from emerging.relatedness._complexity import complexity
from emerging.relatedness._proximity import proximity
from emerging.relatedness._risk_reward import QUADRANTS, rank_candidates, risk_reward
from emerging.relatedness.density import relatedness_density

matplotlib.use("Agg")


def test_quadrants_and_ranks_by_hand():
    cands = pl.DataFrame({"industry": ["a", "b", "c", "d"], "density": [80.0, 20.0, 70.0, 10.0],
                          "pci": [1.0, 2.0, -1.0, -2.0]})
    ranked, d_split, c_split = rank_candidates(cands)
    assert (d_split, c_split) == (45.0, 0.0)
    quadrant = dict(ranked.select("industry", "quadrant").rows())
    assert quadrant == {"a": QUADRANTS[0], "b": QUADRANTS[1], "c": QUADRANTS[2],
                        "d": QUADRANTS[3]}
    assert ranked["industry"].to_list() == ["a", "b", "c", "d"]
    # score = mean percentile rank on both axes: a is 4th of 4 on density, 3rd on pci
    assert ranked.filter(pl.col("industry") == "a")["score"].item() == pytest.approx(7 / 8)
    with pytest.raises(ValueError, match="split must be one of"):
        rank_candidates(cands, split="mode")


def test_risk_reward_uses_density_and_pci():
    panel = random_panel(30, 12, 2, seed=21)
    rr = risk_reward(panel, "CZ05")
    assert rr.year == 2001
    dens = relatedness_density(panel).filter(
        (pl.col("region") == "CZ05") & (pl.col("year") == 2001) & ~pl.col("present")
    )
    pci = complexity(panel).industries.filter(pl.col("year") == 2001)
    expected = dens.join(pci, on=["industry", "year"]).select("industry", "density", "pci")
    got = rr.candidates.select("industry", "density", "pci").sort("industry")
    expected = expected.sort("industry")
    assert got["industry"].equals(expected["industry"])
    np.testing.assert_allclose(got["density"], expected["density"], rtol=1e-12)
    np.testing.assert_allclose(got["pci"], expected["pci"], rtol=1e-12)
    assert rr.candidates["rank"].to_list() == list(range(1, got.height + 1))
    assert set(rr.to_frame()["region"]) == {"CZ05"}
    assert "Top candidates" in rr.summary() and "<table" in rr._repr_html_()
    ax = rr.plot()
    assert ax.get_title(loc="left") == "Risk-reward matrix, CZ05 2001"


def test_risk_reward_errors():
    panel = random_panel(10, 5, 1)
    with pytest.raises(UnknownCodeError, match=r"region code\(s\) \['CZ99'\]: 'CZ99': did you mean"):
        risk_reward(panel, "CZ99")
    with pytest.raises(YearNotFoundError, match=r"year\(s\) \[1990\] not in the panel; years present"):
        risk_reward(panel, "CZ01", year=1990)


def test_industry_space_backbone():
    panel = random_panel(40, 15, 1, seed=4)
    prox = proximity(panel)
    space = industry_space(prox, year=2000, strongest=5)
    g = space.graph
    assert g.number_of_nodes() == 15
    edges = space.to_frame()
    assert int(edges["tree"].sum()) == 14  # spanning tree of a connected graph
    assert edges.height == 14 + 5
    # the maximum spanning tree carries the strongest link of every industry
    best = prox.group_by("industry").agg(pl.col("proximity").max())
    for industry, weight in best.rows():
        assert max(d["weight"] for *_, d in g.edges(industry, data=True)) == pytest.approx(weight)
    extra = industry_space(prox, year=2000, min_proximity=0.5).to_frame()
    assert (extra.filter(~pl.col("tree"))["weight"] >= 0.5).all()
    # one year in the frame: year= may be left out
    assert industry_space(prox, strongest=5).to_frame().equals(edges)
    two_years = pl.concat([prox, prox.with_columns(pl.lit(2001, dtype=prox["year"].dtype).alias("year"))])
    with pytest.raises(ValueError, match=r"pass year=: the proximity frame holds the years \[2000, 2001\]"):
        industry_space(two_years)
    with pytest.raises(YearNotFoundError, match=r"year\(s\) \[1990\] not in the proximity frame"):
        industry_space(prox, year=1990)
    present = relatedness_density(panel).filter(pl.col("region") == "CZ01")
    ax = space.plot(present=present)
    assert "specialisations" in ax.get_title(loc="left")
    assert "Industry space" in space.summary()


def test_planted_pair_recovered_in_own_panel():
    rng = np.random.default_rng(1)
    panel = random_panel(80, 30, 1, seed=1, sigma=0.5)
    # I000 and I001 are both five times larger in the same 30 % of regions; the rest is noise
    strong = rng.random(80) < 0.3
    boost = pl.DataFrame({"region": [f"CZ{r:02d}" for r in range(80)], "boost": strong})
    panel = panel.join(boost, on="region").with_columns(
        pl.when(pl.col("boost") & pl.col("industry").is_in(["I000", "I001"]))
        .then(pl.col("value") * 5).otherwise(pl.col("value")).alias("value")
    ).drop("boost")
    out = proximity(panel, test="hypergeometric").sort("proximity", descending=True)
    assert out.row(0, named=True)["industry"] in ("I000", "I001")
    assert {out["industry"][0], out["industry_other"][0]} == {"I000", "I001"}
    assert out["p_value"][0] < 1e-6


def test_demo_planted_pair_recovered():
    demo = pytest.importorskip("emerging.datasets").demo()
    truth = demo.truth.filter(pl.col("kind") == "related_pair").row(0, named=True)
    a, b = truth["industry"], truth["other"]
    prox = proximity(demo.panel, by="pooled", test="hypergeometric")
    pair = prox.filter((pl.col("industry") == a) & (pl.col("industry_other") == b)).row(
        0, named=True
    )
    assert pair["kept"] and pair["p_value"] < 1e-10
    # among the few closest partners of each industry (of 67)
    for x, y in ((a, b), (b, a)):
        ranks = prox.filter(pl.col("industry") == x).with_columns(
            pl.col("proximity").rank("min", descending=True).alias("rank")
        )
        assert ranks.filter(pl.col("industry_other") == y)["rank"].item() <= 5
    # and in the top 10 % of all 2,278 pairs
    pairs = prox.filter(pl.col("industry") < pl.col("industry_other"))
    share_above = (pairs["proximity"] > pair["proximity"]).mean()
    assert share_above < 0.10
