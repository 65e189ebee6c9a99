"""The LQ factors summed from the rows equal the cube's sums bit for bit, in any row order.

For a panel out of cube order :func:`emerging._reference.lq_factors` sums the rows by
their codes instead of scattering them into a dense cube, but only when the sums are
exact (whole numbers, grand total below 2**53), so that the order of the additions
cannot change a bit; otherwise it sums the cube. The cluster stars of
:func:`specialisation_profile` take the LQ and share of the location quotients.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from emerging._reference import lq_factors, resolve_reference
from emerging.indices import cluster_stars, location_quotient, specialisation_profile
from emerging.indices._coded import CodedPanel

KEYS = ["region", "industry", "year"]


def _panel(scale: float = 1.0, *, fractional: bool = False) -> pl.DataFrame:
    """2 countries x 12 regions x 30 industries x 5 years of whole numbers, with nulls,
    absent rows and a region-year of zeros, in a shuffled row order."""
    rng = np.random.default_rng(8)
    regions = [f"{c}{k:02d}" for c in ("AT", "CZ") for k in range(12)]
    industries = [f"C{k:02d}" for k in range(10, 40)]
    y, r, i = (a.reshape(-1) for a in np.meshgrid(
        np.arange(5), np.arange(len(regions)), np.arange(len(industries)), indexing="ij"))
    value = np.round(rng.lognormal(3.0, 1.5, len(y))) * scale
    value[rng.random(len(y)) < 0.4] = 0.0
    value[(r == 3) & (y == 2)] = 0.0
    if fractional:
        value = value / 3.0
    frame = pl.DataFrame({
        "region": pl.Series(regions).gather(r), "industry": pl.Series(industries).gather(i),
        "year": pl.Series(2015 + y, dtype=pl.Int32), "value": value,
    }).with_columns(pl.when(pl.Series(rng.random(len(y)) < 0.05)).then(None)
                    .otherwise(pl.col("value")).alias("value"))
    keep = pl.Series(rng.random(len(y)) > 0.08)
    return frame.filter(keep)[rng.permutation(int(keep.sum()))]


@pytest.mark.parametrize("reference", ["all", "country", "set"])
def test_row_sums_equal_the_cube_sums(reference):
    shuffled = _panel()
    regions = {"regions": ["AT01", "AT05", "CZ02", "CZ07"]} if reference == "set" else {}
    coded = CodedPanel.from_panel(shuffled)
    got = lq_factors(coded, resolve_reference(coded, reference, **regions))
    assert "value_cube" not in coded.__dict__  # summed from the rows, no dense cube
    cube = CodedPanel.from_panel(shuffled)
    cube.value_cube  # noqa: B018  (with the dense cube there, the factors sum the cube)
    want = lq_factors(cube, resolve_reference(cube, reference, **regions))
    for k in ("er", "ei", "et"):
        assert np.array_equal(got[k], want[k], equal_nan=True), k
    a = location_quotient(shuffled, reference=reference, **regions).sort(KEYS)
    b = location_quotient(shuffled.sort(KEYS), reference=reference, **regions).sort(KEYS)
    assert a.equals(b, null_equal=True)


@pytest.mark.parametrize("panel", [_panel(fractional=True), _panel(scale=2.0**50)],
                         ids=["fractional", "total beyond 2**53"])
def test_inexact_sums_use_the_cube(panel):
    coded = CodedPanel.from_panel(panel)
    lq_factors(coded, resolve_reference(coded, "all"))
    assert "value_cube" in coded.__dict__  # summed over the cube in its own order
    a = location_quotient(panel).sort(KEYS)
    b = location_quotient(panel.sort("year", "region", "industry")).sort(KEYS)
    assert a.equals(b, null_equal=True)


def test_profile_stars_share_the_lq_of_the_location_quotients():
    panel = _panel()
    profile = specialisation_profile(panel, unrelated_level=None)
    stars = profile.stars.stars
    assert stars["lq"].equals(profile.lq["lq"], null_equal=True)
    alone = cluster_stars(panel)
    assert stars.equals(alone.stars, null_equal=True)
    assert profile.stars.thresholds.equals(alone.thresholds, null_equal=True)
    total = pl.col("value").sum().over("region", "year")
    want = panel.select((pl.col("value") / total).fill_nan(None).alias("share"))["share"]
    got = stars["share"]
    assert ((got - want).abs() <= 1e-15).all()  # e / E_r; null for a null value or a zero total
    assert got.null_count() == want.null_count()
