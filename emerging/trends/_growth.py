"""Growth of employment over a window, relative to a reference, and entry and exit of
specialisations.

For a region-industry pair with employment :math:`E_0` in year :math:`t_0` and
:math:`E_1` in year :math:`t_1` (:math:`T = t_1 - t_0` years):

.. math::

    \\Delta E = E_1 - E_0, \\quad \\text{rel} = \\frac{E_1}{E_0} - 1, \\quad
    \\text{CAGR} = \\left(\\frac{E_1}{E_0}\\right)^{1/T} - 1, \\quad
    \\text{log growth} = \\frac{\\ln E_1 - \\ln E_0}{T}

(the log growth is annualised, a continuous rate). The same rates for the reference
employment of the industry, :math:`N_{i}` (all regions, the region's country, or a region
set), give the growth relative to the reference: ``cagr_vs_ref`` = CAGR minus reference
CAGR (percentage points) and ``log_growth_vs_ref`` = log growth minus reference log growth
(the annual change of the log share of the region in the reference industry).

Edge cases: a pair needs known values in both years, else all rates are null with
``reason = "unknown value in a year used"`` (a null, e.g. confidential, value) or
``"absent row at start"`` / ``"absent row at end"`` (the panel has no row for the pair in
that year); the reference sums only pairs known in both years (like for like).
:math:`E_0 = 0`: relative change, CAGR and log growth are null (``reason = "zero at
start"``; the absolute change is kept). :math:`E_1 = 0 < E_0`: relative change and CAGR are
-1, log growth null (``"zero at end"``).

Absent rows and null values. A null value is unknown. An absent row (no row for the pair
in a year) follows the convention of :mod:`emerging.indices`: no employment. Entry and
exit of specialisations (:func:`specialisation_changes`) therefore read an absent row as a
zero (LQ 0, not present: a pair with no row at the start and an LQ of 1.29 at the end is
an ``entry``), while a null value keeps the LQ unknown (``status = "unknown"``). If the
region has no employment at all in that year (e.g. it was reported under another NUTS
code), its LQ is undefined and the status is ``unknown`` as well. The growth rates of
:func:`growth` cannot be computed from an absent row: the pair keeps null rates with its
own reason (above) and stays out of the reference totals, as in
:func:`emerging.trends.shift_share`, so that a region recoded between the two
years is not counted as an industry born from nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._checks import check_window, check_years
from emerging._result import Result
from emerging._schema import (
    INDUSTRY,
    KEYS,
    REGION,
    VALUE,
    YEAR,
    Exclusions,
    same_kind,
    validate_panel,
)
from emerging.trends._cube import (
    Reference,
    balanced_window,
    check_option,
    gap_reasons,
    to_frame,
    validated_cube,
)


def cagr_expr(start: pl.Expr | str, end: pl.Expr | str, years: int | pl.Expr) -> pl.Expr:
    """Polars expression: compound annual growth rate ``(end/start)**(1/years) - 1``;
    null when ``start`` is not positive. Named ``cagr``."""
    start = pl.col(start) if isinstance(start, str) else start
    end = pl.col(end) if isinstance(end, str) else end
    return pl.when(start > 0).then((end / start) ** (1.0 / years) - 1.0).alias("cagr")


def log_growth_expr(start: pl.Expr | str, end: pl.Expr | str, years: int | pl.Expr) -> pl.Expr:
    """Polars expression: annualised log growth ``(ln end - ln start)/years``; null when
    either is not positive. Named ``log_growth``."""
    start = pl.col(start) if isinstance(start, str) else start
    end = pl.col(end) if isinstance(end, str) else end
    return pl.when((start > 0) & (end > 0)).then((end.log() - start.log()) / years).alias(
        "log_growth"
    )


def _rates(e0: np.ndarray, e1: np.ndarray, years: int) -> dict[str, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(e0 > 0, e1 / e0, np.nan)
        return {
            "rel_change": ratio - 1.0,
            "cagr": ratio ** (1.0 / years) - 1.0,
            "log_growth": np.where(ratio > 0, np.log(ratio) / years, np.nan),
        }


def growth(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    reference: Reference = "all",
    reference_regions: str | Collection[str] | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Absolute and relative change, CAGR and log growth of every pair, and of its reference.

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    start, end
        First and last year of the window (any two years of the panel).
    reference, reference_regions
        ``"all"`` regions of the panel, the region's ``"country"``, or a ``"set"`` given by
        ``reference_regions`` (a name such as ``"central_europe_2021_2027"`` or codes).

    Returns
    -------
    Same kind as ``panel``, one row per region-industry pair: ``value_start``,
    ``value_end``, ``abs_change``, ``rel_change``, ``cagr``, ``log_growth``, ``ref_start``,
    ``ref_end``, ``ref_cagr``, ``ref_log_growth``, ``cagr_vs_ref``, ``log_growth_vs_ref``
    and ``reason`` (null when every rate is defined).

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["CZ01", "CZ02"] * 2, "industry": ["C10"] * 4,
    ...     "year": [2010, 2010, 2012, 2012], "value": [100.0, 100.0, 121.0, 100.0]})
    >>> growth(p, start=2010, end=2012)["cagr"].round(4).to_list()
    [0.1, 0.0]
    """
    cube = validated_cube(panel)
    steps = cube.window(start, end, every_year=False)
    w = balanced_window(cube, steps, reference=reference, reference_regions=reference_regions)
    years = end - start
    e0 = np.where(w.included, w.values[:, :, 0], np.nan)
    e1 = np.where(w.included, w.values[:, :, 1], np.nan)
    n0, n1 = w.reference[:, :, 0], w.reference[:, :, 1]
    own, ref = _rates(e0, e1, years), _rates(n0, n1, years)
    reason = np.full(e0.shape, None, dtype=object)
    reason[e1 == 0] = "zero at end"
    reason[e0 == 0] = "zero at start"
    gaps = gap_reasons(w, ["absent row at start", "absent row at end"])
    reason[~w.included] = gaps[~w.included]
    out = to_frame(
        cube,
        w.has_pair,
        {
            "value_start": np.where(w.known[:, :, 0], w.values[:, :, 0], np.nan),
            "value_end": np.where(w.known[:, :, 1], w.values[:, :, 1], np.nan),
            "abs_change": e1 - e0,
            **own,
            "ref_start": np.where(w.included, n0, np.nan),
            "ref_end": np.where(w.included, n1, np.nan),
            "ref_cagr": np.where(w.included, ref["cagr"], np.nan),
            "ref_log_growth": np.where(w.included, ref["log_growth"], np.nan),
            "cagr_vs_ref": own["cagr"] - ref["cagr"],
            "log_growth_vs_ref": own["log_growth"] - ref["log_growth"],
            "reason": reason,
        },
    )
    return same_kind(out, panel)


