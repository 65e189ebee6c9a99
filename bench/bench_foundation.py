"""Foundation benchmarks: `import emerging`, building the demo data, and `emerging demo` end to end.

Each timing runs in a fresh Python process (imports are not cached between runs) and the
median of several runs is reported. Targets (issue 2): import < 0.5 s, demo job < 30 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
EMERGING = str(Path(PYTHON).with_name("emerging"))


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def in_process(code: str, runs: int) -> list[float]:
    """Time `code` inside a fresh interpreter, excluding interpreter start-up."""
    script = (
        "import time; t = time.perf_counter();\n"
        f"{code}\n"
        "print(time.perf_counter() - t)"
    )
    out = []
    for _ in range(runs):
        done = subprocess.run([PYTHON, "-c", script], check=True, capture_output=True, text=True)
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    rows = [
        ("import emerging", in_process("import emerging", 7), 0.5),
        (
            "demo() data (after import)",
            in_process("from emerging.datasets import demo\nt = time.perf_counter(); demo()", 5),
            2.0,
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("emerging demo (CLI, whole job)", timed([EMERGING, "demo", "--out", tmp], 3), 30.0))
    print(f"{'what':38s} {'median s':>9s} {'min s':>7s} {'target s':>9s}")
    for name, times, target in rows:
        flag = "ok" if statistics.median(times) < target else "SLOW"
        print(f"{name:38s} {statistics.median(times):9.3f} {min(times):7.3f} {target:9.1f} {flag}")


if __name__ == "__main__":
    main()
