"""Run every benchmark script in bench/ (bench_*.py) one after the other and write
``bench/RESULTS.md``: machine and versions, one table of every measured step (from the
``BENCH`` lines of :mod:`_report`) and each script's own output. ``make bench`` runs it.

``python bench/run_all.py pipeline indices`` runs only ``bench_pipeline.py`` and
``bench_indices.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from _report import PREFIX, parse  # noqa: E402

PACKAGES = (
    "emerging",
    "polars",
    "numpy",
    "scipy",
    "networkx",
    "statsmodels",
    "ecomplexity",
    "econcomplex",
    "economic-complexity",
    "dask",
)


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem = next(
        (
            int(line.split()[1]) / 1024**2
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        float("nan"),
    )
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores ({cpu}), {mem:.1f} GiB memory, {platform.platform()}",
        f"- load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        " (figures taken on a busy machine are slower than on an idle one)",
        f"- Python {platform.python_version()}; " + ", ".join(versions),
    ]


def table(rows: list[dict]) -> list[str]:
    out = [
        "| bench | step | seconds | peak GB | peer | peer seconds | ratio (peer / ours) | note |",
        "|---|---|---:|---:|---|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r['peer_seconds'] / r['seconds']:.1f}x" if r.get("peer_seconds") and r["seconds"] else ""
        cells = [
            r["bench"],
            r["step"],
            f"{r['seconds']:.2f}",
            "" if r.get("peak_gb") is None else f"{r['peak_gb']:.2f}",
            r.get("peer") or "",
            "" if r.get("peer_seconds") is None else f"{r['peer_seconds']:.2f}",
            ratio,
            r.get("note", ""),
        ]
        out.append("| " + " | ".join(str(c) for c in cells) + " |")
    return out


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    header = machine()
    failed, rows, outputs = [], [], []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        shown = "\n".join(line for line in proc.stdout.splitlines() if not line.startswith(PREFIX))
        print(shown, flush=True)
        if proc.returncode:
            print(proc.stderr[-3000:], flush=True)
            failed.append(script.name)
        rows += parse(proc.stdout)
        outputs.append((script.name, time.perf_counter() - start, shown, proc.returncode))
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run_all.py`); do not edit by hand.",
        "",
        *header,
        "",
        "## Every measured step",
        "",
        *table(rows),
        "",
        "## Each script's output",
        "",
    ]
    for name, seconds, shown, code in outputs:
        status = "" if code == 0 else f" (exit code {code})"
        lines += [f"### {name} ({seconds:.0f} s{status})", "", "```text", shown.strip(), "```", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"\nwrote {HERE / 'RESULTS.md'} ({len(rows)} measured steps)")
    if failed:
        print(f"failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
