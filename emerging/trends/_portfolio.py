"""The LQ-growth portfolio: where each region-industry pair sits by specialisation and growth.

Each pair is a bubble: x is its location quotient at the end of the window (or the change
in LQ), y its growth relative to the reference (CAGR minus the reference industry's CAGR,
percentage points per year), size its employment at the end. The axes at LQ = 1 (or
change = 0) and relative growth = 0 cut four quadrants:

=============  ====================  ======================================================
quadrant       position              reading
=============  ====================  ======================================================
``star``       LQ >= 1, faster       specialised and gaining
``mature``     LQ >= 1, not faster   specialised but losing ground
``emerging``   LQ < 1, faster        not (yet) specialised, growing faster than reference
``marginal``   LQ < 1, not faster    neither specialised nor catching up
=============  ====================  ======================================================

With ``x="lq_change"`` the quadrants are ``rising, faster``, ``rising, slower``, ``falling,
faster`` and ``falling, slower``. The column ``emerging`` is the class ``emerging`` of
:mod:`emerging.detect.classes` as of ``end`` (the toolkit's one definition, default score),
not a quadrant: the quadrant describes the past window, the class looks ahead. Pairs
without a defined LQ or growth (unknown values, zero at the start) get a null quadrant and
are counted in ``exclusions``.

References
----------
Henderson, B. D. (1970). The product portfolio. *BCG Perspectives*, Boston Consulting
Group (the growth-share matrix that this chart adapts to regions and industries).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import polars as pl

from emerging._reference import ReferenceLike, Regions, deprecated
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, YEAR, Exclusions, validate_panel
from emerging._typing import check_option
from emerging.trends._growth import growth

_QUADRANTS = {
    "lq": ("star", "mature", "emerging", "marginal"),
    "lq_change": ("rising, faster", "rising, slower", "falling, faster", "falling, slower"),
}


@dataclass(frozen=True, repr=False)
class Portfolio(Result):
    """Result of :func:`portfolio`; ``table`` has one row per region-industry pair with
    ``lq_start``, ``lq_end``, ``lq_change``, ``value_end``, ``cagr``, ``ref_cagr``,
    ``growth_vs_ref``, ``x``, ``quadrant`` and ``emerging``."""

    table: pl.DataFrame
    x: str
    start: int
    end: int
    reference: str
    exclusions: Exclusions

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def summary(self) -> str:
        counts = self.table.drop_nulls("quadrant")["quadrant"].value_counts().sort("quadrant")
        parts = ", ".join(f"{q}: {n:,}" for q, n in counts.iter_rows())
        n_emerging = int(self.table["emerging"].sum())
        return (
            f"LQ-growth portfolio {self.start}-{self.end} (reference: {self.reference}): "
            f"{parts}; {n_emerging:,} emerging (class of emerging.detect as of {self.end}); "
            f"{self.exclusions}"
        )

    def plot(
        self,
        ax=None,
        *,
        region: str | None = None,
        industry: str | None = None,
        label_top: int = 8,
        max_size: float = 1500.0,
    ):
        """Bubble chart of one region's industries (``region=``), one industry's regions
        (``industry=``) or all pairs; the ``label_top`` largest bubbles are labelled and
        pairs of the class ``emerging`` (:mod:`emerging.detect.classes`) get a thick
        outline."""
        from emerging.maps.trends_plots import plot_portfolio

        return plot_portfolio(self, ax, quadrants=_QUADRANTS[self.x], region=region,
                              industry=industry, label_top=label_top, max_size=max_size)


def _emerging_class(frame: pl.DataFrame, start: int, end: int) -> pl.DataFrame:
    """``emerging`` (Boolean) per pair: the class of :mod:`emerging.detect` as of ``end``."""
    from emerging.detect import emergence_scores, emergence_signals

    scores = emergence_scores(emergence_signals(frame, start=start, end=end)).to_frame(
        evidence=False)
    return scores.select(REGION, INDUSTRY, (pl.col("class") == "emerging").alias("emerging"))


def _label(reference, regions) -> str:
    if isinstance(reference, pl.DataFrame | pl.LazyFrame):
        return "external totals"
    return reference if reference != "set" else f"set {regions}"


def portfolio(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    x: Literal["lq", "lq_change"] = "lq",
    reference: ReferenceLike = "all",
    regions: Regions = None,
    reference_regions: str | Collection[str] | None = None,
    lq_base: Literal["all", "country"] | None = None,
) -> Portfolio:
    """Place every region-industry pair in the LQ-growth portfolio (see module docstring).

    Parameters
    ----------
    panel
        Panel of one NUTS level.
    start, end
        Window for the growth and the LQ change.
    x
        Horizontal axis: ``"lq"`` at the end year or ``"lq_change"`` over the window.
    reference, regions
        Reference economy of the growth comparison and of the location quotient (see
        :func:`emerging.trends.growth` and :func:`emerging.indices.location_quotient`).
    reference_regions, lq_base
        Deprecated: ``regions`` under its old name, and a separate reference of the LQ
        (``"all"`` or ``"country"``; for one release it still overrides ``reference``
        for the LQ).
    """
    from emerging.indices import location_quotient

    check_option("x", x, ("lq", "lq_change"))
    frame = validate_panel(panel)
    if reference_regions is not None:
        deprecated("reference_regions=", "regions=")
        regions = reference_regions
    lq_reference = reference
    if lq_base is not None:
        deprecated(f"lq_base={lq_base!r}", f"reference={lq_base!r}")
        lq_reference = lq_base
    g = growth(frame, start=start, end=end, reference=reference, regions=regions)
    lq = location_quotient(frame.filter(pl.col(YEAR).is_in([start, end])),
                           reference=lq_reference,
                           regions=regions if lq_reference == "set" else None)
    lq_wide = (
        lq.select(REGION, INDUSTRY, YEAR, "lq")
        .pivot(on=YEAR, index=[REGION, INDUSTRY], values="lq")
        .rename({str(start): "lq_start", str(end): "lq_end"})
    )
    table = g.select(
        REGION, INDUSTRY, "value_end", "cagr", "ref_cagr",
        pl.col("cagr_vs_ref").alias("growth_vs_ref"),
    ).join(lq_wide, on=[REGION, INDUSTRY], how="left")
    table = table.with_columns(lq_change=pl.col("lq_end") - pl.col("lq_start"))
    xcol = pl.col("lq_end") if x == "lq" else pl.col("lq_change")
    cut = 1.0 if x == "lq" else 0.0
    right, up = xcol >= cut, pl.col("growth_vs_ref") > 0
    q = _QUADRANTS[x]
    table = table.with_columns(
        x=xcol,
        quadrant=pl.when(xcol.is_null() | pl.col("growth_vs_ref").is_null()).then(None)
        .when(right & up).then(pl.lit(q[0]))
        .when(right).then(pl.lit(q[1]))
        .when(up).then(pl.lit(q[2]))
        .otherwise(pl.lit(q[3])),
    ).join(_emerging_class(frame, start, end), on=[REGION, INDUSTRY], how="left").with_columns(
        pl.col("emerging").fill_null(False)
    ).select(
        REGION, INDUSTRY, "lq_start", "lq_end", "lq_change", "value_end", "cagr", "ref_cagr",
        "growth_vs_ref", "x", "quadrant", "emerging",
    )
    undefined = int(table["quadrant"].null_count())
    return Portfolio(
        table=table, x=x, start=start, end=end,
        reference=_label(reference, regions),
        exclusions=Exclusions({"pairs with an undefined LQ or growth": undefined}),
    )


