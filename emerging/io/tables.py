"""Users' own tables (CSV, XLSX, Parquet) read into a validated Panel through a column mapping.

A regional statistics office often has its own employment table, e.g. a spreadsheet with
columns ``NUTS``, ``NACE``, ``Year`` and ``Employees``. :func:`read_table` reads it and
renames the columns named in ``columns`` to the Panel contract (``region``, ``industry``,
``year``, ``value``); every other column passes through. The result is checked by
:func:`emerging.validate_panel`, so a text cell in the value column, a duplicated key or a
negative count fails with the file, the column and the offending rows.

XLSX needs the ``fastexcel`` package (``pip install fastexcel``); CSV and Parquet need
nothing beyond polars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from emerging._schema import KEYS, PANEL_SCHEMA, MissingColumnError, SchemaError, validate_panel

_CSV = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")
_XLSX = (".xlsx", ".xlsm", ".xls")
_PARQUET = (".parquet", ".pq")


def _kind(path: Path) -> str:
    name = path.name.lower()
    for kind, suffixes in (("csv", _CSV), ("xlsx", _XLSX), ("parquet", _PARQUET)):
        if name.endswith(suffixes):
            return kind
    raise ValueError(
        f"{path}: unknown table format; expected one of {_CSV + _XLSX + _PARQUET} "
        "(rename the file or convert it)"
    )


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
    sep = separator or ("\t" if ".tsv" in path.name.lower() else ",")
    try:
        return pl.read_csv(path, separator=sep, infer_schema=False, null_values=list(null_values))
    except pl.exceptions.PolarsError as exc:
        raise SchemaError(f"{path}: cannot be read as a {sep!r}-separated table ({exc})") from exc


def read_table(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    separator: str | None = None,
    null_values: Sequence[str] = ("", ":", "NA"),
    allow_mixed_levels: bool = False,
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
        CSV separator (default ``,``; tab for ``.tsv``).
    null_values
        CSV cells read as unknown (null), never as 0.
    allow_mixed_levels
        Accept NUTS codes of several levels in one table.

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
    columns = dict(columns or {})
    bad_targets = sorted(set(columns.values()) - set(PANEL_SCHEMA) - {"flag"})
    if bad_targets:
        raise ValueError(
            f"columns maps to {bad_targets}, which are not Panel columns; map to "
            f"{list(PANEL_SCHEMA)} (and optionally 'flag')"
        )
    frame = _read_raw(path, sheet=sheet, separator=separator, null_values=null_values)
    absent = [source for source in columns if source not in frame.columns]
    if absent:
        raise MissingColumnError(
            f"{path}: mapped column(s) {absent} not in the table; its columns are "
            f"{frame.columns}. Fix the names in columns= (they are case-sensitive)."
        )
    frame = frame.rename(columns)
    missing = [c for c in KEYS + ("value",) if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{path}: no column for {missing}; the table has {frame.columns}. Map them, e.g. "
            f"columns={{'{frame.columns[0]}': '{missing[0]}'}}."
        )
    # text read from CSV: strip, then cast in validate_panel (which refuses lossy casts)
    frame = frame.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars() for c in ("region", "industry")
    )
    if frame.schema["year"] == pl.String:
        frame = frame.with_columns(pl.col("year").str.strip_chars())
    if frame.schema["value"] == pl.String:
        frame = frame.with_columns(pl.col("value").str.strip_chars())
    return validate_panel(frame, allow_mixed_levels=allow_mixed_levels, what=str(path))
