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

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import polars as pl

from emerging._engine import CodedPanel
from emerging._reference import (
    REFERENCES,
    Regions,
    deprecated,
    lq,
    lq_cube,
    reference_totals,
    resolve_reference,
)
from emerging._result import Result
from emerging._schema import (
    INDUSTRY,
    REGION,
    VALUE,
    YEAR,
    CodesNormalisedWarning,
    Exclusions,
    MixedLevelError,
    SchemaError,
    check_industry_levels,
    check_region_codes,
    check_single_level,
    normalise_codes,
    require_columns,
    validate_panel,
)
from emerging._typing import check_option
from emerging.detect._cells import (
    Cells,
    column,
    gather,
    percentile_by_column,
    region_totals,
    rows_in_years,
    sub_panel,
    window_in_cube_order,
)
from emerging.detect._cooperation import cooperation_embeddedness
from emerging.detect._dynamics import acceleration, competitive_effect, related_growth
from emerging.indices import location_quotient
from emerging.relatedness._complexity import complexity_arrays
from emerging.relatedness._opportunity import outlook_arrays
from emerging.relatedness._orientation import WEAK as WEAK_ORIENTATION
from emerging.relatedness._proximity import proximity_arrays
from emerging.relatedness.density import density_matrix
from emerging.relatedness.matrices import PanelMatrices, single_threaded_blas
from emerging.trends._growth import growth_arrays
from emerging.trends._series import measure_cube
from emerging.trends._window import balanced_window, economy_label, trend_economy
from emerging.trends.slopes import SlopeOptions, _fit_blocks, _split_year

Reference = Literal["all", "country", "set"]
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
    #: What a reader of the signals should know beyond the rows left out (e.g. that the
    #: sign of ``pci`` is weakly determined in this data), one sentence each.
    notes: tuple[str, ...] = ()

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
            + "".join(f"\nNote: {note}" for note in self.notes)
        )


def _check_window(years: list[int], as_of: int, window: int) -> None:
    years = sorted(years)
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


def _coded_one_level(frame: pl.DataFrame) -> CodedPanel:
    """The frame coded, with the contract's one-NUTS-level and one-NACE-level checks run on
    the distinct codes (the engine checks the regions); when the regions mix levels the
    full check runs for its message with row counts."""
    try:
        coded = CodedPanel.from_panel(frame)
    except MixedLevelError:
        check_single_level(frame)
        raise
    check_industry_levels(pl.DataFrame({INDUSTRY: coded.industries}))
    return coded


def _industry_momentum(cells: Cells, lqs: np.ndarray, start: int, as_of: int) -> pl.DataFrame:
    """``industry_regions_change`` per industry code: regions with LQ >= 1 in ``as_of``
    minus in ``start`` (null when the industry has no row in one of them)."""
    if start == as_of:
        return pl.DataFrame({"industry_regions_change": np.zeros(cells.n_i, np.int32)})
    counts, seen = [], []
    for year in (start, as_of):
        # an unknown LQ, or a cell without a row (LQ 0 or unknown), is not specialised
        counts.append((lqs[cells.coded.year_index(year)] >= 1).sum(axis=0))
        seen.append(np.bincount(cells.coded.i[cells.rows_of(year)], minlength=cells.n_i) > 0)
    change = np.where(seen[0] & seen[1], counts[1] - counts[0], np.nan)
    return pl.DataFrame([column("industry_regions_change", change).cast(pl.Int32)])


def _region_growth(coded, start: int, as_of: int) -> pl.DataFrame:
    """``region_cagr`` per region code: annual growth of the region's total."""
    if start == as_of:
        return pl.DataFrame({"region_cagr": np.full(len(coded.regions), None)},
                            schema={"region_cagr": pl.Float64})
    totals = region_totals(coded)
    rows = coded.reported  # (year, region): the region has a row
    ends = []
    for year in (start, as_of):
        k = int(np.flatnonzero(coded.years == year)[0])
        ends.append(pl.Series(str(year), totals[k]).set(pl.Series(~rows[k]), None))
    ratio = pl.col(str(as_of)) / pl.col(str(start))
    return pl.DataFrame(ends).select((ratio ** (1 / (as_of - start)) - 1).alias("region_cagr"))


