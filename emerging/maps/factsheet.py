"""The figures of a regional fact sheet: the specialisation map, employment over time and the
where-to-diversify chart, plus the linked overview map of a batch index.

Every function returns a matplotlib ``(Figure, Axes)`` in the house style and never opens a
window. Location-quotient maps use fixed, readable class bounds (0.5, 0.8, 1, 1.25, 2, 3)
from which every bound that would leave a class empty is dropped, so a zero-heavy industry
never shows an empty class or a "0.00-0.00" legend entry.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import polars as pl

from emerging.maps import style

LQ_BOUNDS: tuple[float, ...] = (0.5, 0.8, 1.0, 1.25, 2.0, 3.0)


def nonempty_breaks(values: Sequence[float], bounds: Sequence[float] = LQ_BOUNDS, *,
                    keep: Sequence[float] = (1.0,), min_width: float = 0.1) -> list[float]:
    """Upper class bounds from ``bounds`` such that every class ``(lower, upper]`` holds data.

    The first class starts at the minimum, the last ends at the maximum (added as the last
    bound). Bounds in ``keep`` (the LQ's 1) stay when they lie strictly inside the data
    range; a bound closer than ``min_width`` to the minimum or maximum is dropped (no sliver
    classes such as "0.45-0.50"), and any other bound next to an empty class is dropped until
    no class is empty.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError("no non-missing values to classify")
    lo, hi = float(v.min()), float(v.max())
    inner = sorted({b for b in bounds if lo + min_width <= b <= hi - min_width}
                   | {k for k in keep if lo < k < hi})
    while True:
        edges = [lo, *inner, hi]
        counts = [int(((v > a) & (v <= b)).sum()) + (int((v == lo).sum()) if i == 0 else 0)
                  for i, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True))]
        empty = [i for i, c in enumerate(counts) if c == 0]
        if not empty:
            return [*inner, hi]
        i = empty[0]
        # drop the upper bound of the empty class, or its lower one when the upper is kept
        candidates = [j for j in (i, i - 1) if 0 <= j < len(inner) and inner[j] not in keep]
        if not candidates:
            candidates = [j for j in (i, i - 1) if 0 <= j < len(inner)]
        inner.pop(candidates[0])


def _wrap(text: str, width: int = 62) -> str:
    return "\n".join(textwrap.wrap(text, width))


def specialisation_map(lq: pl.DataFrame, *, focal: str, industry: str, label: str, year: int,
                       names: dict[str, str], source: str, geometries=None):
    """LQ of one industry across the programme area, the focal region outlined and named.

    On the tile grid when ``focal`` is one of its 81 regions; otherwise on GISCO geometry
    (``geometries``) with the focal region's country in colour; ``None`` when neither works.
    """
    from emerging.codes.nuts import central_europe_2021_2027

    title = _wrap(f"Location quotient of {label} ({industry}), {year}")
    on_grid = focal in central_europe_2021_2027()
    if on_grid:
        area = lq.filter(pl.col("region").is_in(sorted(central_europe_2021_2027())))
    else:
        area = lq.filter(pl.col("region").str.starts_with(focal[:2]))
    values = area.drop_nulls("lq")["lq"].to_numpy()
    if values.size == 0:
        return None
    breaks = nonempty_breaks(values)  # on the regions drawn, so no class of the legend is empty
    if not on_grid:
        if geometries is None:
            return None
        return _geographic_map(area, focal, breaks, title, names, source, geometries)
    from emerging.maps.tilegrid import TILE, tile_map, tile_positions

    fig, ax = tile_map(area.select("region", "lq", "lq_reason"), column="lq", classes=breaks,
                       scheme="user", diverging_at=1.0, units="LQ (employment)", labels="none",
                       title=None, size=(6.3, 4.1), source=source)
    grid = tile_positions()
    per_unit = _points_per_unit(ax)
    patches = {p.get_gid(): p for p in ax.patches}
    labels = []
    for row in grid.iter_rows(named=True):
        x, y = row["tile_col"] + 0.5, -row["tile_row"] - 0.5
        patch = patches[row["region"]]
        colour = style.text_colour_on(_hex(patch.get_facecolor()))
        short = _fit(names.get(row["region"], ""), 4.0, round(0.9 * TILE * per_unit, 1))
        labels += [(row["region"], x, y + 0.12, True, 5.4, colour),
                   (short, x, y - 0.18, False, 4.0, colour)]
        if row["region"] == focal:
            patch.set(edgecolor="black", linewidth=2.4, zorder=4)
    ax.add_collection(_label_paths(ax, labels), autolim=False)
    _room_for_title(fig, ax, title)
    ax.set_title(title, fontsize=style.FONT_SIZE + 0.5, loc="left")
    return fig, ax


