"""Adapters to the inputs of the reports: data on disk, detection, traded industries, co-operation.

Every input of another layer goes through one function here, so that a change of its
interface is met in one place:

* detection (:func:`emergence_shortlist`): :func:`emerging.detect.emergence_scores` (classes
  ``emerging`` and ``nascent``) with one line from :func:`emerging.detect.backtest`;
* traded industries and exclusions (:func:`traded_industries`, :func:`policy_exclusions`):
  :mod:`emerging.codes.traded`, plus the resource-bound mining divisions;
* co-operation (:func:`cooperation_ties`): project ties (Horizon 2020 country ties from
  :func:`emerging.io.cordis.read_h2020_eunets` on real data) and Interreg 2014-2020
  participation from :mod:`emerging.io.interreg` (real data only).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, validate_panel

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))

#: Divisions left out of diversification candidates by the reports, besides the policy
#: exclusions of :mod:`emerging.codes.traded`: the resource-bound mining divisions, whose
#: location follows deposits, not capabilities (relatedness says nothing about entering them).
_RESOURCE = "resource-bound: located where the deposits are, not where the capabilities are"
RESOURCE_BOUND: dict[str, str] = {"B07": _RESOURCE, "B08": _RESOURCE, "B09": _RESOURCE}

SBS_SOURCE = "Eurostat, Structural Business Statistics by NUTS 2 region (sbs_r_nuts06_r2)"
EUROSTAT_LICENCE = "Eurostat: free re-use with acknowledgement of the source (CC BY 4.0)"


@dataclass(frozen=True)
class ReportData:
    """Everything a batch of sheets reads: the panels and what describes them."""

    panel: pl.DataFrame  # persons employed: region, industry, year, value
    source: str
    licence: str
    vintage: str
    nuts_version: int
    simulated: bool = False
    wages: pl.DataFrame | None = None  # wages and salaries, million EUR
    local_units: pl.DataFrame | None = None  # SBS local units (V11210): establishment counts
    participations: pl.DataFrame | None = None
    participations_source: str | None = None
    not_mapped: dict[str, str] = field(default_factory=dict)  # code -> harmonisation status
    estimated_cells: int = 0
    estimated: dict[str, int] = field(default_factory=dict)  # region -> estimated cells


def _clean(panel: pl.DataFrame) -> pl.DataFrame:
    return validate_panel(panel.select(REGION, INDUSTRY, YEAR, VALUE))


def load_report_data(data) -> ReportData:
    """A :class:`ReportData` from ``"demo"``, a processed folder, a panel Parquet or a frame."""
    if isinstance(data, ReportData):
        return data
    if isinstance(data, pl.LazyFrame | pl.DataFrame):
        return ReportData(_clean(data.lazy().collect()), source="user panel", licence="as supplied",
                          vintage="unknown", nuts_version=2021)
    if str(data) == "demo":
        from emerging.datasets import demo

        return demo_report_data(demo(2024))
    path = Path(data)
    if path.is_dir():
        return _from_processed(path)
    if path.is_file() and path.suffix == ".parquet":
        panel = pl.read_parquet(path)
        simulated = path.name.startswith("demo_")
        return ReportData(_clean(panel), source="simulated demo data" if simulated else path.name,
                          licence="MIT (simulated)" if simulated else "see the source",
                          vintage="simulated" if simulated else "unknown", nuts_version=2021,
                          simulated=simulated)
    raise FileNotFoundError(
        f"--data {data}: expected 'demo', a folder written by `emerging build` (with "
        "sbs_employment_nuts2.parquet) or a panel Parquet file; nothing is there"
    )


def demo_report_data(d) -> ReportData:
    """:class:`ReportData` of a simulated demo (:func:`emerging.datasets.demo`)."""
    return ReportData(
        _clean(d.panel), source="simulated demo data (emerging.datasets.demo)",
        licence="MIT (simulated)", vintage="simulated", nuts_version=2021, simulated=True,
        participations=d.participations, participations_source="simulated participations",
    )


def _from_processed(folder: Path) -> ReportData:
    employment = folder / "sbs_employment_nuts2.parquet"
    if not employment.is_file():
        raise FileNotFoundError(
            f"{folder} has no sbs_employment_nuts2.parquet; run `emerging build --out {folder}` first"
        )
    manifest = {}
    if (folder / "manifest.json").is_file():
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    out = next((o for o in manifest.get("outputs", []) if o["file"] == employment.name), {})
    panel = pl.read_parquet(employment)
    estimated = {}
    if "estimated" in panel.columns:
        counts = panel.filter(pl.col("estimated")).group_by(REGION).len()
        estimated = dict(counts.iter_rows())
    wages_path = folder / "sbs_wages_nuts2.parquet"
    wages = _clean(pl.read_parquet(wages_path)) if wages_path.is_file() else None
    units_path = folder / "sbs_local_units_nuts2.parquet"
    local_units = _clean(pl.read_parquet(units_path)) if units_path.is_file() else None
    sources = {s["file"]: s for s in manifest.get("sources", [])}
    sbs = sources.get("sbs_r_nuts06_r2.tsv.gz")
    vintage = "Eurostat release of mid-2017" if sbs and sbs["sha256"].startswith("7e5843901b") else (
        f"raw file sha256 {sbs['sha256'][:12]}" if sbs else "unknown")
    participations, psource = None, None
    h2020 = SHARED / "cooperation" / "h2020_participations_eunets.csv.gz"
    if h2020.is_file():
        from emerging.io.cordis import read_h2020_eunets

        participations = read_h2020_eunets(h2020).participations
        psource = "CORDIS Horizon 2020 participations (via zambujo/eunets), country level"
    return ReportData(
        _clean(panel), source=SBS_SOURCE, licence=EUROSTAT_LICENCE, vintage=vintage,
        nuts_version=int(manifest.get("nuts_version", 2021)), wages=wages, local_units=local_units,
        participations=participations, participations_source=psource,
        not_mapped=dict(out.get("not_mapped", {})),
        estimated_cells=int(out.get("estimated", 0)), estimated=estimated,
    )


# ---------------------------------------------------------------- traded and excluded
def traded_industries() -> tuple[frozenset[str], str]:
    """Traded division codes and where the list comes from."""
    from emerging.codes.traded import traded_industries as traded

    return traded(), "emerging.codes.traded: locational Gini of at least 0.30, after Porter (2003)"


def policy_exclusions() -> dict[str, str]:
    """Industry code -> reason it is left out of diversification candidates."""
    from emerging.codes.traded import POLICY_EXCLUSIONS

    return {**POLICY_EXCLUSIONS, **RESOURCE_BOUND}


# ---------------------------------------------------------------- detection
SHORTLIST_CLASSES = ("emerging", "nascent")


@dataclass(frozen=True)
class Shortlist:
    """Emerging industries of every region: ``region, industry, class, score, evidence``."""

    frame: pl.DataFrame
    method: str
    interim: bool
    backtest: str | None  # one line on out-of-sample skill against persistence


def _backtest_line(panel: pl.DataFrame, model: str) -> str | None:
    """One sentence on how the default score did out of sample beside the persistence baseline."""
    from emerging.detect import backtest

    try:
        result = backtest(panel, horizon=3, window=3, scores=("composite:balanced",), n_boot=20)
    except (ValueError, RuntimeError):
        return None
    m = result.metrics.group_by("score").agg(pl.col("roc_auc").mean(), pl.len().alias("splits"))
    rows = {r["score"]: r for r in m.iter_rows(named=True)}
    base = rows.get("persistence")
    other = rows.get("composite:balanced")
    if base is None:
        return None
    text = (f"Out of sample ({base['splits']} rolling origin(s), entry within 3 years), the "
            f"persistence baseline (distance of the LQ to 1) ranked entries with ROC AUC "
            f"{base['roc_auc']:.2f}")
    if other is not None:
        text += f", the balanced composite score {other['roc_auc']:.2f}"
    return text + f"; the sheet uses the {model} score."


def emergence_shortlist(panel: pl.DataFrame, lq: pl.DataFrame, *, start: int, end: int,
                        with_backtest: bool = True) -> Shortlist:
    """The detection layer's classes ``emerging`` (likely to become specialised) and
    ``nascent`` (specialised recently, LQ lower 95 % bound above 1), as of ``end``."""
    from emerging.detect import emergence_scores, emergence_signals

    scores = emergence_scores(emergence_signals(panel, as_of=end, window=end - start + 1))
    from emerging.codes.traded import traded_industries as traded

    order = pl.col("class").replace_strict(list(SHORTLIST_CLASSES), [0, 1], return_dtype=pl.Int8)
    frame = (scores.to_frame()
             .filter(pl.col("class").is_in(SHORTLIST_CLASSES)
                     & pl.col(INDUSTRY).is_in(sorted(traded()))
                     & ~pl.col(INDUSTRY).is_in(sorted(policy_exclusions())))
             .sort(order, -pl.col("score"))
             .select(REGION, INDUSTRY, "class", "score", "evidence"))
    method = (f"emerging.detect, {scores.label} score as of {end} over {end - start + 1} years: "
              "'emerging' = not yet specialised, traded, and likely to become specialised; "
              "'nascent' = specialised recently (LQ lower 95 % bound above 1); traded industries only, "
              "without the industries left out by policy or as resource-bound")
    line = _backtest_line(panel, scores.label) if with_backtest else None
    return Shortlist(frame, method, False, line)


# ---------------------------------------------------------------- co-operation
INTERREG = SHARED / "cooperation" / "interreg_2014_2020_keep_eu_by_nuts3.csv"


def interreg_participation() -> tuple[pl.DataFrame | None, str]:
    """Interreg 2014-2020 partners and projects per NUTS-2 region (keep.eu), and a note."""
    if not INTERREG.is_file():
        return None, f"Interreg 2014-2020 participation is omitted: {INTERREG.name} is not there."
    from emerging.io.interreg import interreg_by_level, read_interreg

    return interreg_by_level(read_interreg(INTERREG), level=2), (
        "Interreg 2014-2020: keep.eu (Interact), partner participations and project-region "
        "links summed from NUTS-3; a zero can mean 'not on record'.")
@dataclass(frozen=True)
class Cooperation:
    """Cross-border ties: ``node, partner, weight`` with the level of the nodes."""

    ties: pl.DataFrame
    level: str  # "region" or "country"
    source: str
    interreg: pl.DataFrame | None  # region, projects, partners, budget_meur (NUTS-2)
    interreg_note: str


def cooperation_ties(data: ReportData) -> Cooperation | None:
    """Project ties between nodes in different countries, once for the batch."""
    if data.participations is None:
        return None
    if data.simulated:
        interreg, note = None, "Interreg participation is real data and is not mixed into the demo."
    else:
        interreg, note = interreg_participation()
    from emerging.networks import project_network

    part = data.participations
    at_nuts2 = part[REGION].str.len_chars().max() >= 4
    node = "region" if at_nuts2 else "country"
    edges = project_network(part, node=node, level=2 if at_nuts2 else None).edges
    edges = edges.select("source", "target", "weight")
    both = pl.concat([edges, edges.select(pl.col("target").alias("source"),
                                          pl.col("source").alias("target"), "weight")])
    ties = (both.filter(pl.col("source").str.slice(0, 2) != pl.col("target").str.slice(0, 2))
            .group_by("source", "target").agg(pl.col("weight").sum())
            .rename({"source": "node", "target": "partner"}))
    return Cooperation(ties, node, data.participations_source or "participations", interreg, note)
