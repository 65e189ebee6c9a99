"""One check per kind of mistake: same message and exception type wherever it is made."""

from __future__ import annotations

import polars as pl
import pytest

from emerging._checks import (
    UnknownCodeError,
    YearNotFoundError,
    check_fraction,
    check_level,
    check_option,
    check_regions,
    check_window,
    check_years,
)
from emerging._schema import EmptySelectionError


def _panel():
    return pl.DataFrame({
        "region": ["CZ01", "CZ02", "SK01", "SK02"] * 3,
        "industry": ["C10", "C10", "C11", "C11"] * 3,
        "year": [2010] * 4 + [2011] * 4 + [2012] * 4,
        "value": [10.0, 20, 30, 40, 12, 18, 39, 41, 13, 19, 40, 45],
    })


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, 95, True, "0.95", None])
def test_check_level_rejects_anything_outside_0_1(bad):
    with pytest.raises(ValueError, match="level must be a confidence level strictly between 0 and 1"):
        check_level(bad)


def test_every_confidence_level_uses_the_one_check():
    from emerging.trends import beta_convergence, fit_trend, sigma_convergence, trend_slopes

    panel = _panel()
    calls = [
        lambda: sigma_convergence(panel, start=2010, end=2012, level=1.5),
        lambda: beta_convergence(panel, start=2010, end=2012, level=1.5),
        lambda: trend_slopes(panel, level=1.5),
        lambda: fit_trend(panel, region="CZ01", industry="C10", level=1.5),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=r"^level must be a confidence level strictly "):
            call()


def test_missing_year_one_wording_one_type():
    from emerging.trends import growth, shift_share

    panel = _panel()
    for call in (lambda: growth(panel, start=2010, end=2030),
                 lambda: shift_share(panel, start=2009, end=2012)):
        with pytest.raises(YearNotFoundError, match=r"year\(s\) \[20(30|09)\] not in the panel; "
                                                    r"years present: 2010-2012"):
            call()
    assert issubclass(YearNotFoundError, EmptySelectionError)
    assert issubclass(YearNotFoundError, ValueError)


def test_unknown_region_one_lookup_with_closest_codes():
    from emerging.relatedness import risk_reward
    from emerging.trends import fit_trend

    panel = _panel()
    for call in (lambda: risk_reward(panel, "CZ03"),
                 lambda: fit_trend(panel, region="CZ03", industry="C10")):
        with pytest.raises(UnknownCodeError,
                           match=r"unknown region code\(s\) \['CZ03'\]: 'CZ03': did you mean "
                                 r"\['CZ0[12]', 'CZ0[12]'\]\?"):
            call()


def test_small_checks():
    check_option("by", "region", ("region", "industry"))
    with pytest.raises(ValueError, match=r"by must be one of \('region', 'industry'\); got 'x'"):
        check_option("by", "x", ("region", "industry"))
    with pytest.raises(ValueError, match="share must be a number strictly between 0.0 and 1.0"):
        check_fraction("share", 1.0)
    with pytest.raises(ValueError, match="start must be before end; got start=2012, end=2010"):
        check_window(2012, 2010)
    check_years([2010], [2010, 2011])
    with pytest.raises(YearNotFoundError, match=r"\[2011\] not in the edges; years present: \[2010, 2014\]"):
        check_years([2011], [2010, 2014], what="edges")
    check_regions(["CZ01"], ["CZ01"])
    with pytest.raises(UnknownCodeError, match="unknown industry code"):
        check_regions(["C99"], ["C10"], what="industry")


def test_old_import_paths_still_work():
    from emerging._typing import check_option as from_typing
    from emerging.codes.nuts import check_regions as from_nuts
    from emerging.indices._coded import check_fraction as from_coded

    assert from_typing is check_option and from_nuts is check_regions
    assert from_coded is check_fraction
