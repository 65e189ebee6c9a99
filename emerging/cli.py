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


if __name__ == "__main__":  # pragma: no cover
    app()
