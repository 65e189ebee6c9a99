"""Shared display of the frozen results: the summary as repr, summary and table as HTML."""

from __future__ import annotations

import html


class SummaryDisplay:
    """Mixin for result dataclasses (declare them with ``repr=False``).

    ``repr()`` is ``summary()``; in Jupyter, ``_repr_html_`` shows the summary above the
    first ``_html_rows`` rows of ``to_frame()``.
    """

    _html_rows = 10

    def summary(self) -> str:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def to_frame(self):  # pragma: no cover - every result defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self.to_frame().head(self._html_rows)._repr_html_()
        return f"<pre>{html.escape(self.summary())}</pre>{table}"
