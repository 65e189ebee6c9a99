"""Reports benchmark: fact sheets for all 81 regions of the Central Europe 2021-2027 area.

HTML + PDF + XLSX + DOCX (target < 60 s on 2 cores), on the simulated demo (all 81 regions
are in it) and, when ../shared/data is present, on the real SBS data as `emerging build`
writes it (77 of the 81 regions: HU11, HU12, PL91, PL92 are split regions the build leaves
out). Reports the wall time, CPU time of this process and its workers, the split into the
whole-panel indicators and the sheets, and the load average before and after: the machine
is shared, say so with the numbers.

    python bench/bench_reports.py [--workers 2] [--figure-formats png,svg,pdf] [--demo-only]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's emerging, also when another is installed
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))
TARGET = 60.0
FORMATS = ("html", "pdf", "xlsx", "docx")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(label: str, data, workers: int, figure_formats: tuple[str, ...]) -> float:
    from emerging.reports import build_report, compute_batch

    load = os.getloadavg()[0]
    c0, t0 = _cpu(), time.perf_counter()
    batch = compute_batch(data)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        summary = build_report(batch, regions="central_europe_2021_2027", out=out,
                               formats=FORMATS, figure_formats=figure_formats, workers=workers,
                               progress=False, compare=False)
    wall = time.perf_counter() - t0
    print(f"{label}: {len(summary.regions)} regions, {wall:.1f} s wall "
          f"(indicators {t1 - t0:.1f} s, once), {_cpu() - c0:.1f} s CPU, {workers} worker(s), "
          f"figures as {','.join(figure_formats) or 'PNG only'}; PDFs <= "
          f"{max(summary.pages.values())} pages; load average {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; target {TARGET:.0f} s: "
          f"{'met' if wall < TARGET else 'NOT met'}", flush=True)
    return wall


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--figure-formats", default="png",
                        help="formats of every figure (png,svg,pdf); the default is the "
                             "pack's default, PNG only")
    parser.add_argument("--demo-only", action="store_true", help="skip the real-data run")
    args = parser.parse_args()
    formats = tuple(f for f in args.figure_formats.split(",") if f)
    run("demo (simulated)", "demo", args.workers, formats)
    processed = DATA / "employment"
    if processed.is_dir() and not args.demo_only:
        from emerging.io.build import build

        with tempfile.TemporaryDirectory() as folder:
            build(processed, folder, indicators=("V16110", "V13320"))
            run("real SBS", Path(folder), args.workers, formats)


if __name__ == "__main__":
    main()
