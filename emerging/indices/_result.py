"""Shared behaviour of the frozen result classes: HTML display and a matplotlib axes."""

from __future__ import annotations

import html

import polars as pl


class ResultMixin:
    """Gives a frozen result ``_repr_html_`` (summary and first rows) and ``_axes``.

    Subclasses define ``to_frame()``, ``summary()`` and ``plot(ax=None)``.
    """

    _title = "Result"

    def to_frame(self) -> pl.DataFrame:  # pragma: no cover - always overridden
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - always overridden
        raise NotImplementedError

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        table = frame.head(10)._repr_html_()
        return (
            f"<div><strong>{html.escape(self._title)}</strong>"
            f"<pre>{html.escape(self.summary())}</pre>"
            f"<p>{frame.height:,} rows; first 10:</p>{table}</div>"
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
