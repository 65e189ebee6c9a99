"""Maps benchmark: a Central Europe NUTS-3 choropleth rendered to PNG (target < 3 s).

Geometry: GISCO NUTS 2021 level 3 at 1:60M (1,514 regions; the programme area has about
500 of them, drawn in colour, the rest as grey context) from ../shared/data. Timed steps:

* "render": choropleth(...) and save to PNG at 300 dpi, geometries already loaded, modules
  already imported (what a user re-drawing a map in a notebook waits for);
* "cold": a fresh Python process that imports, loads the GeoJSON, draws and saves (what
  a script waits for);
* the tile-grid map of the 81 NUTS-2 regions, for comparison.

The median of several runs is reported. Other jobs may share the machine: say so with the
numbers.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))
GEO = DATA / "geo" / "gisco_nuts2021_60m"
TARGET = 3.0
CPU: list[float] = []  # CPU seconds of the warm NUTS-3 renders (less sensitive to other load)

COLD = f"""
import time; t = time.perf_counter()
import numpy as np, polars as pl
from emerging.io.gisco import load_nuts
from emerging.maps._choropleth import choropleth
from emerging.maps.style import save_figure
g = load_nuts(level=3, scale="60M", folder=r"{GEO}", download=False)
codes = g["region"].to_list()
f = pl.DataFrame({{"region": codes, "v": np.random.default_rng(0).lognormal(size=len(codes))}})
fig, ax = choropleth(f, g, "v", scheme="fisher_jenks", classes=5, units="value")
save_figure(fig, r"{{out}}", formats=("png",), dpi=300)
print(time.perf_counter() - t)
"""


def render_once(geoms, frame, out: Path) -> float:
    from emerging.maps._choropleth import choropleth
    from emerging.maps.style import save_figure

    start, cpu = time.perf_counter(), time.process_time()
    fig, _ = choropleth(frame, geoms, "v", scheme="fisher_jenks", classes=5, units="value",
                        title="NUTS-3 benchmark")
    save_figure(fig, out, formats=("png",), dpi=300)
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start


def tiles_once(out: Path) -> float:
    from emerging.codes.nuts import central_europe_table
    from emerging.maps.style import save_figure
    from emerging.maps.tilegrid import tile_map

    regions = central_europe_table()["region"].to_list()
    frame = pl.DataFrame({"region": regions, "v": np.linspace(0.2, 3, len(regions))})
    start = time.perf_counter()
    fig, _ = tile_map(frame, "v", diverging_at=1.0)
    save_figure(fig, out, formats=("png",), dpi=300)
    return time.perf_counter() - start


def main() -> None:
    if not GEO.is_dir():
        print(f"skipped: {GEO} not present")
        return
    from emerging.io.gisco import load_nuts

    geoms = load_nuts(level=3, scale="60M", folder=GEO, download=False)
    codes = geoms["region"].to_list()
    frame = pl.DataFrame({"region": codes,
                          "v": np.random.default_rng(0).lognormal(size=len(codes))})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map"
        render_once(geoms, frame, out)  # warm-up: font cache, first imports
        rows.append(("NUTS-3 choropleth -> PNG 300 dpi (warm)",
                     [render_once(geoms, frame, out) for _ in range(5)], TARGET))
        rows.append(("  same, CPU time of this process", CPU[1:], None))
        cold = []
        for _ in range(3):
            done = subprocess.run([sys.executable, "-c", COLD.replace("{out}", str(out))],
                                  check=True, capture_output=True, text=True,
                                  env={**os.environ, "MPLBACKEND": "Agg"})
            cold.append(float(done.stdout.strip().splitlines()[-1]))
        rows.append(("same, fresh process (import+load+draw)", cold, None))
        tiles_once(out)
        rows.append(("tile map 81 NUTS-2 -> PNG 300 dpi (warm)",
                     [tiles_once(out) for _ in range(5)], None))
    from emerging.maps.geometry import in_central_europe

    drawn = int(in_central_europe(pl.Series(codes), 3).sum())
    print(f"NUTS-3 regions in the programme area (drawn in colour): {drawn}")
    print(f"{'what':44s} {'median s':>9s} {'min s':>7s} {'target s':>9s}")
    for name, times, target in rows:
        med = statistics.median(times)
        flag = "" if target is None else ("ok" if med < target else "SLOW")
        tgt = "" if target is None else f"{target:.1f}"
        print(f"{name:44s} {med:9.3f} {min(times):7.3f} {tgt:>9s} {flag}")


if __name__ == "__main__":
    main()
