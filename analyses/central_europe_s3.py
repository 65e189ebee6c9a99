"""The Central Europe smart-specialisation study, end to end on real data.

For the ClusterCOOP partner regions (or the region set of the config), from the public files
in ../shared/data: the Eurostat SBS employment panel (persons employed, NUTS-2 x NACE
divisions) read and harmonised to NUTS 2021 -> specialisation (LQs with 95 % intervals,
cluster stars) -> dynamics (growth, shift-share) -> relatedness (density, economic
complexity with its orientation diagnostic) -> emergence detection with its backtest beside
the baselines -> co-operation (Horizon 2020 country network, Interreg 2014-2020 by region,
partner suggestions) -> maps -> fact sheets. Every number comes from ``emerging``; this script
only chooses the parameters (``analyses/central_europe_s3.toml``), writes the tables to
``data/processed/central_europe_s3/`` and the figures and sheets to
``figures/central_europe_s3/``, and prints a summary of the findings and of what it wrote.

    python analyses/central_europe_s3.py [--config analyses/central_europe_s3.toml]
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import emerging  # noqa: E402
from emerging.codes.nace import nace_labels  # noqa: E402
from emerging.codes.nuts import REGION_SETS, region_set  # noqa: E402
from emerging.codes.nuts_versions import nuts2021_names  # noqa: E402
from emerging.codes.traded import policy_excluded, traded_industries  # noqa: E402
from emerging.detect import backtest, emergence_scores, emergence_signals  # noqa: E402
from emerging.io.store import write_parquet, write_text  # noqa: E402
from emerging.maps import bar_chart  # noqa: E402
from emerging.pipeline import resolve_regions  # noqa: E402

CONFIG = Path(__file__).with_suffix(".toml")
SBS_FILE = Path("employment") / "sbs_r_nuts06_r2.tsv.gz"
SOURCE = "Eurostat, SBS regional statistics (sbs_r_nuts06_r2), persons employed (V16110)"
SECTIONS = {
    "data": {"folder", "first_year", "last_year"},
    "regions": {"set"},
    "describe": {"start", "end", "stars_reference"},
    "detection": {"as_of", "window", "horizon", "model", "backtest_origins", "n_boot", "top"},
    "cooperation": {"h2020_start", "h2020_end", "partners", "partner_area"},
    "output": {"processed", "figures", "report_formats"},
}


def read_config(path: Path) -> dict:
    """The study's TOML config, every section and key checked (unknown ones are refused)."""
    config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    for section, keys in config.items():
        if section not in SECTIONS:
            raise ValueError(f"{path}: unknown section [{section}]; known: {sorted(SECTIONS)}")
        unknown = set(keys) - SECTIONS[section]
        if unknown:
            raise ValueError(f"{path}: [{section}] has unknown keys {sorted(unknown)}; "
                             f"known: {sorted(SECTIONS[section])}")
    for section, keys in SECTIONS.items():
        missing = keys - set(config.get(section, {}))
        if missing:
            raise ValueError(f"{path}: [{section}] lacks {sorted(missing)}; see {CONFIG} for an "
                             "example of every key")
    d, r = config["describe"], config["detection"]
    first, last = config["data"]["first_year"], config["data"]["last_year"]
    if not first <= d["start"] < d["end"] <= last:
        raise ValueError(f"{path}: [describe] start-end must lie within [data] first_year-"
                         f"last_year ({first}-{last}); got {d['start']}-{d['end']}")
    if not first + r["window"] - 1 <= r["as_of"] <= last:
        raise ValueError(f"{path}: [detection] as_of {r['as_of']} needs window {r['window']} "
                         f"years of data from {first} and at most {last}")
    return config


