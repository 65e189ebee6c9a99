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

SDMX-CSV (the current dissemination API's ``format=SDMX-CSV``)
    One observation per row: ``DATAFLOW,LAST UPDATE,freq,<dimensions>,TIME_PERIOD,
    OBS_VALUE,OBS_FLAG`` (+ ``CONF_STATUS``). :func:`read_sdmx_csv` returns the same tidy
    frame; :func:`read` picks the reader from the file content.

Downloads (:func:`download`, :func:`api_url`) live in :mod:`emerging.io.eurostat_api` and are
re-exported here.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, SchemaError, validate_panel
from emerging.io.eurostat_api import DATASET_DIMENSIONS, api_url, download  # noqa: F401 (re-export)

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


class EurostatFormatError(ValueError):
    """A file does not follow the Eurostat format it claims to be in."""


def _read_text(path: Path) -> str:
    """File content as text; gzip is recognised by its magic bytes, damage reported with a line."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            partial = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw)
            lines = partial.count(b"\n")
            raise EurostatFormatError(
                f"{path}, line {lines + 1}: the gzip stream is damaged or truncated ({exc}) after "
                f"{lines:,} complete lines ({len(raw):,} compressed bytes). Download the file again"
                " (delete it first so the cache does not reuse it)."
            ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EurostatFormatError(
            f"{path}, line {line}: not UTF-8 text ({exc.reason}); is this a Eurostat file?"
        ) from exc


_PERIOD = r"^\d{4}(-?(Q[1-4]|S[12]|M?\d{2}|W\d{2}))?$"


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
    dims = _tsv_dimensions(path, text)
    frame, periods = _tsv_series(path, text, dims)
    long = frame.unpivot(index=["_line", *dims], on=periods, variable_name="_period", value_name="_cell")
    parsed = _tsv_cells(path, long)
    annual = all(re.match(r"^\d{4}$", label.strip()) for label in periods)
    value = pl.col("_value")
    period = pl.col("_period").cast(pl.Int32).alias(YEAR) if annual else pl.col("_period").alias("period")
    return parsed.select(
        *dims,
        period,
        value.alias(VALUE),
        pl.when(pl.col("flag") != "").then(pl.col("flag")).alias("flag"),
    )


def _tsv_dimensions(path: Path, text: str) -> list[str]:
    """The dimension names packed into the first header cell (``nace_r2,geo\\time``)."""
    header, _, _ = text.partition("\n")
    if "\t" not in header and header.count(";") >= 1:
        raise EurostatFormatError(
            f"{path}, line 1: this file is semicolon-separated ({header.count(';') + 1} fields "
            "split by ';'), but a Eurostat TSV is tab-separated. Download it again in TSV "
            "format, or read a table you made yourself with emerging.read_table(path, "
            "separator=';')."
        )
    first = header.split("\t", 1)[0]
    if "\\" not in first:
        raise EurostatFormatError(
            f"{path}, line 1: expected a first header cell like 'nace_r2,indic_sb,geo\\time', "
            f"found {first[:60]!r}. Is this a Eurostat bulk TSV file?"
        )
    return first.rpartition("\\")[0].split(",")


def _tsv_series(path: Path, text: str, dims: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """One row per series: ``_line``, ``_key``, the dimension codes and one text column per
    period; checks the period labels and that every series key is complete and unique."""
    header, _, _ = text.partition("\n")
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator="\t",
            infer_schema=False,
            quote_char=None,
            has_header=True,
        )
    except pl.exceptions.PolarsError as exc:
        raise EurostatFormatError(
            f"{path}: rows do not have the header's {header.count(chr(9)) + 1} tab-separated "
            f"fields ({str(exc).splitlines()[0]}); the file is damaged or not a Eurostat TSV"
        ) from exc
    periods = list(frame.columns[1:])
    for k, label in enumerate(periods, start=2):
        if not re.match(_PERIOD, label.strip()):
            raise EurostatFormatError(
                f"{path}, line 1, column {k}: expected a period label such as '2015', '2015-Q1' "
                f"or '2015-01', found {label!r}. Is this a Eurostat bulk TSV file?"
            )
    frame = frame.rename({frame.columns[0]: "_key"}).with_row_index("_line", offset=2)
    keys = pl.col("_key").str.split_exact(",", len(dims) - 1)
    frame = (
        frame.with_columns(keys.struct.rename_fields(dims).alias("_dims"))
        .unnest("_dims")
        .with_columns(pl.col(d).str.strip_chars() for d in dims)
    )
    _check_series_keys(path, frame, dims)
    return frame, periods


def _check_series_keys(path: Path, frame: pl.DataFrame, dims: list[str]) -> None:
    """Every series key has exactly the header's dimensions, and no key comes twice."""
    n_fields = pl.col("_key").str.count_matches(",") + 1
    extra = frame.filter(n_fields > len(dims))
    if extra.height:
        bad = extra.row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {bad['_line']}: expected {len(dims)} comma-separated codes "
            f"({','.join(dims)}) as the header says, found {bad['_key']!r} with "
            f"{bad['_key'].count(',') + 1} ({extra.height:,} such lines). The header and the "
            "rows disagree: the file is damaged or was edited by hand."
        )
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


