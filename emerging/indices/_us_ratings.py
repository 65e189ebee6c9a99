r"""US Cluster Mapping ratings as the platform computes them.

The US Cluster Mapping platform (Harvard Business School, Institute for Strategy and
Competitiveness; repository ``clustermapping/cmp``, file
``data/processing/cluster_calcs_reducer.js``) rates every traded cluster category ``i``
of every region ``r`` in a year against the regions of the same type. For one category
and year let :math:`P` be the reference regions with employment :math:`E_{ri} > 0`, and
:math:`Q_p(x)` the ``p``-quantile of the values of ``x`` over :math:`P` by linear
interpolation between order statistics (``d3.quantile``; numpy's default ``"linear"``
method): with the values sorted, :math:`x_{(1)} \le \dots \le x_{(n)}`,

.. math::

    H = (n - 1)p + 1,\quad h = \lfloor H \rfloor,\quad
    Q_p = x_{(h)} + (H - h)\,(x_{(h+1)} - x_{(h)}).

With the *floors* :math:`F_{ri} = [E_{ri} > Q_{.25}(E)] \wedge [N_{ri} > Q_{.25}(N)]`
(:math:`N` the establishments),

================  =====================================================================
rating            given when
================  =====================================================================
``qualifying``    :math:`LQ_{ri} > Q_{.25}(LQ) \wedge F_{ri}`
``significant``   :math:`LQ_{ri} > Q_{.50}(LQ) \wedge F_{ri}`
``strong``        :math:`LQ_{ri} \ge Q_{.75}(LQ) \wedge F_{ri} \wedge LQ_{ri} \ge 1`
``strong10``      :math:`LQ_{ri} \ge Q_{.90}(LQ) \wedge F_{ri} \wedge LQ_{ri} \ge 1`
================  =====================================================================

The comparisons are strict (``>``) or not (``>=``) exactly as written. A region with
no employment in the category fails the employment floor. Where establishment counts are
not known for a cell (none were given, or the cell is confidential) its establishment
floor is left out and the caller says so in ``star_reason``; the establishment quantile
is taken over the regions of :math:`P` whose count is known.

References
----------
Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries.
*Journal of Economic Geography*, 16(1), 1-38.
US Cluster Mapping Project, ``cluster_calcs_reducer.js`` (public source of the
platform's data processing), Harvard Business School.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging.indices._coded import check_fraction

US_RATINGS = ("qualifying", "significant", "strong", "strong10")


@dataclass(frozen=True)
class UsRules:
    """Quantiles of the US Cluster Mapping ratings (defaults: the platform's own).

    ``floor_quantile`` sets the employment and establishment floors (strict ``>``);
    ``qualifying_quantile`` and ``significant_quantile`` the LQ cut-offs passed with
    ``>``; ``strong_quantile`` and ``strong10_quantile`` those passed with ``>=``, each
    also requiring ``LQ >= strong_min_lq``.
    """

    floor_quantile: float = 0.25
    qualifying_quantile: float = 0.25
    significant_quantile: float = 0.50
    strong_quantile: float = 0.75
    strong10_quantile: float = 0.90
    strong_min_lq: float = 1.0

    def check(self) -> None:
        """Raise ValueError naming any quantile outside (0, 1)."""
        for name in ("floor_quantile", "qualifying_quantile", "significant_quantile",
                     "strong_quantile", "strong10_quantile"):
            check_fraction(name, getattr(self, name))
        if not isinstance(self.strong_min_lq, int | float) or self.strong_min_lq < 0:
            raise ValueError(f"strong_min_lq must be a number >= 0; got {self.strong_min_lq!r}")


def linear_quantiles(values: np.ndarray, population: np.ndarray,
                     qs: tuple[float, ...]) -> list[np.ndarray]:
    """``d3.quantile`` of ``values`` per ``(year, industry)`` over the ``population``.

    ``values`` and ``population`` are ``(Y, R, I)``; cells outside the population or with
    a NaN value are left out. Returns one ``(Y, 1, I)`` array per ``q`` (NaN where the
    population is empty), computed with d3's arithmetic (see the module docstring).
    """
    ranked, n = ranked_values(values, population)
    return [interpolated(*order_statistics(ranked, n, q), n) for q in qs]


def ranked_values(values: np.ndarray, population: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values of the ``population`` sorted per ``(year, industry)``, as ``(Y, I, R)``
    contiguous along regions (the cells left out sort last, as +inf, and are never read
    by :func:`order_statistics`), and how many values count, ``n`` ``(Y, I)``."""
    keep = population & ~np.isnan(values)
    n = np.count_nonzero(keep, axis=1)  # values that count per (year, industry)
    ranked = np.full((values.shape[0], values.shape[2], values.shape[1]), np.inf)
    np.copyto(ranked, values.transpose(0, 2, 1), where=keep.transpose(0, 2, 1))
    ranked.sort(axis=2)
    return ranked, n


def order_statistics(ranked: np.ndarray, n: np.ndarray, q: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two order statistics around d3's ``q``-quantile, :math:`x_{(h)}` and
    :math:`x_{(h+1)}`, of the first ``n`` sorted values of :func:`ranked_values`, and the
    fraction :math:`H - h` between them (each ``(Y, I)``; see the module docstring)."""
    m = ranked.shape[2]
    big_h = (n - 1) * q + 1.0
    h = np.floor(big_h).astype(np.int64)
    frac = big_h - h
    lo = np.take_along_axis(ranked, np.clip(h - 1, 0, m - 1)[..., None], axis=2)[..., 0]
    hi = np.take_along_axis(ranked, np.clip(np.minimum(h, n - 1), 0, m - 1)[..., None],
                            axis=2)[..., 0]
    return lo, hi, frac


def interpolated(lo: np.ndarray, hi: np.ndarray, frac: np.ndarray, n: np.ndarray) -> np.ndarray:
    """d3's quantile between the order statistics of :func:`order_statistics`, as
    ``(Y, 1, I)`` (NaN where no value counts)."""
    with np.errstate(invalid="ignore"):
        cut = np.where(frac > 0, lo + frac * (hi - lo), lo)
    cut[n == 0] = np.nan
    return cut[:, None, :]


LQ_CUTS = ("lq_qualifying_cut", "lq_significant_cut", "lq_strong_cut", "lq_strong10_cut")


def lq_quantiles(rules: UsRules) -> tuple[float, float, float, float]:
    """The quantiles of the four LQ cut-offs (in the order of :data:`LQ_CUTS`)."""
    return (rules.qualifying_quantile, rules.significant_quantile, rules.strong_quantile,
            rules.strong10_quantile)


def us_cutoffs(lq: np.ndarray, employment: np.ndarray, establishments: np.ndarray | None,
               reference: np.ndarray, rules: UsRules) -> dict[str, np.ndarray]:
    """The cut-offs (``(Y, 1, I)``) of the four ratings and of the floors.

    ``lq``, ``employment`` (and ``establishments``, NaN where unknown) are ``(Y, R, I)``;
    ``reference`` is the ``(R,)`` mask of the reference regions; the quantiles are taken
    over the reference regions with positive employment.
    """
    population = (employment > 0) & reference[None, :, None]
    lq_q = linear_quantiles(lq, population, lq_quantiles(rules))
    cuts = dict(zip(LQ_CUTS, lq_q, strict=True))
    (cuts["employment_floor"],) = linear_quantiles(employment, population,
                                                   (rules.floor_quantile,))
    if establishments is not None:
        (cuts["establishments_floor"],) = linear_quantiles(establishments, population,
                                                           (rules.floor_quantile,))
    return cuts


def us_flags(lq: np.ndarray, employment: np.ndarray, establishments: np.ndarray | None,
             cuts: dict[str, np.ndarray], rules: UsRules,
             out: dict[str, np.ndarray] | None = None
             ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The four ratings (Boolean) of cells with these values against the cut-offs of
    :func:`us_cutoffs` (all broadcast together: cubes, or rows with the cut-offs at their
    rows), and where the establishment floor was not applied (unknown count or cut-off;
    everywhere without establishments). ``out`` may hold a Boolean array per rating to
    write the ratings into."""
    out = dict.fromkeys(US_RATINGS) if out is None else out
    with np.errstate(invalid="ignore"):
        floors = employment > cuts["employment_floor"]
        if establishments is None:
            skipped = np.ones((1,) * np.ndim(floors), dtype=bool)
        else:
            cut = cuts["establishments_floor"]
            skipped = np.isnan(establishments) | np.isnan(cut)
            floors &= (establishments > cut) | skipped
        strong_floors = floors & (lq >= rules.strong_min_lq)
        flags = {
            "qualifying": np.logical_and(floors, lq > cuts["lq_qualifying_cut"],
                                         out=out["qualifying"]),
            "significant": np.logical_and(floors, lq > cuts["lq_significant_cut"],
                                          out=out["significant"]),
            "strong": np.logical_and(strong_floors, lq >= cuts["lq_strong_cut"],
                                     out=out["strong"]),
            "strong10": np.logical_and(strong_floors, lq >= cuts["lq_strong10_cut"],
                                       out=out["strong10"]),
        }
    return flags, skipped


def us_ratings(lq: np.ndarray, employment: np.ndarray, establishments: np.ndarray | None,
               reference: np.ndarray, rules: UsRules
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """The four ratings (Boolean ``(Y, R, I)``), their cut-offs (``(Y, 1, I)``) and where
    the establishment floor was not applied (Boolean, broadcastable to ``(Y, R, I)``):
    :func:`us_flags` against :func:`us_cutoffs`.

    ``reference`` is the ``(R,)`` mask of the reference regions; every region is rated
    against the quantiles of the reference regions with positive employment.
    Establishments, when given, are NaN where unknown: those cells skip that floor, as
    do all cells of a category-year whose reference regions have no known count.
    """
    cuts = us_cutoffs(lq, employment, establishments, reference, rules)
    flags, skipped = us_flags(lq, employment, establishments, cuts, rules)
    return flags, cuts, skipped


_NEXT = {  # rating -> (the next rating up, its LQ cut-off column, comparison, label)
    "none": ("qualifying", "lq_qualifying_cut", ">", "25th percentile"),
    "qualifying": ("significant", "lq_significant_cut", ">", "median"),
    "significant": ("strong", "lq_strong_cut", ">=", "75th percentile"),
    "strong": ("strong10", "lq_strong10_cut", ">=", "90th percentile"),
}


def _num(col: str) -> pl.Expr:
    return pl.col(col).round(2).cast(pl.String)


def _rating_and_reason(frame: pl.DataFrame, rules: UsRules) -> pl.DataFrame:
    """``us_rating`` (the highest rating given, ``"none"``, or null when not rated) and
    ``us_rating_reason`` (why not the next one up, in words) for ``ClusterStars.to_frame()``.
    """
    est = "establishments" in frame.columns and "establishments_floor" in frame.columns
    highest = pl.when(pl.col("qualifying").is_null()).then(None)
    for name in reversed(US_RATINGS):
        highest = highest.when(pl.col(name)).then(pl.lit(name))
    highest = highest.otherwise(pl.lit("none"))
    emp_fail = pl.col("employment") <= pl.col("employment_floor")
    floor_text = pl.format("employment {} <= floor {}", _num("employment"),
                           _num("employment_floor"))
    why = pl.when(emp_fail).then(floor_text)
    if est:
        why = why.when(pl.col("establishments") <= pl.col("establishments_floor")).then(
            pl.format("establishments {} <= floor {}", _num("establishments"),
                      _num("establishments_floor")))
    out = frame.with_columns(highest.alias("us_rating"))
    reason = pl.when(pl.col("us_rating").is_null()).then(pl.col("star_reason"))
    reason = reason.when(pl.col("us_rating") == "strong10").then(pl.lit(
        "strong10: LQ in the top decile and >= 1, above the floors"))
    for rating, (nxt, cut, op, label) in _NEXT.items():
        fails_lq = pl.format("LQ {} {} {} {}", _num("lq"), pl.lit("<=" if op == ">" else "<"),
                             pl.lit(label), _num(cut))
        passes_lq = pl.col("lq") > pl.col(cut) if op == ">" else pl.col("lq") >= pl.col(cut)
        text = why.when(~passes_lq).then(fails_lq)
        if nxt in ("strong", "strong10"):
            text = text.when(pl.col("lq") < rules.strong_min_lq).then(
                pl.format("LQ {} < {}", _num("lq"), pl.lit(f"{rules.strong_min_lq:g}")))
        prefix = "not qualifying" if rating == "none" else f"{rating}; not {nxt}"
        reason = reason.when(pl.col("us_rating") == rating).then(
            pl.format("{}: {}", pl.lit(prefix), text.otherwise(fails_lq)))
    note = (pl.when(pl.col("star_reason").str.starts_with("establishment floor"))
            .then(pl.format("{} ({})", reason, pl.col("star_reason"))).otherwise(reason))
    return out.with_columns(note.alias("us_rating_reason"))
