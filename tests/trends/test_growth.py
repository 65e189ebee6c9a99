"""Growth rates, reference growth, entry and exit of specialisations."""

from __future__ import annotations

import math
from fractions import Fraction as F

import polars as pl
import pytest

from emerging.trends import cagr_expr, growth, log_growth_expr, specialisation_changes

PANEL = pl.DataFrame({
    "region": ["CZ01", "CZ02", "SK01", "CZ01", "CZ02", "SK01"] * 1,
    "industry": ["C10"] * 6,
    "year": [2010, 2010, 2010, 2012, 2012, 2012],
    "value": [100.0, 300.0, 50.0, 121.0, 279.0, 75.0],
})


def _rows(frame):
    return {r["region"]: r for r in frame.sort("region").iter_rows(named=True)}


def test_rates_by_hand():
    rows = _rows(growth(PANEL, start=2010, end=2012))
    cz01 = rows["CZ01"]
    assert cz01["abs_change"] == 21.0
    assert cz01["rel_change"] == pytest.approx(float(F(21, 100)))
    assert cz01["cagr"] == pytest.approx(0.1)  # (121/100)**(1/2) - 1
    assert cz01["log_growth"] == pytest.approx(math.log(1.1))
    # reference (all regions): 450 -> 475
    assert cz01["ref_cagr"] == pytest.approx(math.sqrt(475 / 450) - 1)
    assert cz01["cagr_vs_ref"] == pytest.approx(0.1 - (math.sqrt(475 / 450) - 1))
    assert cz01["log_growth_vs_ref"] == pytest.approx(math.log(1.1) - math.log(475 / 450) / 2)


def test_country_and_region_set_references():
    by_country = _rows(growth(PANEL, start=2010, end=2012, reference="country"))
    assert by_country["CZ01"]["ref_start"] == 400.0 and by_country["CZ01"]["ref_end"] == 400.0
    assert by_country["SK01"]["cagr_vs_ref"] == pytest.approx(0.0)
    in_set = _rows(growth(PANEL, start=2010, end=2012, reference="set",
                          regions=["SK01"]))
    assert in_set["CZ02"]["ref_cagr"] == pytest.approx(math.sqrt(1.5) - 1)


def test_named_central_europe_set_as_reference():
    panel = PANEL.with_columns(pl.col("region").replace({"CZ02": "FR10"}))
    out = _rows(growth(panel, start=2010, end=2012, reference="set",
                       regions="central_europe_2021_2027"))
    assert out["FR10"]["ref_start"] == 150.0  # only CZ01 and SK01 are in the programme area


def test_zero_and_unknown_values_have_reasons():
    panel = pl.DataFrame({
        "region": ["CZ01", "CZ02", "CZ03"] * 2,
        "industry": ["C10"] * 6,
        "year": [2010] * 3 + [2011] * 3,
        "value": [0.0, 10.0, None, 5.0, 0.0, 4.0],
    })
    rows = _rows(growth(panel, start=2010, end=2011))
    assert rows["CZ01"]["reason"] == "zero at start" and rows["CZ01"]["cagr"] is None
    assert rows["CZ01"]["abs_change"] == 5.0
    assert rows["CZ02"]["reason"] == "zero at end" and rows["CZ02"]["cagr"] == -1.0
    assert rows["CZ02"]["log_growth"] is None
    assert rows["CZ03"]["reason"] == "unknown value in a year used"
    assert rows["CZ03"]["value_end"] == 4.0 and rows["CZ03"]["abs_change"] is None
    assert rows["CZ01"]["ref_start"] == 10.0  # CZ03 is left out of the reference


def test_lazy_in_lazy_out_and_expressions():
    out = growth(PANEL.lazy(), start=2010, end=2012)
    assert isinstance(out, pl.LazyFrame)
    frame = pl.DataFrame({"a": [100.0, 0.0], "b": [121.0, 5.0]})
    got = frame.select(cagr_expr("a", "b", 2), log_growth_expr("a", "b", 2).alias("g"))
    assert got["cagr"].to_list()[0] == pytest.approx(0.1) and got["cagr"][1] is None
    assert got["g"][0] == pytest.approx(math.log(1.1)) and got["g"][1] is None


def test_entry_and_exit_tables_by_hand():
    # 2010: CZ01 specialised in C10 (LQ 1.2), CZ02 in C11; 2011: CZ01 switches to C11
    panel = pl.DataFrame({
        "region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2,
        "industry": ["C10", "C11"] * 4,
        "year": [2010] * 4 + [2011] * 4,
        "value": [60.0, 40, 40, 60, 40, 60, 60, 40],
    })
    res = specialisation_changes(panel, start=2010, end=2011)
    status = {(r["region"], r["industry"]): r["status"] for r in res.pairs.iter_rows(named=True)}
    assert status == {("CZ01", "C10"): "exit", ("CZ01", "C11"): "entry",
                      ("CZ02", "C10"): "entry", ("CZ02", "C11"): "exit"}
    table = res.table("region")
    assert table["entry"].to_list() == [1, 1] and table["net"].to_list() == [0, 0]
    assert res.table("industry")["exit"].to_list() == [1, 1]
    assert "entry: 2" in res.summary()


