"""PDF of a sheet: the HTML page printed to A4 by WeasyPrint (needs Debian's pango).

WeasyPrint applies the page's print stylesheet: A4, table headers repeated on each page, no
row split across pages, headings kept with what follows and the banner repeated on every
page (``position: fixed``). The stylesheets are parsed once per process and passed to every
print with one shared font configuration (pages printed with ``for_print=True`` carry no
inline CSS); a page is laid out a second time, in the compact layout, only when the first
layout exceeds :data:`MAX_PAGES`, and the file is written once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path

MAX_PAGES = 2


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango missing
        raise RuntimeError(
            "PDF output needs WeasyPrint and Debian's pango (`make test` installs both; "
            f"or `pip install weasyprint` and `apt-get install libpango-1.0-0`): {exc}"
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


@cache
def _print_setup():
    """One font configuration and the parsed sheet and print stylesheets (once per process)."""
    from weasyprint.text.fonts import FontConfiguration

    from emerging.reports.html import stylesheet

    weasyprint = _weasyprint()
    fonts = FontConfiguration()
    css = [weasyprint.CSS(string=stylesheet(name), font_config=fonts)
           for name in ("sheet.css", "print.css")]
    return fonts, css


def _layout(page: str, base: Path):
    weasyprint = _weasyprint()
    fonts, css = _print_setup()
    return weasyprint.HTML(string=page, base_url=str(base)).render(stylesheets=css,
                                                                     font_config=fonts)


def print_pdf(page_for: Callable[[bool], str], path: Path, *, base: Path) -> int:
    """Print ``page_for(compact)`` (figures relative to ``base``) to ``path``; return its pages.

    The normal layout is tried first; when it exceeds :data:`MAX_PAGES` the compact one
    (smaller type and figures) is printed instead.
    """
    document = _layout(page_for(False), base)
    if len(document.pages) > MAX_PAGES:
        document = _layout(page_for(True), base)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(path)
    return len(document.pages)


def write_pdf(page: str, path: Path, *, base: Path) -> int:
    """Print one HTML ``page`` (with or without its inline CSS) to ``path``; return its pages."""
    return print_pdf(lambda compact: page, path, base=base)
