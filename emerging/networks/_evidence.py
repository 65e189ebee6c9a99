"""The evidence behind a partner suggestion, one frame per ground, keyed by ``partner``.

Each function returns one row per unit (country, or NUTS region of one level) with the raw
values and a ``<ground>_score`` in [0, 1]; :func:`emerging.networks.find_partners` joins
them. All are polars joins and sparse products over whole frames, no loop over regions.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from emerging.networks.build import project_network

#: Columns of a proximity() frame (the relatedness engine's pair columns).
PAIR = ("industry", "industry_other", "proximity")


def unit_expr(column: str, level: int) -> pl.Expr:
    """The code truncated to NUTS ``level`` (0 = country); shorter codes stay as they are."""
    return pl.col(column).str.slice(0, level + 2)


def panel_at(panel: pl.DataFrame | pl.LazyFrame, level: int) -> pl.DataFrame:
    """The panel's rows of NUTS ``level``; when it has none, the next finer level summed up
    (a sum with an unknown cell is unknown, never a silent undercount)."""
    frame = panel.collect() if isinstance(panel, pl.LazyFrame) else panel
    frame = frame.select("region", "industry", "year", "value")
    lengths = frame["region"].str.len_chars()
    if (lengths == level + 2).any():
        return frame.filter(lengths == level + 2)
    finer = lengths.filter(lengths > level + 2)
    if finer.is_empty():
        raise ValueError(
            f"the panel has no regions at NUTS level {level} or finer (codes of length "
            f"{sorted(set(lengths.to_list()))}); pass a panel of that level"
        )
    return (
        frame.filter(lengths == finer.min())
        .group_by(unit_expr("region", level), "industry", "year")
        .agg(pl.when(pl.col("value").null_count() == 0).then(pl.col("value").sum()).alias("value"))
        .sort("region", "industry", "year")
    )


def latest_year(panel: pl.DataFrame, focal: str, industry: str) -> int:
    """The latest year in which ``focal`` has a known value of ``industry`` (else the
    panel's latest year)."""
    known = panel.filter(
        (pl.col("region") == focal) & (pl.col("industry") == industry)
        & pl.col("value").is_not_null()
    )
    return int((known if known.height else panel)["year"].max())


def finest_year(panel: pl.DataFrame | pl.LazyFrame, year: int) -> pl.DataFrame:
    """The rows of ``year`` at the panel's finest NUTS level (extra-regio units left out)."""
    frame = panel.collect() if isinstance(panel, pl.LazyFrame) else panel
    frame = frame.filter((pl.col("year") == year) & ~pl.col("region").str.ends_with("Z"))
    finest = frame["region"].str.len_chars().max()
    return frame.filter(pl.col("region").str.len_chars() == finest).select(
        "region", "industry", "year", "value"
    )


def strength(panel_year: pl.DataFrame, industry: str, *, level: float) -> pl.DataFrame:
    r"""Who is strong in ``industry``: LQ with its interval and ECO cluster stars.

    ``strength_score`` :math:`= \tfrac12 \min(LQ^{lo}/2, 1) + \tfrac12\,\text{stars}/3`
    (the lower confidence bound of the LQ, full marks from 2 on, and the European Cluster
    Observatory stars out of 3; the LQ part alone when the stars are unknown).
    """
    from emerging.indices import cluster_stars, location_quotient

    lq = location_quotient(panel_year, level=level).filter(pl.col("industry") == industry)
    stars = cluster_stars(panel_year).stars.filter(pl.col("industry") == industry)
    out = lq.select(
        pl.col("region").alias("partner"), "lq", "lq_lo", "lq_hi", pl.col("value").alias("employment")
    ).join(
        stars.select(pl.col("region").alias("partner"), "eco_stars"), on="partner", how="left"
    )
    lq_part = (pl.col("lq_lo") / 2).clip(0, 1)
    return out.with_columns(
        pl.when(pl.col("eco_stars").is_null())
        .then(lq_part)
        .otherwise(0.5 * lq_part + 0.5 * pl.col("eco_stars") / 3)
        .fill_null(0.0)
        .alias("strength_score")
    )


def proximity_row(proximity: pl.DataFrame, industry: str, year: int | None) -> pl.DataFrame:
    """``industry_other, phi`` for ``industry`` from a :func:`~emerging.relatedness.proximity`
    frame (the panel's year when the frame is per year and has it, else its latest year)."""
    missing = [c for c in PAIR if c not in proximity.columns]
    if missing:
        raise ValueError(
            f"proximity needs the columns {PAIR} of emerging.relatedness.proximity(); "
            f"missing {missing}, found {proximity.columns}"
        )
    frame = proximity
    if "year" in frame.columns:
        years = frame["year"].unique()
        pick = year if year is not None and year in years.to_list() else years.max()
        frame = frame.filter(pl.col("year") == pick)
    row = frame.filter((pl.col("industry") == industry) & (pl.col("industry_other") != industry))
    if row.is_empty():
        raise ValueError(f"industry {industry!r} has no pair in the proximity frame")
    return row.select("industry_other", pl.col("proximity").cast(pl.Float64).alias("phi"))


def feasibility(presence: pl.DataFrame, phi: pl.DataFrame, industry: str) -> pl.DataFrame:
    r"""For whom ``industry`` is a feasible opportunity: relatedness density.

    :math:`RD_{r} = 100 \sum_{j \ne f} M_{rj}\varphi_{fj} / \sum_{j \ne f} \varphi_{fj}`
    (the formula of :mod:`emerging.relatedness.density`, computed by its
    ``density_matrix``), with presence :math:`M_{rj} = [LQ_{rj} \ge 1]` (unknown counts as
    absent) and the focal industry :math:`f`. ``feasibility_score`` = RD / 100. Also the
    three most related industries the region holds (``related_held``).
    """
    from emerging.relatedness.density import density_matrix

    held = presence.filter(pl.col("present").fill_null(False))
    regions = presence["region"].unique().sort()
    others = phi["industry_other"]
    index = pl.DataFrame({"industry_other": others, "j": np.arange(len(others))})
    rows = pl.DataFrame({"region": regions, "r": np.arange(len(regions))})
    cells = held.join(rows, on="region").join(
        index, left_on="industry", right_on="industry_other"
    )
    m = np.zeros((1, len(regions), len(others) + 1))
    m[0, cells["r"].to_numpy(), cells["j"].to_numpy()] = 1.0
    weights = np.zeros((1, len(others) + 1, len(others) + 1))
    weights[0, :-1, -1] = phi["phi"].fill_null(0.0).to_numpy()  # column of the focal industry (last)
    density = density_matrix(m, weights)[0, :, -1]
    top = (
        held.join(phi, left_on="industry", right_on="industry_other")
        .filter(pl.col("phi") > 0)
        .group_by("region")
        .agg(pl.col("industry").sort_by("phi", descending=True).head(3).alias("related_held"))
    )
    return (
        pl.DataFrame({"partner": regions, "density": density})
        .join(top.rename({"region": "partner"}), on="partner", how="left")
        .with_columns((pl.col("density") / 100).fill_nan(None).fill_null(0.0).alias("feasibility_score"))
    )


def ties(
    participations: pl.DataFrame, focal: str, level: int
) -> tuple[pl.DataFrame, str, dict[str, int]]:
    r"""Who already co-operates with ``focal``: joint projects (count weights).

    Returns ``partner, joint_projects, tie_share, ties_score`` and the basis (``"region"``
    or ``"country"``): ``tie_share`` is the partner's share of the focal unit's
    cross-border ties, :math:`w_{fp} / \sum_{q:\,c(q) \ne c(f)} w_{fq}` (count weights:
    a project counts once per pair of units, so a project with partners in three other
    units counts three times in the denominator); ``ties_score`` is
    :math:`w_{fp} / \max_q w_{fq}`. When ``focal`` is a region but the participations carry
    no NUTS codes at that level (the shared H2020 table has country codes only), the ties
    of the two *countries* stand in (basis ``"country"``), and the reasons say so.
    """
    notes: dict[str, int] = {}
    if level == 0:
        basis = "country"
        net = project_network(participations, node="country", weight="count")
        key = focal
    else:
        coded = participations["region"].str.len_chars() >= level + 2
        notes["participations without a NUTS code at this level"] = int((~coded).sum())
        if coded.any() and participations.filter(coded)["region"].str.starts_with(focal).any():
            basis = "region"
            net = project_network(participations.filter(coded), node="region", level=level,
                                  weight="count")
            key = focal
        else:
            basis = "country"
            net = project_network(participations, node="country", weight="count")
            key = focal[:2]
    e = net.edges
    mine = e.filter((pl.col("source") == key) | (pl.col("target") == key)).select(
        pl.when(pl.col("source") == key).then("target").otherwise("source").alias("partner"),
        pl.col("weight").alias("joint_projects"),
    ).filter(pl.col("partner").str.slice(0, 2) != key[:2])
    total = mine["joint_projects"].sum()
    best = mine["joint_projects"].max() or 0.0
    return (
        mine.with_columns(
            (pl.col("joint_projects") / total if total else pl.lit(0.0)).alias("tie_share"),
            (pl.col("joint_projects") / best if best else pl.lit(0.0)).alias("ties_score"),
        ),
        basis,
        notes,
    )


def brokerage_by_unit(participations: pl.DataFrame, level: int) -> pl.DataFrame:
    r"""Brokerage position: the Gould-Fernandez cross-border brokerage of each unit's
    organisations (open partner pairs that span a border, summed over the organisations
    located in the unit; an organisation is placed by its first participation).

    ``brokerage_score`` :math:`= \log(1 + b_p) / \log(1 + \max_q b_q)` (log: the counts run
    over six orders of magnitude).
    """
    from emerging.networks import brokerage

    org = project_network(participations, node="organisation", weight="count")
    roles = brokerage(org.edges, countries=org.nodes.select("node", "country"))
    place = participations.group_by("organisation", maintain_order=True).agg(
        pl.col("region").first(), pl.col("country").first()
    )
    unit = pl.col("country") if level == 0 else unit_expr("region", level)
    per = (
        roles.join(place.rename({"organisation": "node", "country": "_c"}), on="node")
        .with_columns(pl.col("_c").alias("country"))
        .group_by(unit.alias("partner"))
        .agg(pl.col("cross_border").sum().alias("cross_border_brokerage"),
             pl.len().alias("brokering_organisations"))
    )
    top = per["cross_border_brokerage"].max() or 0
    return per.with_columns(
        ((pl.col("cross_border_brokerage") + 1).log() / np.log1p(top) if top else pl.lit(0.0))
        .alias("brokerage_score")
    )


def interreg_by_unit(interreg, level: int) -> pl.DataFrame:
    """Interreg 2014-2020 intensity: keep.eu partner participations in the unit.

    ``interreg_score`` = partners / the most partners of any unit in the table (at the same
    level); units with nothing on record score 0 and say so; units whose code is not in the
    table (e.g. a NUTS 2013 code such as PL12 against the NUTS 2021 table) also score 0 and
    are called unknown, not "none".
    """
    from emerging.io.interreg import InterregTable, interreg_by_level

    frame = interreg_by_level(interreg, level=level) if isinstance(interreg, InterregTable) \
        else interreg
    need = {"region", "partners", "regions_recorded"}
    if not need <= set(frame.columns):
        raise ValueError(
            f"interreg must be read_interreg(...) or interreg_by_level(...); found {frame.columns}"
        )
    top = frame["partners"].max() or 0
    return frame.select(
        pl.col("region").alias("partner"),
        pl.col("partners").alias("interreg_partners"),
        pl.col("regions_recorded").alias("interreg_regions_recorded"),
        (pl.col("partners") / top if top else pl.lit(0.0)).alias("interreg_score"),
    )


def distances(focal: str, partners: pl.Series, geometry) -> pl.DataFrame:
    """``partner, distance_km`` (centroids of ``geometry`` in EPSG:3035, else the tile grid)
    and ``distance_score = 1 - d / max d`` over the candidates."""
    from emerging.networks.positions import node_positions

    pos = node_positions([focal, *partners.to_list()], geometry=geometry)
    here = pos.filter(pl.col("node") == focal)
    if here.is_empty() or here["x"].is_null().all():
        return pl.DataFrame({"partner": partners}).with_columns(
            pl.lit(None, dtype=pl.Float64).alias("distance_km"),
            pl.lit(0.0).alias("distance_score"),
        )
    x0, y0 = here["x"][0], here["y"][0]
    d = pos.select(
        pl.col("node").alias("partner"),
        ((pl.col("x") - x0) ** 2 + (pl.col("y") - y0) ** 2).sqrt().alias("distance_km"),
    ).filter(pl.col("partner") != focal)
    far = d["distance_km"].max() or 0.0
    return d.with_columns(
        (1 - pl.col("distance_km") / far if far else pl.lit(0.0)).fill_null(0.0)
        .alias("distance_score")
    )
