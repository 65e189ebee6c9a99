r"""Emergence signals: everything known about a region-industry pair as of one year.

:func:`emergence_signals` looks at a panel *as of* a year :math:`a` through a window of
:math:`w` years (:math:`s = a - w + 1, \dots, a`) and returns one row per region-industry.
Only years :math:`\le a` are read (no look-ahead: the tests change every value after
``as_of`` and check that nothing moves), so the same signals can be computed at past
origins and backtested (:func:`emerging.detect.backtest`).

Signals (columns; formulas use employment :math:`E_{rit}`):

================================  ==========================================================
``lq``, ``lq_lo``, ``lq_hi``      location quotient in :math:`a` and its interval
                                  (:func:`emerging.location_quotient`, Moineddin et al. 2003)
``lq_distance``                   :math:`1 - LQ_{ri,a}`: how far below 1 (negative: above)
``lq_start``, ``lq_change``       LQ in :math:`s`; :math:`LQ_a - LQ_s`
``lq_slope``, ``lq_slope_se``     log-linear trend of the LQ over the window (per year,
                                  OLS standard error; :func:`emerging.trend_slopes`)
``years_specialised``             years of the window with :math:`LQ \ge 1`
``cagr``, ``ref_cagr``,           annual growth of the pair, of the industry across the
``growth_gap``                    reference regions, and their difference
                                  (:func:`emerging.growth`)
``density``                       relatedness density in :math:`a`, 0-100
                                  (:func:`emerging.relatedness_density`)
``pci``, ``cog``                  the industry's complexity (PCI) and the pair's complexity
                                  outlook gain in :math:`a` (:func:`emerging.opportunity`)
``value``, ``size_percentile``    employment in :math:`a`; its percentile (0-100) among the
                                  regions of the same industry
``neighbours``,                   number of neighbouring regions (in the region set) with a
``neighbours_specialised``        known LQ, and the share of them with :math:`LQ \ge 1`
``national_lq``                   LQ of the region's country (its regions summed) in the
                                  industry, countries of the panel as reference
``industry_regions_change``       change over the window in the number of regions
                                  specialised in the industry (its momentum)
``region_cagr``                   annual growth of the region's total employment
``traded``                        the industry is traded (:mod:`emerging.codes.traded`);
                                  null for codes that are not NACE divisions
``competitive``                   shift-share competitive effect :math:`s \to a`, persons
                                  (:mod:`emerging.detect._dynamics`)
``acceleration``                  change of the log-LQ growth rate between the window's
                                  two halves, per year (:mod:`emerging.detect._dynamics`)
``related_growth``                annual growth of the region's employment in the
                                  industries related to it, proximity-weighted
                                  (:mod:`emerging.detect._dynamics`)
``coop_projects``,                the region's projects in the window, their cross-border
``coop_cross_border_share``,      share, and its country's projects, when
``coop_country_projects``         ``participations`` are given; ``coop_note`` says why
                                  they are null (:mod:`emerging.detect._cooperation`)
================================  ==========================================================

The columns ``start``, ``end``, ``value_start``, ``value_end``, ``lq_start``, ``lq_end``,
``cagr``, ``ref_cagr`` and ``growth_gap`` keep the names read by the transparent rules of
:mod:`emerging.detect.rules`.

A fixed region set. By default only regions with a known, positive total employment in
every year of the window are kept (``fixed_regions=True``): a reference economy that
gains or loses regions from one year to the next moves every LQ and creates crossings
that are artefacts of coverage. The regions left out are counted in ``exclusions``.

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. *Science*, 317(5837), 482-487.
Bahar, D., Hausmann, R. & Hidalgo, C. A. (2014). Neighbors and the evolution of the
comparative advantage of nations. *Journal of International Economics*, 92(1), 111-123.
Delgado, M., Porter, M. E. & Stern, S. (2014). Clusters, convergence, and economic
performance. *Research Policy*, 43(10), 1785-1799 (size floors of cluster mapping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

from emerging._engine import CodedPanel
from emerging._reference import deprecated
from emerging._result import Result
from emerging._schema import (
    INDUSTRY,
    REGION,
    VALUE,
    YEAR,
    Exclusions,
    require_columns,
    validate_panel,
)
from emerging._typing import check_option
from emerging.detect._cells import Cells, column, gather, region_totals
from emerging.detect._cooperation import cooperation_embeddedness
from emerging.detect._dynamics import acceleration, competitive_effect, related_growth
from emerging.indices import location_quotient
from emerging.relatedness import opportunity, proximity
from emerging.trends import growth, trend_slopes

Reference = Literal["all", "country"]
KEY = [REGION, INDUSTRY]


@dataclass(frozen=True, repr=False)
class EmergenceSignals(Result):
    """Result of :func:`emergence_signals`: one row per region-industry in ``table``."""

    _title = "Emergence signals"

    table: pl.DataFrame
    as_of: int
    window: int
    reference: str
    exclusions: Exclusions
    options: dict = field(default_factory=dict, compare=False)

    @property
    def start(self) -> int:
        return self.as_of - self.window + 1

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def summary(self) -> str:
        below = int((self.table["lq"] < 1).sum())
        return (
            f"Emergence signals as of {self.as_of} (window {self.start}-{self.as_of}, "
            f"reference: {self.reference}): {self.table.height:,} region-industries in "
            f"{self.table[REGION].n_unique():,} regions, {below:,} not yet specialised "
            f"(LQ < 1); {self.exclusions}"
        )


def _check_window(frame: pl.DataFrame, as_of: int, window: int) -> None:
    years = sorted(frame[YEAR].unique().to_list())
    if not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a whole number of years >= 1; got {window!r}")
    if as_of not in years:
        raise ValueError(
            f"as_of={as_of} is not a year of the panel; pass a year in {years[0]}-{years[-1]}"
        )
    if as_of - window + 1 < years[0]:
        raise ValueError(
            f"as_of={as_of} is too early for window={window}: the window would start in "
            f"{as_of - window + 1}, before the first year {years[0]}; pass as_of >= "
            f"{years[0] + window - 1} or a shorter window"
        )
    if as_of - window + 1 not in years:
        raise ValueError(
            f"the window's first year {as_of - window + 1} is not in the panel (years "
            f"{years}); pass a window that starts in a year of the panel"
        )


def _percentile_within(col: str, by: str) -> pl.Expr:
    """Percentile rank (0-100, ties averaged) of ``col`` among the rows of the same ``by``."""
    known = pl.col(col).is_not_null()
    n = known.sum().over(by)
    rank = pl.col(col).rank("average").over(by)
    return pl.when(known & (n > 1)).then(100.0 * (rank - 1) / (n - 1))


def _industry_momentum(cells: Cells, lq_rows: np.ndarray, start: int, as_of: int) -> pl.DataFrame:
    """``industry_regions_change`` per industry code: regions with LQ >= 1 in ``as_of``
    minus in ``start`` (null when the industry has no row in one of them)."""
    if start == as_of:
        return pl.DataFrame({"industry_regions_change": np.zeros(cells.n_i, np.int32)})
    spec = lq_rows >= 1  # unknown LQs are not specialised
    counts, seen = [], []
    for year in (start, as_of):
        rows = cells.rows_of(year)
        codes = cells.coded.i[rows]
        counts.append(np.bincount(codes, weights=spec[rows], minlength=cells.n_i))
        seen.append(np.bincount(codes, minlength=cells.n_i) > 0)
    change = np.where(seen[0] & seen[1], counts[1] - counts[0], np.nan)
    return pl.DataFrame([column("industry_regions_change", change).cast(pl.Int32)])


def _region_growth(coded, start: int, as_of: int) -> pl.DataFrame:
    """``region_cagr`` per region code: annual growth of the region's total."""
    if start == as_of:
        return pl.DataFrame({"region_cagr": np.full(len(coded.regions), None)},
                            schema={"region_cagr": pl.Float64})
    totals = region_totals(coded)
    rows = np.bincount(coded.y.astype(np.int64) * len(coded.regions) + coded.r,
                       minlength=totals.size).reshape(totals.shape) > 0
    ends = []
    for year in (start, as_of):
        k = int(np.flatnonzero(coded.years == year)[0])
        ends.append(pl.Series(str(year), totals[k]).set(pl.Series(~rows[k]), None))
    ratio = pl.col(str(as_of)) / pl.col(str(start))
    return pl.DataFrame(ends).select((ratio ** (1 / (as_of - start)) - 1).alias("region_cagr"))


