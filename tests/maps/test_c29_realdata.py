"""Real-data check of issue 8: LQ of motor vehicles (C29) mapped on NUTS 2021 polygons.

Uses the real SBS panel (NUTS 2010/2013 codes) and the NUTS-code step of
analyses/map_c29_lq.py, so the script and the test cannot drift apart.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from emerging.codes.nuts import central_europe_2021_2027

pytestmark = pytest.mark.realdata
SCRIPT = Path(__file__).resolve().parents[2] / "analyses" / "map_c29_lq.py"


def _script():
    spec = importlib.util.spec_from_file_location("map_c29_lq", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def c29_2014(sbs_employment_nuts2):
    from emerging.indices.lq import location_quotient

    panel = sbs_employment_nuts2.filter(pl.col("year") == 2014).drop("flag")
    panel = panel.filter(pl.col("value").is_not_null().any().over("region"))
    lq = location_quotient(panel).filter(pl.col("industry") == "C29")
    lq, crosswalk, _ = _script().to_nuts2021(lq)
    area = central_europe_2021_2027() | set(crosswalk["old_code"])
    return lq.filter(pl.col("region").is_in(sorted(area))), crosswalk


def test_every_programme_region_is_accounted_for(c29_2014):
    lq, crosswalk = c29_2014
    covered = set(lq["region"]) - set(crosswalk["old_code"])
    covered |= set(crosswalk.filter(pl.col("old_code").is_in(lq["region"].implode()))["new_code"])
    assert covered == set(central_europe_2021_2027())  # all 81, some through a split unit
    assert lq.height == 77  # 81 - PL91/PL92 - HU11/HU12 - HR02/HR05/HR06 + PL12, HU10, HR04


def test_c29_map_on_nuts2021(c29_2014, shared_data):
    from emerging.io.gisco import load_nuts
    from emerging.maps.choropleth import choropleth

    lq, crosswalk = c29_2014
    geoms = load_nuts(level=2, scale="60M", folder=shared_data / "geo" / "gisco_nuts2021_60m",
                      download=False)
    fig, ax = choropleth(lq, geoms, "lq", classes=[0.5, 0.8, 1.0, 1.25, 2.0, 4.0],
                         scheme="user", diverging_at=1.0, crosswalk=crosswalk)
    drawn = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    assert len(drawn) == 77 and {"PL12", "HU10", "HR04"} <= set(drawn)
    # Střední Čechy (Škoda, Mladá Boleslav) and Győr's Nyugat-Dunántúl: LQ > 4, top class
    values = dict(lq.select("region", "lq").iter_rows())
    assert values["CZ02"] == pytest.approx(6.707, abs=1e-3)
    assert values["HU22"] == pytest.approx(6.517, abs=1e-3)
    top = drawn["CZ02"].get_facecolor()
    assert drawn["HU22"].get_facecolor() == top
    # Braunschweig (Wolfsburg) is confidential in this file: hatched and named
    assert {g for g, p in drawn.items() if p.get_hatch()} == {"DE91"}
    assert "Confidential: DE91" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_maps_import_is_light():
    code = ("import sys, emerging.maps, emerging.io.gisco; "
            "print(sorted(m for m in ('matplotlib', 'geopandas', 'mapclassify') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
