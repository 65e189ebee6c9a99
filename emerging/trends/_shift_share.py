"""Shift-share decomposition of employment change.

The change of employment :math:`E_{ri}` in region *r* and industry *i* between years 0 and
1 is split into what the reference economy's overall growth, its industry mix and the
region's own (competitive) performance explain. With :math:`N_i` the reference
employment in industry *i*, :math:`N = \\sum_i N_i`, and growth rates
:math:`g_N = N^1/N^0 - 1`, :math:`g_i = N_i^1/N_i^0 - 1`, :math:`g_{ri} = E_{ri}^1/E_{ri}^0 - 1`:

.. math::

    \\Delta E_{ri} = \\underbrace{E_{ri}^0 g_N}_{\\text{national share}}
        + \\underbrace{E_{ri}^0 (g_i - g_N)}_{\\text{industry mix}}
        + \\underbrace{E_{ri}^0 (g_{ri} - g_i)}_{\\text{competitive}}

(Dunn 1960). Esteban-Marquillas (1972) splits the competitive effect with the homothetic
employment :math:`\\hat E_{ri} = E_r^0 N_i^0 / N^0` (the region's employment if it had the
reference industry structure) into a homothetic competitive effect
:math:`\\hat E_{ri}(g_{ri} - g_i)` and an allocation effect
:math:`(E_{ri}^0 - \\hat E_{ri})(g_{ri} - g_i)`, which is positive when a region is
specialised in industries where it is also competitive. The dynamic variant (Barff and
Knight 1988) applies the classic formula year by year, with weights and growth rates updated
each year, and sums the yearly components. Every variant sums exactly to the actual change.
Every table also has the net total shift, industry mix + competitive (Dunn 1960; REAT's
``nts``). ``method="gerfin"`` (Gerfin 1964) adds the multiplicative regional, structural
and location factors, computed from the classic components at every level of
aggregation (:mod:`emerging.trends._gerfin`).

Edge cases. Unknown values and absent rows follow the policy of
:func:`emerging.trends.growth` (the engine's ``absent="zero"``): a pair without a row in
a year in which its region has other rows has no employment there (an industry that
appears starts from 0, and its whole change is competitive); a pair of a region with no
row at all in a year used (not reported, e.g. recoded between NUTS versions), or with a
null (confidential) value, is excluded (counted in ``exclusions``; ``reason`` says
``"region absent in <year>"`` or ``"unknown value in a year used"``), and the reference
totals (and, for the homothetic employment, the region's total) are summed over the
included pairs only, so that the reference compares like with like. A frame of external
totals (``reference=nuts0_frame``) is read as published instead. Zero start employment: the national share
and industry mix are 0 and the whole change is competitive; the Esteban-Marquillas split
of that competitive effect is undefined (:math:`g_{ri}` has no value), so
``homothetic_competitive`` and ``allocation`` are null, the competitive effect goes to
``unsplit_competitive`` (0 for every other pair), and ``reason`` says so. Such a pair stays
in the region and industry totals, where homothetic competitive + allocation + unsplit
competitive = competitive; ``exclusions`` counts these pairs as left out of the split.
Zero reference employment in the industry at the start of a step (possible only for a
region outside a reference set that still employs people in the industry) gives null
components and a ``reason`` naming that year; ``dynamic`` checks every year of the window.

References
----------
Dunn, E. S. (1960). A statistical and analytical technique for regional analysis. *Papers
and Proceedings of the Regional Science Association*, 6, 97-112.
Esteban-Marquillas, J. M. (1972). A reinterpretation of shift-share analysis. *Regional and
Urban Economics*, 2(3), 249-255.
Barff, R. A. and Knight, P. L. (1988). Dynamic shift-share analysis. *Growth and Change*,
19(2), 1-10.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._engine import CodedPanel
from emerging._reference import Economy, ReferenceLike, Regions
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, Exclusions
from emerging._typing import check_option
from emerging.trends._gerfin import gerfin_ratios, net_total_shift
from emerging.trends._window import (
    Window,
    balanced_window,
    coded_window,
    economy_label,
    gap_reasons,
    trend_economy,
)

Method = Literal["classic", "esteban_marquillas", "dynamic", "gerfin"]
METHODS = ("classic", "esteban_marquillas", "dynamic", "gerfin")
COMPONENTS = {
    "classic": ("national_share", "industry_mix", "competitive"),
    "gerfin": ("national_share", "industry_mix", "competitive"),
    "dynamic": ("national_share", "industry_mix", "competitive"),
    "esteban_marquillas": (
        "national_share", "industry_mix", "homothetic_competitive", "allocation"
    ),
}
_LABELS = {
    "national_share": "National share",
    "industry_mix": "Industry mix",
    "competitive": "Competitive",
    "homothetic_competitive": "Competitive (homothetic)",
    "allocation": "Allocation",
    "unsplit_competitive": "Competitive (not split)",
}
UNSPLIT = "unsplit_competitive"


@dataclass(frozen=True, repr=False)
class ShiftShare(Result):
    """Result of :func:`shift_share`: one row per region-industry pair in ``table``.

    ``table`` columns: ``region``, ``industry``, ``value_start``, ``value_end``, ``change``,
    the components of ``method`` (see :data:`COMPONENTS`; Esteban-Marquillas also keeps
    ``competitive`` and adds ``homothetic`` and ``unsplit_competitive``), and ``reason``
    (null when every component is defined). A pair is decomposed when ``competitive`` is
    not null; only decomposed pairs enter ``to_frame(by=...)`` and ``summary``.
    """

    table: pl.DataFrame
    method: str
    reference: str
    start: int
    end: int
    exclusions: Exclusions

    @property
    def components(self) -> tuple[str, ...]:
        """Components that add up to the change; with Esteban-Marquillas also
        ``unsplit_competitive`` when a pair's competitive effect could not be split."""
        parts = COMPONENTS[self.method]
        if self.method == "esteban_marquillas" and (self.table[UNSPLIT] != 0).any():
            parts = (*parts, UNSPLIT)
        return parts

    def _decomposed(self) -> pl.DataFrame:
        return self.table.filter(pl.col("competitive").is_not_null())

    def to_frame(self, by: Literal["pair", "region", "industry"] = "pair") -> pl.DataFrame:
        """Components per region-industry pair, or summed per region or per industry."""
        check_option("by", by, ("pair", "region", "industry"))
        if by == "pair":
            return self.table
        cols = ["value_start", "value_end", "change", *self.components]
        for extra in ("competitive", UNSPLIT, "net_total_shift"):
            if extra not in cols and extra in self.table.columns:
                cols.append(extra)
        included = self._decomposed()
        key = REGION if by == "region" else INDUSTRY
        out = (
            included.group_by(key)
            .agg(pl.len().alias("pairs"), *[pl.col(c).sum() for c in cols])
            .sort(key)
        )
        return out.with_columns(gerfin_ratios()) if self.method == "gerfin" else out

    def summary(self, n: int = 3) -> str:
        """Totals of each component and the ``n`` largest and smallest competitive effects."""
        included = self._decomposed()
        lines = [
            f"Shift-share ({self.method}), {self.start}-{self.end}, reference: {self.reference}",
            f"{included.height:,} region-industry pairs; {self.exclusions}",
            f"actual change: {included['change'].sum():,.1f}",
        ]
        for c in self.components:
            lines.append(f"  {_LABELS[c]:<26}{included[c].sum():>14,.1f}")
        ranked = included.drop_nulls("competitive").sort("competitive", descending=True)
        for title, rows in (("largest", ranked.head(n)), ("smallest", ranked.tail(n).reverse())):
            lines.append(f"{title} competitive effects:")
            for row in rows.iter_rows(named=True):
                lines.append(
                    f"  {row[REGION]} {row[INDUSTRY]}: {row['competitive']:,.1f}"
                )
        return "\n".join(lines)

    def _html_frame(self) -> pl.DataFrame:
        return self.to_frame(by="region")


    def plot(
        self,
        ax=None,
        *,
        by: Literal["region", "industry"] = "region",
        kind: Literal["bar", "waterfall"] = "bar",
        key: str | None = None,
        top: int = 20,
    ):
        """Stacked component bars per region (or industry), or a waterfall for one ``key``.

        ``kind="bar"`` draws the ``top`` regions (industries) with the largest absolute
        change, one stacked bar of components each, with a dot for the actual change.
        ``kind="waterfall"`` draws start value, each component and end value for the
        region (industry) ``key``. Returns a :class:`~emerging.maps.Drawing`.
        """
        from emerging.maps.trends_plots import plot_shift_share

        return plot_shift_share(self, ax, labels=_LABELS, by=by, kind=kind, key=key, top=top)


