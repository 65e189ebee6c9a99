"""Drawings of the data-layer results: what was read, harmonised, estimated and kept.

Each function takes the result object and returns a :class:`~emerging.maps.Drawing`; the
results' ``.plot()`` methods call them (imported inside the method, so the data layer never
imports matplotlib or this package).
"""

from __future__ import annotations

import polars as pl

from emerging.maps import style
from emerging.maps._drawing import canvas, draws


def _bars(ax, labels, values, *, xlabel: str, title: str | None = None):
    ax.barh(labels, values, color=style.HIGHLIGHT)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)


@draws
def plot_harmonised(result, ax=None):
    """Input rows by report status of :func:`emerging.harmonise`."""
    fig, ax = canvas(ax, "a4_strip")
    by = result.report.group_by("status").agg(pl.col("rows").sum()).sort("rows")
    _bars(ax, by["status"].to_list(), by["rows"].to_list(), xlabel="input rows",
          title=f"NUTS codes changed on the way to NUTS {result.target}")
    return fig, ax


@draws
def plot_build(result, ax=None):
    """Rows kept per output file of a data build."""
    fig, ax = canvas(ax, "a4_strip")
    frame = result.to_frame()
    _bars(ax, frame["file"].to_list(), frame["rows"].to_list(), xlabel="rows kept",
          title="Rows kept per output")
    return fig, ax


@draws
def plot_confidential(result, ax=None):
    """Confidential (suppressed) cells by estimation status."""
    fig, ax = canvas(ax, "a4_strip")
    counts = result.report.group_by("status").agg(pl.col("suppressed").sum()).sort("suppressed")
    _bars(ax, counts["status"].to_list(), counts["suppressed"].to_list(),
          xlabel="confidential cells", title="Confidential cells by status")
    return fig, ax


@draws
def plot_participations(result, ax=None):
    """Participations per project start year of a CORDIS table."""
    fig, ax = canvas(ax, "a4_strip")
    per_year = result.participations.group_by("start_year").len().sort("start_year")
    ax.bar(per_year["start_year"].to_list(), per_year["len"].to_list(), color=style.HIGHLIGHT)
    ax.set_xlabel("project start year")
    ax.set_ylabel("participations")
    ax.set_title("Participations per start year")
    return fig, ax
