"""User tables: CSV, XLSX and Parquet through a column mapping into a validated Panel."""

from __future__ import annotations

import polars as pl
import pytest

from emerging._schema import DtypeError, DuplicateKeyError, MissingColumnError
from emerging.io.tables import read_table

MAPPING = {"NUTS": "region", "NACE": "industry", "Year": "year", "Employees": "value"}
ROWS = "NUTS,NACE,Year,Employees,Source\nCZ06,C29,2015,13479,CZSO\nCZ06,C30,2015,:,CZSO\n"


def test_csv_with_mapping(tmp_path):
    path = tmp_path / "emp.csv"
    path.write_text(ROWS)
    panel = read_table(path, columns=MAPPING)
    assert panel.columns == ["region", "industry", "year", "value", "Source"]
    assert panel.schema["year"] == pl.Int32 and panel.schema["value"] == pl.Float64
    assert panel["value"].to_list() == [13479.0, None]  # ':' is unknown, not 0


def test_parquet_and_tsv(tmp_path):
    frame = pl.DataFrame(
        {
            "region": ["SK01", "SK02"],
            "industry": ["C", "C"],
            "year": [2015, 2015],
            "value": [1.5, 2.0],
        }
    )
    frame.write_parquet(tmp_path / "p.parquet")
    assert read_table(tmp_path / "p.parquet")["value"].to_list() == [1.5, 2.0]
    (tmp_path / "t.tsv").write_text(ROWS.replace(",", "\t"))
    assert read_table(tmp_path / "t.tsv", columns=MAPPING).height == 2


def test_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("fastexcel")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "employment"
    for line in ROWS.replace(",:,", ",,").splitlines():
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    book.save(tmp_path / "emp.xlsx")
    panel = read_table(tmp_path / "emp.xlsx", columns=MAPPING, sheet="employment")
    assert panel["value"].to_list() == [13479.0, None]
    assert panel["year"].to_list() == [2015, 2015]


def test_errors(tmp_path):
    path = tmp_path / "emp.csv"
    path.write_text(ROWS)
    with pytest.raises(MissingColumnError, match=r"emp\.csv: mapped column\(s\) \['nuts'\]"):
        read_table(path, columns={"nuts": "region", "NACE": "industry", "Year": "year"})
    with pytest.raises(MissingColumnError, match=r"no column for \['value'\]"):
        read_table(path, columns={"NUTS": "region", "NACE": "industry", "Year": "year"})
    with pytest.raises(ValueError, match="not Panel columns"):
        read_table(path, columns={"NUTS": "nuts_code"})
    (tmp_path / "emp.json").write_text("{}")
    with pytest.raises(ValueError, match="unknown table format"):
        read_table(tmp_path / "emp.json")
    text = tmp_path / "text.csv"
    text.write_text(ROWS.replace("13479", "13 479 est."))
    with pytest.raises(DtypeError, match="value"):
        read_table(text, columns=MAPPING)
    dup = tmp_path / "dup.csv"
    dup.write_text(ROWS.replace("C30", "C29"))
    with pytest.raises(DuplicateKeyError, match=r"dup\.csv"):
        read_table(dup, columns=MAPPING)
