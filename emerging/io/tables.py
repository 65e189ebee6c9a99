"""Users' own tables (CSV, XLSX, Parquet) read into a validated Panel through a column mapping.

A regional statistics office often has its own employment table, e.g. a spreadsheet with
columns ``NUTS``, ``NACE``, ``Year`` and ``Employees``. :func:`read_table` reads it and
renames the columns named in ``columns`` to the Panel contract (``region``, ``industry``,
``year``, ``value``); every other column passes through. The result is checked by
:func:`emerging.validate_panel`, so a text cell in the value column, a duplicated key or a
negative count fails with the file, the column and the offending rows.

What the door does on its own, and says so:

* the CSV separator is detected from the header line when none is given, and a separator
  that leaves the header in one field is named ("this looks like a semicolon-separated
  file: pass separator=';'");
* Eurostat-style cells with flags (``3908 d``, ``: c``) are split into ``value`` and
  ``flag`` with ``value_flags=True`` (and named in the error without it);
* cells that are no number (spreadsheet artefacts such as ``12:00 AM`` or ``#DIV/0!``,
  ``NaN``, ``inf``, ``1e400``) are counted and refused, or read as unknown (null) with
  ``invalid="null"`` and reported with an :class:`InvalidCellsWarning`;
* a single-year table takes its year from ``year=2015``;
* region codes are checked against every NUTS version 2003-2024 (``check_codes``) and
  Eurostat aggregates are refused, or dropped and reported with ``drop_aggregates=True``.

XLSX needs the ``fastexcel`` package (``pip install fastexcel``); CSV and Parquet need
nothing beyond polars.
"""

from __future__ import annotations

import gzip
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from emerging._schema import (
    KEYS,
    PANEL_SCHEMA,
    VALUE,
    DtypeError,
    MissingColumnError,
    NonFiniteValueError,
    SchemaError,
    validate_panel,
)

_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")
_XLSX = (".xlsx", ".xlsm", ".xls")
_PARQUET = (".parquet", ".pq")
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_FLAGGED = rf"^(:|{_NUMBER})\s*([a-z]*)$"
_ARTEFACT = (
    r"^\d{1,2}:\d{2}(:\d{2})?\s*([AaPp][Mm])?$"  # 12:00 AM: a number formatted as a time
    r"|^#(VALUE!|DIV/0!|N/A|REF!|NAME\?|NUM!|NULL!)$"  # spreadsheet error values
    r"|^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"  # a number formatted as a date
    r"|^#+$"  # a column too narrow to show its number
)


class InvalidCellsWarning(UserWarning):
    """Cells that hold no valid number were read as unknown (``invalid="null"``); counted."""


def _kind(path: Path) -> str:
    name = path.name.lower()
    for kind, suffixes in (("csv", _CSV), ("xlsx", _XLSX), ("parquet", _PARQUET)):
        if name.endswith(suffixes):
            return kind
    raise ValueError(
        f"{path}: unknown table format; expected one of {_CSV + _XLSX + _PARQUET} "
        "(rename the file or convert it)"
    )


def _header_line(path: Path) -> str:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:
        return fh.readline()


def _separator(path: Path, separator: str | None) -> str:
    """The separator given, or the one the header line uses; a wrong one is named."""
    header = _header_line(path)
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    if separator is None:
        if counts[best] == 0:
            return "\t" if ".tsv" in path.name.lower() else ","
        return best
    if counts.get(separator, header.count(separator)) == 0 and counts[best] > 0:
        raise SchemaError(
            f"{path}: the header line has no {separator!r} but {counts[best]} "
            f"{best!r}: this looks like a {_SEPARATORS[best]}-separated file: pass "
            f"separator={best!r} (or leave separator out to detect it)."
        )
    return separator


def _read_raw(
    path: Path, *, sheet: str | int | None, separator: str | None, null_values: Sequence[str]
) -> pl.DataFrame:
    kind = _kind(path)
    if kind == "parquet":
        return pl.read_parquet(path)
    if kind == "xlsx":
        try:
            import fastexcel  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                f"reading {path.name} needs the 'fastexcel' package: pip install fastexcel "
                "(or save the sheet as CSV)"
            ) from exc
        options = (
            {"sheet_name": sheet} if isinstance(sheet, str) else {"sheet_id": (sheet or 0) + 1}
        )
        return pl.read_excel(path, **options, infer_schema_length=None)
    sep = _separator(path, separator)
    try:
        return pl.read_csv(path, separator=sep, infer_schema=False, null_values=list(null_values))
    except pl.exceptions.PolarsError as exc:
        first = str(exc).splitlines()[0]
        raise SchemaError(f"{path}: cannot be read as a {sep!r}-separated table ({first})") from exc


