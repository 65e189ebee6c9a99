r"""The numbers of the fact sheets: whole-panel indicators once per batch, one profile per region.

:func:`compute_batch` runs every index on the whole panel once (location quotients with
their intervals for all years, cluster stars, relatedness and complexity in the last year,
the emergence shortlist, structural similarity of all region pairs, co-operation ties);
:meth:`ReportBatch.profile` then cuts one :class:`RegionProfile` out of them without any
further computation, so 81 sheets cost little more than one.

**One definition of a specialisation** everywhere on the sheets: the location quotient's
lower 95 % bound is above 1 (column ``specialised`` of
:func:`emerging.indices.location_quotient`, interval of Moineddin, Beyene & Boyle 2003).

Peer regions are the most similar employment structures by cosine similarity of the
regions' industry shares :math:`s_{ri} = E_{ri}/E_r` in the last year:

.. math::

    \mathrm{sim}(r, q) = \frac{\sum_i s_{ri} s_{qi}}{\lVert s_r \rVert \, \lVert s_q \rVert}
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR
from emerging.codes.nace import nace_label
from emerging.codes.nuts import (
    COUNTRY_NAMES,
    central_europe_2021_2027,
    display_name,
    english_region_names,
    region_names,
)
from emerging.reports import _inputs
from emerging.reports.errors import check_profile_regions

STALE_AFTER_YEARS = 3
TOP_SPECIALISATIONS = 8
CANDIDATES = 5
EMERGING = 4
PEERS = 5


def _names() -> dict[str, str]:
    from emerging.codes.nuts_versions import nuts2021_names

    return {**nuts2021_names(), **region_names()}


def well_covered_years(panel: pl.DataFrame, share: float = 0.9) -> list[int]:
    """Years whose count of known cells is at least ``share`` of the best-covered year's."""
    counts = panel.group_by(YEAR).agg(pl.col(VALUE).is_not_null().sum().alias("n"))
    best = counts["n"].max()
    return sorted(counts.filter(pl.col("n") >= share * best)[YEAR].to_list())


@dataclass(frozen=True, repr=False)
class RegionProfile(Result):
    """The numbers behind one fact sheet (tables are polars frames, ready for any format)."""

    region: str
    name: str
    country: str
    country_name: str
    nuts_version: int
    start: int
    end: int
    first_year: int
    last_year: int
    vintage: str
    source: str
    licence: str
    simulated: bool
    stale: bool
    headline: pl.DataFrame  # indicator, unit, region, country, area, all
    total_series: pl.DataFrame  # year, value
    specialisations: pl.DataFrame
    star_notes: tuple[str, ...]
    emerging: pl.DataFrame
    emerging_method: str
    emerging_interim: bool
    backtest: str | None
    candidates: pl.DataFrame
    candidate_space: pl.DataFrame  # industry, density, pci, candidate
    candidate_rule: str
    exclusions: dict[str, str]
    partners: pl.DataFrame | None  # partner, name, weight
    cooperation_note: str
    peers: pl.DataFrame
    lq_map: pl.DataFrame  # region, lq, lq_reason (map industry, end year)
    map_industry: str | None
    notes: tuple[str, ...]  # sections omitted and why
    unknown_cells: int
    harmonisation: str
    generated: str

    @property
    def map_label(self) -> str:
        return nace_label(self.map_industry) if self.map_industry else ""

    @property
    def english_name(self) -> str | None:
        """The English name where it differs from the national one (``"Vienna"`` for Wien)."""
        english = english_region_names().get(self.region)
        return english if english != self.name else None

    @property
    def display_name(self) -> str:
        """``"national (English)"``, or the national name alone when they are the same."""
        return display_name(self.region, self.name)

    @property
    def n_specialised(self) -> int:
        return int(self.headline.filter(pl.col("key") == "n_specialised")["region"][0])

    _title = "Regional fact sheet"

    def to_frame(self) -> pl.DataFrame:
        """The top specialisations listed on the sheet."""
        return self.specialisations

    def summary(self) -> str:
        top = ", ".join(self.specialisations["label"].head(3).to_list()) or "none"
        return (f"{self.name} ({self.region}), {self.start}-{self.end}: {self.n_specialised} "
                f"specialisations (LQ lower 95 % bound > 1); largest: {top}; "
                f"{self.emerging.height} emerging, {self.candidates.height} candidates.")

    def html(self) -> str:
        """The whole sheet with its figures as an HTML fragment, CSS scoped to its element
        (what a notebook shows when it displays the profile)."""
        from emerging.reports.html import render_fragment

        return render_fragment(self)

    _html_rows = 0  # in Jupyter: the summary line, then the sheet (it carries its own tables)

    def _html_extra(self) -> str:
        return self.html()


