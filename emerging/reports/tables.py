"""The tables of a sheet, defined once for every format (HTML, DOCX, Markdown, XLSX).

A :class:`Table` holds the numbers (a polars frame) and how to show them: the displayed
columns with their headers, units and number formats (:func:`fmt`), and the exported
columns of the XLSX annex with their units.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from emerging.reports.profile import RegionProfile

AREA_NAME = "Central Europe area"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, int, num1, num2, lq_ci, change, pct, eur, stars, spark
    unit: str = ""
    width: float | None = None  # share of the table's width in % (HTML and PDF)


@dataclass(frozen=True)
class Table:
    name: str  # sheet name in the XLSX annex (<= 31 characters)
    title: str
    columns: tuple[Column, ...]
    frame: pl.DataFrame
    export: tuple[Column, ...]  # numeric columns of the annex
    note: str = ""

    @property
    def widths(self) -> tuple[float, ...] | None:
        """Column widths in % when every displayed column has one (then the table is laid
        out with these widths, not by its content)."""
        widths = tuple(c.width for c in self.columns)
        return widths if all(w is not None for w in widths) else None  # type: ignore[return-value]

    def rows(self) -> list[list[str]]:
        """Displayed cells as text (the sparkline column yields its raw list)."""
        return [[fmt(row, c) for c in self.columns] for row in self.frame.iter_rows(named=True)]


def spark_text(values) -> str:
    """A sparkline in words: first and last known value."""
    known = [v for v in (values or []) if v is not None]
    return f"{known[0]:,.0f} → {known[-1]:,.0f}" if known else ""


def _number(x, pattern: str) -> str:
    return "–" if x is None else format(x, pattern).replace("-", "−")


def fmt(row: dict, col: Column):
    """One displayed cell of ``row`` for column ``col``."""
    x = row.get(col.key)
    kind = col.kind
    if kind == "spark":
        return x or []
    if kind == "lq_ci":
        if x is None:
            return "–"
        return f"{x:.2f} ({row['lq_lo']:.2f}–{row['lq_hi']:.2f})"
    if kind == "stars":
        n = int(x or 0)
        mark = row.get("star_note")
        return "★" * n + (f" {mark}" if n and mark else "") if n else ""
    if x is None:
        return "–"
    if kind == "int":
        return _number(x, ",.0f")
    if kind == "num1":
        return _number(x, ",.1f")
    if kind == "num2":
        return _number(x, ".2f")
    if kind == "change":
        return _number(x, "+.2f")
    if kind == "pct":
        return _number(x, "+.1f" if col.key == "growth" else ".1f") + " %"
    if kind == "eur":
        return _number(x, ",.0f") + " €"
    return str(x)


def headline_table(p: RegionProfile) -> Table:
    """Headline figures of the region beside its country, the area and all regions."""
    rows = []
    for r in p.headline.iter_rows(named=True):
        kind = {"employment": "int", "growth": "pct", "n_specialised": "num1",
                "traded_share": "pct", "wage": "eur"}[r["key"]]
        cells = {"indicator": r["indicator"], "unit": r["unit"]}
        for g in ("region", "country", "area", "all"):
            c = Column(r["key"], "", "int" if (kind == "num1" and g == "region") else kind)
            cells[g] = fmt({r["key"]: r[g]}, c)
        rows.append(cells)
    frame = pl.DataFrame(rows)
    if p.headline.filter(pl.col("key") == "wage")["region"][0] is None:
        frame = frame.filter(pl.col("indicator") != "Wages and salaries per person employed")
    cols = (Column("indicator", "Indicator"), Column("region", p.name),
            Column("country", p.country_name), Column("area", AREA_NAME),
            Column("all", "All regions"))
    note = (f"Employment: persons employed in the business economy covered by the data, {p.end}; "
            f"growth {p.start}–{p.end} over the industries known in both years. Specialisations: "
            "industries whose LQ's lower 95 % bound is above 1 (for the country, the area and all "
            "regions: the mean per region).")
    export = (Column("indicator", "Indicator"), Column("unit", "Unit"),
              Column("region", p.region, "num2"), Column("country", p.country, "num2"),
              Column("area", AREA_NAME, "num2"), Column("all", "All regions", "num2"))
    return Table("headline", "Headline figures", cols, frame, export, note)


def headline_export(p: RegionProfile) -> pl.DataFrame:
    return p.headline.select("indicator", "unit", "region", "country", "area", "all")


def specialisations_table(p: RegionProfile) -> Table:
    # the industry names get the room they need (most on one line, the longest on two): the
    # numbers are short and do not wrap (the year of the employment column is in the title)
    cols = (Column("label", "Industry", width=36.5),
            Column("industry", "NACE", width=5.5),
            Column("value", "Employed", "int", width=7.5),
            Column("lq", "LQ (95 % interval)", "lq_ci", width=13.5),
            Column("lq_change", f"LQ change since {p.start}", "change", width=10.5),
            Column("series", f"Employment {p.start}–{p.end}", "spark", width=11),
            Column("stars", "Cluster stars", "stars", width=6.5),
            Column("us_rating", "US rating", width=9))
    export = (Column("industry", "NACE Rev. 2"), Column("label", "Industry"),
              Column("value", "Persons employed", unit="persons"), Column("lq", "LQ", unit="ratio"),
              Column("lq_lo", "LQ lower 95 % bound", unit="ratio"),
              Column("lq_hi", "LQ upper 95 % bound", unit="ratio"),
              Column("lq_change", f"LQ change since {p.start}", unit="ratio points"),
              Column("stars", "ECO cluster stars (traded only)", unit="0-3"),
              Column("us_rating", "US Cluster Mapping rating (traded only)", unit="none to strong10"),
              Column("us_rating_reason", "Why not the next rating up"),
              Column("traded", "Traded industry", unit="yes/no"))
    note = ("Largest specialisations by employment (LQ lower 95 % bound above 1). Stars "
            "(European Cluster Observatory) and US ratings (qualifying, significant, strong, "
            "strong10: the US Cluster Mapping rules, against all regions, with local units as "
            "establishments where the data have them) are given to traded industries only; the "
            "annex says why each rating is not the next one up.")
    return Table("specialisations", f"Top specialisations, {p.end}", cols, p.specialisations,
                 export, note)


def emerging_table(p: RegionProfile) -> Table:
    cols = (Column("label", "Industry"), Column("industry", "NACE"), Column("class", "Class"),
            Column("evidence", "Evidence"))
    export = (Column("industry", "NACE Rev. 2"), Column("label", "Industry"),
              Column("class", "Class"), Column("score", "Score", unit="detection score"),
              Column("evidence", "Evidence"), Column("detail", "Evidence of the detection layer"))
    return Table("emerging", f"Emerging industries, {p.start}–{p.end}", cols, p.emerging,
                 export, p.emerging_method)


def candidates_table(p: RegionProfile) -> Table:
    cols = (Column("label", "Industry"), Column("industry", "NACE"),
            Column("density", "Relatedness density", "num1"),
            Column("pci", "Complexity (PCI)", "change"), Column("reason", "Why"))
    export = (Column("industry", "NACE Rev. 2"), Column("label", "Industry"),
              Column("density", "Relatedness density", unit="0-100"),
              Column("pci", "Product complexity index", unit="standardised"),
              Column("score", "Feasibility-attractiveness score", unit="0-1"),
              Column("reason", "Reason"))
    return Table("diversify", "Where to diversify: candidates", cols, p.candidates, export,
                 p.candidate_rule)


def partners_table(p: RegionProfile) -> Table | None:
    if p.partners is None:
        return None
    cols = (Column("name", "Partner"),
            Column("weight", "Joint projects", "int"))
    export = (Column("partner", "Code"), Column("name", "Partner"),
              Column("weight", "Joint projects", unit="projects"))
    return Table("cooperation", "Co-operation: top cross-border partners", cols, p.partners,
                 export, p.cooperation_note)


def peers_table(p: RegionProfile) -> Table:
    cols = (Column("name", "Region"), Column("region", "NUTS"),
            Column("similarity", "Similarity", "num2"),
            Column("employment", "Employed", "int"),
            Column("n_specialised", "Specialisations", "int"),
            Column("traded_share", "Traded share", "pct"))
    export = (Column("region", "NUTS"), Column("name", "Region"),
              Column("similarity", "Cosine similarity of employment structure", unit="0-1"),
              Column("employment", "Persons employed", unit="persons"),
              Column("n_specialised", "Specialisations", unit="industries"),
              Column("traded_share", "Employment in traded industries", unit="%"))
    return Table("peers", "Peer regions (most similar employment structure)", cols, p.peers,
                 export, "Cosine similarity of the regions' industry employment shares, "
                 f"{p.end}, among all regions of the data.")


def sheet_tables(p: RegionProfile) -> list[Table]:
    """Every table of a sheet, in page order (co-operation left out when there is no data)."""
    tables = [headline_table(p), specialisations_table(p), emerging_table(p),
              candidates_table(p), partners_table(p), peers_table(p)]
    return [t for t in tables if t is not None]
