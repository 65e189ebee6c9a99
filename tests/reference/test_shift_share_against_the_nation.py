r"""Shift-share and growth of NUTS-2 regions against their country's NUTS-0 totals.

Where the expected values come from
-----------------------------------
Every expected number below is the formula worked by hand, in fractions, from the table
in this docstring; the formulas are Dunn's (1960) classic decomposition as REAT
(Wieland, *REAT: Regional Economic Analysis Toolbox*, R package, CRAN; function
``shift(region1, region2, nation1, nation2, shift.method = "Dunn")``) documents and
computes it for one region against its nation, with :math:`r_i` the region's and
:math:`n_i` the nation's employment in industry *i*, :math:`R = \sum_i r_i`,
:math:`N = \sum_i n_i`, years 1 and 2:

- national share :math:`= R^1 N^2/N^1 - R^1 = R^1 g_N`
- industrial mix :math:`= \sum_i r^1_i n^2_i/n^1_i - R^1 N^2/N^1 = \sum_i r^1_i (g_i - g_N)`
- regional shift :math:`= \sum_i r^1_i (r^2_i/r^1_i - n^2_i/n^1_i) = \sum_i r^1_i (g_{ri} - g_i)`
  (``competitive`` here)
- net total shift :math:`= R^2 - R^1 N^2/N^1` = industrial mix + regional shift.

REAT works on the vectors of one region; :func:`emerging.trends.shift_share` with
``reference=<frame of NUTS-0 rows>`` does all regions at once, each against its own
country's row, and ``to_frame(by="region")`` sums the pairs into REAT's region totals.
(REAT itself is R and not run here; these are its documented definitions evaluated by
hand, which is what it returns for these vectors.)

The data (employment, 2015 -> 2020)::

                 C10        C20        J62
    CZ01       40 -> 50   60 -> 54   20 -> 36      R = 120 -> 140
    CZ02       10 -> 12   (no row) -> 5   30 -> 30
    AT11       20 -> 18   30 -> 33   10 -> 14      R =  60 ->  65
    CZ (NUTS-0) 400 -> 440 300 -> 330 100 -> 150   N = 800 -> 920
    AT (NUTS-0) 200 -> 190 300 -> 330 100 -> 120   N = 600 -> 640

plus rows Eurostat also publishes and that must not enter: an industry ``TOTAL`` and a
country (SK) that is not in the panel.

CZ: g_N = 3/20, g_C10 = g_C20 = 1/10, g_J62 = 1/2. CZ01 national share 18 (6 + 9 + 3),
industrial mix 2 (-2 - 3 + 7), regional shift 0 (6 - 12 + 6), change 20.
AT: g_N = 1/15, g_C10 = -1/20, g_C20 = 1/10, g_J62 = 1/5. AT11 national share 4
(4/3 + 2 + 2/3), industrial mix 0 (-7/3 + 1 + 4/3), regional shift 1 (-1 + 0 + 2),
change 5.
CZ02 C20 has no row in 2015 while CZ02 reported other industries: no employment (the
package's documented policy), so it starts from 0, its national share and mix are 0 and
its whole change (5) is competitive; REAT has no value there (0 times 5/0).
"""

from __future__ import annotations

from fractions import Fraction as F

import polars as pl
import pytest

from emerging.indices import location_quotient
from emerging.trends import growth, shift_share

PANEL = pl.DataFrame(
    [("CZ01", "C10", 2015, 40.0), ("CZ01", "C20", 2015, 60.0), ("CZ01", "J62", 2015, 20.0),
     ("CZ02", "C10", 2015, 10.0), ("CZ02", "J62", 2015, 30.0),
     ("AT11", "C10", 2015, 20.0), ("AT11", "C20", 2015, 30.0), ("AT11", "J62", 2015, 10.0),
     ("CZ01", "C10", 2020, 50.0), ("CZ01", "C20", 2020, 54.0), ("CZ01", "J62", 2020, 36.0),
     ("CZ02", "C10", 2020, 12.0), ("CZ02", "C20", 2020, 5.0), ("CZ02", "J62", 2020, 30.0),
     ("AT11", "C10", 2020, 18.0), ("AT11", "C20", 2020, 33.0), ("AT11", "J62", 2020, 14.0)],
    schema={"region": pl.String, "industry": pl.String, "year": pl.Int32, "value": pl.Float64},
    orient="row",
)
NATIONS = pl.DataFrame(
    [("CZ", "C10", 2015, 400.0), ("CZ", "C20", 2015, 300.0), ("CZ", "J62", 2015, 100.0),
     ("CZ", "C10", 2020, 440.0), ("CZ", "C20", 2020, 330.0), ("CZ", "J62", 2020, 150.0),
     ("AT", "C10", 2015, 200.0), ("AT", "C20", 2015, 300.0), ("AT", "J62", 2015, 100.0),
     ("AT", "C10", 2020, 190.0), ("AT", "C20", 2020, 330.0), ("AT", "J62", 2020, 120.0),
     ("CZ", "TOTAL", 2015, 5000.0), ("CZ", "TOTAL", 2020, 5100.0),
     ("SK", "C10", 2015, 99.0), ("SK", "C10", 2020, 1.0)],
    schema={"region": pl.String, "industry": pl.String, "year": pl.Int32, "value": pl.Float64},
    orient="row",
)