def _national_lq(at_frame: pl.DataFrame) -> pl.DataFrame:
    """``country``, ``industry``, ``national_lq`` from the rows of the year ``as_of``."""
    nations = at_frame.group_by(pl.col(REGION).str.slice(0, 2), INDUSTRY, YEAR).agg(
        pl.col(VALUE).sum())
    lq = location_quotient(nations)
    return lq.select(pl.col(REGION).alias("country"), INDUSTRY, pl.col("lq").alias("national_lq"))


def _neighbour_share(at: pl.DataFrame, neighbours: pl.DataFrame | None) -> pl.DataFrame:
    """``neighbours`` and ``neighbours_specialised`` per pair from a (region, neighbour) table."""
    if neighbours is None:
        return at.select(
            *KEY, pl.lit(None, pl.Int32).alias("neighbours"),
            pl.lit(None, pl.Float64).alias("neighbours_specialised"),
        )
    missing = {REGION, "neighbour"} - set(neighbours.columns)
    if missing:
        raise ValueError(
            f"neighbours needs columns 'region' and 'neighbour' (one row per adjacent pair); "
            f"missing {sorted(missing)}. Build it with emerging.io.gisco.nuts_neighbours(...)"
        )
    spec = at.select(pl.col(REGION).alias("neighbour"), INDUSTRY,
                     (pl.col("lq") >= 1).alias("spec"))
    share = (
        neighbours.select(REGION, "neighbour").unique()
        .join(spec, on="neighbour", how="inner")
        .drop_nulls("spec")
        .group_by(KEY)
        .agg(pl.len().cast(pl.Int32).alias("neighbours"),
             pl.col("spec").mean().alias("neighbours_specialised"))
    )
    return at.select(KEY).join(share, on=KEY, how="left")