def _components(e0, e1, n0, n1, ntot0, ntot1):
    """Classic components for one step; all arrays broadcast to (R, I)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        g_n = ntot1 / ntot0 - 1.0
        g_i = np.where(n0 > 0, n1 / n0 - 1.0, np.nan)
        national = np.where(e0 == 0, 0.0, e0 * g_n)
        mix = np.where(e0 == 0, 0.0, e0 * (g_i - g_n))
        change = e1 - e0
        competitive = change - national - mix
    return national, mix, competitive, g_i


def shift_share(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    method: Method = "classic",
    reference: ReferenceLike = "all",
    regions: Regions = None,
    reference_regions: str | Collection[str] | None = None,
) -> ShiftShare:
    """Shift-share decomposition of every region-industry pair between two years.

    Parameters
    ----------
    panel
        Panel of one NUTS level (employment as ``value``).
    start, end
        First and last year; ``method="dynamic"`` needs every year in between. Only the
        rows of the years used are read and validated.
    method
        ``"classic"`` (Dunn 1960), ``"esteban_marquillas"`` (1972, adds ``homothetic`` and
        splits the competitive effect into ``homothetic_competitive`` and ``allocation``),
        ``"dynamic"`` (Barff and Knight 1988, yearly steps summed), or ``"gerfin"``
        (Gerfin 1964: the classic components plus ``regional_factor``,
        ``structural_factor`` and ``location_factor``, per pair and in
        ``to_frame(by="region" | "industry")``).
    reference, regions
        The economy each region is compared with: ``"all"`` regions of the panel, the
        region's ``"country"`` (regions sharing its first two letters), a ``"set"`` of
        regions given by ``regions`` (e.g. ``"central_europe_2021_2027"``), or a frame of
        external totals with the Panel's columns: Eurostat's NUTS-0 rows (each region
        against its own country, as REAT's ``shift()`` does with national figures) or
        one aggregate such as ``EU27_2020``. A frame is read as published (its industries
        that are in the panel; no like-for-like balancing); an industry unknown (null or
        no row) in it in a year used gives that industry's pairs null components.
        ``reference_regions=`` is the deprecated name of ``regions=``.

    Returns
    -------
    ShiftShare
        Frozen result; ``.to_frame(by="region")`` sums the components per region.

    Notes
    -----
    See the module docstring for the formulas and edge cases. Only the industries of the
    panel enter the reference: a panel of manufacturing divisions decomposes change within
    manufacturing.

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2,
    ...     "industry": ["C10", "C11"] * 4,
    ...     "year": [2010] * 4 + [2011] * 4, "value": [10., 20, 30, 40, 12, 18, 39, 41]})
    >>> shift_share(p, start=2010, end=2011).to_frame(by="region")["competitive"].round(3).to_list()
    [-2.417, 2.417]
    """
    check_option("method", method, METHODS)
    coded = coded_window(panel, start, end, every_year=method == "dynamic")
    economy = trend_economy(coded, reference, regions, reference_regions=reference_regions)
    w, columns, counts = decompose(coded, start, end, method, economy,
                                   label=economy_label(economy, regions))
    table = coded.pair_frame(w.has_pair, columns).with_columns(net_total_shift())
    if method == "gerfin":
        table = table.with_columns(gerfin_ratios())
    return ShiftShare(
        table=table,
        method=method,
        reference=w.label,
        start=start,
        end=end,
        exclusions=Exclusions(counts),
    )


def decompose(
    coded: CodedPanel, start: int, end: int, method: str, economy: Economy, *, label: str,
    window: Window | None = None,
) -> tuple[Window, dict[str, np.ndarray], dict[str, int]]:
    """The pair columns of :func:`shift_share` as ``(region, industry)`` arrays of an
    already coded panel (only the years of the window are read) against a resolved
    reference, with the :class:`~emerging.trends._window.Window` (its ``has_pair`` marks
    the pairs of the table) and the exclusion counts. The internal entry point for callers
    that hold the coded window already (:func:`emerging.detect.emergence_signals`);
    ``window`` is :func:`~emerging.trends._window.balanced_window` of the years used, when
    the caller has it already."""
    steps = coded.window(start, end, every_year=method == "dynamic")
    w = window or balanced_window(coded, steps, economy, label=label)
    n = w.reference
    # an industry unknown in an external reference in some year drops out of N (like for
    # like) and its pairs get null components
    unknown_ref = np.isnan(n).any(axis=0)  # (R|1, I)
    ntot = np.where(unknown_ref, 0.0, n).sum(axis=2, keepdims=True)  # (T, R|1, 1)
    national, mix, competitive, first_undefined = _summed_steps(w.balanced, n, ntot)
    included = w.included
    undefined = included & np.isnan(competitive)
    columns = {
        "value_start": np.where(w.known[0], w.values[0], np.nan),
        "value_end": np.where(w.known[-1], w.values[-1], np.nan),
        "change": np.where(included, w.balanced[-1] - w.balanced[0], np.nan),
        "national_share": np.where(included, national, np.nan),
        "industry_mix": np.where(included, mix, np.nan),
        "competitive": np.where(included, competitive, np.nan),
    }
    reason = _pair_reasons(w, coded.years[steps], undefined, first_undefined, unknown_ref)
    counts = _exclusion_counts(w, undefined)
    if method == "esteban_marquillas":
        _esteban_marquillas(w, ntot, competitive, undefined, columns, reason, counts)
    columns["reason"] = reason
    return w, columns, counts


def _summed_steps(balanced: np.ndarray, n: np.ndarray, ntot: np.ndarray):
    """Classic components summed over the window's steps (one step for two years; every
    year for the dynamic variant) and, per pair, the first step whose start year has no
    reference employment (-1 for none)."""
    national = np.zeros(balanced.shape[1:])
    mix = np.zeros_like(national)
    competitive = np.zeros_like(national)
    first_undefined = np.full(balanced.shape[1:], -1)
    for s in range(balanced.shape[0] - 1):  # loop over years only
        ns, im, ce, _ = _components(
            balanced[s], balanced[s + 1], n[s], n[s + 1], ntot[s], ntot[s + 1],
        )
        national += ns
        mix += im
        competitive += ce
        first_undefined[(first_undefined < 0) & np.isnan(ce)] = s
    return national, mix, competitive, first_undefined


def _pair_reasons(w: Window, years: np.ndarray, undefined: np.ndarray,
                  first_undefined: np.ndarray, unknown_ref: np.ndarray) -> np.ndarray:
    """Why a pair has null components (None where it has all), ``(region, industry)``."""
    reason = gap_reasons(w, [f"region absent in {y}" for y in years])
    no_reference = np.array(
        [f"zero reference employment in the industry in {y}" for y in years], dtype=object
    )
    reason[undefined] = no_reference[first_undefined[undefined]]
    unknown_pairs = undefined & np.broadcast_to(unknown_ref, undefined.shape)
    reason[unknown_pairs] = "industry unknown in the reference"
    return reason


def _exclusion_counts(w: Window, undefined: np.ndarray) -> dict[str, int]:
    region_absent = w.has_pair & ~w.reported.all(axis=0)[:, None]
    return {
        "pairs whose region has no row in a year used": int(region_absent.sum()),
        "pairs with an unknown (null) value in a year used": int(
            (w.has_pair & ~region_absent & ~w.included).sum()
        ),
        "pairs with zero reference employment in their industry in a year used": int(
            undefined.sum()
        ),
    }


def _esteban_marquillas(w: Window, ntot: np.ndarray, competitive: np.ndarray,
                        undefined: np.ndarray, columns: dict, reason: np.ndarray,
                        counts: dict) -> None:
    """Add the homothetic employment and the Esteban-Marquillas split (module docstring)
    to ``columns``, ``reason`` and ``counts``."""
    e0, e1, n, included = w.balanced[0], w.balanced[-1], w.reference, w.included
    decomposed = included & ~undefined
    region_total = e0.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        homothetic = region_total * n[0] / ntot[0]
        g_ri = np.where(e0 > 0, e1 / e0 - 1.0, np.nan)
        g_i = np.where(n[0] > 0, n[-1] / n[0] - 1.0, np.nan)
    unsplit = decomposed & (e0 == 0)  # g_ri undefined: the split has no value
    columns["homothetic"] = np.where(included, homothetic, np.nan)
    columns["homothetic_competitive"] = np.where(included, homothetic * (g_ri - g_i), np.nan)
    columns["allocation"] = np.where(included, (e0 - homothetic) * (g_ri - g_i), np.nan)
    columns[UNSPLIT] = np.where(decomposed, np.where(unsplit, competitive, 0.0), np.nan)
    reason[unsplit] = (
        "zero start employment: competitive effect not split (see unsplit_competitive)"
    )
    counts[
        "pairs with zero start employment left out of the Esteban-Marquillas split "
        "(their competitive effect is in unsplit_competitive)"
    ] = int(unsplit.sum())
