"""Choropleth maps of NUTS regions (levels 0-3, NUTS 2016 or 2021) in EPSG:3035.

The default map shows the Interreg CENTRAL EUROPE programme area in colour and the
neighbouring regions in light grey for context, with country borders drawn over the regions.
Each drawn region is a ``PathPatch`` in ``ax.patches`` whose ``gid`` is its NUTS code (the
SVG export keeps these as element ids, so a designer can find a region by its code).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._checks import check_option
from emerging._schema import EmptySelectionError, SchemaError
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
from emerging.maps.geometry import (
    AREAS,
    Area,
    dissolve_to_old_codes,
    geometry_path,
    in_central_europe,
    label_anchor,
    overseas_mask,
    padded_extent,
    require_3035,
    split_crosswalk,
)
from emerging.maps.labels import place_labels
from emerging.maps.map_style import ChoroplethStyle, resolve_style

LabelText = Literal["code", "name", "value"]
_LABEL_TEXTS = ("code", "name", "value")
SOURCE = house.SOURCE_EUROSTAT


def _check_codes(data: pl.DataFrame, region_col: str) -> None:
    """Refuse an empty frame and region codes in lower case or with spaces, naming the fix."""
    if data.height == 0:
        raise EmptySelectionError(
            "choropleth: frame is empty, so there is no region to map. Check the filters "
            "that made it (year, industry, region set)."
        )
    odd = data.filter(pl.col("region") != pl.col("region").str.strip_chars().str.to_uppercase())
    if odd.height:
        raise SchemaError(
            f"choropleth: column {region_col!r} holds codes in lower case or with spaces, e.g. "
            f"{odd['region'].head(3).to_list()}; NUTS codes are upper case ('CZ06'). Fix them "
            f"first: pl.col({region_col!r}).str.strip_chars().str.to_uppercase()."
        )


def choropleth(
    frame: pl.DataFrame | pl.LazyFrame,
    geometries,
    column: str = "value",
    *,
    style: ChoroplethStyle | None = None,
    region_col: str = "region",
    area: Area | Sequence[str] = "central_europe",
    classes: int | Sequence[float] | None = None,
    scheme: Scheme | None = None,
    diverging_at: float | None = None,
    missing: str | None = None,
    reason_col: str | None = None,
    crosswalk=None,
    context: bool = True,
    title: str | None = None,
    units: str | None = None,
    labels: Sequence[str] | None = None,
    label_text: LabelText = "code",
    size: house.Size | tuple[float, float] = "a4_half",
    legend: bool | None = None,
    source: str | None = SOURCE,
    ax=None,
):
    """Draw a choropleth of one value per NUTS region.

    Parameters
    ----------
    frame
        One row per region: ``region_col`` and ``column`` (null or NaN = missing). All codes
        must be of one NUTS level.
    geometries
        GeoDataFrame in the Geometries contract (``region``, ``name``, ``geometry``,
        EPSG:3035), e.g. ``emerging.io.gisco.load_nuts(level=2, year=2021)``; the level of
        the data is selected from it.
    column
        Column with the values.
    style
        A :class:`~emerging.maps.ChoroplethStyle`: classification, colours and legend in one
        object, to share between maps. The keywords ``classes``, ``scheme``,
        ``diverging_at``, ``missing``, ``units`` and ``legend`` set the same fields and,
        when given, win over it.
    area
        Regions drawn in colour: ``"central_europe"`` (the 2021-2027 programme area; default),
        ``"data"`` (the regions in ``frame``), ``"all"`` (every region in ``geometries``) or
        a list of codes. Area regions absent from ``frame`` are drawn as missing. Overseas
        regions (outside mainland Europe) are cropped and named in a note under the map.
    classes, scheme, diverging_at
        Classification, see :func:`emerging.maps.classify.classify` (default: 5 quantile
        classes); ``diverging_at=1`` for location quotients.
    missing, reason_col
        Legend name of missing values (default ``"No data"``), and a column giving why each
        is missing (defaults to ``f"{column}_reason"`` when present, e.g. ``lq_reason``). The
        legend names up to three missing regions per reason; when there are more it counts
        them and the note under the map names them.
    crosswalk
        For data in an older NUTS version: a frame ``old_code``, ``new_code`` (one row per
        old unit and current unit sharing territory), or the result of
        ``harmonise(panel, to=2021, splits="aggregate")``. Old codes are drawn on the union of
        their current polygons (:func:`emerging.maps.geometry.dissolve_to_old_codes`).
    context
        Draw the regions around the area in light grey.
    title, units
        Axes title, and legend title (the unit of the values).
    labels, label_text
        Codes of regions to label, and what to write (code, name or value). Labels that
        would overlap are moved to a free spot with a leader line.
    size
        Figure size when a new figure is made.
    legend
        Draw the legend (default True; off for panels of small multiples that share one).
    source
        Source line under a new figure.
    ax
        Axes to draw into (a new Figure is made when None).

    Returns
    -------
    :class:`~emerging.maps.Drawing`: unpacks as ``(Figure, Axes)``. No window is opened.
    """
    check_option("label_text", label_text, _LABEL_TEXTS)
    look = resolve_style(style, classes=classes, scheme=scheme, diverging_at=diverging_at,
                         missing=missing, units=units, legend=legend)
    regions = _map_regions(frame, geometries, column, region_col=region_col, area=area,
                           reason_col=reason_col, crosswalk=crosswalk)
    cls, values, index, miss, hatch_of = classify_regions(
        regions.shown["region"].to_list(), regions.data, classes=look.classes,
        scheme=look.scheme, diverging_at=look.diverging_at, missing=look.missing,
    )
    with house.house_style():
        own = ax is None
        fig, ax = house.new_figure(size) if own else (ax.figure, ax)
        _draw_map(ax, regions, cls.colours, index, hatch_of, context=context, own=own)
        if look.legend:
            add_legend(ax, legend_handles(cls, miss, listed=look.list_missing > 0), look.units)
        if title:
            ax.set_title(title)
        if labels:
            place_labels(ax, _label_points(regions.shown, values, labels, label_text))
        # the missing regions the legend counts are named under the map (with no legend,
        # the caller composes the key: small multiples share one)
        note = _map_note(regions.cropped, miss, look.list_missing if look.legend else 0)
        house.add_source_and_note(fig, ax, source=source, note=note, own=own)
    return Drawing(fig, ax)


@dataclass(frozen=True)
class _MapRegions:
    """The regions of one map: the data per region, the polygons drawn in colour
    (``shown``), those drawn grey for context, and the overseas ones left out."""

    data: pl.DataFrame  # region, _value, _reason
    shown: object  # GeoDataFrame
    context: object  # GeoDataFrame
    cropped: list[str]
    extent: tuple[float, float, float, float]


def _map_regions(frame, geometries, column: str, *, region_col: str, area, reason_col,
                 crosswalk) -> _MapRegions:
    """Check the input and select the polygons: the level of the data, the area in colour,
    the context around it, overseas regions cropped."""
    if isinstance(area, str) and area not in AREAS:
        raise ValueError(f"area must be one of {AREAS} or a list of NUTS codes; got {area!r}")
    require_3035(geometries)
    data = one_value_per_region(frame, column, region_col, reason_col)
    _check_codes(data, region_col)
    level = _level_of(data["region"])
    if crosswalk is not None:
        geometries = _with_old_codes(geometries, crosswalk, data["region"])
    geoms = geometries.loc[geometries["region"].str.len() == level + 2]
    _check_drawable(data["region"], geoms)
    focus = _focus_mask(geoms, area, data["region"], level)
    far = overseas_mask(geoms)
    shown = geoms.loc[focus & ~far].reset_index(drop=True)
    if shown.empty:
        raise ValueError(f"no region of area {area!r} at NUTS level {level} to draw")
    return _MapRegions(data, shown, geoms.loc[~focus & ~far],
                       sorted(geoms.loc[focus & far, "region"]), padded_extent(shown))


def _draw_map(ax, regions: _MapRegions, colours, index, hatch_of, *, context: bool,
              own: bool) -> None:
    """Context, regions and country borders on ``ax``, framed on the area."""
    if context:
        _draw_context(ax, regions.context, regions.extent)
    _draw_regions(ax, regions.shown, colours, index, hatch_of)
    _draw_country_borders(ax, regions.shown)
    xmin, ymin, xmax, ymax = regions.extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if own:
        ax.set_position((0.0, 0.05, 0.7, 0.87))


def _map_note(cropped: list[str], miss, list_missing: int) -> str | None:
    """The note under a map: overseas regions left out, missing regions the legend counts."""
    parts = [_cropped_note(cropped),
             missing_note(miss, list_up_to=list_missing) if list_missing else None]
    return "; ".join(p for p in parts if p) or None


def _with_old_codes(geometries, crosswalk, regions: pl.Series):
    """Geometries plus the older codes of ``regions``, dissolved from the current units."""
    if not isinstance(crosswalk, pl.DataFrame) or "status" in crosswalk.columns:
        crosswalk = split_crosswalk(crosswalk)  # a harmonise() result or its report
    needed = set(regions) - set(geometries["region"])
    return dissolve_to_old_codes(geometries, crosswalk, codes=needed)


def _level_of(regions: pl.Series) -> int:
    lengths = regions.str.len_chars().unique().to_list()
    if len(lengths) != 1 or not 2 <= lengths[0] <= 5:
        raise ValueError(
            f"frame mixes NUTS levels (code lengths {sorted(lengths)}): map one level at a time"
        )
    return lengths[0] - 2


def _check_drawable(regions: pl.Series, geoms) -> None:
    unknown = sorted(set(regions) - set(geoms["region"]))
    if unknown:
        warnings.warn(
            f"{len(unknown)} region(s) have no polygon and are not drawn: {unknown[:8]}. "
            "Older NUTS codes need crosswalk=...; check the NUTS version of the geometries",
            stacklevel=3,
        )


def _focus_mask(geoms, area, regions: pl.Series, level: int) -> np.ndarray:
    codes = pl.Series("region", geoms["region"].to_list())
    if isinstance(area, str):
        if area == "central_europe":  # an old code is in the area when its current units are
            current = geoms["nuts_source"] if "nuts_source" in geoms.columns else geoms["region"]
            return in_central_europe(pl.Series(current.to_list()).str.slice(0, level + 2), level)
        if area == "all":
            return np.ones(len(geoms), dtype=bool)
        return codes.is_in(regions.implode()).to_numpy()
    return codes.is_in(sorted(set(area))).to_numpy()


def _draw_regions(ax, shown, colours, index, hatch_of) -> None:
    from matplotlib.patches import PathPatch

    for region, geom, i in zip(shown["region"], shown.geometry, index, strict=True):
        patch = PathPatch(
            geometry_path(geom),
            facecolor=colours[i] if i >= 0 else house.MISSING_FILL,
            edgecolor=house.REGION_EDGE if i >= 0 else house.MISSING_EDGE,
            linewidth=0.3, hatch=hatch_of.get(region), gid=region,
        )
        ax.add_artist(patch)  # add_patch would recompute the data limits for every region


def _draw_context(ax, others, extent) -> None:
    from matplotlib.collections import PathCollection

    xmin, ymin, xmax, ymax = extent
    near = others.cx[xmin:xmax, ymin:ymax]
    if near.empty:
        return
    paths = [geometry_path(g) for g in near.geometry]
    ax.add_collection(
        PathCollection(paths, facecolors=house.CONTEXT_FILL, edgecolors=house.CONTEXT_EDGE,
                       linewidths=0.3, gid="context", zorder=0.5)
    )


def _draw_country_borders(ax, shown) -> None:
    from matplotlib.collections import PathCollection

    countries = shown[["country", "geometry"]].dissolve(by="country")
    paths = [geometry_path(g) for g in countries.geometry.buffer(0)]
    ax.add_collection(
        PathCollection(paths, facecolors="none", edgecolors=house.COUNTRY_EDGE, linewidths=0.7,
                       gid="country-borders", zorder=2)
    )


def _label_points(shown, values, labels, label_text):
    from emerging.maps.classify import format_number

    wanted = set(labels)
    unknown = sorted(wanted - set(shown["region"]))
    if unknown:
        raise ValueError(f"cannot label {unknown[:5]}: not among the regions drawn")
    points = [label_anchor(g) for g in shown.geometry]
    value_of = dict(zip(shown["region"], values, strict=True))
    from emerging.codes.nuts import COUNTRY_NAMES  # English names for countries
    out = []
    for region, name, pt in zip(shown["region"], shown["name"], points, strict=True):
        if region not in wanted:
            continue
        v = value_of[region]
        if len(region) == 2:
            name = COUNTRY_NAMES.get(region, name)
        text = {"code": region, "name": name,
                "value": "n/a" if np.isnan(v) else format_number(v, 2 if abs(v) < 100 else 0)}
        out.append((region, pt.x, pt.y, text[label_text]))
    return out


def _cropped_note(cropped: list[str]) -> str | None:
    if not cropped:
        return None
    listed = ", ".join(cropped[:6]) + (f" and {len(cropped) - 6} more" if len(cropped) > 6 else "")
    return f"Not shown (outside mainland Europe): {listed}"
