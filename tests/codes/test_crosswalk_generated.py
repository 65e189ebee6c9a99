"""The committed NUTS tables are exactly what the generator makes from Eurostat's workbooks."""

from __future__ import annotations

from importlib import resources

import polars as pl
import pytest

from emerging.codes.nuts_versions import VERSIONS, lineage, nuts_changes, nuts_codes


@pytest.mark.realdata
def test_regenerating_gives_the_same_bytes(shared_data):
    pytest.importorskip("fastexcel")
    from emerging.codes._generate_crosswalk import generate

    codes, walk = generate(shared_data / "nuts_changes", shared_data / "geo")
    data = resources.files("emerging.codes").joinpath("data")
    assert codes.encode() == data.joinpath("nuts_codes.csv").read_bytes()
    assert walk.encode() == data.joinpath("nuts_crosswalk.csv").read_bytes()


def test_every_step_cites_its_regulation():
    xw = nuts_changes()
    steps = xw.group_by("from_version", "to_version").agg(pl.col("regulation").unique())
    assert steps.height == len(VERSIONS) - 1
    expected = {
        2006: "No 105/2007",
        2010: "No 31/2011",
        2013: "No 1319/2013",
        2016: "2016/2066",
        2021: "2019/1755",
        2024: "2023/674",
    }
    for row in steps.iter_rows(named=True):
        assert len(row["regulation"]) == 1 and expected[row["to_version"]] in row["regulation"][0]
    assert xw["note"].str.contains("Regulation").all()


def test_known_changes_read_from_the_tables():
    xw = nuts_changes()

    def pairs(v, level):
        rows = xw.filter((pl.col("to_version") == v) & (pl.col("level") == level))
        return set(zip(rows["from_code"], rows["to_code"], strict=True))

    assert {("HU10", "HU11"), ("HU10", "HU12"), ("PL12", "PL91"), ("PL12", "PL92")} <= pairs(2016, 2)
    assert {("HU101", "HU110"), ("HU102", "HU120"), ("PL127", "PL911")} <= pairs(2016, 3)
    assert {("PL1", "PL7"), ("PL1", "PL9")} <= pairs(2016, 1)
    assert {("DE41", "DE40"), ("DE42", "DE40")} <= pairs(2010, 2)
    assert {("PT17", "PT1A"), ("PT17", "PT1B"), ("NL31", "NL35")} <= pairs(2024, 2)
    assert {("HR04", "HR02"), ("HR04", "HR05"), ("HR04", "HR06")} <= pairs(2021, 2)
    # DED1 Chemnitz gained Döbeln (DED33) from DED3 Leipzig in 2008: read through NUTS-3
    assert ("DED3", "DED4") in pairs(2010, 2)


def test_code_sets_by_level_and_chain_to_2024():
    assert {"HU11", "HU12", "PL91", "PL92"} <= nuts_codes(2024, 2)
    assert "HU10" in nuts_codes(2013, 2) and "HU10" not in nuts_codes(2016, 2)
    assert all(len(c) == 5 for c in nuts_codes(2021, 3))
    lin = lineage(2010, 2024)
    hu = lin.groups[lin.group_of["HU10"]]
    assert hu[0] == ("HU10",) and hu[1] == ("HU11", "HU12")
    pt = lin.groups[lin.group_of["PT17"]]
    assert pt[1] == ("PT1A", "PT1B")
    # a code that never changed maps to itself through every step
    lin3 = lineage(2003, 2024, 3)
    assert lin3.groups[lin3.group_of["CZ010"]][1] == ("CZ010",)
