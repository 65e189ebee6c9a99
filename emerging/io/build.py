"""From untouched source files in ``data/raw/`` to tidy Parquet in ``data/processed/``.

:func:`fetch` downloads the default Eurostat datasets and GISCO geometries into the raw
folder (with sidecars); :func:`build` reads them, selects the panels, harmonises NUTS codes
to one version, optionally estimates confidential cells, and writes

* ``sbs_<indicator>_nuts2.parquet``: Panels at NUTS-2 x NACE division (persons employed,
  local units, wages and salaries), harmonised to NUTS ``to``;
* ``gdp_nuts2.parquet``: regional GDP (million EUR and million PPS) at NUTS-2, harmonised;
* ``manifest.json``: sources with sha256, outputs with sha256 and rows, rows excluded by
  reason, cells estimated, codes that could not be mapped.

The outputs carry no timestamps and are written atomically only when their bytes change, so
re-running a build on the same raw files changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, SchemaError, aggregate_expr
from emerging.codes.harmonise import harmonise
from emerging.io.cache import DEFAULT_RAW_DIR, sha256
from emerging.io.cache import fetch as fetch_url
from emerging.io.confidential import estimate_confidential
from emerging.io.eurostat import read, to_panel
from emerging.io.eurostat_api import download

DEFAULT_PROCESSED_DIR = Path("data/processed")
#: SBS indicators written by :func:`build`: Eurostat code -> output name.
SBS_INDICATORS: dict[str, str] = {
    "V16110": "employment",
    "V11210": "local_units",
    "V13320": "wages",
}
DEFAULT_DATASETS: tuple[str, ...] = ("sbs_r_nuts06_r2", "nama_10r_2gdp")
GDP_UNITS: tuple[str, ...] = ("MIO_EUR", "MIO_PPS")  # summable units only
_SUFFIXES = (".tsv.gz", ".tsv", ".csv.gz", ".csv")


@dataclass(frozen=True, repr=False)
class BuildResult(Result):
    """What :func:`build` wrote: ``outputs`` (paths) and the ``manifest`` dictionary."""

    outputs: tuple[Path, ...]
    manifest: dict = field(repr=False)
    changed: tuple[Path, ...] = ()

    def to_frame(self) -> pl.DataFrame:
        """One row per output: ``file``, ``rows``, ``excluded``, ``estimated``, ``sha256``."""
        return pl.DataFrame(
            [
                {
                    "file": o["file"],
                    "rows": o["rows"],
                    "excluded": sum(o["excluded"].values()),
                    "estimated": o["estimated"],
                    "sha256": o["sha256"][:12],
                }
                for o in self.manifest["outputs"]
            ]
        )

    def summary(self) -> str:
        lines = [
            f"Built {len(self.outputs)} files (NUTS {self.manifest['nuts_version']}); "
            f"{len(self.changed)} changed on disk."
        ]
        for o in self.manifest["outputs"]:
            excluded = ", ".join(f"{n:,} {why}" for why, n in o["excluded"].items() if n)
            lines.append(
                f"  {o['file']}: {o['rows']:,} rows kept; excluded: {excluded or 'none'}"
                f"; estimated: {o['estimated']:,}"
            )
        return "\n".join(lines)

    def plot(self, ax=None):
        """Bar chart of rows kept per output; returns a :class:`~emerging.maps.Drawing`."""
        from emerging.maps.data_plots import plot_build

        return plot_build(self, ax)


def find_raw(raw_dir: Path, dataset: str) -> Path:
    """The raw file of ``dataset`` in ``raw_dir`` (``.tsv.gz``, ``.tsv``, ``.csv.gz``, ``.csv``)."""
    for suffix in _SUFFIXES:
        path = raw_dir / f"{dataset}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"no raw file for {dataset} in {raw_dir}; looked for {[dataset + s for s in _SUFFIXES]}. "
        f"Run `emerging fetch`, or save a Eurostat download there under one of those names."
    )


def fetch(
    raw_dir: str | Path = DEFAULT_RAW_DIR,
    *,
    datasets: Sequence[str] = DEFAULT_DATASETS,
    geometries: bool = True,
    fmt: Literal["tsv", "sdmx-csv"] = "tsv",
    refresh: bool = False,
    show_progress: bool = True,
) -> list[Path]:
    """Download the default datasets (whole, unfiltered) and NUTS 2021 geometries.

    Files already present are kept (a manual download is used as it is). GISCO files go to
    ``raw_dir/gisco/`` (NUTS 2021, 1:20M, EPSG:3035, levels 0-2).

    Raises
    ------
    emerging.io.cache.OfflineError
        With the URL and the path where a manually downloaded copy should be saved.
    """
    raw_dir = Path(raw_dir)
    paths = [
        download(d, fmt=fmt, raw_dir=raw_dir, refresh=refresh, show_progress=show_progress)
        for d in datasets
    ]
    if geometries:
        from emerging.io.gisco import GISCO_URL, gisco_file_name

        for level in (0, 1, 2):
            name = gisco_file_name(level=level, year=2021, scale="20M", epsg=3035)
            paths.append(
                fetch_url(
                    GISCO_URL + name,
                    raw_dir / "gisco" / name,
                    refresh=refresh,
                    show_progress=show_progress,
                )
            )
    return paths


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    """Parquet bytes with fixed compression and no statistics: the same frame, the same bytes."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    return buffer.getvalue()


