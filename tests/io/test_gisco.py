"""GISCO NUTS geometries: the real files in ../shared/data/geo and error paths."""

from __future__ import annotations

import json

import pytest

from emerging.io import gisco

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def geo(shared_data):
    return shared_data / "geo"


def test_file_name_and_options():
    assert gisco.gisco_file_name(level=2, year=2021, scale="60M", epsg=3035) == (
        "NUTS_RG_60M_2021_3035_LEVL_2.geojson"
    )
    with pytest.raises(ValueError, match="scale must be one of"):
        gisco.gisco_file_name(level=2, scale="5M")
    with pytest.raises(ValueError, match="level must be one of"):
        gisco.gisco_file_name(level=4)
    with pytest.raises(ValueError, match="year must be one of"):
        gisco.gisco_file_name(level=2, year=2019)


def test_nuts2_2021_60m_has_334_regions_in_3035(geo):
    g = gisco.load_nuts(level=2, year=2021, scale="60M", folder=geo / "gisco_nuts2021_60m",
                        download=False)
    assert len(g) == 334
    assert list(g.columns) == ["region", "level", "name", "country", "geometry"]
    assert g.crs.to_epsg() == 3035
    assert set(g["level"]) == {2}
    row = g.set_index("region").loc["CZ06"]
    assert row["name"] == "Jihovýchod" and row["country"] == "CZ"
    # EPSG:3035 coordinates are metres: Czechia lies around x 4.5-4.9e6, y 2.9-3.1e6
    x, y = row.geometry.centroid.x, row.geometry.centroid.y
    assert 4.5e6 < x < 5.0e6 and 2.8e6 < y < 3.2e6


def test_4326_file_is_reprojected_to_3035(geo, tmp_path):
    # only the 4326 variant in the folder: it must be found and reprojected
    src = geo / "gisco_nuts2021_60m" / "NUTS_RG_60M_2021_4326_LEVL_2.geojson"
    (tmp_path / src.name).write_bytes(src.read_bytes())
    from4326 = gisco.load_nuts(level=2, scale="60M", folder=tmp_path, cache_dir=tmp_path / "c",
                               download=False)
    from3035 = gisco.read_nuts_geojson(geo / "gisco_nuts2021_60m" /
                                       "NUTS_RG_60M_2021_3035_LEVL_2.geojson")
    assert from4326.crs.to_epsg() == 3035
    a = from4326.set_index("region").loc["AT13"].geometry.centroid
    b = from3035.set_index("region").loc["AT13"].geometry.centroid
    assert a.distance(b) < 2_000  # same place within 2 km (the 60M files are generalised)


def test_20m_2021_has_333_and_2016_has_332(geo):
    g21 = gisco.load_nuts(level=2, scale="20M", folder=geo / "gisco_nuts2021_20m", download=False)
    g16 = gisco.load_nuts(level=2, year=2016, scale="20M", folder=geo / "gisco_nuts2016_20m",
                          download=False)
    assert len(g21) == 333 and len(g16) == 332
    assert g16.crs.to_epsg() == 3035 and g21.crs.to_epsg() == 3035
    # 2016 files have no NAME_LATN: the national-language NUTS_NAME is used
    assert g16.set_index("region").loc["CY00", "name"] == "Κύπρος"
    assert g21.set_index("region").loc["CY00", "name"] == "Kýpros"
    assert "HR04" in set(g16["region"]) and "HR05" not in set(g16["region"])
    assert "HR05" in set(g21["region"]) and "HR04" not in set(g21["region"])


def test_levels_0_to_3(geo):
    counts = [len(gisco.load_nuts(level=lv, scale="60M", folder=geo / "gisco_nuts2021_60m",
                                  download=False)) for lv in (0, 1, 3)]
    assert counts == [37, 125, 1514]


@pytest.fixture
def no_shared(monkeypatch):
    """Search only the folder passed, not ../shared/data/geo (to exercise the download path)."""
    from pathlib import Path

    monkeypatch.setattr(gisco, "geo_dirs", lambda folder=None: [Path(folder)] if folder else [])


def test_missing_file_names_what_was_tried(tmp_path, no_shared):
    with pytest.raises(FileNotFoundError, match="NUTS_RG_20M_2021_3035_LEVL_2.geojson"):
        gisco.load_nuts(level=2, folder=tmp_path, cache_dir=tmp_path, download=False)


def test_offline_download_fails_with_manual_path(tmp_path, monkeypatch, no_shared):
    from emerging.io import cache

    def offline(url, path, **kw):
        assert url == gisco.GISCO_URL + "NUTS_RG_60M_2016_3035_LEVL_1.geojson"
        raise cache.OfflineError(f"could not download {url}; save it as {path}")

    monkeypatch.setattr(gisco, "fetch", offline)
    with pytest.raises(cache.OfflineError, match="save it as"):
        gisco.load_nuts(level=1, year=2016, scale="60M", cache_dir=tmp_path)


def test_downloaded_file_is_read_from_cache(geo, tmp_path, monkeypatch, no_shared):
    src = geo / "gisco_nuts2021_60m" / "NUTS_RG_60M_2021_3035_LEVL_0.geojson"

    def fake_fetch(url, path, **kw):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(src.read_bytes())
        return path

    monkeypatch.setattr(gisco, "fetch", fake_fetch)
    g = gisco.load_nuts(level=0, scale="60M", cache_dir=tmp_path / "gisco")
    assert len(g) == 37 and (tmp_path / "gisco" / src.name).is_file()


def test_not_a_nuts_file(tmp_path):
    bad = tmp_path / "NUTS_RG_60M_2021_4326_LEVL_2.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "x"},
         "geometry": {"type": "Point", "coordinates": [15.0, 50.0]}}]}))
    with pytest.raises(gisco.GeometryFormatError, match="not a GISCO NUTS region file"):
        gisco.read_nuts_geojson(bad)


@pytest.mark.parametrize(
    ("year", "level", "n"),
    [(2010, 1, 116), (2010, 2, 316), (2013, 2, 320), (2013, 3, 1480), (2016, 2, 332),
     (2021, 2, 333), (2024, 2, 299), (2024, 3, 1345)],
)
def test_every_local_version_is_served_without_download(geo, year, level, n, monkeypatch, tmp_path):
    # found in ../shared/data/geo with no folder argument; the 2024 20M file holds all levels
    monkeypatch.delenv(gisco.GEO_DIR_ENV, raising=False)
    g = gisco.load_nuts(level=level, year=year, cache_dir=tmp_path / "none", download=False)
    assert len(g) == n and set(g["level"]) == {level} and g.crs.to_epsg() == 3035
    assert g["region"].is_unique and (g["name"].str.len() > 0).all()


def test_2013_names_come_from_the_nuts_tables(geo):
    g = gisco.load_nuts(level=2, year=2013, download=False).set_index("region")
    assert g.loc["HU10", "name"] == "Közép-Magyarország"


def test_environment_folder_is_searched_first(geo, tmp_path, monkeypatch):
    src = geo / "gisco_nuts2021_60m" / "NUTS_RG_60M_2021_4326_LEVL_1.geojson"
    data = json.loads(src.read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["CNTR_CODE"] == "CZ"]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / src.name).write_text(json.dumps(data))
    monkeypatch.setenv(gisco.GEO_DIR_ENV, str(tmp_path))
    g = gisco.load_nuts(level=1, year=2021, scale="60M", download=False)
    assert list(g["region"]) == ["CZ0"]


def test_missing_version_names_the_folders_and_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="EMERGING_GEO_DIR"):
        gisco.load_nuts(level=3, year=2010, cache_dir=tmp_path, download=False)
