"""Figures other than single maps, in the house style: small multiples, sparklines, bar and
bubble charts. Every function returns the matplotlib Figure and Axes and never opens a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import polars as pl

from emerging.maps import style as house
from emerging.maps._drawing import Drawing
from emerging.maps.classify import Scheme, add_legend, classify, legend_handles, missing_patch
from emerging.maps.map_style import ChoroplethStyle, resolve_style

Kind = Literal["tiles", "choropleth"]
_KINDS = ("tiles", "choropleth")


def _frame(frame, needed: Sequence[str]) -> pl.DataFrame:
    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in frame; found {data.columns}")
    return data


def small_multiples(
    frame: pl.DataFrame | pl.LazyFrame,
    column: str = "value",
    *,
    by: str = "year",
    kind: Kind = "tiles",
    geometries=None,
    ncols: int = 3,
    style: ChoroplethStyle | None = None,
    classes: int | Sequence[float] | None = None,
    scheme: Scheme | None = None,
    diverging_at: float | None = None,
    units: str | None = None,
    title: str | None = None,
    size: house.Size | tuple[float, float] | None = None,
    source: str | None = None,
    **map_options,
):
    """One map per value of ``by`` (years, industries), all with the same classes.

    The classes are computed once over all panels, so a colour means the same value in every
    panel; one legend serves them all. ``kind="choropleth"`` needs ``geometries``;
    ``map_options`` go to :func:`~emerging.maps.tilegrid.tile_map` or
    :func:`~emerging.maps.choropleth` (e.g. ``region_col``, ``crosswalk``). ``style`` is a
    :class:`~emerging.maps.ChoroplethStyle` (its ``classes``, ``scheme``, ``diverging_at``
    and ``units`` are used; the keywords of the same names win over it).

    ``size`` defaults to the A4 text width, with a height that fits the rows of panels.

    Returns (Figure, array of Axes); unused panels are switched off.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}; got {kind!r}")
    if kind == "choropleth" and geometries is None:
        raise ValueError("kind='choropleth' needs geometries=load_nuts(...)")
    data = _frame(frame, [by, column])
    panels = data[by].unique().sort().to_list()
    if len(panels) > 12:
        raise ValueError(f"{len(panels)} panels for {by!r} is too many to read: pick 12 or fewer")
    look = resolve_style(style, classes=classes, scheme=scheme, diverging_at=diverging_at,
                         units=units)
    diverging_at, units = look.diverging_at, look.units
    pooled = classify(data[column].cast(pl.Float64).fill_nan(None).to_numpy().astype(float),
                      classes=look.classes, scheme=look.scheme, diverging_at=diverging_at)
    breaks = list(pooled.upper)
    nrows = -(-len(panels) // ncols)
    if size is None:  # A4 width; each row of panels as tall as a panel is wide, plus the title
        width = house.SIZES["a4"][0]
        size = (width, min(nrows * 0.8 * width / ncols + 1.3, house.SIZES["a4"][1]))
    fig, axes = house.new_figure(size, nrows=nrows, ncols=ncols, squeeze=False)
    with house.house_style():
        from emerging.maps._choropleth import choropleth
        from emerging.maps.tilegrid import tile_map

        for ax, value in zip(axes.flat, panels, strict=False):
            part = data.filter(pl.col(by) == value)
            common = dict(classes=breaks, scheme="user", diverging_at=diverging_at,
                          legend=False, ax=ax, **map_options)
            if kind == "tiles":
                tile_map(part, column, labels="none", **common)
            else:
                choropleth(part, geometries, column, **common)
            ax.set_title(str(value), fontsize=house.FONT_SIZE)
        for ax in axes.flat[len(panels):]:
            ax.set_axis_off()
        fig.subplots_adjust(left=0.01, right=0.8, top=0.9, bottom=0.06, wspace=0.05,
                            hspace=0.15)
        handles = legend_handles(pooled, {})
        if any(p.get_hatch() for ax in axes.flat for p in ax.patches):
            handles.append(missing_patch("No data or confidential"))
        add_legend(axes.flat[min(ncols, len(panels)) - 1], handles, units, anchor=(1.02, 1.0))
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=house.TITLE_SIZE)
        if source:
            house.add_source(fig, source)
    return Drawing(fig, axes)


def sparklines(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    series: str = "region",
    x: str = "year",
    y: str = "value",
    order: Sequence[str] | None = None,
    decimals: int = 0,
    size: tuple[float, float] | None = None,
):
    """A column of word-sized line charts, one per series, with its last value written.

    Returns (Figure, array of Axes), one Axes per series in ``order`` (default: sorted).
    The y scale of each line is its own (sparklines show shape, not level); the first and
    last values are written left and right so levels can still be read.
    """
    data = _frame(frame, [series, x, y]).sort(series, x)
    names = list(order) if order is not None else data[series].unique().sort().to_list()
    if not names:
        raise ValueError("no series to draw: the frame is empty")
    height = size or (3.2, 0.32 * len(names) + 0.3)
    fig, axes = house.new_figure(height, nrows=len(names), ncols=1, squeeze=False)
    axes = axes[:, 0]
    with house.house_style():
        for ax, name in zip(axes, names, strict=True):
            part = data.filter(pl.col(series) == name).drop_nulls(y)
            ax.set_axis_off()
            ax.text(-0.02, 0.5, str(name), transform=ax.transAxes, ha="right", va="center",
                    fontsize=house.FONT_SIZE - 1)
            if part.is_empty():
                ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center",
                        va="center", fontsize=house.SOURCE_SIZE, color=house.SOURCE_COLOUR)
                continue
            xs, ys = part[x].to_numpy(), part[y].to_numpy().astype(float)
            ax.plot(xs, ys, color=house.QUALITATIVE[4], linewidth=1.0, gid=f"spark:{name}")
            ax.plot(xs[-1:], ys[-1:], "o", color=house.QUALITATIVE[5], markersize=2.5)
            ax.text(1.02, 0.5, f"{ys[-1]:,.{decimals}f}", transform=ax.transAxes, ha="left",
                    va="center", fontsize=house.FONT_SIZE - 1)
        first, last = data[x].min(), data[x].max()
        axes[-1].text(0.0, -0.35, str(first), transform=axes[-1].transAxes, ha="left",
                      va="top", fontsize=house.SOURCE_SIZE, color=house.SOURCE_COLOUR)
        axes[-1].text(1.0, -0.35, str(last), transform=axes[-1].transAxes, ha="right",
                      va="top", fontsize=house.SOURCE_SIZE, color=house.SOURCE_COLOUR)
        fig.subplots_adjust(left=0.25, right=0.78, top=0.98, bottom=0.1, hspace=0.3)
    return Drawing(fig, axes)


