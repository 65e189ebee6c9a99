"""Unknown cells in relatedness outputs: null ``present`` (as lq.presence), counted exclusions,
and every null ECI/PCI listed in ``Complexity.trimmed`` (review defects 2 and 3)."""

from __future__ import annotations

import sys

import numpy as np
import polars as pl
import pytest
from conftest import random_panel
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.indices.lq import presence
from emerging.relatedness._complexity import complexity, trim_degenerate
from emerging.relatedness._opportunity import opportunity
from emerging.relatedness._proximity import proximity
from emerging.relatedness.analysis import analyse_relatedness
from emerging.relatedness.density import density_by_status, relatedness_density


def _awkward_panel(seed: int, null_share: float, drop: int) -> pl.DataFrame:
    """Random panel with unknown values, absent rows, a region and an industry of zeros."""
    panel = random_panel(8, 5, 2, seed=seed, null_share=null_share)
    if drop:
        panel = panel.sample(n=panel.height - drop, seed=seed)
    return panel.with_columns(
        pl.when((pl.col("region") == "CZ03") | (pl.col("industry") == "I004")).then(0.0)
        .otherwise(pl.col("value")).alias("value")
    )


def test_unknown_cell_is_null_present_and_counted(hand_panel):
    panel = hand_panel.with_columns(
        pl.when((pl.col("region") == "XA1") & (pl.col("industry") == "z")).then(None)
        .otherwise(pl.col("value")).alias("value")
    )
    dens = relatedness_density(panel)
    cell = dens.filter((pl.col("region") == "XA1") & (pl.col("industry") == "z"))
    assert cell["present"].to_list() == [None]  # was False before the fix
    assert dens["present"].null_count() == 1
    assert opportunity(panel)["present"].null_count() == 1
    prox = proximity(panel)
    assert prox["unknown_cells"].unique().to_list() == [1]
    assert prox["absent_cells"].unique().to_list() == [0]
    res = complexity(panel)
    assert res.exclusions.counts["unknown value"] == 1
    assert res.exclusions.total == 1
    status = density_by_status(dens).filter(pl.col("region") == "XA1").row(0, named=True)
    assert (status["n_inside"], status["n_outside"], status["n_unknown"]) == (1, 1, 1)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), null_share=st.sampled_from([0.0, 0.1, 0.4]),
       drop=st.sampled_from([0, 5, 20]))
def test_present_matches_lq_presence_and_exclusions_agree(seed, null_share, drop):
    panel = _awkward_panel(seed, null_share, drop)
    expected = presence(panel, threshold=1.0)["present"]
    analysis = analyse_relatedness(panel)
    for out in (relatedness_density(panel), opportunity(panel), analysis.cells):
        assert out["present"].equals(expected, check_names=False)  # nulls in the same rows
    ex = analysis.exclusions
    assert ex.counts["unknown value"] == panel["value"].null_count()
    unknown = ex.counts["unknown value"] + ex.counts["undefined LQ (zero total)"]
    assert unknown == expected.null_count()
    n_years, n_regions, n_industries = 2, 8, 5
    assert ex.counts["absent from panel"] == n_years * n_regions * n_industries - panel.height
    assert complexity(panel).exclusions == ex
    assert analysis.complexity.exclusions == ex
    # proximity: per-year counts on every pair of the year, summing to the totals
    per_year = proximity(panel).group_by("year").agg(
        pl.col("unknown_cells").unique(), pl.col("absent_cells").unique()
    )
    assert per_year["unknown_cells"].list.len().max() == 1
    assert per_year["unknown_cells"].list.first().sum() == unknown
    assert per_year["absent_cells"].list.first().sum() == ex.counts["absent from panel"]
    pooled = proximity(panel, by="pooled")
    assert pooled["unknown_cells"].unique().to_list() == [unknown]
    assert analysis.proximity.equals(proximity(panel))
    assert str(ex) in analysis.complexity.summary()


