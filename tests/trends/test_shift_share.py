"""Shift-share: hand-computed values, identities as properties, edge cases, plots."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging.trends import shift_share

# 2 regions x 2 industries x 2 years. Reference (all regions): C10 40 -> 51, C11 60 -> 59,
# total 100 -> 110, so g_N = 1/10, g_C10 = 11/40, g_C11 = -1/60.
TINY = pl.DataFrame({
    "region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2,
    "industry": ["C10", "C11"] * 4,
    "year": [2010] * 4 + [2011] * 4,
    "value": [10.0, 20, 30, 40, 12, 18, 39, 41],
})
KEYS = [("CZ01", "C10"), ("CZ01", "C11"), ("CZ02", "C10"), ("CZ02", "C11")]
# national share = E0 * 1/10; industry mix = E0 * (g_i - 1/10); competitive = E0 (g_ri - g_i)
HAND_CLASSIC = {
    "national_share": [F(1), F(2), F(3), F(4)],
    "industry_mix": [F(7, 4), F(-7, 3), F(21, 4), F(-14, 3)],
    "competitive": [F(-3, 4), F(-5, 3), F(3, 4), F(5, 3)],
}
# homothetic = E_r0 * N_i0 / N0 = 30*40/100, 30*60/100, 70*40/100, 70*60/100
# g_ri - g_i = 1/5 - 11/40, -1/10 + 1/60, 3/10 - 11/40, 1/40 + 1/60
HAND_EM = {
    "homothetic": [F(12), F(18), F(28), F(42)],
    "homothetic_competitive": [F(-9, 10), F(-3, 2), F(7, 10), F(7, 4)],
    "allocation": [F(3, 20), F(-1, 6), F(1, 20), F(-1, 12)],
}


def _cell(region, industry, year):
    return (pl.col("region") == region) & (pl.col("industry") == industry) & (
        pl.col("year") == year
    )


def _column(result, name):
    table = result.table.sort("region", "industry")
    assert list(zip(table["region"], table["industry"], strict=True)) == KEYS
    return table[name].to_list()


@pytest.mark.parametrize("name", list(HAND_CLASSIC))
def test_classic_matches_hand_computation(name):
    got = _column(shift_share(TINY, start=2010, end=2011), name)
    assert got == pytest.approx([float(v) for v in HAND_CLASSIC[name]], abs=1e-12)


@pytest.mark.parametrize("name", list(HAND_EM))
def test_esteban_marquillas_matches_hand_computation(name):
    res = shift_share(TINY, start=2010, end=2011, method="esteban_marquillas")
    assert _column(res, name) == pytest.approx([float(v) for v in HAND_EM[name]], abs=1e-12)


def test_dynamic_equals_sum_of_yearly_classic_steps():
    third = TINY.filter(pl.col("year") == 2011).with_columns(
        year=pl.lit(2012, pl.Int32), value=pl.Series([15.0, 16, 45, 40])
    )
    panel = pl.concat([TINY.with_columns(pl.col("year").cast(pl.Int32)), third])
    dyn = shift_share(panel, start=2010, end=2012, method="dynamic")
    dyn = dyn.table.sort("region", "industry")
    step1 = shift_share(panel, start=2010, end=2011).table.sort("region", "industry")
    step2 = shift_share(panel, start=2011, end=2012).table.sort("region", "industry")
    whole = shift_share(panel, start=2010, end=2012).table.sort("region", "industry")
    for c in ("national_share", "industry_mix", "competitive"):
        assert dyn[c].to_numpy() == pytest.approx((step1[c] + step2[c]).to_numpy(), abs=1e-12)
    assert not np.allclose(dyn["industry_mix"].to_numpy(), whole["industry_mix"].to_numpy())
    assert dyn["change"].to_list() == whole["change"].to_list()


def test_country_and_set_references():
    panel = TINY.with_columns(pl.col("region").replace({"CZ02": "SK01"}))
    by_country = shift_share(panel, start=2010, end=2011, reference="country").table
    # each region is its own country: all change is national share + industry mix
    assert by_country["competitive"].to_numpy() == pytest.approx(np.zeros(4), abs=1e-12)
    own = shift_share(panel, start=2010, end=2011, reference="set", regions=["CZ01"])
    t = own.table.sort("region", "industry")
    # reference = CZ01 only: g_N = 0, g_C10 = 1/5, g_C11 = -1/10
    assert t["national_share"].to_list() == pytest.approx([0, 0, 0, 0], abs=1e-12)
    assert t["industry_mix"].to_list() == pytest.approx([2, -2, 6, -4], abs=1e-12)
    assert "set" in own.reference


def test_unknown_cells_are_excluded_and_counted_and_reference_is_like_for_like():
    panel = TINY.with_columns(
        pl.when(_cell("CZ02", "C11", 2011)).then(None).otherwise(pl.col("value")).alias("value")
    )
    res = shift_share(panel, start=2010, end=2011)
    t = res.table.sort("region", "industry")
    assert t["reason"].to_list()[:3] == [None, None, None]
    assert t["reason"][3] == "unknown value in a year used"
    assert t["competitive"][3] is None
    assert res.exclusions.total == 1
    # reference without CZ02 C11: C11 20 -> 18, total 60 -> 69: g_N = 3/20
    assert t["national_share"][0] == pytest.approx(float(10 * F(3, 20)))


def test_zero_start_employment_is_all_competitive():
    panel = TINY.with_columns(
        pl.when(_cell("CZ01", "C10", 2010)).then(0.0).otherwise(pl.col("value")).alias("value")
    )
    res = shift_share(panel, start=2010, end=2011, method="esteban_marquillas")
    row = res.table.row(0, named=True)
    assert (row["national_share"], row["industry_mix"], row["competitive"]) == (0.0, 0.0, 12.0)
    assert row["allocation"] is None  # g_ri undefined


@st.composite
def panels(draw):
    n_r, n_i, n_t = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 4))
    employment = st.one_of(st.just(0.0), st.floats(0.01, 1e5))  # persons; no subnormals
    values = draw(st.lists(employment, min_size=n_r * n_i * n_t, max_size=n_r * n_i * n_t))
    regions = [f"{'CZ' if r % 2 else 'SK'}0{r}" for r in range(n_r)]
    grid = pl.DataFrame({"region": regions}).join(
        pl.DataFrame({"industry": [f"C{10 + i}" for i in range(n_i)]}), how="cross"
    ).join(pl.DataFrame({"year": list(range(2010, 2010 + n_t))}), how="cross")
    return grid.with_columns(pl.Series("value", values), pl.col("year").cast(pl.Int32))


@settings(max_examples=60, deadline=None)
@given(panels(), st.sampled_from(["classic", "esteban_marquillas", "dynamic"]),
       st.sampled_from(["all", "country"]))
def test_components_sum_to_the_actual_change(panel, method, reference):
    end = int(panel["year"].max())
    res = shift_share(panel, start=2010, end=end, method=method, reference=reference)
    t = res.table.filter(pl.col("reason").is_null())
    parts = [c for c in res.components]
    defined = t.drop_nulls(parts)
    total = defined.select(pl.sum_horizontal(parts)).to_series().to_numpy()
    scale = max(1.0, float(defined["value_start"].abs().max() or 0))
    assert total == pytest.approx(defined["change"].to_numpy(), abs=1e-9 * scale)
    if method != "esteban_marquillas":  # zero start: classic components still defined
        assert t["competitive"].null_count() == 0


@settings(max_examples=30, deadline=None)
@given(panels())
def test_competitive_effects_sum_to_zero_over_regions_against_all(panel):
    t = shift_share(panel, start=2010, end=2011).table
    sums = t.group_by("industry").agg(pl.col("competitive").sum(), pl.col("value_start").sum())
    # an industry that starts from zero has no reference growth rate: all change is competitive
    for row in sums.filter(pl.col("value_start") > 0).iter_rows(named=True):
        assert row["competitive"] == pytest.approx(0.0, abs=1e-9 * max(1.0, row["value_start"]))


def test_result_methods_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    res = shift_share(TINY, start=2010, end=2011, method="esteban_marquillas")
    by_region = res.to_frame(by="region")
    assert by_region["change"].to_list() == [0.0, 10.0]
    assert by_region["competitive"].to_list() == pytest.approx([-29 / 12, 29 / 12])
    text = res.summary()
    assert "Allocation" in text and "CZ02 C11" in text
    assert "<table" in res._repr_html_()
    ax = res.plot()
    assert len(ax.patches) == 2 * 4  # two regions, four components
    ax = res.plot(kind="waterfall", key="CZ02")
    assert [p.get_height() for p in ax.patches][0] == 70.0
    with pytest.raises(ValueError, match="needs key"):
        res.plot(kind="waterfall")


def test_bad_options_fail_with_clear_messages():
    with pytest.raises(ValueError, match=r"method must be one of .*got 'dunn'"):
        shift_share(TINY, start=2010, end=2011, method="dunn")
    with pytest.raises(ValueError, match=r"reference must be one of"):
        shift_share(TINY, start=2010, end=2011, reference="nation")
    with pytest.raises(ValueError, match="needs regions="):
        shift_share(TINY, start=2010, end=2011, reference="set")
    with pytest.raises(ValueError, match=r"year\(s\) \[2009\] not in the panel"):
        shift_share(TINY, start=2009, end=2011)
    with pytest.raises(ValueError, match="no region of the panel is in the reference"):
        shift_share(TINY, start=2010, end=2011, reference="set", regions=["AT11"])
    with pytest.warns(DeprecationWarning, match="use regions= instead"), \
            pytest.raises(ValueError, match="no region of the panel is in the reference"):
        shift_share(TINY, start=2010, end=2011, reference="set", reference_regions=["AT11"])


def test_contract_errors_from_the_fast_cube_validation():
    from emerging._schema import DuplicateKeyError, MixedLevelError

    doubled = pl.concat([TINY, TINY.head(1)])
    with pytest.raises(DuplicateKeyError, match="1 duplicated key"):
        shift_share(doubled, start=2010, end=2011)
    mixed = TINY.with_columns(pl.col("region").replace({"CZ02": "CZ021"}))
    with pytest.raises(MixedLevelError, match="one NUTS level"):
        shift_share(mixed, start=2010, end=2011)


# AT11 C10 starts from zero. Reference (all): C10 10 -> 18, C11 50 -> 54, total 60 -> 72,
# so g_N = 1/5, g_C10 = 4/5, g_C11 = 2/25; region totals at the start: AT11 20, AT12 40.
ZERO_START = pl.DataFrame({
    "region": ["AT11", "AT11", "AT12", "AT12"] * 2,
    "industry": ["C10", "C11"] * 4,
    "year": [2010] * 4 + [2011] * 4,
    "value": [0.0, 20, 10, 30, 6, 18, 12, 36],
})
ZERO_KEYS = [("AT11", "C10"), ("AT11", "C11"), ("AT12", "C10"), ("AT12", "C11")]
# competitive = change - E0 g_N - E0 (g_i - g_N): 6, -2 - 4 + 12/5, 2 - 2 - 6, 6 - 6 + 18/5
# homothetic = 20*10/60, 20*50/60, 40*10/60, 40*50/60; g_ri - g_i = (undefined), -9/50, -3/5, 3/25
HAND_ZERO_START = {
    "competitive": [F(6), F(-18, 5), F(-6), F(18, 5)],
    "homothetic": [F(10, 3), F(50, 3), F(20, 3), F(100, 3)],
    "homothetic_competitive": [None, F(-3), F(-4), F(4)],
    "allocation": [None, F(-3, 5), F(-2), F(-2, 5)],
    "unsplit_competitive": [F(6), F(0), F(0), F(0)],
}


def _as_float(values):
    return [None if v is None else pytest.approx(float(v), abs=1e-12) for v in values]


def test_esteban_marquillas_zero_start_pair_has_a_reason_and_region_totals_add_up():
    """Regression: the zero-start pair used to vanish from the split without a reason, and
    AT11's homothetic + allocation (-18/5) did not add up to its competitive effect (12/5)."""
    res = shift_share(ZERO_START, start=2010, end=2011, method="esteban_marquillas")
    table = res.table.sort("region", "industry")
    assert list(zip(table["region"], table["industry"], strict=True)) == ZERO_KEYS
    for name, expected in HAND_ZERO_START.items():
        assert table[name].to_list() == _as_float(expected), name
    assert table["reason"][0].startswith("zero start employment")
    assert table["reason"].to_list()[1:] == [None, None, None]
    assert res.exclusions.total == 1 and "unsplit_competitive" in str(res.exclusions)
    assert res.components[-1] == "unsplit_competitive"
    by_region = res.to_frame(by="region").sort("region")
    at11 = by_region.row(0, named=True)
    assert at11["pairs"] == 2
    assert at11["competitive"] == pytest.approx(float(F(12, 5)))
    assert at11["homothetic_competitive"] == pytest.approx(-3.0)
    assert at11["allocation"] == pytest.approx(float(F(-3, 5)))
    assert at11["unsplit_competitive"] == pytest.approx(6.0)
    for by in ("region", "industry"):
        t = res.to_frame(by=by)
        split = t["homothetic_competitive"] + t["allocation"] + t["unsplit_competitive"]
        assert split.to_list() == pytest.approx(t["competitive"].to_list(), abs=1e-12)
    assert "Competitive (not split)" in res.summary()
    import matplotlib

    matplotlib.use("Agg")
    assert len(res.plot().patches) == 2 * 5  # two regions, five components
    # without zero starts the extra column is 0 and not listed as a component
    plain = shift_share(TINY, start=2010, end=2011, method="esteban_marquillas")
    assert plain.table["unsplit_competitive"].to_list() == [0.0] * 4
    assert "unsplit_competitive" not in plain.components
    assert str(plain.exclusions) == "no rows excluded"


