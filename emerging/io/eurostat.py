"""Eurostat statistics in the formats Eurostat distributes.

Bulk TSV (pre-2023 bulk download and the current API's ``format=TSV``)
    Tab-separated. The first header cell packs the dimension names separated by commas and
    ends in ``geo\\time`` (or ``geo\\TIME_PERIOD``); the other header cells are periods,
    often newest first and with a trailing space. A cell is a number, a space and zero or
    more flag letters (``"1234 "``, ``"1234 c"``, ``"4.0 bu"``), or ``:`` (not available),
    optionally with flags (``": c"``).

:func:`read_tsv` returns a tidy frame: one column per dimension, ``year`` (Int32) or
``period`` (String, for sub-annual data), ``value`` (Float64, null when not available) and
``flag`` (String, null when none). :func:`to_panel` turns one indicator into a Panel.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, SchemaError, validate_panel

#: Observation flags in Eurostat files and documentation.
FLAGS: dict[str, str] = {
    "b": "break in time series",
    "c": "confidential",
    "d": "definition differs",
    "e": "estimated",
    "f": "forecast",
    "i": "see metadata",
    "m": "missing",
    "n": "not significant",
    "p": "provisional",
    "r": "revised",
    "s": "Eurostat estimate",
    "u": "low reliability",
    "z": "not applicable",
}

_CELL = r"^\s*([0-9.eE+-]+|:)\s*([a-z]*)\s*$"


class EurostatFormatError(ValueError):
    """A file does not follow the Eurostat format it claims to be in."""


def _read_text(path: Path) -> str:
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError) as exc:
            raise EurostatFormatError(
                f"{path}: the gzip stream is damaged or truncated ({exc}); download the file again"
            ) from exc
    return raw.decode("utf-8-sig")


def read_tsv(path: str | Path) -> pl.DataFrame:
    """Read a Eurostat bulk TSV file (plain or gzip) into a tidy long frame.

    Parameters
    ----------
    path
        ``.tsv`` or ``.tsv.gz`` file in Eurostat's bulk layout (any dataset, any dimensions).

    Returns
    -------
    polars.DataFrame
        Dimension columns (String), ``year`` (Int32; or ``period`` String when periods are
        not whole years), ``value`` (Float64, null for ``:``) and ``flag`` (String or null).

    Raises
    ------
    EurostatFormatError
        Truncated gzip, a header without ``\\time``/``\\TIME_PERIOD``, cells that are not
        ``number [flags]`` or ``:``, unknown flag letters, or duplicated series; the
        message names the file and the line.
    """
    path = Path(path)
    text = _read_text(path)
    header, _, _ = text.partition("\n")
    first = header.split("\t", 1)[0]
    if "\\" not in first:
        raise EurostatFormatError(
            f"{path}, line 1: expected a first header cell like 'nace_r2,indic_sb,geo\\time', "
            f"found {first[:60]!r}. Is this a Eurostat bulk TSV file?"
        )
    dims_part, _, time_name = first.rpartition("\\")
    dims = dims_part.split(",")
    frame = pl.read_csv(
        io.StringIO(text), separator="\t", infer_schema=False, quote_char=None, has_header=True
    )
    periods = [c for c in frame.columns[1:]]
    frame = frame.rename({frame.columns[0]: "_key"}).with_row_index("_line", offset=2)
    keys = pl.col("_key").str.split_exact(",", len(dims) - 1)
    frame = frame.with_columns(
        keys.struct.rename_fields(dims).alias("_dims")
    ).unnest("_dims").with_columns(pl.col(d).str.strip_chars() for d in dims)
    if frame.select(pl.col(dims[-1]).is_null().any()).item():
        bad = frame.filter(pl.col(dims[-1]).is_null()).row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {bad['_line']}: expected {len(dims)} comma-separated codes "
            f"({','.join(dims)}), found {bad['_key']!r}"
        )
    dup = frame.filter(pl.col("_key").is_duplicated())
    if dup.height:
        raise EurostatFormatError(
            f"{path}: duplicated series {dup['_key'].unique().head(3).to_list()} "
            f"(lines {dup['_line'].head(4).to_list()}); the file is damaged or concatenated"
        )
    long = frame.unpivot(index=["_line", *dims], on=periods, variable_name="_period", value_name="_cell")
    parsed = long.with_columns(
        pl.col("_period").str.strip_chars(),
        pl.col("_cell").str.extract(_CELL, 1).alias("_num"),
        pl.col("_cell").str.extract(_CELL, 2).alias("flag"),
    )
    bad = parsed.filter(pl.col("_cell").is_not_null() & pl.col("_num").is_null())
    if bad.height:
        row = bad.row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}, period {row['_period']}: expected 'number [flags]' "
            f"or ':', found {row['_cell']!r} ({bad.height:,} such cells)"
        )
    letters = set("".join(parsed["flag"].drop_nulls().unique().to_list()))
    unknown = sorted(letters - set(FLAGS))
    if unknown:
        row = parsed.filter(pl.col("flag").str.contains(f"[{''.join(unknown)}]")).row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}: unknown flag letter(s) {unknown} in {row['_cell']!r}; "
            f"known flags: {FLAGS}"
        )
    annual = parsed["_period"].str.contains(r"^\d{4}$").all()
    value = pl.when(pl.col("_num") != ":").then(pl.col("_num")).cast(pl.Float64)
    period = (
        pl.col("_period").cast(pl.Int32).alias(YEAR) if annual else pl.col("_period").alias("period")
    )
    return parsed.select(
        *dims,
        period,
        value.alias(VALUE),
        pl.when(pl.col("flag") != "").then(pl.col("flag")).alias("flag"),
    )


def to_panel(
    frame: pl.DataFrame,
    *,
    measure: Mapping[str, str],
    region: str = "geo",
    industry: str = "nace_r2",
    keep_flags: bool = True,
) -> pl.DataFrame:
    """Select one indicator from a tidy Eurostat frame and return a validated Panel.

    Parameters
    ----------
    frame
        Output of :func:`read_tsv` (or the SDMX-CSV reader).
    measure
        Dimension filters that pick one indicator, e.g. ``{"indic_sb": "V16110"}`` (persons
        employed). Every other dimension except ``region`` and ``industry`` must then hold
        a single value.
    region, industry
        Names of the dimensions that become ``region`` and ``industry``.
    keep_flags
        Keep the ``flag`` column (confidential cells stay null with flag ``c``).
    """
    for dim, code in measure.items():
        if dim not in frame.columns:
            raise SchemaError(
                f"measure filter {dim}={code!r}: no dimension {dim!r}; dimensions are "
                f"{[c for c in frame.columns if c not in (YEAR, VALUE, 'flag', 'period')]}"
            )
        available = frame[dim].unique().sort().to_list()
        if code not in available:
            raise SchemaError(
                f"measure filter {dim}={code!r}: no such code; available: {available[:20]}"
            )
        frame = frame.filter(pl.col(dim) == code)
    others = [c for c in frame.columns if c not in (region, industry, YEAR, VALUE, "flag", *measure)]
    for dim in others:
        n = frame[dim].n_unique()
        if n > 1:
            raise SchemaError(
                f"dimension {dim!r} still has {n} values {frame[dim].unique().head(5).to_list()} "
                f"after the measure filter; add it to measure=, e.g. measure={{..., {dim!r}: ...}}"
            )
    panel = frame.rename({region: REGION, industry: INDUSTRY}).select(
        REGION, INDUSTRY, YEAR, VALUE, *(["flag"] if keep_flags else [])
    )
    return validate_panel(panel, allow_mixed_levels=True)
