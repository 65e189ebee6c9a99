"""Industry concentration: hand values, Ellison-Glaeser, edge cases, ranges."""

from __future__ import annotations

from fractions import Fraction as F

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from emerging.indices.concentration import NO_HERFINDAHL, industry_concentration

from .conftest import make_panel, panels


def row(res, industry: str) -> dict:
    return res.industries.filter(pl.col("industry") == industry).row(0, named=True)


def test_hand_values(three_industries):
    # C10: s = (1/3, 2/3) over AT11, AT12; x = (2/5, 3/5)
    res = industry_concentration(three_industries)
    c10 = row(res, "C10")
    assert c10["krugman"] == pytest.approx(float(F(2, 15)))
    assert c10["hoover"] == pytest.approx(float(F(1, 15)))
    assert c10["raw_g"] == pytest.approx(float(F(2, 225)))
    assert c10["gini"] == pytest.approx(float(F(1, 15)))
    # C11 all in AT11: s = (1, 0); Lorenz: AT12 (w 3/5, s 0), AT11 (w 2/5, s 1)
    c11 = row(res, "C11")
    assert c11["krugman"] == pytest.approx(float(F(6, 5)))
    assert c11["gini"] == pytest.approx(float(1 - F(2, 5) * 1))
    assert c10["ellison_glaeser"] is None and c10["eg_reason"] == NO_HERFINDAHL
    assert res.message == NO_HERFINDAHL
    assert "Ellison-Glaeser: no plant-size Herfindahl" in res.summary()


def test_ellison_glaeser_hand_value(three_industries):
    h = pl.DataFrame({"industry": ["C10", "C11"], "year": [2020, 2020],
                      "herfindahl": [0.1, 1.0]})
    res = industry_concentration(three_industries, herfindahl=h)
    # sum x^2 = 13/25; gamma = (2/225 - 12/25 * 1/10) / (12/25 * 9/10) = -22/243
    assert row(res, "C10")["ellison_glaeser"] == pytest.approx(float(F(-22, 243)))
    assert row(res, "C11")["ellison_glaeser"] is None
    assert row(res, "C11")["eg_reason"] == "Herfindahl must be in (0, 1)"
    assert row(res, "G46")["eg_reason"] == "no Herfindahl for this industry-year"
    assert res.message is None


def test_zero_industry_total():
    p = make_panel([("AT11", "C10", 2020, 0.0), ("AT11", "C11", 2020, 5.0),
                    ("AT12", "C10", 2020, 0.0), ("AT12", "C11", 2020, None)])
    res = industry_concentration(p)
    c10 = row(res, "C10")
    assert c10["reason"] == "zero industry total"
    assert c10["gini"] is None and c10["krugman"] is None
    assert row(res, "C11")["unknown_share"] == pytest.approx(0.5)


def test_missing_herfindahl_column(three_industries):
    from emerging._schema import MissingColumnError

    with pytest.raises(MissingColumnError, match="herfindahl"):
        industry_concentration(three_industries,
                               herfindahl=pl.DataFrame({"industry": ["C10"], "year": [2020]}))


def test_plot_and_html(three_industries):
    import matplotlib

    matplotlib.use("Agg")
    res = industry_concentration(three_industries)
    assert res.plot(index="hoover").get_xlabel() == "hoover"
    assert "Industry concentration" in res._repr_html_()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_ranges(p):
    r = industry_concentration(p).industries.drop_nulls("gini")
    eps = 1e-9
    assert r["gini"].is_between(-eps, 1 + eps).all()
    assert r["hoover"].is_between(-eps, 1 + eps).all()
    assert r["krugman"].is_between(-eps, 2 + eps).all()
    assert r["raw_g"].is_between(-eps, 2 + eps).all()
