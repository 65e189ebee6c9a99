"""Real Eurostat SBS data (sbs_r_nuts06_r2, persons employed): Czech manufacturing 2010-2015."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from emerging.trends import shift_share, trend_slopes
from emerging.trends.models import fit_trend

pytestmark = pytest.mark.realdata

MANUFACTURING = r"^C(1[0-9]|2[0-9]|3[0-3])$"  # NACE divisions C10-C33


@pytest.fixture(scope="module")
def manufacturing(sbs_employment_nuts2):
    return sbs_employment_nuts2.filter(pl.col("industry").str.contains(MANUFACTURING)).drop("flag")


@pytest.fixture(scope="module")
def czech(manufacturing):
    return manufacturing.filter(pl.col("region").str.starts_with("CZ"))


def test_2015_coverage_is_complete_for_czechia_but_not_for_the_eu(manufacturing, czech):
    known = manufacturing.group_by("year").agg(pl.col("value").is_not_null().mean()).sort("year")
    share = dict(known.iter_rows())
    assert share[2015] < 0.5 < share[2014]  # about half the EU regions lack 2015
    cz = dict(czech.group_by("year").agg(pl.col("value").is_not_null().mean()).iter_rows())
    assert cz[2015] >= cz[2010] > 0.85


def test_czech_shift_share_against_the_nation(czech):
    res = shift_share(czech, start=2010, end=2015, reference="country")
    t = res.table.filter(pl.col("reason").is_null())
    assert set(t["region"]) == {f"CZ0{i}" for i in range(1, 9)}
    assert t.height == 168 and res.exclusions.total == 24  # 24 pairs confidential in a year
    total = t.select(pl.sum_horizontal("national_share", "industry_mix", "competitive"))
    assert total.to_series().to_numpy() == pytest.approx(t["change"].to_numpy(), abs=1e-6)
    # against its own country, competitive effects cancel out within each industry
    per_industry = t.group_by("industry").agg(pl.col("competitive").sum())["competitive"]
    assert np.abs(per_industry.to_numpy()).max() < 1e-6
    top = t.sort("competitive", descending=True).head(3)
    assert list(zip(top["region"], top["industry"], strict=True)) == [
        ("CZ03", "C29"), ("CZ05", "C26"), ("CZ07", "C25")
    ]
    assert top["competitive"][0] == pytest.approx(2906.05, abs=0.01)


def test_czech_shift_share_against_all_regions(manufacturing):
    for end, first in ((2014, ("CZ07", "C25")), (2015, ("CZ07", "C25"))):
        res = shift_share(manufacturing, start=2010, end=end, reference="all")
        cz = res.table.filter(pl.col("region").str.starts_with("CZ") & pl.col("reason").is_null())
        assert cz.height == 168
        best = cz.sort("competitive", descending=True).row(0, named=True)
        assert (best["region"], best["industry"]) == first
        parts = cz.select(pl.sum_horizontal("national_share", "industry_mix", "competitive"))
        assert parts.to_series().to_numpy() == pytest.approx(cz["change"].to_numpy(), abs=1e-6)
    # the like-for-like reference loses the countries without 2015 data
    assert res.exclusions.total > 4000


def test_real_trends_closed_form_equals_statsmodels(czech):
    res = trend_slopes(czech, start=2008, end=2015, reference="country")
    fitted = res.table.filter(pl.col("reason").is_null())
    assert fitted.height > 150
    for row in fitted.sample(5, seed=1).iter_rows(named=True):
        fit = fit_trend(czech, region=row["region"], industry=row["industry"], start=2008,
                        end=2015, reference="country").to_frame().row(0, named=True)
        for c in ("slope", "se", "slope_diff", "se_diff", "acceleration"):
            assert row[c] == pytest.approx(fit[c], rel=1e-8, abs=1e-12)
