"""PDF of a sheet: the HTML page printed to A4 by WeasyPrint (needs Debian's pango).

WeasyPrint applies the page's print stylesheet: A4, table headers repeated on each page, no
row split across pages, headings kept with what follows and the banner repeated on every
page (``position: fixed``). :func:`write_pdf` returns the number of pages.
"""

from __future__ import annotations

import logging
from pathlib import Path

MAX_PAGES = 2


def write_pdf(page: str, path: Path, *, base: Path) -> int:
    """Print the HTML ``page`` (figures relative to ``base``) to ``path``; return its pages."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango missing
        raise RuntimeError(
            "PDF output needs WeasyPrint and Debian's pango (`make test` installs both; "
            f"or `pip install weasyprint` and `apt-get install libpango-1.0-0`): {exc}"
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=page, base_url=str(base)).render()
    path.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(path)
    return len(document.pages)
