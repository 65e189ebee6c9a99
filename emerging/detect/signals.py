"""Signals: the evidence a flag rests on, one row per region-industry and window.

:func:`emergence_signals` compares a start and an end year of a panel and returns, for
every region-industry, the location quotients at both ends, the compound annual growth
rate (CAGR) of the pair's employment and of the same industry in the reference economy,
and the employment at the end. Rules (:mod:`emerging.detect.rules`) turn these columns
into flags.

.. math::

    g_{ri} = \\left(\\frac{E_{ri,t_1}}{E_{ri,t_0}}\\right)^{1/(t_1 - t_0)} - 1, \\qquad
    g^{ref}_{i} = \\left(\\frac{\\sum_{s} E_{si,t_1}}{\\sum_{s} E_{si,t_0}}\\right)^{1/(t_1 - t_0)} - 1

where the sum runs over the reference regions (all regions in the panel, or the region's
country), excluding confidential cells; ``growth_gap = g - g_ref``.
"""

from __future__ import annotations

import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, validate_panel
from emerging.indices.lq import Base, location_quotient


def emergence_signals(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    base: Base = "all",
) -> pl.DataFrame:
    """Signals for every region-industry between ``start`` and ``end``.

    Parameters
    ----------
    panel
        Panel of employment (one NUTS level).
    start, end
        First and last year of the window (``start < end``, both in the panel).
    base
        Reference economy for LQs and reference growth: ``"all"`` or ``"country"``.

    Returns
    -------
    polars.DataFrame
        ``region``, ``industry``, ``start``, ``end``, ``value_start``, ``value_end``,
        ``lq_start``, ``lq_end``, ``cagr``, ``ref_cagr``, ``growth_gap`` and
        ``signal_note`` (why a signal is null: confidential or zero cells).
    """
    frame = validate_panel(panel)
    years = set(frame[YEAR].unique().to_list())
    if not start < end:
        raise ValueError(f"start must be before end; got start={start}, end={end}")
    missing = sorted({start, end} - years)
    if missing:
        raise ValueError(
            f"year(s) {missing} not in the panel; available years: {min(years)}-{max(years)}"
        )
    span = end - start
    lq = location_quotient(frame.filter(pl.col(YEAR).is_in([start, end])), base=base)
    ref_keys = [INDUSTRY] if base == "all" else [INDUSTRY, pl.col(REGION).str.slice(0, 2)]
    wide = (
        lq.with_columns(
            pl.col(VALUE).sum().over(*ref_keys, YEAR).alias("_ref"),
        )
        .pivot(on=YEAR, index=[REGION, INDUSTRY], values=[VALUE, "lq", "_ref", "lq_reason"])
    )
    s, e = str(start), str(end)
    v0, v1 = pl.col(f"{VALUE}_{s}"), pl.col(f"{VALUE}_{e}")
    r0, r1 = pl.col(f"_ref_{s}"), pl.col(f"_ref_{e}")
    cagr = pl.when(v0 > 0).then((v1 / v0) ** (1 / span) - 1)
    ref_cagr = pl.when(r0 > 0).then((r1 / r0) ** (1 / span) - 1)
    note = (
        pl.when(v0.is_null() | v1.is_null()).then(pl.lit("confidential cell"))
        .when(v0 == 0).then(pl.lit("no employment at start"))
        .otherwise(pl.coalesce(pl.col(f"lq_reason_{s}"), pl.col(f"lq_reason_{e}")))
    )
    return wide.select(
        REGION,
        INDUSTRY,
        pl.lit(start, pl.Int32).alias("start"),
        pl.lit(end, pl.Int32).alias("end"),
        v0.alias("value_start"),
        v1.alias("value_end"),
        pl.col(f"lq_{s}").alias("lq_start"),
        pl.col(f"lq_{e}").alias("lq_end"),
        cagr.alias("cagr"),
        ref_cagr.alias("ref_cagr"),
        (cagr - ref_cagr).alias("growth_gap"),
        note.alias("signal_note"),
    ).sort(REGION, INDUSTRY)
