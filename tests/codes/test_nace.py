"""NACE Rev. 2 helpers, checked against Eurostat's classification file."""

import polars as pl
import pytest

from emerging.codes import nace


@pytest.mark.parametrize(
    ("given", "expected"),
    [("C26", "C26"), ("c26", "C26"), ("26", "C26"), ("26.1", "C261"), ("26.11", "C2611"),
     ("45.1", "G451"), ("G451", "G451"), ("01", "A01"), ("C", "C"), (" 62 ", "J62")],
)
def test_normalise(given, expected):
    assert nace.normalise_nace(given) == expected


@pytest.mark.parametrize("bad", ["C99", "X1", "262", "B-N_S95_X_K", "TOTAL", ""])
def test_normalise_rejects_non_codes(bad):
    with pytest.raises(ValueError, match="not a NACE Rev. 2 code"):
        nace.normalise_nace(bad)


def test_normalise_expr_matches_function():
    codes = ["C26", "26.1", "45.1", "01", "c29", "00.1"]
    out = pl.select(nace.normalise_nace_expr(pl.lit(pl.Series(codes)))).to_series().to_list()
    assert out == ["C26", "C261", "G451", "A01", "C29", None]


def test_levels_parents_sections():
    assert [nace.nace_level(c) for c in ("C", "C26", "C261", "C2611")] == [1, 2, 3, 4]
    assert nace.nace_parent("C2611") == "C261"
    assert nace.nace_parent("C2611", 2) == "C26"
    assert nace.nace_parent("G451", 1) == "G"
    assert nace.nace_section("62") == "J"
    with pytest.raises(ValueError, match="no ancestor at level 3"):
        nace.nace_parent("C26", 3)


def test_labels_fall_back_to_parent():
    assert nace.nace_label("C29") == "Manufacture of motor vehicles, trailers and semi-trailers"
    assert nace.nace_label("26.11") == nace.nace_label("C26")


def test_aggregate_up_the_hierarchy_keeps_unknowns_unknown():
    panel = pl.DataFrame(
        {
            "region": ["CZ06"] * 4,
            "industry": ["C26", "C29", "J62", "J63"],
            "year": [2015] * 4,
            "value": [10.0, 5.0, 3.0, None],
        }
    )
    out = nace.aggregate_nace(panel, level=1)
    assert out.select("industry", "value", "n_null_children").rows() == [
        ("C", 15.0, 0), ("J", None, 1),
    ]
    with pytest.raises(ValueError, match="already holds codes of level"):
        nace.aggregate_nace(out.drop("n_null_children"), level=1)


def test_labels_and_structure_match_eurostat_file(shared_data):
    ref = pl.read_csv(shared_data / "reference" / "nace_rev2_en_eurostat.csv", infer_schema=False)
    assert ref.height == 996
    divisions = ref.filter(pl.col("Level") == "2")
    # every division's section, as the classification gives it, is what normalise infers
    for code, parent, name in divisions.select("nace2", "Parent", "Name").iter_rows():
        eurostat = nace.normalise_nace(code)
        assert eurostat == parent + code
        assert nace.nace_label(eurostat) == name
    sections = ref.filter(pl.col("Level") == "1")
    for code, name in sections.select("nace2", "Name").iter_rows():
        assert nace.nace_label(code).upper() == name
    # all 272 groups and 615 classes normalise and sit under the right division
    finer = ref.filter(pl.col("Level").is_in(["3", "4"]))
    assert finer.height == 272 + 615
    for code, parent in finer.select("nace2", "Parent").iter_rows():
        assert nace.nace_parent(code) == nace.normalise_nace(parent)


def test_sbs_industries_are_all_known(sbs_raw):
    codes = sbs_raw["nace_r2"].unique().to_list()
    assert len(codes) == 101
    assert all(nace.is_nace_code(c) for c in codes)
