"""Eurostat SBS bulk TSV -> tidy panel: `emerging` against a plain pandas reader.

Parses the whole real file ``../shared/data/employment/sbs_r_nuts06_r2.tsv.gz`` (195,227
series x 8 years) into a tidy frame (dimensions, year, value, flag) and then the persons-
employed Panel. The pandas reader is the recipe of PROVENANCE.md: ``pd.read_csv(sep='\\t',
compression='gzip', dtype=str)``, split the first column on ``,``, strip the cells, split
off the flags with ``^([\\d.:-]+)\\s*([a-z]*)$``. Median wall and CPU time of 5 runs each;
target < 2 s wall. CPU time (all threads) is less sensitive to other jobs on the machine.
Also harmonises the NUTS-2 employment panel to NUTS 2021.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))
SBS = DATA / "employment" / "sbs_r_nuts06_r2.tsv.gz"
RUNS = 5


def emerging_reader(path: Path):
    from emerging.io.eurostat import read_tsv, to_panel

    raw = read_tsv(path)
    return raw, to_panel(raw, measure={"indic_sb": "V16110"})


def pandas_reader(path: Path):
    import pandas as pd

    frame = pd.read_csv(path, sep="\t", compression="gzip", dtype=str)
    first = frame.columns[0]
    dims = first.split("\\")[0].split(",")
    keys = frame[first].str.split(",", expand=True)
    keys.columns = dims
    cells = frame.drop(columns=first)
    cells.columns = [c.strip() for c in cells.columns]
    wide = pd.concat([keys, cells], axis=1)
    long = wide.melt(id_vars=dims, var_name="year", value_name="cell")
    parts = long["cell"].str.strip().str.extract(r"^([\d.:-]+)\s*([a-z]*)$")
    long["value"] = pd.to_numeric(parts[0].where(parts[0] != ":"), errors="coerce")
    long["flag"] = parts[1].where(parts[1] != "")
    long["year"] = long["year"].astype("int32")
    tidy = long.drop(columns="cell")
    panel = tidy[tidy["indic_sb"] == "V16110"]
    return tidy, panel


def median_time(fn, *args) -> tuple[float, float, object]:
    """Median wall time and median CPU time (all threads of this process) of RUNS calls."""
    walls, cpus, result = [], [], None
    for _ in range(RUNS):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> int:
    if not SBS.is_file():
        print(f"skipped: {SBS} not found (set EMERGING_SHARED_DATA)")
        return 0
    t_em, c_em, (raw, panel) = median_time(emerging_reader, SBS)
    t_pd, c_pd, (tidy, pd_panel) = median_time(pandas_reader, SBS)
    # the two readers must agree before their speed means anything
    assert raw.height == len(tidy) == 195_227 * 8
    assert panel.height == len(pd_panel)
    assert abs(panel["value"].sum() - pd_panel["value"].sum()) < 1e-6 * panel["value"].sum()
    assert raw["flag"].null_count() == tidy["flag"].isna().sum()

    import polars as pl

    from emerging.codes.harmonise import harmonise

    nuts2 = panel.filter(pl.col("region").str.len_chars() == 4)
    t_h, c_h, res = median_time(lambda p: harmonise(p, to=2021), nuts2)

    print(f"{'step':<46}{'wall s':>8}{'CPU s':>8}")
    print(f"{'emerging read_tsv + to_panel (whole SBS file)':<46}{t_em:>8.2f}{c_em:>8.2f}")
    print(f"{'plain pandas reader (PROVENANCE.md recipe)':<46}{t_pd:>8.2f}{c_pd:>8.2f}")
    print(f"{'ratio pandas / emerging':<46}{t_pd / t_em:>8.1f}{c_pd / c_em:>8.1f}")
    print(f"{'harmonise NUTS-2 employment to NUTS 2021':<46}{t_h:>8.2f}{c_h:>8.2f}")
    print(f"rows: {raw.height:,} tidy, {panel.height:,} V16110 panel, "
          f"{res.panel.height:,} harmonised; target < 2 s: {'met' if t_em < 2 else 'NOT met'}")
    print(f"(medians of {RUNS} runs; {os.cpu_count()} cores; other jobs may share the machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