def _examples(frame: pl.DataFrame, mask: pl.Expr, column: str) -> list:
    return frame.filter(mask)[column].unique(maintain_order=True).head(3).to_list()


def _clean_values(
    frame: pl.DataFrame, path: Path, *, value_flags: bool, invalid: str
) -> pl.DataFrame:
    """``value`` as Float64 (and ``flag`` from flagged cells); invalid cells refused or nulled."""
    if frame.schema[VALUE] == pl.String:
        text = pl.col(VALUE).str.strip_chars()
        frame = frame.with_columns(text.alias("_text"))
        if value_flags:
            if "flag" in frame.columns:
                raise SchemaError(
                    f"{path}: value_flags=True would write a 'flag' column, but the table has "
                    "one; rename it or drop value_flags."
                )
            parts = pl.col("_text").str.extract_groups(_FLAGGED)
            frame = frame.with_columns(
                parts.struct.field("1").alias("_num"),
                pl.when(parts.struct.field("2") != "").then(parts.struct.field("2")).alias("flag"),
            ).with_columns(
                pl.when(pl.col("_num").is_null() & pl.col("_text").is_not_null())
                .then(pl.col("_text"))
                .otherwise(pl.col("_num"))
                .alias("_num")
            )
        else:
            flagged = pl.col("_text").str.contains(rf"^(:|{_NUMBER})\s+[a-z]+$|^:\s*[a-z]+$")
            if frame.select(flagged.any()).item():
                n = frame.select(flagged.sum()).item()
                raise DtypeError(
                    f"{path}: column 'value' holds {n:,} Eurostat-style cells with flags, such "
                    f"as {_examples(frame, flagged, '_text')}: pass value_flags=True to split "
                    "them into 'value' and 'flag'."
                )
            frame = frame.with_columns(pl.col("_text").alias("_num"))
        number = pl.col("_num").cast(pl.Float64, strict=False)
        frame = frame.with_columns(pl.when(pl.col("_num") != ":").then(number).alias("_value"))
        artefact = pl.col("_text").str.contains(_ARTEFACT).fill_null(False)
        unparsed = pl.col("_value").is_null() & pl.col("_num").is_not_null() & (pl.col("_num") != ":")
        masks = {
            "spreadsheet artefacts (a date, time or error value where a number belongs)": artefact,
            "text that is no number": unparsed & ~artefact,
            "non-finite numbers (NaN, inf, or beyond 1e308)": pl.col("_value").is_not_null()
            & ~pl.col("_value").is_finite(),
        }
        frame = _refuse_or_null(frame, path, masks, "_text", "_value", invalid)
        return frame.with_columns(pl.col("_value").alias(VALUE)).drop("_text", "_num", "_value")
    if frame.schema[VALUE].is_float():
        masks = {
            "non-finite numbers (NaN, inf)": pl.col(VALUE).is_not_null() & ~pl.col(VALUE).is_finite()
        }
        frame = _refuse_or_null(frame, path, masks, VALUE, VALUE, invalid)
    return frame


def _refuse_or_null(
    frame: pl.DataFrame, path: Path, masks: dict[str, pl.Expr], shown: str, target: str, invalid: str
) -> pl.DataFrame:
    """Count the cells each mask flags; raise (invalid='error') or set them to null with a warning."""
    counts = {what: frame.select(mask.sum()).item() for what, mask in masks.items()}
    counts = {what: n for what, n in counts.items() if n}
    if not counts:
        return frame
    found = "; ".join(
        f"{n:,} {what}, e.g. {_examples(frame, masks[what], shown)}" for what, n in counts.items()
    )
    total = sum(counts.values())
    if invalid == "error":
        error = NonFiniteValueError if all("non-finite" in w for w in counts) else DtypeError
        raise error(
            f"{path}: column 'value' has {total:,} invalid cell(s): {found}. Fix them in the "
            "source, or pass invalid='null' to read them as unknown (null); they are then "
            "counted in a warning."
        )
    warnings.warn(
        f"{path}: read {total:,} invalid cell(s) of column 'value' as unknown (null): {found}",
        InvalidCellsWarning,
        stacklevel=3,
    )
    bad = pl.any_horizontal(list(masks.values()))
    return frame.with_columns(pl.when(bad).then(None).otherwise(pl.col(target)).alias(target))


