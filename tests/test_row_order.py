"""Every step gives the same numbers, to the bit, whatever the order of the panel's rows.

The engine (:mod:`emerging._engine`) sums over its dense ``(year, region, industry)``
arrays, never in row order, so a shuffled panel must give exactly the sorted panel's
results (once both outputs are sorted by their keys).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from emerging.indices import (
    cluster_stars,
    location_quotient,
    regional_diversity,
    specialisation_profile,
    standardised_lq,
)
from emerging.relatedness import analyse_relatedness
from emerging.trends import growth, shift_share, specialisation_changes, trend_slopes


def _panel(seed: int = 0) -> pl.DataFrame:
    """3 countries x 4 regions x 9 NACE divisions x 6 years, non-integer values, some
    nulls and absent rows, sorted by year, region, industry."""
    rng = np.random.default_rng(seed)
    regions = [f"{c}{k:02d}" for c in ("AT", "CZ", "SK") for k in range(1, 5)]
    industries = ["C10", "C11", "C20", "C21", "C26", "F41", "G46", "J62", "M72"]
    rows = []
    for year in range(2015, 2021):
        for region in regions:
            for industry in industries:
                u = rng.random()
                if u < 0.04:
                    continue
                rows.append((region, industry, year,
                             None if u < 0.07 else float(rng.lognormal(4, 1.2))))
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                      "year": pl.Int32, "value": pl.Float64}, orient="row")


SORTED = _panel()
SHUFFLED = SORTED.sample(fraction=1.0, shuffle=True, seed=7)


def _frames(result) -> dict[str, pl.DataFrame]:
    if isinstance(result, pl.DataFrame):
        return {"frame": result}
    out = {}
    for name in ("table", "stars", "thresholds", "regions", "ubiquity", "cells", "lq",
                 "pairs"):
        value = getattr(result, name, None)
        if isinstance(value, pl.DataFrame):
            out[name] = value
    for name in ("diversity", "concentration", "stars"):
        value = getattr(result, name, None)
        if value is not None and not isinstance(value, pl.DataFrame):
            out.update({f"{name}.{k}": v for k, v in _frames(value).items()})
    if hasattr(result, "proximity") and not out.get("proximity"):
        out["proximity"] = result.proximity
    return out


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [c for c in ("region", "industry", "industry_other", "year", "group")
            if c in frame.columns]
    return frame.sort(keys)


STEPS = {
    "location_quotient": lambda p: location_quotient(p),
    "location_quotient country": lambda p: location_quotient(p, reference="country"),
    "standardised_lq": lambda p: standardised_lq(p),
    "regional_diversity": lambda p: regional_diversity(p),
    "cluster_stars set": lambda p: cluster_stars(p, reference="set",
                                                 regions=["AT01", "CZ02", "SK03"]),
    "specialisation_profile": lambda p: specialisation_profile(p),
    "growth": lambda p: growth(p, start=2015, end=2020, reference="country"),
    "shift_share": lambda p: shift_share(p, start=2015, end=2020, method="dynamic"),
    "specialisation_changes": lambda p: specialisation_changes(p, start=2015, end=2020),
    "trend_slopes": lambda p: trend_slopes(p),
    "trend_slopes lq": lambda p: trend_slopes(p, measure="lq"),
    "analyse_relatedness": lambda p: analyse_relatedness(p),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_shuffled_rows_give_the_sorted_results_to_the_bit(step):
    a, b = _frames(STEPS[step](SORTED)), _frames(STEPS[step](SHUFFLED))
    assert a.keys() == b.keys() and a
    for name in a:
        assert _sorted(a[name]).equals(_sorted(b[name])), f"{step}: {name} differs"
