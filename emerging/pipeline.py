"""End-to-end jobs behind the CLI: compose the layers, write the outputs, report what was written.

Kept out of :mod:`emerging.cli` so that notebooks and tests can run the same job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from emerging._schema import INDUSTRY, REGION, YEAR


@dataclass(frozen=True)
class Written:
    """One output file and what it holds."""

    path: Path
    what: str


@dataclass(frozen=True)
class RunSummary:
    """What a job wrote, and the headline numbers."""

    title: str
    outputs: tuple[Written, ...]
    facts: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def as_table(self):
        from rich.table import Table

        table = Table(title=self.title, show_lines=False)
        table.add_column("output")
        table.add_column("holds")
        for item in self.outputs:
            table.add_row(str(item.path), item.what)
        for key, value in self.facts:
            table.add_row(f"[bold]{key}[/]", value)
        return table


def resolve_regions(spec: str, available: list[str]) -> list[str]:
    """A named region set or comma-separated codes -> sorted codes present in the data."""
    from emerging.codes.nuts import REGION_SETS, check_regions, region_set

    if spec in REGION_SETS:
        wanted = sorted(region_set(spec) & set(available))
    else:
        wanted = [c.strip().upper() for c in spec.split(",") if c.strip()]
        check_regions(wanted, available)
    if not wanted:
        raise ValueError(
            f"region selection {spec!r} is empty in this data; use a named set "
            f"{sorted(REGION_SETS)} or NUTS-2 codes such as CZ06"
        )
    return wanted


def run_demo(
    out: Path, *, regions: str = "clustercoop", start: int = 2015, end: int = 2023, seed: int = 2024
) -> RunSummary:
    """Run the whole job on the simulated demo and write processed data, figures, fact sheets."""
    from rich.progress import Progress

    from emerging.datasets import demo
    from emerging.reports import build_report
    from emerging.reports._inputs import demo_report_data

    out = Path(out)
    processed, figures = out / "data" / "processed", out / "figures"
    with Progress(transient=True) as progress:
        task = progress.add_task("simulating the demo data", total=None)
        data = demo(seed)
        codes = resolve_regions(regions, data.panel[REGION].unique().to_list())
        found = _demo_detection(data.panel, start=start, end=end,
                                step=lambda what: progress.update(task, description=what))
        progress.update(task, description="writing data/processed")
        written = _write_demo_tables(processed, data, found, end=end)
        progress.update(task, description="figures")
        written += _demo_figures(figures, data, found, end=end)

    sheets = build_report(demo_report_data(data), regions=codes, out=figures / "factsheets",
                          formats=("html",), figure_formats=(), start=start, end=end)
    written.append(Written(figures / "factsheets" / "index.html",
                           f"{len(sheets.regions)} fact sheets (HTML) and their index"))

    truth = data.truth.filter(kind="emerging").select(REGION, INDUSTRY)
    by_rule = truth.join(found.flags.flagged(), on=[REGION, INDUSTRY]).height
    classed = truth.join(found.shortlist, on=[REGION, INDUSTRY]).height
    return RunSummary(
        title="emerging demo (SIMULATED data)",
        outputs=tuple(written),
        facts=(
            ("data", data.summary()),
            ("detection (emerging.detect)", found.scores.summary()),
            ("planted emerging pairs classed emerging or nascent", f"{classed} of {truth.height}"),
            ("crossing rule (explicit, describes the window)", found.flags.summary()),
            ("planted emerging pairs found by the crossing rule", f"{by_rule} of {truth.height}"),
        ),
    )


@dataclass(frozen=True)
class _DemoDetection:
    """What the demo computes before writing: LQs, the crossing rule's flags, the detection
    scores and classes, and the shortlist (pairs classed emerging or nascent)."""

    lq: pl.DataFrame
    flags: object  # EmergenceFlags
    scores: object  # the detection layer's scores
    classes: pl.DataFrame

    @property
    def shortlist(self) -> pl.DataFrame:
        return self.classes.filter(pl.col("class").is_in(["emerging", "nascent"]))


def _demo_detection(panel: pl.DataFrame, *, start: int, end: int, step) -> _DemoDetection:
    """LQs, the explicit crossing rule over ``start``-``end`` and the detection classes as
    of ``end``; ``step(text)`` reports progress."""
    from emerging.detect import emergence_scores
    from emerging.detect.rules import (
        flag_emerging,
        grows_faster_than_reference,
        lq_crosses,
        min_employment,
    )
    from emerging.detect.signals import emergence_signals
    from emerging.indices.lq import location_quotient

    step("location quotients and emergence flags")
    lq = location_quotient(panel.drop("flag"))
    rules = (lq_crosses(1.0), grows_faster_than_reference(), min_employment(100))
    flags = flag_emerging(emergence_signals(panel.drop("flag"), start=start, end=end), rules)
    step("detection classes (emerging.detect)")
    scores = emergence_scores(emergence_signals(panel.drop("flag"), as_of=end, window=end - start + 1))
    classes = scores.to_frame().select(REGION, INDUSTRY, "as_of", "score", "class", "evidence")
    return _DemoDetection(lq, flags, scores, classes)


def _write_demo_tables(processed: Path, data, found: _DemoDetection, *, end: int) -> list[Written]:
    """The demo's tables as Parquet in ``processed``."""
    from emerging.io.store import write_parquet

    written: list[Written] = []
    for name, frame, what in (
        ("demo_panel", data.panel, "simulated employment panel (region x NACE division x year)"),
        ("demo_participations", data.participations, "simulated project participations"),
        ("demo_truth", data.truth, "ground truth of the planted signals"),
        ("demo_lq", found.lq, "location quotients, all years, with reasons for nulls"),
        ("demo_flags", found.flags.to_frame(),
         "the explicit crossing rule: signals, verdicts, evidence"),
        ("demo_detect_classes", found.classes,
         f"emerging.detect classes and scores as of {end} ({found.scores.label})"),
    ):
        written.append(Written(write_parquet(frame, processed / f"{name}.parquet"), what))
    return written


def _demo_figures(figures: Path, data, found: _DemoDetection, *, end: int) -> list[Written]:
    """Two tile maps: shortlisted industries per region, and the LQ of the industry most
    often on the shortlist."""
    from emerging.maps.style import save_figure
    from emerging.maps.tilegrid import tile_map

    written: list[Written] = []
    shortlist = found.shortlist
    per_region = shortlist.group_by(REGION).len().rename({"len": "flags"})
    counts = data.regions.select(REGION).join(per_region, on=REGION, how="left").fill_null(0)
    fig, _ = tile_map(
        counts, column="flags",
        title=f"Industries classed emerging or nascent (emerging.detect), as of {end}",
        units="industries", source="Source: simulated demo data",
    )
    for path in save_figure(fig, figures / "demo_emerging_per_region", formats=("png",)):
        written.append(Written(path, "tile map: industries classed emerging or nascent per region"))
    most_flagged = shortlist.group_by(INDUSTRY).len()
    top_industry = most_flagged.sort(["len", INDUSTRY], descending=[True, False])[INDUSTRY][0]
    fig, _ = tile_map(
        found.lq.filter((pl.col(YEAR) == end) & (pl.col(INDUSTRY) == top_industry)),
        column="lq", diverging_at=1.0, title=f"Location quotient, {top_industry}, {end}",
        units="LQ", source="Source: simulated demo data",
    )
    for path in save_figure(fig, figures / f"demo_lq_{top_industry}_{end}", formats=("png",)):
        written.append(Written(path, f"tile map: LQ of {top_industry} (most often on the shortlist)"))
    return written
