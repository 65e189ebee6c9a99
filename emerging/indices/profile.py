"""Every index of :mod:`emerging.indices` from one pass over a panel.

Validating and integer-coding a large panel costs about as much as computing the LQs;
:func:`specialisation_profile` does it once and hands the coded panel to each index
function (all of which also accept a plain panel and code it themselves). What several
indices share is computed once: the LQ factors (kept in the coded panel's cache), and
the LQ and share of each row, which the cluster stars take from the location quotients
when both use the same reference group (the ``lq`` column is then one column shared by
both frames). The standardised LQs read the LQ year by year and the stars' cut-offs take
the LQ's order statistics from the share's (:func:`~emerging.indices.stars._ranked_cutoffs`),
so no whole LQ cube is built for them. The region and industry indices come first, while
no row-length column exists yet, so that their temporaries do not add to the peak."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from emerging._reference import ReferenceLike, Regions, deprecated, lq_years
from emerging._result import Result
from emerging.indices._coded import CodedPanel
from emerging.indices.concentration import IndustryConcentration, industry_concentration
from emerging.indices.diversity import RegionalDiversity, regional_diversity
from emerging.indices.lq import Base, economy_of, presence_frame, standardised_columns
from emerging.indices.stars import (
    DEFAULT_ECO,
    DEFAULT_US,
    ClusterStars,
    EcoRules,
    UsRules,
    cluster_stars,
    rate_clusters,
)


@dataclass(frozen=True, repr=False)
class SpecialisationProfile(Result):
    """All specialisation results of one panel.

    Attributes
    ----------
    lq
        The panel with every column of :func:`~emerging.indices.lq.presence` plus
        ``slq`` and ``slq_log`` (:func:`~emerging.indices.lq.standardised_lq`).
    diversity
        :class:`~emerging.indices.diversity.RegionalDiversity`.
    concentration
        :class:`~emerging.indices.concentration.IndustryConcentration`.
    stars
        :class:`~emerging.indices.stars.ClusterStars`.
    """

    lq: pl.DataFrame
    diversity: RegionalDiversity
    concentration: IndustryConcentration
    stars: ClusterStars

    _title = "Specialisation profile"

    def to_frame(self) -> pl.DataFrame:
        return self.lq

    def summary(self) -> str:
        known = self.lq["lq"].is_not_null().mean()
        spec = self.lq["specialised"].mean()
        head = (f"{self._title}: {self.lq.height:,} rows, LQ defined for {known:.1%}; "
                f"{spec:.1%} of those specialised (lower 95 % bound > 1)")
        parts = (self.diversity.summary(), self.concentration.summary(), self.stars.summary())
        return "\n".join([head, *parts])

    def plot(self, ax=None, *, region: str | None = None, year: int | None = None):
        """The cluster stars of one region (see :meth:`ClusterStars.plot`)."""
        return self.stars.plot(ax, region=region, year=year)


def specialisation_profile(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    level: float = 0.95,
    threshold: float = 1.0,
    unrelated_level: Literal[1, 2] | None = 1,
    establishments: pl.DataFrame | pl.LazyFrame | None = None,
    herfindahl: pl.DataFrame | pl.LazyFrame | None = None,
    eco: EcoRules = DEFAULT_ECO,
    us: UsRules = DEFAULT_US,
    base: Base | None = None,
    stars_reference=None,
) -> SpecialisationProfile:
    """LQs with intervals, standardised LQs, diversity, concentration and stars at once.

    The options are those of :func:`~emerging.indices.lq.presence` (``reference``,
    ``regions``, ``level``, ``threshold``),
    :func:`~emerging.indices.diversity.regional_diversity` (``unrelated_level``),
    :func:`~emerging.indices.concentration.industry_concentration` (``herfindahl``) and
    :func:`~emerging.indices.stars.cluster_stars` (``establishments``, ``eco``, ``us``).
    The stars are rated against the same reference group when it is a group of regions
    (``"all"`` or ``"set"``); against a ``"country"`` or a frame of totals, which give no
    distribution of regions to rank against, they are rated against all regions of the
    panel (their ``reference`` attribute says so).

    ``base=`` (the old name of ``reference``) and ``stars_reference=`` (the old separate
    reference group of the stars: pass ``reference="set", regions=...``) still work for
    one release, with a ``DeprecationWarning``.
    """
    coded = CodedPanel.from_panel(panel)
    economy = economy_of(coded, reference, regions, base=base)
    stars_economy: object = None  # the stars' reference group when it is the LQs' own
    stars_ref: dict = {"reference": "all"}
    if stars_reference is not None:
        deprecated("stars_reference=X", "reference='set', regions=X")
        stars_ref = {"reference": "all"} if stars_reference == "all" else {
            "reference": "set", "regions": stars_reference}
    elif economy.kind in ("all", "set"):
        stars_economy = economy
    # Every index below works on the dense cube: build it first, so that the LQ factors
    # are summed on it rather than from the rows (the same bits; the cube is needed anyway).
    coded.value_cube  # noqa: B018
    # The region and industry indices first: their year-by-year temporaries then come
    # before the row-length columns below exist, not on top of them (a lower peak).
    diversity = regional_diversity(coded, reference=economy, threshold=threshold,
                                   unrelated_level=unrelated_level)
    concentration = industry_concentration(coded, herfindahl=herfindahl)
    lq, rows = presence_frame(coded, economy, threshold=threshold, level=level, share=True)
    del rows["reason"]  # in the frame as a String column already
    # the LQ year by year (no whole LQ cube, unless one is cached already)
    lq = lq.with_columns(standardised_columns(
        coded, lambda ys: lq_years(coded, economy, ys), rows["lq"]))
    if stars_economy is not None:
        stars = rate_clusters(coded, stars_economy, establishments=establishments, eco=eco,
                              us=us, rows=_stars_rows(rows))
    else:
        stars = cluster_stars(coded, establishments=establishments, eco=eco, us=us,
                              **stars_ref)
    del rows
    return SpecialisationProfile(lq=lq, diversity=diversity, concentration=concentration,
                                 stars=stars)


def _stars_rows(rows: dict) -> dict:
    """The LQ and share at the rows as the cluster stars take them (NaN, never inf, where
    undefined, as :func:`_lq_rows` gives them; the LQ column shared)."""
    return {"lq": rows["lq"], "share": rows["share"], "lq_column": rows["lq_column"]}