def bar_chart(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    category: str,
    value: str,
    highlight: Sequence[str] = (),
    reference: float | None = None,
    sort: bool = True,
    decimals: int = 2,
    units: str | None = None,
    title: str | None = None,
    size: house.Size | tuple[float, float] | None = None,
    ax=None,
):
    """Horizontal bars, largest on top, with the value at the end of each bar.

    ``highlight`` categories are drawn in vermilion, the rest in blue; ``reference`` draws a
    vertical line (e.g. 1 for location quotients). Null values are listed as "n/a".
    Bars are ``Rectangle`` patches with ``gid`` = the category.
    """
    data = _frame(frame, [category, value])
    if sort:
        data = data.sort(value, descending=False, nulls_last=False)
    cats = [str(c) for c in data[category].to_list()]
    vals = data[value].cast(pl.Float64).to_numpy().astype(float)
    own = ax is None
    fig, ax = (house.new_figure(size or (5.5, 0.22 * len(cats) + 0.9)) if own
               else (ax.figure, ax))
    with house.house_style():
        colours = [house.QUALITATIVE[5] if c in set(highlight) else house.QUALITATIVE[4]
                   for c in cats]
        bars = ax.barh(np.arange(len(cats)), np.nan_to_num(vals), color=colours, height=0.7)
        for bar, cat, v in zip(bars, cats, vals, strict=True):
            bar.set_gid(cat)
            ax.text(max(v, 0) if np.isfinite(v) else 0, bar.get_y() + bar.get_height() / 2,
                    f" {v:,.{decimals}f}" if np.isfinite(v) else " n/a", va="center",
                    fontsize=house.FONT_SIZE - 1.5)
        ax.set_yticks(np.arange(len(cats)), cats)
        ax.tick_params(axis="y", length=0)
        if reference is not None:
            ax.axvline(reference, color=house.TEXT_COLOUR, linewidth=0.7, linestyle="--")
        if units:
            ax.set_xlabel(units)
        if title:
            ax.set_title(title)
    return Drawing(fig, ax)


def bubble_chart(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    x: str,
    y: str,
    size: str,
    label: str | None = None,
    labelled: Sequence[str] = (),
    x_reference: float | None = None,
    y_reference: float | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    size_label: str | None = None,
    title: str | None = None,
    figsize: house.Size | tuple[float, float] = "a4_half",
    ax=None,
):
    """Bubbles at (x, y) with area proportional to ``size``; quadrant lines optional.

    The classic use is the "bubble chart" of cluster mapping: LQ on x (reference 1),
    employment growth on y (reference 0), employment as bubble area. Points whose ``label``
    is in ``labelled`` are named, without overlaps. Rows with a null x, y or size are not
    drawn; their number is written under the chart.
    """
    needed = [x, y, size, *([label] if label else [])]
    data = _frame(frame, needed)
    complete = data.drop_nulls([x, y, size])
    dropped = data.height - complete.height
    xs, ys = complete[x].to_numpy().astype(float), complete[y].to_numpy().astype(float)
    sz = complete[size].to_numpy().astype(float)
    smax = sz.max() if sz.size and sz.max() > 0 else 1.0
    own = ax is None
    fig, ax = house.new_figure(figsize) if own else (ax.figure, ax)
    with house.house_style():
        ax.scatter(xs, ys, s=600 * sz / smax, color=house.QUALITATIVE[1], alpha=0.6,
                   edgecolors=house.QUALITATIVE[4], linewidths=0.5, gid="bubbles")
        if x_reference is not None:
            ax.axvline(x_reference, color=house.NEUTRAL, linewidth=0.7, linestyle="--")
        if y_reference is not None:
            ax.axhline(y_reference, color=house.NEUTRAL, linewidth=0.7, linestyle="--")
        ax.set_xlabel(x_label or x)
        ax.set_ylabel(y_label or y)
        handles = [ax.scatter([], [], s=600 * f, color=house.QUALITATIVE[1], alpha=0.6,
                              label=f"{smax * f:,.0f}") for f in (1.0, 0.25)]
        ax.legend(handles=handles, title=size_label or size, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), labelspacing=1.6, borderpad=1.0)
        if title:
            ax.set_title(title)
        if label and labelled:
            from emerging.maps.labels import place_labels

            names = complete[label].to_list()
            points = [(n, px, py, n) for n, px, py in zip(names, xs, ys, strict=True)
                      if n in set(labelled)]
            place_labels(ax, points)
        if dropped:
            ax.text(0.0, -0.16, f"{dropped} row(s) with missing values not drawn",
                    transform=ax.transAxes, fontsize=house.SOURCE_SIZE,
                    color=house.SOURCE_COLOUR)
    return Drawing(fig, ax)
