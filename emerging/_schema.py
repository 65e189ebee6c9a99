"""The data contract: column names, dtypes and validators.

Every public function that takes a panel or a participations table calls the validator
here at its door, so that a bad table fails once, early, with a message that names the
column, what was expected and what was found, and how to fix it.

Panel
    One row per ``(region, industry, year)``: ``region`` (NUTS code, String), ``industry``
    (NACE Rev. 2 code as Eurostat writes it, String), ``year`` (Int32), ``value``
    (Float64, finite, >= 0, null = unknown). Extra columns pass through. Optional ``unit``
    (String, one value per panel: ``persons``, ``thousand persons``, ``EUR million``...;
    see :mod:`emerging._units`): a panel without it is taken to count persons.

    At the door (:func:`validate_panel`) region codes are stripped and upper-cased (and
    that is reported with a :class:`CodesNormalisedWarning`); Eurostat aggregates
    (``EU27_2020``, ``EU28``, ``EA19``...) are refused, or dropped and reported with
    ``drop_aggregates=True``; with ``check_codes=True`` (the readers use it) any code that
    is no NUTS code of any version 2003-2024 is refused too. Non-finite values, Boolean
    values, Date years, integer region codes and a NACE section beside its own divisions
    are refused with the fix.
Participations
    One row per organisation in a project: ``project``, ``organisation``, ``region``,
    ``country``, ``role``, ``start_year``; optional ``industry``, ``topic``, ``funding``.
Edges
    ``source``, ``target``, ``weight`` (and optionally ``year``): undirected ties between
    nodes (organisations, regions, countries), one row per pair with ``source < target``;
    what :func:`emerging.networks.project_network` returns in ``Projection.edges`` and what
    every function of :mod:`emerging.networks` reads.
Industry pairs
    ``industry``, ``industry_other`` (String), one value column (``proximity`` for
    relatedness), optionally ``year`` (Int32): one row per *ordered* pair of distinct
    industries, so both ``(i, j)`` and ``(j, i)`` are present. This is what
    :func:`emerging.relatedness.proximity` returns and what the layers that read industry
    relatedness (:func:`emerging.networks.industry_space`, partner suggestions) take.
    The names are :data:`PAIR_KEYS`; :func:`validate_pairs` checks a frame at the door.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

REGION = "region"
INDUSTRY = "industry"
YEAR = "year"
VALUE = "value"
KEYS: tuple[str, str, str] = (REGION, INDUSTRY, YEAR)

PANEL_SCHEMA: dict[str, pl.DataType] = {
    REGION: pl.String(),
    INDUSTRY: pl.String(),
    YEAR: pl.Int32(),
    VALUE: pl.Float64(),
}

PARTICIPATIONS_SCHEMA: dict[str, pl.DataType] = {
    "project": pl.String(),
    "organisation": pl.String(),
    "region": pl.String(),
    "country": pl.String(),
    "role": pl.String(),
    "start_year": pl.Int32(),
}
PARTICIPATIONS_OPTIONAL: dict[str, pl.DataType] = {
    "industry": pl.String(),
    "topic": pl.String(),
    "funding": pl.Float64(),
}

SOURCE = "source"
TARGET = "target"
WEIGHT = "weight"
#: The second industry of an industry pair (the first is ``industry``).
INDUSTRY_OTHER = "industry_other"
PAIR_KEYS: tuple[str, str] = (INDUSTRY, INDUSTRY_OTHER)
PAIR_SCHEMA: dict[str, pl.DataType] = {
    INDUSTRY: pl.String(),
    INDUSTRY_OTHER: pl.String(),
    "proximity": pl.Float64(),
}

EDGES_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "target": pl.String(),
    "weight": pl.Float64(),
}

_SHOW = 5  # how many offending rows an error message quotes


class SchemaError(ValueError):
    """A table does not satisfy the data contract. Base class of all contract errors."""


class MissingColumnError(SchemaError):
    """A required column is absent."""


class DtypeError(SchemaError):
    """A column has the wrong dtype and cannot be cast safely."""


class DuplicateKeyError(SchemaError):
    """Two or more rows share the same key."""


class NegativeValueError(SchemaError):
    """A column that must be non-negative holds negative numbers."""


class MixedLevelError(SchemaError):
    """Region codes of different NUTS levels are mixed in one panel."""


class EmptySelectionError(SchemaError):
    """A selection or a whole table holds no rows."""


class NonNutsCodeError(SchemaError):
    """Region codes that are Eurostat aggregates or no NUTS code of any version."""


class MixedIndustryLevelError(SchemaError):
    """A NACE code beside its own sub-codes (e.g. section ``C`` and division ``C26``)."""


class NonFiniteValueError(SchemaError):
    """``inf``, ``-inf`` or ``NaN`` in a value column, or totals that overflow."""


class CodesNormalisedWarning(UserWarning):
    """Codes were stripped of spaces or upper-cased at the door."""


class RowsDroppedWarning(UserWarning):
    """Rows were dropped at the door on request (e.g. ``drop_aggregates=True``); counted."""


#: Eurostat aggregates that can appear where a region code is expected.
_AGGREGATE = r"^(EU|EA|EEA|EFTA|EU\d+|EA\d+|EEA\d+|EFTA\d*)(_\d{4})?$|_"


@dataclass(frozen=True)
class Exclusions:
    """Rows left out of a computation, counted by reason (never dropped silently)."""

    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        if not self.total:
            return "no rows excluded"
        parts = ", ".join(f"{n:,} {reason}" for reason, n in self.counts.items() if n)
        return f"{self.total:,} rows excluded ({parts})"


def _collect_schema(frame: pl.DataFrame | pl.LazyFrame) -> pl.Schema:
    return frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema


def _format_rows(rows: pl.DataFrame) -> str:
    return "; ".join(
        ", ".join(f"{k}={v!r}" for k, v in row.items()) for row in rows.head(_SHOW).to_dicts()
    )


def require_columns(
    frame: pl.DataFrame | pl.LazyFrame, columns: Sequence[str], *, what: str = "table"
) -> None:
    """Raise :class:`MissingColumnError` naming every absent column and the columns found."""
    found = list(_collect_schema(frame).names())
    missing = [c for c in columns if c not in found]
    if missing:
        raise MissingColumnError(
            f"{what} lacks column(s) {missing}; expected {list(columns)}, found {found}. "
            "Rename your columns (e.g. frame.rename({'nuts': 'region'})) or pass a column "
            "mapping to the reader."
        )


def coerce_dtypes(
    frame: pl.DataFrame, schema: Mapping[str, pl.DataType], *, what: str = "table"
) -> pl.DataFrame:
    """Cast columns to the contract dtypes where this loses nothing, else raise DtypeError.

    Integers and floats are cast to the contract dtype; a cast that would turn a non-null
    value into null (e.g. text in a numeric column) is an error naming the first bad values.
    """
    casts = []
    for name, dtype in schema.items():
        if name not in frame.columns or frame.schema[name] == dtype:
            continue
        _check_castable(frame, name, dtype, what)
        casts.append(_lossless_cast(frame, name, dtype, what))
    return frame.with_columns(casts) if casts else frame


def _check_castable(frame: pl.DataFrame, name: str, dtype: pl.DataType, what: str) -> None:
    """Refuse the kinds of column no cast should turn into ``dtype`` (dates for years,
    Booleans for counts, numbers for NUTS codes, other types for text)."""
    found = frame.schema[name]
    if found.is_temporal() and dtype.is_integer():
        raise DtypeError(
            f"{what} column {name!r}: expected whole years ({dtype}), found {found} "
            f"(e.g. {frame[name].drop_nulls().head(1).to_list()}). Take the year: "
            f"pl.col({name!r}).dt.year()."
        )
    if found == pl.Boolean() and dtype.is_numeric():
        raise DtypeError(
            f"{what} column {name!r}: expected numbers ({dtype}), found Boolean. A "
            f"true/false column is not a count; if it is meant as 0/1, cast it first: "
            f"pl.col({name!r}).cast({dtype})."
        )
    if dtype == pl.String() and found.is_numeric() and name == REGION:
        raise DtypeError(
            f"{what} column {name!r}: expected NUTS codes as text (e.g. 'CZ01'), found "
            f"{found} such as {frame[name].drop_nulls().head(3).to_list()}. Map the "
            "numbers to NUTS codes (e.g. with a join on your code list) before analysis."
        )
    if dtype == pl.String() and not (found.is_numeric() or found == pl.Categorical()):
        raise DtypeError(
            f"{what} column {name!r}: expected {dtype}, found {found}. "
            f"Convert it with pl.col({name!r}).cast(pl.String)."
        )


def _lossless_cast(frame: pl.DataFrame, name: str, dtype: pl.DataType, what: str) -> pl.Series:
    """The column cast to ``dtype``, refused when the cast would null a value or drop a
    fraction."""
    found = frame.schema[name]
    cast = frame[name].cast(dtype, strict=False)
    lost = frame[name].is_not_null() & cast.is_null()
    if lost.any():
        bad = frame.filter(lost)[name].unique(maintain_order=True).head(_SHOW).to_list()
        raise DtypeError(
            f"{what} column {name!r}: expected {dtype}, found {found} with "
            f"{int(lost.sum()):,} value(s) that are not {dtype}, e.g. {bad}. "
            "Clean or null these values first."
        )
    if dtype.is_integer() and found.is_float():
        frac = frame[name].is_not_null() & (frame[name] != frame[name].round(0))
        if frac.any():
            raise DtypeError(
                f"{what} column {name!r}: expected whole numbers ({dtype}), found "
                f"fractions such as {frame.filter(frac)[name].head(_SHOW).to_list()}."
            )
    return cast.alias(name)


def check_unique(frame: pl.DataFrame, keys: Sequence[str], *, what: str = "table") -> None:
    """Raise :class:`DuplicateKeyError` quoting the first duplicated keys and their counts."""
    dup = (
        frame.group_by(list(keys))
        .len()
        .filter(pl.col("len") > 1)
        .sort(list(keys))
    )
    if dup.height:
        raise DuplicateKeyError(
            f"{what} has {dup.height:,} duplicated key(s) on {list(keys)} "
            f"({int(dup['len'].sum()):,} rows); first: {_format_rows(dup.rename({'len': 'rows'}))}. "
            "Aggregate them (e.g. group_by(keys).agg(pl.col('value').sum())) or drop the "
            "copies before analysis."
        )


def check_non_negative(
    frame: pl.DataFrame, column: str, keys: Sequence[str] = (), *, what: str = "table"
) -> None:
    """Raise :class:`NegativeValueError` with how many negative values there are and where."""
    neg = frame.filter(pl.col(column) < 0)
    if neg.height:
        raise NegativeValueError(
            f"{what} column {column!r}: expected values >= 0, found {neg.height:,} negative "
            f"value(s); first: {_format_rows(neg.select([*keys, column]))}. Negative counts are "
            "usually data-entry or netting errors: correct them or set them to null (unknown)."
        )


def check_not_empty(frame: pl.DataFrame, *, what: str = "table", hint: str = "") -> None:
    """Raise :class:`EmptySelectionError` when a table has no rows."""
    if frame.height == 0:
        raise EmptySelectionError(
            f"{what} is empty: no rows to analyse. {hint or 'Check the filters that made it.'}"
        )


def check_single_level(frame: pl.DataFrame, *, what: str = "panel") -> None:
    """Raise :class:`MixedLevelError` if the panel mixes NUTS levels (code lengths)."""
    from emerging.codes.nuts import nuts_level_expr

    levels = (
        frame.select(nuts_level_expr(pl.col(REGION)).alias("level"), pl.col(REGION))
        .group_by("level")
        .agg(pl.len(), pl.col(REGION).unique().sort().head(3).alias("examples"))
        .sort("level")
    )
    if levels.height > 1:
        desc = "; ".join(
            f"level {r['level']}: {r['len']:,} rows, e.g. {r['examples']}"
            for r in levels.to_dicts()
        )
        raise MixedLevelError(
            f"{what} column 'region': expected codes of one NUTS level, found several ({desc}). "
            "Select one level first, e.g. panel.filter(nuts_level_expr(pl.col('region')) == 2), "
            "or pass allow_mixed_levels=True if the mix is intended."
        )


def normalise_codes(frame: pl.DataFrame, *, what: str = "panel") -> pl.DataFrame:
    """Strip spaces from ``region`` and ``industry`` and upper-case ``region``; warn what changed.

    A NACE-like industry code in lower case (``c26``) is upper-cased too; other industry
    codes (cluster categories) keep their case.
    """
    import warnings

    changes = []
    exprs = []
    for col in (REGION, INDUSTRY):
        if col not in frame.columns or frame.schema[col] != pl.String:
            continue
        clean = pl.col(col).str.strip_chars()
        if col == REGION:
            clean = clean.str.to_uppercase()
        else:
            upper = clean.str.to_uppercase()
            clean = pl.when(upper.str.contains(r"^[A-U](\d{2}(\d{1,2})?)?$")).then(upper).otherwise(clean)
        # checked on the distinct codes (a few hundred), not on every row of a big panel
        codes = frame.select(pl.col(col).unique().sort())
        odd = codes.filter((pl.col(col) != clean).fill_null(False))[col]
        if odd.len():
            changed = frame.select(pl.col(col).is_in(odd.implode()).sum()).item()
            changes.append(f"{changed:,} {col} code(s) such as {odd.head(3).to_list()}")
            exprs.append(clean.alias(col))
    if changes:
        warnings.warn(
            f"{what}: normalised {'; '.join(changes)} (spaces stripped, NUTS codes upper-cased). "
            "Clean the source to silence this warning.",
            CodesNormalisedWarning,
            stacklevel=3,
        )
        frame = frame.with_columns(exprs)
    return frame


def check_region_codes(
    frame: pl.DataFrame, *, what: str = "panel", drop_aggregates: bool = False, check_codes: bool = False
) -> pl.DataFrame:
    """Refuse (or drop with ``drop_aggregates``) Eurostat aggregates and, with ``check_codes``,
    codes that are no NUTS code of any version."""
    import warnings

    codes = frame[REGION].unique().to_list()
    aggregates = sorted(c for c in codes if _is_aggregate(c))
    unknown: list[str] = []
    if check_codes:
        from emerging.codes.nuts_versions import is_nuts_code

        unknown = sorted(
            c for c in codes if c not in aggregates and not _is_extra_regio(c) and not is_nuts_code(c)
        )
    bad = aggregates + unknown
    if not bad:
        return frame
    rows = frame.filter(pl.col(REGION).is_in(bad)).height
    if drop_aggregates:
        warnings.warn(
            f"{what}: dropped {rows:,} row(s) of {len(bad)} region code(s) that are "
            f"{'aggregates' if aggregates else ''}{' and ' if aggregates and unknown else ''}"
            f"{'no NUTS code of any version 2003-2024' if unknown else ''}: {bad[:10]}",
            RowsDroppedWarning,
            stacklevel=3,
        )
        return frame.filter(~pl.col(REGION).is_in(bad))
    parts = []
    if aggregates:
        parts.append(f"Eurostat aggregates {aggregates[:10]} (not regions: they double-count their members)")
    if unknown:
        from emerging.codes.nuts import closest_codes
        from emerging.codes.nuts_versions import nuts_codes

        hint = {c: closest_codes(c, nuts_codes(2021), 2) for c in unknown[:3]}
        parts.append(f"codes that are no NUTS code of any version 2003-2024 {unknown[:10]} (closest: {hint})")
    raise NonNutsCodeError(
        f"{what} column 'region': expected NUTS codes, found {' and '.join(parts)} in {rows:,} "
        "row(s). Filter them out (e.g. panel.filter(~pl.col('region').is_in([...]))) or pass "
        "drop_aggregates=True to drop them and have them reported."
    )


def aggregate_expr(code: pl.Expr) -> pl.Expr:
    """Polars expression: True where a region code is a Eurostat aggregate (``EU28``, ``EA19``...)."""
    return code.str.contains(_AGGREGATE) | (code.str.len_chars() > 5) | ~code.str.contains(r"^[A-Za-z0-9]+$")


def _is_aggregate(code: str) -> bool:
    import re

    return bool(re.search(_AGGREGATE, code)) or len(code) > 5 or not code.isalnum()


def _is_extra_regio(code: str) -> bool:
    return len(code) > 2 and code.endswith("Z" * (len(code) - 2))


def check_industry_levels(frame: pl.DataFrame, *, what: str = "panel") -> None:
    """Raise :class:`MixedIndustryLevelError` when a NACE code sits beside one of its own sub-codes."""
    from emerging.codes.nace import is_nace_code

    codes = {c for c in frame[INDUSTRY].unique().to_list() if c is not None and is_nace_code(c)}
    clashes = sorted(
        (parent, code)
        for code in codes
        for parent in {code[:1], code[:3], code[:4]}
        if len(parent) < len(code) and parent in codes
    )
    if clashes:
        shown = ", ".join(f"{p} with {c}" for p, c in clashes[:5])
        raise MixedIndustryLevelError(
            f"{what} column 'industry': expected NACE codes of one level, found {len(clashes)} "
            f"code(s) beside their own sub-codes ({shown}); totals would count those jobs "
            "twice. Keep one level, e.g. divisions: panel.filter(pl.col('industry')"
            ".str.len_chars() == 3), or pass allow_mixed_levels=True if the mix is intended."
        )


def check_finite(frame: pl.DataFrame, column: str = VALUE, *, what: str = "panel") -> None:
    """Raise :class:`NonFiniteValueError` for inf/NaN values or totals that overflow."""
    col = pl.col(column)
    bad = frame.filter(col.is_not_null() & ~col.is_finite())
    if bad.height:
        raise NonFiniteValueError(
            f"{what} column {column!r}: expected finite numbers or null, found {bad.height:,} "
            f"non-finite value(s) (inf or NaN); first: {_format_rows(bad.select([*KEYS, column]))}. "
            "A NaN or inf is not an observation: set them to null (unknown) with "
            f"pl.when(pl.col({column!r}).is_finite()).then(pl.col({column!r})), or fix the source."
        )
    if frame.height and not np_isfinite(frame.select(col.sum()).item()):
        raise NonFiniteValueError(
            f"{what} column {column!r}: the values are so large that their total overflows "
            f"(largest {frame[column].max():.3g}). Rescale them (e.g. to thousands) first."
        )


def np_isfinite(x) -> bool:
    import math

    return x is None or math.isfinite(x)


def validate_panel(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    allow_mixed_levels: bool = False,
    allow_empty: bool = False,
    check_duplicates: bool = True,
    drop_aggregates: bool = False,
    check_codes: bool = False,
    what: str = "panel",
) -> pl.DataFrame:
    """Check a Panel against the contract and return it with contract dtypes.

    Checks, in order: required columns, dtypes (safe casts only; Date years, Boolean values
    and integer region codes refused), code normalisation (spaces, lower case: fixed and
    warned), Eurostat aggregates in ``region`` (and non-NUTS codes with ``check_codes``),
    nulls in keys, duplicate keys, non-finite values and overflowing totals, negative
    values, one NUTS level and one NACE level (unless ``allow_mixed_levels``), and
    non-emptiness. Nulls in ``value`` are allowed: they mean "unknown" (e.g. a
    confidential cell).

    Parameters
    ----------
    panel
        DataFrame or LazyFrame with ``region``, ``industry``, ``year``, ``value``.
    allow_mixed_levels
        Accept region codes of several NUTS levels (e.g. a country and its regions) and
        NACE codes beside their own sub-codes (e.g. ``C`` and ``C26``).
    allow_empty
        Accept a panel with no rows.
    check_duplicates
        Check for duplicate keys here (a group-by over three string columns, the slowest
        check on big panels). Pass False only when the caller checks uniqueness itself,
        e.g. on integer codes (``emerging.trends`` does, and then calls
        :func:`check_unique` for the message).
    drop_aggregates
        Drop rows whose region is an aggregate (or, with ``check_codes``, no NUTS code)
        instead of refusing them; the rows dropped are reported with a
        :class:`RowsDroppedWarning`.
    check_codes
        Also refuse region codes that are no NUTS code of any version 2003-2024.

    Returns
    -------
    polars.DataFrame
        The panel, collected, with ``year`` as Int32 and ``value`` as Float64.

    Raises
    ------
    MissingColumnError, DtypeError, DuplicateKeyError, NegativeValueError,
    MixedLevelError, MixedIndustryLevelError, NonNutsCodeError, NonFiniteValueError,
    EmptySelectionError
        All subclasses of :class:`SchemaError` (a ``ValueError``).
    """
    frame = panel.collect() if isinstance(panel, pl.LazyFrame) else panel
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(
            f"{what}: expected a polars DataFrame or LazyFrame, got {type(frame).__name__}. "
            "Convert it first, e.g. pl.from_pandas(df)."
        )
    require_columns(frame, list(PANEL_SCHEMA), what=what)
    frame = coerce_dtypes(frame, PANEL_SCHEMA, what=what)
    frame = normalise_codes(frame, what=what)
    if not allow_empty:
        check_not_empty(frame, what=what)
    for key in KEYS:
        nulls = frame[key].null_count()
        if nulls:
            raise SchemaError(
                f"{what} column {key!r}: expected no nulls in a key column, found {nulls:,}. "
                "Fill or drop those rows explicitly."
            )
    frame = check_region_codes(frame, what=what, drop_aggregates=drop_aggregates, check_codes=check_codes)
    if not allow_empty:
        check_not_empty(frame, what=what, hint="Every row was dropped as an aggregate or non-NUTS code.")
    if check_duplicates:
        check_unique(frame, KEYS, what=what)
    check_finite(frame, VALUE, what=what)
    check_non_negative(frame, VALUE, KEYS, what=what)
    if not allow_mixed_levels:
        check_single_level(frame, what=what)
        check_industry_levels(frame, what=what)
    return frame


def year_argument(value, name: str = "year") -> int:
    """An ``int`` year from a function argument; a string, float or date is refused with the fix."""
    import datetime

    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            fix = f"pass {name}={int(value)} (a number, not the text {value!r})"
        elif isinstance(value, datetime.date):
            fix = f"pass {name}={value.year}"
        elif isinstance(value, float) and value.is_integer():
            fix = f"pass {name}={int(value)}"
        else:
            fix = f"pass {name} as a whole year such as 2015"
        raise TypeError(f"{name} must be an int year; got {value!r} ({type(value).__name__}): {fix}")
    return int(value)


def validate_participations(
    table: pl.DataFrame | pl.LazyFrame, *, what: str = "participations"
) -> pl.DataFrame:
    """Check a Participations table and return it with contract dtypes.

    Required: ``project``, ``organisation``, ``region``, ``country``, ``role``,
    ``start_year``; optional ``industry``, ``topic``, ``funding`` (>= 0). One organisation
    appears at most once per project (the key is ``(project, organisation)``); ``region``
    may fall back to the country code when no NUTS code is known, but must not be null.
    """
    frame = table.collect() if isinstance(table, pl.LazyFrame) else table
    require_columns(frame, list(PARTICIPATIONS_SCHEMA), what=what)
    frame = coerce_dtypes(frame, {**PARTICIPATIONS_SCHEMA, **PARTICIPATIONS_OPTIONAL}, what=what)
    check_not_empty(frame, what=what)
    for key in ("project", "organisation", "region", "country"):
        nulls = frame[key].null_count()
        if nulls:
            raise SchemaError(
                f"{what} column {key!r}: expected no nulls, found {nulls:,}. "
                "Use the country code as region when no NUTS code is known."
            )
    check_unique(frame, ("project", "organisation"), what=what)
    if "funding" in frame.columns:
        check_non_negative(frame, "funding", ("project", "organisation"), what=what)
    return frame


def validate_edges(edges: pl.DataFrame | pl.LazyFrame, *, what: str = "edges") -> pl.DataFrame:
    """Check an Edges table (``source``, ``target``, ``weight`` >= 0, optional ``year``)."""
    frame = edges.collect() if isinstance(edges, pl.LazyFrame) else edges
    require_columns(frame, list(EDGES_SCHEMA), what=what)
    frame = coerce_dtypes(frame, EDGES_SCHEMA, what=what)
    keys = ["source", "target", *(["year"] if "year" in frame.columns else [])]
    check_unique(frame, keys, what=what)
    check_non_negative(frame, "weight", keys, what=what)
    return frame


def validate_pairs(
    pairs: pl.DataFrame | pl.LazyFrame, *, value: str = "proximity", what: str = "industry pairs"
) -> pl.DataFrame:
    """Check an industry-pair table (``industry``, ``industry_other``, ``value``, optional
    ``year``): names, dtypes, one row per key, no pair of an industry with itself.

    Older spellings of the two key columns (``industry_a``/``industry_b``,
    ``industry_i``/``industry_j``) are named in the error with the rename that fixes them.
    """
    frame = pairs.collect() if isinstance(pairs, pl.LazyFrame) else pairs
    for a, b in (("industry_a", "industry_b"), ("industry_i", "industry_j")):
        if {a, b} <= set(frame.columns) and INDUSTRY_OTHER not in frame.columns:
            raise MissingColumnError(
                f"{what} name their industries {a!r}/{b!r}; the pair columns are "
                f"{list(PAIR_KEYS)}: frame.rename({{{a!r}: {INDUSTRY!r}, {b!r}: {INDUSTRY_OTHER!r}}})"
            )
    require_columns(frame, [*PAIR_KEYS, value], what=what)
    frame = coerce_dtypes(frame, {**{k: PAIR_SCHEMA[k] for k in PAIR_KEYS}, value: pl.Float64()},
                          what=what)
    keys = [*PAIR_KEYS, *([YEAR] if YEAR in frame.columns else [])]
    check_unique(frame, keys, what=what)
    selfish = frame.filter(pl.col(INDUSTRY) == pl.col(INDUSTRY_OTHER))
    if selfish.height:
        raise SchemaError(
            f"{what} pair {selfish.height:,} industr(y/ies) with themselves (e.g. "
            f"{_format_rows(selfish.select(keys))}); drop rows with industry == industry_other"
        )
    return frame


def same_kind(result: pl.DataFrame, like: pl.DataFrame | pl.LazyFrame):
    """Return ``result`` as a LazyFrame when the input was lazy, else as a DataFrame."""
    return result.lazy() if isinstance(like, pl.LazyFrame) else result
