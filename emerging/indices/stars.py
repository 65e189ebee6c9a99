r"""Cluster stars: European Cluster Observatory stars and US Cluster Mapping ratings.

Every region-category-year of a panel (categories are the panel's ``industry`` codes:
NACE divisions or cluster categories) is rated against a **reference group** of regions
chosen by the user: all regions of the panel, a named set from
:func:`emerging.codes.nuts.region_set` (e.g. ``"central_europe_2014_2020"``) or any
collection of codes. Thresholds and LQ denominators come from the reference group only;
every region of the panel, inside or outside the group, is rated against them.

European Cluster Observatory (ECO) stars (Sölvell, Ketels & Lindqvist 2009; Ketels &
Sölvell 2006), one each:

=================  ==========================================  ===============================
star               value                                       given when
=================  ==========================================  ===============================
``size``           employment :math:`E_{ri}`                   value >= the size cut-off: the
                                                               k-th largest employment among
                                                               the reference regions, k =
                                                               ceil(10 % of those with a
                                                               known value), and value > 0
``specialisation`` :math:`LQ_{ri}` against the reference group value >= 2
``focus``          :math:`E_{ri}/E_r`, share of the region's   value >= the k-th largest share
                   employment                                  (same k rule, top 10 %), > 0
=================  ==========================================  ===============================

US Cluster Mapping ratings (``qualifying``, ``significant``, ``strong``, ``strong10``)
follow the platform's own code (``cluster_calcs_reducer.js`` of ``clustermapping/cmp``;
rules and quantile method in :mod:`emerging.indices._us_ratings`): per category and year,
linear-interpolation quantiles of LQ, employment and establishments over the reference
regions with employment > 0; ``qualifying`` = LQ > its 25th percentile, ``significant``
= LQ > its median, ``strong`` = LQ >= its 75th percentile and LQ >= 1, ``strong10`` =
LQ >= its 90th percentile and LQ >= 1, each with employment and establishments above
their 25th percentiles (strict). Only traded categories are rated (``traded=``); a local
category gets null ratings and ``star_reason = "local category: no US rating"``. Without
establishment counts the establishment floor is left out and ``star_reason`` says so
(``"establishment floor not applied: no establishments given"``, or ``"...:
establishments unknown"`` for a confidential count). An earlier reading of this package
(LQ >= 1, employment >= median, top quartiles among those) had no published source and
was dropped for the platform's rules.

For the ECO stars, "top q" means: value >= the k-th largest known value among the
reference regions with k = ceil(q * n); ties at the cut-off all pass.

A region-category whose employment is null (confidential) gets null ratings and
``star_reason = "confidential"``; a region with zero known employment gets ``"zero
region total"``. A category with zero known employment
in the whole reference group in a year gets ``"zero industry total in reference"`` on all
its rows: the LQ is undefined (division by zero), so ``specialisation``, ``eco_stars`` and
the US ratings are null, and ``size`` and ``focus`` are not given (False): their cut-offs
are 0 because no reference region has any employment, and being in the top 10 % of a
group that has none is no evidence of size or focus.

References
----------
Ketels, C. & Sölvell, Ö. (2006). *Innovation Clusters in the 10 New Member States of the
European Union*. Europe INNOVA Paper No. 1, European Commission.
Sölvell, Ö., Ketels, C. & Lindqvist, G. (2009). *The European Cluster Observatory: EU
Cluster Mapping and Strengthening Clusters in Europe*. Europe INNOVA Paper No. 12.
US Cluster Mapping Project, Harvard Business School: ``data/processing/
cluster_calcs_reducer.js`` in the public repository ``clustermapping/cmp``.
Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries.
*Journal of Economic Geography*, 16(1), 1-38.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from emerging._reference import (
    ReferenceLike,
    Regions,
    is_frame,
    legacy_reference,
    lq,
    lq_factors,
    lq_years,
    resolve_reference,
)
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR
from emerging.indices._coded import (
    ROW_BLOCK,
    CodedPanel,
    check_fraction,
    flat_index_into,
    float_column,
    gather_into,
    map_row_blocks,
    map_years,
    reason_column,
)
from emerging.indices._us_ratings import (
    LQ_CUTS,
    US_RATINGS,
    UsRules,
    _rating_and_reason,
    interpolated,
    linear_quantiles,
    lq_quantiles,
    order_statistics,
    ranked_values,
    us_cutoffs,
    us_flags,
)

ECO_STARS = ("size", "specialisation", "focus")
_REASONS = ("confidential", "zero region total", "zero industry total in reference",
            "local category: no US rating",
            "establishment floor not applied: no establishments given",
            "establishment floor not applied: establishments unknown")


@dataclass(frozen=True)
class EcoRules:
    """Thresholds of the European Cluster Observatory stars (defaults: the ECO's)."""

    size_top: float = 0.10
    specialisation_lq: float = 2.0
    focus_top: float = 0.10


DEFAULT_ECO = EcoRules()
DEFAULT_US = UsRules()


def _stars_economy(coded: CodedPanel, reference, regions):
    """The reference group of the stars: all regions or a set (old spellings translated)."""
    reference, regions, _ = legacy_reference(reference, regions)
    if is_frame(reference) or reference == "country":
        raise ValueError(
            "cluster_stars rates regions against the distribution of a group of regions, "
            "so reference must be 'all' or 'set' (with regions=); got "
            f"{'a frame of totals' if is_frame(reference) else repr(reference)}. For LQs "
            "against a country or external totals use location_quotient(reference=...)"
        )
    return resolve_reference(coded, reference, regions)


def top_cutoffs(values: np.ndarray, mask: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Cut-offs of the top ``q`` per ``(year, industry)`` among the regions in ``mask``.

    ``values`` is ``(Y, R, I)`` with NaN for unknown; returns one ``(Y, 1, I)`` array per
    ``q``: the k-th largest known value, k = ceil(q * n_known) (NaN when none is known).
    One transpose and one partial sort serve all ``qs``.
    """
    if not mask.all():
        values = values[:, mask, :]
    # (Y, I, Rm), contiguous along regions; + 0.0 turns -0.0 into +0.0
    sub = np.add(values.transpose(0, 2, 1), 0.0, order="C")
    m = sub.shape[2]
    known = ~np.isnan(sub)
    all_known = bool(known.all())
    ks = [int(np.ceil(q * m - 1e-9)) for q in qs]
    if all_known and len({m - k for k in ks}) == 1:  # one cut-off: a partition will do
        ranked = np.partition(sub, m - ks[0], axis=2)
    elif not (sub < 0).any():
        # The bits of a double >= 0 (or NaN) order like the number as unsigned integers,
        # NaN last; an integer sort is several times faster than a float sort/partition.
        ranked = sub
        ranked.view(np.uint64).sort(axis=2)
    else:
        ranked = np.sort(sub, axis=2)  # NaN sorts last
    if all_known:
        cuts = [ranked[:, :, m - k] for k in ks]
    else:
        n = known.sum(axis=2)  # NaN sorts last, after the n known values
        cuts = []
        for q in qs:
            pos = np.clip(n - np.ceil(q * n - 1e-9).astype(np.int64), 0, m - 1)
            cut = np.take_along_axis(ranked, pos[..., None], axis=2)[..., 0]
            cut[n == 0] = np.nan
            cuts.append(cut)
    return [c[:, None, :] for c in cuts]


def top_cutoff(values: np.ndarray, mask: np.ndarray, q: float) -> np.ndarray:
    """:func:`top_cutoffs` for one ``q``."""
    return top_cutoffs(values, mask, (q,))[0]


@dataclass(frozen=True, repr=False)
class ClusterStars(Result):
    """Stars and ratings of every region-category-year, with the evidence for each.

    Attributes
    ----------
    stars
        One row per panel row: ``region``, ``industry``, ``year``, ``employment``,
        ``lq`` (against the reference group), ``share`` (of the region's employment),
        ``in_reference``, ``traded``, the Booleans ``size``, ``specialisation``,
        ``focus``, ``eco_stars`` (0-3), ``qualifying``, ``significant``, ``strong``,
        ``strong10``, ``establishments`` (when given) and ``star_reason`` (why stars or
        ratings are null, or what was not applied; see the module docstring).
    thresholds
        One row per category-year: ``size_cutoff``, ``focus_cutoff``,
        ``specialisation_lq`` (ECO); ``lq_qualifying_cut``, ``lq_significant_cut``,
        ``lq_strong_cut``, ``lq_strong10_cut``, ``employment_floor`` (and
        ``establishments_floor``) (US quantiles); ``n_reference`` (reference regions with
        a known value) and ``n_us_population`` (reference regions with employment > 0,
        over which the US quantiles are taken).
    reference
        Description of the reference group.
    traded
        Description of the traded/local classification used.
    """

    stars: pl.DataFrame
    thresholds: pl.DataFrame
    reference: str
    eco: EcoRules = field(default_factory=EcoRules)
    us: UsRules = field(default_factory=UsRules)
    traded: str = "all categories rated"

    _title = "Cluster stars"

    def to_frame(self) -> pl.DataFrame:
        """Stars joined with their thresholds: value, threshold and decision side by side."""
        return self.stars.join(self.thresholds, on=[INDUSTRY, YEAR], how="left")

    def us_rating(self) -> pl.DataFrame:
        """One row per region-category-year: ``region``, ``industry``, ``year``,
        ``us_rating`` (the highest US Cluster Mapping rating given: ``"strong10"``,
        ``"strong"``, ``"significant"``, ``"qualifying"`` or ``"none"``; null when not
        rated) and ``us_rating_reason`` (why not the next rating up, with the values and
        cut-offs, e.g. ``"significant; not strong: LQ 1.2 < 75th percentile 1.4"``; the
        ``star_reason`` when not rated), for fact sheets and briefs."""
        out = _rating_and_reason(self.to_frame(), self.us)
        return out.select(REGION, INDUSTRY, YEAR, "us_rating", "us_rating_reason")

    def _html_frame(self) -> pl.DataFrame:
        return self.stars.join(self.thresholds, on=[INDUSTRY, YEAR], how="left")


    def explain(self, region: str, industry: str, year: int | None = None) -> pl.DataFrame:
        """Long table: one row per condition of each star/rating with value, threshold,
        comparison, decision and reason."""
        row = self.to_frame().filter((pl.col(REGION) == region) & (pl.col(INDUSTRY) == industry))
        year = row[YEAR].max() if year is None else year
        row = row.filter(pl.col(YEAR) == year) if year is not None else row
        if row.height == 0:
            raise ValueError(f"no row for region {region!r}, industry {industry!r}, year {year}")
        r = row.row(0, named=True)
        est, est_cut = r.get("establishments"), r.get("establishments_floor")
        floors = [("employment", r["employment"], r["employment_floor"], ">"),
                  ("establishments", est, est_cut, ">")]
        checks = [
            ("size", "employment", r["employment"], r["size_cutoff"], ">=", r["size"]),
            ("specialisation", "lq", r["lq"], r["specialisation_lq"], ">=",
             r["specialisation"]),
            ("focus", "share", r["share"], r["focus_cutoff"], ">=", r["focus"]),
        ]
        lq_cuts = {"qualifying": ("lq_qualifying_cut", ">"),
                   "significant": ("lq_significant_cut", ">"),
                   "strong": ("lq_strong_cut", ">="), "strong10": ("lq_strong10_cut", ">=")}
        for rating, (col, op) in lq_cuts.items():
            checks.append((rating, "lq", r["lq"], r[col], op, r[rating]))
            if rating in ("strong", "strong10"):
                checks.append((rating, "lq", r["lq"], float(self.us.strong_min_lq), ">=",
                               r[rating]))
            checks += [(rating, m, v, c, o, r[rating]) for m, v, c, o in floors]
        text = [_REASONS[3] if c[0] in US_RATINGS and r["traded"] is False
                else self._reason(r, *c[1:5]) for c in checks]
        return pl.DataFrame({
            "star": [c[0] for c in checks], "measure": [c[1] for c in checks],
            "value": [None if c[2] is None else float(c[2]) for c in checks],
            "threshold": [None if c[3] is None else float(c[3]) for c in checks],
            "rule": [f"{c[1]} {c[4]} threshold" for c in checks],
            "given": [c[5] for c in checks], "reason": text,
        }, schema_overrides={"given": pl.Boolean})

    @staticmethod
    def _reason(r: dict, measure: str, value, cut, op: str) -> str:
        why = r["star_reason"]
        if value is None and measure == "establishments":
            return "establishment floor not applied (no count known)"
        if value is None:
            return f"{measure} unknown ({why or 'not given'})"
        if why == _REASONS[2]:
            cut_text = "" if cut is None else f" (threshold {cut:,.4g})"
            return f"{measure} {value:,.4g}; not rated: {why}{cut_text}"
        if cut is None:
            return f"{measure} {value:,.4g}; no threshold (no known reference value)"
        passed = value > cut if op == ">" else value >= cut
        sign = op if passed else ("<=" if op == ">" else "<")
        return f"{measure} {value:,.4g} {sign} threshold {cut:,.4g}"

    def summary(self) -> str:
        s = self.stars
        latest = s[YEAR].max()
        cur = s.filter(pl.col(YEAR) == latest)
        counts = cur.select(pl.col(list(ECO_STARS) + list(US_RATINGS)).sum()).row(0, named=True)
        three = cur.filter(pl.col("eco_stars") == 3).height
        notes = cur.group_by("star_reason").len().drop_nulls("star_reason").sort("star_reason")
        lines = [
            f"{self._title} against {self.reference}: {s[REGION].n_unique():,} regions x "
            f"{s[INDUSTRY].n_unique():,} categories, years {s[YEAR].min()}-{latest}",
            f"  {latest}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
            f"  {latest}: {three:,} region-categories with all three ECO stars",
            f"  US ratings: traded categories only ({self.traded})",
            f"  ECO rules: {self.eco}; US rules: {self.us}",
        ]
        lines += [f"  {latest}: {n:,} rows: {why}" for why, n in notes.iter_rows()]
        return "\n".join(lines)

    def plot(self, ax=None, *, region: str | None = None, year: int | None = None, top: int = 15):
        """Bars of ECO stars (0-3) of one region's categories, ordered by LQ."""
        from emerging.maps.indices_plots import plot_stars

        return plot_stars(self, ax, region=region, year=year, top=top)


def cluster_stars(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    establishments: pl.DataFrame | pl.LazyFrame | None = None,
    traded: Iterable[str] | str | None = None,
    eco: EcoRules = DEFAULT_ECO,
    us: UsRules = DEFAULT_US,
) -> ClusterStars:
    """Rate every region-category-year with ECO stars and US Cluster Mapping ratings.

    Parameters
    ----------
    panel
        Employment panel of one NUTS level; ``industry`` holds the categories.
    reference, regions
        The reference group: ``"all"`` regions of the panel, or ``"set"`` with
        ``regions`` a region-set name (:func:`emerging.codes.nuts.region_set`) or a
        collection of region codes. (The old spelling ``reference=<set name or codes>``
        still works for one release, with a ``DeprecationWarning``.)
    establishments
        Optional panel (``region``, ``industry``, ``year``, ``value``) of establishment
        or local-unit counts (Eurostat SBS ``indic_sb = V11210``, the ``local_units``
        measure of ``emerging build``); sets the establishment floor of the US ratings.
        Without it the floor is left out and ``star_reason`` says so.
    traded
        The traded categories, the only ones given US ratings: an iterable of codes;
        ``None`` (default) for :func:`emerging.codes.traded.traded_industries` where that
        module exists (else every category is rated, and the summary says so; and with a
        warning when no category of the panel is in it, e.g. cluster categories);
        ``"all"`` to rate every category (e.g. for a panel of traded cluster categories).
    eco, us
        Thresholds (:class:`EcoRules`, :class:`UsRules`).

    Returns
    -------
    ClusterStars
    """
    for name, q in (("size_top", eco.size_top), ("focus_top", eco.focus_top)):
        check_fraction(name, q)
    us.check()
    coded = CodedPanel.from_panel(panel)
    economy = _stars_economy(coded, reference, regions)
    return rate_clusters(coded, economy, establishments=establishments, traded=traded,
                         eco=eco, us=us)


def rate_clusters(coded: CodedPanel, economy, *, establishments=None, traded=None,
                  eco: EcoRules = DEFAULT_ECO, us: UsRules = DEFAULT_US,
                  rows: dict | None = None) -> ClusterStars:
    """:func:`cluster_stars` of a coded panel against a resolved reference group.

    ``rows`` may hold what a caller computed already against the same group (as
    :func:`emerging.indices.specialisation_profile` does): ``"lq"`` (the LQ at the rows,
    NaN where undefined), ``"share"`` (``e / E_r``, NaN where undefined) and optionally
    ``"lq_column"`` (the LQ as a Float64 Series with nulls, used as the ``lq`` column
    as it is). Otherwise they are computed here.
    """
    traded_mask, traded_label = _traded_categories(coded, traded)
    f = lq_factors(coded, economy)
    est = None if establishments is None else _establishment_cube(establishments, coded)
    cut, population = _star_cutoffs(coded, economy, f, est, eco, us)
    stars = _stars_frame(coded, f, (economy.member, traded_mask), est, cut, (eco, us),
                         _row_values(coded, f) if rows is None else rows)
    thresholds = _thresholds_frame(coded, cut, population, economy.member, eco)
    return ClusterStars(stars, thresholds, economy.label, eco, us, traded_label)


_STAR_NAMES = ("size", "specialisation", "focus", *US_RATINGS)
#: Reason codes of :func:`_row_stars` with null US ratings (1-4), by code.
def _star_cutoffs(coded: CodedPanel, economy, f: dict[str, np.ndarray],
                  est: np.ndarray | None, eco: EcoRules, us: UsRules
                  ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The ``(Y, 1, I)`` cut-offs of the ECO stars and US ratings, year by year
    (:func:`map_years`), and the number of reference regions with employment > 0 per
    ``(year, industry)`` (the US population); the stars themselves are decided row by row
    (:func:`_row_stars`)."""
    mask = economy.member
    nY, _, nI = coded.shape
    cut_names = ["size_cutoff", "focus_cutoff", *LQ_CUTS, "employment_floor"]
    cut_names += [] if est is None else ["establishments_floor"]
    cut = {k: np.empty((nY, 1, nI)) for k in cut_names}
    population = np.empty((nY, nI), dtype=np.int64)
    one_reference = economy.external is None and economy.n_groups == 1

    def block(ys: slice) -> None:
        e = coded.value_cube[ys]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            share_b = np.divide(e, f["er"][ys])
            ratio = f["ei"][ys] / f["et"][ys]  # E_i / E: LQ = share / ratio
        np.copyto(share_b, np.nan, where=np.isinf(share_b))
        found = _ranked_cutoffs(e, share_b, ratio, mask, eco, us) if one_reference else None
        if found is None:  # the general path: each cut-off from its own cube
            c = {"size_cutoff": top_cutoff(e, mask, eco.size_top),
                 "focus_cutoff": top_cutoff(share_b, mask, eco.focus_top)}
            # the LQ of the year (a view of the LQ cube when it is cached; no whole cube)
            c.update(us_cutoffs(lq_years(coded, economy, ys), e, None, mask, us))
            with np.errstate(invalid="ignore"):
                n = ((e > 0) & mask[None, :, None]).sum(axis=1)
        else:
            c, n = found
        del share_b
        if est is not None:
            in_population = (e > 0) & mask[None, :, None]
            (c["establishments_floor"],) = linear_quantiles(est[ys], in_population,
                                                            (us.floor_quantile,))
        for k, v in c.items():
            cut[k][ys] = v
        population[ys] = n

    map_years(block, nY)
    return cut, population


def _ranked_cutoffs(e: np.ndarray, share: np.ndarray, ratio: np.ndarray, mask: np.ndarray,
                    eco: EcoRules, us: UsRules) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """Every cut-off of a block of years from two sorts, of the employment and of the
    share over the US population (reference regions with employment > 0), and that
    population's size; None where the shortcut does not hold exactly (then the caller
    takes each cut-off from its own cube, :func:`top_cutoff` and :func:`us_cutoffs`).

    * The top-q cut-off (ECO) of values >= 0 among the known reference values is the
      k-th largest positive one, or 0 when fewer than k are positive: both sorts serve
      the ECO size and focus cut-offs as well as the US quantiles.
    * Within a ``(year, industry)`` the LQ is the share divided by one positive number
      (``ratio`` = :math:`E_i/E`, the same division as the LQ formula), and a division
      by a positive number keeps the order (IEEE division is monotone): the LQ's order
      statistics are those of the share divided by it, bit for bit, so the LQ needs no
      sort (and no LQ cube) of its own. This needs the share's positives to be exactly
      the population (no underflow) and every LQ of the population finite; checked.
    """
    member = mask[None, :, None]
    population = (e > 0) & member
    ranked_e, n = ranked_values(e, population)
    with np.errstate(invalid="ignore"):
        if not np.array_equal(np.count_nonzero((share > 0) & member, axis=1), n):
            return None
    ranked_s, _ = ranked_values(share, population)
    size = _top_of_ranked(ranked_e, n, np.count_nonzero(~np.isnan(e) & member, axis=1),
                          eco.size_top)
    focus = _top_of_ranked(ranked_s, n, np.count_nonzero(~np.isnan(share) & member, axis=1),
                           eco.focus_top)
    ratio = ratio[:, 0, :]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        largest = np.take_along_axis(ranked_s, np.maximum(n - 1, 0)[..., None], axis=2)[..., 0]
        if size is None or focus is None or not np.isfinite((largest / ratio)[n > 0]).all():
            return None
        out = {"size_cutoff": size, "focus_cutoff": focus}
        for name, q in zip(LQ_CUTS, lq_quantiles(us), strict=True):
            lo, hi, frac = order_statistics(ranked_s, n, q)
            out[name] = interpolated(lo / ratio, hi / ratio, frac, n)
    out["employment_floor"] = interpolated(*order_statistics(ranked_e, n, us.floor_quantile), n)
    return out, n


def _top_of_ranked(ranked: np.ndarray, n_positive: np.ndarray, n_known: np.ndarray,
                   q: float) -> np.ndarray | None:
    """:func:`top_cutoff` from the sorted positive values (:func:`ranked_values`) and the
    number of known values >= 0 per ``(year, industry)``: the k-th largest known value,
    k = ceil(q * n_known), is a positive one when k <= n_positive and 0 otherwise (NaN
    when none is known). None when some k is 0 (a q too small for the group)."""
    k = np.ceil(q * n_known - 1e-9).astype(np.int64)
    if ((k < 1) & (n_known > 0)).any():
        return None
    pos = np.clip(n_positive - k, 0, ranked.shape[2] - 1)
    cut = np.where(k <= n_positive, np.take_along_axis(ranked, pos[..., None], axis=2)[..., 0],
                   0.0)
    cut[n_known == 0] = np.nan
    return cut[:, None, :]


def _row_stars(coded: CodedPanel, f: dict[str, np.ndarray], values: dict, cut: dict,
               est_rows: np.ndarray | None, local: np.ndarray, eco: EcoRules,
               us: UsRules) -> dict[str, np.ndarray]:
    """Every star and rating (Boolean), ``eco_stars`` (Int8) and the reason code of each
    row, decided at the rows against the ``(year, industry)`` cut-offs gathered by the
    rows' codes: the same comparisons of the same numbers as on the cubes, so the same
    decisions, with no Boolean cube per star and no gather of cubes to the rows.

    Computed in row blocks of :data:`~emerging._engine.ROW_BLOCK` on every core.
    Reason codes, in order of priority: 1 unknown value, 2 zero region total, 3 zero
    industry total in the reference, 4 local category, 5/6 establishment floor not applied.
    """
    n = len(coded.value)
    # one block for the Boolean columns: above the allocator's threshold for mapped
    # memory, so it goes back to the system once the last column is turned into bits
    # (seven separate arrays would stay in the heap as garbage, 14 MB each on L)
    flags = np.empty((len(_STAR_NAMES), n), dtype=bool)
    out = dict(zip(_STAR_NAMES, flags, strict=True))
    del flags
    out["eco_stars"] = np.empty(n, dtype=np.int8)
    out["reason"] = np.empty(n, dtype=np.uint8)
    flat = {k: v.reshape(-1) for k, v in cut.items()}
    ei, er = f["ei"].reshape(-1), f["er"].reshape(-1)  # (Y, 1, I), (Y, R, 1)
    skipped_code = np.uint8(5 if est_rows is None else 6)
    any_local = bool(local.any())
    _, n_regions, n_industries = coded.shape

    def chunk(part: slice) -> None:
        y = coded.y[part]  # block indices from the codes (no row-length index arrays)
        yi = flat_index_into("yi", y, n_industries, coded.i[part])
        yr = flat_index_into("yr", y, n_regions, coded.r[part])
        e, lq_b, share = coded.value[part], values["lq"][part], values["share"][part]
        c = {k: gather_into(k, v, yi) for k, v in flat.items()}  # reused buffers
        ei_b = gather_into("ei", ei, yi)
        o = {k: a[part] for k, a in out.items()}
        with np.errstate(invalid="ignore"):
            rated = (e > 0) & (ei_b > 0)  # no size/focus against an empty reference
            np.logical_and(rated, e >= c["size_cutoff"], out=o["size"])
            np.greater_equal(lq_b, eco.specialisation_lq, out=o["specialisation"])
            np.logical_and(rated, share >= c["focus_cutoff"], out=o["focus"])
        _, skipped = us_flags(lq_b, e, None if est_rows is None else est_rows[part], c, us,
                              out=o)
        np.add(o["size"].view(np.int8), o["specialisation"].view(np.int8), out=o["eco_stars"])
        o["eco_stars"] += o["focus"].view(np.int8)
        reason = o["reason"]
        if est_rows is None:  # the floor is skipped everywhere
            reason.fill(skipped_code)
        else:
            np.multiply(skipped, skipped_code, out=reason)
        if any_local:
            np.copyto(reason, 4, where=local[coded.i[part]])
        np.copyto(reason, 3, where=ei_b == 0)
        np.copyto(reason, 2, where=gather_into("er", er, yr) == 0)
        np.copyto(reason, 1, where=np.isnan(e))

    map_row_blocks(chunk, n, -(-n // ROW_BLOCK))
    return out


def _stars_frame(coded: CodedPanel, f: dict[str, np.ndarray], masks: tuple[np.ndarray, np.ndarray],
                 est: np.ndarray | None, cut: dict[str, np.ndarray],
                 rules: tuple[EcoRules, UsRules], values: dict) -> pl.DataFrame:
    """One row per panel row: employment, LQ, share, the stars and ratings (null where
    they are undefined) and the reason of each row. ``masks``: the reference regions and
    the traded categories; ``values``: the LQ and share at the rows (see
    :func:`rate_clusters`)."""
    mask, traded_mask = masks
    eco, us = rules
    est_rows = None if est is None else coded.to_rows(est)
    lq_column = values.get("lq_column")
    if lq_column is None:
        lq_column = float_column("lq", values["lq"])
    stars_at = _row_stars(coded, f, values, cut, est_rows, ~traded_mask, eco, us)
    reason = stars_at.pop("reason")
    # rows with reason 1-4 (unknown value, zero region total, zero industry total, local
    # category), then those among them with 1-3 (the LQ is undefined) and 1-2
    bad_us = np.flatnonzero(reason - np.uint8(1) < 4)  # 1-4; 0 wraps round to 255
    bad_lq = bad_us[reason[bad_us] <= 3]
    bad = bad_us[reason[bad_us] <= 2]

    def flag(name: str, dtype=pl.Boolean) -> pl.Series:
        s = pl.Series(name, stars_at.pop(name), dtype=dtype)
        rows = bad if name in ("size", "focus") else bad_us if name in US_RATINGS else bad_lq
        return s.scatter(rows, None) if len(rows) else s

    columns = [lq_column.alias("lq"), float_column("share", values["share"]),
               pl.Series("in_reference", mask[coded.r]),
               pl.Series("traded", traded_mask[coded.i]),
               *(flag(k) for k in _STAR_NAMES), flag("eco_stars", pl.Int8),
               reason_column("star_reason", reason, _REASONS)]
    keys = coded.frame.select(REGION, INDUSTRY, YEAR, pl.col(VALUE).alias("employment"))
    stars = keys.with_columns(columns)
    del columns
    if est_rows is not None:
        stars = stars.with_columns(float_column("establishments", est_rows))
    return stars


def _thresholds_frame(coded: CodedPanel, cut: dict[str, np.ndarray], population: np.ndarray,
                      mask: np.ndarray, eco: EcoRules) -> pl.DataFrame:
    """One row per category-year: the cut-offs and the counts of reference regions
    (``population``: those with employment > 0, ``(Y, I)``)."""
    return coded.industry_year_frame().with_columns(
        *(float_column(k, v.reshape(-1)) for k, v in cut.items()),
        pl.lit(float(eco.specialisation_lq)).alias("specialisation_lq"),
        pl.Series("n_reference", coded.known_count(mask).reshape(-1)).cast(pl.Int32),
        pl.Series("n_us_population", population.reshape(-1)).cast(pl.Int32),
    )


def _row_values(coded: CodedPanel, f: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The LQ and the share of the region's employment at every row (NaN where
    undefined): the one LQ formula on factors gathered from small tables by the rows'
    codes, so the LQ cube's numbers without gathering the cube.

    Computed in row blocks of :data:`~emerging._engine.ROW_BLOCK` on every core: the
    gathered factors and the temporaries stay in a core's cache, and the two outputs are
    the only row-length arrays allocated (fresh memory is what costs, not arithmetic).
    """
    n = len(coded.value)
    out = {"lq": np.empty(n), "share": np.empty(n)}
    er, ei, et = (f[k].reshape(-1) for k in ("er", "ei", "et"))

    def chunk(part: slice) -> None:
        e = coded.value[part]
        share, lq_rows = out["share"][part], out["lq"][part]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            er_b = er.take(coded.yr[part])
            np.divide(e, er_b, out=share)
            lq(e, er_b, ei.take(coded.yi[part]), et.take(coded.y[part]), out=lq_rows)
        np.copyto(share, np.nan, where=np.isinf(share))
        np.copyto(lq_rows, np.nan, where=~np.isfinite(lq_rows))

    map_row_blocks(chunk, n, -(-n // ROW_BLOCK))
    return out


def _traded_categories(coded: CodedPanel, traded: Iterable[str] | str | None
                       ) -> tuple[np.ndarray, str]:
    """Boolean per category code: is it traded (given US ratings)? And a description."""
    n = len(coded.industries)
    if isinstance(traded, str):
        if traded != "all":
            raise ValueError(f"traded must be an iterable of category codes, None or 'all'; "
                             f"got {traded!r} (a single code? pass [{traded!r}])")
        return np.ones(n, dtype=bool), "all categories rated (traded='all')"
    if traded is None:
        try:
            module = importlib.import_module("emerging.codes.traded")
        except ModuleNotFoundError:
            return np.ones(n, dtype=bool), ("all categories rated: no traded/local "
                                            "classification installed")
        codes, source = frozenset(module.traded_industries()), "emerging.codes.traded"
    else:
        codes, source = frozenset(traded), "the given traded set"
    is_traded = coded.industries.is_in(list(codes)).to_numpy()
    if traded is None and not is_traded.any():
        warnings.warn(
            f"none of the panel's categories (e.g. {coded.industries.head(5).to_list()}) is "
            f"in the traded classification of {source} (NACE divisions), so every category "
            "is rated; pass traded= with your traded codes, or traded='all' to say so",
            UserWarning, stacklevel=3)
        return np.ones(n, dtype=bool), f"all categories rated: none is in {source}"
    return is_traded, f"{int(is_traded.sum())} of {n} categories traded ({source})"


def _establishment_cube(establishments, coded: CodedPanel) -> np.ndarray:
    """Establishment counts on the employment panel's cube (NaN where unknown/absent)."""
    est = CodedPanel.from_panel(establishments, what="establishments")
    out = np.full(coded.shape, np.nan)
    y = np.searchsorted(coded.years, est.years[est.y])
    r = est.regions.gather(est.r).cast(pl.Enum(coded.regions), strict=False).to_physical()
    i = est.industries.gather(est.i).cast(pl.Enum(coded.industries), strict=False).to_physical()
    ok = (r.is_not_null() & i.is_not_null()).to_numpy() & np.isin(est.years[est.y], coded.years)
    out[y[ok], r.to_numpy()[ok].astype(np.int64), i.to_numpy()[ok].astype(np.int64)] = est.value[ok]
    return out
