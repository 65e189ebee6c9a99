"""Units of a panel's values, and how many persons one unit of value counts.

A Panel may carry a ``unit`` column (String, one value for the whole panel); without it the
values are taken to be counts of persons. Eurostat's unit codes are accepted as aliases:

============================ ========================== ==================
unit                         Eurostat codes             persons per value
============================ ========================== ==================
``persons``                  ``PER``, ``NR``, ``PERS``  1
``thousand persons``         ``THS_PER``, ``THS``       1,000
``number``                   (local units, enterprises) 1 (a count)
``EUR million``              ``MIO_EUR``, ``MEUR``      none (not a count)
``thousand hours worked``    ``THS_HW``                 none (not persons)
============================ ========================== ==================

The LQ interval (:func:`emerging.indices.location_quotient`) treats the values as counts:
its variance is that of Poisson counts of persons, so values in thousands must be scaled
to persons first, or the interval is :math:`\\sqrt{1000} \\approx 32` times too wide (see
:func:`persons_per_value`). For values that are no counts (EUR million, hours) there is no
such interval: ``lq_lo``/``lq_hi`` are null.
"""

from __future__ import annotations

import polars as pl

from emerging._schema import SchemaError

UNIT = "unit"
#: Canonical unit -> persons (or counted items) per unit of value; None: not a count.
UNITS: dict[str, float | None] = {
    "persons": 1.0,
    "thousand persons": 1000.0,
    "number": 1.0,
    "EUR million": None,
    "thousand hours worked": None,
}
ALIASES: dict[str, str] = {
    "PER": "persons",
    "PERS": "persons",
    "NR": "persons",
    "THS_PER": "thousand persons",
    "THS": "thousand persons",
    "MIO_EUR": "EUR million",
    "MEUR": "EUR million",
    "THS_HW": "thousand hours worked",
}


class UnitError(SchemaError):
    """A panel's unit is unknown, or several units are mixed in one panel."""


def canonical_unit(unit: str) -> str:
    """The canonical name of ``unit`` (``'THS_PER'`` -> ``'thousand persons'``)."""
    if unit in UNITS:
        return unit
    if unit in ALIASES:
        return ALIASES[unit]
    raise UnitError(
        f"unit {unit!r} is not known; use one of {list(UNITS)} (or the Eurostat codes {list(ALIASES)})"
    )


def unit_of(panel: pl.DataFrame) -> str:
    """The unit of a panel's values: its ``unit`` column (one value), else ``'persons'``."""
    if UNIT not in panel.columns:
        return "persons"
    units = panel[UNIT].drop_nulls().unique().to_list()
    if len(units) > 1:
        raise UnitError(
            f"panel column 'unit' holds several units {sorted(units)}; one panel has one unit. "
            "Filter to one unit, or convert (e.g. thousand persons x 1000 = persons)."
        )
    return canonical_unit(units[0]) if units else "persons"


def persons_per_value(panel: pl.DataFrame) -> float | None:
    """How many persons one unit of ``value`` counts (1000 for LFS thousands); None if no count."""
    return UNITS[unit_of(panel)]


def with_unit(panel: pl.DataFrame, unit: str) -> pl.DataFrame:
    """``panel`` with a ``unit`` column set to the canonical form of ``unit``."""
    return panel.with_columns(pl.lit(canonical_unit(unit)).alias(UNIT))