def _national_lq(cells: Cells, as_of: int) -> np.ndarray:
    """``national_lq`` per cell: the LQ of the region's country (its regions summed, an
    unknown value counted as none) in the industry in ``as_of``, the countries of the
    panel as reference; NaN where undefined (a country or industry without employment)."""
    coded = cells.coded
    value = coded.cube[coded.year_index(as_of)]  # unknown and absent as 0
    countries = resolve_reference(coded, "country")
    nations = reference_totals(value.reshape(1, cells.n_r, cells.n_i), countries)[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = lq(nations, nations.sum(axis=1, keepdims=True), nations.sum(axis=0),
                 nations.sum())
    out[~np.isfinite(out)] = np.nan
    return out[countries.group].reshape(-1)


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
    regions: Regions = None,
    base: Literal["all", "country"] | None = None,
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
        ``value``). A DataFrame is coded as a whole (the coding that the other functions
        called on the same frame share) and the window sliced from it; when rows the
        window does not read would fail the contract's checks, or for a LazyFrame, only
        the window's rows are collected, checked and coded.
    as_of, window
        The year the signals describe and the number of years they look back over
        (``window=5``: ``as_of - 4`` to ``as_of``). Years after ``as_of`` are never read.
    start, end
        The same window given by its first and last year (``as_of = end``,
        ``window = end - start + 1``), as descriptive functions name it.
    reference, regions
        Reference economy of the LQs, trends, reference growth and competitive effect
        (:mod:`emerging._reference`): ``"all"`` regions of the panel, each region's
        ``"country"``, or a ``"set"`` named by ``regions`` (a region-set name such as
        ``"central_europe_2021_2027"`` or a list of codes; every region of the panel is
        compared with the set). ``base=`` is the deprecated spelling of ``reference``
        (it warns). The national LQ always compares the countries of the panel.
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
    reference = _reference_option(reference, regions, base)
    as_of, window = _window_option(as_of, window, start, end)
    coded, counts = _coded_window(panel, as_of, window, fixed_regions)
    first = as_of - window + 1
    cells = Cells(coded)
    economy = trend_economy(coded, reference, regions)
    pairs = _Pairs(cells, cells.rows_by_cell(as_of), first, as_of)  # sorted by key
    # the LQ of every cell of the window, (year, region, industry); cached on the coded
    # window, where trend_slopes reads it too
    lqs = lq_cube(coded, economy)
    table = _level_signals(pairs, lqs, reference, regions, level)
    table = pl.concat([
        table,
        _trend_signals(pairs, reference, regions),
        _change_signals(pairs, economy, label=economy_label(economy, regions)),
    ], how="horizontal")
    context, notes = _context_signals(pairs, table, lqs, neighbours=neighbours, traded=traded,
                                      participations=participations)
    table = pl.concat([table, context], how="horizontal")
    options = {"reference": reference, "regions": regions, "neighbours": neighbours,
               "traded": traded, "fixed_regions": fixed_regions, "level": level,
               "participations": participations}
    # among the pairs of the same industry: one sort per industry of the region values
    sizes = np.full(cells.n_r * cells.n_i, np.nan)
    sizes[pairs.cell] = pairs.year_panel.value
    table = table.with_columns(pairs.at_cells(
        "size_percentile", percentile_by_column(sizes.reshape(cells.n_r, cells.n_i))))
    return EmergenceSignals(_finish(table, as_of, window, first), as_of=as_of, window=window,
                            reference=reference, exclusions=Exclusions(counts),
                            options=options, notes=notes)


def _reference_option(reference, regions, base) -> str:
    """``reference`` checked (``base=`` translated, with its warning)."""
    if base is not None:
        deprecated(f"base={base!r}", f"reference={base!r}")
        reference = base
    check_option("reference", reference, REFERENCES)
    if reference == "set" and regions is None:
        raise ValueError("reference='set' needs regions=: a region-set name such as "
                         "'central_europe_2021_2027' or a list of NUTS codes")
    if reference != "set" and regions is not None:
        raise ValueError(f"regions= is only used with reference='set'; got reference="
                         f"{reference!r}. Pass reference='set', regions=...")
    return reference


