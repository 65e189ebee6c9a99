r"""Regional specialisation and diversity: how a region's employment is spread over industries.

For region *r* (per year) with industry shares :math:`s_i = E_{ri}/E_r` and reference
shares :math:`x_i = E_i/E` (all regions of the panel, the region's country, or an
external reference, as in :func:`emerging.indices.lq.location_quotient`):

=====================  =======================================================  ==============
column                 formula                                                  range
=====================  =======================================================  ==============
``krugman``            :math:`K = \sum_i |s_i - x_i|`                           [0, 2)
``hoover``             :math:`\tfrac12 \sum_i |s_i - x_i|`                      [0, 1)
``gini``               Lorenz curve of :math:`s` against :math:`x`, industries  [0, 1)
                       sorted by LQ (see :func:`~emerging.indices._shares.lorenz_gini`)
``hhi``                :math:`\sum_i s_i^2`                                     [1/n, 1]
``theil``              :math:`\sum_i s_i \ln(s_i/x_i)` (relative Theil)         [0, ∞)
``entropy``            :math:`H = -\sum_i s_i \log_2 s_i` (bits)                [0, log2 n]
``related_variety``    :math:`RV = \sum_g P_g H_g`                              [0, H]
``unrelated_variety``  :math:`UV = -\sum_g P_g \log_2 P_g`                      [0, H]
``diversity``          :math:`\sum_i [LQ_{ri} \ge t]`                           0..n
=====================  =======================================================  ==============

with :math:`P_g = \sum_{i \in g} s_i` the share of NACE parent *g* (section by default)
and :math:`H_g = -\sum_{i\in g} (s_i/P_g)\log_2(s_i/P_g)`; :math:`H = RV + UV` exactly.
Ubiquity, :math:`\sum_r [LQ_{ri} \ge t]`, is the industry-side count.

Edge cases: a region-year with zero known employment gets nulls and ``reason = "zero
region total"``. Confidential (null) cells are left out of the region's shares; the
share of such cells is reported in ``unknown_share``. An external reference with a null
(unknown) industry value leaves every reference share of that year unknown (their
denominator :math:`E` is unknown), so ``krugman``, ``hoover``, ``gini``, ``theil`` and
``diversity`` of every region that year, and that year's ``ubiquity``, are null with the
reason ``"unknown in reference"`` (never computed as if the industry were absent);
``hhi``, ``entropy`` and the varieties use the region's own shares only and are kept.
Industries absent from the reference (``x_i = 0``) while present in the region make
``theil`` infinite: it is then null with the reason ``"industry absent from reference"``.

References
----------
Krugman, P. (1991). *Geography and Trade*. MIT Press.
Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics
and Statistics*, 18(4), 162-171.
Theil, H. (1967). *Economics and Information Theory*. North-Holland.
Frenken, K., Van Oort, F. & Verburg, T. (2007). Related variety, unrelated variety and
regional economic growth. *Regional Studies*, 41(5), 685-697.
Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity.
*PNAS*, 106(26), 10570-10575 (diversity and ubiquity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._reference import ReferenceLike, Regions, by_region, lq_factors
from emerging._result import Result
from emerging._schema import REGION, YEAR
from emerging.codes.nace import is_nace_code, nace_level, nace_parent
from emerging.indices._coded import (
    CodedPanel,
    check_option,
    float_column,
    map_years,
    reason_column,
    single_threaded_blas,
    stack_years,
)
from emerging.indices._shares import lorenz_gini, xlogx
from emerging.indices.lq import Base, economy_of

REGION_INDICES = ("krugman", "hoover", "gini", "hhi", "theil", "entropy",
                  "related_variety", "unrelated_variety", "diversity")
_REASONS = ("zero region total", "unknown in reference", "industry absent from reference")
# indices that use the reference shares x (the others use the region's own shares only)
_REFERENCE_INDICES = ("krugman", "hoover", "gini", "theil", "diversity")


def _sectors(industries: pl.Series, level: int) -> np.ndarray:
    """Index of the NACE parent at ``level`` for every industry code."""
    codes = industries.to_list()
    bad = [c for c in codes if not is_nace_code(c) or nace_level(c) <= level]
    if bad:
        raise ValueError(
            f"related/unrelated variety needs NACE codes finer than level {level} "
            f"(e.g. divisions such as 'C26' under sections), found {bad[:5]}; pass "
            "unrelated_level=None to skip variety, or aggregate the panel first"
        )
    parents = [nace_parent(c, level) for c in codes]
    _, index = np.unique(parents, return_inverse=True)
    return index


def _region_block(cube, er, ei, et, *, threshold: float, member) -> dict:
    """All region indices of one block of years (``er`` (Y, R) the regions' known totals,
    ``ei`` and ``et`` the reference totals of :func:`emerging._reference.lq_factors`
    broadcast to regions)."""
    zero = er == 0  # (Y, R): zero known employment
    unknown = np.broadcast_to(np.isnan(ei).any(axis=2), zero.shape)  # x unknown
    with np.errstate(divide="ignore", invalid="ignore"):
        s = cube * np.where(zero, 0.0, 1.0 / er)[..., None]  # shares; 0 where undefined
        x = np.nan_to_num(ei / et, nan=0.0, posinf=0.0)  # NaN only on nulled region-years
    xb = np.broadcast_to(x, s.shape)
    diff = np.subtract(s, x)
    krugman = np.abs(diff, out=diff).sum(axis=2)
    del diff
    slns = xlogx(s)  # s ln s
    sum_slns = slns.sum(axis=2)
    ln_x = np.zeros_like(x)
    np.log(x, out=ln_x, where=x > 0)
    # LQ >= threshold without dividing, and s > 0: s >= threshold * x where that is
    # positive, else s >= the smallest positive double (the same as s > 0, for s >= 0)
    cut = threshold * x
    present = s >= np.where(cut > 0, cut, np.nextafter(0.0, 1.0))
    out = {
        "krugman": krugman,
        "hoover": krugman / 2,
        "gini": lorenz_gini(s, x, axis=2),
        "hhi": np.einsum("yri,yri->yr", s, s),
        "theil": sum_slns - np.einsum("yri,yri->yr", s, np.broadcast_to(ln_x, s.shape)),
        "entropy": -sum_slns / np.log(2),
        "diversity": np.count_nonzero(present, axis=2).astype(float),
        "n_industries": np.count_nonzero(cube, axis=2).astype(float),  # cube >= 0
    }
    if member is not None:
        parent = s @ member  # P_g, (Y, R, G)
        within = slns @ member  # sum over i in g of s_i ln s_i
        plnp = xlogx(parent)
        out["unrelated_variety"] = -plnp.sum(axis=2) / np.log(2)
        # P_g H_g = -(sum_{i in g} s_i ln s_i - P_g ln P_g) / ln 2
        out["related_variety"] = -(within - plnp).sum(axis=2) / np.log(2)
    if x.shape[:2] == (1, 1):  # one reference: only its industries with x = 0 matter
        absent = (s[..., x[0, 0] == 0] > 0).any(axis=2)
    else:
        absent = ((s > 0) & (xb == 0)).any(axis=2)
    for key in out:
        if key != "n_industries":
            out[key][zero] = np.nan
    for key in _REFERENCE_INDICES:
        out[key][unknown] = np.nan
    out["theil"][absent] = np.nan
    out["reason"] = np.select([zero, unknown, absent], [1, 2, 3], 0).astype(np.uint8)
    out["ubiquity"] = np.count_nonzero(present, axis=1).astype(float)
    out["ubiquity"][unknown.any(axis=1)] = np.nan  # (Y, I): the year's x are unknown
    return out


@single_threaded_blas  # the years run on both cores; a product's bits then do not depend on them
def _region_indices(coded: CodedPanel, f: dict, threshold: float, level: int | None) -> dict:
    member = None
    if level is not None:
        sectors = _sectors(coded.industries, level)
        member = np.zeros((len(sectors), sectors.max() + 1))
        member[np.arange(len(sectors)), sectors] = 1.0

    def block(ys: slice) -> dict:
        return _region_block(coded.cube[ys], coded.region_total[ys], f["ei"][ys], f["et"][ys],
                             threshold=threshold, member=member)

    return stack_years(map_years(block, coded.shape[0]))


@dataclass(frozen=True, repr=False)
class RegionalDiversity(Result):
    """Specialisation, diversity and variety of every region-year, and industry ubiquity.

    Attributes
    ----------
    regions
        One row per region-year: ``region``, ``year``, the indices of the module table,
        ``n_industries`` (industries with employment > 0), ``unknown_share``, ``reason``.
    ubiquity
        One row per industry-year: ``industry``, ``year``, ``ubiquity`` (null in a year
        whose reference shares are unknown).
    reference, threshold, unrelated_level
        The options used (``reference`` describes the reference economy).
    """

    regions: pl.DataFrame
    ubiquity: pl.DataFrame
    reference: str
    threshold: float
    unrelated_level: int | None

    _title = "Regional specialisation and diversity"

    def to_frame(self) -> pl.DataFrame:
        return self.regions

    def summary(self) -> str:
        cols = [c for c in REGION_INDICES if c in self.regions.columns]
        desc = self.regions.select(
            [pl.col(c).mean().alias(c) for c in cols]).row(0, named=True)
        nulls = self.regions.filter(pl.col("reason").is_not_null()).height
        lines = [
            f"{self._title}: {self.regions[REGION].n_unique():,} regions, years "
            f"{self.regions[YEAR].min()}-{self.regions[YEAR].max()}, reference: {self.reference}, "
            f"presence threshold LQ >= {self.threshold}",
            *(f"  mean {k:<18} {v:.4f}" for k, v in desc.items() if v is not None),
            f"  region-years with a null index and a reason: {nulls:,}",
        ]
        return "\n".join(lines)

    def plot(self, ax=None, *, index: str = "krugman", year: int | None = None, top: int = 20):
        """Horizontal bars of ``index`` for the ``top`` regions of ``year`` (latest default)."""
        from emerging.maps.indices_plots import plot_diversity

        check_option("index", index, [c for c in REGION_INDICES if c in self.regions.columns])
        return plot_diversity(self, ax, index=index, year=year, top=top)


def regional_diversity(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    threshold: float = 1.0,
    unrelated_level: Literal[1, 2] | None = 1,
    base: Base | None = None,
) -> RegionalDiversity:
    """Compute every region-level index of the module table, all years at once.

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    reference, regions
        Reference economy of the shares :math:`x_i`, as in
        :func:`~emerging.indices.lq.location_quotient` (``base=`` is the deprecated
        spelling of ``reference``).
    threshold
        LQ threshold of presence for ``diversity`` and ``ubiquity``.
    unrelated_level
        NACE level of the groups between which variety is "unrelated": 1 (sections, as
        Frenken et al. with 2-digit within 1-digit) or 2 (divisions, for a panel of
        groups or classes). ``None`` skips related/unrelated variety (for panels whose
        industries are not NACE codes, e.g. cluster categories).

    Returns
    -------
    RegionalDiversity
    """
    check_option("unrelated_level", unrelated_level, (1, 2, None))
    if not isinstance(threshold, int | float) or not threshold > 0:
        raise ValueError(f"threshold must be a positive number; got {threshold!r}")
    coded = CodedPanel.from_panel(panel)
    economy = economy_of(coded, reference, regions, base=base)
    f = lq_factors(coded, economy)
    f = {"ei": by_region(f["ei"], economy), "et": by_region(f["et"], economy)}
    out = _region_indices(coded, f, threshold, unrelated_level)
    cols = [c for c in REGION_INDICES if c in out] + ["n_industries"]
    by_region_year = coded.region_year_frame().with_columns(
        *(float_column(c, out[c].reshape(-1)) for c in cols),
        float_column("unknown_share", coded.unknown_share().reshape(-1)),
        reason_column("reason", out["reason"].reshape(-1), _REASONS),
    ).with_columns(pl.col("diversity", "n_industries").cast(pl.Int32))
    ubiquity = coded.industry_year_frame().with_columns(
        float_column("ubiquity", out["ubiquity"].reshape(-1)).cast(pl.Int32))
    return RegionalDiversity(by_region_year, ubiquity, economy.label, float(threshold),
                             unrelated_level)


@keeps_frame_kind
def specialisation(panel: pl.DataFrame | pl.LazyFrame, *, reference: ReferenceLike = "all",
                   regions: Regions = None, base: Base | None = None) -> pl.DataFrame:
    """Frame of ``krugman``, ``hoover``, ``gini``, ``hhi``, ``theil``, ``entropy`` per
    region-year (see the module table); a shortcut for :func:`regional_diversity`."""
    res = regional_diversity(panel, reference=reference, regions=regions, base=base,
                             unrelated_level=None)
    return res.regions.select(REGION, YEAR, "krugman", "hoover", "gini", "hhi", "theil",
                              "entropy", "unknown_share", "reason")


@keeps_frame_kind
def variety(panel: pl.DataFrame | pl.LazyFrame, *,
            unrelated_level: Literal[1, 2] = 1) -> pl.DataFrame:
    """Frame of ``entropy``, ``related_variety``, ``unrelated_variety`` per region-year
    (Frenken, Van Oort & Verburg 2007); ``entropy = related_variety + unrelated_variety``."""
    if unrelated_level is None:
        raise ValueError("unrelated_level must be 1 or 2 for variety(); got None")
    res = regional_diversity(panel, unrelated_level=unrelated_level)
    return res.regions.select(REGION, YEAR, "entropy", "related_variety",
                              "unrelated_variety", "unknown_share", "reason")


@keeps_frame_kind
def ubiquity(panel: pl.DataFrame | pl.LazyFrame, *, threshold: float = 1.0,
             reference: ReferenceLike = "all", regions: Regions = None,
             base: Base | None = None) -> pl.DataFrame:
    """Frame of ``ubiquity`` (regions with LQ >= threshold) per industry-year."""
    return regional_diversity(panel, reference=reference, regions=regions, base=base,
                              threshold=threshold,
                              unrelated_level=None).ubiquity


__all__ = ["RegionalDiversity", "regional_diversity", "specialisation", "ubiquity", "variety"]
