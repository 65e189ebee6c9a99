"""Microdata to Panel at scale: 10^8 establishment records summed in bounded memory.

Generates unit records (NUTS-3 region, NACE class in dotted form, year, head count) as a
folder of Parquet files, then runs :func:`emerging.io.microdata.aggregate_records` on
``pl.scan_parquet`` with the streaming engine in a fresh process and reports its wall time
and peak resident memory (``ru_maxrss`` of that process). Target (issue 18): 10^8 rows under
4 GB peak. A Dask run of the same query on a local cluster is timed on the first file (10^7 records).

    python bench/bench_microdata.py            # 10^8 rows (about 1 GB of Parquet in a temp folder)
    EMERGING_BENCH_ROWS=10000000 python bench/bench_microdata.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from _report import record  # noqa: E402

ROWS = int(float(os.environ.get("EMERGING_BENCH_ROWS", "1e8")))
CHUNK = 10_000_000

CHILD = r"""
import resource, sys, time
import polars as pl
from emerging.io.microdata import aggregate_records
folder = sys.argv[1]
t = time.perf_counter()
agg = aggregate_records(pl.scan_parquet(folder + "/*.parquet"), nuts_level=2, nace_level=2)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
print(f"{elapsed:.2f} {peak:.2f} {agg.records} {agg.panel.height} {agg.excluded}")
"""

DASK_CHILD = r"""
import sys, time
import dask.dataframe as dd
from distributed import Client, LocalCluster
from emerging.io.microdata import aggregate_records_dask
folder = sys.argv[1]
with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster):
    t = time.perf_counter()
    agg = aggregate_records_dask(dd.read_parquet(folder + "/part-0000.parquet", split_row_groups=True))
    print(f"{time.perf_counter() - t:.2f} {agg.records}")
"""


def _codes() -> tuple[pl.Series, pl.Series]:
    """About 1,170 NUTS-3-like codes and the NACE classes of the bundled labels, dotted."""
    rng = np.random.default_rng(0)
    countries = ["AT", "CZ", "DE", "HU", "IT", "PL", "SI", "SK", "HR", "FR", "ES", "NL"]
    regions = sorted(
        {
            f"{c}{rng.integers(1, 10)}{rng.integers(1, 10)}{rng.integers(1, 10)}"
            for c in countries
            for _ in range(120)
        }
    )
    from emerging.codes.nace import nace_labels

    divisions = nace_labels().filter(pl.col("level") == 2)["industry"].str.slice(1).to_list()
    classes = [f"{d}.{k}{j}" for d in divisions for k in range(1, 4) for j in range(1, 3)]
    return pl.Series(regions), pl.Series(classes)


def generate(folder: Path, rows: int) -> float:
    regions, classes = _codes()
    rng = np.random.default_rng(42)
    t = time.perf_counter()
    for k, start in enumerate(range(0, rows, CHUNK)):
        n = min(CHUNK, rows - start)
        pl.DataFrame(
            {
                "region": regions.gather(rng.integers(0, regions.len(), n)),
                "activity": classes.gather(rng.integers(0, classes.len(), n)),
                "year": rng.integers(2005, 2025, n).astype(np.int16),
                "employees": rng.lognormal(1.5, 1.2, n).round().astype(np.int32),
            }
        ).write_parquet(folder / f"part-{k:04d}.parquet")
    return time.perf_counter() - t


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gen = generate(folder, ROWS)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 1024**3
        print(f"generated {ROWS:,} records in {gen:.1f} s ({size:.2f} GB of Parquet)")
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder)], check=True, capture_output=True, text=True
        )
        elapsed, peak, records, cells, excluded = out.stdout.split()
        flag = "ok" if float(peak) < 4 else "OVER"
        print(
            f"{'streaming aggregate_records':32s} {float(elapsed):8.2f} s  peak {float(peak):5.2f} GB  "
            f"(target < 4 GB: {flag}); {int(records):,} records -> {int(cells):,} cells, "
            f"{int(excluded):,} excluded"
        )
        record(
            "microdata",
            "aggregate_records (streaming)",
            float(elapsed),
            peak_gb=float(peak),
            note=f"{int(records):,} records -> {int(cells):,} cells",
        )
        try:
            import dask  # noqa: F401
            import distributed  # noqa: F401
        except ImportError:
            print("dask: not installed (pip install 'emerging[dask]'), skipped")
            return
        done = subprocess.run([sys.executable, "-c", DASK_CHILD, str(folder)], capture_output=True, text=True)
        if done.returncode:
            print(f"dask run failed:\n{done.stderr[-2000:]}")
            return
        secs, recs = done.stdout.split()[-2:]
        print(f"{'dask (2 local workers, 1 file)':32s} {float(secs):8.2f} s  on {int(recs):,} records")
        record(
            "microdata",
            "aggregate_records_dask (2 local workers)",
            float(secs),
            note=f"{int(recs):,} records",
        )


if __name__ == "__main__":
    main()
