"""One line per measured step, read by ``run_all.py`` into ``bench/RESULTS.md``.

A bench script calls :func:`record` for each figure it measures; the line it prints
(``BENCH {...json...}``) is easy to grep and to parse, and the script's own table stays
as it is for a reader of its output.
"""

from __future__ import annotations

import json

PREFIX = "BENCH "


def record(
    bench: str,
    step: str,
    seconds: float,
    *,
    peak_gb: float | None = None,
    peer: str | None = None,
    peer_seconds: float | None = None,
    note: str = "",
) -> None:
    """Print one machine-readable result line (times in seconds, memory in GB)."""
    row = {
        "bench": bench,
        "step": step,
        "seconds": round(seconds, 3),
        "peak_gb": peak_gb,
        "peer": peer,
        "peer_seconds": peer_seconds,
        "note": note,
    }
    if peak_gb is not None:
        row["peak_gb"] = round(peak_gb, 2)
    print(PREFIX + json.dumps(row), flush=True)


def parse(text: str) -> list[dict]:
    """The result lines of a bench script's output."""
    return [json.loads(line[len(PREFIX) :]) for line in text.splitlines() if line.startswith(PREFIX)]
