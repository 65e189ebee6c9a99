"""Bad panels at validate_panel: refused with the problem and the fix named, or normalised and reported."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import polars as pl
import pytest

from emerging._schema import (
    CodesNormalisedWarning,
    DtypeError,
    DuplicateKeyError,
    EmptySelectionError,
    MissingColumnError,
    MixedIndustryLevelError,
    MixedLevelError,
    NegativeValueError,
    NonFiniteValueError,
    NonNutsCodeError,
    RowsDroppedWarning,
    SchemaError,
    validate_panel,
    year_argument,
)


def base(**cols) -> pl.DataFrame:
    data = {
        "region": ["CZ06", "CZ06", "SK02", "SK02"],
        "industry": ["C26", "C29", "C26", "C29"],
        "year": [2015, 2015, 2015, 2015],
        "value": [10.0, 20.0, 30.0, 40.0],
    }
    data.update(cols)
    return pl.DataFrame(data, strict=False)


# (id, panel, keyword options, exception, [patterns that must all be in the message])
REFUSED = [
    (
        "aggregate-EU28",
        base(region=["EU28", "CZ06", "SK02", "SK02"], industry=["C26", "C26", "C26", "C29"]),
        {},
        NonNutsCodeError,
        ["EU28", "aggregates", "drop_aggregates=True"],
    ),
    (
        "aggregate-EU27_2020",
        base(region=["EU27_2020", "CZ06", "SK02", "SK02"], industry=["C26", "C26", "C26", "C29"]),
        {},
        NonNutsCodeError,
        ["EU27_2020", "drop_aggregates"],
    ),
    (
        "aggregate-EA19",
        base(region=["EA19", "CZ06", "SK02", "SK02"], industry=["C26", "C26", "C26", "C29"]),
        {},
        NonNutsCodeError,
        ["EA19"],
    ),
    (
        "aggregate-EU15",
        base(region=["EU15", "CZ06", "SK02", "SK02"], industry=["C26", "C26", "C26", "C29"]),
        {},
        NonNutsCodeError,
        ["EU15"],
    ),
    (
        "aggregate-EA",
        base(region=["EA", "EA", "CZ", "CZ"]),
        {"allow_mixed_levels": True},
        NonNutsCodeError,
        ["'EA'"],
    ),
    ("aggregate-EFTA", base(region=["EFTA", "EFTA", "CZ06", "CZ06"]), {}, NonNutsCodeError, ["EFTA"]),
    (
        "aggregate-EEA30",
        base(region=["EEA30", "EEA30", "CZ06", "CZ06"]),
        {"allow_mixed_levels": True},
        NonNutsCodeError,
        ["EEA30"],
    ),
    (
        "aggregate-EU27_2007",
        base(region=["EU27_2007", "EU27_2007", "CZ06", "CZ06"]),
        {},
        NonNutsCodeError,
        ["EU27_2007"],
    ),
    (
        "unknown-code-checked",
        base(region=["XX99", "XX99", "CZ06", "CZ06"]),
        {"check_codes": True},
        NonNutsCodeError,
        ["XX99", "no NUTS code of any version", "closest"],
    ),
    (
        "unknown-code-CZ09",
        base(region=["CZ09", "CZ09", "CZ06", "CZ06"]),
        {"check_codes": True},
        NonNutsCodeError,
        ["CZ09", "Filter them out"],
    ),
    ("code-with-dash", base(region=["CZ-06", "CZ-06", "CZ06", "CZ06"]), {}, NonNutsCodeError, ["CZ-06"]),
    (
        "code-too-long",
        base(region=["CZ0640", "CZ0640", "CZ06", "CZ06"]),
        {"allow_mixed_levels": True},
        NonNutsCodeError,
        ["CZ0640"],
    ),
    (
        "mixed-nace-section-and-divisions",
        base(industry=["C", "C26", "C", "C26"]),
        {},
        MixedIndustryLevelError,
        ["C with C26", "twice", "allow_mixed_levels=True"],
    ),
    (
        "mixed-nace-division-and-group",
        base(industry=["G47", "G471", "G47", "G471"]),
        {},
        MixedIndustryLevelError,
        ["G47 with G471", "one level"],
    ),
    (
        "mixed-nace-group-and-class",
        base(industry=["C261", "C2611", "C261", "C2611"]),
        {},
        MixedIndustryLevelError,
        ["C261 with C2611"],
    ),
    (
        "mixed-nuts-levels",
        base(region=["CZ0", "CZ06", "SK0", "SK02"], industry=["C26"] * 4),
        {},
        MixedLevelError,
        ["one NUTS level", "allow_mixed_levels=True"],
    ),
    ("value-inf", base(value=[1.0, float("inf"), 3.0, 4.0]), {}, NonFiniteValueError, ["non-finite", "null"]),
    ("value-minus-inf", base(value=[1.0, float("-inf"), 3.0, 4.0]), {}, NonFiniteValueError, ["non-finite"]),
    ("value-nan", base(value=[1.0, float("nan"), 3.0, 4.0]), {}, NonFiniteValueError, ["NaN", "is_finite"]),
    (
        "value-overflowing-total",
        base(value=[1e308, 1e308, 1e308, 1.0]),
        {},
        NonFiniteValueError,
        ["overflows", "Rescale"],
    ),
    ("year-date", base(year=[dt.date(2015, 1, 1)] * 4), {}, DtypeError, ["Date", r"\.dt\.year\(\)"]),
    ("year-datetime", base(year=[dt.datetime(2015, 1, 1)] * 4), {}, DtypeError, ["Datetime", r"dt\.year"]),
    ("year-text", base(year=["2015", "2015", "2015", "twenty"]), {}, DtypeError, ["'twenty'", "year"]),
    (
        "year-fraction",
        base(year=[2015.5, 2015.0, 2015.0, 2015.0]),
        {},
        DtypeError,
        ["whole numbers", "2015.5"],
    ),
    ("value-boolean", base(value=[True, False, True, True]), {}, DtypeError, ["Boolean", "cast"]),
    ("region-integers", base(region=[1, 1, 2, 2]), {}, DtypeError, ["NUTS codes as text", "Map the numbers"]),
    ("value-text", base(value=["1", "2", "n/a", "4"]), {}, DtypeError, ["'n/a'", "Clean or null"]),
    ("value-negative", base(value=[1.0, -2.0, 3.0, 4.0]), {}, NegativeValueError, ["negative", "null"]),
    (
        "duplicate-keys",
        base(industry=["C26", "C26", "C26", "C29"]),
        {},
        DuplicateKeyError,
        ["duplicated", "Aggregate them"],
    ),
    (
        "duplicate-after-normalising",
        base(region=["CZ06", "cz06", "SK02", "SK02"], industry=["C26", "C26", "C26", "C29"]),
        {},
        DuplicateKeyError,
        ["duplicated"],
    ),
    ("missing-value-column", base().drop("value"), {}, MissingColumnError, [r"\['value'\]", "Rename"]),
    ("missing-region-column", base().drop("region"), {}, MissingColumnError, [r"\['region'\]"]),
    (
        "null-region",
        base(region=["CZ06", None, "SK02", "SK02"]),
        {},
        SchemaError,
        ["no nulls", "Fill or drop"],
    ),
    ("null-year", base(year=[2015, None, 2015, 2015]), {}, SchemaError, ["'year'", "no nulls"]),
    ("empty-panel", base().clear(), {}, EmptySelectionError, ["empty", "filters"]),
    (
        "all-rows-aggregates-dropped",
        base(region=["EU28", "EU28", "EA19", "EA19"]),
        {"drop_aggregates": True},
        EmptySelectionError,
        ["dropped as an aggregate"],
    ),
    ("pandas-frame", None, {}, TypeError, ["polars DataFrame", "pl.from_pandas"]),
]


@pytest.mark.parametrize(
    ("case", "panel", "options", "error", "patterns"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_refused_with_problem_and_fix(case, panel, options, error, patterns):
    if case == "pandas-frame":
        panel = {"region": ["CZ06"], "industry": ["C26"], "year": [2015], "value": [1.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CodesNormalisedWarning)
        warnings.simplefilter("ignore", RowsDroppedWarning)
        with pytest.raises(error) as info:
            validate_panel(panel, **options)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))


NORMALISED = [
    ("trailing-space", ["CZ06 ", "CZ06", "SK02", "SK02"], "CZ06"),
    ("leading-space", [" CZ06", "CZ06", "SK02", "SK02"], "CZ06"),
    ("lower-case", ["cz06", "cz06", "SK02", "SK02"], "CZ06"),
    ("mixed-case", ["Cz06", "Cz06", "SK02", "SK02"], "CZ06"),
    ("tab", ["CZ06\t", "CZ06\t", "SK02", "SK02"], "CZ06"),
]


@pytest.mark.parametrize(("case", "regions", "expected"), NORMALISED, ids=[c[0] for c in NORMALISED])
def test_region_codes_normalised_and_reported(case, regions, expected):
    with pytest.warns(CodesNormalisedWarning, match="normalised .* region code"):
        out = validate_panel(base(region=regions))
    assert out["region"][0] == expected
    # 'CZ06 ' is a NUTS-2 code after stripping, not a NUTS-3 one
    assert set(out["region"].str.len_chars()) == {4}


def test_lower_case_nace_is_normalised_but_cluster_names_keep_their_case():
    with pytest.warns(CodesNormalisedWarning, match="industry"):
        out = validate_panel(base(industry=["c26", "C29", "c26", "C29"]))
    assert set(out["industry"]) == {"C26", "C29"}
    kept = validate_panel(base(industry=["Automotive", "Textiles", "Automotive", "Textiles"]))
    assert set(kept["industry"]) == {"Automotive", "Textiles"}


def test_aggregates_dropped_on_request_are_counted():
    panel = base(region=["EU28", "EA19", "SK02", "SK02"])
    with pytest.warns(RowsDroppedWarning, match=r"dropped 2 row\(s\) of 2 region code\(s\)"):
        out = validate_panel(panel, drop_aggregates=True)
    assert set(out["region"]) == {"SK02"}


YEARS = [
    ("text-year", "2015", TypeError, "pass start=2015"),
    ("float-year", 2015.0, TypeError, "pass start=2015"),
    ("date-year", dt.date(2015, 1, 1), TypeError, "pass start=2015"),
    ("bool-year", True, TypeError, "whole year"),
    ("word-year", "last", TypeError, "whole year"),
]


@pytest.mark.parametrize(("case", "value", "error", "fix"), YEARS, ids=[c[0] for c in YEARS])
def test_string_and_other_year_arguments(case, value, error, fix):
    with pytest.raises(error, match=fix):
        year_argument(value, "start")


def test_string_start_year_in_a_trend_function_names_the_fix(demo_data):
    from emerging.trends import shift_share

    with pytest.raises(TypeError, match="pass start=2015"):
        shift_share(demo_data.panel, start="2015", end=2020)