def _window_option(as_of, window, start, end) -> tuple[int, int]:
    """``(as_of, window)`` from either spelling of the window."""
    if as_of is None and end is None:
        raise ValueError("pass as_of (and window), e.g. as_of=2014, window=5")
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValueError("start and end go together; or pass as_of and window")
        if not start < end:
            raise ValueError(f"start must be before end; got start={start}, end={end}")
        as_of, window = end, end - start + 1
    return as_of, 5 if window is None else window


def _coded_window(panel, as_of: int, window: int,
                  fixed_regions: bool) -> tuple[CodedPanel, dict[str, int]]:
    """The window's rows validated and coded once, on the fixed region set; the rows left
    out counted.

    A DataFrame is coded as a whole (:meth:`CodedPanel.from_panel`, whose coding the other
    functions called on the same frame share) and the window's rows are sliced from its
    arrays; only their values are read and checked. A LazyFrame, or a frame whose window
    the contract's full check would change or refuse (codes to normalise, aggregates,
    non-finite values), has only its window's rows collected and validated."""
    source = panel.frame if isinstance(panel, CodedPanel) else panel
    require_columns(source, [REGION, INDUSTRY, YEAR, VALUE], what="panel")
    first = as_of - window + 1
    whole = _coded_whole(panel)
    if whole is not None:
        _check_window(whole.years.tolist(), as_of, window)
        coded = window_in_cube_order(whole, first, as_of)  # every cell has a row: no gather
        if coded is None:
            coded = sub_panel(whole, rows_in_years(whole, first, as_of), frame=False)
    else:
        panel = source
        years = panel.lazy().select(pl.col(YEAR).unique()).collect()[YEAR]
        _check_window(years.to_list(), as_of, window)
        # only the window is read (and validated): nothing after as_of can move a signal
        frame = panel.lazy().filter(pl.col(YEAR).is_between(first, as_of)).select(
            REGION, INDUSTRY, YEAR, VALUE).collect()
        # duplicate keys are caught on integer codes by the engine's coding (the string
        # group-by of the full check is the slowest step on big panels)
        frame = validate_panel(frame, check_duplicates=False, allow_mixed_levels=True)
        coded = _coded_one_level(frame)
    counts: dict[str, int] = {}
    if fixed_regions:
        kept = (region_totals(coded) > 0).all(axis=0)
        dropped = int(len(kept) - kept.sum())
        rows_before = len(coded.value)
        if dropped:
            rows = np.flatnonzero(kept[coded.r])
            coded = sub_panel(coded, rows, frame=False) if rows.size else coded
            rows_after = rows.size
        else:
            rows_after = rows_before
        counts[f"rows of {dropped:,} regions without a known total in every year "
               f"{first}-{as_of}"] = rows_before - rows_after
        if not rows_after:
            raise ValueError(f"no region has a known total in every year {first}-{as_of}; "
                             "pass fixed_regions=False or a shorter window")
    return coded, counts


def _coded_whole(panel) -> CodedPanel | None:
    """A DataFrame coded as a whole (a CodedPanel as it is), when the contract's full
    check of its rows would neither change nor refuse them beyond what the coding checks
    (the codes are clean, no aggregate regions, every value finite or null); otherwise
    None."""
    if not isinstance(panel, pl.DataFrame | CodedPanel):
        return None
    try:
        coded = _coded_one_level(panel)
    except SchemaError:  # perhaps outside the window, which the window's own check tells
        return None
    labels = [pl.DataFrame({REGION: coded.regions}), pl.DataFrame({INDUSTRY: coded.industries})]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CodesNormalisedWarning)
        if not all(normalise_codes(f).equals(f) for f in labels):
            return None
    try:
        check_region_codes(labels[0])
    except SchemaError:
        return None
    # an inf or NaN anywhere, or a total that overflows, makes the sum non-finite
    total = coded.frame[VALUE].sum()
    return coded if total is None or np.isfinite(total) else None


