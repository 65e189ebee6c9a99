"""What every drawing returns: a :class:`Drawing`, the Figure and Axes it drew on.

One return convention for the whole package: the functions of :mod:`emerging.maps` and every
result's ``.plot()`` return a :class:`Drawing`. It

* unpacks as ``fig, ax = tile_map(...)`` (it is a two-item tuple),
* displays itself in Jupyter when it is the last expression of a cell (``_repr_png_``; figures
  made here use the Figure API, not pyplot, so they would otherwise display nothing and never
  pile up in pyplot's figure manager when hundreds of fact sheets are drawn),
* saves itself: ``result.plot().savefig("c29.png")``, or :func:`emerging.maps.save_figure`,
* passes any other public attribute to its Axes, so code written when ``.plot()`` returned the
  Axes (``res.plot().get_title()``) keeps working.
"""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING

from emerging.maps import style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


class Drawing(tuple):
    """A ``(figure, axes)`` pair that displays itself in Jupyter."""

    __slots__ = ()

    def __new__(cls, figure: Figure, axes: Axes):
        return super().__new__(cls, (figure, axes))

    @property
    def figure(self) -> Figure:
        """The matplotlib Figure."""
        return self[0]

    fig = figure

    @property
    def ax(self) -> Axes:
        """The matplotlib Axes drawn on (an array of Axes for small multiples)."""
        return self[1]

    def savefig(self, *args, **kwargs):
        """:meth:`matplotlib.figure.Figure.savefig` in the house style."""
        with style.house_style():
            return self.figure.savefig(*args, **kwargs)

    def _repr_png_(self) -> bytes | None:
        # A figure that pyplot manages (the user passed ``ax`` from plt.subplots) is shown by
        # the notebook backend already; showing it here as well would draw it twice.
        if getattr(self.figure.canvas, "manager", None) is not None:
            return None
        buffer = io.BytesIO()
        with style.house_style():
            self.figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self[1], name)

    def __repr__(self) -> str:
        axes = self[1]
        title = axes.get_title(loc="left") if hasattr(axes, "get_title") else ""
        return f"<Drawing {title!r}>" if title else "<Drawing>"


def canvas(ax=None, size: style.Size | tuple[float, float] = "a4_half"):
    """``(figure, axes)`` to draw on: ``ax`` and its figure, or a new house-style figure."""
    if ax is None:
        return style.new_figure(size)
    return ax.figure, ax


def draws(func):
    """Decorator: run a drawing function in the house style and return a :class:`Drawing`.

    The wrapped function returns ``(figure, axes)``.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with style.house_style():
            figure, axes = func(*args, **kwargs)
        return Drawing(figure, axes)

    return wrapper
