"""Every index gives the same bits in any row order, on panels larger than a row block.

``tests/test_row_order.py`` checks every layer on a small panel. Here the panels are big
enough (about 50,000 rows) that a shuffled panel is computed in many row blocks of
:func:`emerging.indices._lq_rows._lq_rows` while the sorted one takes the cube path, with
confidential cells, absent rows, a region-year without rows and an industry without
employment, and against every kind of reference economy.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from emerging.codes.nace import nace_labels
from emerging.indices import _lq_rows as lq_rows_module
from emerging.indices import (
    industry_concentration,
    location_quotient,
    presence,
    regional_diversity,
    specialisation_profile,
    standardised_lq,
)

KEYS = ["region", "industry", "year"]


def _panel(*, complete: bool, seed: int = 3) -> pl.DataFrame:
    """3 countries x 20 regions x the 88 NACE divisions x 10 years in cube order (year,
    region, industry), non-integer values; unless ``complete``, some nulls, absent rows,
    one region without rows in 2013 and one industry with zero employment in 2015."""
    rng = np.random.default_rng(seed)
    regions = [f"{c}{k:02d}" for c in ("AT", "CZ", "SK") for k in range(20)]
    industries = nace_labels().filter(pl.col("level") == 2)["industry"].sort().to_list()
    years = list(range(2010, 2020))
    n_r, n_i = len(regions), len(industries)
    y, r, i = (a.reshape(-1) for a in np.meshgrid(
        np.arange(len(years)), np.arange(n_r), np.arange(n_i), indexing="ij"))
    value = rng.lognormal(3.0, 1.4, len(y))
    value[rng.random(len(y)) < 0.3] = 0.0
    frame = pl.DataFrame({
        "region": pl.Series(regions).gather(r), "industry": pl.Series(industries).gather(i),
        "year": pl.Series(np.asarray(years)[y], dtype=pl.Int32), "value": value})
    if complete:
        return frame
    u = rng.random(len(y))
    keep = (u >= 0.03) & ~((r == 4) & (y == 3))
    frame = frame.with_columns(
        value=pl.when(pl.Series(u < 0.06)).then(None)
        .when(pl.Series((i == 7) & (y == 5))).then(0.0).otherwise(pl.col("value")))
    return frame.filter(pl.Series(keep))


def _nuts0(panel: pl.DataFrame) -> pl.DataFrame:
    """National totals with one unknown (null) industry-year."""
    out = (panel.with_columns(pl.col("region").str.slice(0, 2))
           .group_by(KEYS).agg(pl.col("value").fill_null(0.0).sum()).sort(KEYS))
    return out.with_columns(pl.when((pl.col("industry") == "C20") & (pl.col("year") == 2012))
                            .then(None).otherwise(pl.col("value")).alias("value"))


def _calls(panel: pl.DataFrame) -> dict:
    chosen = sorted(set(panel["region"]))[::4]
    return {
        "lq": lambda p: location_quotient(p),
        "lq country": lambda p: location_quotient(p, reference="country"),
        "lq set": lambda p: location_quotient(p, reference="set", regions=chosen),
        "lq nuts0": lambda p: location_quotient(p, reference=_nuts0(panel), level=0.9),
        "standardised": lambda p: standardised_lq(p),
        "presence": lambda p: presence(p, threshold=1.25),
        "diversity": lambda p: regional_diversity(p).regions,
        "concentration": lambda p: industry_concentration(p).industries,
        "profile lq": lambda p: specialisation_profile(p).lq,
        "profile stars": lambda p: specialisation_profile(p).stars.stars,
        "profile diversity": lambda p: specialisation_profile(p).diversity.regions,
    }


ORDERS = {
    "shuffled": lambda p: p.sample(fraction=1.0, shuffle=True, seed=11),
    "series": lambda p: p.sort("region", "industry", "year"),
    "years newest first": lambda p: p.sort("year", descending=True, maintain_order=True),
}


def _by_keys(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort([k for k in KEYS if k in frame.columns])


@pytest.mark.parametrize("complete", [True, False], ids=["complete", "gaps"])
@pytest.mark.parametrize("order", list(ORDERS))
def test_every_output_is_the_same_in_any_row_order(complete, order):
    panel = _panel(complete=complete)
    moved = ORDERS[order](panel)
    for name, call in _calls(panel).items():
        want, got = call(panel), call(moved)
        if got.height == moved.height and set(KEYS) <= set(got.columns):  # per-row output
            assert got.select(KEYS).equals(moved.select(KEYS)), f"{name}: rows reordered"
        assert _by_keys(got).equals(_by_keys(want)), f"{name} ({order}) differs"


def test_the_gap_panel_has_what_the_reasons_need():
    out = location_quotient(_panel(complete=False))
    reasons = set(out["lq_reason"].drop_nulls())
    assert {"confidential", "zero industry total"} <= reasons
    assert out["unknown_share"].max() > 0


def test_row_blocks_do_not_change_the_bits(monkeypatch):
    shuffled = ORDERS["shuffled"](_panel(complete=False))
    want = location_quotient(shuffled, reference="country")
    monkeypatch.setattr(lq_rows_module, "_ROW_BLOCK", 997)  # many blocks, ragged last one
    assert location_quotient(shuffled, reference="country").equals(want)