# per pair: (national share, industry mix, competitive), worked by hand (see docstring)
HAND = {
    ("CZ01", "C10"): (F(6), F(-2), F(6)),
    ("CZ01", "C20"): (F(9), F(-3), F(-12)),
    ("CZ01", "J62"): (F(3), F(7), F(6)),
    ("CZ02", "C10"): (F(3, 2), F(-1, 2), F(1)),
    ("CZ02", "C20"): (F(0), F(0), F(5)),
    ("CZ02", "J62"): (F(9, 2), F(21, 2), F(-15)),
    ("AT11", "C10"): (F(4, 3), F(-7, 3), F(-1)),
    ("AT11", "C20"): (F(2), F(1), F(0)),
    ("AT11", "J62"): (F(2, 3), F(4, 3), F(2)),
}
# REAT's shift() for CZ01 and AT11 against their nations: national share, industrial
# mix, regional shift, net total shift
REAT_DUNN = {"CZ01": (F(18), F(2), F(0), F(2)), "AT11": (F(4), F(0), F(1), F(1))}


def test_pairs_against_their_country_match_the_hand_computation():
    res = shift_share(PANEL, start=2015, end=2020, reference=NATIONS)
    rows = {(r["region"], r["industry"]): r for r in res.table.iter_rows(named=True)}
    assert set(rows) == set(HAND)
    for key, (national, mix, competitive) in HAND.items():
        row = rows[key]
        assert row["national_share"] == pytest.approx(float(national), abs=1e-12), key
        assert row["industry_mix"] == pytest.approx(float(mix), abs=1e-12), key
        assert row["competitive"] == pytest.approx(float(competitive), abs=1e-12), key
        assert row["reason"] is None
    assert res.exclusions.total == 0
    assert "NUTS-0" in res.reference


def test_region_totals_are_reats_dunn_components():
    by_region = shift_share(PANEL, start=2015, end=2020, reference=NATIONS).to_frame(by="region")
    for region, (national, mix, regional, net_total) in REAT_DUNN.items():
        row = by_region.filter(region=region).row(0, named=True)
        assert row["national_share"] == pytest.approx(float(national), abs=1e-12)
        assert row["industry_mix"] == pytest.approx(float(mix), abs=1e-12)
        assert row["competitive"] == pytest.approx(float(regional), abs=1e-12)
        assert row["industry_mix"] + row["competitive"] == pytest.approx(float(net_total))
        assert row["change"] == pytest.approx(float(national + mix + regional))


def test_an_eu_aggregate_is_one_reference_for_every_region():
    """One aggregate row set (as Eurostat's EU27_2020) is the same reference for all:
    the same as a frame holding only the Czech totals for a Czech-only panel."""
    czech = PANEL.filter(pl.col("region").str.starts_with("CZ"))
    eu = NATIONS.filter(region="CZ").with_columns(pl.lit("EU27_2020").alias("region"))
    a = shift_share(czech, start=2015, end=2020, reference=eu).table
    b = shift_share(czech, start=2015, end=2020, reference=NATIONS).table
    assert a.equals(b)


def test_growth_reads_the_reference_from_the_frame():
    g = growth(PANEL, start=2015, end=2020, reference=NATIONS)
    row = g.filter(region="AT11", industry="J62").row(0, named=True)
    assert (row["ref_start"], row["ref_end"]) == (100.0, 120.0)  # AT's row, not CZ's
    assert row["ref_cagr"] == pytest.approx((120 / 100) ** (1 / 5) - 1, rel=1e-12)
    assert row["cagr"] == pytest.approx((14 / 10) ** (1 / 5) - 1, rel=1e-12)
    assert row["cagr_vs_ref"] == pytest.approx(row["cagr"] - row["ref_cagr"], abs=1e-15)
    cz = g.filter(region="CZ01", industry="C10").row(0, named=True)
    assert (cz["ref_start"], cz["ref_end"]) == (400.0, 440.0)


def test_location_quotient_against_the_nation():
    """LQ(CZ01, C10, 2015) = (40/120) / (400/800) = 2/3; AT11 J62 2020 = (14/65)/(120/640)."""
    lq = location_quotient(PANEL, reference=NATIONS)
    cz = lq.filter(region="CZ01", industry="C10", year=2015)["lq"].item()
    assert cz == pytest.approx(float(F(2, 3)), rel=1e-12)
    at = lq.filter(region="AT11", industry="J62", year=2020)["lq"].item()
    assert at == pytest.approx(float(F(14, 65) / F(120, 640)), rel=1e-12)


def test_unknown_or_unmatched_reference_rows_are_named():
    unknown = NATIONS.with_columns(
        pl.when((pl.col("region") == "AT") & (pl.col("industry") == "C20")
                & (pl.col("year") == 2020)).then(None).otherwise(pl.col("value")).alias("value"))
    res = shift_share(PANEL, start=2015, end=2020, reference=unknown)
    row = res.table.filter(region="AT11", industry="C20").row(0, named=True)
    assert row["competitive"] is None and row["reason"] == "industry unknown in the reference"
    with pytest.raises(ValueError, match=r"no rows for the countries \['AT'\]"):
        shift_share(PANEL, start=2015, end=2020, reference=NATIONS.filter(region="CZ"))
    nuts2 = NATIONS.with_columns(pl.col("region") + "01")
    with pytest.raises(ValueError, match="one aggregate .* or NUTS-0 rows"):
        shift_share(PANEL, start=2015, end=2020, reference=nuts2)