def test_absent_row_is_no_employment_and_an_absent_region_is_named_as_such():
    """One policy with growth() and specialisation_changes() (engine ``absent="zero"``):
    a pair without a row in a year its region reported starts from 0 (its whole change is
    competitive); a region without any row in a year is excluded with its own reason."""
    panel = TINY.filter(~_cell("CZ02", "C11", 2010))
    res = shift_share(panel, start=2010, end=2011)
    row = res.table.filter(region="CZ02", industry="C11").row(0, named=True)
    assert row["value_start"] == 0.0 and row["reason"] is None
    assert row["national_share"] == 0.0 and row["industry_mix"] == 0.0
    assert row["competitive"] == row["change"] == row["value_end"]
    assert res.exclusions.total == 0
    gone = TINY.filter(~((pl.col("region") == "CZ02") & (pl.col("year") == 2010)))
    res = shift_share(gone, start=2010, end=2011)
    rows = res.table.filter(region="CZ02")
    assert set(rows["reason"].to_list()) == {"region absent in 2010"}
    assert rows["competitive"].null_count() == rows.height
    assert res.exclusions.counts["pairs whose region has no row in a year used"] == rows.height
    assert res.exclusions.counts["pairs with an unknown (null) value in a year used"] == 0


def test_dynamic_names_the_intermediate_year_without_reference_employment():
    """Regression: a step from 2011 without reference employment was reported as
    "zero reference employment at the start" (2010, where the reference had 10)."""
    panel = pl.DataFrame({
        "region": ["CZ01", "CZ01", "SK01", "SK01"] * 3,
        "industry": ["C10", "C11"] * 6,
        "year": [2010] * 4 + [2011] * 4 + [2012] * 4,
        "value": [10.0, 10, 5, 5, 0, 10, 5, 5, 5, 10, 5, 5],
    })
    kw = {"reference": "set", "regions": ["CZ01"]}
    res = shift_share(panel, start=2010, end=2012, method="dynamic", **kw)
    row = res.table.filter(region="SK01", industry="C10").row(0, named=True)
    assert row["reason"] == "zero reference employment in the industry in 2011"
    assert row["competitive"] is None and row["change"] == 0.0
    assert res.exclusions.total == 1
    # the two-year decomposition has a reference in 2010 (10 -> 5): it is defined
    classic = shift_share(panel, start=2010, end=2012, **kw)
    sk = classic.table.filter(region="SK01", industry="C10").row(0, named=True)
    # g_N = 15/20 - 1 = -1/4, g_C10 = -1/2: national -5/4, mix -5/4, competitive 5/2
    assert (sk["national_share"], sk["industry_mix"], sk["competitive"]) == pytest.approx(
        (float(F(-5, 4)), float(F(-5, 4)), float(F(5, 2)))
    )
    assert sk["reason"] is None


@settings(max_examples=40, deadline=None)
@given(panels(), st.sampled_from(["all", "country"]))
def test_esteban_marquillas_region_totals_add_up(panel, reference):
    end = int(panel["year"].max())
    res = shift_share(panel, start=2010, end=end, method="esteban_marquillas", reference=reference)
    for by in ("region", "industry"):
        t = res.to_frame(by=by)
        parts = t.select(pl.sum_horizontal(res.components)).to_series().to_numpy()
        scale = max(1.0, float(t["value_start"].abs().max() or 0), float(t["value_end"].max() or 0))
        assert parts == pytest.approx(t["change"].to_numpy(), abs=1e-9 * scale)
