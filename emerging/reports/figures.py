"""Draw and save the figures of one sheet (PNG 300 dpi, SVG, PDF), with their captions."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from emerging.reports.profile import RegionProfile

FIGURE_FORMATS = ("png", "svg", "pdf")
#: zlib level of the figures' PNG files: level 1 writes them faster than the
#: default 6, for files about 3 % larger (the pixels are the same).
PNG_COMPRESSION = 1


@dataclass(frozen=True)
class Figure:
    key: str  # map, employment, diversify
    caption: str
    paths: dict[str, Path]  # format -> file
    alt: str


def _source(p: RegionProfile) -> str:
    return "Source: simulated demo data" if p.simulated else "Source: Eurostat SBS; emerging"


@cache
def _geometries():
    from emerging.io.gisco import load_nuts
    from emerging.reports._inputs import SHARED

    folder = SHARED / "geo" / "gisco_nuts2021_20m"
    try:
        return load_nuts(level=2, year=2021, folder=folder, download=False)
    except (FileNotFoundError, OSError, ValueError):
        return None


def draw(p: RegionProfile, names: dict[str, str]) -> dict[str, tuple]:
    """The matplotlib figures of a sheet: key -> (figure, caption, alt text)."""
    from emerging.codes.nuts import central_europe_2021_2027
    from emerging.maps.factsheet import diversification_chart, employment_chart, specialisation_map

    out = {}
    if p.map_industry is not None:
        geoms = None if p.region in central_europe_2021_2027() else _geometries()
        made = specialisation_map(p.lq_map, focal=p.region, industry=p.map_industry,
                                  label=p.map_label, year=p.end, names=names, source=_source(p),
                                  geometries=geoms)
        if made is not None:
            out["map"] = (made[0], f"Location quotient of {p.map_label} ({p.map_industry}) in "
                          f"{p.end}; {p.name} outlined.",
                          f"Map of the location quotient of {p.map_label}")
    top = p.specialisations.head(3)
    series = pl.concat([
        p.total_series.select(pl.lit(f"{p.name}, all industries").alias("series"), "year",
                              "value"),
        *[pl.DataFrame({"series": [row["label"]] * len(row["series"]),
                        "year": list(range(p.end - len(row["series"]) + 1, p.end + 1)),
                        "value": row["series"]}, schema_overrides={"year": pl.Int32})
          for row in top.iter_rows(named=True) if row["series"]],
    ], how="vertical_relaxed")
    fig, _ = employment_chart(series, title=f"Employment, {p.start} = 100", source=_source(p))
    out["employment"] = (fig, f"Employment in {p.name} and its three largest specialisations, "
                         f"index {p.start} = 100.", "Line chart of employment over time")
    if p.candidate_space.height:
        fig, _ = diversification_chart(p.candidate_space, title="Where to diversify",
                                       source=_source(p))
        out["diversify"] = (fig, "Industries the region is not specialised in: feasibility "
                            "(relatedness density) against attractiveness (complexity); "
                            "candidates labelled.", "Scatter chart of diversification options")
    return out


def save_all(p: RegionProfile, names: dict[str, str], folder: Path,
             formats: tuple[str, ...] = FIGURE_FORMATS) -> list[Figure]:
    """Draw the sheet's figures and save each in ``formats`` under ``folder``."""
    import matplotlib.pyplot as plt

    from emerging.maps.style import save_figure

    figures = []
    for key, (fig, caption, alt) in draw(p, names).items():
        paths = save_figure(fig, folder / f"{p.region}_{key}", formats=formats,
                            opaque_png=True, png_compression=PNG_COMPRESSION)
        plt.close(fig)
        figures.append(Figure(key, caption, {x.suffix.lstrip("."): x for x in paths}, alt))
    return figures


def inline_figures(p: RegionProfile, names: dict[str, str], dpi: int = 110) -> list[Figure]:
    """The figures as ``data:`` PNG URIs (for a self-contained page or a notebook)."""
    import matplotlib.pyplot as plt

    figures = []
    for key, (fig, caption, alt) in draw(p, names).items():
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        plt.close(fig)
        uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        figures.append(Figure(key, caption, {"png": uri}, alt))  # type: ignore[dict-item]
    return figures
