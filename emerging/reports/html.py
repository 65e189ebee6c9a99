"""HTML of the sheets: the full page (screen and print), and a scoped fragment for notebooks.

The page's CSS has every rule under ``.emerging-sheet`` (the sheet's own element), so the
fragment shown by :meth:`RegionProfile._repr_html_` never restyles a notebook; the print
stylesheet (A4, repeated table headers, no split rows, headings kept with what follows,
the banner on every page) is added only to whole pages.
"""

from __future__ import annotations

import html as _html
import itertools
import os
from functools import cache
from importlib import resources

from emerging.reports.profile import STALE_AFTER_YEARS, RegionProfile
from emerging.reports.tables import sheet_tables


@cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("emerging.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    env.globals["spark"] = sparkline_svg
    return env


@cache
def stylesheet(name: str) -> str:
    """A stylesheet of ``templates/``; ``sheet.css`` starts with the house colours."""
    from emerging.reports.colours import css_custom_properties

    text = resources.files("emerging.reports").joinpath(f"templates/{name}").read_text("utf-8")
    return css_custom_properties() + text if name == "sheet.css" else text


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as v

    try:
        return v("emerging")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def sparkline_svg(values) -> str:
    """A word-sized line chart as inline SVG (markup-safe)."""
    from markupsafe import Markup

    from emerging.reports.colours import SHEET_COLOURS

    vals = [float(v) for v in values if v is not None]
    if len(vals) < 2:
        return Markup("")
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    step = 54 / (len(vals) - 1)
    pts = " ".join(f"{1 + i * step:.1f},{12 - 10 * (v - lo) / span:.1f}" for i, v in enumerate(vals))
    last = pts.split()[-1].split(",")
    label = _html.escape(f"from {vals[0]:,.0f} to {vals[-1]:,.0f}")
    return Markup(
        f'<svg class="spark" viewBox="0 0 56 14" role="img" aria-label="{label}">'
        f'<polyline fill="none" stroke="{SHEET_COLOURS["spark"]}" stroke-width="1.1" '
        f'points="{pts}"/><circle cx="{last[0]}" cy="{last[1]}" r="1.4" '
        f'fill="{SHEET_COLOURS["spark-end"]}"/></svg>'
    )


def _figure_context(figures, base: str | None) -> dict:
    out = {}
    for number, f in enumerate(figures, start=1):
        src = f.paths["png"]
        if base is not None:
            src = os.path.relpath(src, base)
        out[f.key] = {"src": str(src).replace(os.sep, "/"), "caption": f.caption, "alt": f.alt,
                      "number": number}
    return out


def _context(p: RegionProfile, figures, base: str | None, compact: bool = False) -> dict:
    return {
        "compact": compact,
        "p": p, "tables": {t.name: t for t in sheet_tables(p)},
        "figures": _figure_context(figures, base),
        "map_note": "the region has no specialisation to map" if p.map_industry is None
        else "no geometry for a region outside the tile grid",
        "stale_after": STALE_AFTER_YEARS, "version": version(),
    }


def render_page(p: RegionProfile, figures, *, base: str | None = None,
                compact: bool = False, for_print: bool = False) -> str:
    """The whole HTML page of a sheet; figure paths are made relative to ``base``.

    ``compact`` sets smaller type and figures (used when the PDF would exceed two pages);
    ``for_print`` leaves the stylesheets out (:mod:`emerging.reports.pdf` passes them to
    WeasyPrint parsed once).
    """
    ctx = _context(p, figures, base, compact)
    css = ("", "") if for_print else (stylesheet("sheet.css"), stylesheet("print.css"))
    return environment().get_template("factsheet.html").render(css=css[0], print_css=css[1],
                                                               **ctx)


_fragment_ids = itertools.count()


def scoped_css(css: str, element: str) -> str:
    """``css`` with every ``.emerging-sheet`` selector narrowed to the element ``#element``."""
    return css.replace(".emerging-sheet", f"#{element}.emerging-sheet")


def render_fragment(p: RegionProfile, names: dict[str, str] | None = None) -> str:
    """The sheet as one ``<div>`` with its figures inline as PNG ``data:`` URIs (for Jupyter).

    Its ``<style>`` sits inside the element and every selector starts with the element's
    own id, so displaying it never restyles the notebook or another sheet.
    """
    from emerging.reports.figures import inline_figures
    from emerging.reports.profile import _names

    figures = inline_figures(p, names or _names())
    element = f"emerging-sheet-{p.region}-{next(_fragment_ids)}"
    return environment().get_template("_sheet.html").render(
        **_context(p, figures, None), sheet_id=element,
        style=scoped_css(stylesheet("sheet.css"), element))


def render_factsheet(profile: RegionProfile, *, include_map: bool = True) -> str:
    """One self-contained HTML page (figures embedded) of a :class:`RegionProfile`."""
    from emerging.reports.figures import inline_figures
    from emerging.reports.profile import _names

    figures = inline_figures(profile, _names()) if include_map else []
    return render_page(profile, figures)
