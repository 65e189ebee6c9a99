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