def _nuts2_panel(
    raw: pl.DataFrame,
    measure: dict[str, str],
    *,
    industry: str,
    estimate: bool,
    to: int,
    splits: str,
    chain: tuple[pl.DataFrame, dict[str, int]] | None = None,
) -> tuple[pl.DataFrame, dict[str, int], int, dict, dict]:
    """Select, estimate (opt-in), chain (when a newer series is given) and harmonise one
    indicator; count every excluded row."""
    panel, excluded, total = _selected_panel(raw, measure, industry=industry, estimate=estimate)
    info: dict = {}
    if chain is not None:
        panel, info, added = _chained(panel, chain, excluded, estimate=estimate)
        total += added
    before = panel.height
    res = harmonise(panel, to=to, splits=splits)
    not_mapped = int(res.not_mapped()["rows"].sum())
    excluded[f"NUTS codes not mappable to NUTS {to}"] = not_mapped
    excluded["rows combined by NUTS harmonisation"] = before - not_mapped - res.panel.height
    out = _estimated_column(res.panel, panel, estimate=estimate)
    if chain is not None:
        out = out.with_columns(
            pl.when(pl.col(YEAR) >= info["first_new"])
            .then(pl.lit(CHAIN_NEW))
            .otherwise(pl.lit(CHAIN_OLD))
            .alias("dataset"),
            (pl.col(YEAR) == info["first_new"]).alias("break"),
        )
    estimated = int(out["estimated"].sum())  # estimated cells kept in the output
    if total != out.height + sum(excluded.values()):  # internal invariant, never user input
        raise RuntimeError(f"row accounting broken: {total} != {out.height} + {excluded}")
    harm = {r["code"]: r["status"] for r in res.not_mapped().iter_rows(named=True)}
    return out.sort(REGION, INDUSTRY, YEAR), excluded, estimated, harm, info


def _selected_panel(raw: pl.DataFrame, measure: dict[str, str], *, industry: str,
                    estimate: bool) -> tuple[pl.DataFrame, dict[str, int], int]:
    """The NUTS-2 rows of one indicator (divisions only for NACE), confidential cells
    estimated when asked; the rows excluded by reason and the rows selected."""
    selected = raw.filter(*(pl.col(d) == c for d, c in measure.items())) if measure else raw
    total = selected.height
    negative = pl.col(VALUE) < 0
    excluded: dict[str, int] = {
        "negative values in the source (invalid)": selected.filter(negative).height
    }
    aggregate = aggregate_expr(pl.col("geo"))
    selected = selected.with_columns(aggregate.alias("_aggregate"))
    excluded["Eurostat aggregates (EU28, EA19, ...)"] = selected.filter(pl.col("_aggregate")).height
    selected = selected.filter(~pl.col("_aggregate")).drop("_aggregate")
    panel = to_panel(
        selected.filter(~negative | pl.col(VALUE).is_null()), measure=measure, industry=industry
    )
    if estimate:
        est = estimate_confidential(panel, level=2)
        panel = est.panel
    level2 = pl.col(REGION).str.len_chars() == 4
    excluded["NUTS-0/1 totals (NUTS-2 kept)"] = panel.filter(~level2).height
    panel = panel.filter(level2)
    extra = pl.col(REGION).str.ends_with("Z")
    excluded["extra-regio units"] = panel.filter(extra).height
    panel = panel.filter(~extra)
    if industry == "nace_r2":
        division = pl.col(INDUSTRY).str.len_chars() == 3
        excluded["NACE sections and groups (divisions kept)"] = panel.filter(~division).height
        panel = panel.filter(division)
    return panel, excluded, total