def _to_contract_columns(
    frame: pl.DataFrame, path: Path, columns: dict[str, str], year: int | None
) -> pl.DataFrame:
    """Rename the mapped columns, add a constant ``year``; name what is missing and the fix."""
    absent = [source for source in columns if source not in frame.columns]
    if absent:
        raise MissingColumnError(
            f"{path}: mapped column(s) {absent} not in the table; its columns are "
            f"{frame.columns}. Fix the names in columns= (they are case-sensitive)."
        )
    frame = frame.rename(columns)
    if year is not None:
        if "year" in frame.columns:
            raise ValueError(
                f"{path}: year={year!r} was given but the table has a 'year' column; drop "
                "year= (it is for single-year tables without one)"
            )
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"year must be an int such as 2015; got {year!r}")
        frame = frame.with_columns(pl.lit(year, dtype=pl.Int32).alias("year"))
    missing = [c for c in KEYS + ("value",) if c not in frame.columns]
    if missing:
        hint = " For a single-year table pass year=2015 (its year)." if missing == ["year"] else ""
        raise MissingColumnError(
            f"{path}: no column for {missing}; the table has {frame.columns}. Map them, e.g. "
            f"columns={{'{frame.columns[0]}': '{missing[0]}'}}.{hint}"
        )
    return frame


def read_table(  # noqa: PLR0913  (one keyword per thing a user table can get wrong)
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    separator: str | None = None,
    null_values: Sequence[str] = ("", ":", "NA"),
    allow_mixed_levels: bool = False,
    year: int | None = None,
    value_flags: bool = False,
    invalid: Literal["error", "null"] = "error",
    drop_aggregates: bool = False,
    check_codes: bool = True,
) -> pl.DataFrame:
    """Read a CSV, XLSX or Parquet table into a validated Panel.

    Parameters
    ----------
    path
        ``.csv``/``.tsv``/``.txt`` (optionally ``.gz``), ``.xlsx``/``.xlsm``/``.xls`` or
        ``.parquet``.
    columns
        Mapping from the table's column names to contract names, e.g.
        ``{"NUTS": "region", "NACE": "industry", "Year": "year", "Employees": "value"}``.
        Columns already named like the contract need no entry.
    sheet
        XLSX sheet name or 0-based index (default: the first sheet).
    separator
        CSV separator; default: detected from the header line (comma, semicolon, tab or
        pipe). A given separator that the header does not use is an error naming the one
        it does use.
    null_values
        CSV cells read as unknown (null), never as 0.
    allow_mixed_levels
        Accept NUTS codes of several levels (and NACE codes beside their sub-codes).
    year
        The year of a single-year table without a year column (e.g. ``year=2015``).
    value_flags
        Split Eurostat-style cells (``"3908 d"``, ``": c"``) into ``value`` and ``flag``.
    invalid
        Cells of the value column that hold no valid number (``12:00 AM``, ``#DIV/0!``,
        ``NaN``, ``inf``, ``1e400``): ``"error"`` (default) refuses the table, counting
        them; ``"null"`` reads them as unknown and counts them in an
        :class:`InvalidCellsWarning`.
    drop_aggregates
        Drop rows whose region is a Eurostat aggregate (``EU28``...) or no NUTS code, and
        report them with a warning, instead of refusing the table.
    check_codes
        Refuse region codes that are no NUTS code of any version 2003-2024 (default).

    Returns
    -------
    polars.DataFrame
        ``region``, ``industry``, ``year`` (Int32), ``value`` (Float64) and the other columns.

    Raises
    ------
    MissingColumnError
        A mapped column is absent, or a contract column is neither present nor mapped.
    SchemaError
        Non-numeric values, duplicated keys, negative values and the other contract checks
        (see :func:`emerging.validate_panel`); the message starts with the file name.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; pass the path of a table file inside it")
    if invalid not in ("error", "null"):
        raise ValueError(f"invalid must be one of ('error', 'null'); got {invalid!r}")
    columns = dict(columns or {})
    bad_targets = sorted(set(columns.values()) - set(PANEL_SCHEMA) - {"flag"})
    if bad_targets:
        raise ValueError(
            f"columns maps to {bad_targets}, which are not Panel columns; map to "
            f"{list(PANEL_SCHEMA)} (and optionally 'flag')"
        )
    frame = _read_raw(path, sheet=sheet, separator=separator, null_values=null_values)
    frame = _to_contract_columns(frame, path, columns, year)
    # text read from CSV: strip, then cast in validate_panel (which refuses lossy casts)
    for c in ("region", "industry"):
        if frame.schema[c] == pl.String:
            frame = frame.with_columns(pl.col(c).str.strip_chars())
    if frame.schema["year"] == pl.String:
        frame = frame.with_columns(pl.col("year").str.strip_chars())
    frame = _clean_values(frame, path, value_flags=value_flags, invalid=invalid)
    return validate_panel(
        frame,
        allow_mixed_levels=allow_mixed_levels,
        drop_aggregates=drop_aggregates,
        check_codes=check_codes,
        what=str(path),
    )