def _traded_column(industries: pl.Series, traded: frozenset[str] | None) -> pl.DataFrame:
    from emerging.codes.traded import default_table

    codes = industries.unique()
    if traded is None:
        table = default_table().select(INDUSTRY, "traded")
        return pl.DataFrame({INDUSTRY: codes}).join(table, on=INDUSTRY, how="left")
    return pl.DataFrame({INDUSTRY: codes, "traded": codes.is_in(list(traded))})


def emergence_signals(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: int | None = None,
    window: int | None = None,
    start: int | None = None,
    end: int | None = None,
    reference: Reference = "all",
    base: Reference | None = None,
    neighbours: pl.DataFrame | None = None,
    traded: frozenset[str] | None = None,
    fixed_regions: bool = True,
    level: float = 0.95,
    participations: pl.DataFrame | pl.LazyFrame | None = None,
) -> EmergenceSignals:
    """Every emergence signal of every region-industry as of ``as_of`` (module docstring).

    Parameters
    ----------
    panel
        Panel of employment of one NUTS level (``region``, ``industry``, ``year``,
        ``value``).
    as_of, window
        The year the signals describe and the number of years they look back over
        (``window=5``: ``as_of - 4`` to ``as_of``). Years after ``as_of`` are never read.
    start, end
        The same window given by its first and last year (``as_of = end``,
        ``window = end - start + 1``), as descriptive functions name it.
    reference
        Reference economy of LQs and reference growth: ``"all"`` regions of the set or
        each region's ``"country"``. ``base=`` is the deprecated spelling (it warns).
    neighbours
        Adjacency table (``region``, ``neighbour``; one row per ordered adjacent pair),
        e.g. :func:`emerging.io.gisco.nuts_neighbours`; without it the neighbour signals
        are null.
    traded
        Codes of the traded industries (default: the shipped table of
        :func:`emerging.codes.traded.traded_industries`).
    fixed_regions
        Keep only regions with a known positive total in every year of the window.
    level
        Confidence level of the LQ interval.
    participations
        Project participations (the contract's Participations table, e.g. CORDIS or
        keep.eu); projects that started in the window give the ``coop_`` columns.

    Returns
    -------
    EmergenceSignals
        ``table`` with the columns of the module docstring, plus ``as_of``, ``window``,
        ``start``, ``end``, ``value_end`` (= ``value``), ``lq_end`` (= ``lq``), ``country``
        and ``signal_note`` (why the LQ or the growth is null).
    """
    if base is not None:
        deprecated(f"base={base!r}", f"reference={base!r}")
        reference = base
    check_option("reference", reference, ("all", "country"))
    if as_of is None and end is None:
        raise ValueError("pass as_of (and window), e.g. as_of=2014, window=5")
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValueError("start and end go together; or pass as_of and window")
        if not start < end:
            raise ValueError(f"start must be before end; got start={start}, end={end}")
        as_of, window = end, end - start + 1
    window = 5 if window is None else window
    require_columns(panel, [REGION, INDUSTRY, YEAR, VALUE], what="panel")
    years = panel.lazy().select(pl.col(YEAR).unique()).collect()
    _check_window(years, as_of, window)
    first = as_of - window + 1
    # only the window is read (and validated): nothing after as_of can move a signal
    frame = panel.lazy().filter(pl.col(YEAR).is_between(first, as_of)).select(
        REGION, INDUSTRY, YEAR, VALUE).collect()
    # duplicate keys are caught on integer codes by location_quotient below (the string
    # group-by of the full check is the slowest step on big panels)
    frame = validate_panel(frame, check_duplicates=False)
    counts: dict[str, int] = {}
    coded = CodedPanel.from_panel(frame)
    if fixed_regions:
        kept = (region_totals(coded) > 0).all(axis=0)
        dropped = int(len(kept) - kept.sum())
        rows_before = frame.height
        if dropped:
            frame = frame.filter(pl.Series(kept[coded.r]))
            coded = CodedPanel.from_panel(frame) if frame.height else coded
        counts[f"rows of {dropped:,} regions without a known total in every year "
               f"{first}-{as_of}"] = rows_before - frame.height
    if frame.is_empty():
        raise ValueError(f"no region has a known total in every year {first}-{as_of}; "
                         "pass fixed_regions=False or a shorter window")
    frame = coded.frame
    cells = Cells(coded)
    lq = location_quotient(coded, reference=reference, level=level)
    lq_rows = lq["lq"].fill_null(np.nan).to_numpy()
    at_rows = cells.rows_of(as_of)
    at_rows = at_rows[np.argsort(cells.cell[at_rows], kind="stable")]  # sorted by key
    at_cell = cells.cell[at_rows]
    size = cells.n_r * cells.n_i

    def by_pair(sub: pl.DataFrame) -> pl.DataFrame:
        return gather(sub.drop(KEY), cells.pair_codes(sub), size, at_cell)

    table = lq.select(*KEY, VALUE, "lq", "lq_lo", "lq_hi", "lq_reason")[pl.Series(at_rows)]
    del lq  # the LQ rows of the whole window are not needed any more (memory)
    at_i = coded.i[at_rows].astype(np.int64)
    at_r = coded.r[at_rows].astype(np.int64)
    parts = [
        column("value_start", cells.at_year(coded.value, first)[at_cell]),
        column("lq_start", cells.at_year(lq_rows, first)[at_cell]),
        pl.Series("years_specialised", cells.per_cell_sum(lq_rows >= 1)[at_cell]
                  ).cast(pl.Int32),
    ]
    table = table.with_columns(parts)
    if frame[YEAR].n_unique() >= 3:
        slopes = trend_slopes(
            coded, measure="lq", se="ols", reference=reference, acceleration=False,
            inference=False, min_obs=3,
        ).table.select(*KEY, pl.col("slope").alias("lq_slope"), pl.col("se").alias("lq_slope_se"))
        table = pl.concat([table, by_pair(slopes)], how="horizontal")
    else:
        table = table.with_columns(lq_slope=pl.lit(None, pl.Float64),
                                   lq_slope_se=pl.lit(None, pl.Float64))
    if window >= 2:
        rates = growth(frame, start=first, end=as_of, reference=reference).select(
            *KEY, pl.col("cagr").fill_nan(None), pl.col("ref_cagr").fill_nan(None),
            pl.col("cagr_vs_ref").fill_nan(None).alias("growth_gap"),
            pl.col("reason").alias("growth_reason"),
        )
        table = pl.concat([table, by_pair(rates)], how="horizontal")
    else:
        table = table.with_columns(
            *(pl.lit(None, pl.Float64).alias(c) for c in ("cagr", "ref_cagr", "growth_gap")),
            growth_reason=pl.lit("window of one year", pl.String),
        )
    at_frame = frame.filter(pl.col(YEAR) == as_of)
    # opportunity() computes its own proximity faster than it reads a given pair frame
    dens = opportunity(at_frame).select(*KEY, "density", "pci", "cog")
    phi = proximity(at_frame)
    neigh = _neighbour_share(table, neighbours)
    momentum = _industry_momentum(cells, lq_rows, first, as_of)
    regional = _region_growth(coded, first, as_of)
    countries = coded.regions.str.slice(0, 2)
    country_labels = countries.unique().sort()
    country_of_region = cells.codes(country_labels, countries)
    national = _national_lq(at_frame)
    traded_table = _traded_column(coded.industries, traded)
    coop = cooperation_embeddedness(participations, coded.regions, first, as_of)
    n_i = cells.n_i
    table = pl.concat([
        table,
        by_pair(dens),
        by_pair(neigh),
        momentum[pl.Series(at_i)],
        regional[pl.Series(at_r)],
        pl.DataFrame({"country": countries[pl.Series(at_r)]}),
        gather(national.select("national_lq"),
               cells.codes(country_labels, national["country"]) * n_i
               + cells.codes(coded.industries, national[INDUSTRY]),
               len(country_labels) * n_i, country_of_region[at_r] * n_i + at_i),
        gather(traded_table.select("traded"), cells.codes(coded.industries, traded_table[INDUSTRY]),
               n_i, at_i),
        by_pair(competitive_effect(frame, first, as_of, reference)),
        pl.DataFrame([column("acceleration", acceleration(cells, lq_rows, first, as_of)[at_cell])]),
        pl.DataFrame([column("related_growth", related_growth(cells, first, as_of, phi)[at_cell])]),
        gather(coop.drop(REGION), cells.codes(coded.regions, coop[REGION]), cells.n_r, at_r),
    ], how="horizontal")
    table = table.with_columns(
        pl.lit(as_of, pl.Int32).alias("as_of"),
        pl.lit(window, pl.Int32).alias("window"),
        pl.lit(first, pl.Int32).alias("start"),
        pl.lit(as_of, pl.Int32).alias("end"),
        (1.0 - pl.col("lq")).alias("lq_distance"),
        (pl.col("lq") - pl.col("lq_start")).alias("lq_change"),
        _percentile_within(VALUE, INDUSTRY).alias("size_percentile"),
        pl.col(VALUE).alias("value_end"),
        pl.col("lq").alias("lq_end"),
        pl.coalesce("lq_reason", "growth_reason").alias("signal_note"),
    ).select(
        REGION, INDUSTRY, "country", "as_of", "window", "start", "end",
        VALUE, "value_start", "value_end", "size_percentile",
        "lq", "lq_lo", "lq_hi", "lq_distance", "lq_start", "lq_end", "lq_change",
        "lq_slope", "lq_slope_se", "years_specialised",
        "cagr", "ref_cagr", "growth_gap", "density", "pci", "cog",
        "neighbours", "neighbours_specialised", "national_lq",
        "industry_regions_change", "region_cagr", "traded", "signal_note",
        "competitive", "acceleration", "related_growth",
        "coop_projects", "coop_cross_border_share", "coop_country_projects", "coop_note",
    )
    options = {"reference": reference, "neighbours": neighbours, "traded": traded,
               "fixed_regions": fixed_regions, "level": level,
               "participations": participations}
    return EmergenceSignals(table, as_of=as_of, window=window, reference=reference,
                            exclusions=Exclusions(counts), options=options)
