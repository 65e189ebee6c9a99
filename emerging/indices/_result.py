"""Shared behaviour of the frozen result classes: HTML display and a matplotlib axes."""

from __future__ import annotations

import html

import polars as pl


class ResultMixin:
    """Gives a frozen result ``_repr_html_`` (summary and first rows).

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
