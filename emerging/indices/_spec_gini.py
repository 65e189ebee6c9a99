r"""REAT's specialisation and concentration measures that differ from this package's own.

:func:`~emerging.indices.regional_diversity` gives the reference-weighted Lorenz Gini
(``gini``) and Krugman against the reference economy (``krugman``); REAT (Wieland 2019)
also has three unweighted variants, computed here with names of their own:

===================  =========================================================  ==================
function / column    formula                                                    REAT
===================  =========================================================  ==================
``lq_gini``          Gini of the region's LQs over its *n* industries,          ``gini.spec``
                     :math:`G = \frac{\sum_k (2k - n - 1)\, LQ_{(k)}}{n \sum_k
                     LQ_{(k)}}` (LQs sorted ascending, unweighted)
``krugman_others``   :math:`K_r = \sum_i |s_{ri} - \bar s_{-r,i}|`, the         ``krugman.spec2``
                     region's shares :math:`s_{ri} = E_{ri}/E_r` against the
                     unweighted mean of the other regions' shares
``employment_gini``  Gini of an industry's employment over the *n* regions,     ``gini``
                     :math:`G = \frac{\sum_k (2k - n - 1) E_{(k)i}}{n \sum_k     (``coefnorm``)
                     E_{(k)i}}`; times :math:`n/(n-1)` with ``normalised=True``
===================  =========================================================  ==================

The Gini formula is the mean absolute difference over twice the mean,
:math:`\sum_k\sum_l |x_k - x_l| / (2 n^2 \bar x)`, in its sorted form. Cells with an
unknown (null) value are left out; for ``krugman_others`` and ``employment_gini`` a
key combination with no row counts as zero employment, and only regions with employment
in the year (a positive known total) take part. "Other regions" are all regions of the
panel (``reference="all"``) or those of the same country (``reference="country"``,
first two letters of the code).

References
----------
Wieland, T. (2019). REAT: A Regional Economic Analysis Toolbox for R. *REGION*, 6(3),
R1-R57.
Farhauer, O. & Kröll, A. (2013). *Standorttheorien*. Springer Gabler (the worked
examples REAT's documentation reproduces).
Krugman, P. (1991). *Geography and Trade*. MIT Press.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR
from emerging.indices._coded import check_option


def _gini(x: pl.Expr) -> pl.Expr:
    """Unweighted Gini of ``x`` within a group (nulls left out); null when sum is 0."""
    x = x.drop_nulls()
    n = x.len().cast(pl.Float64)  # unsigned counts would wrap below zero
    weighted = ((2 * x.rank("ordinal").cast(pl.Float64) - n - 1) * x).sum()
    total = x.sum()
    return pl.when(total > 0).then(weighted / (n * total)).otherwise(None)


def _collect(panel: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    frame = panel.collect() if isinstance(panel, pl.LazyFrame) else panel
    missing = [c for c in (REGION, INDUSTRY, YEAR, VALUE) if c not in frame.columns]
    if missing:
        raise ValueError(f"the panel needs the columns region, industry, year, value; "
                         f"missing {missing}")
    return frame.select(REGION, INDUSTRY, pl.col(YEAR).cast(pl.Int32),
                        pl.col(VALUE).cast(pl.Float64))


def _lq_against(frame: pl.DataFrame, reference: str) -> pl.DataFrame:
    """:func:`~emerging.indices.location_quotient` against ``"all"`` or ``"country"``,
    in whichever spelling the installed LQ takes (``reference=`` in the reference-economy
    vocabulary, ``base=`` before it), so that no deprecated keyword is ever passed."""
    import inspect

    from emerging.indices import location_quotient

    if "regions" in inspect.signature(location_quotient).parameters:
        return location_quotient(frame, reference=reference)
    return location_quotient(frame, base=reference)


def _complete_grid(frame: pl.DataFrame) -> pl.DataFrame:
    """Every (region with a positive known total) x industry cell of each year; absent
    rows as 0, unknown (null) values kept null."""
    active = (frame.group_by(REGION, YEAR).agg(pl.col(VALUE).sum().alias("_er"))
              .filter(pl.col("_er") > 0))
    industries = frame.select(YEAR, INDUSTRY).unique()
    grid = active.join(industries, on=YEAR)
    rows = frame.with_columns(pl.lit(True).alias("_row"))
    return grid.join(rows, on=[REGION, INDUSTRY, YEAR], how="left").with_columns(
        pl.when(pl.col("_row").is_null()).then(0.0).otherwise(pl.col(VALUE)).alias(VALUE)
    ).drop("_row", "_er")


@keeps_frame_kind
def lq_gini(panel: pl.DataFrame | pl.LazyFrame, *,
            reference: Literal["all", "country"] = "all") -> pl.DataFrame:
    """Gini of each region-year's location quotients (REAT ``gini.spec``; see module).

    The LQs are :func:`~emerging.indices.location_quotient`'s against ``reference``
    (its ``base``); industries with a null LQ are left out. Returns ``region``, ``year``,
    ``lq_gini`` and ``n_industries`` (LQs used).
    """
    check_option("reference", reference, ("all", "country"))
    lq = _lq_against(_collect(panel), reference)
    return (lq.group_by(REGION, YEAR)
            .agg(_gini(pl.col("lq")).alias("lq_gini"),
                 pl.col("lq").is_not_null().sum().cast(pl.Int32).alias("n_industries"))
            .sort(REGION, YEAR))


@keeps_frame_kind
def krugman_others(panel: pl.DataFrame | pl.LazyFrame, *,
                   reference: Literal["all", "country"] = "all") -> pl.DataFrame:
    """Krugman index of each region-year against the mean shares of the other regions
    (REAT ``krugman.spec2``; see the module docstring).

    Returns ``region``, ``year``, ``krugman_others`` and ``n_others`` (regions averaged);
    null when the region has no other region to compare with.
    """
    check_option("reference", reference, ("all", "country"))
    grid = _complete_grid(_collect(panel))
    group = [YEAR] if reference == "all" else [YEAR, "_country"]
    known_total = pl.col(VALUE).fill_null(0.0).sum().over(REGION, YEAR)
    shares = grid.with_columns(pl.col(REGION).str.slice(0, 2).alias("_country"),
                               (pl.col(VALUE).fill_null(0.0) / known_total).alias("_s"))
    n_regions = pl.col(REGION).n_unique().over(group)
    others = shares.with_columns(
        ((pl.col("_s").sum().over(*group, INDUSTRY) - pl.col("_s")) / (n_regions - 1))
        .alias("_other"), (n_regions - 1).alias("n_others"))
    return (others.group_by(REGION, YEAR)
            .agg(pl.when(pl.col("n_others").first() > 0)
                 .then((pl.col("_s") - pl.col("_other")).abs().sum())
                 .otherwise(None).alias("krugman_others"),
                 pl.col("n_others").first().cast(pl.Int32))
            .sort(REGION, YEAR))


@keeps_frame_kind
def employment_gini(panel: pl.DataFrame | pl.LazyFrame, *,
                    normalised: bool = False) -> pl.DataFrame:
    """Gini of each industry-year's employment across regions (REAT ``gini``; see module).

    ``normalised=True`` multiplies by :math:`n/(n-1)` (REAT's ``coefnorm = TRUE``), so
    that one region holding everything gives 1. Returns ``industry``, ``year``,
    ``employment_gini`` and ``n_regions`` (regions with a known value).
    """
    grid = _complete_grid(_collect(panel))
    n = pl.col(VALUE).is_not_null().sum().cast(pl.Float64)
    gini = _gini(pl.col(VALUE))
    if normalised:
        gini = pl.when(n > 1).then(gini * n / (n - 1)).otherwise(None)
    return (grid.group_by(INDUSTRY, YEAR)
            .agg(gini.alias("employment_gini"), n.cast(pl.Int32).alias("n_regions"))
            .sort(INDUSTRY, YEAR))
