"""ECI and PCI on the real SBS panel equal the stored values of ecomplexity 0.5.3
(tests/reference/ecomplexity_sbs2015_*.csv; where they came from: tests/reference/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from emerging.relatedness import complexity

pytestmark = pytest.mark.realdata
REFERENCE = Path(__file__).parents[1] / "reference"
COUNTRIES = ["AT", "CZ", "HU", "PL", "SI", "SK"]


@pytest.fixture(scope="module")
def result(sbs_employment_nuts2):
    panel = sbs_employment_nuts2.filter(
        pl.col("region").str.slice(0, 2).is_in(COUNTRIES) & (pl.col("year") == 2015)
        & pl.col("value").is_not_null()
    ).select("region", "industry", "year", "value")
    return complexity(panel)


def test_eci_equals_ecomplexity_on_real_data(result):
    expected = pl.read_csv(REFERENCE / "ecomplexity_sbs2015_regions.csv")
    got = result.regions.join(expected, on="region", suffix="_ref", how="full", coalesce=True)
    assert got.height == expected.height == 46
    # both standardise ECI over the regions; agreement to rounding (1e-12)
    np.testing.assert_allclose(got["eci"].to_numpy(), got["eci_ref"].to_numpy(), atol=1e-12)
    assert got["diversity"].to_list() == got["diversity_ref"].cast(pl.Int64).to_list()


def test_pci_equals_ecomplexity_on_real_data(result):
    expected = pl.read_csv(REFERENCE / "ecomplexity_sbs2015_industries.csv")
    got = result.industries.join(expected, on="industry", suffix="_ref", how="inner")
    known = got.drop_nulls("pci_ref")
    assert known.height == expected["pci"].drop_nulls().len() == 67
    # ecomplexity rescales PCI with the mean and s.d. of the ECI vector (as the Stata package
    # does); ours is a z-score over the industries: equal after re-standardising theirs
    ref = known["pci_ref"].to_numpy()
    np.testing.assert_allclose(known["pci"].to_numpy(), (ref - ref.mean()) / ref.std(), atol=1e-12)
    assert np.corrcoef(known["pci"].to_numpy(), ref)[0, 1] == pytest.approx(1.0, abs=1e-12)
    # the industry present nowhere is trimmed here and null there
    assert result.trimmed["code"].to_list() == expected.filter(pl.col("pci").is_null())["industry"].to_list()
