r"""Partner finding: which regions or countries across the border should a region seek?

:func:`find_partners` joins what the toolkit knows about every candidate unit (a country,
or a NUTS region of the focal region's level) in another country, on up to six grounds,
each scored in [0, 1] (formulas in :mod:`emerging.networks._evidence`):

* **strength** in the industry: the location quotient's lower 95 % bound and the
  European Cluster Observatory stars (needs ``panel``);
* **feasibility**: the relatedness density of the industry in the candidate (Hidalgo et al.
  2007), from ``proximity`` (the output of :func:`emerging.relatedness.proximity`, taken as
  it is) and the candidate's specialisations;
* **ties**: joint projects with the focal unit (``participations``, or ready ``edges``);
  region level where the participations carry NUTS codes, the two countries' ties
  otherwise (said in the reasons);
* **brokerage**: the cross-border Gould-Fernandez brokerage of the candidate's
  organisations (a well-connected hub can open doors further on);
* **interreg**: Interreg 2014-2020 partner participations (keep.eu);
* **distance**: :math:`1 - d / \max d` on centroids (GISCO geometry, else the tile grid).

The score is :math:`\sum_k w_k s_k / \sum_k w_k` over the grounds for which data was given
(a candidate without a value on a ground scores 0 on it). Every suggestion carries its
component scores, the raw values behind them and its reasons in words. Without
``industry`` the suggestions rank general co-operation partners (ties, brokerage,
Interreg, distance).

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. *Science* 317, 482-487. Gould, R. V. & Fernandez,
R. M. (1989). Structures of mediation. *Sociological Methodology* 19, 89-126.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from emerging._checks import merge_options
from emerging._result import Result
from emerging.networks import _evidence as ev
from emerging.networks._common import check_option

TiesKind = Literal["reward", "penalise", "ignore"]
DEFAULT_WEIGHTS: dict[str, float] = {
    "strength": 0.25,
    "feasibility": 0.25,
    "ties": 0.2,
    "brokerage": 0.1,
    "interreg": 0.1,
    "distance": 0.1,
}


@dataclass(frozen=True, repr=False)
class PartnerSuggestions(Result):
    """Ranked partners across the border for one region or country, with reasons.

    Attributes
    ----------
    table
        ``rank, partner, name, country, score``, one ``<ground>_score`` per ground used,
        the raw evidence (``lq, lq_lo, lq_hi, eco_stars, employment, density,
        related_held, joint_projects, tie_share, cross_border_brokerage,
        interreg_partners, distance_km``, where computed), ``central_europe_area``
        (inside, partly, outside) and ``reasons``.
    region
        The focal region or country.
    industry
        The focal industry (None: general co-operation partners).
    weights
        The weights of the grounds used, normalised to sum 1.
    notes
        What each ground measured and its denominator, and counts of rows left out.
    """

    table: pl.DataFrame
    region: str
    industry: str | None
    weights: Mapping[str, float]
    notes: Mapping[str, str] = field(default_factory=dict)

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def write_csv(self, path) -> None:
        """Write the table as CSV (list columns joined with ', ')."""
        lists = [c for c, t in self.table.schema.items() if isinstance(t, pl.List)]
        self.table.with_columns(pl.col(lists).list.join(", ")).write_csv(path)

    def summary(self) -> str:
        top = "; ".join(
            f"{r['rank']}. {r['partner']} {r['name'] or ''} ({r['score']:.2f})".replace("  ", " ")
            for r in self.table.head(5).to_dicts()
        )
        what = f" in {self.industry}" if self.industry else ""
        grounds = ", ".join(f"{k} {v:.2f}" for k, v in self.weights.items())
        return (
            f"Partners for {self.region}{what}: {self.table.height} candidates across the "
            f"border, weighed on {grounds}; top: {top}"
        )

    def plot(self, ax=None, top: int = 10):
        """Stacked horizontal bars of the weighted score components of the top candidates."""
        from emerging.maps.networks_plots import plot_partners

        return plot_partners(self, ax, top=top)

    def _html_frame(self) -> pl.DataFrame:
        return self.table.select("rank", "partner", "name", "country", "score", "reasons")


def _check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(
            f"weights keys must be among {tuple(DEFAULT_WEIGHTS)}; got {sorted(unknown)}"
        )
    if any(v < 0 for v in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum; got {dict(weights)}")
    return {k: float(v) for k, v in weights.items()}


@dataclass(frozen=True)
class PartnerOptions:
    """How :func:`find_partners` weighs the grounds and which candidates it keeps.

    Each field may also be passed to :func:`find_partners` as a keyword of the same name.
    The values are checked when the object is made, with the messages of the function.

    Attributes
    ----------
    weights
        Weights of the grounds (keys of ``DEFAULT_WEIGHTS``); grounds without data drop
        out and the rest are renormalised.
    existing_ties
        ``"reward"`` existing co-operation, ``"penalise"`` it (seek new partners; the ties
        score becomes one minus itself) or ``"ignore"`` it.
    countries
        Keep only candidates in these countries.
    regions
        Keep only candidates in this named region set (e.g. ``"central_europe_2021_2027"``,
        NUTS-2 codes: a candidate of another level is kept when it lies in, or contains, a
        region of the set) or in this list of codes.
    brokerage
        Compute the brokerage ground (a few seconds on the whole H2020 organisation network).
    level
        Confidence level of the LQ interval.
    top
        Keep the best ``top`` suggestions (None: all).
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    existing_ties: TiesKind = "reward"
    countries: Sequence[str] | None = None
    regions: str | Sequence[str] | None = None
    brokerage: bool = True
    level: float = 0.95
    top: int | None = 20

    def __post_init__(self) -> None:
        check_option("existing_ties", self.existing_ties, TiesKind)
        _check_weights(self.weights)


