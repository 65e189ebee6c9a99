"""Does any step's speed depend on the order of the panel's rows? (issue 11)

Panel L: 1,170 regions x 615 industries x 20 years = 14.4 M rows (the panel of
``bench_indices.py``: NACE-class-like codes, about half zeros, log-normal sizes), timed in
three row orders:

- ``sorted``: by region, industry, year, series after series, as the issue defines
  sorted input and as many tables come. **The reference of the ratios.**
- ``cube``: by year, region, industry, the engine's own axis order. Shown for
  information: rows in exactly that order need no key coding and no scatter at all (the
  codes are found by run detection and the values are the cube), so it is faster than
  any order a user's file is likely to have.
- ``shuffled``: a random permutation of the rows (as file order or a join can leave them).

Each step is run ``REPEAT`` times per order, the orders interleaved within every round
(so that load from other processes hits them alike). Per order the best wall-clock time
and the best CPU time (user + system of every thread of the process, from
``resource.getrusage``) are printed, each with its ratio to ``sorted``: on a machine shared
with other work the CPU-time ratio is the meaningful one, since waiting for a core inflates
wall time but not CPU time. The last column is the CPU ratio to ``cube``. The load average
is printed before and after. The target (issue 11): every shuffled ratio to ``sorted``
below 1.2. Steps: ``location_quotient``, ``specialisation_profile``, ``trend_slopes`` (OLS
slopes with the reference test), ``shift_share`` (classic, first to last year),
``growth`` (first to last year) and ``analyse_relatedness`` (proximity, density,
complexity of every year; 10 years of the panel to keep the run short).

Run: ``python bench/bench_row_order.py`` (``make bench`` runs it with the others);
``EMERGING_BENCH_REPEAT`` sets the rounds (default 3), ``EMERGING_BENCH_ORDERS`` the orders
(comma-separated, default ``cube,shuffled``; ``sorted`` is always timed) and
``EMERGING_BENCH_STEPS`` the steps (comma-separated names, default all).
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

REPEAT = int(os.environ.get("EMERGING_BENCH_REPEAT", "3"))
ORDERS = tuple(dict.fromkeys(
    ["sorted", *os.environ.get("EMERGING_BENCH_ORDERS", "cube,shuffled").split(",")]))
STEPS = os.environ.get("EMERGING_BENCH_STEPS")


def steps():
    import polars as pl

    from emerging.indices import location_quotient, specialisation_profile
    from emerging.relatedness import analyse_relatedness
    from emerging.trends import growth, shift_share, trend_slopes

    return {
        "location_quotient": location_quotient,
        "specialisation_profile": lambda p: specialisation_profile(p, unrelated_level=None),
        "trend_slopes": lambda p: trend_slopes(p, se="ols", acceleration=False,
                                               inference=False),
        "shift_share": lambda p: shift_share(p, start=2000, end=2019),
        "growth": lambda p: growth(p, start=2000, end=2019),
        "analyse_relatedness": lambda p: analyse_relatedness(
            p.filter(pl.col("year") >= 2010), outlook=False),
    }


def _cpu() -> float:
    """CPU seconds (user + system) of this process so far, all threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    import warnings

    import numpy as np

    import emerging

    # the synthetic class-level codes are not in the traded table (stars say so, once)
    warnings.filterwarnings("ignore", message="none of the panel's categories")
    from bench_indices import synthetic_panel

    panel = synthetic_panel(1170, 615, 20)  # written in cube order
    arrange = {
        "cube": lambda: panel,
        "sorted": lambda: panel.sort("region", "industry", "year"),
        "shuffled": lambda: panel[np.random.default_rng(11).permutation(panel.height)],
    }
    panels = {o: arrange[o]() for o in ORDERS}
    print(f"panel L: {panel.height:,} rows; best of {REPEAT} interleaved rounds; "
          f"{os.cpu_count()} cores (shared with other work: figures are taken under load)")
    print(f"load average before: {_load()}")
    print(f"{'step':<24}{'order':<10}{'wall s':>9}{'CPU s':>9}{'wall ratio':>12}"
          f"{'CPU ratio':>11}{'CPU / cube':>12}")
    worst = {"wall": 0.0, "cpu": 0.0}
    chosen = steps()
    if STEPS:
        chosen = {k: chosen[k] for k in STEPS.split(",")}
    for name, fn in chosen.items():
        wall = dict.fromkeys(ORDERS, float("inf"))
        cpu = dict.fromkeys(ORDERS, float("inf"))
        for _ in range(REPEAT):
            for order in ORDERS:
                gc.collect()
                emerging.clear_cache()  # every call codes its panel, as a first call does
                cpu_start, start = _cpu(), time.perf_counter()
                fn(panels[order])
                wall[order] = min(wall[order], time.perf_counter() - start)
                cpu[order] = min(cpu[order], _cpu() - cpu_start)
        for order in ORDERS:
            w, c = wall[order] / wall["sorted"], cpu[order] / cpu["sorted"]
            if order not in ("sorted", "cube"):  # the target is set against sorted rows
                worst["wall"], worst["cpu"] = max(worst["wall"], w), max(worst["cpu"], c)
            to_cube = f"{cpu[order] / cpu['cube']:>12.2f}" if "cube" in cpu else ""
            print(f"{name if order == 'sorted' else '':<24}{order:<10}{wall[order]:>9.2f}"
                  f"{cpu[order]:>9.2f}{w:>12.2f}{c:>11.2f}{to_cube}", flush=True)
    print(f"\nload average after: {_load()}")
    print(f"worst ratio to sorted (region, industry, year) of the other orders except cube: "
          f"wall {worst['wall']:.2f}, CPU {worst['cpu']:.2f} (target < 1.2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