def _room_for_title(fig, ax, title: str, line: float = 0.17) -> None:
    """Make the figure taller by the title's second and later lines (axes kept in inches)."""
    extra = line * title.count("\n")  # the first line fits above the tiles as drawn
    width, height = fig.get_size_inches()
    pos = ax.get_position()
    fig.set_size_inches(width, height + extra)
    scale = height / (height + extra)
    ax.set_position([pos.x0, pos.y0 * scale, pos.width, pos.height * scale])


def _points_per_unit(ax) -> float:
    """Typographic points per data unit of an equal-aspect axes (as drawn)."""
    ax.apply_aspect()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    return 72 * min(box.width * width / abs(x1 - x0), box.height * height / abs(y1 - y0))


@lru_cache(maxsize=4096)
def _fit(name: str, size: float, width: float) -> str:
    """``name``, shortened with a full stop until its outline is at most ``width`` points."""
    from matplotlib.textpath import text_to_path

    prop = _font(False, size)
    short = name
    while short and text_to_path.get_text_width_height_descent(short, prop, False)[0] > width:
        short = short[:-2].rstrip(" -") + "."
    return short


def _font(bold: bool, size: float):
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=style.FONT_FAMILY[0], weight="bold" if bold else "normal",
                          size=size)


@lru_cache(maxsize=4096)
def _outline(text: str, bold: bool, size: float):
    """Outline of ``text`` in points, from the origin of its baseline."""
    from matplotlib.textpath import TextPath

    return TextPath((0, 0), text, size=size, prop=_font(bold, size))


@lru_cache(maxsize=1024)
def _glyphs(text: str, bold: bool, size: float):
    """Outline of ``text`` in points, centred on the origin (cap height for the vertical)."""
    from matplotlib.transforms import Affine2D

    cap = _outline("H", bold, size).get_extents()
    box = _outline(text, bold, size).get_extents()
    return _outline(text, bold, size).transformed(
        Affine2D().translate(-(box.x0 + box.x1) / 2, -cap.y1 / 2))


def _label_paths(ax, labels):
    """Many small labels as one collection of glyph outlines (``text, x, y, bold, size, colour``).

    Drawing 162 tile labels as text objects takes two thirds of the time a 300-dpi PNG of
    the map takes; as outlines in one collection they render in a fraction of it. The
    labels are outlines (not editable text) in the SVG and PDF files too.
    """
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Affine2D

    fig = ax.figure
    paths = [_glyphs(text, bold, size) for text, _, _, bold, size, _ in labels]
    points = Affine2D().scale(1 / 72) + fig.dpi_scale_trans  # points -> inches -> display
    collection = PathCollection(paths, offsets=[(x, y) for _, x, y, *_ in labels],
                                offset_transform=ax.transData, transform=points,
                                facecolors=[c for *_, c in labels], edgecolors="none",
                                linewidths=0, zorder=6, gid="tile-labels")
    collection.set_in_layout(False)  # inside the tiles: no part of the tight bounding box
    return collection


def _hex(rgba) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba)


