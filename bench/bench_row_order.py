"""Does any step's speed depend on the order of the panel's rows? (issue 11)

Panel L: 1,170 regions x 615 industries x 20 years = 14.4 M rows (the panel of
``bench_indices.py``: NACE-class-like codes, about half zeros, log-normal sizes), timed in
three row orders:

- ``sorted``: by year, region, industry, as the generator writes it (the engine's own
  axis order, the fastest case);
- ``series``: by region, industry, year (series after series, as many tables come);
- ``shuffled``: a random permutation of the rows (as file order or a join can leave them).

Each step is run ``REPEAT`` times per order, the orders interleaved within every round
(so that load from other processes hits them alike), and the best wall-clock time per
order is printed with the ratio to ``sorted``. The engine's target: every ratio below
1.2. Steps: ``location_quotient``, ``specialisation_profile``, ``trend_slopes`` (OLS
slopes with the reference test), ``shift_share`` (classic, first to last year),
``growth`` (first to last year) and ``analyse_relatedness`` (proximity, density,
complexity of every year; 10 years of the panel to keep the run short).

Run: ``python bench/bench_row_order.py`` (``make bench`` runs it with the others);
``EMERGING_BENCH_REPEAT`` sets the rounds (default 3).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

REPEAT = int(os.environ.get("EMERGING_BENCH_REPEAT", "3"))
ORDERS = ("sorted", "series", "shuffled")


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


def main() -> int:
    import warnings

    import numpy as np

    # the synthetic class-level codes are not in the traded table (stars say so, once)
    warnings.filterwarnings("ignore", message="none of the panel's categories")
    from bench_indices import synthetic_panel

    panel = synthetic_panel(1170, 615, 20)
    panels = {
        "sorted": panel,
        "series": panel.sort("region", "industry", "year"),
        "shuffled": panel[np.random.default_rng(11).permutation(panel.height)],
    }
    print(f"panel L: {panel.height:,} rows; best of {REPEAT} interleaved rounds; "
          f"{os.cpu_count()} cores (shared with other work: figures are taken under load)")
    print(f"{'step':<24}" + "".join(f"{o + ' s':>12}" for o in ORDERS)
          + f"{'series/sorted':>15}{'shuffled/sorted':>17}")
    worst = 0.0
    for name, fn in steps().items():
        best = dict.fromkeys(ORDERS, float("inf"))
        for _ in range(REPEAT):
            for order in ORDERS:
                gc.collect()
                start = time.perf_counter()
                fn(panels[order])
                best[order] = min(best[order], time.perf_counter() - start)
        ratios = [best[o] / best["sorted"] for o in ("series", "shuffled")]
        worst = max(worst, *ratios)
        print(f"{name:<24}" + "".join(f"{best[o]:>12.2f}" for o in ORDERS)
              + f"{ratios[0]:>15.2f}{ratios[1]:>17.2f}", flush=True)
    print(f"\nworst ratio to sorted: {worst:.2f} (target < 1.2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