def _chained(panel: pl.DataFrame, chain: tuple[pl.DataFrame, dict[str, int]],
             excluded: dict[str, int], *, estimate: bool) -> tuple[pl.DataFrame, dict, int]:
    """The old series up to the first year of the new one, then the new one; adds the
    exclusions to ``excluded``; returns the panel, the join's years and the rows added."""
    new, new_excluded = chain
    first_new = int(new[YEAR].min())
    covered = pl.col(YEAR) >= first_new
    excluded[f"years covered by {CHAIN_NEW} (newer series kept)"] = panel.filter(covered).height
    panel = panel.filter(~covered)
    info = {"last_old": int(panel[YEAR].max()), "first_new": first_new, "break_year": first_new}
    for why, n in new_excluded.items():
        excluded[f"{CHAIN_NEW}: {why}"] = n
    added = new.height + sum(new_excluded.values())
    new = new.with_columns(pl.lit(False).alias("estimated")) if estimate else new
    return pl.concat([panel, new.select(panel.columns)], how="vertical_relaxed"), info, added


def _estimated_column(out: pl.DataFrame, panel: pl.DataFrame, *, estimate: bool) -> pl.DataFrame:
    """The harmonised panel with one ``estimated`` column: a harmonised cell is estimated
    when any of its source cells was (``estimate``) or when it was apportioned."""
    apportioned = None
    if "estimated" in out.columns:  # splits="apportion"
        apportioned = out["estimated"]
        out = out.drop("estimated")
    if not estimate:
        out = out.with_columns(pl.lit(False).alias("estimated"))
    else:
        parts = (
            out.select("nuts_source", INDUSTRY, YEAR)
            .with_columns(pl.col("nuts_source").str.split("+").alias(REGION))
            .explode(REGION)
            .join(panel.select(REGION, INDUSTRY, YEAR, "estimated"), on=[REGION, INDUSTRY, YEAR])
            .group_by("nuts_source", INDUSTRY, YEAR)
            .agg(pl.col("estimated").any())
        )
        out = out.join(parts, on=["nuts_source", INDUSTRY, YEAR], how="left").with_columns(
            pl.col("estimated").fill_null(False)
        )
    if apportioned is not None:
        out = out.with_columns((pl.col("estimated") | apportioned).alias("estimated"))
    return out


#: The older SBS series and the one that continues it from 2021 (European business statistics).
CHAIN_OLD, CHAIN_NEW = "sbs_r_nuts06_r2", "sbs_r_nuts2021"
#: Indicators of the old series -> the same concept in the new series.
CHAINED: dict[str, str] = {"V16110": "EMP_LOC_NR", "V11210": "LOC_NR"}
UNITS: dict[str, str] = {"V16110": "persons", "V11210": "number", "V13320": "EUR million"}
CHAIN_NOTE = (
    "chained series: {old} (SBS Regulation (EC) No 295/2008, NUTS 2010/2013, to {last_old}) "
    "and {new} (EBS Regulation (EU) 2019/2152, NUTS 2021, from {first_new}); column 'break' "
    "marks the first year of {new}: definitions and coverage changed at the join (e.g. "
    "persons employed in local units), so growth across it is not like for like"
)


def _new_series(raw_dir: Path, code: str) -> tuple[pl.DataFrame | None, dict, Path | None]:
    """The continuing series of an old SBS indicator from sbs_r_nuts2021, if its file is there."""
    from emerging.io.sources import read_source

    if code not in CHAINED:
        return None, {}, None
    try:
        path = find_raw(raw_dir, CHAIN_NEW)
    except FileNotFoundError:
        return None, {}, None
    src = read_source(path, CHAIN_NEW, measure={"indic_sbs": CHAINED[code]})
    return src.panel.drop("unit", "dataset"), src.excluded, path


