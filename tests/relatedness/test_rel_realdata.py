"""Real Eurostat SBS employment (NUTS-2 x NACE divisions, 2008-2015)."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from scipy.stats import spearmanr

from emerging.relatedness._risk_reward import QUADRANTS, risk_reward
from emerging.relatedness.analysis import analyse_relatedness

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def analysis(sbs_employment_nuts2):
    return analyse_relatedness(sbs_employment_nuts2, by="pooled")


def test_eci_equals_ecomplexity_on_real_panel(sbs_employment_nuts2, analysis):
    eco = pytest.importorskip("ecomplexity")
    year = 2014
    panel = sbs_employment_nuts2.filter(pl.col("year") == year)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = eco.ecomplexity(
            panel.select("region", "industry", "year", "value").to_pandas(),
            {"time": "year", "loc": "region", "prod": "industry", "val": "value"},
            verbose=False, check_logsupermodularity=False,
        )
    theirs = pl.from_pandas(theirs[["region", "eci"]]).unique("region").drop_nulls()
    ours = analysis.complexity.regions.filter(pl.col("year") == year).drop_nulls("eci")
    both = ours.join(theirs, on="region")
    assert both.height == ours.height == theirs.height
    assert spearmanr(both["eci"], both["eci_right"]).statistic == pytest.approx(1.0)
    z = (both["eci_right"] - both["eci_right"].mean()) / both["eci_right"].std(ddof=0)
    np.testing.assert_allclose(both["eci"], z, atol=1e-8)


def test_real_proximity_and_density_are_sane(analysis):
    prox = analysis.proximity
    assert prox.height == 68 * 67  # every ordered pair of the 68 divisions
    assert prox["proximity"].min() >= 0 and prox["proximity"].max() <= 1
    cells = analysis.cells.drop_nulls("density")
    assert cells["density"].min() >= 0 and cells["density"].max() <= 100
    # specialisations sit where related industries are: mean density inside > outside
    inside = cells.filter(pl.col("present"))["density"].mean()
    outside = cells.filter(~pl.col("present"))["density"].mean()
    assert inside > outside
    assert analysis.exclusions.counts["unknown value"] > 0  # confidential cells counted


@pytest.mark.parametrize("region", ["CZ06", "HU10"])
def test_risk_reward_on_real_regions(sbs_employment_nuts2, region):
    rr = risk_reward(sbs_employment_nuts2, region, year=2014)
    cands = rr.candidates
    assert cands.height > 10
    present = (
        sbs_employment_nuts2.filter((pl.col("region") == region) & (pl.col("year") == 2014))
    )
    from emerging.indices.lq import presence

    specialised = presence(sbs_employment_nuts2).filter(
        (pl.col("region") == region) & (pl.col("year") == 2014) & pl.col("present")
    )["industry"]
    assert not set(cands["industry"]) & set(specialised)
    assert set(cands["quadrant"]) <= set(QUADRANTS)
    assert present.height == 68
