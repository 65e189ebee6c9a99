"""The one return convention of drawings: a Drawing that unpacks, displays and saves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import polars as pl
import pytest

from emerging.maps import Drawing, bar_chart, style, tile_map

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def lq_frame():
    return pl.DataFrame({"region": ["CZ01", "CZ02", "AT13", "PL91"], "lq": [0.5, 1.2, 2.0, 0.9]})


def test_map_functions_return_a_drawing_that_unpacks(lq_frame):
    drawing = tile_map(lq_frame, column="lq", diverging_at=1.0)
    assert isinstance(drawing, Drawing)
    fig, ax = drawing
    assert fig is drawing.figure is drawing.fig and ax is drawing.ax
    assert ax.figure is fig


def test_drawing_displays_as_png_in_jupyter(lq_frame):
    drawing = bar_chart(lq_frame, category="region", value="lq")
    png = drawing._repr_png_()
    assert png.startswith(PNG) and len(png) > 1000


def test_figure_managed_by_pyplot_is_left_to_the_notebook_backend(lq_frame):
    fig, ax = plt.subplots()
    try:
        drawing = bar_chart(lq_frame, category="region", value="lq", ax=ax)
        assert drawing.figure is fig
        assert drawing._repr_png_() is None  # shown once, by pyplot's inline backend
    finally:
        plt.close(fig)


def test_axes_methods_pass_through_and_savefig_writes(tmp_path, lq_frame):
    drawing = bar_chart(lq_frame, category="region", value="lq", title="LQ")
    assert drawing.get_title(loc="left") == "LQ"  # code written for .plot() -> Axes
    drawing.savefig(tmp_path / "lq.png")
    assert (tmp_path / "lq.png").read_bytes().startswith(PNG)
    assert style.save_figure(drawing.figure, tmp_path / "again", formats=("png",))
    with pytest.raises(AttributeError):
        drawing._no_such_private  # noqa: B018
    assert "LQ" in repr(drawing)


def test_result_plot_returns_a_drawing_in_house_colours():
    from emerging.trends import shift_share

    panel = pl.DataFrame({
        "region": ["CZ01", "CZ01", "CZ02", "CZ02"] * 2,
        "industry": ["C10", "C11"] * 4,
        "year": [2010] * 4 + [2011] * 4,
        "value": [10.0, 20, 30, 40, 12, 18, 39, 41],
    })
    drawing = shift_share(panel, start=2010, end=2011).plot()
    assert isinstance(drawing, Drawing)
    assert drawing._repr_png_().startswith(PNG)
    from matplotlib.colors import to_hex

    palette = {c.lower() for c in style.QUALITATIVE}
    bars = {to_hex(p.get_facecolor()) for p in drawing.ax.patches}
    assert bars and bars <= palette
