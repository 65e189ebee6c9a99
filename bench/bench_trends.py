"""Benchmark of emerging.trends on a big synthetic panel: 1,170 regions x 615 industries x 20
years (719,550 series, 14.4 million rows, as NUTS-3 x NACE classes).

Times (best of ``REPEAT`` runs, wall clock, including validation and the long frame out;
the panel comes sorted by region, industry and year, as Eurostat-style tables usually do,
and is also timed once with its rows shuffled):
  * closed-form log-linear slopes and OLS standard errors of every series
    (``trend_slopes(se="ols", reference=None, acceleration=False, inference=False)``),
    then with confidence intervals and p-values;
  * the same with Newey-West errors, the reference test and the acceleration (full);
  * classic shift-share of the whole panel between the first and last year;
  * statsmodels OLS looped over a sample of series, extrapolated to the whole panel.

Run: ``python bench/bench_trends.py`` (``make bench`` runs it with the others).
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

N_REGIONS, N_INDUSTRIES, N_YEARS = 1_170, 615, 20
SAMPLE = 500
REPEAT = 3


def make_panel(seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    regions = pl.Series([f"X{r:04d}" for r in range(N_REGIONS)])  # NUTS-3-like codes
    industries = pl.Series([f"C{1000 + i}" for i in range(N_INDUSTRIES)])
    n_series = N_REGIONS * N_INDUSTRIES
    years = np.arange(2004, 2004 + N_YEARS, dtype=np.int32)
    level = rng.normal(4.0, 1.2, n_series)[:, None]
    slope = rng.normal(0.0, 0.04, n_series)[:, None]
    log_e = level + slope * (years - years[0])[None, :] + rng.normal(0, 0.1, (n_series, N_YEARS))
    value = np.round(np.exp(log_e)).ravel()
    value[rng.random(value.size) < 0.01] = np.nan  # confidential cells
    return pl.DataFrame({
        "region": regions.gather(np.repeat(np.arange(N_REGIONS), N_INDUSTRIES * N_YEARS)),
        "industry": industries.gather(np.tile(np.repeat(np.arange(N_INDUSTRIES), N_YEARS),
                                              N_REGIONS)),
        "year": np.tile(years, n_series),
        "value": value,
    }).with_columns(pl.col("value").fill_nan(None))


def best_of(fn, repeat: int = REPEAT) -> tuple[tuple[float, float], object]:
    """Best wall-clock and CPU seconds over ``repeat`` runs, and the last result."""
    walls, cpus, out = [], [], None
    from emerging import clear_cache

    for _ in range(repeat):
        clear_cache()  # every run codes its panel, as a first call does
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return (min(walls), min(cpus)), out


def statsmodels_loop(panel: pl.DataFrame, n: int) -> tuple[float, float]:
    """Seconds per series looping statsmodels OLS over ``n`` series: (naive loop that
    filters the long frame per series, loop over arrays already split per series)."""
    import statsmodels.api as sm

    keys = panel.select("region", "industry").unique(maintain_order=True).head(n)
    sample = panel.join(keys, on=["region", "industry"]).filter(pl.col("value") > 0)

    def fit(one):
        x = sm.add_constant(one["year"].to_numpy().astype(float))
        res = sm.OLS(np.log(one["value"].to_numpy()), x).fit()
        return res.params[1], res.bse[1]

    t0 = time.perf_counter()
    for region, industry in keys.iter_rows():
        fit(sample.filter((pl.col("region") == region) & (pl.col("industry") == industry)))
    naive = (time.perf_counter() - t0) / n
    parts = sample.partition_by("region", "industry")
    t0 = time.perf_counter()
    for one in parts:
        fit(one)
    split = (time.perf_counter() - t0) / len(parts)
    return naive, split


def main() -> None:
    import os

    from emerging.trends import shift_share, trend_slopes

    t0 = time.perf_counter()
    panel = make_panel()
    build = time.perf_counter() - t0
    n_series = N_REGIONS * N_INDUSTRIES
    rows = []
    t_ols, res = best_of(lambda: trend_slopes(
        panel, se="ols", reference=None, acceleration=False, inference=False
    ))
    assert res.table.height == n_series
    rows.append(("slopes + OLS s.e., every series", t_ols, 3.0))
    t_tests, _ = best_of(lambda: trend_slopes(panel, se="ols", reference=None, acceleration=False))
    rows.append(("  ... with t-based CIs and p-values", t_tests, None))
    shuffled = panel.sample(fraction=1.0, shuffle=True, seed=1)
    t_shuffled, _ = best_of(lambda: trend_slopes(
        shuffled, se="ols", reference=None, acceleration=False, inference=False
    ), repeat=1)
    rows.append(("  ... same panel, rows shuffled (no run-length shortcut)", t_shuffled, None))
    t_full, _ = best_of(lambda: trend_slopes(panel))
    rows.append(("slopes + HAC s.e. + reference test + acceleration", t_full, None))
    t_ss, ss = best_of(lambda: shift_share(panel, start=2004, end=2004 + N_YEARS - 1))
    assert ss.table.height == n_series
    rows.append(("classic shift-share, whole panel", t_ss, 2.0))
    naive, split = statsmodels_loop(panel, SAMPLE)
    rows.append((f"statsmodels loop, filter + OLS per series ({SAMPLE}, extrap.)",
                 (naive * n_series, float("nan")), None))
    rows.append((f"statsmodels loop, OLS on pre-split series ({SAMPLE}, extrap.)",
                 (split * n_series, float("nan")), None))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"panel {N_REGIONS:,} x {N_INDUSTRIES:,} x {N_YEARS} = {panel.height:,} rows, "
          f"{n_series:,} series (built in {build:.1f} s); load average {load:.1f} "
          f"on {os.cpu_count()} cores; best of {REPEAT}")
    print(f"{'task':<58}{'wall s':>8}{'CPU s':>8}{'target (wall)':>15}")
    for name, (wall, cpu), target in rows:
        verdict = "" if target is None else (" ok" if wall < target else " SLOW")
        mark = "" if target is None else f"< {target:g}{verdict}"
        cpu_text = "" if cpu != cpu else f"{cpu:.2f}"
        print(f"{name:<58}{wall:>8.2f}{cpu_text:>8}{mark:>15}")
    wall_ols = t_ols[0]
    print(f"speed-up of the closed form (OLS s.e.) over looping statsmodels: "
          f"{naive * n_series / wall_ols:,.0f}x with the naive loop ({naive * 1e3:.2f} ms per "
          f"series), {split * n_series / wall_ols:,.0f}x over OLS alone ({split * 1e3:.2f} ms)")


if __name__ == "__main__":
    main()
