"""Benchmark of emerging.detect.

1. Signals and scores of the L panel (1,170 regions x 615 industries x 20 years, 14.4 million
   rows in the order of a Eurostat bulk file; :func:`bench._panels.l_panel`):
   ``emergence_signals(as_of=last, window=5)`` then
   ``emergence_scores`` with the default score and with the composite preset, best of
   ``REPEAT`` runs, wall clock and CPU, and the peak resident memory of the process. The
   default score is timed twice: given a new frame (its coding included) and given the
   frame coded already (``CodedPanel``; what a pipeline that coded the frame once pays).
2. The backtest of the real NUTS-2 SBS panel (../shared/data, 2008-2014) with 200
   region-bootstrap replicates, horizons 3 and 1, every origin, every score, and horizon 1
   again with the gradient-boosted trees (the ``ml`` extra) beside them (skipped when the
   data or scikit-learn are absent).

Run: ``python bench/bench_detect.py`` (``make bench`` runs it with the others). Figures are
only comparable on an idle machine; say so when quoting them (CPU time is printed beside the
wall clock for that reason). ``python bench/bench_detect.py --profile`` prints a pyinstrument
profile of one signals + default score run of the L panel and stops (``bench`` extra).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE), str(HERE.parent / "analyses")]

from _panels import l_panel  # noqa: E402  (the one L panel of the benchmarks)
from _report import record  # noqa: E402

REPEAT = 2


def timed(fn):
    from emerging import clear_cache

    clear_cache()  # every run codes its panel, as a first call does
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w0, time.process_time() - c0, out


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def main() -> None:
    from emerging.detect import emergence_scores, emergence_signals

    panel = l_panel("file")
    last = int(panel["year"].max())
    print(f"L panel: {panel.height:,} rows; peak memory after building it {peak_gb():.2f} GB")
    if "--profile" in sys.argv:
        from pyinstrument import Profiler

        with Profiler() as profiler:
            emergence_scores(emergence_signals(panel, as_of=last, window=5))
        print(profiler.output_text(color=False))
        return
    from emerging._engine import CodedPanel

    held = {"coded": CodedPanel.from_panel(panel)}  # as a pipeline's first step codes it
    runs = [
        ("default score", {}, "the frame", lambda: panel.clone()),  # a new frame: coded again
        ("default score", {}, "the frame coded already", lambda: held["coded"]),
        ("composite balanced", {"model": "composite"}, "the frame", lambda: panel.clone()),
    ]
    for label, kwargs, given, data in runs:
        best, scores = None, None
        for _ in range(REPEAT):
            scores = None  # the previous run's result is freed first: one run's memory
            frame = data()
            wall, cpu, scores = timed(lambda kw=kwargs, f=frame: emergence_scores(
                emergence_signals(f, as_of=last, window=5), **kw))
            best = (wall, cpu) if best is None or wall < best[0] else best
        print(f"signals + scores ({label}, given {given}): {best[0]:.2f} s wall, "
              f"{best[1]:.2f} s CPU; {scores.table.height:,} pairs; peak memory "
              f"{peak_gb():.2f} GB; load average {os.getloadavg()[0]:.1f}")
        record("detect", f"L panel signals + scores, {label}, given {given}", best[0],
               peak_gb=peak_gb(), note=f"{best[1]:.2f} s CPU, window 5")
    held.clear()  # the backtests below code their own panel

    from _sbs import SBS, SOURCE, sbs_nuts2

    if not SBS.exists():
        print(f"SBS file {SBS} absent: backtest benchmark skipped")
        return
    from emerging.detect import backtest

    sbs = sbs_nuts2()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wall, cpu, result = timed(lambda: backtest(sbs, horizon=3, window=3, n_boot=200,
                                                   data=SOURCE))
    print(f"backtest of the SBS NUTS-2 panel ({sbs.height:,} rows), horizon 3, "
          f"{result.metrics['as_of'].n_unique()} origins, {result.metrics.height} score rows, "
          f"200 replicates: {wall:.2f} s wall, {cpu:.2f} s CPU")
    record("detect", "SBS NUTS-2 backtest, horizon 3, 200 replicates", wall,
           note=f"{cpu:.2f} s CPU")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wall, cpu, result = timed(lambda: backtest(sbs, horizon=1, window=3, n_boot=200,
                                                   data=SOURCE))
    print(f"backtest, horizon 1 (logit refitted at 3 origins), {result.metrics.height} score "
          f"rows: {wall:.2f} s wall, {cpu:.2f} s CPU")
    record("detect", "SBS NUTS-2 backtest, horizon 1, 200 replicates", wall,
           note=f"{cpu:.2f} s CPU")
    try:
        import sklearn  # noqa: F401  (the ml extra)
    except ImportError:
        print("scikit-learn absent: backtest with the tree score skipped")
        return
    from emerging.detect._backtest import DEFAULT_SCORES

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wall, cpu, result = timed(lambda: backtest(sbs, horizon=1, window=3, n_boot=200,
                                                   scores=(*DEFAULT_SCORES, "gbm"), data=SOURCE))
    print(f"backtest, horizon 1, with the gradient-boosted trees (fitted at 3 origins), "
          f"{result.metrics.height} score rows: {wall:.2f} s wall, {cpu:.2f} s CPU")
    record("detect", "SBS NUTS-2 backtest, horizon 1, 200 replicates, with gbm", wall,
           note=f"{cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