@dataclass(frozen=True)
class _Pairs:
    """The pairs of the signals (the rows of ``as_of``, sorted by key) and their codes."""

    cells: Cells
    rows: np.ndarray
    first: int
    as_of: int

    @property
    def coded(self) -> CodedPanel:
        return self.cells.coded

    @cached_property
    def cell(self) -> np.ndarray:
        return self.region * self.cells.n_i + self.industry

    @cached_property
    def region(self) -> np.ndarray:
        return self.coded.r[self.rows].astype(np.int64)

    @cached_property
    def industry(self) -> np.ndarray:
        return self.coded.i[self.rows].astype(np.int64)

    @cached_property
    def year_panel(self) -> CodedPanel:
        """The rows of ``as_of`` in key order as a coded panel with a frame, with every
        label of the window (the LQ of a year then has the bits of the window's LQ)."""
        return sub_panel(self.coded, self.rows, frame=True, keep_labels=True)

    @cached_property
    def year_panel_own_labels(self) -> CodedPanel:
        """:attr:`year_panel` with only the regions and industries that have a row in
        ``as_of`` (what coding the year's rows gives)."""
        every = (np.bincount(self.region, minlength=self.cells.n_r).all()
                 and np.bincount(self.industry, minlength=self.cells.n_i).all())
        return self.year_panel if every else sub_panel(self.coded, self.rows, frame=True)

    def by_pair(self, sub: pl.DataFrame) -> pl.DataFrame:
        """A frame keyed by region and industry, aligned with the pairs (left join)."""
        keys = self.year_panel.frame
        if (sub.height == keys.height and sub[REGION].equals(keys[REGION])
                and sub[INDUSTRY].equals(keys[INDUSTRY])):
            return sub.drop(KEY)  # in the pairs' order already
        return gather(sub.drop(KEY), self.cells.pair_codes(sub),
                      self.cells.n_r * self.cells.n_i, self.cell)

    @cached_property
    def every_cell(self) -> bool:
        """The pairs are every cell, in cell order (a complete year)."""
        return len(self.rows) == self.cells.n_r * self.cells.n_i

    def at_cells(self, name: str, per_cell: np.ndarray, dtype=pl.Float64, *,
                 per_pair: bool = False) -> pl.Series:
        """A ``(region, industry)`` array (or one value per cell) at the pairs (with
        ``per_pair``, one value per pair already)."""
        flat = np.asarray(per_cell).reshape(-1)
        return column(name, flat if per_pair or self.every_cell else flat[self.cell], dtype)


def _level_signals(pairs: _Pairs, lqs: np.ndarray, reference: str, regions: Regions,
                   level: float) -> pl.DataFrame:
    """Keys, value, the LQ with its interval and reason in ``as_of`` (the year's rows
    only), the LQ at the start and the years specialised (from the window's LQ cube)."""
    coded, cells = pairs.coded, pairs.cells
    table = location_quotient(pairs.year_panel, reference=reference, regions=regions,
                              level=level).select(*KEY, VALUE, "lq", "lq_lo", "lq_hi",
                                                  "lq_reason")
    k = coded.year_index(pairs.first)
    start = np.where(coded.has_row_in(np.array([k]))[0], lqs[k], np.nan)  # no row: unknown
    return table.with_columns(
        pairs.at_cells("value_start", cells.at_year(coded.value, pairs.first)),
        pairs.at_cells("lq_start", start),
        pairs.at_cells("years_specialised", (lqs >= 1).sum(axis=0), pl.Int32),
    )