def _geographic_map(lq, focal, breaks, title, names, source, geometries):
    from emerging.maps import choropleth

    country = sorted(lq.filter(pl.col("region").str.starts_with(focal[:2]))["region"].to_list())
    fig, ax = choropleth(lq.select("region", "lq", "lq_reason"), geometries, column="lq",
                         area=country, classes=breaks, scheme="user", diverging_at=1.0,
                         units="LQ (employment)", title=None, labels=[focal],
                         label_text="name", size=(6.3, 4.4), source=source)
    shape = geometries[geometries["region"] == focal]
    if len(shape):
        shape.boundary.plot(ax=ax, color="black", linewidth=1.6, zorder=5)
    ax.set_title(title + f"\n{names.get(focal, focal)} is outside the tile grid: map of "
                 f"{focal[:2]}", fontsize=style.FONT_SIZE + 0.5)
    return fig, ax


def employment_chart(series: pl.DataFrame, *, title: str, source: str):
    """Employment over time as an index (first year = 100): ``series, year, value`` rows."""
    with style.house_style():
        fig, ax = style.new_figure((3.1, 2.9))
        names = series["series"].unique(maintain_order=True).to_list()
        # the Okabe-Ito yellow is left out: a thin yellow line is hard to see on white
        readable = [c for c in style.QUALITATIVE if c != style.QUALITATIVE[3]]
        colours = readable[: max(len(names), 1)]
        for name, colour in zip(names, colours, strict=True):
            part = series.filter(pl.col("series") == name).drop_nulls("value").sort("year")
            if part.height < 2 or part["value"][0] <= 0:
                continue
            index = part["value"].to_numpy() / part["value"][0] * 100
            width = 2.0 if name == names[0] else 1.1
            ax.plot(part["year"].to_numpy(), index, color=colour, linewidth=width,
                    label=textwrap.shorten(name, 34, placeholder="…"))
        ax.axhline(100, color="0.6", linewidth=0.6, linestyle=":")
        ax.set_ylabel("index, first year = 100")
        ax.xaxis.get_major_locator().set_params(integer=True)
        if any(not str(line.get_label()).startswith("_") for line in ax.lines):
            ax.legend(fontsize=5.5, loc="upper left", bbox_to_anchor=(-0.02, -0.12), frameon=False)
        else:
            ax.text(0.5, 0.5, "no complete series", transform=ax.transAxes, ha="center")
        ax.set_title(title, fontsize=style.FONT_SIZE)
        style.add_source(fig, source)
        fig.subplots_adjust(left=0.17, right=0.97, top=0.9, bottom=0.36)
    return fig, ax


def diversification_chart(space: pl.DataFrame, *, title: str, source: str):
    """Relatedness density (feasibility) against complexity (attractiveness); candidates labelled."""
    with style.house_style():
        fig, ax = style.new_figure((3.1, 2.3))
        rest = space.filter(~pl.col("candidate"))
        chosen = space.filter(pl.col("candidate"))
        ax.scatter(rest["density"], rest["pci"], s=7, color=style.MUTED, label="other industries")
        ax.scatter(chosen["density"], chosen["pci"], s=22, color=style.QUALITATIVE[0],
                   label="candidates", zorder=3)
        for row in chosen.iter_rows(named=True):
            ax.annotate(row["industry"], (row["density"], row["pci"]), fontsize=6,
                        xytext=(3, 2), textcoords="offset points")
        ax.set_xlabel("relatedness density (0-100): feasibility")
        ax.set_ylabel("complexity (PCI): attractiveness")
        ax.legend(fontsize=5.5, loc="best", frameon=False)
        ax.set_title(title, fontsize=style.FONT_SIZE)
        style.add_source(fig, source)
        fig.subplots_adjust(left=0.17, right=0.97, top=0.88, bottom=0.22)
    return fig, ax


def linked_tile_map(frame: pl.DataFrame, column: str, *, links: dict[str, str], title: str,
                    units: str, source: str):
    """Tile map whose tiles link to ``links[region]`` when saved as SVG."""
    from emerging.maps.tilegrid import tile_map

    fig, ax = tile_map(frame, column=column, units=units, title=title, source=source)
    for patch in ax.patches:
        target = links.get(patch.get_gid() or "")
        if target:
            patch.set_url(target)
    return fig, ax
