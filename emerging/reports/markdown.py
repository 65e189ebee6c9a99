"""The Markdown version of a sheet (for wikis, e-mails and pandoc)."""

from __future__ import annotations

import os
from pathlib import Path

from emerging.reports.profile import RegionProfile
from emerging.reports.tables import Table, sheet_tables, spark_text


def _cell(x) -> str:
    if isinstance(x, list):
        return spark_text(x)
    return str(x).replace("|", "\\|")


def table_markdown(t: Table) -> str:
    head = "| " + " | ".join(c.header for c in t.columns) + " |"
    rule = "| " + " | ".join("---" if c.kind in ("text", "stars") else "---:" for c in t.columns) + " |"
    body = ["| " + " | ".join(_cell(x) for x in row) + " |" for row in t.rows()]
    return "\n".join([head, rule, *body])


def render_markdown(p: RegionProfile, figures, base: Path | None = None) -> str:
    tables = {t.name: t for t in sheet_tables(p)}
    lines = [f"# {p.display_name}, {p.region}: regional fact sheet", "",
             f"{p.country_name} · NUTS {p.nuts_version} · data {p.first_year}–{p.last_year}, "
             f"analysed {p.start}–{p.end} · vintage: {p.vintage}", ""]
    if p.simulated:
        lines += ["> **Simulated data.** Not official statistics: do not use to inform policy.", ""]
    if p.stale:
        lines += [f"> **Old data.** The latest year analysed is {p.end}.", ""]
    for t in tables.values():
        lines += [f"## {t.title}", "", table_markdown(t), "", t.note, ""]
        if t.name == "specialisations":
            lines += [f"{i}. {n}" for i, n in enumerate(p.star_notes, 1)] + [""]
        if t.name == "emerging":
            lines += ["A shortlist for expert review. " + (p.backtest or
                      "No out-of-sample backtest of this method is available yet."), ""]
    for n, f in enumerate(figures, 1):
        src = f.paths["png"]
        if base is not None:
            src = os.path.relpath(src, base)
        lines += [f"![Figure {n}. {f.caption}]({Path(src).as_posix()})", "",
                  f"*Figure {n}. {f.caption}*", ""]
    lines += ["## Data note", "", f"{p.source} ({p.licence}). {p.harmonisation} "
              + " ".join(p.notes), ""]
    return "\n".join(lines)


def write_markdown(p: RegionProfile, figures, path: Path, *, base: Path | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(p, figures, base), "utf-8")
    return path
