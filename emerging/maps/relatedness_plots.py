"""Drawings of the capability results: economic complexity and the risk-reward matrix."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from emerging._schema import INDUSTRY, YEAR
from emerging.maps import style
from emerging.maps._drawing import canvas, draws


@draws
def plot_complexity(result, ax=None, *, year: int | None = None):
    """ECI (or fitness) of regions against their diversity for ``year`` (default the last)."""
    fig, ax = canvas(ax, "a4_half")
    year = result.regions[YEAR].max() if year is None else year
    data = result.regions.filter(pl.col(YEAR) == year).drop_nulls("eci")
    ax.scatter(data["diversity"], data["eci"], s=12, alpha=0.7, color=style.HIGHLIGHT)
    ax.set_xlabel("diversity (number of specialisations)")
    ax.set_ylabel("fitness" if result.method == "fitness" else "ECI")
    ax.set_title(f"Economic complexity of regions, {year} ({result.method})")
    return fig, ax


@draws
def plot_risk_reward(result, ax=None, *, quadrants: Sequence[str], label: int = 10):
    """Candidates by relatedness density and complexity with the quadrant lines; the
    ``label`` best are labelled (beside their points, without overprinting). ``quadrants``
    names the four quadrants, best first; the legend lists only the quadrants that hold a
    candidate, each with its count."""
    from emerging.maps.labels import place_labels

    fig, ax = canvas(ax, "a4_half")
    counts = dict(result.candidates.group_by("quadrant").len().iter_rows())
    for quadrant, colour in zip(quadrants, style.QUADRANT_COLOURS, strict=True):
        part = result.candidates.filter(pl.col("quadrant") == quadrant)
        if part.height:  # an empty quadrant gets no legend entry
            ax.scatter(part["density"], part["pci"], s=18, color=colour,
                       label=f"{quadrant} ({counts[quadrant]})")
    ax.axvline(result.density_split, color=style.NEUTRAL, lw=0.8, ls="--")
    ax.axhline(result.pci_split, color=style.NEUTRAL, lw=0.8, ls="--")
    ax.set_xlabel("relatedness density (0-100): higher = lower risk")
    ax.set_ylabel("industry complexity (PCI): higher = higher reward")
    ax.set_title(f"Risk-reward matrix, {result.region} {result.year}")
    if counts:
        ax.legend(loc="best", title="quadrant (candidates)")
    best = result.candidates.head(label)
    if best.height:
        place_labels(ax, [(str(r[INDUSTRY]), r["density"], r["pci"], str(r[INDUSTRY]))
                          for r in best.iter_rows(named=True)],
                     fontsize=style.LABEL_SIZE, avoid=result.candidates.select("density", "pci")
                     .to_numpy(), avoid_radius=2.5, mark_anchors=False)
    return fig, ax
