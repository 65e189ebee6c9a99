"""The house style shared by every figure: fonts, colour-blind-safe palettes, sizes, source line.

Figures made with :mod:`emerging.maps` are meant to be pasted into a policy brief without
retouching, so they share one look:

* **Fonts**: a sans-serif family (DejaVu Sans ships with matplotlib, so the look is the same on
  every machine), 9 pt body text, 11 pt titles, 7 pt source line.
* **Palettes** (all safe for the common forms of colour-vision deficiency):

  - sequential: ColorBrewer ``YlGnBu`` (Brewer, Harrower 2003), light to dark;
  - diverging: ColorBrewer ``RdBu`` reversed (blue below the centre, red above); used for
    location quotients with the centre at 1;
  - qualitative: the Okabe-Ito palette (Okabe & Ito 2008), eight colours.

* **Sizes**: ``"a4"`` (a full text-width figure on an A4 page with 25 mm margins, 160 mm wide),
  ``"a4_half"`` (the same width, half the height), ``"a4_strip"`` (the same
  width, 3.2 in high: a short bar chart), ``"a4_column"`` (one of two columns),
  ``"slide"`` (16:9, 8 x 4.5 in: placed full-width on a 13.33 x 7.5 in slide it is enlarged
  1.67 times, so 9-pt text reads as 15 pt from the back of a room).
* **Missing or confidential data**: light grey with diagonal hatching, always named in the
  legend.
* **Source line** under every map: "Source: Eurostat; administrative boundaries
  © EuroGeographics" (the acknowledgements required by the Eurostat reuse policy and the
  GISCO copyright notice).

References
----------
Brewer, C. A., Hatchard, G. W., Harrower, M. A. (2003). ColorBrewer in print: a catalog of
color schemes for maps. *Cartography and Geographic Information Science*, 30(1), 5-32.
Okabe, M., Ito, K. (2008). Color universal design (CUD): how to make figures and
presentations that are friendly to colorblind people. J*FLY.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # matplotlib is imported inside functions (import-time budget)
    from matplotlib.figure import Figure

SOURCE_EUROSTAT = "Source: Eurostat; administrative boundaries © EuroGeographics"

FONT_FAMILY = ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"]
FONT_SIZE = 9.0
TITLE_SIZE = 11.0
SOURCE_SIZE = 7.0
LABEL_SIZE = 6.5

TEXT_COLOUR = "#222222"
SOURCE_COLOUR = "#555555"
CONTEXT_FILL = "#e6e6e6"  # neighbouring countries drawn for context
CONTEXT_EDGE = "#ffffff"
REGION_EDGE = "#ffffff"
COUNTRY_EDGE = "#333333"
MISSING_FILL = "#f2f2f2"
MISSING_EDGE = "#8c8c8c"
MISSING_HATCH = "////"
NEUTRAL = "#888888"  # reference lines (zero, thresholds), start/end bars, "other" classes
TILE_EDGE = "#bdbdbd"  # outline of a tile with data
LEGEND_EDGE = "#999999"  # outline of a legend swatch
MUTED = "#cccccc"  # points and nodes that are not the subject (not significant, absent)

#: ColorBrewer YlGnBu, 9 classes (light to dark).
SEQUENTIAL: tuple[str, ...] = (
    "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
    "#1d91c0", "#225ea8", "#253494", "#081d58",
)
#: ColorBrewer RdBu reversed, 11 classes (dark blue .. near white .. dark red).
DIVERGING: tuple[str, ...] = (
    "#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
    "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f",
)
#: Okabe-Ito qualitative palette (black last, used only when eight colours are needed).
QUALITATIVE: tuple[str, ...] = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
)

#: Roles: an increase and a decrease (entries/exits, positive/negative components), the one
#: highlighted series, and the four quadrants of a two-axis portfolio (best first, the
#: least attractive in grey).
POSITIVE = QUALITATIVE[2]
NEGATIVE = QUALITATIVE[5]
HIGHLIGHT = QUALITATIVE[4]
QUADRANT_COLOURS: tuple[str, ...] = (QUALITATIVE[2], QUALITATIVE[0], QUALITATIVE[4], NEUTRAL)

Size = Literal["a4", "a4_half", "a4_strip", "a4_column", "slide"]
#: Figure sizes in inches.
SIZES: dict[str, tuple[float, float]] = {
    "a4": (6.3, 8.0),
    "a4_half": (6.3, 4.6),
    "a4_strip": (6.3, 3.2),
    "a4_column": (3.1, 3.4),
    "slide": (8.0, 4.5),
}

Format = Literal["png", "svg", "pdf"]
_FORMATS = ("png", "svg", "pdf")


def rc_params() -> dict[str, object]:
    """Matplotlib rc settings of the house style (use with :func:`house_style`)."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": FONT_FAMILY,
        "font.size": FONT_SIZE,
        "axes.titlesize": TITLE_SIZE,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": FONT_SIZE,
        "axes.edgecolor": NEUTRAL,
        "axes.labelcolor": TEXT_COLOUR,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": _cycler(QUALITATIVE),
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "xtick.labelsize": FONT_SIZE - 1,
        "ytick.labelsize": FONT_SIZE - 1,
        "text.color": TEXT_COLOUR,
        "legend.fontsize": FONT_SIZE - 1,
        "legend.title_fontsize": FONT_SIZE,
        "legend.frameon": False,
        "hatch.linewidth": 0.6,
        "hatch.color": MISSING_EDGE,
        "svg.fonttype": "none",  # keep text editable in SVG
        "svg.hashsalt": "emerging",  # stable element ids: identical files on re-runs
        "pdf.fonttype": 42,  # embed TrueType so the PDF text stays selectable
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.05,
    }


