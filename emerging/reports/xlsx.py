"""The XLSX annex of a sheet: one worksheet per table (headers with units, frozen, filtered)
and a ``metadata`` worksheet (sources, licences, vintage, NUTS version, method, version, date)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emerging.reports.colours import SHEET_COLOURS
from emerging.reports.profile import RegionProfile
from emerging.reports.tables import Table, headline_export, sheet_tables


def metadata_rows(p: RegionProfile) -> list[tuple[str, str]]:
    from emerging.reports.html import version

    return [
        ("region", f"{p.display_name}, {p.region}, {p.country_name}"),
        ("NUTS version", f"NUTS {p.nuts_version}, level 2"),
        ("data years", f"{p.first_year}-{p.last_year}; analysed {p.start}-{p.end}"),
        ("source", p.source),
        ("licence", p.licence),
        ("data vintage", p.vintage),
        ("simulated", "yes" if p.simulated else "no"),
        ("specialisation", "LQ lower 95 % bound above 1 (Moineddin, Beyene & Boyle 2003)"),
        ("emerging industries", p.emerging_method),
        ("diversification", p.candidate_rule),
        ("left out of candidates", "; ".join(f"{c}: {why}" for c, why in p.exclusions.items())),
        ("co-operation", p.cooperation_note),
        ("confidential cells", f"{p.unknown_cells} of this region in {p.end}, left out of sums"),
        ("NUTS harmonisation", p.harmonisation),
        ("toolkit", f"emerging {version()}"),
        ("generated", p.generated),
    ]


def _write(book, name: str, frame: pl.DataFrame, headers: list[str], title: str, note: str):
    sheet = book.add_worksheet(name[:31])
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                            "bg_color": SHEET_COLOURS["head-fill"], "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    num = book.add_format({"num_format": "#,##0.00", "valign": "top"})
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 12}))
    if note:
        sheet.write(1, 0, note, wrap)
    for j, h in enumerate(headers):
        sheet.write(3, j, h, bold)
    for i, row in enumerate(frame.iter_rows(), start=4):
        for j, v in enumerate(row):
            if isinstance(v, bool):
                sheet.write(i, j, "yes" if v else "no")
            elif isinstance(v, int | float) and v is not None:
                sheet.write_number(i, j, float(v), num)
            elif v is not None:
                sheet.write(i, j, str(v), wrap)
    for j in range(len(headers)):
        sheet.set_column(j, j, 44 if frame.dtypes[j] == pl.String and j else 16)
    sheet.set_row(3, 30)
    sheet.freeze_panes(4, 0)
    if frame.height:
        sheet.autofilter(3, 0, 3 + frame.height, len(headers) - 1)


def _export(t: Table, p: RegionProfile) -> tuple[pl.DataFrame, list[str]]:
    if t.name == "headline":
        frame = headline_export(p)
        heads = ["Indicator", "Unit", f"{p.name} ({p.region})", p.country_name,
                 "Central Europe area", "All regions"]
        return frame, heads
    cols = [c for c in t.export if c.key in t.frame.columns]
    frame = t.frame.select([c.key for c in cols])
    return frame, [f"{c.header} ({c.unit})" if c.unit else c.header for c in cols]


def write_annex(p: RegionProfile, path: Path) -> Path:
    """Write the annex of ``p`` to ``path`` (XLSX) and return the path."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(path, {"nan_inf_to_errors": True}) as book:
        for t in sheet_tables(p):
            frame, heads = _export(t, p)
            _write(book, t.name, frame, heads, f"{t.title}: {p.display_name}, {p.region}", t.note)
        meta = pl.DataFrame(metadata_rows(p), schema=["field", "value"], orient="row")
        _write(book, "metadata", meta, ["Field", "Value"], "Metadata", "")
    return path
