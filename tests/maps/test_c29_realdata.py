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
    panel = sbs_employment_nuts2.filter(pl.col("year") == 2014)
    panel = panel.filter(pl.col("value").is_not_null().any().over("region"))
    lq, crosswalk = _script().c29_lq(panel)
    return lq, crosswalk, panel


def test_every_programme_region_is_accounted_for(c29_2014):
    lq, crosswalk, _ = c29_2014
    covered = set(lq["region"]) - set(crosswalk["old_code"])
    covered |= set(crosswalk.filter(pl.col("old_code").is_in(lq["region"].implode()))["new_code"])
    assert covered == set(central_europe_2021_2027())  # all 81, some through a split unit
    assert lq.height == 77  # 81 - PL91/PL92 - HU11/HU12 - HR02/HR05/HR06 + PL12, HU10, HR04


def test_c29_map_on_nuts2021(c29_2014, shared_data):
    from emerging.io.gisco import load_nuts
    from emerging.maps._choropleth import choropleth

    lq, crosswalk, panel = c29_2014
    geoms = load_nuts(level=2, scale="60M", folder=shared_data / "geo" / "gisco_nuts2021_60m",
                      download=False)
    fig, ax = choropleth(lq, geoms, "lq", classes=[0.5, 0.8, 1.0, 1.25, 2.0, 4.0],
                         scheme="user", diverging_at=1.0, crosswalk=crosswalk)
    drawn = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    assert len(drawn) == 77 and {"PL12", "HU10", "HR04"} <= set(drawn)
    # Střední Čechy (Škoda, Mladá Boleslav) and Győr's Nyugat-Dunántúl: LQ > 4, top class
    values = dict(lq.select("region", "lq").iter_rows())
    e = panel.drop_nulls("value")
    # LQ by hand against every region of the file: (E_r,C29 / E_r) / (E_C29 / E)
    for region in ("CZ02", "HU22"):  # codes unchanged since NUTS 2010
        e_ri = e.filter(pl.col("region") == region, pl.col("industry") == "C29")["value"].sum()
        e_r = e.filter(pl.col("region") == region)["value"].sum()
        e_i = e.filter(pl.col("industry") == "C29")["value"].sum()
        expected = (e_ri / e_r) / (e_i / e["value"].sum())
        assert values[region] == pytest.approx(expected, rel=1e-12)
        assert values[region] > 4.0
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