def repo_path(text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else REPO / path


@dataclass
class Study:
    """Progress lines, the findings and the files written."""

    t0: float = field(default_factory=time.perf_counter)
    c0: float = field(default_factory=time.process_time)
    written: list[tuple[Path, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def step(self, text: str) -> None:
        wall, cpu = time.perf_counter() - self.t0, time.process_time() - self.c0
        print(f"[{wall:5.1f} s, CPU {cpu:5.1f} s] {text}", flush=True)

    def table(self, frame: pl.DataFrame, path: Path, what: str) -> None:
        self.written.append((write_parquet(frame, path), what))

    def text(self, text: str, path: Path, what: str) -> None:
        self.written.append((write_text(text, path), what))

    def figure(self, fig, path: Path, what: str) -> None:
        import matplotlib.pyplot as plt

        emerging.save_figure(fig, path, formats=("png",))
        plt.close(fig)
        self.written.append((path.with_suffix(".png"), what))


def read_panel(data: Path, first: int, last: int, study: Study) -> pl.DataFrame:
    """Persons employed, NUTS-2 x NACE divisions, ``first``-``last``, in NUTS 2021 codes."""
    sbs = data / SBS_FILE
    if not sbs.is_file():
        raise FileNotFoundError(f"{sbs} not found: set [data] folder in the config or "
                                "$EMERGING_SHARED_DATA to the folder that holds employment/"
                                "sbs_r_nuts06_r2.tsv.gz")
    employed = emerging.to_panel(emerging.read_tsv(sbs), measure={"indic_sb": "V16110"})
    nuts2 = employed.filter(
        (pl.col("region").str.len_chars() == 4)
        & ~pl.col("region").str.ends_with("Z")
        & pl.col("industry").str.contains(r"^[A-Z]\d\d$")
        & pl.col("year").is_between(first, last)
    )
    harmonised = emerging.harmonise(nuts2, to=2021)
    study.step(harmonised.summary().splitlines()[0])
    return harmonised.panel.select("region", "industry", "year", "value")


def study_regions(spec, available: list[str]) -> tuple[list[str], list[str]]:
    """The regions of the study present in the data, and those of a named set that are not."""
    if isinstance(spec, str) and spec in REGION_SETS:
        return resolve_regions(spec, available), sorted(region_set(spec) - set(available))
    codes = spec if isinstance(spec, str) else ",".join(spec)
    return resolve_regions(codes, available), []


def write_fact_sheets(study: Study, window: pl.DataFrame, regions: list[str], *, out: Path,
                      start: int, end: int, formats: list[str], name) -> None:
    """One fact sheet per region: ``emerging.reports.build_report`` when the package has it
    (the reports layer being rewritten), else ``render_factsheet``; a failure is reported in
    the summary and leaves the study's other outputs standing."""
    from emerging.relatedness import OrientationWarning

    with warnings.catch_warnings():  # the orientation is reported once above, not per sheet
        warnings.simplefilter("ignore", OrientationWarning)
        try:
            from emerging.reports import build_report
        except ImportError:
            build_report = None
        if build_report is not None:
            study.step(f"fact sheets with build_report ({', '.join(formats)})")
            try:
                report = build_report(window, regions=regions, out=out,
                                      formats=formats, start=start, end=end,
                                      progress=False)
            except Exception as error:  # keep the study's other outputs; say what failed
                message = f"build_report failed ({type(error).__name__}: {error})"
                study.step(message + "; trying render_factsheet")
                study.findings.append(f"Reports: {message}.")
                build_report = None
            else:
                study.written.extend((Path(p), "fact-sheet pack") for p in report.written)
                study.step(report.summary())
        if build_report is None:
            study.step("fact sheets with render_factsheet")
            try:
                for region in regions:
                    profile = emerging.region_profile(window, region, start=start, end=end,
                                                      source=SOURCE)
                    study.text(emerging.render_factsheet(profile), out / f"{region}.html",
                               f"fact sheet of {name(region)}")
            except Exception as error:  # the other outputs stand; the summary says so
                message = (f"fact sheets NOT written: render_factsheet failed "
                           f"({type(error).__name__}: {error})")
                study.step(message)
                study.findings.append(f"Reports: {message}.")


def main(config_path: Path = CONFIG) -> str:
    config = read_config(config_path)
    study = Study()
    cfg_data, cfg_desc, cfg_det = config["data"], config["describe"], config["detection"]
    cfg_coop, cfg_out = config["cooperation"], config["output"]
    data = Path(os.environ.get("EMERGING_SHARED_DATA", repo_path(cfg_data["folder"])))
    processed, figures = repo_path(cfg_out["processed"]), repo_path(cfg_out["figures"])
    start, end = cfg_desc["start"], cfg_desc["end"]
    names, labels = nuts2021_names(), dict(nace_labels().select("industry", "label").iter_rows())

    def name(code: str) -> str:
        label = names.get(code, labels.get(code, ""))
        return f"{code} {textwrap.shorten(label, 48, placeholder=' ...')}".strip()

    # 1. the panel
    study.step(f"reading and harmonising the SBS panel from {data / SBS_FILE}")
    panel = read_panel(data, cfg_data["first_year"], cfg_data["last_year"], study)
    regions, absent = study_regions(config["regions"]["set"], panel["region"].unique().to_list())
    in_study = pl.col("region").is_in(regions)
    study.step(f"{panel.height:,} rows, {panel['region'].n_unique()} regions; study regions "
               f"({len(regions)}): {', '.join(regions)}")
    if absent:
        study.findings.append(
            f"Regions of the set without SBS data in NUTS 2021 codes: {', '.join(absent)} "
            "(split regions such as HU10 -> HU11/HU12 cannot be divided; see the harmonise "
            "report).")
    study.table(panel, processed / "panel.parquet",
                "harmonised panel, every region (reference economy of the LQs)")
    at_end = panel.filter(pl.col("year") == end)

    # 2. specialisation
    study.step(f"specialisation in {end}: LQs with 95 % intervals, cluster stars against "
               f"{cfg_desc['stars_reference']}")
    lq = emerging.location_quotient(at_end)
    traded_set = traded_industries()
    stars = emerging.cluster_stars(at_end, reference=cfg_desc["stars_reference"]).to_frame()
    specialisation = lq.filter(in_study).join(
        stars.select("region", "industry", "eco_stars", "star_reason", "traded"),
        on=["region", "industry"], how="left")
    study.table(specialisation, processed / "specialisation.parquet",
                f"LQ, interval, specialised, ECO stars of the study regions, {end}")
    # strategy-relevant: traded industries, without those reports leave out (coal, tobacco, ...)
    top_spec = (specialisation.filter(pl.col("specialised") & pl.col("traded").fill_null(False)
                                      & ~pl.col("industry").is_in(sorted(policy_excluded())))
                .sort(["eco_stars", "lq"], descending=True, nulls_last=True)
                .group_by("region", maintain_order=True).head(3).sort("region"))

    # 3. dynamics
    study.step(f"dynamics {start}-{end}: growth against all regions, shift-share")
    growth = emerging.growth(panel, start=start, end=end).filter(in_study)
    shift = emerging.shift_share(panel, start=start, end=end)
    study.table(growth, processed / "growth.parquet", f"growth against all regions, {start}-{end}")
    study.table(shift.to_frame().filter(in_study), processed / "shift_share.parquet",
                f"shift-share (national share, industry mix, competitive), {start}-{end}")

    # 4. relatedness and complexity
    study.step(f"relatedness density and economic complexity, {end}")
    density = emerging.relatedness_density(at_end)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        complexity = emerging.complexity(at_end)
    orientation = complexity.orientation.row(0, named=True)
    study.findings.append(
        f"Complexity orientation ({end}): corr(ECI, diversity) = "
        f"{orientation['orientation_corr']:+.2f}, Spearman(PCI, ubiquity) = "
        f"{orientation['pci_ubiquity_spearman']:+.2f}"
        + (" - weak: read ECI/PCI as 'typical of diversified regions', not as 'high-tech'."
           if orientation["weak"] else "."))
    for w in caught:
        study.step(f"warning: {str(w.message).split(';')[0]}")
    eci = complexity.to_frame()
    study.table(density.filter(in_study), processed / "relatedness_density.parquet",
                f"relatedness density (0-100) of every industry in the study regions, {end}")
    study.table(eci.filter(in_study), processed / "complexity_eci.parquet",
                f"ECI and diversity of the study regions, {end}")
    study.table(complexity.orientation, processed / "complexity_orientation.parquet",
                "orientation diagnostic of the complexity index")

    # 5. detection and its backtest (whole panel: the reference economy and more evidence)
    from emerging.io.gisco import nuts_neighbours

    geo = emerging.load_nuts(level=2, year=2021, scale="60M",
                             folder=data / "geo" / "gisco_nuts2021_60m", download=False)
    neighbours = nuts_neighbours(geo)
    study.step(f"emergence signals and scores as of {cfg_det['as_of']} "
               f"(window {cfg_det['window']}, model {cfg_det['model']})")
    from emerging.relatedness import OrientationWarning

    with warnings.catch_warnings():  # the signals carry PCI; its caveat is reported above
        warnings.simplefilter("ignore", OrientationWarning)
        signals = emergence_signals(panel, as_of=cfg_det["as_of"], window=cfg_det["window"],
                                    neighbours=neighbours)
    scores = emergence_scores(signals, model=cfg_det["model"], panel=panel,
                              horizon=cfg_det["horizon"])
    scored = scores.to_frame().filter(in_study)
    study.table(scored, processed / "emergence_scores.parquet",
                f"score, class and evidence of every pair of the study regions as of "
                f"{cfg_det['as_of']}")
    candidates = scored.filter(pl.col("class") == "emerging").sort("score", descending=True)
    study.step(f"backtest as of {cfg_det['backtest_origins']}, horizon {cfg_det['horizon']}, "
               f"{cfg_det['n_boot']} region-bootstrap replicates, every region of the panel")
    with warnings.catch_warnings():
        # the Brier score is NaN for rankings (defined for probabilities only), and numpy
        # warns while taking the interval of those NaNs
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)
        warnings.simplefilter("ignore", OrientationWarning)  # once per origin otherwise
        checked = backtest(panel, as_of=cfg_det["backtest_origins"], horizon=cfg_det["horizon"],
                           window=cfg_det["window"], neighbours=neighbours,
                           n_boot=cfg_det["n_boot"],
                           scores=("composite:feasible", "composite:balanced", "logit"),
                           data=f"{SOURCE}, NUTS-2 x NACE divisions, "
                                f"{cfg_data['first_year']}-{cfg_data['last_year']}")
    study.table(checked.metrics, processed / "backtest_metrics.parquet",
                "ROC-AUC, PR-AUC, precision at k with intervals, every score and baseline")
    study.text(checked.card(), processed / "model_card.md", "model card of the backtest")
    fig, _ = checked.plot()
    study.figure(fig, figures / "backtest", "ROC, precision-recall and precision at k")
    metrics = checked.metrics
    persistence = metrics.filter(pl.col("score") == "persistence")
    best_other = (metrics.filter(~pl.col("score").is_in(["persistence", "random"]))
                  .group_by("score").agg(pl.col("pr_auc_vs_persistence").mean(), splits=pl.len())
                  .sort("pr_auc_vs_persistence").tail(1))
    caveat = (
        f"Backtest ({len(persistence)} origin(s), entry within {cfg_det['horizon']} years, all "
        f"{panel['region'].n_unique()} regions): persistence ROC-AUC "
        f"{persistence['roc_auc'].mean():.3f}, PR-AUC {persistence['pr_auc'].mean():.3f} against "
        f"a base rate of {persistence['base_rate'].mean():.3f}; best other score "
        f"{best_other['score'][0]}, PR-AUC {best_other['pr_auc_vs_persistence'][0]:+.3f} against "
        f"persistence on the {best_other['splits'][0]} split(s) it could be scored on (paired). "
        "Most listed pairs do not "
        "enter: the candidates are a shortlist for expert review, not a forecast.")

    # 6. co-operation
    study.step(f"co-operation: Horizon 2020 {cfg_coop['h2020_start']}-{cfg_coop['h2020_end']} "
               "country network, Interreg 2014-2020, partner suggestions")
    from emerging.io.interreg import interreg_by_level, read_interreg

    coop = data / "cooperation"
    h2020 = emerging.read_h2020_eunets(coop / "h2020_participations_eunets.csv.gz",
                                       coop / "h2020_programme_parts_eunets.csv.gz")
    parts = h2020.participations.filter(
        pl.col("start_year").is_between(cfg_coop["h2020_start"], cfg_coop["h2020_end"]))
    countries = sorted({r[:2] for r in regions})
    network = emerging.project_network(parts, node="country", weight="fractional",
                                       self_loops=True)
    pairs = emerging.cross_border(network.edges, by="country_pair").filter(
        pl.col("country_a").is_in(countries) | pl.col("country_b").is_in(countries))
    study.table(pairs, processed / "h2020_country_pairs.parquet",
                "Horizon 2020 ties of the study countries (fractional), intensity, affinity")
    interreg = read_interreg(coop / "interreg_2014_2020_keep_eu_by_nuts3.csv")
    interreg_nuts2 = interreg_by_level(interreg, level=2)
    study.table(interreg_nuts2.filter(in_study), processed / "interreg_nuts2.parquet",
                "Interreg 2014-2020 partners and projects by NUTS-2 study region (keep.eu)")
    links = emerging.proximity(at_end)
    suggestions = []
    for region in regions:  # one focal industry per region: its top candidate, else top LQ
        own = candidates.filter(pl.col("region") == region)
        basis = own if own.height else top_spec.filter(pl.col("region") == region)
        if basis.is_empty():
            continue
        industry = basis["industry"][0]
        found = emerging.find_partners(region, industry=industry, panel=at_end, proximity=links,
                                       participations=parts, interreg=interreg, brokerage=False,
                                       geometry=geo, regions=cfg_coop["partner_area"],
                                       top=cfg_coop["partners"])
        suggestions.append(found.table.select(
            pl.lit(region).alias("region"), pl.lit(industry).alias("industry"),
            "rank", "partner", "name", "score",
            pl.col("reasons").cast(pl.List(pl.String)).list.join("; ")
            if found.table.schema["reasons"] == pl.List(pl.String) else pl.col("reasons")))
    partners = pl.concat(suggestions, how="vertical_relaxed")
    study.table(partners, processed / "partners.parquet",
                "partner suggestions across the border for each region's focal industry")

    # 7. maps
    study.step("maps of the Interreg CENTRAL EUROPE area")
    area = sorted(region_set("central_europe_2021_2027"))
    strategic = (pl.col("specialised") & pl.col("industry").is_in(sorted(traded_set))
                 & ~pl.col("industry").is_in(sorted(policy_excluded())))
    per_region = (lq.filter(pl.col("region").is_in(area)).group_by("region")
                  .agg(strategic.sum().alias("value")))
    fig, _ = emerging.choropleth(
        per_region, geo, "value", labels=regions,
        title=f"Specialisations in traded industries per region, {end}",
        units="divisions, LQ lower bound > 1", source=f"Source: {SOURCE}; © EuroGeographics")
    study.figure(fig, figures / "map_specialisations",
                 "map: traded specialisations per NUTS-2 region")
    counts = (scored.group_by("region").agg((pl.col("class") == "emerging").sum().alias("n"))
              .with_columns(pl.col("region").map_elements(name, return_dtype=pl.String)))
    fig, ax = bar_chart(counts, category="region", value="n", decimals=0,
                        units="pairs classed emerging",
                        title=f"Emerging candidates as of {cfg_det['as_of']} (persistence score): "
                              "a shortlist for expert review")
    fig.text(0.01, 0.005, f"Source: {SOURCE}", fontsize=7, color="grey")
    study.figure(fig, figures / "emerging_candidates", "bar chart: emerging candidates per region")
    fig, _ = emerging.choropleth(
        interreg_nuts2.select("region", pl.col("partners").alias("value")), geo, "value",
        labels=regions, title="Interreg 2014-2020 partner participations by NUTS-2 region",
        units="partners (keep.eu)", source="Source: keep.eu; © EuroGeographics")
    study.figure(fig, figures / "map_interreg_partners", "map: Interreg partners per region")
    top_eci = eci.filter(pl.col("year") == end).select("region", pl.col("eci").alias("value"))
    fig, _ = emerging.choropleth(
        top_eci, geo, "value", labels=regions, diverging_at=0.0,
        title=f"Economic complexity index (ECI), {end}",
        units="ECI (read with the orientation caveat)", source=f"Source: {SOURCE}")
    study.figure(fig, figures / "map_eci", "map: economic complexity index")

    # 8. fact sheets: the reports layer's build_report when present, else render_factsheet
    write_fact_sheets(study, panel.filter(pl.col("year").is_between(start, end)), regions,
                      out=figures / "reports", start=start, end=end,
                      formats=cfg_out["report_formats"], name=name)

    # 9. summary
    lines = [f"Central Europe S3 study: {len(regions)} regions, SBS {cfg_data['first_year']}-"
             f"{cfg_data['last_year']} (described {start}-{end})", "",
             f"Top specialisations in {end} (lower bound of the LQ above 1; ECO stars):"]
    for region, rows in top_spec.group_by("region", maintain_order=True):
        items = ", ".join(f"{r['industry']} LQ {r['lq']:.2f} ({r['eco_stars'] or 0}*)"
                          for r in rows.iter_rows(named=True))
        lines.append(f"  {name(region[0])}: {items}")
    lines += ["", f"Top emerging candidates as of {cfg_det['as_of']} ({scores.label}):"]
    for r in candidates.head(cfg_det["top"]).iter_rows(named=True):
        lines.append(f"  {name(r['region'])} x {name(r['industry'])}: score {r['score']:.3f}")
    lines += [f"  Caveat: {caveat}", "",
              "Top partner suggestions in the partner area (focal industry: the region's top "
              "candidate, else its top specialisation):"]
    for r in partners.filter(pl.col("rank") == 1).iter_rows(named=True):
        lines.append(f"  {name(r['region'])} ({r['industry']}): {r['partner']} "
                     f"{r['name'] or ''} (score {r['score']:.2f})")
    lines += ["", *study.findings, "", "Written:"]
    lines += [f"  {p.relative_to(REPO) if p.is_relative_to(REPO) else p}: {what}"
              for p, what in study.written]
    wall, cpu = time.perf_counter() - study.t0, time.process_time() - study.c0
    lines.append(f"Done in {wall:.1f} s ({cpu:.1f} s of CPU).")
    summary = "\n".join(lines)
    write_text(summary, processed / "summary.txt")
    print(summary)
    return summary


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="the study's TOML file (default: analyses/central_europe_s3.toml)")
    main(parser.parse_args().config)
