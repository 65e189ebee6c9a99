"""House style: palettes, sizes, source line, export."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_rgb

from emerging.maps import style


def test_palette_lengths_and_order():
    seq = style.sequential_colours(5)
    assert len(seq) == 5
    # light to dark: the first colour is brighter than the last
    assert sum(to_rgb(seq[0])) > sum(to_rgb(seq[-1]))
    div = style.diverging_colours(2, 3)
    assert len(div) == 5
    # blue side first (more blue than red), red side last
    r, _, b = to_rgb(div[0])
    assert b > r
    r, _, b = to_rgb(div[-1])
    assert r > b
    assert style.qualitative_colours(3) == ["#E69F00", "#56B4E9", "#009E73"]
    with pytest.raises(ValueError, match="qualitative palette has 8 colours"):
        style.qualitative_colours(9)


def test_diverging_lightest_next_to_centre():
    div = style.diverging_colours(3, 3)
    brightness = [sum(to_rgb(c)) for c in div]
    assert brightness[0] < brightness[1] < brightness[2]
    assert brightness[3] > brightness[4] > brightness[5]


def test_text_colour_contrast():
    assert style.text_colour_on("#081d58") == "#ffffff"
    assert style.text_colour_on("#ffffd9") == "#000000"


def test_sizes():
    assert style.figure_size("slide") == pytest.approx((8.0, 4.5))
    assert style.figure_size("a4")[0] * 25.4 == pytest.approx(160, abs=1)  # A4 text width
    width, height = style.figure_size("slide")
    assert width / height == pytest.approx(16 / 9, 0.01)
    assert style.figure_size((3.0, 2.0)) == (3.0, 2.0)
    with pytest.raises(ValueError, match="size must be one of"):
        style.figure_size("letter")


def test_source_line_and_save(tmp_path):
    fig, ax = style.new_figure("a4_column")
    ax.plot([0, 1], [0, 1])
    style.add_source(fig)
    texts = [t.get_text() for t in fig.texts]
    assert "Source: Eurostat; administrative boundaries © EuroGeographics" in texts
    written = style.save_figure(fig, tmp_path / "sub" / "fig.png")
    assert [p.suffix for p in written] == [".png", ".svg", ".pdf"]
    assert all(p.stat().st_size > 0 for p in written)
    from PIL import Image

    with Image.open(written[0]) as img:
        dpi = img.info["dpi"]
    assert round(dpi[0]) == 300
    assert written[1].read_text().count("EuroGeographics") == 1  # SVG text kept as text
    with pytest.raises(ValueError, match="formats must be"):
        style.save_figure(fig, tmp_path / "x", formats=("jpg",))


def test_save_is_reproducible(tmp_path):
    fig, ax = style.new_figure("a4_column")
    ax.bar(["a", "b"], [1, 2])
    a = style.save_figure(fig, tmp_path / "a", formats=("pdf", "svg"))
    b = style.save_figure(fig, tmp_path / "b", formats=("pdf", "svg"))
    assert a[0].read_bytes() == b[0].read_bytes()
    assert a[1].read_bytes() == b[1].read_bytes()


def test_svg_keeps_region_codes_as_ids(tmp_path):
    import numpy as np
    import polars as pl

    from emerging.codes.nuts import central_europe_table
    from emerging.maps.tilegrid import tile_map

    regions = central_europe_table()["region"].to_list()
    frame = pl.DataFrame({"region": regions, "v": np.linspace(0, 1, len(regions))})
    fig, _ = tile_map(frame, "v")
    svg = style.save_figure(fig, tmp_path / "tiles", formats=("svg",))[0].read_text()
    assert all(f'id="{r}"' in svg for r in regions)  # a designer finds each region by code
