"""Benchmark of emerging.indices on a synthetic panel, against peer packages in the same run.

Panel: 1,170 regions x 615 industries (NACE-class-like codes) x 20 years = 14.4 M rows,
about half zeros, log-normal sizes. Each task runs in a fresh subprocess, so that its
peak resident memory (``resource.getrusage``, which includes the panel itself) is its own.

Tasks
- ``lq_ci_presence``: :func:`emerging.indices.presence` (LQ, interval, additive LQ,
  presence) on the 14.4 M panel.
- ``all_indices``: :func:`emerging.indices.specialisation_profile`: the above plus
  standardised LQs, regional diversity (all indices, related/unrelated variety), industry
  concentration and cluster stars, from one validation and coding of the panel.
- ``peer_rca``: ``economic_complexity.polars.rca`` (v0.3) on the same panel, once per
  year (the function has no year argument), collected together.
- ``peer_rca_pooled``: the same function called once on the whole panel (wrong for a
  panel, since it pools years, but the cheapest call it offers).
- ``ecomplexity`` / ``ours_272``: ``ecomplexity.ecomplexity`` (v0.5, RCA plus
  complexity per year, pandas) on a 1,170 x 272 x 15 panel (4.8 M rows), and
  :func:`~emerging.indices.presence` on the same panel.

Run: ``python bench/bench_indices.py`` (peers need ``pip install -e '.[bench]'``);
``EMERGING_BENCH_NO_PEERS=1`` runs only this package's tasks.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

TASKS = ("lq_ci_presence", "all_indices", "peer_rca", "peer_rca_pooled", "ecomplexity",
         "ours_272")


def nace_like_codes(n: int) -> list[str]:
    """``n`` distinct class-level codes spread over the real NACE divisions."""
    import polars as pl

    from emerging.codes.nace import nace_labels

    divisions = nace_labels().filter(pl.col("level") == 2)["industry"].to_list()
    return sorted(f"{divisions[k % len(divisions)]}{k // len(divisions) // 9 + 1}"
                  f"{k // len(divisions) % 9 + 1}" for k in range(n))


def synthetic_panel(n_regions: int, n_industries: int, n_years: int, seed: int = 0):
    """Rows sorted by year, region, industry (as a tidy panel usually is); built year by
    year to keep memory low."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    regions = pl.Series([f"R{r:04d}" for r in range(n_regions)])  # NUTS-3-length codes
    industries = pl.Series(nace_like_codes(n_industries))
    block = n_regions * n_industries
    r = np.repeat(np.arange(n_regions, dtype=np.int32), n_industries)
    i = np.tile(np.arange(n_industries, dtype=np.int32), n_regions)
    keys = pl.DataFrame({"region": regions.gather(r), "industry": industries.gather(i)})
    parts = []
    for y in range(n_years):
        value = rng.lognormal(3.0, 1.5, block).round()
        value[rng.random(block) < 0.5] = 0.0
        parts.append(keys.with_columns(year=pl.lit(2000 + y, dtype=pl.Int32), value=value))
    return pl.concat(parts, rechunk=True)


def run_task(name: str) -> dict:
    import polars as pl

    small = name in ("ecomplexity", "ours_272")
    panel = synthetic_panel(1170, 272, 15) if small else synthetic_panel(1170, 615, 20)
    extra = {}
    if name == "ecomplexity":
        frame = panel.to_pandas()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from emerging import clear_cache

    clear_cache()  # one call per process; cleared all the same, as a first call
    start, cpu_start = time.perf_counter(), time.process_time()
    if name in ("lq_ci_presence", "ours_272"):
        from emerging.indices import presence

        out = presence(panel)
        extra["rows"] = out.height
    elif name == "all_indices":
        from emerging.indices import specialisation_profile

        res = specialisation_profile(panel)
        extra["rows"] = res.lq.height
    elif name == "peer_rca":
        from economic_complexity.polars import rca

        lazy = panel.lazy()
        years = panel["year"].unique().sort().to_list()
        out = pl.concat(pl.collect_all([
            rca(lazy.filter(pl.col("year") == y), activity="industry", location="region",
                measure="value") for y in years]))
        extra["rows"] = out.height
    elif name == "peer_rca_pooled":
        from economic_complexity.polars import rca

        out = rca(panel, activity="industry", location="region", measure="value").collect()
        extra["rows"] = out.height
    elif name == "ecomplexity":
        from ecomplexity import ecomplexity

        out = ecomplexity(frame, {"time": "year", "loc": "region", "prod": "industry",
                                  "val": "value"}, verbose=False)
        extra["rows"] = len(out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"task": name, "seconds": round(seconds, 2), "cpu": round(cpu, 2),
            "peak_mb": round(peak),
            "rss_before_mb": round(rss_before), **extra}


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--task":
        print(json.dumps(run_task(sys.argv[2])))
        return 0
    results = {}
    tasks = TASKS
    if os.environ.get("EMERGING_BENCH_NO_PEERS") == "1":
        tasks = ("lq_ci_presence", "all_indices", "ours_272")
    for name in tasks:
        proc = subprocess.run([sys.executable, __file__, "--task", name],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        else:
            err = (proc.stderr.strip().splitlines() or ["?"])[-1]
            results[name] = {"task": name, "error": err[:120]}
    print(f"{'task':<18} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'MB before':>9}  notes")
    for r in results.values():
        if "error" in r:
            print(f"{r['task']:<18} {'failed':>8} {'':>7} {'':>8} {'':>9}  {r['error']}")
            continue
        note = r.get("parts", r.get("rows", ""))
        print(f"{r['task']:<18} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['peak_mb']:>8} "
              f"{r['rss_before_mb']:>9}  {note}")

    def ratio(a: str, b: str) -> str:
        if "seconds" in results.get(a, {}) and "seconds" in results.get(b, {}):
            wall = results[a]["seconds"] / results[b]["seconds"]
            return f"{wall:.2f} wall, {results[a]['cpu'] / results[b]['cpu']:.2f} cpu"
        return "n/a"

    print(f"\nratio lq_ci_presence / peer_rca (per year): {ratio('lq_ci_presence', 'peer_rca')}")
    print(f"ratio lq_ci_presence / peer_rca_pooled:     "
          f"{ratio('lq_ci_presence', 'peer_rca_pooled')}")
    print(f"ratio ours_272 / ecomplexity (4.8 M rows):  {ratio('ours_272', 'ecomplexity')}")
    print("targets: lq_ci_presence < 2 s, all_indices < 6 s, peak < 3,000 MB. Wall time "
          "depends on machine load; cpu s (all threads) much less so.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
