"""Adapters to the inputs of the reports: data on disk, detection, traded industries, co-operation.

Every input another layer is still building goes through one function here, so that the
switch to the finished interface happens in one place:

* detection (:func:`emergence_shortlist`): ``emerging.detect.emergence_scores`` with its
  backtest when it exists, else the transparent rules of :mod:`emerging.detect.rules`
  (marked *interim* on the page);
* traded industries and policy exclusions (:func:`traded_industries`,
  :func:`policy_exclusions`): ``emerging.codes.traded`` when it exists, else the lists below;
* co-operation (:func:`cooperation_ties`): Horizon 2020 country ties from
  :func:`emerging.io.cordis.read_h2020_eunets`; Interreg from ``emerging.io.interreg`` when
  it exists (omitted with a note until then).
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

#: Traded NACE Rev. 2 divisions (fallback until ``emerging.codes.traded`` lands): industries
#: that sell mostly outside their region, after the traded/local split of Delgado, Porter &
#: Stern (2016), "Defining clusters of related industries", *J. Econ. Geography* 16(1),
#: mapped by hand to the divisions of the SBS. Local: utilities, construction, retail,
#: restaurants, real estate, local transport, post, legal/accounting, rental, building services.
TRADED_FALLBACK: frozenset[str] = frozenset(
    ["B05", "B06", "B07", "B08", "B09"]
    + [f"C{d}" for d in range(10, 34)]
    + ["G46", "H50", "H51", "H52", "I55", "J58", "J59", "J60", "J61", "J62", "J63",
       "M70", "M71", "M72", "M73", "N79"]
)

#: Industries left out of diversification candidates by default, with the reason: the
#: activities the ERDF may not support, Regulation (EU) 2021/1058, Article 7(1), and the
#: resource-bound mining divisions, whose location follows deposits, not capabilities (so
#: relatedness says nothing about whether a region could enter them).
_RESOURCE = "resource-bound: located where the deposits are, not where the capabilities are"
POLICY_EXCLUSIONS_FALLBACK: dict[str, str] = {
    "B07": _RESOURCE,
    "B08": _RESOURCE,
    "B09": _RESOURCE,
    "B05": "fossil fuels and tobacco, not eligible for ERDF support (Regulation 2021/1058, Art. 7)",
    "B06": "fossil fuels and tobacco, not eligible for ERDF support (Regulation 2021/1058, Art. 7)",
    "C12": "fossil fuels and tobacco, not eligible for ERDF support (Regulation 2021/1058, Art. 7)",
    "C19": "fossil fuels and tobacco, not eligible for ERDF support (Regulation 2021/1058, Art. 7)",
}

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
    participations: pl.DataFrame | None = None
    participations_source: str | None = None
    not_mapped: dict[str, str] = field(default_factory=dict)  # code -> harmonisation status
    estimated_cells: int = 0


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
    wages_path = folder / "sbs_wages_nuts2.parquet"
    wages = _clean(pl.read_parquet(wages_path)) if wages_path.is_file() else None
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
        nuts_version=int(manifest.get("nuts_version", 2021)), wages=wages,
        participations=participations, participations_source=psource,
        not_mapped=dict(out.get("not_mapped", {})),
        estimated_cells=int(out.get("estimated", 0)),
    )


# ---------------------------------------------------------------- traded and excluded
def traded_industries() -> tuple[frozenset[str], str]:
    """Traded division codes and where the list comes from."""
    try:
        from emerging.codes.traded import traded_industries as official
    except ImportError:
        return TRADED_FALLBACK, "interim list after Delgado, Porter & Stern (2016)"
    return frozenset(official()), "emerging.codes.traded"


def policy_exclusions() -> dict[str, str]:
    """Industry code -> reason it is left out of diversification candidates."""
    try:
        from emerging.codes.traded import policy_exclusions as official
    except ImportError:
        return dict(POLICY_EXCLUSIONS_FALLBACK)
    return dict(official())


# ---------------------------------------------------------------- detection
@dataclass(frozen=True)
class Shortlist:
    """Emerging industries of every region: ``region, industry, class, score, evidence``."""

    frame: pl.DataFrame
    method: str
    interim: bool
    backtest: str | None  # one line on out-of-sample skill against persistence


def emergence_shortlist(panel: pl.DataFrame, lq: pl.DataFrame, *, start: int, end: int) -> Shortlist:
    """The detection layer's shortlist (or the interim rules), restricted to specialisations.

    An industry is listed only if it is a specialisation at ``end`` by the one definition of
    the sheets (``specialised``: the LQ's lower 95 % bound above 1), so that an LQ moving from
    0.99 to 1.03 is never called emerging.
    """
    specialised = lq.filter((pl.col(YEAR) == end) & pl.col("specialised")).select(REGION, INDUSTRY)
    try:
        from emerging.detect import emergence_scores  # issue 12
    except ImportError:
        emergence_scores = None
    if emergence_scores is not None:  # pragma: no cover - switched on when issue 12 lands
        result = emergence_scores(panel, as_of=end)
        frame = result.to_frame().filter(pl.col("class") != "none")
        backtest = None
        metrics = getattr(getattr(result, "backtest", None), "metrics", None)
        if metrics is not None:
            own = metrics.filter(pl.col("score") != "persistence").row(0, named=True)
            base = metrics.filter(pl.col("score") == "persistence").row(0, named=True)
            backtest = (f"Out of sample this score ranked emerging pairs with ROC AUC "
                        f"{own['roc_auc']:.2f} against {base['roc_auc']:.2f} for persistence.")
        return Shortlist(frame.join(specialised, on=[REGION, INDUSTRY]),
                         "emerging.detect.emergence_scores", False, backtest)
    from emerging.detect.rules import flag_emerging, grows_faster_than_reference, lq_crosses, min_employment
    from emerging.detect.signals import emergence_signals

    rules = (lq_crosses(1.0), grows_faster_than_reference(), min_employment(250))
    flags = flag_emerging(emergence_signals(panel, start=start, end=end), rules).flagged()
    frame = flags.join(specialised, on=[REGION, INDUSTRY]).select(
        REGION, INDUSTRY, pl.lit("emerging (rules)").alias("class"),
        pl.col("growth_gap").alias("score"), "evidence",
    )
    method = ("interim rules: " + "; ".join(r.description for r in rules)
              + "; and a specialisation at the end (LQ lower 95 % bound above 1)")
    return Shortlist(frame, method, True, None)


# ---------------------------------------------------------------- co-operation
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
    try:
        from emerging.io.interreg import read_interreg  # issue 15
    except ImportError:
        interreg, note = None, ("Interreg 2014-2020 participation (keep.eu) is not shown yet: "
                                "its reader (emerging.io.interreg) is not in this version.")
    else:  # pragma: no cover - switched on when issue 15 lands
        interreg, note = read_interreg(), "Interreg 2014-2020: keep.eu via ltalve/interreg-map."
    return Cooperation(ties, node, data.participations_source or "participations", interreg, note)
