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
country) and only over pairs known in both years (like for like, as in
:func:`emerging.trends.growth`, which computes both rates); ``growth_gap = g - g_ref``.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from emerging._schema import INDUSTRY, REGION, YEAR, validate_panel
from emerging._typing import check_option
from emerging.indices.lq import location_quotient
from emerging.trends._growth import growth


def emergence_signals(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    base: Literal["all", "country"] = "all",
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
        ``signal_note`` (why a signal is null: an unknown value in a year used, a zero at
        the start, or the LQ's own reason).
    """
    check_option("base", base, ("all", "country"))
    frame = validate_panel(panel)
    years = set(frame[YEAR].unique().to_list())
    if not start < end:
        raise ValueError(f"start must be before end; got start={start}, end={end}")
    missing = sorted({start, end} - years)
    if missing:
        raise ValueError(
            f"year(s) {missing} not in the panel; available years: {min(years)}-{max(years)}"
        )
    rates = growth(frame, start=start, end=end, reference=base)
    lq = (
        location_quotient(frame.filter(pl.col(YEAR).is_in([start, end])), base=base)
        .pivot(on=YEAR, index=[REGION, INDUSTRY], values=["lq", "lq_reason"])
    )
    s, e = str(start), str(end)
    note = pl.coalesce(pl.col("reason"), pl.col(f"lq_reason_{s}"), pl.col(f"lq_reason_{e}"))
    return (
        rates.join(lq, on=[REGION, INDUSTRY], how="left")
        .select(
            REGION,
            INDUSTRY,
            pl.lit(start, pl.Int32).alias("start"),
            pl.lit(end, pl.Int32).alias("end"),
            "value_start",
            "value_end",
            pl.col(f"lq_{s}").alias("lq_start"),
            pl.col(f"lq_{e}").alias("lq_end"),
            pl.col("cagr").fill_nan(None),
            pl.col("ref_cagr").fill_nan(None),
            pl.col("cagr_vs_ref").fill_nan(None).alias("growth_gap"),
            note.alias("signal_note"),
        )
        .sort(REGION, INDUSTRY)
    )
