"""The DOCX brief of a sheet (python-docx): headings, tables, numbered figures with captions
and a method box, ready for a brief writer to edit."""

from __future__ import annotations

from pathlib import Path

from emerging.reports.profile import RegionProfile
from emerging.reports.tables import Table, sheet_tables, spark_text


def _table(doc, t: Table) -> None:
    """The table with its header row, every cell one 8-pt run (filled column by column:
    python-docx finds a row's cells by walking the whole table, a column's cells in one walk)."""
    from docx.shared import Pt

    size = Pt(8)
    rows = [[c.header for c in t.columns]] + [
        [spark_text(x) if isinstance(x, list) else str(x) for x in row] for row in t.rows()]
    table = doc.add_table(rows=len(rows), cols=len(t.columns))
    table.style = "Light Grid Accent 1"
    for j, column in enumerate(table.columns):
        for cell, row in zip(column.cells, rows, strict=True):
            cell.paragraphs[0].add_run(row[j]).font.size = size
    if t.note:
        doc.add_paragraph(t.note, style="Caption")


def write_brief(p: RegionProfile, figures, path: Path) -> Path:
    """Write the brief of ``p`` with ``figures`` (their PNG files) to ``path``."""
    import docx
    from docx.shared import Mm

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    doc.core_properties.title = f"{p.display_name}, {p.region}: regional brief"
    doc.add_heading(f"{p.display_name}, {p.region}", level=0)
    doc.add_paragraph(f"{p.country_name} · NUTS {p.nuts_version} · data {p.first_year}–"
                      f"{p.last_year}, analysed {p.start}–{p.end} · vintage: {p.vintage}")
    if p.simulated:
        doc.add_paragraph("Simulated data: not official statistics; do not use to inform policy.",
                          style="Intense Quote")
    if p.stale:
        doc.add_paragraph(f"Old data: the latest year analysed is {p.end}.", style="Intense Quote")
    figure_of = {f.key: f for f in figures}
    number = 0
    for t in sheet_tables(p):
        doc.add_heading(t.title, level=1)
        if t.name == "emerging":
            doc.add_paragraph("A shortlist for expert review. " + (
                p.backtest or "No out-of-sample backtest of this method is available yet."))
        _table(doc, t)
        if t.name == "specialisations":
            for i, n in enumerate(p.star_notes, 1):
                doc.add_paragraph(f"{i} {n}", style="Caption")
        for key in {"specialisations": ("map", "employment"), "diversify": ("diversify",)}.get(t.name, ()):
            f = figure_of.get(key)
            if f is None:
                continue
            number += 1
            doc.add_picture(str(f.paths["png"]), width=Mm(150 if key == "map" else 110))
            doc.add_paragraph(f"Figure {number}. {f.caption}", style="Caption")
    doc.add_heading("Method", level=1)
    box = doc.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    box.rows[0].cells[0].text = (
        "Location quotient (LQ): the industry's share of the region's employment divided by "
        "its share in all regions of the data, with a 95 % interval (Moineddin, Beyene & Boyle "
        "2003). A specialisation is an industry whose LQ lower bound is above 1. Emerging "
        f"industries: {p.emerging_method}. Diversification: {p.candidate_rule} Data: "
        f"{p.source} ({p.licence}); {p.harmonisation}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