def _trend_signals(pairs: _Pairs, reference: str, regions: Regions) -> pl.DataFrame:
    """``lq_slope`` and ``lq_slope_se``: the log-linear trend of the LQ over the window
    (the fit of :func:`emerging.trends.trend_slopes` with ``measure="lq"``, ``se="ols"``,
    no acceleration and no inference; its arrays are read per cell, not its table)."""
    if len(pairs.coded.years) < 3:  # years of the window with rows
        return pl.DataFrame({"lq_slope": [None] * len(pairs.rows),
                             "lq_slope_se": [None] * len(pairs.rows)},
                            schema={"lq_slope": pl.Float64, "lq_slope_se": pl.Float64})
    opts = SlopeOptions(measure="lq", se="ols", acceleration=False, inference=False,
                        min_obs=3)
    c = measure_cube(pairs.coded, measure="lq", start=None, end=None, zeros=opts.zeros,
                     reference=reference, regions=regions)
    cols = _fit_blocks(c, _split_year(c.years, opts.split), opts)
    # a pair of the signals has a row in the window, so a series of the trends' table
    return pl.DataFrame([pairs.at_cells("lq_slope", cols["slope"]),
                         pairs.at_cells("lq_slope_se", cols["se"])])


def _change_signals(pairs: _Pairs, economy, *, label: str) -> pl.DataFrame:
    """Growth against the reference (:func:`emerging.trends.growth`) and the shift-share
    competitive effect, computed on the coded window (no second coding)."""
    first, as_of, n = pairs.first, pairs.as_of, len(pairs.rows)
    if first == as_of:
        return pl.DataFrame(
            {**{c: [None] * n for c in ("cagr", "ref_cagr", "growth_gap", "competitive")},
             "growth_reason": ["window of one year"] * n},
            schema={"cagr": pl.Float64, "ref_cagr": pl.Float64, "growth_gap": pl.Float64,
                    "competitive": pl.Float64, "growth_reason": pl.String})
    # one balanced two-year window (absent rows as zeros) serves growth and shift-share
    window = balanced_window(pairs.coded, pairs.coded.window(first, as_of, every_year=False),
                             economy, label=label)
    _, rates = growth_arrays(pairs.coded, first, as_of, economy, label=label, window=window)
    reason = rates["reason"].reshape(-1)[pairs.cell]
    return pl.DataFrame([
        pairs.at_cells("cagr", rates["cagr"]),
        pairs.at_cells("ref_cagr", rates["ref_cagr"]),
        pairs.at_cells("growth_gap", rates["cagr_vs_ref"]),
        pl.Series("growth_reason", reason.tolist(), dtype=pl.String),
        pairs.at_cells("competitive", competitive_effect(pairs.coded, first, as_of, economy,
                                                         label=label, window=window)),
    ])


