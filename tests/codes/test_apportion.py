"""harmonise(splits="apportion"): estimates that sum to the old unit, flagged and reported."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest

from emerging._schema import SchemaError
from emerging.codes.harmonise import harmonise


def _panel(rows):
    return pl.DataFrame(
        rows,
        schema={"region": pl.String, "industry": pl.String, "year": pl.Int32, "value": pl.Float64},
        orient="row",
    )


def _get(res, region, year, industry="C"):
    row = res.panel.filter(
        (pl.col("region") == region) & (pl.col("year") == year) & (pl.col("industry") == industry)
    )
    assert row.height == 1, (region, year, industry, row)
    return row.row(0, named=True)


def test_panel_shares_industry_by_industry():
    # HU11/HU12 first both known in 2016 for C: 60/40 -> HU10 2015 = 100 gives 60 and 40;
    # for J only 2017 has both: 30/10 -> HU10 2015 = 8 gives 6 and 2
    panel = _panel(
        [
            ("HU10", "C", 2015, 100.0),
            ("HU11", "C", 2016, 60.0),
            ("HU12", "C", 2016, 40.0),
            ("HU11", "C", 2017, 70.0),
            ("HU12", "C", 2017, 70.0),
            ("HU10", "J", 2015, 8.0),
            ("HU11", "J", 2016, 5.0),
            ("HU11", "J", 2017, 30.0),
            ("HU12", "J", 2017, 10.0),
        ]
    )
    res = harmonise(panel, to=2021, splits="apportion")
    assert _get(res, "HU11", 2015)["value"] == pytest.approx(60.0)
    assert _get(res, "HU12", 2015)["value"] == pytest.approx(40.0)
    assert _get(res, "HU11", 2015, "J")["value"] == pytest.approx(float(Fraction(3, 4) * 8))
    assert _get(res, "HU12", 2015, "J")["value"] == pytest.approx(2.0)
    assert _get(res, "HU11", 2015)["estimated"] and not _get(res, "HU11", 2016)["estimated"]
    assert res.estimated().height == 4
    assert set(res.estimates["basis"]) == {"panel, industry, 2016", "panel, industry, 2017"}
    row = res.report.filter(pl.col("code") == "HU10").row(0, named=True)
    assert row["status"] == "split_apportioned" and row["mapped"] and row["estimated_rows"] == 4
    assert "4 values estimated" in row["reason"]
    assert "ESTIMATED" in res.summary()


def test_total_shares_when_an_industry_never_has_both_parts():
    # G: HU12 never reported -> the totals of the first year both report (2016: C 60+40,
    # G only HU11 so not in HU12's total) = HU11 60+9=69... totals over every industry each
    # part reports: HU11 69, HU12 40 -> shares 69/109 and 40/109
    panel = _panel(
        [
            ("HU10", "G", 2015, 109.0),
            ("HU11", "C", 2016, 60.0),
            ("HU12", "C", 2016, 40.0),
            ("HU11", "G", 2016, 9.0),
        ]
    )
    res = harmonise(panel, to=2021, splits="apportion")
    assert _get(res, "HU11", 2015, "G")["value"] == pytest.approx(69.0)
    assert _get(res, "HU12", 2015, "G")["value"] == pytest.approx(40.0)
    assert res.estimates["basis"].to_list() == ["panel, total, 2016"] * 2


def test_user_weights_and_sum_preserved():
    panel = _panel([("PL12", "C", 2012, 1000.0), ("PL12", "C", 2013, 1100.0), ("PL21", "C", 2012, 7.0)])
    weights = pl.DataFrame({"region": ["PL91", "PL92"], "weight": [3.0, 1.0]})
    res = harmonise(panel, to=2024, splits="apportion", weights=weights)
    assert _get(res, "PL91", 2012)["value"] == 750.0 and _get(res, "PL92", 2012)["value"] == 250.0
    est = res.estimated()
    assert est.group_by("year").agg(pl.col("value").sum()).sort("year")["value"].to_list() == [1000.0, 1100.0]
    assert set(res.estimates["basis"]) == {"weights"}
    assert not _get(res, "PL21", 2012)["estimated"]


def test_observed_value_wins_over_estimate_and_no_weights_is_reported():
    panel = _panel([("HU10", "C", 2016, 100.0), ("HU11", "C", 2016, 55.0), ("HU12", "C", 2016, 45.0)])
    res = harmonise(panel, to=2021, splits="apportion")
    assert _get(res, "HU11", 2016)["value"] == 55.0 and not _get(res, "HU11", 2016)["estimated"]
    assert res.conflicts == 0
    lonely = harmonise(_panel([("HU10", "C", 2015, 100.0)]), to=2021, splits="apportion")
    row = lonely.report.row(0, named=True)
    assert row["status"] == "split_no_weights" and not row["mapped"]
    assert "weights=" in row["reason"]
    assert lonely.panel.height == 0


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (pl.DataFrame({"region": ["HU11"], "weight": [1.0]}), r"no weight for \['HU12'\]"),
        (pl.DataFrame({"region": ["HU11", "HU12"], "w": [1.0, 2.0]}), "lacks column"),
        (pl.DataFrame({"region": ["HU11", "HU12"], "weight": [1.0, float("inf")]}), "finite"),
        (pl.DataFrame({"region": ["HU11", "HU12"], "weight": [1.0, -2.0]}), ">= 0"),
    ],
)
def test_bad_weights(weights, match):
    with pytest.raises(SchemaError, match=match):
        harmonise(_panel([("HU10", "C", 2015, 1.0)]), splits="apportion", weights=weights)


def test_weights_without_apportion_is_an_error():
    with pytest.raises(ValueError, match="splits='apportion'"):
        harmonise(_panel([("HU10", "C", 2015, 1.0)]), weights=pl.DataFrame({"region": [], "weight": []}))


def test_nuts3_level_is_harmonised():
    # PL127 Miasto Warszawa became PL911 in 2016; PL12A split into PL913 and PL926
    panel = _panel(
        [
            ("PL127", "C", 2014, 5.0),
            ("PL12A", "C", 2014, 4.0),
            ("PL913", "C", 2018, 3.0),
            ("PL926", "C", 2018, 1.0),
        ]
    )
    res = harmonise(panel, to=2021, splits="apportion")
    assert _get(res, "PL911", 2014)["value"] == 5.0
    assert _get(res, "PL913", 2014)["value"] == pytest.approx(3.0)
    assert _get(res, "PL926", 2014)["value"] == pytest.approx(1.0)


@pytest.mark.realdata
def test_real_sbs_budapest_and_warsaw_come_out_flagged(sbs_employment_nuts2):
    plain = harmonise(sbs_employment_nuts2, to=2021, splits="apportion")
    status = dict(plain.report.select("code", "status").iter_rows())
    # the 2017 vintage has no year of HU11/HU12 or PL91/PL92: without weights it says so
    assert status["HU10"] == status["PL12"] == "split_no_weights"
    # with a weight for each new unit (here an illustrative 3:2 split, not a published figure)
    weights = pl.DataFrame(
        {
            "region": ["HU11", "HU12", "PL91", "PL92", "HR02", "HR05", "HR06"],
            "weight": [3.0, 2.0, 3.0, 2.0, 1.0, 1.0, 1.0],
        }
    )
    res = harmonise(sbs_employment_nuts2, to=2021, splits="apportion", weights=weights)
    got = set(res.panel["region"])
    assert {"HU11", "HU12", "PL91", "PL92"} <= got
    est = res.estimated()
    assert set(est.filter(pl.col("region").str.starts_with("HU1"))["region"]) == {"HU11", "HU12"}
    # C29 2014: the HU10 value of the input is divided 3:2, exactly
    src = sbs_employment_nuts2.filter(
        (pl.col("region") == "HU10") & (pl.col("industry") == "C29") & (pl.col("year") == 2014)
    )["value"].item()
    hu11 = _get(res, "HU11", 2014, "C29")
    hu12 = _get(res, "HU12", 2014, "C29")
    assert hu11["estimated"] and hu12["estimated"]
    assert hu11["value"] + hu12["value"] == pytest.approx(src)
    assert hu11["value"] == pytest.approx(src * 3 / 5)
    assert {"split_apportioned"} == set(res.report.filter(pl.col("code").is_in(["HU10", "PL12"]))["status"])
    # nothing observed is marked estimated
    assert not res.panel.filter(pl.col("region") == "CZ06")["estimated"].any()


def test_report_names_the_regulation_of_every_change():
    panel = _panel(
        [
            ("HU10", "C", 2015, 100.0),
            ("DE41", "C", 2008, 1.0),
            ("DE42", "C", 2008, 2.0),
            ("PT17", "C", 2022, 5.0),
        ]
    )
    res = harmonise(
        panel,
        to=2024,
        splits="apportion",
        weights=pl.DataFrame({"region": ["HU11", "HU12", "PT1A", "PT1B"], "weight": [1.0, 1.0, 1.0, 1.0]}),
    )
    reg = dict(res.report.select("code", "regulation").iter_rows())
    assert reg["HU10"] == "Commission Regulation (EU) 2016/2066 (NUTS 2016)"
    assert reg["DE41"] == "Commission Regulation (EU) No 31/2011 (NUTS 2010)"
    assert reg["PT17"] == "Commission Delegated Regulation (EU) 2023/674 (NUTS 2024)"
    assert (res.report["regulation"] != "").all()
