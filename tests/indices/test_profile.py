"""specialisation_profile: one coding of the panel, the same results as each index alone."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from emerging.indices import specialisation_profile
from emerging.indices.concentration import industry_concentration
from emerging.indices.diversity import regional_diversity
from emerging.indices.lq import presence, standardised_lq
from emerging.indices.stars import cluster_stars

from .conftest import panels


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(min_regions=3), st.integers(0, 1_000), st.booleans())
def test_profile_equals_separate_calls(p, seed, shuffle):
    rng = np.random.default_rng(seed)
    p = p.with_columns(
        pl.when(pl.Series(rng.random(p.height) < 0.1)).then(None).otherwise(pl.col("value"))
        .alias("value"))
    if shuffle:  # rows out of cube order, one missing
        p = p.sample(fraction=1.0, shuffle=True, seed=seed).slice(1)
    res = specialisation_profile(p)
    slq = standardised_lq(p)
    want = presence(p).with_columns(slq["slq"], slq["slq_log"])
    assert_frame_equal(res.lq, want)
    assert_frame_equal(res.diversity.regions, regional_diversity(p).regions)
    assert_frame_equal(res.diversity.ubiquity, regional_diversity(p).ubiquity)
    assert_frame_equal(res.concentration.industries, industry_concentration(p).industries)
    stars = cluster_stars(p)
    assert_frame_equal(res.stars.stars, stars.stars)
    assert_frame_equal(res.stars.thresholds, stars.thresholds)


def test_profile_reference_reaches_every_part_and_old_spellings_warn():
    import pytest

    rng = np.random.default_rng(4)
    rows = [(r, i, 2020, float(rng.integers(1, 900))) for r in ("AT11", "AT12", "CZ01", "CZ02")
            for i in ("C10", "C20", "J62")]
    p = pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                   "year": pl.Int32, "value": pl.Float64}, orient="row")
    res = specialisation_profile(p, reference="set", regions=["AT11", "CZ01"],
                                 unrelated_level=None)
    assert_frame_equal(res.lq.drop("slq", "slq_log"),
                       presence(p, reference="set", regions=["AT11", "CZ01"]))
    assert_frame_equal(res.stars.stars,
                       cluster_stars(p, reference="set", regions=["AT11", "CZ01"]).stars)
    country = specialisation_profile(p, reference="country", unrelated_level=None)
    assert country.stars.reference == "all regions of the panel"  # stars rank regions
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        old = specialisation_profile(p, base="country", unrelated_level=None)
    assert_frame_equal(old.lq, country.lq)
    with pytest.warns(DeprecationWarning, match=r"use reference='set', regions=X instead"):
        old = specialisation_profile(p, stars_reference=["AT11", "CZ01"], unrelated_level=None)
    assert_frame_equal(old.stars.stars, res.stars.stars)