@dataclass(frozen=True)
class ReportBatch:
    """Whole-panel indicators for a batch of sheets; :meth:`profile` cuts one region out."""

    data: _inputs.ReportData
    start: int
    end: int
    lq: pl.DataFrame
    headline: pl.DataFrame  # one row per region
    stars: pl.DataFrame
    density: pl.DataFrame
    pci: pl.DataFrame
    proximity: pl.DataFrame
    shortlist: _inputs.Shortlist
    similarity: np.ndarray
    sim_regions: list[str]
    cooperation: _inputs.Cooperation | None
    traded: frozenset[str]
    traded_source: str
    exclusions: dict[str, str]
    names: dict[str, str]
    complexity_note: str = ""

    @property
    def regions(self) -> list[str]:
        return self.headline[REGION].to_list()

    def profile(self, region: str) -> RegionProfile:
        return _profile(self, region)


def _headline_rows(lq: pl.DataFrame, wages: pl.DataFrame | None, start: int, end: int,
                   traded: frozenset[str]) -> pl.DataFrame:
    """Per region: employment, its growth (like for like), specialisations, traded share, wages."""
    ends = lq.filter(pl.col(YEAR) == end)
    both = (lq.filter(pl.col(YEAR).is_in([start, end])).drop_nulls(VALUE)
            .filter(pl.len().over(REGION, INDUSTRY) == 2))
    growth = both.group_by(REGION).agg(
        pl.col(VALUE).filter(pl.col(YEAR) == start).sum().alias("like_start"),
        pl.col(VALUE).filter(pl.col(YEAR) == end).sum().alias("like_end"),
    )
    out = ends.group_by(REGION).agg(
        pl.col(VALUE).sum().alias("employment"),
        pl.col("specialised").sum().cast(pl.Int64).alias("n_specialised"),
        pl.col(VALUE).filter(pl.col(INDUSTRY).is_in(sorted(traded))).sum().alias("traded"),
        pl.col(VALUE).is_null().sum().alias("unknown_cells"),
    ).join(growth, on=REGION, how="left")
    if wages is not None:
        paid = (wages.filter(pl.col(YEAR) == end).rename({VALUE: "wages"})
                .join(ends.select(REGION, INDUSTRY, VALUE), on=[REGION, INDUSTRY])
                .drop_nulls(["wages", VALUE]).filter(pl.col(VALUE) > 0)
                .group_by(REGION).agg(pl.col("wages").sum().alias("wage_sum"),
                                      pl.col(VALUE).sum().alias("wage_persons")))
        out = out.join(paid, on=REGION, how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Float64).alias("wage_sum"),
                               pl.lit(None, pl.Float64).alias("wage_persons"))
    return out.with_columns(pl.col(REGION).str.slice(0, 2).alias("country")).sort(REGION)


def _ratio(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))


def _indicator_values(rows: pl.DataFrame, mean_count: bool) -> dict[str, float | None]:
    """Headline values of one region (one row) or an aggregate of regions (many rows)."""
    s = rows.select(pl.col("employment", "traded", "like_start", "like_end", "wage_sum",
                           "wage_persons").sum(), pl.col("n_specialised").mean())
    r = s.row(0, named=True)
    growth = (r["like_end"] / r["like_start"] - 1) * 100 if r["like_start"] else None
    wage = (r["wage_sum"] * 1e6 / r["wage_persons"]) if r["wage_persons"] else None
    return {
        "employment": r["employment"],
        "growth": growth,
        "n_specialised": r["n_specialised"],
        "traded_share": 100 * r["traded"] / r["employment"] if r["employment"] else None,
        "wage": wage,
    }


INDICATORS = (
    ("employment", "Persons employed", "persons"),
    ("growth", "Employment growth", "%"),
    ("n_specialised", "Specialisations", "industries"),
    ("traded_share", "Employment in traded industries", "%"),
    ("wage", "Wages and salaries per person employed", "EUR"),
)


