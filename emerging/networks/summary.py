"""Co-operation at a glance for one region or country: what a fact sheet prints.

:func:`cooperation_summary` gives, for a country or a NUTS region: its projects and the
share of them that cross a border, its top partner countries (and regions, where the
participations carry NUTS codes), its Interreg 2014-2020 participation, and partner
suggestions with their reasons. Every share names its denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from emerging._result import Result


@dataclass(frozen=True, repr=False)
class CooperationSummary(Result):
    """Co-operation figures of one region or country (see :func:`cooperation_summary`).

    Attributes
    ----------
    unit
        The region or country.
    projects
        Projects with at least one participation of the unit.
    cross_border_projects
        Of those, projects with at least one participant in another country.
    cross_border_share
        ``cross_border_projects / projects`` (unweighted: one project counts once however
        many partners it has).
    partner_countries, partner_regions
        ``partner, joint_projects, share``: projects shared with the partner, and their
        share of the unit's cross-border projects (a project with partners in several
        countries counts for each, so the shares add up to more than 1). Regions only where
        the participations carry NUTS codes (else an empty frame).
    interreg
        Interreg 2014-2020 (keep.eu): ``partners`` (partner participations),
        ``project_links`` (project-region links, an upper bound on distinct projects),
        ``regions``, ``regions_recorded``; None when not given or not on record.
    suggestions
        The top partner suggestions (``rank, partner, name, score, reasons``), or None.
    basis
        ``"region"`` or ``"country"``: the level at which participations were matched (a
        region's figures fall back to its country's when the participations have no NUTS
        codes, and ``basis`` and the summary say so).
    """

    unit: str
    projects: int
    cross_border_projects: int
    cross_border_share: float
    partner_countries: pl.DataFrame
    partner_regions: pl.DataFrame
    interreg: dict | None
    suggestions: pl.DataFrame | None
    basis: str

    def to_dict(self) -> dict:
        """Plain Python values for templates."""
        return {
            "unit": self.unit,
            "basis": self.basis,
            "projects": self.projects,
            "cross_border_projects": self.cross_border_projects,
            "cross_border_share": self.cross_border_share,
            "partner_countries": self.partner_countries.to_dicts(),
            "partner_regions": self.partner_regions.to_dicts(),
            "interreg": self.interreg,
            "suggestions": None if self.suggestions is None else self.suggestions.to_dicts(),
        }

    def to_frame(self) -> pl.DataFrame:
        return self.partner_countries

    def summary(self) -> str:
        where = (
            f" (figures of {self.unit[:2]}: the participations carry no NUTS codes)"
            if self.basis == "country" and len(self.unit) > 2 else ""
        )
        top = ", ".join(
            f"{r['partner']} {r['joint_projects']:,}" for r in self.partner_countries.head(5).to_dicts()
        )
        text = (
            f"{self.unit}{where}: {self.projects:,} projects, of which "
            f"{self.cross_border_projects:,} ({self.cross_border_share:.0%}) with a partner "
            f"abroad; top partner countries (joint projects): {top}"
        )
        if self.interreg:
            text += (
                f"; Interreg 2014-2020: {self.interreg['partners']:,} partner participations "
                f"in {self.interreg['regions_recorded']} of {self.interreg['regions']} NUTS-3 "
                "regions on record"
            )
        if self.suggestions is not None and self.suggestions.height:
            text += "; suggested partners: " + ", ".join(self.suggestions["partner"].head(3))
        return text

    def _html_frame(self) -> pl.DataFrame:
        return self.partner_countries


def _joint(parts: pl.DataFrame, key: str, unit: str, mine: pl.Series, cross: int) -> pl.DataFrame:
    """Projects shared with each other unit of column ``key`` (another country only)."""
    other = (
        parts.filter(pl.col("project").is_in(mine.implode()) & (pl.col("country") != unit[:2]))
        .select("project", pl.col(key).alias("partner"))
        .unique()
        .group_by("partner")
        .agg(pl.len().alias("joint_projects"))
    )
    return other.with_columns(
        (pl.col("joint_projects") / cross if cross else pl.lit(None, pl.Float64)).alias("share")
    ).sort(["joint_projects", "partner"], descending=[True, False])


def cooperation_summary(
    region_or_country: str,
    *,
    participations: pl.DataFrame,
    interreg=None,
    suggestions=None,
    start: int | None = None,
    end: int | None = None,
    top: int = 5,
) -> CooperationSummary:
    """Co-operation figures of a region or country for a fact sheet.

    Parameters
    ----------
    region_or_country
        Country code (``"CZ"``) or NUTS code (``"CZ06"``).
    participations
        Participations frame (e.g. ``read_h2020_eunets(...).participations``, country level;
        ``read_cordis(...).participations`` for regions).
    interreg
        :func:`emerging.io.interreg.read_interreg` result (optional).
    suggestions
        A :class:`~emerging.networks.PartnerSuggestions` (from :func:`find_partners`);
        its ``top`` rows are kept.
    start, end
        Keep projects whose start year lies in ``[start, end]``.
    top
        How many partner countries, regions and suggestions to keep.

    Examples
    --------
    >>> parts = pl.DataFrame({"project": ["p", "p", "q"], "organisation": ["a", "b", "c"],
    ...     "region": ["CZ", "AT", "CZ"], "country": ["CZ", "AT", "CZ"],
    ...     "role": "participant", "start_year": [2016, 2016, 2017]})
    >>> s = cooperation_summary("CZ", participations=parts)
    >>> (s.projects, s.cross_border_projects, s.cross_border_share)
    (2, 1, 0.5)
    """
    unit = region_or_country
    parts = participations
    if start is not None or end is not None:
        lo, hi = start if start is not None else -10**6, end if end is not None else 10**6
        parts = parts.filter(pl.col("start_year").is_between(lo, hi))
    level = len(unit) - 2
    has_nuts = level > 0 and parts["region"].str.starts_with(unit).any()
    basis = "region" if has_nuts else "country"
    inside = pl.col("region").str.starts_with(unit) if has_nuts else pl.col("country") == unit[:2]
    mine = parts.filter(inside)["project"].unique()
    per_project = parts.filter(pl.col("project").is_in(mine.implode())).group_by("project").agg(
        (pl.col("country") != unit[:2]).any().alias("abroad")
    )
    cross = int(per_project["abroad"].sum())
    n = per_project.height
    regions = pl.DataFrame(schema={"partner": pl.String, "joint_projects": pl.UInt32,
                                   "share": pl.Float64})
    if has_nuts:
        coded = parts.filter(pl.col("region").str.len_chars() >= level + 2).with_columns(
            pl.col("region").str.slice(0, level + 2)
        )
        regions = _joint(coded, "region", unit, mine, cross).head(top)
    inter = None
    if interreg is not None:
        from emerging.io.interreg import interreg_by_level

        row = interreg_by_level(interreg, level=min(level, 2)).filter(
            pl.col("region") == unit[: min(level, 2) + 2]
        )
        if row.height:
            inter = row.select("partners", "project_links", "regions", "regions_recorded").row(
                0, named=True
            )
    return CooperationSummary(
        unit=unit,
        projects=n,
        cross_border_projects=cross,
        cross_border_share=cross / n if n else float("nan"),
        partner_countries=_joint(parts, "country", unit, mine, cross).head(top),
        partner_regions=regions,
        interreg=inter,
        suggestions=None if suggestions is None else suggestions.table.select(
            "rank", "partner", "name", "score", "reasons"
        ).head(top),
        basis=basis,
    )