def _level_of(focal: str) -> int:
    if not isinstance(focal, str) or not 2 <= len(focal) <= 5 or not focal[:2].isalpha():
        raise ValueError(
            f"region_or_country must be a country code (CZ) or a NUTS code (CZ06, CZ064); "
            f"got {focal!r}"
        )
    return len(focal) - 2


def find_partners(  # noqa: PLR0913  (one keyword per kind of evidence; settings in options)
    region_or_country: str,
    *,
    industry: str | None = None,
    panel: pl.DataFrame | pl.LazyFrame | None = None,
    proximity: pl.DataFrame | None = None,
    presence: pl.DataFrame | None = None,
    participations: pl.DataFrame | None = None,
    edges: pl.DataFrame | None = None,
    interreg=None,
    year: int | None = None,
    geometry=None,
    options: PartnerOptions | None = None,
    **keywords: Any,
) -> PartnerSuggestions:
    """Rank partners across the border for a region or a country, with reasons.

    Parameters
    ----------
    region_or_country
        The focal unit: a country code (``"CZ"``; partners are countries) or a NUTS code
        (``"CZ06"``; partners are regions of the same NUTS level in other countries).
    industry
        NACE code as in ``panel`` (e.g. ``"C27"``); None ranks general co-operation
        partners (ties, brokerage, Interreg, distance).
    panel
        Employment panel (``region, industry, year, value``) at the focal level, or finer
        (summed up): strength (LQ and stars) and, with ``proximity``, feasibility.
    proximity
        :func:`emerging.relatedness.proximity` output (``industry, industry_other,
        proximity``, optionally ``year``), taken as it is. None: computed from ``panel``
        at its finest NUTS level in ``year`` (more regions, better co-occurrence counts).
    presence
        Instead of a panel for feasibility: ``region, industry, present`` (Boolean).
    participations
        Participations frame (e.g. ``read_h2020_eunets(...).participations``): ties and
        brokerage. ``edges``: a ready Edges frame of the focal level instead (ties only).
    interreg
        :func:`emerging.io.interreg.read_interreg` result (or ``interreg_by_level``).
    year
        Panel year (default: the latest year in which the focal unit has a known value of
        ``industry``).
    geometry
        GeoDataFrame (``region, geometry``) of the focal level for distances; default the
        Central Europe tile grid (100 km tiles; units outside it have no distance).
    options
        A :class:`PartnerOptions`: ``weights``, ``existing_ties``, ``countries``,
        ``regions``, ``brokerage``, ``level``, ``top`` (see there).
    **keywords
        Any field of :class:`PartnerOptions` as a keyword (``weights={"ties": 1}``,
        ``countries=["AT"]``, ``top=None``, ...), overriding the same field of ``options``.

    Returns
    -------
    PartnerSuggestions
    """
    opts = merge_options(PartnerOptions, options, keywords, function="find_partners")
    nuts_level = _level_of(region_or_country)
    focal = region_or_country
    found = _Evidence(focal, nuts_level)
    if industry is not None and (panel is not None or presence is not None):
        presence, proximity, year = _strength(found, panel, presence, proximity, industry,
                                              year, opts.level)
        if proximity is not None and presence is not None:
            _feasibility(found, presence, proximity, industry, year)
    if participations is not None or edges is not None:
        _ties_and_brokerage(found, participations, edges, opts)
    if interreg is not None:
        found.frames["interreg"] = ev.interreg_by_unit(interreg, nuts_level)
        found.notes["interreg"] = (
            "keep.eu Interreg 2014-2020 partner participations located in the unit"
        )
    if not found.frames and panel is None:
        raise ValueError(
            "find_partners needs evidence: pass panel= (with industry=), participations= "
            "or edges=, or interreg="
        )
    table = _candidates(found.frames, focal, nuts_level, opts.countries, opts.regions)
    frames = found.frames
    if nuts_level and found.basis == "country":  # every region takes its country's ties
        frames["ties"] = table.select("partner", "country").join(
            frames["ties"].rename({"partner": "country"}), on="country", how="inner"
        ).drop("country")
    frames["distance"] = ev.distances(focal, table["partner"], geometry)
    found.notes["distance"] = (
        "centroid distance, km (GISCO geometry when given, else the tile grid)"
    )
    for frame in frames.values():
        table = table.join(frame, on="partner", how="left")
    table, used = _score(table, frames, _check_weights(opts.weights), opts.existing_ties)
    table = table.with_columns(_reasons(focal, industry, found.basis, frames).alias("reasons"))
    table = table.sort(["score", "partner"], descending=[True, False]).with_row_index(
        "rank", offset=1
    )
    lead = ["rank", "partner", "name", "country", "score", *[f"{k}_score" for k in used]]
    table = table.select(*lead, *[c for c in table.columns if c not in lead and not
                                  c.endswith("_score")])
    top = opts.top
    return PartnerSuggestions(table.head(top) if top else table, focal, industry, used,
                              found.notes)


