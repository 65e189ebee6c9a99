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


def _fail(exc: BaseException, code: int = 2, label: str = "error") -> typer.Exit:
    """Print one line on stderr, with no markup interpretation (so '[flags]' stays), and exit."""
    message = " ".join(str(exc).split())  # one line, never wrapped or parsed as markup
    typer.echo(typer.style(f"{label}:", fg="red", bold=True) + " " + message, err=True)
    return typer.Exit(code=code)


def _out_dir(path: Path, option: str = "--out") -> Path:
    from emerging.io.store import OutputFolderError, ensure_writable_dir

    try:
        return ensure_writable_dir(path, option=option)
    except OutputFolderError as exc:
        raise _fail(exc) from exc


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
    out = _out_dir(out)
    try:
        summary = run_demo(out, regions=regions, start=start, end=end, seed=seed)
    except (ValueError, OSError) as exc:
        raise _fail(exc) from exc
    console.print(summary.as_table())


@app.command()
def fetch(
    raw: Annotated[Path, typer.Option(help="Folder for the untouched source files.")] = Path(
        "data/raw"
    ),
    dataset: Annotated[
        list[str] | None,
        typer.Option(
            "--dataset",
            help="Eurostat dataset to download (repeatable): sbs_r_nuts06_r2, sbs_r_nuts2021, "
            "nama_10r_3empers, nama_10r_2emhrw, lfst_r_lfe2en2, nama_10r_2gdp. Default: "
            "sbs_r_nuts06_r2 and nama_10r_2gdp.",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Download format of the dissemination API: tsv or sdmx-csv.")
    ] = "tsv",
    geometries: Annotated[
        bool, typer.Option(help="Also download NUTS 2021 geometries (GISCO, 1:20M).")
    ] = True,
    refresh: Annotated[bool, typer.Option(help="Download again even if a file exists.")] = False,
) -> None:
    """Download Eurostat datasets (and NUTS geometries) into RAW through the current API.

    Each file gets a sidecar <file>.source.json with its URL, download time and sha256.
    Files already there are kept, so a manually downloaded file is used as it is. Offline,
    the error names the URL and the exact path to save a manual download at (exit code 3).
    """
    from rich.console import Console

    from emerging.io.build import DEFAULT_DATASETS
    from emerging.io.build import fetch as fetch_raw
    from emerging.io.cache import OfflineError
    from emerging.io.sources import SOURCES

    known = sorted({*SOURCES, *DEFAULT_DATASETS})
    datasets = tuple(dataset) if dataset else DEFAULT_DATASETS
    unknown = [d for d in datasets if d not in known]
    if unknown:
        raise _fail(ValueError(f"unknown --dataset {unknown}; known: {known}"))
    if fmt not in ("tsv", "sdmx-csv"):
        raise _fail(ValueError(f"--format must be 'tsv' or 'sdmx-csv'; got {fmt!r}"))
    raw = _out_dir(raw, "--raw")
    console = Console(highlight=False)
    try:
        paths = fetch_raw(raw, datasets=datasets, geometries=geometries, fmt=fmt, refresh=refresh)
    except OfflineError as exc:
        raise _fail(exc, code=3, label="offline") from exc
    for path in paths:
        console.print(f"  {path}", markup=False)


@app.command()
def build(
    raw: Annotated[Path, typer.Option(help="Folder with the raw Eurostat files.")] = Path(
        "data/raw"
    ),
    out: Annotated[Path, typer.Option(help="Folder for the Parquet panels and manifest.")] = Path(
        "data/processed"
    ),
    nuts: Annotated[int, typer.Option(help="NUTS version of the outputs (2016, 2021 or 2024).")] = 2021,
    splits: Annotated[
        str,
        typer.Option(
            help="Split regions: 'report' (leave out), 'aggregate' (keep the old unit) or "
            "'apportion' (divide by the new units' shares; marked estimated)."
        ),
    ] = "report",
    estimate: Annotated[
        bool, typer.Option(help="Estimate confidential cells from parent totals (opt-in).")
    ] = False,
) -> None:
    """Turn RAW into harmonised Parquet panels plus manifest.json in OUT, as one set.

    With sbs_r_nuts2021 in RAW the employment and local-unit panels continue the old SBS
    series from 2021 (column 'break' marks the join; the manifest says so). The whole set is
    written into a staging folder and swapped in at once, so an interrupted build leaves the
    previous set; re-running on the same raw files changes nothing. Every excluded row is
    counted by reason in the manifest.
    """
    from rich.console import Console

    from emerging.io.build import build as build_processed

    out = _out_dir(out)
    try:
        result = build_processed(raw, out, to=nuts, splits=splits, estimate=estimate)
    except (ValueError, OSError) as exc:
        raise _fail(exc) from exc
    Console(highlight=False).print(result.summary(), markup=False)


if __name__ == "__main__":  # pragma: no cover
    app()
