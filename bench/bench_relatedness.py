"""Benchmark: presence, proximity, relatedness density and ECI/PCI for every year of a panel.

Panels (simulated, latent-capability model so that ECI has a clear structure):
M = 1,170 regions x 272 industries x 15 years, L = 1,170 x 615 x 20.
``emerging`` runs :func:`emerging.relatedness.analysis.analyse_relatedness` (tidy polars in,
tidy frames out: cells with presence and density, ECI/PCI per year; the proximity matrices
of every year are computed, their long frame of industry pairs is built on first access);
``emerging+pairs`` also builds that frame (7.5 million rows on L); with ``outlook=True`` it
also computes COI/COG, as the peers' pipelines do.

Peers (the ``bench`` extra), each timed from a pandas frame already in memory:
``ecomplexity`` (one-call pipeline: RCA, ECI/PCI, proximity, density, COI/COG per year),
``econcomplex`` (``compute_complexity`` with ``time`` column, eigenvector method) and
``economic-complexity`` (per year: pivot, ``rca``, ``proximity``, ``relatedness``,
``complexity``; it needs pandas < 3, see ``BENCH_PANDAS2_PYTHON`` in :func:`run`). A peer
is run on L only if its M time scaled by the flop ratio
(about 7x) stays under 60 s; otherwise it is reported for M only.

Every run is a fresh subprocess; peak memory is the largest resident set sampled every
5 ms during the call (the input panel included). Wall and CPU times are printed: on a
machine shared with other jobs the wall time is the noisier one. Set
``EMERGING_BENCH_NO_PEERS=1`` to time ``emerging`` only.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time

SIZES = {"M": (1170, 272, 15), "L": (1170, 615, 20)}
TARGET = {"M": 1.0, "L": 4.0}
SCALE_M_TO_L = (615 / 272) ** 2 * 20 / 15
PEER_LIMIT = 60.0


def make_panel(n_regions: int, n_industries: int, n_years: int, seed: int = 0):
    """Simulated employment with nested specialisation (regions with more capability host
    more complex industries), 5 % zeros and 1 % confidential (null) cells."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    capability, need = rng.random(n_regions), rng.random(n_industries)
    size = rng.normal(10, 1, n_regions)
    share = rng.normal(0, 1, n_industries)
    base = size[:, None] + share[None, :] + 2.5 * np.minimum(0, capability[:, None] - need)
    values = np.exp(base[:, :, None] + rng.normal(0, 0.7, (n_regions, n_industries, n_years)))
    values[rng.random(values.shape) < 0.05] = 0.0
    values[rng.random(values.shape) < 0.01] = np.nan
    regions = pl.Series([f"R{k:04d}" for k in range(n_regions)])  # NUTS-3-like codes
    industries = pl.Series([f"N{k:04d}" for k in range(n_industries)])
    idx = np.indices(values.shape).reshape(3, -1)
    frame = pl.DataFrame(
        {
            "region": regions.gather(idx[0]),
            "industry": industries.gather(idx[1]),
            "year": (2000 + idx[2]).astype(np.int32),
            "value": values.reshape(-1),
        }
    ).with_columns(pl.col("value").fill_nan(None))
    del idx, values
    return frame


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _measure(call):
    gc.collect()
    peak = [_rss()]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = _rss()
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done.set()
    sampler.join()
    return {"wall": wall, "cpu": cpu, "rss_before": before, "peak": max(peak[0], _rss())}


def _run_ours(panel, outlook: bool, pairs: bool = False):
    import scipy.sparse.linalg  # noqa: F401  (imported before timing, as the peers are)

    from emerging.relatedness.analysis import analyse_relatedness

    if pairs:  # also build the long frame of every industry pair and year
        return lambda: analyse_relatedness(panel, outlook=outlook).proximity
    return lambda: analyse_relatedness(panel, outlook=outlook)


def _run_ecomplexity(df):
    import warnings

    from ecomplexity import ecomplexity

    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ecomplexity(df, cols, verbose=False, check_logsupermodularity=False)

    return call


