"""The figures' PNG files (opaque RGB) and their embedding in the PDF without re-encoding."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from emerging.maps.style import new_figure, save_figure
from emerging.reports.pdf import png_idat


def _chart(facecolor="white"):
    fig, ax = new_figure((2.0, 1.5))
    fig.set_facecolor(facecolor)
    ax.plot([0, 1, 2], [1, 3, 2])
    ax.set_title("test")
    return fig


def test_opaque_png_has_the_same_pixels_without_alpha(tmp_path):
    fig = _chart()
    rgba = np.asarray(Image.open(save_figure(fig, tmp_path / "a", formats=("png",))[0]))
    path = save_figure(fig, tmp_path / "b", formats=("png",), opaque_png=True, png_compression=1)[0]
    rgb = Image.open(path)
    assert rgba.shape[2] == 4 and (rgba[..., 3] == 255).all()
    assert rgb.mode == "RGB" and rgb.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert np.array_equal(np.asarray(rgb), rgba[..., :3])  # same size (tight box), same pixels


def test_a_transparent_figure_keeps_its_alpha(tmp_path):
    path = save_figure(_chart("none"), tmp_path / "c", formats=("png",), opaque_png=True)[0]
    assert Image.open(path).mode == "RGBA"


def _png(mode: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (7, 3), (10, 200, 30, 255)[: len(mode)]).save(buffer, format="png", **kwargs)
    return buffer.getvalue()


def test_png_idat_is_the_filtered_rows_of_an_rgb_png():
    rows = zlib.decompress(png_idat(_png("RGB")))
    assert len(rows) == 3 * (1 + 7 * 3)  # one filter byte per row, then 3 bytes per pixel
    assert png_idat(_png("RGBA")) is None  # an alpha channel cannot go into a PDF image as is
    assert png_idat(_png("L")) is None
    assert png_idat(b"not a png") is None


def test_pdf_embeds_the_figure_pixels_unchanged(demo_pack):
    from pypdf import PdfReader

    out, _ = demo_pack
    # the pages may share one resource dictionary, so an image can be listed on both
    images = {(f.image.size, f.image.tobytes()) for page in PdfReader(out / "sheets" / "CZ06.pdf").pages
              for f in page.images}
    assert len(images) == 3
    for key in ("map", "employment", "diversify"):
        figure = Image.open(out / "figures" / f"CZ06_{key}.png")
        assert figure.mode == "RGB"
        assert (figure.size, figure.tobytes()) in images  # the same pixels, not re-sampled
