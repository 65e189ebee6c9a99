"""Drawings of the detection layer's explicit rules (:class:`emerging.detect.EmergenceFlags`)."""

from __future__ import annotations

import textwrap

import numpy as np
import polars as pl

from emerging._schema import INDUSTRY, REGION
from emerging.maps import style
from emerging.maps._drawing import canvas, draws

#: The three verdicts of a flag (Boolean, null when a rule could not be evaluated), in
#: drawing order, with their legend names and colours.
_VERDICTS = (
    ("not flagged", lambda f: (~f).fill_null(False), style.MUTED),
    ("not assessable (unknown value)", lambda f: f.is_null(), style.MISSING_EDGE),
    ("flagged", lambda f: f.fill_null(False), style.HIGHLIGHT),
)


@draws
def plot_emergence_flags(flags, ax=None, *, region: str | None = None,
                         industry: str | None = None, label_top: int | None = None):
    """LQ at the start against LQ at the end of the window, one point per region-industry,
    the flagged pairs highlighted and the ``label_top`` with the largest growth gap named
    (default 8 for one region or industry, none for all pairs, where names would overlap);
    the lines at LQ 1 mark the crossing the rules look for. ``region`` or ``industry``
    keeps one region's industries or one industry's regions."""
    from matplotlib.ticker import FuncFormatter

    t = flags.table
    if region is not None:
        t = t.filter(pl.col(REGION) == region)
    if industry is not None:
        t = t.filter(pl.col(INDUSTRY) == industry)
    t = t.filter((pl.col("lq_start") > 0) & (pl.col("lq_end") > 0))  # a log scale
    if not t.height:
        raise ValueError(f"no pair with positive LQs to plot for region={region!r}, "
                         f"industry={industry!r}; check the codes")
    fig, ax = canvas(ax, "a4_half")
    many = t.height > 5000
    for label, verdict, colour in _VERDICTS:
        rows = t.filter(verdict(pl.col("flagged")))
        if not rows.height:  # no empty legend entry
            continue
        ax.scatter(rows["lq_start"].to_numpy(), rows["lq_end"].to_numpy(), s=4 if many else 14,
                   color=colour, alpha=0.6 if many else 0.9, linewidths=0,
                   rasterized=many, label=f"{label} ({rows.height:,})",
                   zorder=3 if label == "flagged" else 2)
    if label_top is None:
        label_top = 0 if region is None and industry is None else 8
    for row in flags_to_label(t, label_top).iter_rows(named=True):
        name = row[INDUSTRY] if region else row[REGION] if industry else \
            f"{row[REGION]} {row[INDUSTRY]}"
        ax.annotate(name, (row["lq_start"], row["lq_end"]), xytext=(3, 3),
                    textcoords="offset points", fontsize=style.LABEL_SIZE,
                    color=style.TEXT_COLOUR)
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):  # 0.5, 1, 2 rather than powers of ten
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(FuncFormatter(_minor_label))
    ax.axvline(1, color=style.NEUTRAL, lw=0.8, ls="--", label="LQ 1")
    ax.axhline(1, color=style.NEUTRAL, lw=0.8, ls="--")
    lo = float(np.nanmin([t["lq_start"].min(), t["lq_end"].min()]))
    hi = float(np.nanmax([t["lq_start"].max(), t["lq_end"].max()]))
    ax.plot([lo, hi], [lo, hi], color=style.NEUTRAL, lw=0.6, zorder=1, label="LQ unchanged")
    start, end = int(t["start"][0]), int(t["end"][0])
    ax.set_xlabel(f"location quotient {start}")
    ax.set_ylabel(f"location quotient {end}")
    subject = region or industry or "all region-industries"
    ax.set_title(f"{subject}: emergence flags, LQ {start} → {end}")
    rules = "\n".join(textwrap.wrap("flagged: " + "; ".join(r.description for r in flags.rules),
                                     60))
    ax.legend(loc="upper left", title=rules, title_fontsize=style.LABEL_SIZE + 0.5,
              markerscale=3 if many else 1.5, alignment="left")
    return fig, ax


def _minor_label(value: float, _position) -> str:
    """Minor ticks of a log axis named at 2, 3 and 5 times a power of ten only."""
    mantissa = round(value / 10 ** np.floor(np.log10(value)), 6) if value > 0 else 0
    return f"{value:g}" if mantissa in (2, 3, 5) else ""


def flags_to_label(t: pl.DataFrame, n: int) -> pl.DataFrame:
    """The ``n`` flagged pairs with the largest growth gap."""
    return t.filter(pl.col("flagged").fill_null(False)).sort(
        "growth_gap", descending=True, nulls_last=True).head(n)
