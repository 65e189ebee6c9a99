"""estimate_confidential: ECO residual splitting, opt-in, never fabricating from unknowns."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest

from emerging.io.confidential import estimate_confidential
from emerging.io.eurostat import to_panel

SCHEMA = {
    "region": pl.String,
    "industry": pl.String,
    "year": pl.Int32,
    "value": pl.Float64,
    "flag": pl.String,
}


def _panel(rows):
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _get(res, region):
    row = res.panel.filter(pl.col("region") == region).row(0, named=True)
    return row["value"], row["estimated"]


BASE = [
    ("XX0", "C", 2015, 100.0, None),
    ("XX01", "C", 2015, 30.0, None),
    ("XX02", "C", 2015, None, "c"),
    ("XX03", "C", 2015, None, "c"),
    ("XXZZ", "C", 2015, None, None),
]


def test_equal_split_by_hand():
    res = estimate_confidential(_panel(BASE))
    # residual 100 - 30 = 70, two suppressed children: 35 each
    assert _get(res, "XX02") == (35.0, True) and _get(res, "XX03") == (35.0, True)
    assert _get(res, "XX01") == (30.0, False)
    assert res.panel.filter(pl.col("region") == "XX02")["flag"].item() == "c"  # flag kept
    assert res.report["status"].to_list() == ["estimated"]
    assert res.report["residual"].item() == 70.0


def test_weighted_split_by_hand():
    weights = _panel([("XX02", "C", 2015, 1.0, None), ("XX03", "C", 2015, 3.0, None)])
    res = estimate_confidential(_panel(BASE), method="weights", weights=weights)
    assert Fraction(_get(res, "XX02")[0]) == Fraction(70, 4)
    assert Fraction(_get(res, "XX03")[0]) == Fraction(210, 4)
    # estimates plus known children give back the parent total
    kids = res.panel.filter(pl.col("region").str.len_chars() == 4)["value"].sum()
    assert kids == 100.0


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({0: ("XX0", "C", 2015, None, "c")}, "parent unknown"),
        ({1: ("XX01", "C", 2015, None, None)}, "a non-confidential child is missing"),
        ({1: ("XX01", "C", 2015, 130.0, None)}, "negative residual"),
    ],
)
def test_not_estimated_and_says_why(change, status):
    rows = [change.get(i, r) for i, r in enumerate(BASE)]
    res = estimate_confidential(_panel(rows))
    assert res.report["status"].to_list() == [status]
    assert not res.panel["estimated"].any()
    assert res.panel.filter(pl.col("region") == "XX02")["value"].item() is None


def test_unknown_weight_is_not_guessed():
    weights = _panel([("XX02", "C", 2015, 1.0, None), ("XX03", "C", 2015, None, "c")])
    res = estimate_confidential(_panel(BASE), method="weights", weights=weights)
    assert res.report["status"].to_list() == ["weights unknown or zero"]
    assert not res.panel["estimated"].any()


def test_options_are_checked():
    with pytest.raises(ValueError, match=r"method must be one of \('equal', 'weights'\)"):
        estimate_confidential(_panel(BASE), method="prop")
    with pytest.raises(ValueError, match="needs weights="):
        estimate_confidential(_panel(BASE), method="weights")
    with pytest.raises(ValueError, match="no 'flag' column"):
        estimate_confidential(_panel(BASE).drop("flag"))


@pytest.mark.realdata
def test_real_slovak_c30(sbs_raw):
    """C30,V16110 2015: SK0 4133, SK02 641, SK03 1333, SK01 and SK04 ': c', SKZZ ':'."""
    panel = to_panel(sbs_raw, measure={"indic_sb": "V16110"}).filter(
        pl.col("region").str.starts_with("SK") & (pl.col("industry") == "C30")
    )
    res = estimate_confidential(panel)
    est = res.panel.filter(pl.col("year") == 2015)
    sk01 = est.filter(pl.col("region") == "SK01").row(0, named=True)
    assert Fraction(sk01["value"]) == Fraction(4133 - 641 - 1333, 2) and sk01["estimated"]
    assert (
        res.panel.filter(~pl.col("estimated"))["value"].null_count() < panel["value"].null_count()
    )
    # every estimated cell was a confidential one
    assert res.panel.filter(pl.col("estimated"))["flag"].str.contains("c").all()
    assert "estimated" in res.summary()
