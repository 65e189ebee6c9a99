"""US Cluster Mapping ratings on the real SBS panel against an independent implementation.

NUTS-2 x NACE divisions, 2014: persons employed (V16110) and local units (V11210) from
the Eurostat bulk file. The oracle below recomputes the LQs directly and applies the
platform's rules (``cluster_calcs_reducer.js`` of ``clustermapping/cmp``) category by
category with ``numpy.quantile`` (method ``"linear"``, the same as ``d3.quantile``).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from emerging.indices import cluster_stars

pytestmark = pytest.mark.realdata

YEAR = 2014
RATINGS = ("qualifying", "significant", "strong", "strong10")


def _nuts2_divisions(sbs_raw, indicator: str) -> pl.DataFrame:
    from emerging.io.eurostat import to_panel

    panel = to_panel(sbs_raw, measure={"indic_sb": indicator})
    return panel.filter(
        (pl.col("region").str.len_chars() == 4) & ~pl.col("region").str.ends_with("Z")
        & (pl.col("industry").str.len_chars() == 3) & (pl.col("year") == YEAR)
    ).select("region", "industry", "year", "value")


@pytest.fixture(scope="module")
def employment(sbs_raw) -> pl.DataFrame:
    return _nuts2_divisions(sbs_raw, "V16110")


@pytest.fixture(scope="module")
def local_units(sbs_raw) -> pl.DataFrame:
    return _nuts2_divisions(sbs_raw, "V11210")


def oracle(employment: pl.DataFrame, units: pl.DataFrame | None,
           traded: set[str] | None, reference: set[str] | None = None) -> pl.DataFrame:
    """The platform's four ratings, category by category, from first principles; the LQ
    denominators and the quantiles from the ``reference`` regions (all when None)."""
    known = employment.drop_nulls("value")
    ref = known if reference is None else known.filter(pl.col("region").is_in(list(reference)))
    total = ref["value"].sum()
    frame = (employment
             .join(ref.group_by("industry").agg(pl.col("value").sum().alias("ei")),
                   on="industry", how="left")
             .join(known.group_by("region").agg(pl.col("value").sum().alias("er")),
                   on="region", how="left")
             .with_columns(lq=(pl.col("value") / pl.col("er")) / (pl.col("ei") / total),
                           in_ref=pl.col("region").is_in(list(reference))
                           if reference is not None else pl.lit(True)))
    if units is not None:
        frame = frame.join(units.select("region", "industry", pl.col("value").alias("est")),
                           on=["region", "industry"], how="left")
    out = []
    for (industry,), part in frame.group_by("industry"):
        if traded is not None and industry not in traded:
            continue
        lq = part["lq"].to_numpy().astype(float)
        emp = part["value"].to_numpy().astype(float)
        est = (part["est"].to_numpy().astype(float) if units is not None
               else np.full(len(emp), np.nan))
        pop = (emp > 0) & part["in_ref"].to_numpy()  # NaN (confidential) compares False
        if not pop.any():
            continue
        q25, q50, q75, q90 = np.quantile(lq[pop], [0.25, 0.5, 0.75, 0.9])
        emp_floor = emp > np.quantile(emp[pop], 0.25)
        est_known = pop & ~np.isnan(est)
        if est_known.any():
            est_floor = (est > np.quantile(est[est_known], 0.25)) | np.isnan(est)
        else:
            est_floor = np.ones(len(emp), dtype=bool)
        floors = emp_floor & est_floor
        rated = ~np.isnan(lq)
        out.append(pl.DataFrame({
            "region": part["region"], "industry": part["industry"],
            "o_qualifying": floors & (lq > q25), "o_significant": floors & (lq > q50),
            "o_strong": floors & (lq >= q75) & (lq >= 1),
            "o_strong10": floors & (lq >= q90) & (lq >= 1),
        }).filter(pl.Series(rated)))
    return pl.concat(out)


@pytest.mark.parametrize("with_units", [True, False])
def test_ratings_equal_independent_implementation(employment, local_units, with_units):
    units = local_units if with_units else None
    res = cluster_stars(employment, establishments=units, traded="all")
    expected = oracle(employment, units, None)
    got = res.stars.drop_nulls("qualifying").select("region", "industry", *RATINGS)
    assert got.height == expected.height > 15_000
    both = got.join(expected, on=["region", "industry"], how="full", coalesce=True)
    assert both.height == got.height
    for k in RATINGS:
        assert both[k].to_list() == both[f"o_{k}"].to_list(), k
    counts = got.select(pl.col(RATINGS).sum()).row(0)
    assert counts[0] > counts[1] > counts[2] > counts[3] > 100  # nested and non-trivial
    if with_units:
        share = res.stars["star_reason"].eq(
            "establishment floor not applied: establishments unknown").mean()
        assert 0 < share < 0.2


def test_traded_set_rates_only_traded(employment, local_units):
    traded = {"C10", "C20", "C21", "C26", "C29", "J62", "M72"}
    res = cluster_stars(employment, establishments=local_units, traded=traded)
    expected = oracle(employment, local_units, traded)
    got = res.stars.drop_nulls("qualifying")
    assert set(got["industry"]) == traded
    both = got.join(expected, on=["region", "industry"], how="inner")
    assert both.height == got.height == expected.height
    for k in RATINGS:
        assert both[k].to_list() == both[f"o_{k}"].to_list(), k
    local = res.stars.filter(~pl.col("industry").is_in(list(traded)) & pl.col("lq").is_not_null())
    assert (local["star_reason"] == "local category: no US rating").all()


def test_us_rating_is_the_highest_rating_given(employment, local_units):
    res = cluster_stars(employment, establishments=local_units, traded="all")
    both = res.us_rating().join(res.stars, on=["region", "industry", "year"])
    highest = (pl.when(pl.col("qualifying").is_null()).then(None)
               .when(pl.col("strong10")).then(pl.lit("strong10"))
               .when(pl.col("strong")).then(pl.lit("strong"))
               .when(pl.col("significant")).then(pl.lit("significant"))
               .when(pl.col("qualifying")).then(pl.lit("qualifying"))
               .otherwise(pl.lit("none")))
    assert both.select((pl.col("us_rating").eq_missing(highest)).all()).item()
    assert both["us_rating_reason"].null_count() == 0


def test_ratings_against_a_reference_group(employment, local_units):
    """Central European regions as the reference; every region rated against it."""
    reference = set(employment.filter(pl.col("region").str.slice(0, 2).is_in(
        ["CZ", "SK", "HU", "PL", "AT", "SI"]))["region"])
    import inspect

    # the reference-economy vocabulary (reference="set", regions=...) where installed
    group = ({"reference": "set", "regions": reference}
             if "regions" in inspect.signature(cluster_stars).parameters
             else {"reference": reference})
    res = cluster_stars(employment, establishments=local_units, traded="all", **group)
    expected = oracle(employment, local_units, None, reference)
    got = res.stars.drop_nulls("qualifying")
    both = got.join(expected, on=["region", "industry"], how="inner")
    assert both.height == got.height == expected.height > 15_000
    for k in RATINGS:
        assert both[k].to_list() == both[f"o_{k}"].to_list(), k
    assert got.filter(~pl.col("in_reference"))["strong"].sum() > 50
