"""Shared behaviour of the frozen result classes: HTML display and a matplotlib axes."""

from __future__ import annotations

import html

import polars as pl

from emerging._schema import YEAR


class ResultMixin:
    """Gives a frozen result ``_repr_html_`` (summary and first rows) and ``_axes``.

    Subclasses define ``to_frame()``, ``summary()`` and ``plot(ax=None)``.
    """

    _title = "Result"

    def to_frame(self) -> pl.DataFrame:  # pragma: no cover - always overridden
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - always overridden
        raise NotImplementedError

    def _preview(self, n: int) -> tuple[pl.DataFrame, int]:
        """The first ``n`` rows of :meth:`to_frame` and its row count."""
        frame = self.to_frame()
        return frame.head(n), frame.height

    def _repr_html_(self) -> str:
        head, height = self._preview(10)
        return (
            f"<div><strong>{html.escape(self._title)}</strong>"
            f"<pre>{html.escape(self.summary())}</pre>"
            f"<p>{height:,} rows; first 10:</p>{head._repr_html_()}</div>"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>\n{self.summary()}"

    @staticmethod
    def _axes(ax=None):
        """The given axes, or new ones on a new figure (never shown)."""
        if ax is not None:
            return ax
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 5), layout="constrained")
        return ax

    def _ranked_bars(self, ax, frame: pl.DataFrame, *, key: str, index: str,
                     year: int | None, top: int, color: str, what: str):
        """Horizontal bars of ``index`` for the ``top`` rows of ``year`` (latest default)."""
        year = frame[YEAR].max() if year is None else year
        data = (frame.filter(pl.col(YEAR) == year).drop_nulls(index)
                .sort(index, descending=True).head(top).reverse())
        ax = self._axes(ax)
        ax.barh(data[key].to_list(), data[index].to_list(), color=color)
        ax.set_xlabel(index.replace("_", " "))
        ax.set_title(f"{index.replace('_', ' ').capitalize()} by {what}, {year}")
        return ax
