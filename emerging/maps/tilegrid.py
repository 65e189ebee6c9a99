"""Tile-grid maps of the Central Europe programme area: one square per NUTS-2 region.

A tile grid needs no geometry, so it works offline, and every region gets the same area, so
small regions (Wien, Praha, Berlin, Budapest) do not vanish as they do on a geographic map.
The tile positions are hand-placed (:func:`emerging.codes.nuts.central_europe_table`:
columns ``tile_row``, ``tile_col``; row 0 is north, column 0 is west). Countries are shown by
a thick outline around their tiles.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import polars as pl

from emerging.codes.nuts import central_europe_table
from emerging.maps import style as house
from emerging.maps._drawing import Drawing
from emerging.maps.classify import (
    Scheme,
    add_legend,
    classify_regions,
    legend_handles,
    missing_note,
    one_value_per_region,
)
from emerging.maps.map_style import ChoroplethStyle, resolve_style

Labels = Literal["code", "code+value", "none"]
_LABELS = ("code", "code+value", "none")
TILE = 0.92  # side of a tile; the rest of the unit cell is the gap between tiles


def tile_positions() -> pl.DataFrame:
    """Tile-grid table (``region``, ``name``, ``country``, ``tile_row``, ``tile_col``)."""
    return central_europe_table()


def tile_map(
    frame: pl.DataFrame | pl.LazyFrame,
    column: str = "value",
    *,
    style: ChoroplethStyle | None = None,
    region_col: str = "region",
    classes: int | Sequence[float] | None = None,
    scheme: Scheme | None = None,
    diverging_at: float | None = None,
    missing: str | None = None,
    reason_col: str | None = None,
    title: str | None = None,
    units: str | None = None,
    labels: Labels = "code",
    size: house.Size | tuple[float, float] = "a4_half",
    legend: bool | None = None,
    source: str | None = "Source: Eurostat",
    ax=None,
):
    """Draw a tile-grid choropleth of the 81 NUTS-2 regions of the programme area.

    Parameters
    ----------
    frame
        One row per region: ``region_col`` (NUTS 2021 code) and ``column`` (the value; null
        or NaN = missing). Regions of the programme area absent from ``frame`` are drawn as
        missing; rows for regions outside the area are not drawn and a warning counts them.
    column
        Column with the values to map.
    style
        A :class:`~emerging.maps.ChoroplethStyle` (classification, colours, legend), shared
        with :func:`~emerging.maps.choropleth`; the keywords of the same names win over it.
    classes, scheme, diverging_at
        Classification, see :func:`emerging.maps.classify.classify` (default: 5 quantile
        classes). Use ``diverging_at=1`` for location quotients.
    missing
        Legend name for missing values without a reason (default ``"No data"``).
    reason_col
        Column giving why a value is missing (e.g. ``lq_reason`` from
        :func:`emerging.indices.lq.location_quotient`: ``"confidential"``...); each reason
        gets its own hatch and legend entry. Defaults to ``f"{column}_reason"`` when present.
        The legend names up to three regions per reason; the note under the map names more.
    title, units
        Axes title and legend title (put the unit here, e.g. ``"LQ (employment)"``).
    labels
        ``"code"`` writes the NUTS code in each tile, ``"code+value"`` adds the value,
        ``"none"`` leaves tiles blank.
    size
        Figure size when a new figure is made (see :data:`emerging.maps.style.SIZES`).
    legend
        Draw the legend (default True; off for panels of small multiples that share one).
    source
        Source line written under a new figure (not when drawing into a given ``ax``).
    ax
        Matplotlib Axes to draw into; a new Figure is made when None.

    Returns
    -------
    (Figure, Axes). Each tile is a ``Rectangle`` in ``ax.patches`` whose ``gid`` is the
    region code; missing tiles carry a hatch. No window is opened.
    """
    if labels not in _LABELS:
        raise ValueError(f"labels must be one of {_LABELS}; got {labels!r}")
    look = resolve_style(style, classes=classes, scheme=scheme, diverging_at=diverging_at,
                         missing=missing, units=units, legend=legend)
    data = one_value_per_region(frame, column, region_col, reason_col)
    grid = tile_positions()
    _warn_outside(data, grid)
    cls, values, index, miss, hatch_of = classify_regions(
        grid["region"].to_list(), data, classes=look.classes, scheme=look.scheme,
        diverging_at=look.diverging_at, missing=look.missing,
    )
    with house.house_style():
        own = ax is None
        fig, ax = house.new_figure(size) if own else (ax.figure, ax)
        _draw_tiles(ax, grid, cls.colours, index, hatch_of, values, labels)
        _draw_country_outlines(ax, grid)
        _frame_grid(ax, grid, own=own)
        if look.legend:
            add_legend(ax, legend_handles(cls, miss, listed=look.list_missing > 0), look.units)
        if title:
            ax.set_title(title)
        # the missing regions the legend counts are named under the map (with no legend,
        # the caller composes the key: small multiples share one)
        note = (missing_note(miss, list_up_to=look.list_missing)
                if look.legend and look.list_missing else None)
        house.add_source_and_note(fig, ax, source=source, note=note, own=own)
    return Drawing(fig, ax)


def _warn_outside(data: pl.DataFrame, grid: pl.DataFrame) -> None:
    """Warn, with a count and examples, about rows for regions the grid does not hold."""
    outside = data.filter(~pl.col("region").is_in(grid["region"].implode()))
    if outside.height:
        warnings.warn(
            f"{outside.height} region(s) outside the Central Europe tile grid are not drawn "
            f"(e.g. {outside['region'].head(3).to_list()})",
            stacklevel=3,
        )


def _frame_grid(ax, grid: pl.DataFrame, *, own: bool) -> None:
    """Equal aspect, the limits of the grid, no axes; room for the legend on a new figure."""
    ax.set_aspect("equal")
    rows, cols = grid["tile_row"].max() + 1, grid["tile_col"].max() + 1
    ax.set_xlim(-0.2, cols + 0.1)
    ax.set_ylim(-rows - 0.1, 0.2)
    ax.set_axis_off()
    if own:
        ax.set_position((0.01, 0.06, 0.64, 0.86))  # room for the legend on the right


def _draw_tiles(ax, tiles: pl.DataFrame, colours, index, hatch_of, values, labels) -> None:
    from matplotlib.patches import Rectangle

    from emerging.maps.classify import format_number

    pad = (1 - TILE) / 2
    finite = values[np.isfinite(values)]
    decimals = 2 if finite.size and np.nanmax(np.abs(finite)) < 100 else 0
    for region, row, col, i, v in zip(
        tiles["region"], tiles["tile_row"], tiles["tile_col"], index, values, strict=True
    ):
        fill = colours[i] if i >= 0 else house.MISSING_FILL
        patch = Rectangle(
            (col + pad, -row - 1 + pad), TILE, TILE, facecolor=fill,
            edgecolor=house.MISSING_EDGE if i < 0 else house.TILE_EDGE, linewidth=0.3,
            hatch=hatch_of.get(region), gid=region, label=None,
        )
        ax.add_patch(patch)
        if labels == "none":
            continue
        text = region if labels == "code" or i < 0 else f"{region}\n{format_number(v, decimals)}"
        ax.text(
            col + 0.5, -row - 0.5, text, ha="center", va="center", fontsize=house.LABEL_SIZE,
            color=house.text_colour_on(fill), linespacing=1.1,
            bbox=({"boxstyle": "round,pad=0.1", "fc": house.MISSING_FILL, "ec": "none"}
                  if i < 0 else None),
        )


def _draw_country_outlines(ax, tiles: pl.DataFrame) -> None:
    """Thick lines where neighbouring cells belong to different countries (or to none)."""
    from matplotlib.collections import LineCollection

    rows = tiles["tile_row"].to_numpy()
    cols = tiles["tile_col"].to_numpy()
    countries, code = np.unique(tiles["country"].to_numpy(), return_inverse=True)
    grid = np.full((rows.max() + 3, cols.max() + 3), -1)
    grid[rows + 1, cols + 1] = code
    # horizontal borders: between grid rows r and r+1 (y = -r in map units, row r-1 above it)
    h = (grid[:-1, :] != grid[1:, :]) & ((grid[:-1, :] >= 0) | (grid[1:, :] >= 0))
    hr, hc = np.nonzero(h)
    x0 = hc - 1.0
    y = -(hr + 1.0) + 1.0
    h_segments = np.stack([np.stack([x0, y], 1), np.stack([x0 + 1, y], 1)], 1)
    v = (grid[:, :-1] != grid[:, 1:]) & ((grid[:, :-1] >= 0) | (grid[:, 1:] >= 0))
    vr, vc = np.nonzero(v)
    x = vc * 1.0
    y0 = -(vr - 1.0)
    v_segments = np.stack([np.stack([x, y0], 1), np.stack([x, y0 - 1], 1)], 1)
    lines = LineCollection(
        np.concatenate([h_segments, v_segments]), colors=house.COUNTRY_EDGE, linewidths=1.1,
        capstyle="projecting", gid="country-outlines",
    )
    ax.add_collection(lines)