def test_entry_exit_counts_unknown_pairs():
    import matplotlib

    matplotlib.use("Agg")
    panel = pl.DataFrame({
        "region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2,
        "industry": ["C10", "C11"] * 4,
        "year": [2010] * 4 + [2011] * 4,
        "value": [60.0, 40, 40, 60, None, 60, 60, 40],
    })
    res = specialisation_changes(panel, start=2010, end=2011)
    assert res.exclusions.total == 1
    assert res.table("region").filter(region="CZ01")["unknown"].item() == 1
    assert res.plot() is not None
    with pytest.raises(ValueError, match=r"year\(s\) \[2012\] not in the panel"):
        specialisation_changes(panel, start=2010, end=2012)


# CZ01 has no C10 row in 2010 and 30 of its 70 employees in C10 in 2011.
# 2011: N_C10 = 70, N = 210, so LQ(CZ01, C10) = (30/70) / (70/210) = 9/7 (about 1.29).
ABSENT_AT_START = pl.DataFrame({
    "region": ["CZ01", "CZ02", "CZ02", "CZ01", "CZ01", "CZ02", "CZ02"],
    "industry": ["C11", "C10", "C11", "C10", "C11", "C10", "C11"],
    "year": [2010, 2010, 2010, 2011, 2011, 2011, 2011],
    "value": [50.0, 40, 100, 30, 40, 40, 100],
})


def test_absent_row_at_start_is_no_employment_so_the_pair_enters():
    """Regression: a pair without a row at the start and LQ 9/7 at the end was labelled
    "unknown" and counted under "undefined LQ"; the indices read an absent row as 0."""
    res = specialisation_changes(ABSENT_AT_START, start=2010, end=2011)
    rows = {(r["region"], r["industry"]): r for r in res.pairs.iter_rows(named=True)}
    cz01 = rows[("CZ01", "C10")]
    assert cz01["status"] == "entry" and cz01["present_start"] is False
    assert cz01["lq_start"] == 0.0 and cz01["row_start"] is False and cz01["row_end"] is True
    assert cz01["lq_end"] == pytest.approx(float(F(9, 7)))
    # 2010: N_C10 = 40, N_C11 = 150, N = 190; 2011: N_C11 = 140
    assert rows[("CZ01", "C11")]["lq_start"] == pytest.approx(float(F(19, 15)))
    assert rows[("CZ02", "C11")]["lq_start"] == pytest.approx(float(F(19, 21)))
    assert rows[("CZ02", "C11")]["lq_end"] == pytest.approx(float(F(15, 14)))
    assert {k: r["status"] for k, r in rows.items()} == {
        ("CZ01", "C10"): "entry", ("CZ01", "C11"): "exit",
        ("CZ02", "C10"): "exit", ("CZ02", "C11"): "entry",
    }
    assert res.exclusions.total == 0
    # One policy since issue 11 (engine absent="zero"): growth() read the same absent row
    # as unknown ("absent row at start") while the entry above read it as no employment.
    # Now growth reads it as 0 too: absolute change 30, rates undefined ("zero at start"),
    # and the pair counts in the reference totals (2010: C10 = 40 + 0; 2011: 40 + 30).
    g = growth(ABSENT_AT_START, start=2010, end=2011).filter(region="CZ01", industry="C10")
    row = g.row(0, named=True)
    assert row["reason"] == "zero at start" and row["value_start"] == 0.0
    assert row["abs_change"] == 30.0 and row["cagr"] is None and row["value_end"] == 30.0
    assert (row["ref_start"], row["ref_end"]) == (40.0, 70.0)


def test_null_value_and_a_region_without_any_row_stay_unknown():
    panel = pl.DataFrame({
        "region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2 + ["SK01", "SK01"],
        "industry": ["C10", "C11"] * 5,
        "year": [2010] * 4 + [2011] * 6,
        "value": [None, 10.0, 10, 10, 5, 10, 10, 10, 5, 1],
    })
    res = specialisation_changes(panel, start=2010, end=2011)
    status = {(r["region"], r["industry"]): r["status"] for r in res.pairs.iter_rows(named=True)}
    assert status[("CZ01", "C10")] == "unknown"  # null value: unknown, not absent
    # SK01 has no row at all in 2010: no employment, so no LQ (0/0)
    assert status[("SK01", "C10")] == "unknown" and status[("SK01", "C11")] == "unknown"
    assert res.exclusions.total == 3
    rows = _rows(growth(panel, start=2010, end=2011).filter(industry="C10"))
    assert rows["CZ01"]["reason"] == "unknown value in a year used"
    # a region without any row in a year has not reported it: unknown, not zero
    assert rows["SK01"]["reason"] == "region absent at start"