def _check_build_options(to: int, splits: str, indicators: Sequence[str]) -> None:
    if splits not in ("report", "aggregate", "apportion"):
        raise ValueError(f"splits must be one of ('report', 'aggregate', 'apportion'); got {splits!r}")
    if to not in (2016, 2021, 2024):
        raise ValueError(f"to must be one of (2016, 2021, 2024); got {to!r}")
    unknown = sorted(set(indicators) - set(SBS_INDICATORS))
    if unknown:
        raise ValueError(f"unknown indicators {unknown}; expected some of {list(SBS_INDICATORS)}")


def _optional_raw(raw_dir: Path, dataset: str) -> Path | None:
    try:
        return find_raw(raw_dir, dataset)
    except FileNotFoundError:
        return None


def _gdp_panel(path: Path, *, to: int, splits: str) -> tuple[pl.DataFrame, dict, dict]:
    """Regional GDP in the summable units (million EUR, million PPS), harmonised."""
    gdp = read(path)
    excluded_units = gdp.filter(~pl.col("unit").is_in(GDP_UNITS)).height
    frame, excluded, _, harm, _ = _nuts2_panel(
        gdp.filter(pl.col("unit").is_in(GDP_UNITS)),
        {},
        industry="unit",
        estimate=False,
        to=to,
        splits="aggregate" if splits == "apportion" else splits,
    )
    excluded = {"per-head and index units (not summable)": excluded_units, **excluded}
    frame = frame.rename({INDUSTRY: "unit"}).select(REGION, "unit", YEAR, VALUE, "flag", "nuts_source")
    return frame, excluded, harm


