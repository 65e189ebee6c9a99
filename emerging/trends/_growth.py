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
``"region absent at start"`` / ``"region absent at end"`` (the region has no row at all in
that year); the reference sums only pairs known in both years (like for like).
:math:`E_0 = 0`: relative change, CAGR and log growth are null (``reason = "zero at
start"``; the absolute change is kept). :math:`E_1 = 0 < E_0`: relative change and CAGR are
-1, log growth null (``"zero at end"``).

Absent rows and null values (one policy for :func:`growth`,
:func:`specialisation_changes` and :func:`emerging.trends.shift_share`; the engine's
``absent="zero"``, see :mod:`emerging._engine`). A null value is unknown. An absent row (no
row for the pair in a year in which its region has other rows) is no employment, as in
:mod:`emerging.indices`: a pair with no row at the start and 30 employees at the end has
``value_start`` 0, an absolute change of 30 and ``reason = "zero at start"``, and its
specialisation, LQ 0 at the start, can be an ``entry``. A region with no row at all in a
year has not reported that year (e.g. it was recoded to another NUTS version): its pairs
are unknown there (growth: ``"region absent at start"``; specialisations: LQ undefined,
``status = "unknown"``), so that a recoded region is not read as industries born from
nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._checks import check_window, check_years
from emerging._engine import CodedPanel
from emerging._reference import Economy, ReferenceLike, Regions, deprecated
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
from emerging._typing import check_option
from emerging.trends._window import (
    Window,
    balanced_window,
    coded_window,
    economy_label,
    gap_reasons,
    trend_economy,
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


def growth_arrays(
    coded: CodedPanel, start: int, end: int, economy: Economy, *, label: str,
    window: Window | None = None,
) -> tuple[Window, dict[str, np.ndarray]]:
    """The columns of :func:`growth` as ``(region, industry)`` arrays of an already coded
    panel (any of its years; only ``start`` and ``end`` are read) against a resolved
    reference, and the :class:`~emerging.trends._window.Window` they come from (its
    ``has_pair`` marks the pairs :func:`growth` returns). The internal entry point for
    callers that hold the coded window already (:func:`emerging.detect.emergence_signals`).
    ``window`` is :func:`~emerging.trends._window.balanced_window` of the two years, when
    the caller has it already.
    """
    w = window or balanced_window(coded, coded.window(start, end, every_year=False), economy,
                                  label=label)
    years = end - start
    e0 = np.where(w.included, w.values[0], np.nan)
    e1 = np.where(w.included, w.values[1], np.nan)
    n0, n1 = w.reference[0], w.reference[1]
    own, ref = _rates(e0, e1, years), _rates(n0, n1, years)
    reason = np.full(e0.shape, None, dtype=object)
    reason[e1 == 0] = "zero at end"
    reason[e0 == 0] = "zero at start"
    gaps = gap_reasons(w, ["region absent at start", "region absent at end"])
    reason[~w.included] = gaps[~w.included]
    return w, {
        "value_start": np.where(w.known[0], w.values[0], np.nan),
        "value_end": np.where(w.known[1], w.values[1], np.nan),
        "abs_change": e1 - e0,
        **own,
        "ref_start": np.where(w.included, n0, np.nan),
        "ref_end": np.where(w.included, n1, np.nan),
        "ref_cagr": np.where(w.included, ref["cagr"], np.nan),
        "ref_log_growth": np.where(w.included, ref["log_growth"], np.nan),
        "cagr_vs_ref": own["cagr"] - ref["cagr"],
        "log_growth_vs_ref": own["log_growth"] - ref["log_growth"],
        "reason": reason,
    }


def growth(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    reference_regions: str | Collection[str] | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Absolute and relative change, CAGR and log growth of every pair, and of its reference.

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    start, end
        First and last year of the window (any two years of the panel). Only the rows
        of these two years are read and validated.
    reference, regions
        ``"all"`` regions of the panel, the region's ``"country"``, a ``"set"`` given by
        ``regions`` (a name such as ``"central_europe_2021_2027"`` or codes), or a frame of
        external totals (Eurostat's NUTS-0 rows, each region against its country, or one
        aggregate such as ``EU27_2020``), read as published: ``ref_start``/``ref_end``
        are the frame's values for the region's country (or the aggregate) and industry.
        ``reference_regions=`` is the deprecated name of ``regions=``.

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
    coded = coded_window(panel, start, end, every_year=False)
    economy = trend_economy(coded, reference, regions, reference_regions=reference_regions)
    w, columns = growth_arrays(coded, start, end, economy, label=economy_label(economy, regions))
    out = coded.pair_frame(w.has_pair, columns)
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
    reference: ReferenceLike = "all",
    regions: Regions = None,
    base: Literal["all", "country"] | None = None,
) -> SpecialisationChanges:
    """Which specialisations (LQ >= ``threshold``) appear or disappear between two years.

    Presence comes from :func:`emerging.indices.presence` in each year separately (the
    LQ of year *t* against the reference in year *t*; ``reference`` and ``regions`` as
    there, ``base=`` is their deprecated spelling). A pair with a row in only one of the
    two years has no employment in the other (the policy in the module docstring): LQ 0
    there, so it can enter or exit; a null value stays unknown.

    Returns
    -------
    SpecialisationChanges
        ``.pairs`` (one row per pair present in either year) and ``.table(by=...)``.
    """
    from emerging.indices import presence

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
    if base is not None:
        deprecated(f"base={base!r}", f"reference={base!r}")
        reference = base
    marked = presence(filled, threshold=threshold, reference=reference, regions=regions)
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