@dataclass
class _Evidence:
    """What :func:`find_partners` has found so far about the candidates for ``focal`` (of
    NUTS level ``nuts_level``): one frame (keyed by ``partner``) and one note per ground,
    and the basis of the ties (None, "given edges", region, country)."""

    focal: str
    nuts_level: int
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    basis: str | None = None


def _strength(found: _Evidence, panel, presence, proximity, industry: str, year: int | None,
              level: float):
    """The strength ground from ``panel`` (if given); returns the presence, proximity and
    year for the feasibility ground (presence and proximity computed from the panel when
    not given)."""
    if panel is None:
        return presence, proximity, year
    from emerging.indices import presence as lq_presence

    p = ev.panel_at(panel, found.nuts_level)
    year = ev.latest_year(p, found.focal, industry) if year is None else year
    p = p.filter(pl.col("year") == year)
    if p.is_empty():
        raise ValueError(f"the panel has no rows in year {year}")
    if industry not in p["industry"].unique().to_list():
        raise ValueError(f"industry {industry!r} is not in the panel in {year}")
    found.frames["strength"] = ev.strength(p, industry, level=level)
    found.notes["strength"] = (
        f"LQ of {industry} in {year} against all units of the panel "
        f"(employment share in the unit / share in the panel total), {level:.0%} "
        "interval; ECO stars (size, specialisation, focus)"
    )
    if presence is None:
        presence = lq_presence(p).select("region", "industry", "present")
    if proximity is None:
        from emerging.relatedness import proximity as compute_proximity

        proximity = compute_proximity(ev.finest_year(panel, year))
    return presence, proximity, year


def _feasibility(found: _Evidence, presence, proximity, industry: str, year) -> None:
    """The feasibility ground: relatedness density of ``industry`` in each unit."""
    phi = ev.proximity_row(proximity, industry, year)
    found.frames["feasibility"] = ev.feasibility(presence, phi, industry)
    found.notes["feasibility"] = (
        f"relatedness density of {industry}: proximity-weighted share of its related "
        "industries in which the unit has LQ >= 1"
    )