def _tsv_cells(path: Path, long: pl.DataFrame) -> pl.DataFrame:
    """The cells (``_cell``) split into ``_value`` (Float64, null for ``:``) and ``flag``
    (letters, ``""`` for none), each checked."""
    # "1234 cd" -> number "1234", flags "cd"; split once (much faster than a regex per cell)
    parts = pl.col("_cell").str.strip_chars().str.split_exact(" ", 1)
    parsed = (
        long.with_columns(
            pl.col("_period").str.strip_chars(),
            parts.struct.rename_fields(["_num", "_flags"]).alias("_parts"),
        )
        .unnest("_parts")
        .with_columns(
            pl.when(pl.col("_num") != ":")
            .then(pl.col("_num").cast(pl.Float64, strict=False))
            .alias("_value"),
            pl.col("_flags").str.strip_chars().fill_null("").alias("flag"),
        )
    )
    if parsed["_cell"].null_count():
        row = parsed.filter(pl.col("_cell").is_null()).row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}: no cell for period {row['_period']} (the line has "
            f"fewer fields than the header); the file is truncated or damaged"
        )
    # checks on the few distinct flag strings, then one boolean pass for the numbers
    flags = parsed["flag"].unique().to_list()
    malformed = [f for f in flags if not re.match(r"^[a-z]*$", f)]
    broken = (
        (pl.col("_value").is_null() & (pl.col("_num") != ":"))
        | pl.col("flag").is_in(malformed)
        | (pl.col("_value").is_not_null() & ~pl.col("_value").is_finite())
    )
    n_bad = parsed.select(broken.sum()).item()
    if n_bad:
        row = parsed.filter(broken).row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}, period {row['_period']}: expected 'number [flags]' "
            f"or ':' with a finite number, found {row['_cell']!r} ({n_bad:,} such cells; NaN, "
            "inf and numbers beyond 1e308 are not Eurostat values). The file is damaged or "
            "was edited: download it again."
        )
    unknown = sorted(set("".join(flags)) - set(FLAGS))
    if unknown:
        row = parsed.filter(pl.col("flag").str.contains(f"[{''.join(unknown)}]")).row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}: unknown flag letter(s) {unknown} in {row['_cell']!r}; "
            f"known flags: {FLAGS}"
        )
    return parsed


