"""Kill a build at random moments: outputs and manifest always agree (old set or new set)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sbs_rows import write_sbs_subset

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.realdata, pytest.mark.slow]

SCRIPT = """
import sys, warnings
warnings.simplefilter("ignore")
from emerging.io.build import build
build(sys.argv[1], sys.argv[2], splits=sys.argv[3])
"""


def _raw(shared_data, tmp_path):
    raw = tmp_path / "raw"
    write_sbs_subset(shared_data, raw, lambda key: key[0][:1] == "C"
                     and key[2][:2] in ("CZ", "SK", "HU", "PL", "AT", "SI"))
    (raw / "nama_10r_2gdp.tsv").symlink_to(shared_data / "economy/nama_10r_2gdp.tsv")
    return raw


def _run(raw, out, splits):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(raw), str(out), splits], env=env, cwd=REPO)


def _consistent(out: Path) -> str:
    """The manifest's splits option when the folder is one complete set; fails otherwise."""
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {o["file"]: o["sha256"] for o in manifest["outputs"]}
    on_disk = {p.name for p in out.glob("*.parquet")}
    assert on_disk == set(listed), (on_disk, set(listed))
    for name, digest in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    return manifest["splits"]


def test_kills_at_random_points_never_leave_a_mix(shared_data, tmp_path):
    raw = _raw(shared_data, tmp_path)
    out = tmp_path / "processed"
    start = time.monotonic()
    assert _run(raw, out, "report").wait(timeout=300) == 0
    duration = time.monotonic() - start
    assert _consistent(out) == "report"
    rng = random.Random(13)
    outcomes = []
    # the first two builds anchor both paths whatever the machine's load (one is killed
    # almost at once, one runs to its end); the other eight are killed at random points
    delays = [0.02, None, *(rng.uniform(0.3, 1.5) for _ in range(8))]
    for delay in delays:
        before = _consistent(out)
        splits = "aggregate" if before == "report" else "report"  # a finished build changes the set
        proc = _run(raw, out, splits)
        if delay is None:
            proc.wait(timeout=300)
        else:
            time.sleep(delay * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        after = _consistent(out)  # the previous set or the new one, never a mix
        assert after in (before, splits)
        outcomes.append((before, splits, after, proc.returncode))
    # some builds were killed before their swap and some finished: both paths were exercised
    assert any(a == b != s for b, s, a, _ in outcomes), outcomes
    assert any(a == s != b for b, s, a, _ in outcomes), outcomes
    # a complete rebuild after all that writes the same bytes as a clean build
    assert _run(raw, out, "report").wait(timeout=300) == 0
    clean = tmp_path / "clean"
    assert _run(raw, clean, "report").wait(timeout=300) == 0
    for path in clean.iterdir():
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