def _run_econcomplex(df):
    import econcomplex

    cols = {"loc": "region", "act": "industry", "val": "value", "time": "year"}
    return lambda: econcomplex.compute_complexity(df, cols, method="eigenvector")


def _run_economic_complexity(df):
    import economic_complexity as ec

    def call():
        for _, part in df.groupby("year"):
            wide = part.pivot_table(index="region", columns="industry", values="value",
                                    aggfunc="sum", fill_value=0)
            rca = ec.rca(wide)
            prox = ec.proximity(rca)
            ec.relatedness(rca, proximities=prox)
            ec.complexity(rca)

    return call


def child(tool: str, size: str) -> None:
    """Run one measurement and print it as JSON (called in a fresh subprocess)."""
    panel = make_panel(*SIZES[size])
    if tool.startswith("emerging"):
        call = _run_ours(panel, outlook=tool.endswith("+outlook"),
                         pairs=tool.endswith("+pairs"))
    else:
        import pandas as pd

        df = pd.DataFrame({c: panel[c].to_numpy() for c in panel.columns})  # no pyarrow needed
        del panel
        call = {"ecomplexity": _run_ecomplexity, "econcomplex": _run_econcomplex,
                "economic-complexity": _run_economic_complexity}[tool](df)
    result = _measure(call)
    result["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


def run(tool: str, size: str, timeout: float | None = None) -> dict | None:
    # economic-complexity 0.3.0 writes into a pandas array that pandas 3 makes read-only;
    # BENCH_PANDAS2_PYTHON may name an interpreter with pandas < 3, numpy, polars and it
    python = sys.executable
    if tool == "economic-complexity" and os.environ.get("BENCH_PANDAS2_PYTHON"):
        python = os.environ["BENCH_PANDAS2_PYTHON"]
    cmd = [python, __file__, "--child", tool, size]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"> {timeout:.0f} s (stopped)"}
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1][:80]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = []
    ours = {}
    for size in ("M", "L"):
        for tool in ("emerging", "emerging+pairs", "emerging+outlook"):
            res = run(tool, size)
            rows.append((size, tool, res))
            ours.setdefault(size, res)
    peer_m = {}
    peers = ("ecomplexity", "econcomplex", "economic-complexity")
    if os.environ.get("EMERGING_BENCH_NO_PEERS") == "1":  # ours only (the peers take minutes)
        peers = ()
    for tool in peers:
        res = run(tool, "M", timeout=PEER_LIMIT * 3)
        rows.append(("M", tool, res))
        peer_m[tool] = res
    for tool, res in peer_m.items():
        if "wall" in res and res["wall"] * SCALE_M_TO_L <= PEER_LIMIT:
            rows.append(("L", tool, run(tool, "L", timeout=PEER_LIMIT * 2)))
        else:
            rows.append(("L", tool, {"error": "not run: M time x7 > 60 s"}))
    print(f"{'panel':<6}{'tool':<22}{'wall s':>9}{'cpu s':>9}{'peak GB':>9}"
          f"{'x ours':>9}  target")
    for size, tool, res in rows:
        if "error" in res:
            print(f"{size:<6}{tool:<22}{res['error']}")
            continue
        ratio = res["wall"] / ours[size]["wall"] if "wall" in ours[size] else float("nan")
        target = ""
        if tool == "emerging":
            ok = res["wall"] < TARGET[size] and (size != "L" or res["peak"] < 2e9)
            target = f"< {TARGET[size]:.0f} s{' and < 2 GB' if size == 'L' else ''}: " + (
                "met" if ok else "NOT met")
        print(f"{size:<6}{tool:<22}{res['wall']:>9.2f}{res['cpu']:>9.2f}"
              f"{res['peak'] / 1e9:>9.2f}{ratio:>9.1f}  {target}")
        if tool.startswith("emerging"):
            record("relatedness", f"{tool} ({size})", res["wall"], peak_gb=res["peak"] / 1e9)
        elif "wall" in ours[size]:
            record("relatedness", f"emerging ({size})", ours[size]["wall"], peer=tool,
                   peer_seconds=res["wall"], note=f"peer peak {res['peak'] / 1e9:.2f} GB")
    print(f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _report import record

    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
