"""Every expected-value file in tests/reference says where its numbers came from."""

from __future__ import annotations

from pathlib import Path

REFERENCE = Path(__file__).parent / "reference"


def test_every_reference_file_is_listed_with_its_source():
    readme = (REFERENCE / "README.md").read_text()
    rows = {line.split("|")[1].strip().strip("`"): line for line in readme.splitlines()
            if line.startswith("| ") and not line.startswith("| file") and "---" not in line}
    files = sorted(p.relative_to(REFERENCE).as_posix() for p in REFERENCE.rglob("*")
                   if p.is_file() and p.name != "README.md")
    unlisted = [f for f in files if f not in rows]
    assert unlisted == [], "add these files to tests/reference/README.md with their source"
    for name, line in rows.items():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        assert len(cells) == 4 and all(cells), f"{name}: give what, source and date"
        assert (REFERENCE / name).is_file(), f"{name} is listed but missing"
