"""Real SBS rows written as a small raw file: shared by the build tests in tests/io."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path


def write_sbs_subset(shared_data: Path, raw: Path, keep: Callable[[list[str]], bool]) -> int:
    """Write ``raw/sbs_r_nuts06_r2.tsv.gz`` with the header and the real SBS series whose key
    fields (``nace_r2, indic_sb, geo``) pass ``keep``; return the number of series written."""
    raw.mkdir(parents=True, exist_ok=True)
    lines = []
    with gzip.open(shared_data / "employment/sbs_r_nuts06_r2.tsv.gz", "rt") as fh:
        lines.append(next(fh))
        lines += [line for line in fh if keep(line.split("\t", 1)[0].split(","))]
    (raw / "sbs_r_nuts06_r2.tsv.gz").write_bytes(gzip.compress("".join(lines).encode(), mtime=0))
    return len(lines) - 1