def _ties_and_brokerage(found: _Evidence, participations, edges, opts: PartnerOptions) -> None:
    """The ties ground (from edges or participations) and the brokerage ground."""
    focal, nuts_level = found.focal, found.nuts_level
    if edges is not None:
        found.frames["ties"], found.basis = _ties_from_edges(edges, focal), "given edges"
    else:
        found.frames["ties"], found.basis, counts = ev.ties(participations, focal, nuts_level)
        found.notes["ties left out"] = (
            ", ".join(f"{v:,} {k}" for k, v in counts.items()) or "none"
        )
    found.notes["ties"] = (
        "joint projects (count weights) with the focal unit; tie_share = this partner's "
        "joint projects over the sum of the focal unit's joint projects with every unit "
        "abroad (a project counts once per partner, so a project with three partner "
        f"countries counts three times); basis: {found.basis}"
    )
    if opts.existing_ties == "ignore":
        found.frames.pop("ties")
    placed = participations is not None and (
        nuts_level == 0 or (participations["region"].str.len_chars() >= nuts_level + 2).any()
    )
    if opts.brokerage and participations is not None and not placed:
        found.notes["brokerage"] = (
            "left out: the participations carry no NUTS codes, so organisations cannot "
            "be placed in regions"
        )
    if opts.brokerage and placed:
        found.frames["brokerage"] = ev.brokerage_by_unit(participations, nuts_level)
        found.notes["brokerage"] = (
            "open partner pairs spanning a border brokered by the unit's organisations "
            "(Gould-Fernandez gatekeeper + consultant + liaison, unweighted)"
        )


def _score(table: pl.DataFrame, frames: Mapping[str, pl.DataFrame], w: Mapping[str, float],
           existing_ties: str) -> tuple[pl.DataFrame, dict[str, float]]:
    """The weighted score over the grounds with data and a positive weight (weights
    renormalised to sum 1); missing component scores count 0."""
    used = {k: w.get(k, 0.0) for k in DEFAULT_WEIGHTS if k in frames and w.get(k, 0.0) > 0}
    if not used:
        raise ValueError(
            f"no ground with a positive weight has data; grounds with data: {sorted(frames)}"
        )
    total = sum(used.values())
    used = {k: v / total for k, v in used.items()}
    table = table.with_columns(pl.col(f"{k}_score").fill_null(0.0) for k in frames)
    if existing_ties == "penalise" and "ties" in frames:  # untied candidates score 1
        table = table.with_columns((1 - pl.col("ties_score")).alias("ties_score"))
    table = table.with_columns(
        pl.sum_horizontal(pl.lit(v) * pl.col(f"{k}_score") for k, v in used.items()).alias("score")
    )
    return table, used


def _ties_from_edges(edges: pl.DataFrame, focal: str) -> pl.DataFrame:
    from emerging.networks._common import one_slice

    e = one_slice(edges)
    mine = e.filter((pl.col("source") == focal) | (pl.col("target") == focal)).select(
        pl.when(pl.col("source") == focal).then("target").otherwise("source").alias("partner"),
        pl.col("weight").alias("joint_projects"),
    ).filter(pl.col("partner").str.slice(0, 2) != focal[:2])
    mine = mine.group_by("partner").agg(pl.col("joint_projects").sum())
    total, best = mine["joint_projects"].sum(), mine["joint_projects"].max() or 0.0
    return mine.with_columns(
        (pl.col("joint_projects") / total if total else pl.lit(0.0)).alias("tie_share"),
        (pl.col("joint_projects") / best if best else pl.lit(0.0)).alias("ties_score"),
    )


