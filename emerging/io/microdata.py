"""Panels from microdata: firm or establishment records summed to region x industry x year.

A business register or an establishment survey has one row per unit and year: a region
code, an activity code and a head count. :func:`aggregate_records` turns such records
into a :data:`Panel` (``region``, ``industry``, ``year``, ``value``) plus ``units``, the
number of records behind each cell (the establishment count that US Cluster Mapping-style
ratings use as a floor). The whole job is one polars lazy query:

1. **recode** each record: the activity code to NACE Rev. 2 in Eurostat form at the chosen
   level (``26.11``, ``2611``, ``C2611`` and a national five-digit sub-class ``26110`` all
   become ``C26`` at level 2); the region code, after an optional user crosswalk (e.g. LAU
   to NUTS-3, or an older NUTS version to a newer one), cut to the chosen NUTS level;
2. **check** each record and give every rejected one a reason (missing or negative or
   non-finite head count, unknown NACE division, section letter that contradicts the
   division, malformed or too coarse or extra-regio region code, missing year);
3. **sum** head counts and count records per (region, industry, year, reason) in one
   ``group_by``: accepted rows form the panel, rejected rows collapse into one row per
   reason, so nothing is dropped without being counted.

Because the query is lazy and ends in one grouped aggregation, polars' streaming engine
runs it in bounded memory over inputs far larger than RAM (``pl.scan_parquet`` of a
folder of files). For inputs beyond one machine, :func:`aggregate_records_dask` runs the
very same query on every partition of a ``dask.dataframe`` and adds the partial sums,
which is exact because sums and counts are decomposable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from emerging._schema import INDUSTRY, KEYS, REGION, VALUE, YEAR

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

#: Output column: number of records (units) summed into a cell.
UNITS = "units"
#: Reason column of the partial aggregate (null for accepted records).
REASON = "reason"

_NUTS_PATTERN = r"^[A-Z]{2}[0-9A-Z]{0,3}$"
_NULL = "\x00"  # stands for a missing code in the join keys
_RAW = "_raw"


@dataclass(frozen=True)
class RecordColumns:
    """Names of the record columns in the user's data (renamed to the Panel contract).

    The defaults fit a register extract with columns ``region``, ``activity``, ``year``
    and ``employees``; pass, e.g., ``RecordColumns(region="nuts3", activity="nace",
    year="ref_year", value="persons")`` for other names.
    """

    region: str = "region"
    activity: str = "activity"
    year: str = "year"
    value: str = "employees"


@dataclass(frozen=True)
class Aggregation:
    """A Panel summed from records, with every rejected record counted by reason.

    ``panel`` has ``region``, ``industry``, ``year``, ``value`` (sum of head counts, Float64)
    and ``units`` (number of records, Int64). ``exclusions`` has one row per reason with
    ``records`` (how many) and ``value`` (their head count where it was a number).
    """

    panel: pl.DataFrame
    exclusions: pl.DataFrame
    nuts_level: int
    nace_level: int

    @property
    def records(self) -> int:
        """Records read: accepted plus rejected."""
        return int(self.panel[UNITS].sum()) + self.excluded

    @property
    def excluded(self) -> int:
        """Records rejected (all reasons)."""
        return int(self.exclusions["records"].sum()) if self.exclusions.height else 0

    def to_frame(self) -> pl.DataFrame:
        return self.panel

    def summary(self) -> str:
        lines = [
            f"{self.records:,} records -> {self.panel.height:,} cells "
            f"(NUTS-{self.nuts_level} x NACE level {self.nace_level}, "
            f"{self.panel[YEAR].n_unique() if self.panel.height else 0} years)",
            f"excluded: {self.excluded:,} records",
        ]
        lines += [f"  {r[REASON]}: {r['records']:,}" for r in self.exclusions.iter_rows(named=True)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Aggregation\n{self.summary()}"

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in self.summary().splitlines()[1:])
        head = html.escape(self.summary().splitlines()[0])
        return f'<div class="emerging-aggregation"><p><b>{head}</b></p><ul>{items}</ul></div>'


def _division_sections() -> dict[str, str]:
    from emerging.codes.nace import _division_section

    return _division_section()


def _industry_expr(activity: pl.Expr, level: int) -> tuple[pl.Expr, pl.Expr]:
    """(industry code at ``level`` or null, rejection reason or null) for a raw activity code."""
    sections = _division_sections()
    clean = activity.cast(pl.String).str.to_uppercase().str.replace_all(r"[\s.\-]", "")
    letter = clean.str.extract(r"^([A-U])", 1)
    digits = clean.str.extract(r"^[A-U]?(\d{2,})$", 1).str.slice(0, 4)  # national sub-classes cut to NACE
    division = digits.str.slice(0, 2)
    section = division.replace_strict(sections, default=None, return_dtype=pl.String)
    code = section + digits.str.slice(0, level) if level >= 2 else section
    reason = (
        pl.when(clean.is_null() | (clean == ""))
        .then(pl.lit("missing activity code"))
        .when(digits.is_null())
        .then(pl.lit("activity code is not a NACE Rev. 2 code"))
        .when(digits.str.len_chars() < level)
        .then(pl.lit(f"activity code coarser than NACE level {level}"))
        .when(section.is_null())
        .then(pl.lit("unknown NACE division"))
        .when(letter.is_not_null() & (letter != section))
        .then(pl.lit("section letter contradicts the NACE division"))
    )
    return code, reason


def _region_expr(region: pl.Expr, level: int) -> tuple[pl.Expr, pl.Expr]:
    """(NUTS code at ``level`` or null, rejection reason or null) for a raw region code."""
    clean = region.cast(pl.String).str.strip_chars().str.to_uppercase()
    ok = clean.str.contains(_NUTS_PATTERN)
    own = clean.str.len_chars() - 2
    cut = clean.str.slice(0, 2 + level)
    reason = (
        pl.when(clean.is_null() | (clean == ""))
        .then(pl.lit("missing region code"))
        .when(~ok)
        .then(pl.lit("region code is not a NUTS code"))
        .when(own < level)
        .then(pl.lit(f"region code coarser than NUTS-{level}"))
        .when(cut.str.ends_with("Z") & (level > 0))
        .then(pl.lit("extra-regio region (NUTS code ending in Z)"))
    )
    return cut, reason


_VALUE_REASONS = ("missing head count", "non-finite head count", "negative head count")
_YEAR_REASON = "missing or non-integer year"


def _value_reason_id(value: pl.Expr, first: int) -> pl.Expr:
    """Index (from ``first``) of the head-count reason, or null for a usable head count."""
    missing, non_finite, negative = (pl.lit(first + k, pl.Int16) for k in range(3))
    return (
        pl.when(value.is_null())
        .then(missing)
        .when(~value.is_finite())
        .then(non_finite)
        .when(value < 0)
        .then(negative)
    )


def _check_levels(nuts_level: int, nace_level: int) -> None:
    if nuts_level not in (0, 1, 2, 3):
        raise ValueError(f"nuts_level={nuts_level!r}: choose 0, 1, 2 or 3")
    if nace_level not in (1, 2, 3, 4):
        raise ValueError(
            f"nace_level={nace_level!r}: choose 1 (section), 2 (division), 3 (group) or 4 (class)"
        )


def _code_table(lf: pl.LazyFrame, column: str, recode: Any, engine: str) -> pl.DataFrame:
    """Distinct raw codes of ``column`` -> (recoded code, reason): the regexes run once per code."""
    raw = lf.select(pl.col(column).cast(pl.String).fill_null(_NULL).unique().alias("raw")).collect(
        engine=engine
    )
    code, reason = recode(pl.when(pl.col("raw") != _NULL).then(pl.col("raw")))
    return raw.select("raw", code.alias("code"), reason.alias("reason"))


def _with_ids(table: pl.DataFrame, reasons: list[str], prefix: str) -> tuple[pl.DataFrame, list[str]]:
    """Integer ids for the recoded codes (null when rejected) and for the reasons, so that the
    record-level join and group_by run on integers; returns the table and the id -> code list."""
    codes = sorted(table.filter(pl.col("reason").is_null())["code"].drop_nulls().unique().to_list())
    lookup = {c: i for i, c in enumerate(codes)}
    ids = table.select(
        pl.col("raw").alias(prefix),
        pl.when(pl.col("reason").is_null())
        .then(pl.col("code").replace_strict(lookup, default=None, return_dtype=pl.UInt32))
        .alias(f"{prefix}_id"),
        pl.col("reason")
        .replace_strict({r: k for k, r in enumerate(reasons)}, default=None, return_dtype=pl.Int16)
        .alias(f"{prefix}_why"),
    )
    return ids, codes


def _check_columns(lf: pl.LazyFrame, columns: RecordColumns) -> None:
    schema = lf.collect_schema()
    wanted = (columns.region, columns.activity, columns.year, columns.value)
    missing = [c for c in wanted if c not in schema]
    if missing:
        raise KeyError(
            f"record columns {missing} not found; name your columns with "
            f"columns=RecordColumns(region=..., activity=..., year=..., value=...)"
        )
    for role, name in (("activity", columns.activity), ("region", columns.region)):
        if schema[name].is_numeric():
            raise TypeError(
                f"the {role} column {name!r} is numeric ({schema[name]}): codes must be text, "
                "because numbers lose leading zeros (NACE 01.11 would read as 111); read the "
                f"column as text, e.g. pl.scan_csv(..., schema_overrides={{{name!r}: pl.String}})"
            )


def partial_aggregate(
    records: pl.LazyFrame | pl.DataFrame,
    *,
    columns: RecordColumns = RecordColumns(),
    nuts_level: int = 2,
    nace_level: int = 2,
    region_map: pl.DataFrame | Mapping[str, str] | None = None,
    streaming: bool = True,
) -> pl.LazyFrame:
    """The query: recode, check and sum records into (region, industry, year, reason) groups.

    Two cheap scans first read the distinct region and activity codes (one column each),
    which are recoded and checked once per distinct code; the main query then looks up each
    record's integer code ids in those small tables (a join with a small build side, which
    streams) and sums by integer keys. Rejected records have null ``region``/
    ``industry``/``year`` and a ``reason``; accepted ones a null ``reason``. The output can
    be summed again (partition by partition), which is how :func:`aggregate_records_dask`
    uses it.
    """
    _check_levels(nuts_level, nace_level)
    lf = records.lazy()
    _check_columns(lf, columns)
    engine = "streaming" if streaming else "in-memory"
    mapping: dict[str, str] = {}
    if region_map is not None:
        mapping = (
            dict(region_map)
            if isinstance(region_map, Mapping)
            else dict(zip(region_map["from"].to_list(), region_map["to"].to_list(), strict=True))
        )

    def recode_region(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        clean = raw.str.strip_chars().str.to_uppercase()
        return _region_expr(clean.replace(mapping) if mapping else clean, nuts_level)

    regions = _code_table(lf, columns.region, recode_region, engine)
    activities = _code_table(lf, columns.activity, lambda e: _industry_expr(e, nace_level), engine)
    reasons = sorted(set(regions["reason"].drop_nulls()) | set(activities["reason"].drop_nulls()))
    reasons += [_YEAR_REASON, *_VALUE_REASONS]
    region_ids, region_codes = _with_ids(regions, reasons, "_r")
    activity_ids, activity_codes = _with_ids(activities, reasons, "_a")
    value = pl.col(columns.value).cast(pl.Float64, strict=False)
    year = pl.col(columns.year).cast(pl.Int32, strict=False)
    why_year = pl.when(pl.col(YEAR).is_null()).then(pl.lit(len(reasons) - 4, pl.Int16))
    why = pl.coalesce("_r_why", "_a_why", why_year, _value_reason_id(pl.col(VALUE), len(reasons) - 3))
    keep = why.is_null()
    summed = (
        lf.select(
            pl.col(columns.region).cast(pl.String).fill_null(_NULL).alias("_r"),
            pl.col(columns.activity).cast(pl.String).fill_null(_NULL).alias("_a"),
            year.alias(YEAR),
            value.alias(VALUE),
        )
        .join(region_ids.lazy(), on="_r", how="inner")  # every raw code is in its table
        .join(activity_ids.lazy(), on="_a", how="inner")
        .select(
            pl.when(keep).then(pl.col("_r_id")).alias("_r_id"),
            pl.when(keep).then(pl.col("_a_id")).alias("_a_id"),
            pl.when(keep).then(pl.col(YEAR)).alias(YEAR),
            why.alias("_why"),
            pl.when(pl.col(VALUE).is_finite()).then(pl.col(VALUE)).alias(VALUE),
        )
        .group_by("_r_id", "_a_id", YEAR, "_why")
        .agg(pl.col(VALUE).sum(), pl.len().cast(pl.Int64).alias(UNITS))
    )
    decode = [
        (region_codes, "_r_id", REGION, pl.String),
        (activity_codes, "_a_id", INDUSTRY, pl.String),
        (reasons, "_why", REASON, pl.String),
    ]
    region, industry, reason = (
        pl.col(key).replace_strict(dict(enumerate(values)), default=None, return_dtype=dtype).alias(name)
        for values, key, name, dtype in decode
    )
    return summed.select(region, industry, pl.col(YEAR), reason, pl.col(VALUE), pl.col(UNITS))


def _finish(partial: pl.DataFrame, nuts_level: int, nace_level: int) -> Aggregation:
    accepted = partial.filter(pl.col(REASON).is_null())
    panel = (
        accepted.group_by(list(KEYS))
        .agg(pl.col(VALUE).sum().cast(pl.Float64), pl.col(UNITS).sum().cast(pl.Int64))
        .sort(list(KEYS))
    )
    exclusions = (
        partial.filter(pl.col(REASON).is_not_null())
        .group_by(REASON)
        .agg(pl.col(UNITS).sum().cast(pl.Int64).alias("records"), pl.col(VALUE).sum().alias(VALUE))
        .sort("records", REASON, descending=[True, False])
    )
    return Aggregation(panel=panel, exclusions=exclusions, nuts_level=nuts_level, nace_level=nace_level)


def aggregate_records(
    records: pl.LazyFrame | pl.DataFrame,
    *,
    columns: RecordColumns = RecordColumns(),
    nuts_level: int = 2,
    nace_level: int = 2,
    region_map: pl.DataFrame | Mapping[str, str] | None = None,
    streaming: bool = True,
) -> Aggregation:
    """Sum unit records (firms, establishments) into a Panel, counting every rejected record.

    .. math:: E_{r,i,t} = \\sum_{u:\\ \\rho(u) = r,\\ \\nu(u) = i,\\ t(u) = t} e_u,
       \\qquad N_{r,i,t} = \\#\\{u : \\ldots\\}

    where :math:`e_u` is the head count of record :math:`u`, :math:`\\rho` maps its region
    code (through ``region_map`` if given) to NUTS level ``nuts_level`` and :math:`\\nu`
    maps its activity code to NACE Rev. 2 level ``nace_level``.

    Parameters
    ----------
    records
        One row per unit and year; a ``pl.scan_parquet(...)``/``pl.scan_csv(...)`` LazyFrame
        keeps memory bounded however large the files are.
    columns
        Where the region code, activity code, year and head count are (:class:`RecordColumns`).
    nuts_level, nace_level
        Output levels: NUTS 0-3 (codes are cut to ``2 + nuts_level`` characters) and NACE
        1 (section) to 4 (class).
    region_map
        Optional crosswalk applied before cutting, as ``{"old": "new"}`` or a frame with
        ``from`` and ``to`` columns (LAU to NUTS-3, or NUTS 2016 to 2021 renamings). Codes
        not in the map pass unchanged.
    streaming
        Run with polars' streaming engine (bounded memory). ``False`` uses the in-memory
        engine, which is faster on small inputs.

    Returns
    -------
    Aggregation
        ``.panel`` (``region``, ``industry``, ``year``, ``value``, ``units``) and
        ``.exclusions`` (``reason``, ``records``, ``value``).

    Examples
    --------
    >>> recs = pl.DataFrame({"region": ["CZ064", "CZ064", "CZ063", "XX"],
    ...                      "activity": ["26.11", "2612", "C2611", "2611"],
    ...                      "year": [2020, 2020, 2020, 2020], "employees": [10, 5, 7, 3]})
    >>> agg = aggregate_records(recs, nuts_level=2, nace_level=2)
    >>> agg.panel.select("region", "industry", "value", "units").rows()
    [('CZ06', 'C26', 22.0, 3)]
    >>> agg.exclusions.select("reason", "records").rows()
    [('region code coarser than NUTS-2', 1)]
    """
    query = partial_aggregate(
        records,
        columns=columns,
        nuts_level=nuts_level,
        nace_level=nace_level,
        region_map=region_map,
        streaming=streaming,
    )
    partial = query.collect(engine="streaming" if streaming else "in-memory")
    return _finish(partial, nuts_level, nace_level)


def _partial_pandas(frame: Any, options: dict[str, Any]) -> Any:
    """One Dask partition (pandas) -> its partial aggregate (pandas), through the polars query."""
    part = partial_aggregate(pl.from_pandas(frame), streaming=False, **options).collect()
    return part.with_columns(
        pl.col(REGION, INDUSTRY, REASON).fill_null(""), pl.col(YEAR).fill_null(0)
    ).to_pandas()


def aggregate_records_dask(
    records: dd.DataFrame,
    *,
    columns: RecordColumns = RecordColumns(),
    nuts_level: int = 2,
    nace_level: int = 2,
    region_map: pl.DataFrame | Mapping[str, str] | None = None,
) -> Aggregation:
    """:func:`aggregate_records` on a ``dask.dataframe`` (a cluster, or files beyond one machine).

    Every partition runs the same polars query (:func:`partial_aggregate`); Dask then adds
    the partial sums and counts by key, and the (small) result is finished in polars, so the
    numbers equal :func:`aggregate_records` on the same records exactly (up to the order of
    floating-point additions). Needs the ``dask`` extra (``pip install 'emerging[dask]'``).
    Point it at a cluster by creating a ``dask.distributed.Client`` before the call::

        from dask.distributed import Client
        client = Client("tcp://scheduler:8786")
        records = dd.read_parquet("s3://bucket/register/*.parquet")
        agg = aggregate_records_dask(records, columns=RecordColumns(value="persons"))
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - dask brings pandas
        raise ImportError(
            "aggregate_records_dask needs dask[dataframe]: pip install 'emerging[dask]'"
        ) from exc
    _check_levels(nuts_level, nace_level)
    options = {
        "columns": columns,
        "nuts_level": nuts_level,
        "nace_level": nace_level,
        "region_map": region_map,
    }
    meta = pd.DataFrame(
        {
            REGION: pd.Series([], dtype=object),
            INDUSTRY: pd.Series([], dtype=object),
            YEAR: pd.Series([], dtype="int32"),
            REASON: pd.Series([], dtype=object),
            VALUE: pd.Series([], dtype="float64"),
            UNITS: pd.Series([], dtype="int64"),
        }
    )
    partial = records.map_partitions(_partial_pandas, options, meta=meta)
    summed = partial.groupby([REGION, INDUSTRY, YEAR, REASON]).agg({VALUE: "sum", UNITS: "sum"}).compute()
    out = pl.from_pandas(summed.reset_index()).with_columns(
        pl.col(REGION, INDUSTRY, REASON).replace("", None),
        pl.col(YEAR).cast(pl.Int32).replace(0, None),
        pl.col(UNITS).cast(pl.Int64),
        pl.col(VALUE).cast(pl.Float64),
    )
    return _finish(out, nuts_level, nace_level)
