r"""Co-operation embeddedness of a region as of a year, from a participations table.

Only projects that started in the window :math:`s \le \text{start\_year} \le a` are read
(no look-ahead). A participant belongs to panel region :math:`r` when its ``region``
code starts with :math:`r` (a NUTS-3 participant counts for its NUTS-2 region); a
participant known only by its country counts for the country, not for a region.

``coop_projects``
    Number of distinct projects with at least one participant in the region.
``coop_cross_border_share``
    Share of those projects that also have a participant from another country
    (null when the region has no project).
``coop_country_projects``
    Number of distinct projects with at least one participant in the region's country
    (the first two letters of its code).

Without participations the three columns are null and ``coop_note`` says why.
"""

from __future__ import annotations

import polars as pl

from emerging._schema import REGION, validate_participations

COLUMNS = ("coop_projects", "coop_cross_border_share", "coop_country_projects")


def cooperation_embeddedness(
    participations: pl.DataFrame | pl.LazyFrame | None,
    regions: pl.Series,
    start: int,
    as_of: int,
) -> pl.DataFrame:
    """``region`` and the columns of the module docstring, one row per panel region."""
    out = pl.DataFrame({REGION: regions.unique().sort()})
    if participations is None:
        return out.with_columns(
            pl.lit(None, pl.Int64).alias("coop_projects"),
            pl.lit(None, pl.Float64).alias("coop_cross_border_share"),
            pl.lit(None, pl.Int64).alias("coop_country_projects"),
            coop_note=pl.lit("no participations given", pl.String),
        )
    table = validate_participations(participations).filter(
        pl.col("start_year").is_between(start, as_of)
    ).select("project", pl.col(REGION).alias("member"), "country")
    projects = table.group_by("project").agg(
        (pl.col("country").n_unique() > 1).alias("cross_border"))
    lengths = out[REGION].str.len_chars().unique().to_list()
    members = pl.concat([
        table.select("project", pl.col("member").str.slice(0, n).alias(REGION)) for n in lengths
    ]).unique().join(out, on=REGION, how="semi").join(projects, on="project", how="left")
    per_region = members.group_by(REGION).agg(
        pl.len().alias("coop_projects"),
        pl.col("cross_border").mean().alias("coop_cross_border_share"),
    )
    per_country = table.select("project", "country").unique().group_by("country").agg(
        pl.len().alias("coop_country_projects"))
    return (
        out.join(per_region, on=REGION, how="left")
        .with_columns(pl.col("coop_projects").fill_null(0),
                      country=pl.col(REGION).str.slice(0, 2))
        .join(per_country, on="country", how="left")
        .select(REGION, *COLUMNS, coop_note=pl.lit(None, pl.String))
        .with_columns(pl.col("coop_country_projects").fill_null(0).cast(pl.Int64),
                      pl.col("coop_projects").cast(pl.Int64))
    )
