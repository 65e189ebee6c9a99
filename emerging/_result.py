"""The one result protocol: every frozen result object of the package inherits :class:`Result`.

A result answers the same five questions whatever layer made it:

``to_frame()``
    the main table, tidy (one row per key);
``summary()``
    a few lines of plain text (also the ``repr``);
``exclusions``
    the rows left out and why (:class:`~emerging._schema.Exclusions`, never silent);
``plot(ax=None, ...)``
    a drawing from :mod:`emerging.maps` (imported inside the method), returning a
    :class:`~emerging.maps.Drawing`;
``_repr_html_()``
    what Jupyter shows: the title, the summary and the first rows of a table, every value
    HTML-escaped, styled by CSS scoped to the result's own element (nothing leaks into the
    rest of the notebook).

Subclasses define ``to_frame`` and ``summary`` (and usually ``plot``); they may set
``_title`` and override ``_html_frame`` to show a different table than ``to_frame()``.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from types import MappingProxyType
from typing import ClassVar

import polars as pl

from emerging._schema import Exclusions

NO_EXCLUSIONS = Exclusions(MappingProxyType({}))

_ids = itertools.count()

_CSS = """
#{id} {{ font-family: inherit; font-size: 0.92em; margin: 0.2em 0 0.6em; }}
#{id} .emerging-title {{ font-weight: bold; margin: 0 0 0.25em; }}
#{id} pre {{ margin: 0 0 0.4em; padding: 0; background: none; white-space: pre-wrap; }}
#{id} table {{ border-collapse: collapse; }}
#{id} th, #{id} td {{ padding: 0.15em 0.6em; border-bottom: 1px solid #e0e0e0; }}
#{id} th {{ text-align: left; }}
#{id} td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
#{id} td.null {{ color: #888888; }}
#{id} .emerging-rows {{ color: #555555; margin: 0.3em 0 0; }}
"""


#: Integer columns that are labels, not quantities: shown without a thousands separator.
_LABEL_COLUMNS = re.compile(r"(^|_)(year|years|as_of|start|end|from|to|version|nuts|origin|outcome)($|_)")


def _cell(value, label: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '<td class="null">null</td>'
    if isinstance(value, bool):
        return f"<td>{value}</td>"
    if isinstance(value, int):
        return f'<td class="num">{value}</td>' if label else f'<td class="num">{value:,}</td>'
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
        return f'<td class="num">{text}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def html_table(frame: pl.DataFrame, rows: int = 10) -> str:
    """The first ``rows`` rows of ``frame`` as an HTML table; every value escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    labels = [bool(_LABEL_COLUMNS.search(str(c))) for c in frame.columns]
    body = "".join(
        "<tr>" + "".join(_cell(v, lab) for v, lab in zip(row, labels, strict=True)) + "</tr>"
        for row in frame.head(rows).iter_rows()
    )
    shown = min(rows, frame.height)
    noun = "row" if frame.height == 1 else "rows"
    note = (f"{frame.height:,} {noun}" if shown == frame.height
            else f"{frame.height:,} rows; first {shown} shown")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f'<p class="emerging-rows">{note}</p>')


def scoped_html(title: str, summary: str, table: str = "") -> str:
    """A ``<div>`` with a unique id holding ``title``, ``summary`` (escaped) and ``table``
    (HTML already escaped), styled only through selectors on that id."""
    element = f"emerging-result-{next(_ids)}"
    return (
        f'<div id="{element}" class="emerging-result"><style>{_CSS.format(id=element)}</style>'
        f'<p class="emerging-title">{html.escape(title)}</p>'
        f"<pre>{html.escape(summary)}</pre>{table}</div>"
    )


class Result:
    """Base class of every result object (see the module docstring for the protocol)."""

    _title: ClassVar[str | None] = None
    _html_rows: ClassVar[int] = 10

    # ``exclusions`` (rows left out, by reason) is a field of the results that exclude rows;
    # the others answer "none" here. Not a class attribute: a dataclass would take it as the
    # field's default and refuse the fields that follow it.
    def __getattr__(self, name: str):
        if name == "exclusions":
            return NO_EXCLUSIONS
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def to_frame(self) -> pl.DataFrame:
        """The main table of the result, tidy."""
        raise NotImplementedError(f"{type(self).__name__} does not define to_frame()")

    def summary(self) -> str:
        """A few lines of plain text describing the result."""
        raise NotImplementedError(f"{type(self).__name__} does not define summary()")

    def plot(self, ax=None, **kwargs):
        """Draw the result (a :class:`~emerging.maps.Drawing`)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no drawing; use .to_frame() with emerging.maps"
        )

    def _html_frame(self) -> pl.DataFrame:
        """The table shown in Jupyter (default: :meth:`to_frame`)."""
        return self.to_frame()

    def _html_extra(self) -> str:
        """HTML shown in Jupyter after the table (already escaped, its CSS scoped to its own
        element): a result's figures or a whole fact sheet. Default: nothing."""
        return ""

    def _repr_html_(self) -> str:
        title = self._title or type(self).__name__
        table = html_table(self._html_frame(), self._html_rows) if self._html_rows else ""
        return scoped_html(title, self.summary(), table + self._html_extra())

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>\n{self.summary()}"
