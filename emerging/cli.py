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
            help="Download only this dataset (repeatable). Eurostat, through the dissemination "
            "API: sbs_r_nuts06_r2, sbs_r_nuts2021, nama_10r_3empers, nama_10r_2emhrw, "
            "lfst_r_lfe2en2, nama_10r_2gdp; CORDIS: cordis-h2020 or cordis-horizon (the "
            "official projects bulk zip, unpacked to RAW/<dataset>/ with project.csv and "
            "organization.csv). Default: sbs_r_nuts06_r2 and nama_10r_2gdp.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="Download format of the Eurostat API: tsv or sdmx-csv."),
    ] = "tsv",
    geometries: Annotated[
        bool, typer.Option(help="Also download NUTS 2021 geometries (GISCO, 1:20M).")
    ] = True,
    refresh: Annotated[bool, typer.Option(help="Download again even if a file exists.")] = False,
) -> None:
    """Download Eurostat datasets (and NUTS geometries) or CORDIS bulk files into RAW.

    Eurostat files come through the current dissemination API; each file gets a sidecar
    <file>.source.json with its URL, download time and sha256. Files already there are
    kept, so a manually downloaded file is used as it is. Offline, the error names the URL
    and the exact path to save a manual download at (exit code 3).
    """
    from rich.console import Console

    from emerging.io.build import DEFAULT_DATASETS
    from emerging.io.build import fetch as fetch_raw
    from emerging.io.cache import OfflineError
    from emerging.io.cordis_bulk import CORDIS_BULK, download_cordis
    from emerging.io.sources import SOURCES

    eurostat_known = sorted({*SOURCES, *DEFAULT_DATASETS})
    wanted = list(dataset or [])
    unknown = [d for d in wanted if d not in eurostat_known and d not in CORDIS_BULK]
    if unknown:
        raise _fail(
            ValueError(
                f"unknown dataset(s) {unknown} for --dataset; known: "
                f"{eurostat_known + list(CORDIS_BULK)}"
            )
        )
    if fmt not in ("tsv", "sdmx-csv"):
        raise _fail(ValueError(f"--format must be 'tsv' or 'sdmx-csv'; got {fmt!r}"))
    eurostat = tuple(d for d in wanted if d not in CORDIS_BULK)
    cordis = [d for d in wanted if d in CORDIS_BULK]
    raw = _out_dir(raw, "--raw")
    console = Console(highlight=False, soft_wrap=True)
    paths = []
    try:
        if eurostat or not wanted:
            paths += fetch_raw(
                raw, datasets=eurostat or DEFAULT_DATASETS, geometries=geometries, fmt=fmt,
                refresh=refresh,
            )
        paths += [download_cordis(d, raw, refresh=refresh) for d in cordis]
    except OfflineError as exc:
        raise _fail(exc, code=3, label="offline") from exc
    except ValueError as exc:
        raise _fail(exc) from exc
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
    Console(highlight=False, soft_wrap=True).print(result.summary(), markup=False)


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
    workers: Annotated[
        int | None, typer.Option(help="Processes rendering the sheets (default: one per core, "
                                 "at most 4, for 8 regions or more).")
    ] = None,
    figure_formats: Annotated[
        str, typer.Option(help="Formats of every figure in figures/: png (300 dpi), svg, pdf, "
                          "comma-separated. Default png: vector files triple the figures' time.")
    ] = "png",
) -> None:
    """Write fact sheets and brief packs for REGIONS: per region an HTML page, a PDF (A4,
    at most two pages), an XLSX annex with a metadata sheet, a DOCX brief and Markdown;
    every figure as PNG (300 dpi), and as SVG and PDF with --figure-formats png,svg,pdf;
    an index.html linking the sheets; and a comparison sheet when 2 to 10 regions are
    given. Prints what it wrote.
    """
    from rich.console import Console

    from emerging.reports import ReportInputError, build_report

    console = Console()
    try:
        summary = build_report(
            data, regions=regions, out=out, formats=[f.strip() for f in formats.split(",") if f.strip()],
            start=start, end=end, workers=workers,
            figure_formats=[f.strip() for f in figure_formats.split(",") if f.strip()],
        )
    except (ReportInputError, ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=2) from exc
    console.print(summary.as_table())


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
        str | None,
        typer.Option(help="default, persistence, composite, logit or gbm "
                          "(gradient-boosted trees; needs the ml extra)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="TOML file: model, preset, weights, window, horizon and a classes table."),
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
    candidates. The default score is persistence (the LQ itself): no other score beat it on
    every split of the real-data backtest (see README, "Detection").
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


@app.command()
def partners(
    region: Annotated[
        str, typer.Argument(help="Focal country (CZ) or NUTS region (CZ06) seeking partners.")
    ],
    industry: Annotated[
        str | None,
        typer.Option(help="NACE division as in the panel, e.g. C27; without it: general "
                     "co-operation partners."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(help="Data folder laid out as shared/data (cooperation/, employment/, "
                     "geo/) or holding CORDIS organization.csv + project.csv; default: the "
                     "SIMULATED demo."),
    ] = None,
    top: Annotated[int, typer.Option(help="How many suggestions to print.")] = 10,
    regions: Annotated[
        str | None,
        typer.Option(help="Only candidates in this region set, e.g. central_europe_2021_2027, "
                     "or comma-separated codes."),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Employment year (default: latest known).")] = None,
    brokerage: Annotated[
        bool, typer.Option(help="Score the partners' cross-border brokerage (a few seconds).")
    ] = True,
    out: Annotated[
        Path | None, typer.Option(help="Also write every suggestion to this CSV file.")
    ] = None,
) -> None:
    """Rank partners across the border for REGION, with the reasons for each.

    Joins who is strong in the industry (LQ with its interval, cluster stars), for whom it
    is a feasible opportunity (relatedness density), who already co-operates (joint
    Horizon 2020 projects, brokerage, Interreg 2014-2020) and distance. Regions are ranked
    at the level of REGION; with the shared H2020 table (country codes only) the ties of
    two regions are those of their countries, and the reasons say so.
    """
    from rich.console import Console
    from rich.table import Table

    from emerging.io.cooperation import cooperation_inputs
    from emerging.networks import find_partners

    console = Console()
    try:
        inputs = cooperation_inputs(data)
        res = find_partners(
            region, industry=industry, panel=inputs.panel,
            participations=inputs.participations, interreg=inputs.interreg, year=year,
            geometry=inputs.geometry(len(region) - 2), brokerage=brokerage, top=None,
            regions=regions if regions is None or "," not in regions else regions.split(","),
        )
    except (ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    console.print(inputs.describe(), style="dim")
    table = Table(title=res.summary().split(";")[0], show_lines=True)
    for col in ("rank", "partner", "name", "score", "reasons"):
        table.add_column(col, overflow="fold")
    for r in res.table.head(top).iter_rows(named=True):
        table.add_row(str(r["rank"]), r["partner"], r["name"] or "", f"{r['score']:.2f}",
                      r["reasons"])
    console.print(table)
    console.print("Grounds and weights: " + ", ".join(f"{k} {v:.2f}" for k, v in
                                                      res.weights.items()))
    for key, note in res.notes.items():
        console.print(f"  {key}: {note}", style="dim")
    if out is not None:
        res.write_csv(out)
        console.print(f"wrote {out}")


@app.command()
def networks(
    node: Annotated[
        str, typer.Option(help="Nodes: country, region (NUTS codes needed) or organisation.")
    ] = "country",
    level: Annotated[
        int | None, typer.Option(help="For region nodes: NUTS level 1, 2 or 3.")
    ] = None,
    weight: Annotated[
        str, typer.Option(help="Tie weights: count, fractional, jaccard or funding.")
    ] = "fractional",
    data: Annotated[
        Path | None,
        typer.Option(help="Data folder (shared/data layout, or CORDIS organization.csv + "
                     "project.csv); default: the SIMULATED demo."),
    ] = None,
    start: Annotated[int | None, typer.Option(help="First project start year kept.")] = None,
    end: Annotated[int | None, typer.Option(help="Last project start year kept.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the tables and figures.")] = Path(
        "figures/networks"
    ),
) -> None:
    """Build a co-operation network from participations and describe it.

    Writes to OUT: edges, nodes (centrality, cross-border share of tie weight, brokerage,
    community), country pairs (intensity, affinity) and communities as Parquet and CSV,
    network.png and (country and region nodes) flow_map.png; prints a summary.
    """
    from rich.console import Console

    from emerging.io.cooperation import cooperation_inputs
    from emerging.networks import analyse_network

    console = Console()
    try:
        inputs = cooperation_inputs(data, panel=False)
        result = analyse_network(
            inputs.participations, node=node, level=level, weight=weight, start=start,
            end=end, progress=lambda text: console.print(f"  {text} ...", style="dim"),
        )
        geometry = inputs.geometry(0 if node == "country" else level or 2)
        paths = result.write(
            out, geometry=geometry if node != "organisation" else None,
            source="SIMULATED demo data (not real figures)" if data is None else "Source: CORDIS",
        )
    except (ValueError, FileNotFoundError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    console.print(inputs.describe(), style="dim")
    console.print(result.summary())
    console.print(f"wrote {len(paths)} files to {out}")


if __name__ == "__main__":  # pragma: no cover
    app()
