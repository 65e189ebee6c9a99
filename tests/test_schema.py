"""The data contract: every failure names the column, the expected and the found."""

import polars as pl
import pytest

from emerging._schema import (
    DtypeError,
    DuplicateKeyError,
    EmptySelectionError,
    MissingColumnError,
    MixedLevelError,
    NegativeValueError,
    SchemaError,
    validate_edges,
    validate_panel,
    validate_participations,
)


def panel(**overrides):
    data = {
        "region": ["CZ06", "CZ06", "SK02", "SK02"],
        "industry": ["C26", "C29", "C26", "C29"],
        "year": [2020, 2020, 2020, 2020],
        "value": [10.0, 20.0, 30.0, None],
    }
    data.update(overrides)
    return pl.DataFrame(data)


def test_valid_panel_is_returned_with_contract_dtypes():
    out = validate_panel(panel(year=[2020] * 4, value=[1, 2, 3, 4]))
    assert out.schema["year"] == pl.Int32
    assert out.schema["value"] == pl.Float64
    assert out["value"].to_list() == [1.0, 2.0, 3.0, 4.0]


def test_lazy_input_is_accepted():
    assert validate_panel(panel().lazy()).height == 4


def test_missing_column_names_expected_and_found():
    with pytest.raises(MissingColumnError, match=r"lacks column\(s\) \['value'\].*found \['region'"):
        validate_panel(panel().drop("value"))


def test_text_in_value_column_is_a_dtype_error_quoting_bad_values():
    bad = panel(value=["1", "2", "n/a", "4"])
    with pytest.raises(DtypeError, match=r"column 'value': expected Float64.*'n/a'"):
        validate_panel(bad)


def test_fractional_years_are_rejected():
    with pytest.raises(DtypeError, match="whole numbers"):
        validate_panel(panel(year=[2020.5, 2020.0, 2020.0, 2020.0]))


def test_duplicate_keys_show_the_first_duplicates_and_counts():
    bad = pl.concat([panel(), panel().head(1)])
    with pytest.raises(DuplicateKeyError) as info:
        validate_panel(bad)
    message = str(info.value)
    assert "1 duplicated key(s)" in message
    assert "region='CZ06', industry='C26', year=2020, rows=2" in message


def test_negative_values_report_how_many_and_where():
    with pytest.raises(NegativeValueError) as info:
        validate_panel(panel(value=[-1.0, 2.0, -3.0, 4.0]))
    message = str(info.value)
    assert "2 negative value(s)" in message and "region='CZ06'" in message and "-3.0" in message


def test_mixed_nuts_levels_are_refused_unless_allowed():
    mixed = panel(region=["CZ", "CZ06", "SK02", "SK02"])
    with pytest.raises(MixedLevelError, match="level 0: 1 rows.*level 2: 3 rows"):
        validate_panel(mixed)
    assert validate_panel(mixed, allow_mixed_levels=True).height == 4


def test_empty_panel_is_an_error_unless_allowed():
    empty = panel().clear()
    with pytest.raises(EmptySelectionError, match="is empty"):
        validate_panel(empty)
    assert validate_panel(empty, allow_empty=True).height == 0


def test_null_keys_are_refused():
    with pytest.raises(SchemaError, match="column 'industry': expected no nulls"):
        validate_panel(panel(industry=["C26", None, "C26", "C29"]))


def test_null_values_are_allowed_as_unknown():
    assert validate_panel(panel())["value"].null_count() == 1


def participations(**overrides):
    data = {
        "project": ["P1", "P1", "P2"],
        "organisation": ["O1", "O2", "O1"],
        "region": ["CZ064", "SK021", "CZ064"],
        "country": ["CZ", "SK", "CZ"],
        "role": ["coordinator", "participant", "participant"],
        "start_year": [2016, 2016, 2019],
    }
    data.update(overrides)
    return pl.DataFrame(data)


def test_participations_contract():
    out = validate_participations(participations(funding=[1.0, 2.0, 3.0]))
    assert out.schema["start_year"] == pl.Int32
    with pytest.raises(DuplicateKeyError, match="project='P1', organisation='O1'"):
        validate_participations(participations(organisation=["O1", "O1", "O1"]))
    with pytest.raises(NegativeValueError, match="funding"):
        validate_participations(participations(funding=[1.0, -2.0, 3.0]))
    with pytest.raises(SchemaError, match="column 'region': expected no nulls"):
        validate_participations(participations(region=["CZ064", None, "CZ064"]))


def test_edges_contract():
    edges = pl.DataFrame({"source": ["A", "B"], "target": ["B", "C"], "weight": [1, 2]})
    assert validate_edges(edges).schema["weight"] == pl.Float64
    with pytest.raises(NegativeValueError):
        validate_edges(edges.with_columns(weight=pl.lit(-1.0)))


def test_validate_pairs_names_the_fix():
    from emerging._schema import MissingColumnError, SchemaError, validate_pairs

    good = pl.DataFrame({"industry": ["C10", "C11"], "industry_other": ["C11", "C10"],
                         "proximity": [0.5, 0.5]})
    assert validate_pairs(good.lazy()).equals(good)
    old = good.rename({"industry": "industry_a", "industry_other": "industry_b"})
    with pytest.raises(MissingColumnError, match=r"frame.rename\(\{'industry_a': 'industry', "
                                                 r"'industry_b': 'industry_other'\}\)"):
        validate_pairs(old)
    with pytest.raises(SchemaError, match="with themselves"):
        validate_pairs(good.with_columns(industry_other=pl.lit("C10")).head(1))
    with pytest.raises(SchemaError, match="duplicate"):
        validate_pairs(pl.concat([good, good]))
