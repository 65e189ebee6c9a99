"""Partner search: which regions across the border should a region seek for an industry?

Each candidate region in another country is scored on three grounds, each in [0, 1]:

* **complementarity**: how much of the focal industry's related capabilities the candidate
  holds. With :math:`M_{rs} = 1` when region :math:`r` is specialised in industry :math:`s`
  and :math:`\\varphi_{fs}` the relatedness (proximity) of industry :math:`s` to the focal
  industry :math:`f`, the density of Hidalgo et al. (2007)

  .. math:: c_r = \\frac{\\sum_{s \\ne f} M_{rs} \\varphi_{fs}}{\\sum_{s \\ne f} \\varphi_{fs}},

  rescaled by the best candidate's value;
* **ties**: the existing co-operation weight :math:`w_{\\text{focal},r}` over the focal
  region's strongest tie (``existing_ties="reward"``; ``"penalise"`` uses one minus it, to
  look for partners not yet tied; ``"ignore"`` drops it);
* **proximity**: :math:`1 - d_r / \\max d`, with :math:`d_r` the centroid distance (GISCO
  geometry when given, the tile grid otherwise).

The score is the weighted sum of the three. Every suggestion carries its reasons as text.
The relatedness frame is an input (e.g. from ``emerging.relatedness``), so this module does
not compute it.

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. *Science* 317, 482-487.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging.networks._common import check_option, one_slice
from emerging.networks.positions import node_positions

TiesKind = Literal["reward", "penalise", "ignore"]
DEFAULT_WEIGHTS = {"complementarity": 0.6, "ties": 0.2, "proximity": 0.2}


@dataclass(frozen=True, repr=False)
class PartnerSuggestions(Result):
    """Ranked cross-border partner regions for one region and industry, with reasons."""

    table: pl.DataFrame
    region: str
    industry: str
    weights: Mapping[str, float]

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def summary(self) -> str:
        top = "; ".join(
            f"{r['rank']}. {r['partner']} ({r['score']:.2f})" for r in self.table.head(5).to_dicts()
        )
        return (
            f"Partners for {self.region} in {self.industry}: {self.table.height} candidates "
            f"across the border; top: {top}"
        )

    def plot(self, ax=None, top: int = 10):
        """Stacked horizontal bars of the score components of the top candidates."""
        from emerging.maps.networks_plots import plot_partners

        return plot_partners(self, ax, top=top)

    def _html_frame(self) -> pl.DataFrame:
        return self.table.select("rank", "partner", "country", "score", "reasons")


def _check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(
            f"weights keys must be among {tuple(DEFAULT_WEIGHTS)}; got {sorted(unknown)}"
        )
    if any(v < 0 for v in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum; got {dict(weights)}")
    total = sum(weights.values())
    return {k: weights.get(k, 0.0) / total for k in DEFAULT_WEIGHTS}


def suggest_partners(
    edges: pl.DataFrame | pl.LazyFrame,
    specialisation: pl.DataFrame,
    relatedness: pl.DataFrame,
    *,
    region: str,
    industry: str,
    specialised: str = "specialised",
    relatedness_columns: tuple[str, str, str] = ("industry_a", "industry_b", "proximity"),
    existing_ties: TiesKind = "reward",
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    geometry=None,
    candidates: list[str] | None = None,
    top: int | None = None,
) -> PartnerSuggestions:
    """Rank regions in other countries as partners of ``region`` for ``industry``.

    Parameters
    ----------
    edges
        Region-region Edges frame (one slice), e.g. ``project_network(..., node="region",
        level=2).edges``; nodes at the same NUTS level as ``specialisation``.
    specialisation
        ``region, industry`` and a boolean column ``specialised`` (e.g. LQ >= 1, from
        :func:`emerging.indices.lq.presence`); one row per region and industry.
    relatedness
        Industry-industry proximity, columns ``relatedness_columns`` (default
        ``industry_a, industry_b, proximity``); read as symmetric (both orientations, the
        larger value kept).
    region, industry
        The focal region (NUTS code) and industry (as in ``specialisation``).
    existing_ties
        ``"reward"`` existing co-operation, ``"penalise"`` it (seek new partners) or
        ``"ignore"`` it.
    weights
        Weights of ``complementarity``, ``ties`` and ``proximity`` (normalised to sum 1).
    geometry
        Optional GeoDataFrame (``region``, ``geometry``) for centroid distances; without it the
        Central Europe tile grid gives distances (100 km per tile).
    candidates
        Restrict the candidates to these regions (default: every region of another country in
        ``specialisation``).
    top
        Keep the best ``top`` suggestions.

    Returns
    -------
    PartnerSuggestions
        ``table`` with ``rank, partner, country, score, complementarity,
        complementarity_score, specialised_in_focal, tie_weight, ties_score, distance_km,
        proximity_score, reasons``.
    """
    check_option("existing_ties", existing_ties, TiesKind)
    w = _check_weights(weights)
    if existing_ties == "ignore":
        w = _check_weights({**w, "ties": 0.0})
    need = {"region", "industry", specialised}
    if not need <= set(specialisation.columns):
        raise ValueError(
            f"specialisation needs columns {sorted(need)}; found {specialisation.columns}"
        )
    a, b, prox = relatedness_columns
    if not {a, b, prox} <= set(relatedness.columns):
        raise ValueError(
            f"relatedness needs columns {relatedness_columns}; found "
            f"{relatedness.columns}. Pass relatedness_columns=(...) to name them."
        )
    regions = specialisation["region"].unique()
    if region not in regions:
        raise ValueError(
            f"region {region!r} not in specialisation; e.g. {regions.sort().head(5).to_list()}"
        )
    if industry not in specialisation["industry"].unique():
        raise ValueError(f"industry {industry!r} not in specialisation")
    phi = (
        pl.concat(
            [
                relatedness.select(
                    pl.col(a).alias("f"),
                    pl.col(b).alias("s"),
                    pl.col(prox).cast(pl.Float64).alias("phi"),
                ),
                relatedness.select(
                    pl.col(b).alias("f"),
                    pl.col(a).alias("s"),
                    pl.col(prox).cast(pl.Float64).alias("phi"),
                ),
            ]
        )
        .filter((pl.col("f") == industry) & (pl.col("s") != industry))
        .group_by("s")
        .agg(pl.col("phi").max())
    )
    if phi.height == 0 or phi["phi"].sum() <= 0:
        raise ValueError(f"relatedness has no positive proximity for industry {industry!r}")
    country = region[:2]
    spec = specialisation.filter(pl.col("region").str.slice(0, 2) != country)
    if candidates is not None:
        spec = spec.filter(pl.col("region").is_in(candidates))
    held = spec.filter(pl.col(specialised).fill_null(False)).join(
        phi, left_on="industry", right_on="s"
    )
    density = held.group_by("region").agg(
        (pl.col("phi").sum() / phi["phi"].sum()).alias("complementarity"),
        pl.col("industry").sort_by("phi", descending=True).head(3).alias("_top"),
        pl.col("phi").sort(descending=True).head(3).alias("_top_phi"),
    )
    focal_spec = spec.filter(
        (pl.col("industry") == industry) & pl.col(specialised).fill_null(False)
    )
    table = (
        spec.select("region")
        .unique()
        .join(density, on="region", how="left")
        .with_columns(
            pl.col("complementarity").fill_null(0.0),
            pl.col("region").is_in(focal_spec["region"].to_list()).alias("specialised_in_focal"),
        )
    )
    ties = one_slice(edges).filter((pl.col("source") == region) | (pl.col("target") == region))
    ties = (
        ties.select(
            pl.when(pl.col("source") == region)
            .then(pl.col("target"))
            .otherwise(pl.col("source"))
            .alias("region"),
            pl.col("weight").alias("tie_weight"),
        )
        .group_by("region")
        .agg(pl.col("tie_weight").sum())
    )
    pos = node_positions([region, *table["region"].to_list()], geometry=geometry)
    here = pos.filter(pl.col("node") == region).row(0, named=True)
    dist = pos.select(
        pl.col("node").alias("region"),
        ((pl.col("x") - here["x"]) ** 2 + (pl.col("y") - here["y"]) ** 2)
        .sqrt()
        .alias("distance_km"),
    )
    table = table.join(ties, on="region", how="left").join(dist, on="region", how="left")
    table = table.with_columns(pl.col("tie_weight").fill_null(0.0))
    best_c, best_t = table["complementarity"].max(), table["tie_weight"].max()
    far = table["distance_km"].max()
    t_score = pl.col("tie_weight") / best_t if best_t else pl.lit(0.0)
    table = table.with_columns(
        (pl.col("complementarity") / best_c if best_c else pl.lit(0.0)).alias(
            "complementarity_score"
        ),
        (1 - t_score if existing_ties == "penalise" else t_score).alias("ties_score"),
        (1 - pl.col("distance_km") / far if far else pl.lit(0.0))
        .fill_null(0.0)
        .alias("proximity_score"),
    )
    table = table.with_columns(
        (
            w["complementarity"] * pl.col("complementarity_score")
            + w["ties"] * pl.col("ties_score")
            + w["proximity"] * pl.col("proximity_score")
        ).alias("score")
    )
    table = table.with_columns(_reasons(region, industry).alias("reasons"))
    table = (
        table.sort(["score", "region"], descending=[True, False])
        .with_row_index("rank", offset=1)
        .select(
            "rank",
            pl.col("region").alias("partner"),
            pl.col("region").str.slice(0, 2).alias("country"),
            "score",
            "complementarity",
            "complementarity_score",
            "specialised_in_focal",
            "tie_weight",
            "ties_score",
            "distance_km",
            "proximity_score",
            "reasons",
        )
    )
    return PartnerSuggestions(table.head(top) if top else table, region, industry, w)


def _reasons(region: str, industry: str) -> pl.Expr:
    pairs = pl.col("_top").list.eval(pl.element()).list.join(", ")
    phis = pl.col("_top_phi").list.eval(pl.element().round(2).cast(pl.String)).list.join(", ")
    related = (
        pl.when(pl.col("_top").list.len() > 0)
        .then(
            pl.format(
                "specialised in related {} (proximity {}); density {} of {}'s related industries",
                pairs,
                phis,
                pl.col("complementarity").round(2),
                pl.lit(industry),
            )
        )
        .otherwise(pl.lit(f"no specialisation related to {industry}"))
    )
    focal = (
        pl.when(pl.col("specialised_in_focal"))
        .then(pl.lit(f"; itself specialised in {industry}"))
        .otherwise(pl.lit(""))
    )
    ties = (
        pl.when(pl.col("tie_weight") > 0)
        .then(
            pl.format(
                "; existing ties with {}: weight {}", pl.lit(region), pl.col("tie_weight").round(2)
            )
        )
        .otherwise(pl.lit(f"; no co-operation with {region} yet"))
    )
    dist = (
        pl.when(pl.col("distance_km").is_not_null())
        .then(pl.format("; {} km away", pl.col("distance_km").round(0).cast(pl.Int64)))
        .otherwise(pl.lit("; distance unknown"))
    )
    return pl.concat_str(
        [related.fill_null(pl.lit(f"no specialisation related to {industry}")), focal, ties, dist]
    )
