"""The risk-reward matrix of smart specialisation (Balland, Boschma, Crespo & Rigby 2019).

For one region and year, every industry the region is *not* specialised in is a candidate,
placed by its relatedness density (x: feasibility, the lower the riskier) and its
complexity (y: the reward). The candidates are split into four quadrants at the mean (or
median) of the candidates on each axis:

================================  ========================  =========================
quadrant                          relatedness density       complexity
================================  ========================  =========================
``low risk, high reward``         high (>= split)           high (>= split)
``high risk, high reward``        low                       high
``low risk, low reward``          high                      low
``high risk, low reward``         low                       low
================================  ========================  =========================

Candidates are ranked by ``score``, the mean of their percentile ranks (0-1) on the two
axes among the region's candidates, within the quadrant order above (so the first ranks
are the low-risk, high-reward candidates with the best balance of both).

References
----------
Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization policy
in the European Union: relatedness, knowledge complexity and regional diversification.
*Regional Studies*, 53(9), 1252-1268.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._checks import check_regions, check_years
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, YEAR, EmptySelectionError
from emerging.indices._coded import check_option
from emerging.relatedness._complexity import complexity_arrays
from emerging.relatedness._orientation import Orient, warn_if_weak
from emerging.relatedness._proximity import By, Measure, proximity_arrays
from emerging.relatedness._user_proximity import user_proximity
from emerging.relatedness.density import density_matrix
from emerging.relatedness.matrices import encode_panel, single_threaded_blas

QUADRANTS: tuple[str, ...] = (
    "low risk, high reward",
    "high risk, high reward",
    "low risk, low reward",
    "high risk, low reward",
)


@dataclass(frozen=True, repr=False)
class RiskReward(Result):
    """Candidate industries of one region placed by relatedness density and complexity.

    Attributes
    ----------
    region, year
        The region and year.
    candidates
        ``industry, density, pci, quadrant, score, rank`` sorted by ``rank`` (1 = best).
    density_split, pci_split
        Where the quadrants are split on each axis.
    split
        ``"mean"`` or ``"median"``.
    """

    region: str
    year: int
    candidates: pl.DataFrame
    density_split: float
    pci_split: float
    split: str

    def to_frame(self) -> pl.DataFrame:
        """The candidates with ``region`` and ``year`` columns."""
        return self.candidates.select(
            pl.lit(self.region).alias(REGION), pl.lit(self.year, pl.Int32).alias(YEAR), pl.all()
        )

    def top(self, n: int = 5) -> pl.DataFrame:
        """The ``n`` best-ranked candidates."""
        return self.candidates.head(n)

    def summary(self) -> str:
        counts = self.candidates.group_by("quadrant").len()
        n = dict(zip(counts["quadrant"], counts["len"], strict=True))
        best = ", ".join(self.top(5)[INDUSTRY].to_list())
        return (
            f"Risk-reward matrix of {self.region} in {self.year}: {self.candidates.height} "
            f"candidate industries (split at the {self.split}: density {self.density_split:.1f}, "
            f"complexity {self.pci_split:.2f}); "
            + "; ".join(f"{q}: {n.get(q, 0)}" for q in QUADRANTS)
            + f". Top candidates: {best}."
        )

    def plot(self, ax=None, *, label: int = 10):
        """Scatter of the candidates with the quadrant lines; labels the ``label`` best."""
        from emerging.maps.relatedness_plots import plot_risk_reward

        return plot_risk_reward(self, ax, quadrants=QUADRANTS, label=label)

    def _html_frame(self) -> pl.DataFrame:
        return self.top(self.candidates.height)


def rank_candidates(candidates: pl.DataFrame, *, split: Literal["mean", "median"] = "mean"):
    """Quadrant, score and rank of candidates (``industry, density, pci``); see module."""
    check_option("split", split, ("mean", "median"))
    d, c = candidates["density"], candidates["pci"]
    d_split = float(d.mean() if split == "mean" else d.median())
    c_split = float(c.mean() if split == "mean" else c.median())
    high_d, high_c = pl.col("density") >= d_split, pl.col("pci") >= c_split
    quadrant = (
        pl.when(high_d & high_c).then(pl.lit(QUADRANTS[0]))
        .when(high_c).then(pl.lit(QUADRANTS[1]))
        .when(high_d).then(pl.lit(QUADRANTS[2]))
        .otherwise(pl.lit(QUADRANTS[3]))
    )
    n = max(candidates.height, 1)
    score = (pl.col("density").rank("average") + pl.col("pci").rank("average")) / (2 * n)
    order = pl.col("quadrant").replace_strict(QUADRANTS, list(range(4)), return_dtype=pl.Int8)
    ranked = (
        candidates.with_columns(quadrant.alias("quadrant"), score.alias("score"))
        .sort(order, -pl.col("score"), INDUSTRY)
        .with_row_index("rank", offset=1)
        .select(INDUSTRY, "density", "pci", "quadrant", "score", pl.col("rank").cast(pl.Int64))
    )
    return ranked, d_split, c_split


@single_threaded_blas
def risk_reward(
    panel: pl.DataFrame | pl.LazyFrame,
    region: str,
    *,
    year: int | None = None,
    measure: Measure = "minimum_conditional",
    by: By = "year",
    threshold: float = 1.0,
    split: Literal["mean", "median"] = "mean",
    proximity=None,
    orient: Orient = "diversity",
) -> RiskReward:
    """Risk-reward matrix of ``region`` in ``year`` (default: the panel's last year).

    Relatedness density comes from :func:`~emerging.relatedness.density.relatedness_density`
    and complexity is the PCI of :func:`~emerging.relatedness.complexity`
    (eigenvector method), both computed on the whole panel. Candidates are the industries
    with a known value and LQ < ``threshold`` in the region that have a PCI and a density;
    unknown (null) cells are left out, as they may hide a specialisation; a cell with no
    row in the panel counts as zero employment, as everywhere in :mod:`emerging.indices`.
    ``proximity`` takes a proximity of your own instead of ``measure``/``by`` (a pair frame
    or labelled square matrix, as in
    :func:`~emerging.relatedness.density.relatedness_density`). ``orient`` fixes the sign
    of PCI (see :func:`emerging.relatedness.complexity`); an
    :class:`~emerging.relatedness.OrientationWarning` says when that is weak, since the
    reward axis then has no clear direction.

    Raises
    ------
    ValueError
        If ``region`` or ``year`` is not in the panel (the message names close codes).
    EmptySelectionError
        If the region has no candidate industry.
    """
    check_option("split", split, ("mean", "median"))
    pm = encode_panel(panel)
    check_regions([region], pm.regions.tolist())
    r = int(np.searchsorted(pm.regions, region))
    year = int(pm.years[-1]) if year is None else year
    check_years([year], pm.years.tolist())
    t = int(np.searchsorted(pm.years, year))
    m = pm.presence(threshold=threshold)
    if proximity is None:
        phi = proximity_arrays(pm, measure=measure, by=by, presence=m)["proximity"]
    else:
        phi = user_proximity(proximity, pm.industries, pm.years)
    layer = phi[t : t + 1] if phi.shape[0] > 1 else phi
    density = density_matrix(m[t : t + 1, r : r + 1], layer)[0, 0]
    comp = complexity_arrays(m[t : t + 1], orient_by=orient)
    warn_if_weak(comp, pm.years[t : t + 1], stacklevel=3)
    pci = comp["pci"][0]
    candidates = pl.DataFrame(
        {INDUSTRY: pm.industries.astype(str), "density": density, "pci": pci,
         "present": m[t, r].astype(bool), "known": ~np.isnan(pm.values[t, r])}
    ).filter(~pl.col("present") & pl.col("known")).drop("present", "known")
    candidates = candidates.fill_nan(None).drop_nulls()
    if candidates.height == 0:
        raise EmptySelectionError(
            f"region {region!r} has no candidate industry in {year}: every industry is a "
            "specialisation or lacks a complexity value."
        )
    ranked, d_split, c_split = rank_candidates(candidates, split=split)
    return RiskReward(region, year, ranked, d_split, c_split, split)