def build(
    raw_dir: str | Path = DEFAULT_RAW_DIR,
    processed_dir: str | Path = DEFAULT_PROCESSED_DIR,
    *,
    to: Literal[2016, 2021, 2024] = 2021,
    splits: Literal["report", "aggregate", "apportion"] = "report",
    estimate: bool = False,
    indicators: Sequence[str] = tuple(SBS_INDICATORS),
) -> BuildResult:
    """Turn the raw Eurostat files into harmonised Parquet panels and a manifest, as one set.

    Parameters
    ----------
    raw_dir
        Folder with ``sbs_r_nuts06_r2.tsv.gz`` (required), ``sbs_r_nuts2021`` (optional:
        continues the series from 2021) and ``nama_10r_2gdp.tsv[.gz]`` (optional), as
        downloaded by :func:`fetch` or saved by hand (TSV or SDMX-CSV, plain or gzip).
    processed_dir
        Output folder (created).
    to, splits
        NUTS version of the outputs and what to do with split units (see
        :func:`emerging.codes.harmonise.harmonise`; ``"apportion"`` divides a split unit
        by the new units' shares in the first year they all appear, e.g. HU10 by HU11 and
        HU12 in 2021 when the new series is there, and marks those cells ``estimated``).
    estimate
        Fill confidential NUTS-2 cells from NUTS-1 totals minus known regions (opt-in; the
        ``estimated`` column marks them).
    indicators
        SBS indicator codes to write (default persons employed, local units, wages).

    Returns
    -------
    BuildResult
        Paths written and the manifest (also saved as ``manifest.json``).

    Notes
    -----
    All files, manifest included, are written into a staging folder beside
    ``processed_dir`` and swapped in at once (:func:`emerging.io.store.publish`): a build
    killed at any moment, or failing at a later step, leaves either the previous complete
    set or the new one, each with its manifest. A rebuild on the same raw files writes the
    same bytes and touches nothing.
    """
    from emerging.io.store import publish

    _check_build_options(to, splits, indicators)
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    written = _Written()
    sbs_path = find_raw(raw_dir, CHAIN_OLD)
    written.source(sbs_path)
    sbs = read(sbs_path)
    _check_indicators_present(sbs, sbs_path, indicators)
    for code in indicators:
        _sbs_output(written, sbs, sbs_path, raw_dir, code,
                    {"to": to, "splits": splits, "estimate": estimate})
    gdp_path = _optional_raw(raw_dir, "nama_10r_2gdp")
    if gdp_path is not None:
        written.source(gdp_path)
        frame, excluded, harm = _gdp_panel(gdp_path, to=to, splits=splits)
        written.output(frame, "gdp_nuts2.parquet", excluded, 0, harm, gdp_path.name)
    manifest = {
        "nuts_version": to,
        "splits": splits,
        "estimate_confidential": estimate,
        "sources": written.sources,
        "outputs": written.outputs,
        "notes": written.notes,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    written.files["manifest.json"] = text.encode("utf-8")
    paths, changed = publish(processed_dir, written.files)
    return BuildResult(outputs=tuple(paths), manifest=manifest, changed=tuple(changed))


@dataclass
class _Written:
    """What a build has read (``sources``) and will write (``files``, ``outputs``), for the
    manifest."""

    sources: list[dict] = field(default_factory=list)
    outputs: list[dict] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def source(self, path: Path) -> None:
        """Record a raw file (sha256, size, URL from its sidecar; a note if it changed)."""
        entry = {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size}
        side = path.with_name(path.name + ".source.json")
        if side.is_file():
            meta = json.loads(side.read_text())
            entry["url"] = meta["url"]
            if meta.get("sha256") and meta["sha256"] != entry["sha256"]:
                self.notes.append(
                    f"{path.name} changed since it was downloaded (sha256 differs from its sidecar)"
                )
        if entry["file"] not in {s["file"] for s in self.sources}:
            self.sources.append(entry)

    def output(self, frame, name, excluded, estimated, harm, src, **extra) -> None:
        """Add one output file and its manifest entry."""
        self.files[name] = _parquet_bytes(frame)
        self.outputs.append(
            {
                "file": name,
                "source": src,
                "rows": frame.height,
                "sha256": hashlib.sha256(self.files[name]).hexdigest(),
                "excluded": excluded,
                "estimated": estimated,
                "not_mapped": harm,
                **extra,
            }
        )


def _check_indicators_present(sbs: pl.DataFrame, path: Path, indicators: Sequence[str]) -> None:
    """Raise :class:`SchemaError` naming the asked-for indicators the SBS file lacks."""
    if "indic_sb" not in sbs.columns:
        return  # to_panel names the missing dimension and the ones there are
    present = set(sbs["indic_sb"].unique().to_list())
    missing = [code for code in indicators if code not in present]
    if missing:
        names = ", ".join(f"{code} ({SBS_INDICATORS[code]})" for code in missing)
        held = [code for code in indicators if code in present]
        fix = (f"or build only the indicators it holds: build(..., indicators={held})" if held
               else "and check that it is the dataset sbs_r_nuts06_r2")
        raise SchemaError(
            f"{path} has no rows for indicator(s) {names}; its indic_sb codes are "
            f"{sorted(present)[:20]}. It is probably a filtered or partial download: fetch "
            f"the whole dataset again (`emerging fetch --refresh`), {fix}."
        )


def _sbs_output(written: _Written, sbs: pl.DataFrame, sbs_path: Path, raw_dir: Path, code: str,
                settings: dict) -> None:
    """One SBS indicator's panel (chained with sbs_r_nuts2021 when its file is there);
    ``settings``: ``to``, ``splits``, ``estimate`` of :func:`build`."""
    new, new_excluded, new_path = _new_series(raw_dir, code)
    chain = None
    if new is not None and new.height:
        written.source(new_path)
        chain = (new, new_excluded)
    frame, excluded, estimated, harm, info = _nuts2_panel(
        sbs, {"indic_sb": code}, industry="nace_r2", chain=chain, **settings
    )
    frame = frame.with_columns(pl.lit(UNITS[code]).alias("unit"))
    src = sbs_path.name if chain is None else f"{sbs_path.name} + {new_path.name}"
    extra = {}
    if info:
        extra["chain"] = {
            **info,
            "note": CHAIN_NOTE.format(old=CHAIN_OLD, new=CHAIN_NEW, **info),
        }
    written.output(frame, f"sbs_{SBS_INDICATORS[code]}_nuts2.parquet", excluded, estimated, harm,
                   src, **extra)