def _candidates(frames, focal, nuts_level, countries, regions) -> pl.DataFrame:
    """Units of the focal level in other countries: those of the panel when one is given
    (the units that can be judged in the industry), else those of any evidence frame."""
    from emerging.codes.nuts import region_names
    from emerging.codes.nuts_versions import nuts2021_names
    from emerging.networks.metrics import area_membership

    spread = nuts_level > 0 and "ties" in frames and (
        frames["ties"]["partner"].str.len_chars() == 2
    ).all()
    industry_grounds = [g for g in ("strength", "feasibility") if g in frames]
    keys = [f["partner"] for name, f in frames.items() if not (spread and name == "ties")
            and (not industry_grounds or name in industry_grounds)]
    units = pl.concat(keys).unique().sort() if keys else pl.Series("partner", [], pl.String)
    table = pl.DataFrame({"partner": units}).filter(
        (pl.col("partner").str.len_chars() == nuts_level + 2)
        & (pl.col("partner").str.slice(0, 2) != focal[:2])
        & ~pl.col("partner").str.ends_with("ZZ")
    )
    if countries is not None:
        table = table.filter(pl.col("partner").str.slice(0, 2).is_in(list(countries)))
    if isinstance(regions, str):
        from emerging.codes.nuts import region_set

        members = sorted(region_set(regions))
        prefixes = sorted({m[: nuts_level + 2] for m in members})
        inside = (
            pl.col("partner").str.slice(0, 4).is_in(members)
            if nuts_level >= 2 else pl.col("partner").is_in(prefixes)
        )
        table = table.filter(inside)
    elif regions is not None:
        table = table.filter(pl.col("partner").is_in(list(regions)))
    if table.is_empty():
        raise ValueError(
            f"no candidate of NUTS level {nuts_level} in another country than {focal[:2]}: "
            "check the level of the data and the countries= / regions= filters"
        )
    names = {**nuts2021_names(), **region_names()}
    return table.with_columns(
        pl.col("partner").replace_strict(names, default=None).alias("name"),
        pl.col("partner").str.slice(0, 2).alias("country"),
        area_membership(table["partner"]).alias("central_europe_area"),
    )


def _fmt(col: str, decimals: int = 2) -> pl.Expr:
    return pl.col(col).round(decimals).cast(pl.String)


def _thousands(col: str) -> pl.Expr:
    """Whole numbers with thousands separators (text for the reasons)."""
    return pl.col(col).map_batches(
        lambda s: pl.Series([None if v is None else f"{round(v):,}" for v in s.to_list()],
                            dtype=pl.String),
        return_dtype=pl.String,
    )


def _reasons(focal: str, industry: str | None, basis: str | None, frames) -> pl.Expr:
    """One sentence per ground, joined with '; ' (grounds without data say nothing)."""
    parts: list[pl.Expr] = []
    if "strength" in frames:
        parts.append(_strength_reason(industry))
    if "feasibility" in frames:
        related = pl.col("related_held").list.join(", ")
        parts.append(pl.concat_str(
            pl.format("relatedness density of {} {}/100", pl.lit(industry),
                      pl.col("density").round(0).cast(pl.Int64)),
            pl.when(pl.col("related_held").list.len() > 0)
            .then(pl.format(" (holds related {})", related)).otherwise(pl.lit("")),
        ))
    if "ties" in frames:
        parts.append(_ties_reason(focal, basis))
    if "brokerage" in frames:
        parts.append(
            pl.when(pl.col("cross_border_brokerage") > 0)
            .then(pl.format("its {} organisations broker {} cross-border partner pairs",
                            _thousands("brokering_organisations"),
                            _thousands("cross_border_brokerage")))
        )
    if "interreg" in frames:
        parts.append(
            pl.when(pl.col("interreg_regions_recorded") > 0)
            .then(pl.format("Interreg 2014-2020: {} partner participations",
                            _thousands("interreg_partners")))
            .when(pl.col("interreg_regions_recorded").is_null())
            .then(pl.lit("Interreg 2014-2020 unknown (code not in the NUTS 2021 keep.eu table)"))
            .otherwise(pl.lit("no Interreg 2014-2020 partner on record"))
        )
    parts.append(
        pl.when(pl.col("distance_km").is_not_null())
        .then(pl.format("{} km away", pl.col("distance_km").round(0).cast(pl.Int64)))
    )
    area = pl.col("central_europe_area")
    parts.append(
        pl.when(area == "inside").then(pl.lit("in the CENTRAL EUROPE programme area"))
        .when(area == "partly").then(pl.lit("partly in the CENTRAL EUROPE programme area"))
    )
    return pl.concat_str(parts, separator="; ", ignore_nulls=True)


