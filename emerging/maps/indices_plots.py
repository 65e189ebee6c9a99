"""Drawings of the specialisation results: ranked index bars and cluster stars."""

from __future__ import annotations

import polars as pl

from emerging._schema import INDUSTRY, REGION, YEAR
from emerging.maps import style
from emerging.maps._drawing import canvas, draws


@draws
def ranked_bars(frame: pl.DataFrame, ax=None, *, key: str, index: str, year: int | None = None,
                top: int = 20, what: str = "region", colour: str = style.HIGHLIGHT):
    """Horizontal bars of column ``index`` for the ``top`` rows (by ``key``) of ``year``.

    ``year`` defaults to the latest year in ``frame``.
    """
    year = frame[YEAR].max() if year is None else year
    data = (frame.filter(pl.col(YEAR) == year).drop_nulls(index)
            .sort(index, descending=True).head(top).reverse())
    fig, ax = canvas(ax, "a4_half")
    ax.barh(data[key].to_list(), data[index].to_list(), color=colour)
    ax.set_xlabel(index.replace("_", " "))
    ax.set_title(f"{index.replace('_', ' ').capitalize()} by {what}, {year}")
    return fig, ax


def plot_diversity(result, ax=None, *, index: str = "krugman", year: int | None = None,
                   top: int = 20):
    """The ``top`` regions by a diversity index (:class:`emerging.indices.RegionalDiversity`)."""
    return ranked_bars(result.regions, ax, key=REGION, index=index, year=year, top=top,
                       what="region")


def plot_concentration(result, ax=None, *, index: str = "gini", year: int | None = None,
                       top: int = 20):
    """The ``top`` industries by a concentration index
    (:class:`emerging.indices.IndustryConcentration`)."""
    return ranked_bars(result.industries, ax, key=INDUSTRY, index=index, year=year, top=top,
                       what="industry", colour=style.NEGATIVE)


@draws
def plot_stars(result, ax=None, *, region: str | None = None, year: int | None = None,
               top: int = 15):
    """ECO stars (0-3) of one region's categories, ordered by LQ (default: the region with
    the most stars in the latest year)."""
    s = result.stars
    year = s[YEAR].max() if year is None else year
    if region is None:
        region = s.filter(pl.col(YEAR) == year).sort("eco_stars", descending=True)[REGION][0]
    data = (s.filter((pl.col(REGION) == region) & (pl.col(YEAR) == year))
            .drop_nulls("lq").sort("lq", descending=True).head(top).reverse())
    fig, ax = canvas(ax, "a4_half")
    ax.barh(data[INDUSTRY].to_list(), data["eco_stars"].to_list(), color=style.QUALITATIVE[0])
    ax.set_xlim(0, 3)
    ax.set_xticks([0, 1, 2, 3])
    ax.set_xlabel("ECO stars (size, specialisation, focus)")
    ax.set_title(f"Cluster stars of {region}, {year} (top {top} by LQ)")
    return fig, ax
