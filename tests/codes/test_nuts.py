"""NUTS helpers and the region sets written as facts."""

import json

import polars as pl
import pytest

from emerging.codes import nuts


def test_levels_parents_countries():
    assert [nuts.nuts_level(c) for c in ("CZ", "CZ0", "CZ06", "CZ064")] == [0, 1, 2, 3]
    assert nuts.nuts_parent("CZ064", 2) == "CZ06"
    assert nuts.nuts_parent("CZ064", 0) == "CZ"
    assert nuts.nuts_country("EL30") == "EL"
    with pytest.raises(ValueError, match="level-3 parent of 'CZ06'"):
        nuts.nuts_parent("CZ06", 3)
    with pytest.raises(ValueError, match="not a NUTS code"):
        nuts.nuts_level("CZ0645")


def test_extra_regio_detection():
    assert [nuts.is_extra_regio(c) for c in ("CZZ", "CZZZ", "ATZZZ", "CZ06", "CZ", "ITC4")] == [
        True, True, True, False, False, False,
    ]
    codes = pl.Series(["CZZZ", "CZ06", "DE"])
    assert pl.select(nuts.is_extra_regio_expr(pl.lit(codes))).to_series().to_list() == [
        True, False, False,
    ]


def test_central_europe_2021_2027_has_81_regions_in_nine_countries():
    area = nuts.central_europe_2021_2027()
    assert len(area) == 81
    assert {c[:2] for c in area} == {"AT", "CZ", "DE", "HR", "HU", "IT", "PL", "SI", "SK"}
    assert "DE91" in area  # Braunschweig joined in 2021-2027
    assert "DE91" not in nuts.CENTRAL_EUROPE_2014_2020
    # Whole countries are whole: all 8 Czech and 17 Polish NUTS-2 regions of NUTS 2021.
    assert sum(c.startswith("CZ") for c in area) == 8
    assert sum(c.startswith("PL") for c in area) == 17


def test_2014_2020_area_uses_nuts_2013_codes():
    old = nuts.CENTRAL_EUROPE_2014_2020
    assert {"HU10", "PL11", "PL12", "DE41", "DE42", "HR04"} <= old
    assert not {"HU11", "PL71", "DE40", "DE91"} & old


def test_clustercoop_partner_regions():
    regions = nuts.clustercoop_regions()
    assert {"ITC1", "SI04", "PL82", "DE11", "DE14"} <= regions
    assert {c for c in regions if c.startswith("CZ")} == {f"CZ0{k}" for k in range(1, 9)}
    assert "SI03" not in regions and "PL81" not in regions


def test_region_set_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="expected one of"):
        nuts.region_set("visegrad")


def test_closest_codes_and_check_regions():
    valid = nuts.central_europe_2021_2027()
    assert nuts.closest_codes("CZ6", valid)[0] == "CZ06"
    with pytest.raises(ValueError, match=r"unknown region code\(s\) \['SK9'\].*SK0"):
        nuts.check_regions(["CZ06", "SK9"], valid)


def test_tile_grid_positions_are_unique():
    table = nuts.central_europe_table()
    assert table.height == 81
    assert table.select("tile_row", "tile_col").is_duplicated().sum() == 0


def test_names_and_codes_match_gisco_nuts_2021(shared_data):
    path = shared_data / "geo" / "gisco_nuts2021_60m" / "NUTS_RG_60M_2021_3035_LEVL_2.geojson"
    features = json.loads(path.read_text())["features"]
    gisco = {f["properties"]["NUTS_ID"]: f["properties"]["NAME_LATN"] for f in features}
    table = nuts.central_europe_table()
    assert set(table["region"]) <= set(gisco)
    assert dict(table.select("region", "name").iter_rows()) == {
        code: gisco[code] for code in table["region"]
    }
