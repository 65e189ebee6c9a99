"""The `emerging` command line. Thin: parse, call one library function, write, summarise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="emerging",
    help=(
        "Find emerging industries in Central European regions and the cross-border "
        "co-operation that can grow them. Run 'emerging COMMAND --help' for each command."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _main() -> None:
    """emerging: regional specialisation, dynamics, relatedness, co-operation and fact sheets."""


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option(help="Folder that receives data/processed/ and figures/.")
    ] = Path("."),
    regions: Annotated[
        str,
        typer.Option(
            help="Fact-sheet regions: a named set (clustercoop, central_europe_2021_2027) "
            "or comma-separated NUTS-2 codes, e.g. CZ06,SK02."
        ),
    ] = "clustercoop",
    start: Annotated[int, typer.Option(help="First year of the emergence window.")] = 2015,
    end: Annotated[int, typer.Option(help="Last year of the emergence window.")] = 2023,
    seed: Annotated[int, typer.Option(help="Seed of the simulated demo data.")] = 2024,
) -> None:
    """Run the whole job on the embedded SIMULATED demo data.

    Writes to OUT: data/processed/demo_*.parquet (panel, participations, ground truth,
    location quotients, emergence flags with evidence), figures/*.png (tile maps) and
    figures/factsheets/<region>.html (one self-contained fact sheet per region), then
    prints what it wrote.
    """
    from rich.console import Console

    from emerging.pipeline import run_demo

    console = Console()
    try:
        summary = run_demo(out, regions=regions, start=start, end=end, seed=seed)
    except ValueError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    console.print(summary.as_table())


@app.command()
def fetch(
    raw: Annotated[Path, typer.Option(help="Folder for the untouched source files.")] = Path(
        "data/raw"
    ),
    geometries: Annotated[
        bool, typer.Option(help="Also download NUTS 2021 geometries (GISCO, 1:20M).")
    ] = True,
    refresh: Annotated[bool, typer.Option(help="Download again even if a file exists.")] = False,
) -> None:
    """Download the Eurostat SBS and regional GDP datasets (and NUTS geometries) into RAW.

    Files already there are kept, so a manually downloaded file is used as it is. Offline,
    the error names the URL and the exact path to save a manual download at.
    """
    from rich.console import Console

    from emerging.io.build import fetch as fetch_raw
    from emerging.io.cache import OfflineError

    console = Console()
    try:
        paths = fetch_raw(raw, geometries=geometries, refresh=refresh)
    except OfflineError as exc:
        console.print(f"[bold red]offline:[/] {exc}")
        raise typer.Exit(code=3) from exc
    for path in paths:
        console.print(f"  {path}")


@app.command()
def build(
    raw: Annotated[Path, typer.Option(help="Folder with the raw Eurostat files.")] = Path(
        "data/raw"
    ),
    out: Annotated[Path, typer.Option(help="Folder for the Parquet panels and manifest.")] = Path(
        "data/processed"
    ),
    nuts: Annotated[int, typer.Option(help="NUTS version of the outputs (2016 or 2021).")] = 2021,
    splits: Annotated[
        str,
        typer.Option(help="Split regions: 'report' (leave out) or 'aggregate' (keep old unit)."),
    ] = "report",
    estimate: Annotated[
        bool, typer.Option(help="Estimate confidential cells from parent totals (opt-in).")
    ] = False,
) -> None:
    """Turn RAW into harmonised Parquet panels plus manifest.json in OUT.

    Re-running on the same raw files changes nothing; every excluded row is counted by reason
    in the manifest.
    """
    from rich.console import Console

    from emerging.io.build import build as build_processed

    console = Console()
    try:
        result = build_processed(raw, out, to=nuts, splits=splits, estimate=estimate)
    except (ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    console.print(result.summary())


@app.command()
def report(
    data: Annotated[
        str,
        typer.Option(help="'demo' (simulated), a folder written by `emerging build` "
                     "(data/processed) or a panel Parquet file."),
    ] = "data/processed",
    regions: Annotated[
        str,
        typer.Option(help="A named set (central_europe_2021_2027, clustercoop) or "
                     "comma-separated NUTS-2 codes, e.g. CZ06,SK02,SI04."),
    ] = "clustercoop",
    out: Annotated[Path, typer.Option(help="Folder that receives the pack.")] = Path("reports"),
    formats: Annotated[
        str, typer.Option(help="Comma-separated: html, pdf, xlsx, docx, md.")
    ] = "html,pdf,xlsx,docx,md",
    start: Annotated[int | None, typer.Option(help="First year of the window.")] = None,
    end: Annotated[
        int | None, typer.Option(help="Last year (default: the latest well-covered year).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Processes rendering the sheets.")] = 1,
) -> None:
    """Write fact sheets and brief packs for REGIONS: per region an HTML page, a PDF (A4,
    at most two pages), an XLSX annex with a metadata sheet, a DOCX brief and Markdown;
    every figure as PNG (300 dpi), SVG and PDF; an index.html linking the sheets; and a
    comparison sheet when 2 to 10 regions are given. Prints what it wrote.
    """
    from rich.console import Console

    from emerging.reports import ReportInputError, build_report

    console = Console()
    try:
        summary = build_report(
            data, regions=regions, out=out, formats=[f.strip() for f in formats.split(",") if f.strip()],
            start=start, end=end, workers=workers,
        )
    except (ReportInputError, ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=2) from exc
    console.print(summary.as_table())


if __name__ == "__main__":  # pragma: no cover
    app()
