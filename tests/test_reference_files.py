"""Every file in tests/reference says where its numbers came from (its README)."""

from __future__ import annotations

import re
from pathlib import Path

REFERENCE = Path(__file__).parent / "reference"


def _rows() -> list[list[str]]:
    lines = (REFERENCE / "README.md").read_text().splitlines()
    cell = re.compile(r"(?<!\\)\|")  # a column bar, not an escaped \| inside a cell
    return [[c.strip() for c in cell.split(line)[1:-1]] for line in lines
            if line.startswith("| `")]


def test_every_reference_file_is_listed_with_its_source():
    rows = _rows()
    listed = {cells[0].strip("`").split("::")[0] for cells in rows}
    files = sorted(p.relative_to(REFERENCE).as_posix() for p in REFERENCE.rglob("*")
                   if p.is_file() and p.name != "README.md" and "__pycache__" not in p.parts)
    unlisted = [f for f in files if f not in listed]
    assert unlisted == [], "add these files to tests/reference/README.md with their source"
    for cells in rows:
        assert len(cells) == 4 and all(cells), f"{cells[0]}: every column of its row is needed"
    missing = sorted(name for name in listed if not (REFERENCE / name).is_file())
    assert missing == [], "listed in tests/reference/README.md but absent"