def _context_signals(pairs: _Pairs, table: pl.DataFrame, lqs: np.ndarray, *,
                     neighbours, traded, participations) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Relatedness, complexity, neighbours, country, momentum, region growth, traded,
    acceleration, related growth and co-operation, aligned with the pairs; and the notes
    of the result (:data:`ORIENTATION_NOTE` when the PCI's sign is weakly determined)."""
    coded, cells, first, as_of = pairs.coded, pairs.cells, pairs.first, pairs.as_of
    relatedness, phi, orientation = _relatedness_signals(pairs)
    # BLAS on every thread here, as before (its products' bits depend on the threads)
    growth_related = related_growth(cells, first, as_of, phi,
                                    pairs.year_panel_own_labels.industries)
    notes = () if orientation is None else (
        ORIENTATION_NOTE.format(year=as_of, corr=orientation, weak=WEAK_ORIENTATION),)
    traded_table = _traded_column(coded.industries, traded)
    coop = cooperation_embeddedness(participations, coded.regions, first, as_of)
    return pl.concat([
        relatedness,
        pairs.by_pair(_neighbour_share(table.select(*KEY, "lq"), neighbours)),
        _industry_momentum(cells, lqs, first, as_of)[pl.Series(pairs.industry)],
        _region_growth(coded, first, as_of)[pl.Series(pairs.region)],
        pl.DataFrame({"country": coded.regions.str.slice(0, 2)[pl.Series(pairs.region)]}),
        pl.DataFrame([pairs.at_cells("national_lq", _national_lq(cells, as_of))]),
        gather(traded_table.select("traded"),
               cells.codes(coded.industries, traded_table[INDUSTRY]), cells.n_i,
               pairs.industry),
        pl.DataFrame([pairs.at_cells("acceleration", acceleration(cells, lqs, first, as_of)),
                      pairs.at_cells("related_growth", growth_related)]),
        gather(coop.drop(REGION), cells.codes(coded.regions, coop[REGION]), cells.n_r,
               pairs.region),
    ], how="horizontal"), notes


#: The note of a weakly oriented PCI (:mod:`emerging.relatedness._orientation`). It is an
#: expected property of some data (Eurostat SBS NUTS-2 x divisions: about 0.2), and only
#: the context columns ``pci`` and ``cog`` depend on the sign, so the signals record it
#: once instead of warning on every call (the backtest computes many origins).
ORIENTATION_NOTE = (
    "the sign of pci (and so of cog) is weakly determined in {year}: the correlation of "
    "ECI with diversity that fixes it is {corr:+.2f}, below {weak} in absolute value, so "
    "the index mostly sorts regions and industries along another contrast of the data and "
    "a high pci need not mean a rare or complex industry (see "
    "emerging.relatedness.complexity, whose orient='ubiquity' gives the other reading). "
    "No score or class of emerging.detect reads pci or cog; they are context only."
)


@single_threaded_blas  # as opportunity(): the same products, the same bits
def _relatedness_signals(pairs: _Pairs) -> tuple[pl.DataFrame, np.ndarray, float | None]:
    """``density``, ``pci`` and ``cog`` at the pairs (what
    :func:`emerging.relatedness.opportunity` gives for the year's rows), the proximity
    ``[i, j]`` over the year's industries, and the correlation that fixed the PCI's
    sign when it is weak (what opportunity() warns about; None when it is firm).

    The year's rows (sliced, not coded again) are computed on as arrays, in the steps of
    opportunity() (presence, proximity, density, complexity, outlook), and the arrays read
    at the pairs' cells: no frame of the year's rows and no alignment on strings."""
    cells = pairs.cells
    at_year = pairs.year_panel_own_labels  # codes of the year's own labels
    pm = PanelMatrices(at_year)
    m = pm.presence(threshold=1.0)
    phi = proximity_arrays(pm, presence=m)["proximity"]
    density = density_matrix(m, phi)
    comp = complexity_arrays(m, method="eigenvector", orient_by="diversity")
    _, cog = outlook_arrays(m, phi, density, comp["pci"])
    density, pci, cog = density[0], comp["pci"][0], cog[0]
    if at_year is not pairs.year_panel:  # on the window's codes (a left join)
        rows = cells.codes(pairs.coded.regions, at_year.regions)
        cols = cells.codes(pairs.coded.industries, at_year.industries)
        grids = []
        for small in (density, cog):
            grid = np.full((cells.n_r, cells.n_i), np.nan)
            grid[np.ix_(rows, cols)] = small
            grids.append(grid)
        density, cog = grids
        pci = np.full(cells.n_i, np.nan)
        pci[cols] = comp["pci"][0]
    frame = pl.DataFrame([
        pairs.at_cells("density", density),
        column("pci", pci[pairs.industry]),
        pairs.at_cells("cog", cog),
    ])
    corr = float(comp["orientation_corr"][0])
    weak = corr if abs(corr) < WEAK_ORIENTATION else None  # NaN: nothing to judge
    return frame, phi[0], weak


def _finish(table: pl.DataFrame, as_of: int, window: int, first: int) -> pl.DataFrame:
    """The derived columns, in the documented order."""
    return table.with_columns(
        pl.lit(as_of, pl.Int32).alias("as_of"),
        pl.lit(window, pl.Int32).alias("window"),
        pl.lit(first, pl.Int32).alias("start"),
        pl.lit(as_of, pl.Int32).alias("end"),
        (1.0 - pl.col("lq")).alias("lq_distance"),
        (pl.col("lq") - pl.col("lq_start")).alias("lq_change"),
        pl.col(VALUE).alias("value_end"),
        pl.col("lq").alias("lq_end"),
        pl.coalesce("lq_reason", "growth_reason").alias("signal_note"),
    ).select(COLUMNS)


#: The columns of the signals table, in order (module docstring).
COLUMNS = (
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
