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
def detect(
    data: Annotated[
        Path, typer.Option(help="Panel file (Parquet, CSV, XLSX): region, industry, year, value.")
    ],
    as_of: Annotated[int, typer.Option(help="Year the signals describe; later years are never read.")],
    window: Annotated[int, typer.Option(help="Years of signals, ending at --as-of.")] = 5,
    horizon: Annotated[int, typer.Option(help="Years ahead the scores predict.")] = 3,
    regions: Annotated[
        str | None,
        typer.Option(help="Region set: a name (central_europe_2021_2027, clustercoop) or codes CZ06,SK02."),
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="Composite weights: feasible, balanced or ambitious.")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="default, persistence, composite or logit.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="TOML file with model, preset, weights, window, horizon, [classes].")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for detect_scores.parquet and .csv.")] = Path(
        "data/processed"
    ),
    top: Annotated[int, typer.Option(help="How many emerging candidates to print.")] = 20,
) -> None:
    """Score and class every region-industry as of a year: emerging, nascent, established,
    eroding or other, each with its reasons and evidence in words.

    Writes OUT/detect_scores.parquet and OUT/detect_scores.csv (region, industry, as_of,
    score, class, evidence, reasons, contrib_<signal>) and prints the top emerging
    candidates. The default score is the one that won the real-data backtest (see README).
    """
    from rich.console import Console
    from rich.table import Table

    from emerging.detect.run import detect as run_detect
    from emerging.detect.run import parse_config
    from emerging.io.store import write_parquet, write_text
    from emerging.io.tables import read_table

    console = Console()
    try:
        cfg = parse_config(config.read_text(encoding="utf-8"), source=str(config)) if config else None
        panel = read_table(data).select("region", "industry", "year", "value")
        scores = run_detect(panel, as_of=as_of, window=window, horizon=horizon, regions=regions,
                            preset=preset, model=model, config=cfg)
    except (ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    frame = scores.to_frame()
    write_parquet(frame, out / "detect_scores.parquet")
    write_text(frame.write_csv(), out / "detect_scores.csv")
    table = Table(title=f"Top emerging candidates as of {as_of} ({scores.label})")
    for column in ("region", "industry", "score", "evidence"):
        table.add_column(column)
    for row in scores.top(top).iter_rows(named=True):
        table.add_row(row["region"], row["industry"], f"{row['score']:.3f}", row["facts"])
    console.print(table)
    console.print(scores.summary())
    console.print(f"wrote {out / 'detect_scores.parquet'} and {out / 'detect_scores.csv'}")


@app.command()
def backtest(
    data: Annotated[
        Path, typer.Option(help="Panel file (Parquet, CSV, XLSX): region, industry, year, value.")
    ],
    horizon: Annotated[int, typer.Option(help="Years ahead the outcome is measured.")] = 3,
    window: Annotated[int, typer.Option(help="Years of signals before each origin.")] = 3,
    outcome: Annotated[str, typer.Option(help="entry, growth or exit.")] = "entry",
    as_of: Annotated[
        str | None, typer.Option(help="Origins, e.g. 2010,2011 (default: every origin the data allow).")
    ] = None,
    regions: Annotated[
        str | None, typer.Option(help="Region set: a name or comma-separated codes.")
    ] = None,
    n_boot: Annotated[int, typer.Option(help="Region-bootstrap replicates for the intervals.")] = 200,
    out: Annotated[Path, typer.Option(help="Folder for model_card.md and backtest_metrics.csv.")] = Path(
        "data/processed"
    ),
) -> None:
    """Backtest the emergence scores at rolling origins beside the baselines (persistence,
    density, growth, random) and the old rule; print the metrics and write the model card.
    """
    from rich.console import Console

    from emerging.detect.run import run_backtest
    from emerging.io.store import write_text
    from emerging.io.tables import read_table

    console = Console()
    origins = [int(y) for y in as_of.split(",")] if as_of else None
    try:
        panel = read_table(data).select("region", "industry", "year", "value")
        result = run_backtest(panel, horizon=horizon, window=window, outcome=outcome,
                              as_of=origins, regions=regions, n_boot=n_boot, data=str(data))
    except (ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    write_text(result.card(), out / "model_card.md")
    write_text(result.metrics.write_csv(), out / "backtest_metrics.csv")
    console.print(result.summary())
    console.print(f"wrote {out / 'model_card.md'} and {out / 'backtest_metrics.csv'}")


if __name__ == "__main__":  # pragma: no cover
    app()
