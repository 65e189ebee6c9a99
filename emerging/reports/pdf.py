"""PDF of a sheet: the HTML page printed to A4 by WeasyPrint (needs Debian's pango).

WeasyPrint applies the page's print stylesheet: A4, table headers repeated on each page, no
row split across pages, headings kept with what follows and the banner repeated on every
page (``position: fixed``). The stylesheets are parsed once per process and passed to every
print with one shared font configuration (pages printed with ``for_print=True`` carry no
inline CSS); a page is laid out a second time, in the compact layout, only when the first
layout exceeds :data:`MAX_PAGES`, and the file is written once.

WeasyPrint decodes every PNG it embeds and compresses its pixels again (and an alpha
channel separately), about a quarter of a sheet's PDF time. The figures of the sheets are
written as opaque 8-bit RGB PNGs, whose compressed image data (the ``IDAT`` chunks, with
their PNG row filters) is already what a PDF image with ``/FlateDecode`` and PNG predictors
holds, so :func:`_png_data_as_is` hands that data to the PDF unchanged: the same pixels,
without decoding or compressing them again. Any other image takes WeasyPrint's own path.
"""

from __future__ import annotations

import logging
import struct
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
    _embed_rgb_png_as_is()
    return weasyprint


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_idat(data: bytes) -> bytes | None:
    """The concatenated ``IDAT`` data of an 8-bit RGB, non-interlaced PNG; else ``None``.

    That data (zlib-compressed rows, each with its PNG filter byte) is exactly the stream of
    a PDF image with ``/FlateDecode`` and ``/DecodeParms << /Predictor 15 /Colors 3
    /Columns width >>`` (PDF 1.7, 7.4.4.4), so it can be embedded without re-encoding.
    """
    # IHDR is the first chunk: width, height, bit depth, colour type, compression, filter,
    # interlace (PNG specification, 11.2.2)
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        return None
    depth, colour, _, _, interlace = data[24:29]
    if (depth, colour, interlace) != (8, 2, 0):
        return None
    parts, pos = [], 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            parts.append(data[pos + 8:pos + 8 + length])
        elif kind == b"IEND":
            break
        pos += 12 + length
    return b"".join(parts) or None


def _embed_rgb_png_as_is() -> None:
    """Let WeasyPrint embed the data of an RGB PNG file as it is (see the module docstring).

    WeasyPrint's ``RasterImage._get_png_data(pillow_image)`` re-encodes an image and returns
    its ``IDAT`` data; when the image was opened straight from the bytes of an RGB PNG file,
    those bytes' own ``IDAT`` data is returned instead. Installed once; left alone when the
    WeasyPrint in use has no such method (then every image takes WeasyPrint's path).
    """
    from weasyprint import images

    raster = getattr(images, "RasterImage", None)
    original = getattr(raster, "_get_png_data", None)
    if original is None or getattr(original, "_emerging_as_is", False):
        return

    def get_png_data(pillow_image):
        source = getattr(pillow_image, "fp", None)
        if pillow_image.format == "PNG" and pillow_image.mode == "RGB" and hasattr(source, "getvalue"):
            data = png_idat(source.getvalue())
            if data is not None:
                return data
        return original(pillow_image)

    get_png_data._emerging_as_is = True
    raster._get_png_data = staticmethod(get_png_data)


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
