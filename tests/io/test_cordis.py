"""CORDIS loaders: the hand-made fixture in the official layout and the real H2020 table."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from emerging._schema import validate_participations
from emerging.io.cordis import read_cordis, read_h2020_eunets

FIXTURE = Path(__file__).parent / "fixtures" / "cordis"


@pytest.fixture(scope="module")
def fixture_table():
    return read_cordis(FIXTURE / "organization.csv", FIXTURE / "project.csv")


def test_fixture_rows_regions_and_years(fixture_table):
    p = fixture_table.participations
    validate_participations(p)
    assert p.height == 7
    rows = {(r["project"], r["organisation"]): r for r in p.to_dicts()}
    # NUTS code present -> region is the NUTS-3 code; absent -> the country
    assert rows[("101001", "999000001")]["region"] == "CZ010"
    assert rows[("101002", "999000004")]["region"] == "HU"
    # dd/mm/yyyy and ISO start dates
    assert rows[("101002", "999000002")]["start_year"] == 2020
    assert rows[("101001", "999000001")]["start_year"] == 2019
    # quoted field with a semicolon; quoted field with a line break; doubled quotes
    assert rows[("101001", "999000001")]["name"] == "Univerzita Karlova; Faculty of Science"
    assert rows[("101001", "999000002")]["name"] == "Slovenska technicka univerzita\nv Bratislave"
    assert rows[("101001", "999000003")]["name"] == 'Acme "Precision" s.r.o.'
    assert rows[("101001", "999000001")]["funding"] == 250000.5
    assert rows[("101003", "999000006")]["funding"] is None
    assert rows[("101001", "999000001")]["topic"] == "ICT-01-2019"


def test_fixture_duplicates_merged_and_reported(fixture_table):
    row = fixture_table.participations.filter(
        (pl.col("project") == "101001") & (pl.col("organisation") == "999000003")
    ).row(0, named=True)
    assert row["role"] == "participant"  # higher than thirdParty
    assert row["funding"] == 80000.25 + 1000  # decimal comma read, amounts summed
    dup = fixture_table.duplicates
    assert dup.height == 1 and dup["rows"].to_list() == [2]
    assert dup["roles"].to_list() == [["participant", "thirdparty"]]


def test_fixture_exclusions_by_reason(fixture_table):
    counts = fixture_table.exclusions.counts
    assert counts["no country and no NUTS code"] == 1
    assert counts["project not in project file"] == 1
    assert counts["missing start year"] == 1
    assert counts["duplicate organisation in project (merged)"] == 1
    assert fixture_table.participations.height + fixture_table.exclusions.total == 11
    assert "4 rows excluded" in fixture_table.summary()


def test_duplicates_first_and_error():
    first = read_cordis(FIXTURE / "organization.csv", FIXTURE / "project.csv", duplicates="first")
    row = first.participations.filter(pl.col("organisation") == "999000003").row(0, named=True)
    assert row["funding"] == 80000.25
    with pytest.raises(ValueError, match="more than once in the same project"):
        read_cordis(FIXTURE / "organization.csv", FIXTURE / "project.csv", duplicates="error")
    with pytest.raises(ValueError, match="duplicates must be one of"):
        read_cordis(FIXTURE / "organization.csv", FIXTURE / "project.csv", duplicates="drop")


def test_wrong_header_and_missing_file(tmp_path):
    bad = tmp_path / "organization.csv"
    bad.write_text("projectID,name\n1,x\n")
    with pytest.raises(ValueError, match="header lacks"):
        read_cordis(bad, FIXTURE / "project.csv")
    with pytest.raises(FileNotFoundError, match="cordis.europa.eu"):
        read_cordis(tmp_path / "nope.csv", FIXTURE / "project.csv")


@pytest.mark.realdata
def test_h2020_eunets_counts(shared_data):
    coop = shared_data / "cooperation"
    table = read_h2020_eunets(
        coop / "h2020_participations_eunets.csv.gz", coop / "h2020_programme_parts_eunets.csv.gz"
    )
    p = table.participations
    # 144,726 rows over 31,451 projects in the file; 7 rows lack a start year (PROVENANCE.md)
    assert p.height + table.exclusions.total == 144_726
    assert {k: v for k, v in table.exclusions.counts.items() if v} == {"missing start year": 7}
    assert p["project"].n_unique() == 31_451 - 6  # the 7 rows belong to 6 projects
    assert p["organisation"].n_unique() == 35_871
    assert table.duplicates.height == 0
    by_country = dict(p.group_by("country").len().iter_rows())
    # PROVENANCE.md counts; DE has 17,341 rows of which 3 lack a start year
    expected = {
        "CZ": 1_479,
        "SK": 565,
        "HU": 1_284,
        "PL": 2_309,
        "SI": 1_173,
        "AT": 4_166,
        "DE": 17_341 - 3,
        "IT": 13_444,
    }
    assert {c: by_country[c] for c in expected} == expected
    assert by_country["NA"] > 0  # Namibia, not a missing value
    assert (p["region"] == p["country"]).all()
    assert p["start_year"].min() == 2014
    assert p.filter(pl.col("topic").is_null())["project"].n_unique() > 0
    assert p.filter(pl.col("topic").str.contains(r"\|")).height > 0
