"""Bad files at the readers (read_table, read_tsv, read_sdmx_csv): refused with the problem and the fix."""

from __future__ import annotations

import gzip
import re
import warnings

import polars as pl
import pytest

from emerging._schema import (
    DtypeError,
    MissingColumnError,
    NonFiniteValueError,
    NonNutsCodeError,
    RowsDroppedWarning,
    SchemaError,
)
from emerging.io.eurostat import EurostatFormatError, read_sdmx_csv, read_tsv
from emerging.io.tables import InvalidCellsWarning, read_table

HEAD = "region,industry,year,value\n"
GOOD = HEAD + "CZ06,C29,2015,13479\nSK02,C29,2015,9000\n"


def _rows(*lines: str, head: str = HEAD) -> str:
    return head + "".join(line + "\n" for line in lines)


# (id, file text, read_table options, exception, patterns in the message)
TABLES = [
    (
        "semicolon-given-comma",
        GOOD.replace(",", ";"),
        {"separator": ","},
        SchemaError,
        ["semicolon-separated", "separator=';'"],
    ),
    (
        "tab-given-comma",
        GOOD.replace(",", "\t"),
        {"separator": ","},
        SchemaError,
        ["tab-separated", r"separator='\\t'"],
    ),
    ("pipe-given-semicolon", GOOD.replace(",", "|"), {"separator": ";"}, SchemaError, ["pipe-separated"]),
    (
        "flag-cells-without-option",
        _rows("CZ06,C29,2015,3908 d", "SK02,C29,2015,: c"),
        {},
        DtypeError,
        ["'3908 d'", "value_flags=True"],
    ),
    (
        "excel-time-artefact",
        _rows("CZ06,C29,2015,12:00 AM", "SK02,C29,2015,5"),
        {},
        DtypeError,
        ["1 invalid", "12:00 AM", "spreadsheet artefacts", "invalid='null'"],
    ),
    (
        "excel-div0",
        _rows("CZ06,C29,2015,#DIV/0!", "SK02,C29,2015,5"),
        {},
        DtypeError,
        ["#DIV/0!", "invalid='null'"],
    ),
    (
        "excel-date-artefact",
        _rows("CZ06,C29,2015,1900-01-05", "SK02,C29,2015,5"),
        {},
        DtypeError,
        ["1900-01-05"],
    ),
    ("excel-hashes", _rows("CZ06,C29,2015,#####", "SK02,C29,2015,5"), {}, DtypeError, ["#####"]),
    ("excel-na", _rows("CZ06,C29,2015,#N/A", "SK02,C29,2015,5"), {}, DtypeError, ["#N/A"]),
    (
        "text-value",
        _rows("CZ06,C29,2015,about 5", "SK02,C29,2015,5"),
        {},
        DtypeError,
        ["text that is no number", "about 5"],
    ),
    (
        "nan-in-file",
        _rows("CZ06,C29,2015,NaN", "SK02,C29,2015,5"),
        {},
        NonFiniteValueError,
        ["non-finite", "invalid='null'"],
    ),
    ("inf-in-file", _rows("CZ06,C29,2015,inf", "SK02,C29,2015,5"), {}, NonFiniteValueError, ["non-finite"]),
    (
        "1e400-in-file",
        _rows("CZ06,C29,2015,1e400", "SK02,C29,2015,5"),
        {},
        NonFiniteValueError,
        ["beyond 1e308"],
    ),
    (
        "aggregate-in-file",
        _rows("EU28,C29,2015,1", "SK02,C29,2015,5"),
        {},
        NonNutsCodeError,
        ["EU28", "drop_aggregates=True"],
    ),
    (
        "unknown-code-in-file",
        _rows("XX99,C29,2015,1", "SK02,C29,2015,5"),
        {},
        NonNutsCodeError,
        ["XX99", "no NUTS code"],
    ),
    (
        "integer-region-codes",
        _rows("1,C29,2015,1", "2,C29,2015,5"),
        {},
        NonNutsCodeError,
        ["'1'", "no NUTS code"],
    ),
    (
        "no-year-column",
        "region,industry,value\nCZ06,C29,5\n",
        {},
        MissingColumnError,
        [r"\['year'\]", "year=2015"],
    ),
    ("year-given-twice", GOOD, {"year": 2015}, ValueError, ["has a 'year' column", "drop year="]),
    (
        "year-text-constant",
        "region,industry,value\nCZ06,C29,5\n",
        {"year": "2015"},
        TypeError,
        ["int such as 2015"],
    ),
    ("string-year-cells", _rows("CZ06,C29,year 2015,5"), {}, DtypeError, ["'year 2015'"]),
    (
        "value-flags-with-flag-column",
        "region,industry,year,value,flag\nCZ06,C29,2015,5 d,x\n",
        {"value_flags": True},
        SchemaError,
        ["has one"],
    ),
    ("bad-invalid-option", GOOD, {"invalid": "drop"}, ValueError, ["invalid must be one of"]),
    ("mixed-nace-in-file", _rows("CZ06,C,2015,5", "CZ06,C29,2015,5"), {}, SchemaError, ["C with C29"]),
    ("negative-in-file", _rows("CZ06,C29,2015,-5"), {}, SchemaError, ["negative"]),
]


