"""Benchmark: the relatedness and complexity chain on the L panel, beside the peers.

**The chain** (what every tool is timed doing, for every year of the panel, from a tidy
frame already in memory): the RCA (location quotient) of every cell and the binary matrix
``M = [RCA >= 1]``; diversity and ubiquity; ECI and PCI by the eigenvector method
(Hidalgo & Hausmann 2009); the proximity of every industry pair (minimum conditional
probability, Hidalgo et al. 2007); the density of every cell; the complexity outlook
index of every region (COI) and the outlook gain of every cell (COG). ``emerging`` runs
``analyse_relatedness(panel, outlook=True)``, which computes all of it as matrices and
writes the long frames on first access; ``emerging+frame`` also asks for the cell table
(``.to_frame()``: every panel row with present, density, COI, COG), as the peers return
theirs. ``ecomplexity`` (Growth Lab) runs its one call ``ecomplexity(df, cols)`` (RCA,
M, ECI/PCI, proximity, density, COI/COG per year; its log-supermodularity check off);
``econcomplex`` ``compute_complexity(df, cols, method="eigenvector")`` (the same suite);
``economic-complexity`` per year ``rca``, ``proximity``, ``relatedness`` (density),
``complexity`` and ``opportunity_gain`` (no COI). Under pandas 3 economic-complexity 0.3.0
stops in ``proximity`` with "underlying array is read-only": it zeroes the diagonal of its
own proximity frame through ``np.fill_diagonal(phi.values, 0)``, and pandas 3 (copy on
write) hands out ``.values`` as a read-only view. Its child process therefore runs it with
``np.fill_diagonal`` marking such a view writable first (:func:`_writable_fill_diagonal`;
the frame's own block is writable), which is what the code did under pandas 2; nothing
else of it is changed, and the shim costs nothing measurable.

**Panels**: ``L`` is ``bench/_panels.l_panel("file")`` (1,170 regions x 615 industries x 20
years, 14.4 M rows, rows in file order) and ``L1`` its last year (719,550 rows). Ours runs
on both; the peers on ``L1``, and with ``EMERGING_BENCH_PEERS_FULL=1`` ecomplexity on the
whole ``L`` too, the run the issue's 60x target is set on (2 Dec at load 12.5: 1,181 s
wall, 224 s of CPU, 7.35 GB peak; the issue quotes 122 s and 7.3 GB on a quiet machine).
``EMERGING_BENCH_PEERS_FULL=all`` runs every selected peer on ``L`` (econcomplex did not
finish there within 900 s at load 12.5; economic-complexity takes about 20 times its
``L1`` time). Every ratio compares two tools on the same panel; the printed target line
says which of our two runs it divides by (``emerging+frame``, which returns a frame
with every output per row as the peers do; the ratio to the chain alone is printed
beside it).

**Agreement**, checked inside the ecomplexity run on its panel, against
``analyse_relatedness`` and ``location_quotient`` on the same rows: presence (cells that
differ), RCA against our LQ, ECI, PCI (ecomplexity rescales PCI by ECI's mean and s.d.:
compared after standardising it), proximity (their ``calc_discrete_proximity`` on their
``M``), density (theirs keeps the industry itself, :math:`\\varphi_{ii} = 1`, ours leaves
it out: ours is converted, :math:`(RD S_i / 100 + M_{ri}) / (S_i + 1)` with
:math:`S_i = \\sum_{j \\ne i} \\varphi_{ij}`), and COI/COG as correlations (the same self
term, and theirs weighs the raw eigenvector where ours weighs the standardised PCI; the
exact identity under the same conventions is ``tests/relatedness/test_rel_peers.py``).

Every run is a fresh subprocess; CPU time (user + sys of every thread), wall time, and peak
memory (largest resident set sampled every 5 ms, the input panel included) are printed
with the load average. ``EMERGING_BENCH_NO_PEERS=1`` times ``emerging`` only,
``EMERGING_BENCH_PEERS=ecomplexity`` (comma-separated) picks the peers, and
``EMERGING_BENCH_PEER_TIMEOUT`` (seconds, default 900) stops a peer run that takes longer
(on a loaded machine ecomplexity on the whole L needs more than 900 s of wall time).
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

TARGET_SECONDS = 2.0  # issue #18: the chain alone on L
TARGET_RATIO = 60.0  # ... and at least 60x faster than ecomplexity's chain
PEER_TIMEOUT = float(os.environ.get("EMERGING_BENCH_PEER_TIMEOUT", "900"))
TOOLS = ("emerging", "emerging+frame")
PEERS = ("ecomplexity", "econcomplex", "economic-complexity")


def panel(name: str):
    """The L panel in file order, or its last year (``L1``)."""
    import polars as pl
    from _panels import l_panel

    frame = l_panel("file")
    return frame.filter(pl.col("year") == frame["year"].max()) if name == "L1" else frame


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _measure(call):
    from emerging import clear_cache

    clear_cache()  # every run codes its panel, as a first call does
    gc.collect()
    peak = [_rss()]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done.set()
    sampler.join()
    return out, {"wall": wall, "cpu": cpu, "peak": max(peak[0], _rss()),
                 "load": os.getloadavg()[0]}


def _ours(frame, with_frame: bool):
    import scipy.linalg  # noqa: F401  (imported before timing, as the peers' are)

    from emerging.relatedness import analyse_relatedness

    if with_frame:
        return lambda: analyse_relatedness(frame, outlook=True).to_frame()
    return lambda: analyse_relatedness(frame, outlook=True)


def _ecomplexity(df):
    import warnings

    from ecomplexity import ecomplexity

    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ecomplexity(df, cols, verbose=False, check_logsupermodularity=False)

    return call


def _econcomplex(df):
    import econcomplex

    cols = {"loc": "region", "act": "industry", "val": "value", "time": "year"}
    return lambda: econcomplex.compute_complexity(df, cols, method="eigenvector")


def _writable_fill_diagonal(fill_diagonal):
    """``np.fill_diagonal`` that first marks a read-only view writable when its memory is
    (pandas 3 returns ``DataFrame.values`` read-only; economic-complexity 0.3.0 writes
    into it, as pandas 2 allowed)."""

    def fill(a, val, wrap=False):
        if not a.flags.writeable:
            a.setflags(write=True)  # raises if the memory itself is read-only
        return fill_diagonal(a, val, wrap)

    fill.writable_views = True
    return fill


def _economic_complexity(df):
    import economic_complexity as ec
    import numpy as np
    import pandas as pd

    if int(pd.__version__.split(".")[0]) >= 3 and not hasattr(np.fill_diagonal,
                                                             "writable_views"):
        np.fill_diagonal = _writable_fill_diagonal(np.fill_diagonal)

    def call():
        for _, part in df.groupby("year"):
            wide = part.pivot_table(index="region", columns="industry", values="value",
                                    aggfunc="sum", fill_value=0)
            rca = ec.rca(wide)
            prox = ec.proximity(rca)
            ec.relatedness(rca, proximities=prox)
            _, pci = ec.complexity(rca)
            ec.opportunity_gain(rca, pci=pci, proximities=prox)

    return call


def agreement(frame, theirs) -> dict:
    """How far ecomplexity's outputs are from ours on the same panel (see module doc)."""
    import polars as pl
    from ecomplexity.calc_proximity import calc_discrete_proximity

    from emerging.indices import location_quotient
    from emerging.relatedness import analyse_relatedness

    keys = ["region", "industry", "year"]
    res = analyse_relatedness(frame, outlook=True)
    cols = ["region", "industry", "year", "rca", "mcp", "eci", "pci", "density", "coi", "cog"]
    t = pl.from_pandas(theirs[cols]).with_columns(pl.col("year").cast(pl.Int32))
    j = res.cells.join(t, on=keys).join(location_quotient(frame).select(*keys, "lq"), on=keys)
    j = j.join(res.complexity.regions.select("region", "year", pl.col("eci").alias("eci_o")),
               on=["region", "year"])
    j = j.join(res.complexity.industries.select("industry", "year",
                                                pl.col("pci").alias("pci_o")),
               on=["industry", "year"])
    sums = (res.proximity.group_by("industry", "year").agg(pl.col("proximity").sum().alias("s")))
    j = j.join(sums, on=["industry", "year"])
    z = (pl.col("pci") - pl.col("pci").mean()) / pl.col("pci").std(ddof=0)
    dens = (pl.col("density") / 100 * pl.col("s") + pl.col("mcp")) / (pl.col("s") + 1)
    out = j.with_columns(z.over("year").alias("pci_z")).select(
        (pl.col("present").cast(pl.Float64) != pl.col("mcp")).sum().alias("presence_cells_differ"),
        ((pl.col("lq") - pl.col("rca")).abs() / pl.col("rca").abs().clip(1e-300)).max()
        .alias("rca_max_rel_diff"),
        (pl.col("eci_o") - pl.col("eci")).abs().max().alias("eci_max_abs_diff"),
        (pl.col("pci_o") - pl.col("pci_z")).abs().max().alias("pci_max_abs_diff"),
        (dens - pl.col("density_right")).abs().max().alias("density_max_abs_diff"),
        pl.corr("coi", "coi_right").alias("coi_corr"),
        pl.corr("cog", "cog_right").alias("cog_corr"),
    ).row(0, named=True)
    out["proximity_max_abs_diff"] = _proximity_diff(res, t, calc_discrete_proximity)
    return {k: float(v) for k, v in out.items()}