@keeps_frame_kind
def to_panel(
    frame: pl.DataFrame,
    *,
    measure: Mapping[str, str],
    region: str = "geo",
    industry: str = "nace_r2",
    keep_flags: bool = True,
    drop_aggregates: bool = True,
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
    drop_aggregates
        Eurostat's regional files carry aggregates (``EU28``, ``EU27_2020``, ``EA19``) in
        the ``geo`` column: by default they are dropped and reported with a
        :class:`emerging._schema.RowsDroppedWarning`; ``False`` refuses them.
    """
    for dim, code in measure.items():
        if dim not in frame.columns:
            raise SchemaError(
                f"measure filter {dim}={code!r}: no dimension {dim!r}; dimensions are "
                f"{[c for c in frame.columns if c not in (YEAR, VALUE, 'flag', 'period')]}"
            )
        available = frame[dim].unique().sort().to_list()
        if not available:
            raise SchemaError(
                f"measure filter {dim}={code!r}: the frame has no rows to select from; check "
                "that the file was read whole and that earlier filters kept some rows"
            )
        if code not in available:
            raise SchemaError(f"measure filter {dim}={code!r}: no such code; available: {available[:20]}")
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
    return validate_panel(panel, allow_mixed_levels=True, drop_aggregates=drop_aggregates)


# ------------------------------------------------------------------------------ SDMX-CSV

_SDMX_FIXED = ("DATAFLOW", "LAST UPDATE", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG")
_SDMX_OPTIONAL = ("CONF_STATUS",)


def read_sdmx_csv(path: str | Path, *, drop_freq: bool = False) -> pl.DataFrame:
    """Read an SDMX-CSV file of the Eurostat dissemination API into the tidy frame of
    :func:`read_tsv`.

    The layout is one observation per row with the header
    ``DATAFLOW,LAST UPDATE,freq,<dimensions>,TIME_PERIOD,OBS_VALUE,OBS_FLAG`` and, in newer
    responses, ``CONF_STATUS``. ``OBS_VALUE`` is empty when not available; any
    confidentiality status other than ``F`` (free), e.g. ``C`` (confidential) or ``D``
    (secondary confidentiality), adds the flag ``c``.

    Parameters
    ----------
    path
        ``.csv`` or ``.csv.gz`` (gzip is detected from the bytes).
    drop_freq
        Drop the ``freq`` dimension (bulk TSV files of one frequency do not have it).

    Returns
    -------
    polars.DataFrame
        Dimension columns, ``year`` (Int32; ``period`` String for sub-annual data),
        ``value`` (Float64, null when not available), ``flag`` (String or null).

    Raises
    ------
    EurostatFormatError
        Missing SDMX columns, non-numeric values, unknown flag letters, duplicated
        observations or a damaged gzip stream; the message names the file and the line.
    """
    path = Path(path)
    frame = _sdmx_table(path, _read_text(path))
    dims = _sdmx_dimensions(path, frame, drop_freq)
    frame = _sdmx_observations(path, frame)
    key = [*dims, "TIME_PERIOD"]
    dup = frame.filter(pl.struct(key).is_duplicated())
    if dup.height:
        row = dup.row(0, named=True)
        raise EurostatFormatError(
            f"{path}, lines {dup['_line'].head(4).to_list()}: duplicated observation "
            f"{ {k: row[k] for k in key} }; the file is damaged or concatenated"
        )
    annual = frame["TIME_PERIOD"].str.contains(r"^\d{4}$").all()
    period = (
        pl.col("TIME_PERIOD").cast(pl.Int32).alias(YEAR) if annual else pl.col("TIME_PERIOD").alias("period")
    )
    flag = pl.col("_flag").str.split("").list.sort().list.join("")
    return frame.select(
        *dims,
        period,
        pl.col("_value").alias(VALUE),
        pl.when(pl.col("_flag") != "").then(flag).alias("flag"),
    )


def _sdmx_table(path: Path, text: str) -> pl.DataFrame:
    """The SDMX-CSV table as text columns, checked for the fixed SDMX columns."""
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, has_header=True)
    except pl.exceptions.PolarsError as exc:
        raise EurostatFormatError(
            f"{path}: not a comma-separated SDMX-CSV table ({str(exc).splitlines()[0]})"
        ) from exc
    missing = [c for c in _SDMX_FIXED if c not in frame.columns]
    if missing:
        raise EurostatFormatError(
            f"{path}, line 1: expected SDMX-CSV columns {list(_SDMX_FIXED)} around the "
            f"dimensions, missing {missing}; found {frame.columns[:10]}. Download with "
            "format=SDMX-CSV, or read a TSV file with read_tsv()."
        )
    return frame


def _sdmx_dimensions(path: Path, frame: pl.DataFrame, drop_freq: bool) -> list[str]:
    """The dimension columns (``freq`` left out with ``drop_freq`` if it holds one value)."""
    dims = [c for c in frame.columns if c not in _SDMX_FIXED + _SDMX_OPTIONAL]
    if drop_freq and "freq" in dims:
        if frame["freq"].n_unique() > 1:
            raise EurostatFormatError(
                f"{path}: drop_freq=True but the file holds several frequencies "
                f"{frame['freq'].unique().to_list()}; select one first"
            )
        dims.remove("freq")
    return dims


def _sdmx_observations(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``_line``, ``_value`` (Float64) and ``_flag`` (with ``c`` for any confidentiality
    status but ``F``), each checked."""
    frame = frame.with_row_index("_line", offset=2).with_columns(
        pl.col("TIME_PERIOD").str.strip_chars(),
        pl.col("OBS_VALUE").str.strip_chars().cast(pl.Float64, strict=False).alias("_value"),
        pl.col("OBS_FLAG").str.strip_chars().fill_null("").alias("_flag"),
    )
    broken = frame.filter(
        (pl.col("_value").is_null() & pl.col("OBS_VALUE").str.strip_chars().ne(""))
        | (pl.col("_value").is_not_null() & ~pl.col("_value").is_finite())
    )
    if broken.height:
        row = broken.row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}: OBS_VALUE {row['OBS_VALUE']!r} is not a number or not finite "
            f"({broken.height:,} such rows); empty means not available, anything else must be a "
            "number. The file is damaged or was edited: download it again."
        )
    if "CONF_STATUS" in frame.columns:
        status = pl.col("CONF_STATUS").fill_null("").str.strip_chars()
        confidential = (status != "") & (status != "F")
        frame = frame.with_columns(
            pl.when(confidential & ~pl.col("_flag").str.contains("c"))
            .then(pl.col("_flag") + "c")
            .otherwise(pl.col("_flag"))
            .alias("_flag")
        )
    bad_flag = frame.filter(~pl.col("_flag").str.contains(f"^[{''.join(FLAGS)}]*$"))
    if bad_flag.height:
        row = bad_flag.row(0, named=True)
        raise EurostatFormatError(
            f"{path}, line {row['_line']}: unknown flag {row['_flag']!r}; known flags: {FLAGS}"
        )
    return frame


def read(path: str | Path) -> pl.DataFrame:
    """Read a Eurostat file in either published layout (SDMX-CSV or bulk TSV), by content."""
    path = Path(path)
    head = _read_text(path)[:200]
    if head.startswith("DATAFLOW") or head.startswith('"DATAFLOW'):
        return read_sdmx_csv(path, drop_freq=True)
    return read_tsv(path)
