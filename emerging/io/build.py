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

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR
from emerging.codes.harmonise import harmonise
from emerging.io.cache import DEFAULT_RAW_DIR, atomic_write_bytes, sha256
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


def _write_if_changed(frame: pl.DataFrame, path: Path) -> tuple[str, bool]:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    data = buffer.getvalue()
    return _store(data, path)


def _store(data: bytes, path: Path) -> tuple[str, bool]:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    if path.is_file() and sha256(path) == digest:
        return digest, False
    atomic_write_bytes(path, data)
    return digest, True


def _nuts2_panel(
    raw: pl.DataFrame,
    measure: dict[str, str],
    *,
    industry: str,
    estimate: bool,
    to: int,
    splits: str,
) -> tuple[pl.DataFrame, dict[str, int], int, dict]:
    """Select, estimate (opt-in) and harmonise one indicator; count every excluded row."""
    selected = raw.filter(*(pl.col(d) == c for d, c in measure.items())) if measure else raw
    total = selected.height
    negative = pl.col(VALUE) < 0
    excluded: dict[str, int] = {
        "negative values in the source (invalid)": selected.filter(negative).height
    }
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
    before = panel.height
    res = harmonise(panel, to=to, splits=splits)
    not_mapped = int(res.not_mapped()["rows"].sum())
    excluded[f"NUTS codes not mappable to NUTS {to}"] = not_mapped
    excluded["rows combined by NUTS harmonisation"] = before - not_mapped - res.panel.height
    out = res.panel
    if not estimate:
        out = out.with_columns(pl.lit(False).alias("estimated"))
    else:
        # a harmonised cell is estimated when any of its source cells was
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
    estimated = int(out["estimated"].sum())  # estimated cells kept in the output
    if total != out.height + sum(excluded.values()):  # internal invariant, never user input
        raise RuntimeError(f"row accounting broken: {total} != {out.height} + {excluded}")
    harm = {r["code"]: r["status"] for r in res.not_mapped().iter_rows(named=True)}
    return out.sort(REGION, INDUSTRY, YEAR), excluded, estimated, harm


def build(
    raw_dir: str | Path = DEFAULT_RAW_DIR,
    processed_dir: str | Path = DEFAULT_PROCESSED_DIR,
    *,
    to: Literal[2016, 2021] = 2021,
    splits: Literal["report", "aggregate"] = "report",
    estimate: bool = False,
    indicators: Sequence[str] = tuple(SBS_INDICATORS),
) -> BuildResult:
    """Turn the raw Eurostat files into harmonised Parquet panels and a manifest.

    Parameters
    ----------
    raw_dir
        Folder with ``sbs_r_nuts06_r2.tsv.gz`` (required) and ``nama_10r_2gdp.tsv[.gz]``
        (optional), as downloaded by :func:`fetch` or saved by hand.
    processed_dir
        Output folder (created).
    to, splits
        NUTS version of the outputs and what to do with split units (see
        :func:`emerging.codes.harmonise.harmonise`).
    estimate
        Fill confidential NUTS-2 cells from NUTS-1 totals minus known regions (opt-in; the
        ``estimated`` column marks them).
    indicators
        SBS indicator codes to write (default persons employed, local units, wages).

    Returns
    -------
    BuildResult
        Paths written and the manifest (also saved as ``manifest.json``).
    """
    if splits not in ("report", "aggregate"):
        raise ValueError(f"splits must be one of ('report', 'aggregate'); got {splits!r}")
    if to not in (2016, 2021):
        raise ValueError(f"to must be one of (2016, 2021); got {to!r}")
    unknown = sorted(set(indicators) - set(SBS_INDICATORS))
    if unknown:
        raise ValueError(f"unknown indicators {unknown}; expected some of {list(SBS_INDICATORS)}")
    raw_dir, processed_dir = Path(raw_dir), Path(processed_dir)
    sources, outputs, paths, changed = [], [], [], []

    def source(path: Path) -> None:
        entry = {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size}
        side = path.with_name(path.name + ".source.json")
        if side.is_file():
            entry["url"] = json.loads(side.read_text())["url"]
        sources.append(entry)

    def output(frame, name, excluded, estimated, harm, src):
        path = processed_dir / name
        digest, did = _write_if_changed(frame, path)
        paths.append(path)
        if did:
            changed.append(path)
        outputs.append(
            {
                "file": name,
                "source": src,
                "rows": frame.height,
                "sha256": digest,
                "excluded": excluded,
                "estimated": estimated,
                "not_mapped": harm,
            }
        )

    sbs_path = find_raw(raw_dir, "sbs_r_nuts06_r2")
    source(sbs_path)
    sbs = read(sbs_path)
    for code in indicators:
        frame, excluded, estimated, harm = _nuts2_panel(
            sbs, {"indic_sb": code}, industry="nace_r2", estimate=estimate, to=to, splits=splits
        )
        output(
            frame,
            f"sbs_{SBS_INDICATORS[code]}_nuts2.parquet",
            excluded,
            estimated,
            harm,
            sbs_path.name,
        )
    try:
        gdp_path = find_raw(raw_dir, "nama_10r_2gdp")
    except FileNotFoundError:
        gdp_path = None
    if gdp_path is not None:
        source(gdp_path)
        gdp = read(gdp_path)
        excluded_units = gdp.filter(~pl.col("unit").is_in(GDP_UNITS)).height
        frame, excluded, _, harm = _nuts2_panel(
            gdp.filter(pl.col("unit").is_in(GDP_UNITS)),
            {},
            industry="unit",
            estimate=False,
            to=to,
            splits=splits,
        )
        excluded = {"per-head and index units (not summable)": excluded_units, **excluded}
        frame = frame.rename({INDUSTRY: "unit"}).select(
            REGION, "unit", YEAR, VALUE, "flag", "nuts_source"
        )
        output(frame, "gdp_nuts2.parquet", excluded, 0, harm, gdp_path.name)
    manifest = {
        "nuts_version": to,
        "splits": splits,
        "estimate_confidential": estimate,
        "sources": sources,
        "outputs": outputs,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    manifest_path = processed_dir / "manifest.json"
    _, did = _store(text.encode("utf-8"), manifest_path)
    if did:
        changed.append(manifest_path)
    return BuildResult(outputs=(*paths, manifest_path), manifest=manifest, changed=tuple(changed))