@pytest.mark.parametrize(("case", "text", "options", "error", "patterns"), TABLES, ids=[c[0] for c in TABLES])
def test_read_table_refuses_with_problem_and_fix(tmp_path, case, text, options, error, patterns):
    path = tmp_path / "table.csv"
    path.write_text(text)
    with pytest.raises(error) as info:
        read_table(path, **options)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))


def test_separator_detected_when_not_given(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text(GOOD.replace(",", ";"))
    assert read_table(path)["value"].to_list() == [13479.0, 9000.0]


def test_constant_year_for_a_single_year_table(tmp_path):
    path = tmp_path / "y.csv"
    path.write_text("region,industry,value\nCZ06,C29,5\n")
    out = read_table(path, year=2015)
    assert out["year"].to_list() == [2015] and out.schema["year"] == pl.Int32


def test_value_flags_split_into_value_and_flag(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        _rows("CZ06,C29,2015,3908 d", "SK02,C29,2015,: c", "SK01,C29,2015,12 ", "SK03,C29,2015,4.5 bu")
    )
    out = read_table(path, value_flags=True)
    assert out.select("value", "flag").rows() == [(3908.0, "d"), (None, "c"), (12.0, None), (4.5, "bu")]


def test_invalid_cells_nulled_and_counted_on_request(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(_rows("CZ06,C29,2015,12:00 AM", "SK02,C29,2015,NaN", "SK01,C29,2015,7"))
    with pytest.warns(InvalidCellsWarning, match=r"read 2 invalid cell\(s\)"):
        out = read_table(path, invalid="null")
    assert out["value"].to_list() == [None, None, 7.0]


def test_aggregates_dropped_from_a_file_on_request(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(_rows("EU28,C29,2015,1", "SK02,C29,2015,5"))
    with pytest.warns(RowsDroppedWarning, match="EU28"):
        out = read_table(path, drop_aggregates=True)
    assert out["region"].to_list() == ["SK02"]


def test_whitespace_codes_in_file_are_stripped(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text(_rows("CZ06 ,C29,2015,1"))
    assert read_table(path)["region"].to_list() == ["CZ06"]


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder"):
        read_table(tmp_path)


TSV_HEAD = "nace_r2,indic_sb,geo\\time\t2015 \t2014 \n"
TSVS = [
    (
        "extra-key-field",
        TSV_HEAD + "C29,V16110,CZ06,X\t5 \t4 \n",
        EurostatFormatError,
        ["line 2", "3 comma-separated codes", "with 4"],
    ),
    (
        "semicolon-tsv",
        "nace_r2;indic_sb;geo\\time;2015;2014\nC29;V16110;CZ06;5;4\n",
        EurostatFormatError,
        ["semicolon-separated", "separator=';'"],
    ),
    ("nan-cell", TSV_HEAD + "C29,V16110,CZ06\tNaN \t4 \n", EurostatFormatError, ["'NaN", "finite"]),
    ("inf-cell", TSV_HEAD + "C29,V16110,CZ06\tinf \t4 \n", EurostatFormatError, ["'inf"]),
    (
        "1e400-cell",
        TSV_HEAD + "C29,V16110,CZ06\t1e400 \t4 \n",
        EurostatFormatError,
        ["1e400", "beyond 1e308"],
    ),
    (
        "missing-key-field",
        TSV_HEAD + "C29,CZ06\t5 \t4 \n",
        EurostatFormatError,
        ["expected 3 comma-separated codes"],
    ),
    (
        "no-time-header",
        "nace_r2,indic_sb,geo\t2015\nC29,V16110,CZ06\t5 \n",
        EurostatFormatError,
        ["geo\\\\time", "bulk TSV"],
    ),
    ("unknown-flag", TSV_HEAD + "C29,V16110,CZ06\t5 q\t4 \n", EurostatFormatError, ["unknown flag"]),
    (
        "bad-period",
        "nace_r2,indic_sb,geo\\time\tlast\nC29,V16110,CZ06\t5 \n",
        EurostatFormatError,
        ["period label"],
    ),
    (
        "duplicated-series",
        TSV_HEAD + "C29,V16110,CZ06\t5 \t4 \nC29,V16110,CZ06\t5 \t4 \n",
        EurostatFormatError,
        ["duplicated series"],
    ),
    (
        "short-row",
        TSV_HEAD + "C29,V16110,CZ06\t5 \n",
        EurostatFormatError,
        ["fewer fields|truncated|do not have"],
    ),
]


@pytest.mark.parametrize(("case", "text", "error", "patterns"), TSVS, ids=[c[0] for c in TSVS])
def test_read_tsv_refuses(tmp_path, case, text, error, patterns):
    path = tmp_path / "x.tsv"
    path.write_text(text)
    with pytest.raises(error) as info:
        read_tsv(path)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))


def test_truncated_gzip_names_the_line(tmp_path):
    data = gzip.compress((TSV_HEAD + "C29,V16110,CZ06\t5 \t4 \n" * 3).encode())
    path = tmp_path / "x.tsv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(EurostatFormatError, match="damaged or truncated.*Download the file again"):
        read_tsv(path)


SDMX_HEAD = "DATAFLOW,LAST UPDATE,freq,nace_r2,indic_sb,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
SDMX = [
    (
        "sdmx-nan",
        SDMX_HEAD + "ESTAT:X(1.0),01/01/24 23:00:00,A,C29,V16110,CZ06,2015,NaN,\n",
        ["'NaN", "finite"],
    ),
    ("sdmx-inf", SDMX_HEAD + "ESTAT:X(1.0),01/01/24 23:00:00,A,C29,V16110,CZ06,2015,inf,\n", ["'inf'"]),
    ("sdmx-missing-columns", "DATAFLOW,freq,geo\nX,A,CZ06\n", ["missing", "format=SDMX-CSV"]),
    (
        "sdmx-unknown-flag",
        SDMX_HEAD + "ESTAT:X(1.0),01/01/24 23:00:00,A,C29,V16110,CZ06,2015,5,q\n",
        ["unknown flag"],
    ),
]


@pytest.mark.parametrize(("case", "text", "patterns"), SDMX, ids=[c[0] for c in SDMX])
def test_read_sdmx_refuses(tmp_path, case, text, patterns):
    path = tmp_path / "x.csv"
    path.write_text(text)
    with pytest.raises(EurostatFormatError) as info:
        read_sdmx_csv(path)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))


def test_to_panel_refuses_aggregates_when_asked(tmp_path):
    from emerging.io.eurostat import to_panel

    path = tmp_path / "x.tsv"
    path.write_text(TSV_HEAD + "C29,V16110,CZ06\t5 \t4 \nC29,V16110,EU28\t50 \t40 \n")
    frame = read_tsv(path)
    with pytest.raises(NonNutsCodeError, match="EU28"):
        to_panel(frame, measure={"indic_sb": "V16110"}, drop_aggregates=False)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        panel = to_panel(frame, measure={"indic_sb": "V16110"})
    assert set(panel["region"]) == {"CZ06"} and any("EU28" in str(w.message) for w in seen)