def _strength_reason(industry: str | None) -> pl.Expr:
    """The strength sentence: the LQ verdict, its interval and the ECO stars."""
    verdict = (
        pl.when(pl.col("lq_lo") > 1).then(pl.lit("specialised in "))
        .when(pl.col("lq") >= 1).then(pl.lit("LQ above 1 (not significantly) in "))
        .otherwise(pl.lit("not specialised in "))
    )
    stars = pl.when(pl.col("eco_stars").is_not_null()).then(
        pl.format(", {} ECO star(s)", pl.col("eco_stars"))
    ).otherwise(pl.lit(""))
    return pl.when(pl.col("lq").is_not_null()).then(pl.concat_str(
        verdict, pl.lit(industry),
        pl.format(": LQ {} ({} interval {}-{})", _fmt("lq"), pl.lit("95 %"), _fmt("lq_lo"),
                  _fmt("lq_hi")), stars,
    )).otherwise(pl.lit(f"no employment figure for {industry}"))


def _ties_reason(focal: str, basis: str | None) -> pl.Expr:
    """The ties sentence, at country level when the participations carry no NUTS codes."""
    share = (pl.col("tie_share") * 100).round(1)
    if basis == "country" and len(focal) > 2:
        text = pl.format(
            "{} joint projects between {} and {} (country level: the participations carry "
            "no NUTS codes; {}% of {}'s cross-border ties, a project counted once per "
            "partner country)",
            _thousands("joint_projects"), pl.lit(focal[:2]), pl.col("country"), share,
            pl.lit(focal[:2]),
        )
    else:
        text = pl.format("{} joint projects with {} ({}% of {}'s cross-border ties, a "
                         "project counted once per partner)", _thousands("joint_projects"),
                         pl.lit(focal), share, pl.lit(focal))
    return (
        pl.when(pl.col("joint_projects") > 0).then(text)
        .otherwise(pl.lit(f"no joint project with {focal} yet"))
    )


def suggest_partners(  # noqa: PLR0913  (deprecated old signature, kept for one release)
    edges: pl.DataFrame | pl.LazyFrame,
    specialisation: pl.DataFrame,
    relatedness: pl.DataFrame,
    *,
    region: str,
    industry: str,
    specialised: str = "specialised",
    relatedness_columns: tuple[str, str, str] = ("industry_a", "industry_b", "proximity"),
    existing_ties: TiesKind = "reward",
    weights: Mapping[str, float] | None = None,
    geometry=None,
    candidates: list[str] | None = None,
    top: int | None = None,
) -> PartnerSuggestions:
    """Deprecated: use :func:`find_partners` (kept for one release).

    Translates the old arguments: ``specialisation`` becomes ``presence``, the
    ``relatedness`` pairs (read as symmetric, the larger value kept) become ``proximity``,
    the old weights ``complementarity``/``ties``/``proximity`` become
    ``feasibility``/``ties``/``distance``.
    """
    warnings.warn(
        "suggest_partners is deprecated and will be removed in the next release; use "
        "emerging.networks.find_partners(region, industry=..., presence=..., proximity=..., "
        "edges=...)",
        DeprecationWarning,
        stacklevel=2,
    )
    a, b, prox = relatedness_columns
    if not {a, b, prox} <= set(relatedness.columns):
        raise ValueError(
            f"relatedness needs columns {relatedness_columns}; found {relatedness.columns}"
        )
    pairs = pl.concat([
        relatedness.select(pl.col(a).alias("industry"), pl.col(b).alias("industry_other"), prox),
        relatedness.select(pl.col(b).alias("industry"), pl.col(a).alias("industry_other"), prox),
    ]).group_by("industry", "industry_other").agg(pl.col(prox).max().alias("proximity"))
    old = dict(weights or {"complementarity": 0.6, "ties": 0.2, "proximity": 0.2})
    rename = {"complementarity": "feasibility", "ties": "ties", "proximity": "distance"}
    unknown = set(old) - set(rename)
    if unknown:
        raise ValueError(f"weights keys must be among {tuple(rename)}; got {sorted(unknown)}")
    presence = specialisation.select(
        "region", "industry", pl.col(specialised).alias("present")
    )
    if region not in presence["region"].to_list():
        raise ValueError(f"region {region!r} not in specialisation")
    return find_partners(
        region, industry=industry, presence=presence, proximity=pairs, edges=edges,
        existing_ties=existing_ties, weights={rename[k]: v for k, v in old.items()},
        geometry=geometry, regions=candidates, top=top,
    )
