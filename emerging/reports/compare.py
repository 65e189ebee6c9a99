"""The comparison sheet: 2 to 10 regions side by side (headline figures, their largest
specialisations and emerging industries), in every format of the pack."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emerging.reports.profile import ReportBatch
from emerging.reports.tables import Column, Table, fmt

KINDS = {"employment": "int", "growth": "pct", "n_specialised": "int", "traded_share": "pct",
         "wage": "eur"}


def comparison_table(batch: ReportBatch, codes: list[str]) -> tuple[Table, list]:
    if not 2 <= len(codes) <= 10:
        raise ValueError(f"a comparison sheet takes 2 to 10 regions; got {len(codes)}")
    profiles = [batch.profile(c) for c in codes]
    rows = []
    for key, label, unit in [(r["key"], r["indicator"], r["unit"])
                             for r in profiles[0].headline.iter_rows(named=True)]:
        row = {"indicator": label, "unit": unit}
        for p in profiles:
            value = p.headline.filter(pl.col("key") == key)["region"][0]
            row[p.region] = fmt({key: value}, Column(key, "", KINDS[key]))
            row[f"{p.region}_value"] = value
        rows.append(row)
    for what in ("specialisations", "emerging"):
        row = {"indicator": "Largest specialisations" if what == "specialisations"
               else "Emerging industries", "unit": "industries"}
        for p in profiles:
            frame = getattr(p, what)
            row[p.region] = "; ".join(frame["label"].head(3).to_list()) or "none"
            row[f"{p.region}_value"] = None
        rows.append(row)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    cols = (Column("indicator", "Indicator"),
            *[Column(p.region, f"{p.display_name}, {p.region}") for p in profiles])
    export = (Column("indicator", "Indicator"), Column("unit", "Unit"),
              *[Column(f"{p.region}_value", p.region) for p in profiles])
    note = ("Specialisation: LQ lower 95 % bound above 1. Employment growth over the industries "
            f"known in both {batch.start} and {batch.end}.")
    return Table("comparison", f"Regions compared, {batch.end}", cols, frame, export, note), profiles


def write_comparison(batch: ReportBatch, codes: list[str], out: Path, formats) -> tuple[list[Path], dict]:
    """Write ``out/compare.<ext>`` for every format; return the files and PDF pages."""
    from emerging.reports import pdf
    from emerging.reports.docx import _table
    from emerging.reports.html import environment, stylesheet
    from emerging.reports.markdown import table_markdown
    from emerging.reports.xlsx import _write

    table, profiles = comparison_table(batch, codes)
    written, pages = [], {}
    title = f"{len(codes)} regions compared"
    page = environment().get_template("compare.html").render(
        t=table, title=title, css=stylesheet("sheet.css"), print_css=stylesheet("print.css"),
        simulated=batch.data.simulated, source=batch.data.source, batch=batch)
    if "html" in formats:
        (out / "compare.html").write_text(page, "utf-8")
        written.append(out / "compare.html")
    if "pdf" in formats:
        pages["compare.pdf"] = pdf.write_pdf(page, out / "compare.pdf", base=out)
        written.append(out / "compare.pdf")
    if "md" in formats:
        text = f"# {title}\n\n{table_markdown(table)}\n\n{table.note}\n\nSource: {batch.data.source}\n"
        (out / "compare.md").write_text(text, "utf-8")
        written.append(out / "compare.md")
    if "docx" in formats:
        import docx

        doc = docx.Document()
        doc.add_heading(title, level=0)
        doc.add_heading(table.title, level=1)
        _table(doc, table)
        doc.save(out / "compare.docx")
        written.append(out / "compare.docx")
    if "xlsx" in formats:
        import xlsxwriter

        with xlsxwriter.Workbook(out / "compare.xlsx") as book:
            frame = table.frame.select([c.key for c in table.export])
            _write(book, "comparison", frame, [c.header for c in table.export], title, table.note)
            meta = pl.DataFrame([("source", batch.data.source), ("licence", batch.data.licence),
                                 ("vintage", batch.data.vintage),
                                 ("NUTS version", str(batch.data.nuts_version)),
                                 ("window", f"{batch.start}-{batch.end}")],
                                schema=["field", "value"], orient="row")
            _write(book, "metadata", meta, ["Field", "Value"], "Metadata", "")
        written.append(out / "compare.xlsx")
    return written, pages
