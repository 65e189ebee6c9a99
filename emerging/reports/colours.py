"""The colours of the sheets, taken from the house palette (:mod:`emerging.maps.style`).

One source of colours: the HTML and print stylesheets use them as CSS custom properties
(``var(--em-accent)``, defined on ``.emerging-sheet`` so they never leak into a notebook),
the XLSX annex and the sparklines read them from :data:`SHEET_COLOURS`.
"""

from __future__ import annotations

from emerging.maps import style

#: role -> colour. Accent = the palette's highlight blue (Okabe-Ito); light fills from the
#: ColorBrewer ramps (YlGnBu for the simulated-data banner, RdBu for the stale-data warning
#: and table headers); greys from the map greys.
SHEET_COLOURS: dict[str, str] = {
    "text": style.TEXT_COLOUR,
    "muted": style.SOURCE_COLOUR,
    "accent": style.HIGHLIGHT,
    "rule": style.TILE_EDGE,
    "head-fill": style.DIVERGING[4],
    "focus-fill": style.DIVERGING[5],
    "banner-fill": style.SEQUENTIAL[0],
    "banner-edge": style.QUALITATIVE[0],
    "stale-fill": style.DIVERGING[6],
    "stale-edge": style.DIVERGING[8],
    "stars": style.QUALITATIVE[5],
    "spark": style.HIGHLIGHT,
    "spark-end": style.NEGATIVE,
}


def css_custom_properties(selector: str = ".emerging-sheet") -> str:
    """``selector { --em-<role>: <colour>; ... }``: the colours as CSS custom properties."""
    body = " ".join(f"--em-{role}: {colour};" for role, colour in SHEET_COLOURS.items())
    return f"{selector} {{ {body} }}\n"