def _proximity_diff(res, theirs, calc) -> float:
    """Largest difference between our proximity and ecomplexity's
    (``calc_discrete_proximity`` on its own ``mcp``) in the last year."""
    import numpy as np
    import polars as pl

    year = int(theirs["year"].max())
    m = (theirs.filter(pl.col("year") == year)
         .pivot(on="industry", index="region", values="mcp", sort_columns=True)
         .sort("region").drop("region").to_numpy())
    phi = calc(m, m.sum(axis=0))
    ours = res.proximity.filter(pl.col("year") == year).sort("industry", "industry_other")
    off = ~np.eye(m.shape[1], dtype=bool)
    return float(np.nanmax(np.abs(ours["proximity"].to_numpy() - phi[off])))


def _call(tool: str, frame):
    """The timed call of ``tool`` on ``frame`` (a peer gets a pandas frame made before)."""
    if tool.startswith("emerging"):
        return _ours(frame, with_frame=tool.endswith("+frame"))
    import pandas as pd

    df = pd.DataFrame({c: frame[c].to_numpy() for c in frame.columns})  # no pyarrow needed
    return {"ecomplexity": _ecomplexity, "econcomplex": _econcomplex,
            "economic-complexity": _economic_complexity}[tool](df)


def child(tool: str, name: str) -> None:
    """Run one measurement and print it as JSON (called in a fresh subprocess).

    Every tool first runs once on a small corner of the panel (30 regions x 20
    industries), untimed, so that imports and first-call set-up are not counted."""
    import polars as pl

    frame = panel(name)
    corner = {k: frame[k].unique().sort().head(n).to_list()
              for k, n in (("region", 30), ("industry", 20))}
    small = frame.filter(pl.col("region").is_in(corner["region"])
                         & pl.col("industry").is_in(corner["industry"]))
    _call(tool, small)()
    del small
    theirs, result = _measure(_call(tool, frame))
    if tool == "ecomplexity":
        result["agreement"] = agreement(frame, theirs)
    result["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


def run(tool: str, name: str, timeout: float | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", tool, name]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"> {timeout:.0f} s (stopped)"}
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1][:100]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(name: str, tool: str, res: dict, ours: dict | None) -> str:
    if "error" in res:
        return f"{name:<6}{tool:<21}{res['error']}"
    ratio = "" if ours is None or "wall" not in ours else (
        f"{res['wall'] / ours['wall']:>8.1f}{res['cpu'] / ours['cpu']:>8.1f}")
    return (f"{name:<6}{tool:<21}{res['wall']:>8.2f}{res['cpu']:>8.2f}"
            f"{res['peak'] / 1e9:>8.2f}{res['load']:>6.1f}{ratio}")


def _record(name: str, tool: str, res: dict, ours: dict) -> None:
    if "error" in res:
        return
    if tool.startswith("emerging"):
        record("relatedness", f"{tool} chain ({name})", res["wall"], peak_gb=res["peak"] / 1e9,
               note=f"cpu {res['cpu']:.2f} s, load {res['load']:.1f}")
    elif "wall" in ours:
        record("relatedness", f"emerging+frame chain ({name})", ours["wall"], peer=tool,
               peer_seconds=res["wall"], peak_gb=ours["peak"] / 1e9,
               note=f"cpu ours {ours['cpu']:.2f} s, peer {res['cpu']:.2f} s "
                    f"({res['cpu'] / ours['cpu']:.0f}x); peer peak {res['peak'] / 1e9:.2f} GB")


def main() -> None:
    names = ("L1", "L")
    full = os.environ.get("EMERGING_BENCH_PEERS_FULL", "")
    peers = () if os.environ.get("EMERGING_BENCH_NO_PEERS") == "1" else tuple(
        os.environ.get("EMERGING_BENCH_PEERS", ",".join(PEERS)).split(","))
    on_l = [t for t in peers if full == "all" or (full == "1" and t == "ecomplexity")]
    rows = [(n, t, run(t, n)) for n in names for t in TOOLS]
    rows += [("L1", t, run(t, "L1", timeout=PEER_TIMEOUT)) for t in peers]
    rows += [("L", t, run(t, "L", timeout=PEER_TIMEOUT)) for t in on_l]
    ours = {n: res for n, t, res in rows if t == "emerging+frame"}
    print("The chain per year: RCA and M, diversity/ubiquity, ECI/PCI (eigenvector), "
          "proximity (min. conditional), density, COI, COG.")
    print("L = 1,170 regions x 615 industries x 20 years (14.4 M rows, file order); "
          "L1 = its last year. Ratios: peer / emerging+frame on the same panel.")
    print(f"{'panel':<6}{'tool':<21}{'wall s':>8}{'cpu s':>8}{'peak GB':>8}{'load':>6}"
          f"{'x wall':>8}{'x cpu':>8}")
    for name, tool, res in rows:
        print(_line(name, tool, res, None if tool.startswith("emerging") else ours[name]))
        _record(name, tool, res, ours[name])
    _targets(rows, ours)
    for name, tool, res in rows:
        if "agreement" in res:
            print(f"agreement with {tool} on {name}: " + ", ".join(
                f"{k} {v:.3g}" for k, v in res["agreement"].items()))
    if not on_l:
        print("(peers on L1 only; EMERGING_BENCH_PEERS_FULL=1 runs ecomplexity on the whole L "
              "too, =all every peer)")
    print(f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def _targets(rows: list, ours: dict) -> None:
    chain = next((r for n, t, r in rows if n == "L" and t == "emerging"), {})
    if "wall" in chain:
        ok = "met" if chain["wall"] < TARGET_SECONDS else "NOT met"
        print(f"target: the chain on L under {TARGET_SECONDS:.0f} s: {chain['wall']:.2f} s "
              f"wall ({chain['cpu']:.2f} s cpu): {ok}")
    alone = {n: r for n, t, r in rows if t == "emerging"}
    for name, tool, res in rows:
        if tool == "ecomplexity" and "wall" in res and "wall" in ours[name]:
            ratio = res["wall"] / ours[name]["wall"]
            verdict = ("met" if ratio >= TARGET_RATIO else "NOT met") if name == "L" else (
                "the target is set on the whole L (EMERGING_BENCH_PEERS_FULL=1); one year "
                "runs our chain on one core")
            chain = alone.get(name, {})
            beside = "" if "wall" not in chain else (
                f"; over the chain alone (emerging, no frame) {res['wall'] / chain['wall']:.0f}x "
                f"wall, {res['cpu'] / chain['cpu']:.0f}x cpu")
            print(f"ecomplexity / emerging+frame (our chain and its row frame, every output "
                  f"per row as ecomplexity returns them) on {name}: {ratio:.0f}x wall "
                  f"({res['cpu'] / ours[name]['cpu']:.0f}x cpu){beside}; target >= "
                  f"{TARGET_RATIO:.0f}x wall: {verdict}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _report import record

    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