def _cycler(colours: Sequence[str]):
    from cycler import cycler

    return cycler(color=list(colours))


@contextmanager
def house_style():
    """Context manager that applies the house rc settings inside a ``with`` block."""
    import matplotlib as mpl

    with mpl.rc_context(rc_params()):
        yield


def figure_size(size: Size | tuple[float, float]) -> tuple[float, float]:
    """Size in inches for a named size or a (width, height) tuple."""
    if isinstance(size, tuple):
        return size
    if size not in SIZES:
        raise ValueError(
            f"size must be one of {tuple(SIZES)} or a (width, height) tuple; got {size!r}"
        )
    return SIZES[size]


def new_figure(size: Size | tuple[float, float] = "a4_half", **subplots_kw):
    """A new Figure and Axes in the house style (no window is opened: uses the Figure API)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with house_style():
        fig = Figure(figsize=figure_size(size), layout=None)
        FigureCanvasAgg(fig)  # a renderer for measuring text (labels), not a window
        ax = fig.subplots(**subplots_kw)
    return fig, ax


def sequential_colours(n: int) -> list[str]:
    """``n`` colours from the sequential palette, light to dark, evenly spread."""
    return _sample(SEQUENTIAL[1:], n)


def diverging_colours(n_below: int, n_above: int) -> list[str]:
    """Colours for ``n_below`` classes under the centre and ``n_above`` above it.

    The two sides are taken from the two halves of :data:`DIVERGING`, the darkest colour for the
    class furthest from the centre, so a reader sees at once which side of 1 a region is on.
    """
    below = _sample(DIVERGING[:5], n_below)
    above = _sample(DIVERGING[6:], n_above)
    return below + above


def qualitative_colours(n: int) -> list[str]:
    """``n`` colours of the Okabe-Ito palette; raise when more than eight are asked for."""
    if n > len(QUALITATIVE):
        raise ValueError(
            f"the qualitative palette has {len(QUALITATIVE)} colours; got n={n}. "
            "Group the smaller categories into 'other' first."
        )
    return list(QUALITATIVE[:n])


def _sample(palette: Sequence[str], n: int) -> list[str]:
    """``n`` colours evenly spread over ``palette`` (interpolated in RGB), first to last."""
    if n <= 0:
        return []
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    cmap = LinearSegmentedColormap.from_list("house", list(palette))
    positions = np.linspace(0.0, 1.0, n) if n > 1 else np.array([0.55])
    return [to_hex(cmap(p)) for p in positions]


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance)."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.22 else "#ffffff"


def add_source(fig: Figure, text: str = SOURCE_EUROSTAT, *, note: str | None = None,
               wrap: bool = False) -> None:
    """Write the source line (and an optional note before it) at the bottom left of ``fig``;
    ``wrap`` breaks a line wider than the figure."""
    line = ". ".join(p for p in (note.rstrip(".") if note else None, text) if p)
    if line:
        fig.text(0.01, 0.005, line, ha="left", va="bottom", fontsize=SOURCE_SIZE,
                 color=SOURCE_COLOUR, gid="source-line", wrap=wrap)


def add_source_and_note(fig: Figure, ax, *, source: str | None, note: str | None,
                        own: bool) -> None:
    """The lines under a map: on a figure the map made itself (``own``), the note and the
    source line at the bottom of the figure; in an Axes the caller gave, the note only,
    just under that Axes (the caller writes its own source)."""
    if own:
        add_source(fig, source or "", note=note, wrap=True)
    elif note:
        ax.text(0.0, -0.02, note, transform=ax.transAxes, fontsize=SOURCE_SIZE, va="top",
                color=SOURCE_COLOUR, gid="map-note")


def save_figure(
    fig: Figure,
    path: str | Path,
    formats: Iterable[Format] = ("png", "svg", "pdf"),
    dpi: int = 300,
    *,
    opaque_png: bool = False,
    png_compression: int = 6,
) -> list[Path]:
    """Save ``fig`` next to ``path`` in every format of ``formats``; return the written paths.

    ``path`` may carry a suffix (``figures/c29.png``): it is replaced by each format's suffix.
    PNG is written at ``dpi`` (300 for print); SVG and PDF are vector formats with editable,
    embedded text. Parent folders are created. The figure is not shown and not closed.

    ``opaque_png=True`` writes the PNG as 8-bit RGB, without the alpha channel matplotlib
    always adds, when every pixel is opaque (the same pixels; a PDF embeds it as it is,
    without splitting off an alpha mask); ``png_compression`` is the zlib level (0-9; 1 is
    faster to write than the default 6, for files a few per cent larger).
    """
    formats = tuple(formats)
    bad = [f for f in formats if f not in _FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty subset of {_FORMATS}; got {formats!r}")
    base = Path(path)
    if base.suffix.lstrip(".") in _FORMATS:
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with house_style():
        for fmt in formats:
            target = base.with_name(f"{base.name}.{fmt}")
            if fmt == "png" and opaque_png:
                _save_opaque_png(fig, target, dpi, png_compression)
            else:
                kwargs = ({"pil_kwargs": {"compress_level": png_compression}}
                          if fmt == "png" and png_compression != 6 else {})
                fig.savefig(target, format=fmt, dpi=dpi, metadata=_metadata(fmt), **kwargs)
            written.append(target)
    return written


def _save_opaque_png(fig: Figure, target: Path, dpi: int, compression: int) -> None:
    """Save ``fig`` as an RGB PNG when it is opaque, else as matplotlib's RGBA PNG.

    The figure is printed through matplotlib (so ``savefig.bbox: tight`` and the padding
    apply as for any PNG) by a canvas whose print method keeps the Agg buffer, without the
    alpha channel when every pixel has alpha 255.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    class _OpaquePngCanvas(FigureCanvasAgg):
        def print_opaquepng(self, filename_or_obj, **_ignored):
            import numpy as np
            from PIL import Image

            FigureCanvasAgg.draw(self)
            rgba = np.asarray(self.buffer_rgba())
            height, width = rgba.shape[:2]
            image = Image.frombuffer("RGBA", (width, height), np.require(rgba, requirements="C"),
                                     "raw", "RGBA", 0, 1)
            if int(rgba[..., 3].min()) == 255:
                image = image.convert("RGB")
            image.save(filename_or_obj, format="png", dpi=(self.figure.dpi, self.figure.dpi),
                       compress_level=compression)

    canvas = fig.canvas
    _OpaquePngCanvas(fig)
    try:
        fig.savefig(target, format="opaquepng", dpi=dpi)
    finally:
        fig.set_canvas(canvas)


def _metadata(fmt: str) -> dict[str, str | None]:
    """Drop volatile metadata (creation date) so re-running writes identical files."""
    if fmt == "png":
        return {"Software": None}
    if fmt == "pdf":
        return {"CreationDate": None, "Producer": None}
    return {"Date": None}
