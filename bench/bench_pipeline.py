"""The whole indicator pipeline on the L panel, in file order, as a user runs it.

One process runs the steps one after the other on the 14.4 M-row L panel
(:func:`bench._panels.l_panel`, rows in the order of a Eurostat bulk file, or
``EMERGING_BENCH_ORDER=sorted|shuffled``), read from Parquet as a user's panel would be,
and prints each step's wall time, the total and the process's peak resident memory.
Targets (issue 18): total under 10 s and peak under 3 GB on an idle 2-core machine.

Run: ``python bench/bench_pipeline.py``; ``EMERGING_BENCH_SCALE=0.25`` runs a quarter of
the regions (for a quick look).

The first total is what a user gets: the memo of coded panels (:func:`emerging.clear_cache`)
codes the frame once for all steps. A second line repeats the run in a fresh process with
the memo cleared before each step (every step codes the panel again);
``EMERGING_BENCH_MEMO=on`` or ``=cleared`` runs only one of the two.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import polars as pl  # noqa: E402
from _panels import l_panel  # noqa: E402
from _report import record  # noqa: E402


def _steps(path: Path) -> list[tuple[str, object]]:
    import emerging
    from emerging.relatedness import analyse_relatedness
    from emerging.trends import shift_share, trend_slopes

    state: dict[str, object] = {}

    def read():
        state["panel"] = pl.read_parquet(path)

    def detection():
        from emerging.detect import signals as signals_module

        panel = state["panel"]
        if "as_of" in signals_module.emergence_signals.__code__.co_varnames:
            sig = emerging.emergence_signals(panel, as_of=2019, window=5)
        else:
            sig = emerging.emergence_signals(panel, start=2014, end=2019)
        try:
            from emerging.detect import emergence_scores
        except ImportError:
            return emerging.flag_emerging(sig)
        return emergence_scores(sig)

    return [
        ("read Parquet", read),
        ("location_quotient", lambda: emerging.location_quotient(state["panel"])),
        ("specialisation_profile", lambda: emerging.specialisation_profile(state["panel"])),
        ("trend_slopes", lambda: trend_slopes(state["panel"])),
        ("shift_share", lambda: shift_share(state["panel"], start=2009, end=2019)),
        ("analyse_relatedness", lambda: analyse_relatedness(state["panel"])),
        ("emergence signals + scores", detection),
    ]


def main() -> int:
    import emerging

    memo = os.environ.get("EMERGING_BENCH_MEMO", "both")
    order = os.environ.get("EMERGING_BENCH_ORDER", "file")
    scale = float(os.environ.get("EMERGING_BENCH_SCALE", "1"))
    panel = l_panel(order, regions=max(10, round(1170 * scale)))
    rows = panel.height
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.parquet"
        panel.write_parquet(path)
        del panel
        print(f"L panel: {rows:,} rows in {order} order")
        print(f"{'step':<30} {'seconds':>8}")
        total = 0.0
        for name, step in _steps(path):
            if memo == "cleared":
                emerging.clear_cache()
            start = time.perf_counter()
            try:
                step()
            except Exception as exc:  # a failing step is reported, the others still run
                print(f"{name:<30} {'failed':>8}  {type(exc).__name__}: {str(exc)[:100]}")
                continue
            seconds = time.perf_counter() - start
            total += seconds
            print(f"{name:<30} {seconds:8.2f}")
            record("pipeline", name, seconds, note=f"{order} order, {rows:,} rows")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    flag = "ok" if total < 10 and peak < 3 else "over target"
    label = "total, memo cleared each step" if memo == "cleared" else "total"
    print(f"{label:<30} {total:8.2f}   peak {peak:.2f} GB (targets 10 s, 3 GB: {flag})")
    record("pipeline", label, total, peak_gb=peak, note=f"{order} order, {rows:,} rows")
    if memo == "both":  # the same run without the memo's help, in a fresh process
        child = subprocess.run([sys.executable, __file__], capture_output=True, text=True,
                               env={**os.environ, "EMERGING_BENCH_MEMO": "cleared"})
        lines = [line for line in child.stdout.splitlines() if "memo cleared" in line]
        print("\n".join(lines) if lines else f"memo-cleared run failed: {child.stderr[-300:]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
