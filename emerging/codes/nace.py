"""NACE Rev. 2 codes: normalisation, levels, parents, labels, aggregation up the hierarchy.

Eurostat writes NACE codes with the section letter in front and without dots: ``C``
(section, level 1), ``C26`` (division, level 2), ``C261`` (group, level 3), ``C2611``
(class, level 4). The classification itself writes ``26``, ``26.1``, ``26.11``. This module
turns either form into Eurostat's, which is the form the Panel contract uses.

Aggregates that Eurostat publishes (``B-N_S95_X_K`` business economy, ``TOTAL``,
``C10-C12`` ranges) are not NACE codes: they have no level and are rejected by
:func:`nace_level`; :func:`is_nace_code` tells them apart.

Reference: Eurostat (2008), *NACE Rev. 2 - Statistical classification of economic
activities in the European Community*, Methodologies and Working Papers.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._schema import INDUSTRY, KEYS, VALUE, validate_panel

_EUROSTAT = re.compile(r"^[A-U](\d{2}(\d{1,2})?)?$")
_DOTTED = re.compile(r"^(\d{2})(?:\.(\d)(\d)?)?$")


@cache
def _labels() -> dict[str, str]:
    text = resources.files("emerging.codes").joinpath("data/nace_rev2_labels.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["code"]: r["label"] for r in rows}


@cache
def _division_section() -> dict[str, str]:
    """Two-digit division -> section letter, e.g. ``'26' -> 'C'``."""
    return {code[1:]: code[0] for code in _labels() if len(code) == 3}


def is_nace_code(code: str) -> bool:
    """True if ``code`` is a NACE Rev. 2 code in Eurostat form (``C``, ``C26``, ``C261``, ``C2611``)."""
    if not _EUROSTAT.match(code):
        return False
    return len(code) == 1 or _division_section().get(code[1:3]) == code[0]


def normalise_nace(code: str) -> str:
    """Return the Eurostat form of a NACE code given in Eurostat or dotted form.

    >>> normalise_nace("26.1"), normalise_nace("45"), normalise_nace("c26"), normalise_nace("G451")
    ('C261', 'G45', 'C26', 'G451')
    """
    raw = code.strip()
    up = raw.upper()
    if is_nace_code(up):
        return up
    m = _DOTTED.match(raw)
    if m and m.group(1) in _division_section():
        return _division_section()[m.group(1)] + "".join(g for g in m.groups() if g)
    raise ValueError(
        f"{code!r} is not a NACE Rev. 2 code: expected a section letter (C), a division "
        "(C26 or 26), a group (C261 or 26.1) or a class (C2611 or 26.11)"
    )


def normalise_nace_expr(code: pl.Expr) -> pl.Expr:
    """Polars expression version of :func:`normalise_nace` (invalid codes become null)."""
    mapping = _division_section()
    digits = code.str.replace_all(".", "", literal=True).str.strip_chars()
    dotted = pl.when(digits.str.contains(r"^\d{2,4}$")).then(
        digits.str.slice(0, 2).replace_strict(mapping, default=None) + digits
    )
    upper = code.str.strip_chars().str.to_uppercase()
    return pl.when(upper.str.contains(r"^[A-U](\d{2,4})?$")).then(upper).otherwise(dotted)


def nace_level(code: str) -> int:
    """Level of a NACE code: 1 section, 2 division, 3 group, 4 class."""
    c = normalise_nace(code)
    return 1 if len(c) == 1 else len(c) - 1


def nace_parent(code: str, level: int | None = None) -> str:
    """Parent of a NACE code; ``level`` picks an ancestor (default: one level up).

    >>> nace_parent("C2611"), nace_parent("C2611", 1), nace_parent("C26")
    ('C261', 'C', 'C')
    """
    c = normalise_nace(code)
    own = nace_level(c)
    target = own - 1 if level is None else level
    if not 1 <= target <= own:
        raise ValueError(f"{code!r} (level {own}) has no ancestor at level {target}")
    return c[:1] if target == 1 else c[: target + 1]


def nace_section(code: str) -> str:
    """Section letter of a NACE code (``'C26'`` -> ``'C'``)."""
    return normalise_nace(code)[0]


def nace_level_expr(code: pl.Expr) -> pl.Expr:
    """Polars expression: NACE level of an Eurostat-form code column."""
    n = code.str.len_chars()
    return pl.when(n == 1).then(1).otherwise(n - 1).cast(pl.Int8)


def nace_parent_expr(code: pl.Expr, level: int) -> pl.Expr:
    """Polars expression: ancestor at ``level`` of an Eurostat-form code column."""
    return code.str.slice(0, 1 if level == 1 else level + 1)


def nace_label(code: str) -> str:
    """English title of a section, division or trade group; falls back to the parent's title."""
    c = normalise_nace(code)
    labels = _labels()
    while c not in labels and len(c) > 1:
        c = nace_parent(c)
    return labels.get(c, code)


def nace_labels() -> pl.DataFrame:
    """All bundled titles as a frame: ``industry``, ``level``, ``label``."""
    labels = _labels()
    return pl.DataFrame(
        {INDUSTRY: list(labels), "label": list(labels.values())}
    ).with_columns(nace_level_expr(pl.col(INDUSTRY)).alias("level"))


@keeps_frame_kind
def aggregate_nace(panel: pl.DataFrame | pl.LazyFrame, level: int) -> pl.DataFrame:
    """Sum a panel of finer NACE codes up to ``level`` (1 section ... 3 group).

    Codes already at or above ``level`` are an error (they would be counted twice). A
    parent whose children include a null (confidential) cell is null: the sum is unknown,
    and a ``n_null_children`` column says how many children were unknown.
    """
    frame = validate_panel(panel)
    levels = frame.select(nace_level_expr(pl.col(INDUSTRY)).alias("level").unique())["level"].to_list()
    if min(levels) <= level:
        raise ValueError(
            f"aggregate_nace(level={level}): the panel already holds codes of level "
            f"{sorted(levels)}; keep only codes finer than level {level} before aggregating"
        )
    region, _, year = KEYS
    return (
        frame.group_by(region, nace_parent_expr(pl.col(INDUSTRY), level).alias(INDUSTRY), year)
        .agg(
            pl.when(pl.col(VALUE).null_count() == 0).then(pl.col(VALUE).sum()).alias(VALUE),
            pl.col(VALUE).null_count().cast(pl.Int32).alias("n_null_children"),
        )
        .sort(list(KEYS))
    )
