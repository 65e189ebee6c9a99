"""The brief pack of a batch of regions: what ``emerging report`` writes.

``OUT/index.html``                 sortable, filterable table of the regions and a linked map
``OUT/sheets/<code>.html|pdf|xlsx|docx|md``   one sheet per region in every format asked for
``OUT/figures/<code>_<figure>.png|svg|pdf``   every figure (PNG at 300 dpi; SVG, PDF on request)
``OUT/compare.*``                  the comparison sheet when 2 to 10 regions are given

The whole-panel indicators are computed once (:func:`~emerging.reports.profile.compute_batch`);
the sheets are then rendered region by region, on ``workers`` processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import polars as pl

from emerging._result import Result
from emerging.reports.errors import ReportInputError, check_profile_regions, check_writable
from emerging.reports.profile import ReportBatch, compute_batch

FORMATS = ("html", "pdf", "xlsx", "docx", "md")
MAX_AUTO_WORKERS = 4
PARALLEL_FROM = 8  # regions from which worker processes pay for their start-up


@dataclass(frozen=True, repr=False)
class ReportSummary(Result):
    """What :func:`build_report` wrote."""

    out: Path
    regions: tuple[str, ...]
    written: tuple[Path, ...]
    pages: dict[str, int]  # PDF name -> pages
    skipped: dict[str, str] = field(default_factory=dict)  # region -> why
    seconds: float = 0.0

    _title = "Report pack"

    def to_frame(self) -> pl.DataFrame:
        """One row per file written: ``file``, ``format``, ``pages`` (PDFs)."""
        return pl.DataFrame({"file": [str(p) for p in self.written],
                             "format": [p.suffix.lstrip(".") for p in self.written],
                             "pages": [self.pages.get(p.name) if p.parent.name != "figures"
                                       else None for p in self.written]},
                            schema={"file": pl.String, "format": pl.String, "pages": pl.Int64})

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for p in self.written:
            kinds[p.suffix.lstrip(".")] = kinds.get(p.suffix.lstrip("."), 0) + 1
        counts = ", ".join(f"{n} {k.upper()}" for k, n in sorted(kinds.items()))
        most = max(self.pages.values(), default=0)
        text = (f"{len(self.regions)} sheet(s) in {self.out} in {self.seconds:.1f} s: {counts}"
                + (f"; PDFs of at most {most} page(s)" if self.pages else "") + ".")
        if self.skipped:
            text += " Skipped: " + "; ".join(f"{r} ({why})" for r, why in self.skipped.items())
        return text

    def _html_frame(self) -> pl.DataFrame:
        """In Jupyter: the files by folder and format (then the index map, see below)."""
        frame = self.to_frame().with_columns(
            pl.col("file").map_elements(lambda f: str(Path(f).parent), return_dtype=pl.String)
            .alias("folder"))
        return frame.group_by("folder", "format", maintain_order=True).agg(
            pl.len().alias("files"), pl.col("pages").max().alias("most pages"))

    def _html_extra(self) -> str:
        """The index map as an image (an ``<img>``: the SVG's own styles stay inside it)."""
        import base64

        svg = self.out / "figures" / "index_map.svg"
        if svg not in self.written or not svg.is_file():
            return ""
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode()
        return (f'<img src="{uri}" alt="Map of the regions with a sheet" '
                'style="max-width: 100%; height: auto;">')

    def as_table(self):
        from rich.table import Table

        table = Table(title="emerging report", show_lines=False)
        table.add_column("output")
        table.add_column("holds")
        table.add_row(str(self.out / "index.html"), "index of the sheets (table and map)")
        for folder, what in (("sheets", "one sheet per region"), ("figures", "every figure")):
            files = [p for p in self.written if p.parent.name == folder]
            if files:
                exts = sorted({p.suffix for p in files})
                table.add_row(str(self.out / folder), f"{len(files)} files ({', '.join(exts)}): {what}")
        for p in self.written:
            if p.parent == self.out and p.name.startswith("compare"):
                table.add_row(str(p), "comparison sheet")
        table.add_row("[bold]summary[/]", self.summary())
        return table


_BATCH: ReportBatch | None = None  # the batch of this process (set in each worker)


def _set_batch(batch: ReportBatch) -> None:
    global _BATCH
    _BATCH = batch


def _resolve(spec: str | Sequence[str], batch: ReportBatch) -> tuple[list[str], dict[str, str]]:
    from emerging.codes.nuts import REGION_SETS, region_set
    from emerging.reports.errors import nuts_change_explanation

    available = set(batch.regions)
    if isinstance(spec, str) and spec in REGION_SETS:
        wanted = sorted(region_set(spec))
        skipped = {c: (nuts_change_explanation(c) or "not in the data") for c in wanted
                   if c not in available}
        return [c for c in wanted if c in available], skipped
    codes = [c.strip().upper() for c in (spec.split(",") if isinstance(spec, str) else spec)
             if c.strip()]
    if not codes:
        raise ReportInputError(f"no region given; use a named set {sorted(REGION_SETS)} or NUTS-2 "
                               "codes such as CZ06,SK02")
    check_profile_regions(codes, available, batch.data.not_mapped, batch.data.nuts_version)
    return list(dict.fromkeys(codes)), {}


def _write_figures(p, out: Path, formats: tuple[str, ...], figure_formats: tuple[str, ...]):
    """Draw the region's figures once; save the PNG the pages use and any vector format asked."""
    from emerging.reports.figures import save_all

    needs_png = bool({"html", "pdf", "docx", "md"} & set(formats))
    fformats = tuple(dict.fromkeys(("png",) * needs_png + figure_formats))
    return save_all(p, _BATCH.names, out / "figures", fformats) if fformats else []


def _write_pages(p, figures, sheets: Path, formats: tuple[str, ...]) -> tuple[list[Path], dict]:
    """The HTML page and its PDF print (compact layout when the first print exceeds 2 pages)."""
    from emerging.reports import pdf
    from emerging.reports.html import render_page

    written, pages = [], {}
    page = render_page(p, figures, base=str(sheets))
    if "html" in formats:
        (sheets / f"{p.region}.html").write_text(page, "utf-8")
        written.append(sheets / f"{p.region}.html")
    if "pdf" in formats:
        target = sheets / f"{p.region}.pdf"
        pages[target.name] = pdf.print_pdf(
            lambda compact: render_page(p, figures, base=str(sheets), compact=compact,
                                        for_print=True), target, base=sheets)
        written.append(target)
    return written, pages


def _index_row(p) -> dict:
    head = {r["key"]: r["region"] for r in p.headline.iter_rows(named=True)}
    return {"region": p.region, "name": p.name, "english": p.english_name,
            "country": p.country_name, **head, "emerging": p.emerging.height,
            "top": p.specialisations["label"][0] if p.specialisations.height else ""}


def _render_region(region: str, out: Path, formats: tuple[str, ...],
                   figure_formats: tuple[str, ...]) -> tuple[list[Path], dict[str, int], dict]:
    from emerging.reports import docx, markdown, xlsx

    assert _BATCH is not None
    p = _BATCH.profile(region)
    sheets = out / "sheets"
    figures = _write_figures(p, out, formats, figure_formats)
    written = [path for f in figures for path in f.paths.values()]
    pages: dict[str, int] = {}
    if "html" in formats or "pdf" in formats:
        w, pages = _write_pages(p, figures, sheets, formats)
        written += w
    if "xlsx" in formats:
        written.append(xlsx.write_annex(p, sheets / f"{region}.xlsx"))
    if "docx" in formats:
        written.append(docx.write_brief(p, figures, sheets / f"{region}.docx"))
    if "md" in formats:
        written.append(markdown.write_markdown(p, figures, sheets / f"{region}.md", base=sheets))
    return written, pages, _index_row(p)


def _check_formats(formats: Sequence[str], figure_formats: Sequence[str]) -> tuple[tuple, tuple]:
    from emerging.reports.figures import FIGURE_FORMATS

    formats, figure_formats = tuple(formats), tuple(figure_formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ReportInputError(f"unknown format(s) {bad}; choose from {list(FORMATS)}")
    bad = [f for f in figure_formats if f not in FIGURE_FORMATS]
    if bad:
        raise ReportInputError(f"unknown figure format(s) {bad}; choose from "
                               f"{list(FIGURE_FORMATS)}")
    return formats, figure_formats


def _render_all(batch: ReportBatch, codes: list[str], args: tuple, workers: int,
                progress: bool) -> tuple[list[Path], dict[str, int], list[dict]]:
    """Render every region's sheets, in this process or on ``workers`` processes."""
    from rich.progress import Progress

    written: list[Path] = []
    pages: dict[str, int] = {}
    rows = []
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("fact sheets", total=len(codes))
        if workers > 1 and len(codes) > 1:
            # spawn, not fork: forking a process whose polars thread pool runs can deadlock
            with ProcessPoolExecutor(min(workers, len(codes)), mp_context=get_context("spawn"),
                                     initializer=_set_batch, initargs=(batch,)) as pool:
                results = (f.result() for f in [pool.submit(_render_region, c, *args)
                                                for c in codes])
                for w, pg, row in results:
                    written += w
                    pages.update(pg)
                    rows.append(row)
                    bar.advance(task)
        else:
            for c in codes:
                w, pg, row = _render_region(c, *args)
                written += w
                pages.update(pg)
                rows.append(row)
                bar.advance(task)
    return written, pages, rows


def build_report(
    data,
    *,
    regions: str | Sequence[str],
    out: str | Path,
    formats: Sequence[str] = FORMATS,
    start: int | None = None,
    end: int | None = None,
    figure_formats: Sequence[str] = ("png",),
    compare: bool | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> ReportSummary:
    """Write the brief pack for ``regions`` of ``data`` into ``out``.

    Parameters
    ----------
    data
        ``"demo"`` (simulated), a folder written by ``emerging build``, a panel Parquet file,
        a panel frame, or a :class:`~emerging.reports.profile.ReportBatch` already computed
        (then ``start`` and ``end`` must be left out).
    regions
        A named set (``"central_europe_2021_2027"``, ``"clustercoop"``; regions of the set
        absent from the data are skipped and reported) or NUTS-2 codes (a comma-separated
        string or a list; a code not in the data is an error naming the closest codes and
        the NUTS change behind it).
    out
        Output folder (created).
    formats
        Any of ``html``, ``pdf``, ``xlsx``, ``docx``, ``md``.
    start, end
        Window (see :func:`~emerging.reports.profile.compute_batch`).
    figure_formats
        Formats every figure is saved in under ``out/figures``: any of ``png`` (300 dpi),
        ``svg`` and ``pdf``. Default PNG only, the format the pages use: vector files cost
        about three times the PNG's time, so ask for them (``("png", "svg", "pdf")``, CLI
        ``--figure-formats png,svg,pdf``) when a brief writer needs to edit the figures.
        The PNG is written whenever a page format is asked for.
    compare
        Write the comparison sheet (default: when 2 to 10 regions are given).
    workers
        Processes rendering sheets (the indicators are computed once, before). Default:
        one per core, at most :data:`MAX_AUTO_WORKERS`, for :data:`PARALLEL_FROM` regions
        or more (a worker costs about 4 CPU seconds to start: imports, fonts), else none.
    """
    global _BATCH
    t0 = time.perf_counter()
    formats, figure_formats = _check_formats(formats, figure_formats)
    out = check_writable(out)
    (out / "sheets").mkdir(exist_ok=True)
    (out / "figures").mkdir(exist_ok=True)
    if isinstance(data, ReportBatch):
        if start is not None or end is not None:
            raise ReportInputError("start and end are fixed by the ReportBatch given; "
                                   "call compute_batch(data, start=..., end=...) instead")
        batch = data
    else:
        batch = compute_batch(data, start=start, end=end)
    codes, skipped = _resolve(regions, batch)
    _BATCH = batch
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_AUTO_WORKERS) if len(codes) >= PARALLEL_FROM else 1
    written, pages, rows = _render_all(batch, codes, (out, formats, figure_formats), workers,
                                       progress)
    from emerging.reports import compare as comparison
    from emerging.reports import index

    written += index.write_index(batch, rows, out, formats)
    if compare or (compare is None and 2 <= len(codes) <= 10):
        w, pg = comparison.write_comparison(batch, codes, out, formats)
        written += w
        pages.update(pg)
    return ReportSummary(out, tuple(codes), tuple(written), pages, skipped,
                         time.perf_counter() - t0)