Status = Literal["entry", "exit", "stay", "absent", "unknown"]


@dataclass(frozen=True, repr=False)
class SpecialisationChanges(Result):
    """Entry and exit of specialisations between two years (see :func:`specialisation_changes`).

    ``pairs``: one row per region-industry pair with ``lq_start``, ``lq_end``,
    ``present_start``, ``present_end``, ``row_start``, ``row_end`` (whether the panel had a
    row; an absent row counts as no employment) and ``status`` (``entry``: not specialised
    at the start, specialised at the end; ``exit``: the reverse; ``stay``; ``absent``;
    ``unknown`` when either LQ is undefined, e.g. a confidential cell).
    """

    pairs: pl.DataFrame
    start: int
    end: int
    threshold: float
    exclusions: Exclusions

    def to_frame(self) -> pl.DataFrame:
        return self.pairs

    def table(self, by: Literal["region", "industry"] = "region") -> pl.DataFrame:
        """Entry/exit table: counts of each status per region (or industry), with ``net``."""
        check_option("by", by, ("region", "industry"))
        counts = self.pairs.group_by(by).agg(
            *[(pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in
              ("entry", "exit", "stay", "absent", "unknown")]
        )
        return counts.with_columns(net=pl.col("entry") - pl.col("exit")).sort(by)

    def summary(self) -> str:
        c = self.pairs["status"].value_counts().sort("status")
        parts = ", ".join(f"{s}: {n:,}" for s, n in c.iter_rows())
        return (
            f"Specialisations (LQ >= {self.threshold:g}) {self.start} -> {self.end}: {parts}; "
            f"{self.exclusions}"
        )

    def plot(self, ax=None, *, by: Literal["region", "industry"] = "region", top: int = 25):
        """Bars of entries (up) and exits (down) per region or industry, busiest first."""
        from emerging.maps.trends_plots import plot_specialisation_changes

        return plot_specialisation_changes(self, ax, by=by, top=top)


def specialisation_changes(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    threshold: float = 1.0,
    base: Literal["all", "country"] = "all",
) -> SpecialisationChanges:
    """Which specialisations (LQ >= ``threshold``) appear or disappear between two years.

    Presence comes from :func:`emerging.indices.lq.presence` in each year separately (the
    LQ of year *t* against the reference in year *t*). A pair with a row in only one of
    the two years has no employment in the other (the indices' convention, see the module
    docstring): LQ 0 there, so it can enter or exit; a null value stays unknown.

    Returns
    -------
    SpecialisationChanges
        ``.pairs`` (one row per pair present in either year) and ``.table(by=...)``.
    """
    from emerging.indices.lq import presence

    check_window(start, end)
    frame = validate_panel(panel)
    check_years([start, end], frame[YEAR].unique().to_list())
    two_years = frame.filter(pl.col(YEAR).is_in([start, end])).select(*KEYS, VALUE)
    # every pair seen in either year gets both years; an absent row is no employment (0)
    both = two_years.select(REGION, INDUSTRY).unique().join(
        pl.DataFrame({YEAR: [start, end]}, schema={YEAR: two_years.schema[YEAR]}), how="cross"
    )
    filled = both.join(
        two_years.with_columns(row=pl.lit(True)), on=list(KEYS), how="left"
    ).with_columns(
        pl.col("row").fill_null(False),
        pl.when(pl.col("row")).then(pl.col(VALUE)).otherwise(0.0).alias(VALUE),
    )
    marked = presence(filled, threshold=threshold, base=base)
    wide = marked.select(REGION, INDUSTRY, YEAR, "lq", "present", "row")
    first = wide.filter(pl.col(YEAR) == start).drop(YEAR)
    last = wide.filter(pl.col(YEAR) == end).drop(YEAR)
    pairs = first.join(last, on=[REGION, INDUSTRY], how="full", coalesce=True, suffix="_end")
    pairs = pairs.rename({"lq": "lq_start", "present": "present_start", "row": "row_start"})
    p0, p1 = pl.col("present_start"), pl.col("present_end")
    pairs = pairs.with_columns(
        status=pl.when(p0.is_null() | p1.is_null()).then(pl.lit("unknown"))
        .when(~p0 & p1).then(pl.lit("entry"))
        .when(p0 & ~p1).then(pl.lit("exit"))
        .when(p0 & p1).then(pl.lit("stay"))
        .otherwise(pl.lit("absent"))
    ).sort(REGION, INDUSTRY)
    unknown = int((pairs["status"] == "unknown").sum())
    return SpecialisationChanges(
        pairs=pairs,
        start=start,
        end=end,
        threshold=threshold,
        exclusions=Exclusions({"pairs with an undefined LQ in either year (unknown)": unknown}),
    )