@settings(max_examples=200, deadline=None)
@given(m=st.integers(1, 6).flatmap(
    lambda r: st.lists(st.lists(st.integers(0, 1), min_size=4, max_size=4), min_size=r,
                       max_size=r)))
def test_trimming_leaves_none_or_at_least_two_of_each(m):
    keep_r, keep_i = trim_degenerate(np.array(m, dtype=np.uint8))
    assert (keep_r.sum(), keep_i.sum()) == (0, 0) or min(keep_r.sum(), keep_i.sum()) >= 2


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_regions=st.integers(2, 5), sigma=st.sampled_from([0.3, 3]))
def test_every_null_eci_and_pci_is_listed_in_trimmed(seed, n_regions, sigma):
    res = complexity(random_panel(n_regions, 3, 2, seed=seed, sigma=sigma))
    listed = set(res.trimmed.select("kind", "code", "year").rows())
    for kind, frame, key, col in (("region", res.regions, "region", "eci"),
                                  ("industry", res.industries, "industry", "pci")):
        nulls = frame.filter(pl.col(col).is_null()).select(key, "year").rows()
        assert {(kind, c, y) for c, y in nulls} <= listed


def test_too_few_survivors_are_recorded(monkeypatch):
    """The guard for fewer than two surviving regions or industries lists the year's rows."""
    panel = random_panel(5, 4, 2, seed=3)
    normal = complexity(panel)
    assert normal.industries["pci"].null_count() < 4  # some industries have a PCI
    real = trim_degenerate
    calls = []

    def one_region_left(m):
        keep_r, keep_i = real(m)
        calls.append(1)
        if len(calls) == 1:  # first year: pretend only one region survived
            keep_r = np.zeros_like(keep_r)
            keep_r[0] = True
        return keep_r, keep_i

    # the package re-exports the function complexity under the submodule's name
    monkeypatch.setattr(sys.modules["emerging.relatedness._complexity"], "trim_degenerate",
                        one_region_left)
    res = complexity(panel)
    first = res.regions["year"].min()
    assert res.regions.filter(pl.col("year") == first)["eci"].is_null().all()
    assert res.industries.filter(pl.col("year") == first)["pci"].is_null().all()
    listed = res.trimmed.filter(pl.col("year") == first)
    # every region and industry of that year is listed, once
    assert listed.filter(pl.col("kind") == "region").height == 5
    assert listed.filter(pl.col("kind") == "industry").height == 4
    assert listed.select("kind", "code").is_duplicated().sum() == 0
    too_few = listed.filter(pl.col("reason") == "too few non-degenerate regions/industries")
    assert too_few.filter(pl.col("kind") == "region")["code"].to_list() == ["CZ00"]
    # the industries listed as "too few" are those that the real trimming kept
    assert set(too_few.filter(pl.col("kind") == "industry")["code"]) == set(
        normal.industries.filter((pl.col("year") == first) & pl.col("pci").is_not_null())[
            "industry"]
    )
    # the other year is untouched
    assert res.trimmed.filter(pl.col("reason") == too_few["reason"][0])["year"].unique().to_list() \
        == [first]
    assert res.regions.filter(pl.col("year") != first)["eci"].null_count() == res.trimmed.filter(
        (pl.col("year") != first) & (pl.col("kind") == "region")).height


def test_density_by_status_counts_unknown_cells_separately():
    panel = random_panel(10, 4, 1, seed=5, null_share=0.3)
    status = density_by_status(relatedness_density(panel))
    want = presence(panel).group_by("region").agg(pl.col("present").null_count()).sort("region")
    assert status["n_unknown"].to_list() == want["present"].to_list()
    assert status["n_unknown"].sum() >= panel["value"].null_count() > 0
    assert (status["n_inside"] + status["n_outside"] + status["n_unknown"]).to_list() == [4] * 10


@pytest.mark.parametrize("fn", [relatedness_density, opportunity])
def test_present_is_boolean_with_nulls(fn):
    out = fn(random_panel(6, 4, 1, seed=2, null_share=0.2))
    assert out.schema["present"] == pl.Boolean