def compute_batch(data, *, start: int | None = None, end: int | None = None) -> ReportBatch:
    """Compute every whole-panel indicator the sheets need, once.

    Parameters
    ----------
    data
        ``"demo"``, a processed folder, a panel Parquet file, a panel frame or
        :class:`~emerging.reports._inputs.ReportData`.
    start, end
        Window of growth, LQ change and emergence. Default: ``end`` is the latest year with
        at least 90 % of the best year's known cells (2014 on the 2017 SBS release, whose
        2015 is half empty); ``start`` is the first such year, at most eight years earlier.
    """
    from emerging.indices import cluster_stars, location_quotient
    from emerging.relatedness import analyse_relatedness

    data = _inputs.load_report_data(data)
    panel = data.panel
    covered = well_covered_years(panel)
    end = covered[-1] if end is None else end
    start = max(covered[0], end - 8) if start is None else start
    years = panel[YEAR].unique().to_list()
    for name, year in (("start", start), ("end", end)):
        if year not in years:
            raise ValueError(f"{name}={year} is not in the data; its years are {min(years)}-{max(years)}")
    if not start < end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    lq = location_quotient(panel)
    traded, traded_source = _inputs.traded_industries()
    end_panel = panel.filter(pl.col(YEAR) == end)
    units = None if data.local_units is None else data.local_units.filter(pl.col(YEAR) == end)
    rated = cluster_stars(end_panel, establishments=units, traded=sorted(traded))
    stars = (rated.stars.select(REGION, INDUSTRY, "eco_stars", "size", "specialisation", "focus")
             .join(rated.us_rating().drop(YEAR), on=[REGION, INDUSTRY], how="left"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rel = analyse_relatedness(end_panel)
    weak = [w for w in caught if type(w.message).__name__ == "OrientationWarning"]
    for w in caught:
        if w not in weak:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    shares = (lq.filter(pl.col(YEAR) == end).drop_nulls(VALUE)
              .with_columns((pl.col(VALUE) / pl.col(VALUE).sum().over(REGION)).alias("s"))
              .pivot(on=INDUSTRY, index=REGION, values="s").sort(REGION).fill_null(0.0))
    matrix = shares.drop(REGION).to_numpy()
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    unit = matrix / norms[:, None]
    return ReportBatch(
        data=data, start=start, end=end, lq=lq,
        headline=_headline_rows(lq, data.wages, start, end, traded),
        stars=stars,
        density=rel.cells.select(REGION, INDUSTRY, "present", "density"),
        pci=rel.complexity.industries.select(INDUSTRY, "pci"),
        proximity=rel.proximity.select(INDUSTRY, "industry_other", "proximity"),
        shortlist=_inputs.emergence_shortlist(panel, lq, start=start, end=end),
        similarity=unit @ unit.T, sim_regions=shares[REGION].to_list(),
        cooperation=_inputs.cooperation_ties(data),
        traded=traded, traded_source=traded_source, exclusions=_inputs.policy_exclusions(),
        complexity_note=("Complexity is weakly oriented in these data (its correlation with "
                         "diversity is below 0.3), so read its sign with care. ") if weak else "",
        names=_names(),
    )


def _label(col: str = INDUSTRY) -> pl.Expr:
    return pl.col(col).map_elements(nace_label, return_dtype=pl.String)


def _headline(b: ReportBatch, region: str) -> pl.DataFrame:
    h = b.headline
    country = region[:2]
    area = sorted(central_europe_2021_2027())
    groups = {
        "region": h.filter(pl.col(REGION) == region),
        "country": h.filter(pl.col("country") == country),
        "area": h.filter(pl.col(REGION).is_in(area)),
        "all": h,
    }
    values = {k: _indicator_values(v, k != "region") for k, v in groups.items()}
    rows = [{"key": key, "indicator": label, "unit": unit,
             **{g: values[g][key] for g in groups}} for key, label, unit in INDICATORS]
    return pl.DataFrame(rows, schema={"key": pl.String, "indicator": pl.String, "unit": pl.String,
                                      "region": pl.Float64, "country": pl.Float64,
                                      "area": pl.Float64, "all": pl.Float64})


def _specialisations(b: ReportBatch, region: str, own: pl.DataFrame) -> tuple[pl.DataFrame, tuple]:
    s, e = b.start, b.end
    series = (own.filter(pl.col(YEAR).is_between(s, e)).sort(YEAR)
              .group_by(INDUSTRY).agg(pl.col(VALUE).alias("series")))
    start_lq = own.filter(pl.col(YEAR) == s).select(INDUSTRY, pl.col("lq").alias("lq_start"))
    stars = b.stars.filter(pl.col(REGION) == region).drop(REGION)
    top = (own.filter((pl.col(YEAR) == e) & pl.col("specialised"))
           .join(start_lq, on=INDUSTRY, how="left").join(stars, on=INDUSTRY, how="left")
           .join(series, on=INDUSTRY, how="left")
           .with_columns(pl.col(INDUSTRY).is_in(sorted(b.traded)).alias("traded"))
           .sort(VALUE, descending=True).head(TOP_SPECIALISATIONS))
    notes, marks = [], []
    for row in top.iter_rows(named=True):
        n = int(row["eco_stars"] or 0) if row["traded"] else 0
        if n:
            why = [w for w, ok in (("size", row["size"]), ("specialisation", row["specialisation"]),
                                   ("focus", row["focus"])) if ok]
            notes.append(f"{row[INDUSTRY]}: " + ", ".join(why))
            marks.append(len(notes))
        else:
            marks.append(None)
        row["eco_stars"] = n
    table = top.select(
        INDUSTRY, _label().alias("label"), VALUE, "lq", "lq_lo", "lq_hi",
        (pl.col("lq") - pl.col("lq_start")).alias("lq_change"),
        pl.when(pl.col("traded")).then(pl.col("eco_stars").fill_null(0)).otherwise(0)
        .cast(pl.Int64).alias("stars"), "traded", "series",
        pl.when(pl.col("traded")).then(pl.col("us_rating")).alias("us_rating"),
        pl.when(pl.col("traded")).then(pl.col("us_rating_reason")).alias("us_rating_reason"),
    ).with_columns(pl.Series("star_note", marks, dtype=pl.Int64))
    return table, tuple(notes)


def _candidates(b: ReportBatch, region: str) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    cells = b.density.filter(pl.col(REGION) == region).join(b.pci, on=INDUSTRY, how="left")
    space = cells.filter(pl.col("present").not_() & pl.col("density").is_not_null()
                         & pl.col("pci").is_not_null())
    eligible = space.filter(pl.col(INDUSTRY).is_in(sorted(b.traded))
                            & ~pl.col(INDUSTRY).is_in(sorted(b.exclusions)))
    n = max(eligible.height, 1)
    ranked = eligible.with_columns(
        ((pl.col("density").rank() + pl.col("pci").rank()) / (2 * n)).alias("score")
    ).sort("score", INDUSTRY, descending=[True, False]).head(CANDIDATES)
    # the reasons name the region's traded capabilities, not the industries left out by policy
    present = cells.filter(pl.col("present").fill_null(False) & pl.col(INDUSTRY).is_in(sorted(b.traded))
                           & ~pl.col(INDUSTRY).is_in(sorted(b.exclusions)))[INDUSTRY].to_list()
    near = (b.proximity.filter(pl.col(INDUSTRY).is_in(ranked[INDUSTRY].implode())
                               & pl.col("industry_other").is_in(present))
            .sort("proximity", descending=True).group_by(INDUSTRY, maintain_order=True).head(2))
    reasons = near.group_by(INDUSTRY).agg(
        pl.col("industry_other").map_elements(nace_label, return_dtype=pl.String)
        .str.join("; ").alias("reason"))
    table = ranked.join(reasons, on=INDUSTRY, how="left").sort("score", descending=True).select(
        INDUSTRY, _label().alias("label"), "density", "pci", "score",
        (pl.lit("related to the region's ") + pl.col("reason").fill_null("(no close relative)"))
        .alias("reason"),
    )
    chart = space.select(INDUSTRY, "density", "pci",
                         pl.col(INDUSTRY).is_in(table[INDUSTRY].implode()).alias("candidate"))
    excluded = ", ".join(sorted(b.exclusions))
    rule = (f"{b.complexity_note}Traded industries only ({b.traded_source}); left out by policy "
            f"(fossil fuels, tobacco) or as resource-bound mining: {excluded}. "
            f"{space.height - eligible.height} of {space.height} non-specialised industries "
            "removed by these two rules.")
    return table, chart, rule


def _partners(b: ReportBatch, region: str) -> tuple[pl.DataFrame | None, str]:
    coop = b.cooperation
    if coop is None:
        return None, ("No participation data was given, so the co-operation section is omitted. "
                      "Add CORDIS participations to show it.")
    node = region if coop.level == "region" else region[:2]
    ties = (coop.ties.filter(pl.col("node") == node)
            .sort(["weight", "partner"], descending=[True, False]).head(5)
            .select("partner", pl.col("partner").replace_strict(b.names, default=pl.col("partner"))
                    .alias("name"), "weight"))
    whose = (f"the region's ({region})" if coop.level == "region"
             else f"{COUNTRY_NAMES.get(node, node)}'s (the participations carry no NUTS code)")
    note = f"Top cross-border partners in joint projects: {whose}; {coop.source}. "
    if coop.interreg is not None:
        own = coop.interreg.filter(pl.col(REGION) == region)
        area = coop.interreg.filter(pl.col(REGION).is_in(sorted(central_europe_2021_2027())))
        if own.height and own["regions_recorded"][0]:
            rank = int((area["partners"] > own["partners"][0]).sum()) + 1
            note += (f"Interreg 2014-2020: {own['partners'][0]:,} partner participations in "
                     f"{own['project_links'][0]:,} project-region links, rank {rank} of "
                     f"{area.height} regions of the Central Europe area. ")
        else:
            note += "Interreg 2014-2020: no partner on record for this region (none, or not available). "
    return ties, note + coop.interreg_note


def _peers(b: ReportBatch, region: str) -> pl.DataFrame:
    if region not in b.sim_regions:
        return pl.DataFrame(schema={REGION: pl.String, "name": pl.String, "similarity": pl.Float64})
    i = b.sim_regions.index(region)
    sims = b.similarity[i].copy()
    sims[i] = -np.inf
    order = np.argsort(-sims)[:PEERS]
    peers = pl.DataFrame({REGION: [b.sim_regions[j] for j in order],
                          "similarity": sims[order].astype(float)})
    h = b.headline.select(REGION, "employment", "n_specialised",
                          (100 * _ratio("traded", "employment")).alias("traded_share"))
    return peers.join(h, on=REGION, how="left").select(
        REGION, pl.col(REGION).replace_strict(b.names, default=pl.col(REGION)).alias("name"),
        "similarity", "employment", "n_specialised", "traded_share")


def _two(col: str) -> pl.Expr:
    """A number with two decimals as text ("n/a" when unknown)."""
    return pl.col(col).round(2).cast(pl.String).fill_null("n/a")


def _profile(b: ReportBatch, region: str) -> RegionProfile:
    check_profile_regions([region], b.regions, b.data.not_mapped, b.data.nuts_version)
    data = b.data
    own = b.lq.filter(pl.col(REGION) == region)
    specialisations, star_notes = _specialisations(b, region, own)
    candidates, space, rule = _candidates(b, region)
    partners, coop_note = _partners(b, region)
    short = b.shortlist
    ends = own.filter(pl.col(YEAR).is_in([b.start, b.end])).pivot(
        on=YEAR, index=INDUSTRY, values=["lq", "lq_lo", "lq_hi", VALUE])
    s_, e_ = str(b.start), str(b.end)
    emerging = (short.frame.filter(pl.col(REGION) == region).head(EMERGING)
                .join(ends, on=INDUSTRY, how="left")
                .select(INDUSTRY, _label().alias("label"), "class", "score",
                        pl.format("LQ {} in {} → {} in {} ({}–{}); {} employed",
                                  _two(f"lq_{s_}"), pl.lit(b.start), _two(f"lq_{e_}"),
                                  pl.lit(b.end), _two(f"lq_lo_{e_}"), _two(f"lq_hi_{e_}"),
                                  pl.col(f"{VALUE}_{e_}").map_elements(
                                      lambda v: f"{v:,.0f}", return_dtype=pl.String)
                                  .fill_null("n/a"))
                        .alias("evidence"),
                        pl.col("evidence").alias("detail")))
    traded_first = specialisations.sort("traded", descending=True, maintain_order=True)
    map_industry = traded_first[INDUSTRY][0] if specialisations.height else None
    lq_map = b.lq.filter((pl.col(YEAR) == b.end)
                         & (pl.col(INDUSTRY) == pl.lit(map_industry, pl.String))).select(
        REGION, "lq", "lq_reason", "specialised")
    years = data.panel[YEAR].unique().sort()
    last = int(years[-1])
    notes = []
    if data.wages is None:
        notes.append("Wages are not in this data, so wages per person employed are omitted.")
    if partners is None:
        notes.append(coop_note)
    unknown = int(own.filter(pl.col(YEAR) == b.end)[VALUE].null_count())
    splits = sorted(c for c, s in data.not_mapped.items() if s.startswith("split"))
    n_est = data.estimated.get(region, 0)
    estimated = (f" {n_est} cell(s) of this region are estimated (confidential cells filled, or "
                 "a NUTS split apportioned by `emerging build`): treat them as estimates."
                 if n_est else "")
    harmonisation = (
        f"Codes recoded to NUTS {data.nuts_version}. Regions split between NUTS versions are "
        f"not apportioned in this build and are left out: {', '.join(splits)}." if splits
        else f"Codes in NUTS {data.nuts_version}; no split region was left out."
    ) + estimated
    return RegionProfile(
        region=region, name=b.names.get(region, region), country=region[:2],
        country_name=COUNTRY_NAMES.get(region[:2], region[:2]), nuts_version=data.nuts_version,
        start=b.start, end=b.end, first_year=int(years[0]), last_year=last,
        vintage=data.vintage, source=data.source, licence=data.licence,
        simulated=data.simulated,
        stale=(not data.simulated) and dt.date.today().year - b.end > STALE_AFTER_YEARS,
        headline=_headline(b, region),
        total_series=own.filter(pl.col(YEAR).is_between(b.start, b.end)).group_by(YEAR)
        .agg(pl.col(VALUE).sum()).sort(YEAR),
        specialisations=specialisations, star_notes=star_notes,
        emerging=emerging, emerging_method=short.method, emerging_interim=short.interim,
        backtest=short.backtest,
        candidates=candidates, candidate_space=space, candidate_rule=rule,
        exclusions=dict(sorted(b.exclusions.items())),
        partners=partners, cooperation_note=coop_note,
        peers=_peers(b, region),
        lq_map=lq_map, map_industry=map_industry, notes=tuple(notes), unknown_cells=unknown,
        harmonisation=harmonisation, generated=dt.date.today().isoformat(),
    )


_RETIRED_OPTIONS = {
    "flags": "no argument: the emerging section uses emerging.detect's classes",
    "rules": "no argument: the emerging section uses emerging.detect's classes",
    "top": "no argument: a sheet shows the top specialisations by employment",
    "candidates": "no argument: a sheet shows the top diversification candidates",
    "lq_threshold": "no argument: a specialisation is an LQ whose lower 95 % bound is above 1",
}


def region_profile(data, region: str, *, start: int | None = None, end: int | None = None,
                   source: str | None = None, simulated: bool = False,
                   **retired) -> RegionProfile:
    """The profile of one region (computes the whole-panel indicators for this call).

    ``data`` is anything :func:`compute_batch` takes; for a bare panel, ``source`` names it
    and ``simulated=True`` puts the simulated-data banner on the sheet. For many regions,
    call :func:`compute_batch` once and :meth:`ReportBatch.profile` per region (what
    :func:`emerging.reports.build_report` does).

    The options of the first release (``flags``, ``rules``, ``top``, ``candidates``,
    ``lq_threshold``) are accepted for one more release with a ``DeprecationWarning`` and
    ignored: the emerging section now comes from :mod:`emerging.detect`'s classes, and a
    specialisation is always an LQ whose lower 95 % bound is above 1.
    """
    from emerging._reference import deprecated

    unknown = set(retired) - set(_RETIRED_OPTIONS)
    if unknown:
        raise TypeError(f"region_profile() got unexpected keyword argument(s) {sorted(unknown)}")
    for name in retired:
        deprecated(f"region_profile({name}=...)", _RETIRED_OPTIONS[name])
    if isinstance(data, pl.DataFrame | pl.LazyFrame):
        base = _inputs.load_report_data(data)
        data = _inputs.ReportData(
            base.panel, source=source or ("simulated demo data" if simulated else base.source),
            licence="MIT (simulated)" if simulated else base.licence,
            vintage="simulated" if simulated else base.vintage, nuts_version=2021,
            simulated=simulated)
    return compute_batch(data, start=start, end=end).profile(region)
