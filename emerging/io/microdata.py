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
runs it over inputs far larger than RAM (``pl.scan_parquet`` of a folder of files); inputs
longer than :data:`BATCH_ROWS` records are summed batch by batch into a running total, so
the peak memory depends on the number of cells, not on the number of records. For inputs
beyond one machine, :func:`aggregate_records_dask` runs the very same query on every
partition of a ``dask.dataframe`` and adds the partial sums, which is exact because sums
and counts are decomposable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, KEYS, REGION, VALUE, YEAR, Exclusions

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

#: Output column: number of records (units) summed into a cell.
UNITS = "units"
#: Reason column of the partial aggregate (null for accepted records).
REASON = "reason"

_NUTS_PATTERN = r"^[A-Z]{2}[0-9A-Z]{0,3}$"
_NULL = "\x00"  # stands for a missing code in the join keys
#: Records summed per streaming pass; longer inputs are summed in batches of this size.
BATCH_ROWS = 10_000_000


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
class Aggregation(Result):
    """A Panel summed from records, with every rejected record counted by reason.

    ``panel`` has ``region``, ``industry``, ``year``, ``value`` (sum of head counts, Float64)
    and ``units`` (number of records, Int64). ``exclusion_table`` has one row per reason with
    ``records`` (how many) and ``value`` (their head count where it was a number);
    ``exclusions`` gives the same counts in the package's result protocol.
    """

    panel: pl.DataFrame
    exclusion_table: pl.DataFrame
    nuts_level: int
    nace_level: int

    _title: ClassVar[str] = "Panel from unit records"

    @property
    def exclusions(self) -> Exclusions:
        return Exclusions(MappingProxyType(dict(self.exclusion_table.select(REASON, "records").iter_rows())))

    @property
    def excluded(self) -> int:
        """Records rejected (all reasons)."""
        return int(self.exclusion_table["records"].sum()) if self.exclusion_table.height else 0

    @property
    def records(self) -> int:
        """Records read: accepted plus rejected."""
        return int(self.panel[UNITS].sum()) + self.excluded

    def to_frame(self) -> pl.DataFrame:
        return self.panel

    def summary(self) -> str:
        years = self.panel[YEAR].n_unique() if self.panel.height else 0
        lines = [
            f"{self.records:,} records -> {self.panel.height:,} cells "
            f"(NUTS-{self.nuts_level} x NACE level {self.nace_level}, {years} years)",
            f"excluded: {self.excluded:,} records",
        ]
        lines += [f"  {r[REASON]}: {r['records']:,}" for r in self.exclusion_table.iter_rows(named=True)]
        return "\n".join(lines)


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


def _check_levels(nuts_level: int, nace_level: int) -> None:
    if nuts_level not in (0, 1, 2, 3):
        raise ValueError(f"nuts_level={nuts_level!r}: choose 0, 1, 2 or 3")
    if nace_level not in (1, 2, 3, 4):
        raise ValueError(
            f"nace_level={nace_level!r}: choose 1 (section), 2 (division), 3 (group) or 4 (class)"
        )


def _check_columns(schema: Mapping[str, Any], columns: RecordColumns) -> None:
    wanted = (columns.region, columns.activity, columns.year, columns.value)
    missing = [c for c in wanted if c not in schema]
    if missing:
        raise KeyError(
            f"record columns {missing} not found; name your columns with "
            f"columns=RecordColumns(region=..., activity=..., year=..., value=...)"
        )
    for role, name in (("activity", columns.activity), ("region", columns.region)):
        dtype = schema[name]
        if isinstance(dtype, pl.DataType) and dtype.is_numeric() or str(dtype).startswith(("int", "float")):
            raise TypeError(
                f"the {role} column {name!r} is numeric ({dtype}): codes must be text, "
                "because numbers lose leading zeros (NACE 01.11 would read as 111); read the "
                f"column as text, e.g. pl.scan_csv(..., schema_overrides={{{name!r}: pl.String}})"
            )


@dataclass(frozen=True)
class _Codes:
    """Distinct raw codes -> integer ids of their recoded codes (null when rejected) and of
    the reasons; ``regions``/``industries``/``reasons`` decode the ids."""

    region_ids: pl.DataFrame  # _r (raw), _r_id, _r_why
    activity_ids: pl.DataFrame  # _a (raw), _a_id, _a_why
    regions: list[str]
    industries: list[str]
    reasons: list[str]


def _raw(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null(_NULL)


def _recode(raw: pl.Series, recode: Any, prefix: str) -> tuple[pl.DataFrame, list[str]]:
    """Recode each distinct raw code once (the regexes run per code, not per record)."""
    table = pl.DataFrame({"raw": raw.unique()})
    code, reason = recode(pl.when(pl.col("raw") != _NULL).then(pl.col("raw")))
    table = table.select("raw", code.alias("code"), reason.alias("reason"))
    codes = sorted(table.filter(pl.col("reason").is_null())["code"].drop_nulls().unique().to_list())
    ids = table.select(
        pl.col("raw").alias(prefix),
        pl.when(pl.col("reason").is_null())
        .then(
            pl.col("code").replace_strict(
                {c: k for k, c in enumerate(codes)}, default=None, return_dtype=pl.UInt32
            )
        )
        .alias(f"{prefix}_id"),
        pl.col("reason"),
    )
    return ids, codes


def _codes(raw_regions: pl.Series, raw_activities: pl.Series, spec: dict[str, Any]) -> _Codes:
    mapping = spec["region_map"] or {}
    if isinstance(mapping, pl.DataFrame):
        mapping = dict(zip(mapping["from"].to_list(), mapping["to"].to_list(), strict=True))

    def recode_region(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        clean = raw.str.strip_chars().str.to_uppercase()
        return _region_expr(clean.replace(dict(mapping)) if mapping else clean, spec["nuts_level"])

    region_ids, regions = _recode(raw_regions, recode_region, "_r")
    activity_ids, industries = _recode(raw_activities, lambda e: _industry_expr(e, spec["nace_level"]), "_a")
    reasons = sorted(set(region_ids["reason"].drop_nulls()) | set(activity_ids["reason"].drop_nulls()))
    reasons += [_YEAR_REASON, *_VALUE_REASONS]
    why = {r: k for k, r in enumerate(reasons)}

    def with_why(ids: pl.DataFrame, prefix: str) -> pl.DataFrame:
        return ids.with_columns(
            pl.col("reason").replace_strict(why, default=None, return_dtype=pl.Int16).alias(f"{prefix}_why")
        ).drop("reason")

    return _Codes(with_why(region_ids, "_r"), with_why(activity_ids, "_a"), regions, industries, reasons)


def _summed_ids(lf: pl.LazyFrame, columns: RecordColumns, codes: _Codes) -> pl.LazyFrame:
    """Sum records by integer keys (region id, industry id, year, reason id).

    Each record looks up its codes' ids in the small code tables (a join with a small build
    side, which streams); rejected records keep only their reason id.
    """
    n = len(codes.reasons)
    value = pl.col(VALUE)
    why_value = (
        pl.when(value.is_null())
        .then(pl.lit(n - 3, pl.Int16))
        .when(~value.is_finite())
        .then(pl.lit(n - 2, pl.Int16))
        .when(value < 0)
        .then(pl.lit(n - 1, pl.Int16))
    )
    why = pl.coalesce(
        "_r_why", "_a_why", pl.when(pl.col(YEAR).is_null()).then(pl.lit(n - 4, pl.Int16)), why_value
    )
    keep = why.is_null()
    return (
        lf.select(
            _raw(columns.region).alias("_r"),
            _raw(columns.activity).alias("_a"),
            pl.col(columns.year).cast(pl.Int32, strict=False).alias(YEAR),
            pl.col(columns.value).cast(pl.Float64, strict=False).alias(VALUE),
        )
        .join(codes.region_ids.lazy(), on="_r", how="inner")  # every raw code is in its table
        .join(codes.activity_ids.lazy(), on="_a", how="inner")
        .select(
            pl.when(keep).then(pl.col("_r_id")).alias("_r_id"),
            pl.when(keep).then(pl.col("_a_id")).alias("_a_id"),
            pl.when(keep).then(pl.col(YEAR)).alias(YEAR),
            why.alias("_why"),
            pl.when(value.is_finite()).then(value).alias(VALUE),
        )
        .group_by("_r_id", "_a_id", YEAR, "_why")
        .agg(value.sum(), pl.len().cast(pl.Int64).alias(UNITS))
    )


def _decode(summed: pl.LazyFrame | pl.DataFrame, codes: _Codes) -> pl.LazyFrame | pl.DataFrame:
    def back(key: str, values: list[str], name: str) -> pl.Expr:
        lookup = dict(enumerate(values))
        return pl.col(key).replace_strict(lookup, default=None, return_dtype=pl.String).alias(name)

    return summed.select(
        back("_r_id", codes.regions, REGION),
        back("_a_id", codes.industries, INDUSTRY),
        pl.col(YEAR),
        back("_why", codes.reasons, REASON),
        pl.col(VALUE),
        pl.col(UNITS),
    )


def _distinct(lf: pl.LazyFrame, column: str, engine: str) -> pl.Series:
    return lf.select(_raw(column).unique().alias("raw")).collect(engine=engine)["raw"]


def _prepare(records, columns, nuts_level, nace_level, region_map, streaming):
    """Checks, then the code tables from the distinct raw codes: (lazy records, codes, engine)."""
    _check_levels(nuts_level, nace_level)
    lf = records.lazy()
    _check_columns(lf.collect_schema(), columns)
    engine = "streaming" if streaming else "in-memory"
    spec = {"nuts_level": nuts_level, "nace_level": nace_level, "region_map": region_map}
    codes = _codes(_distinct(lf, columns.region, engine), _distinct(lf, columns.activity, engine), spec)
    return lf, codes, engine


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
    record's integer code ids in those small tables and sums by integer keys. Rejected
    records have null ``region``/``industry``/``year`` and a ``reason``; accepted ones a null
    ``reason``.
    """
    lf, codes, _ = _prepare(records, columns, nuts_level, nace_level, region_map, streaming)
    return _decode(_summed_ids(lf, columns, codes), codes)


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
    return Aggregation(panel=panel, exclusion_table=exclusions, nuts_level=nuts_level, nace_level=nace_level)


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
        ``.exclusion_table`` (``reason``, ``records``, ``value``; ``.exclusions`` has the
        counts by reason).

    Examples
    --------
    >>> recs = pl.DataFrame({"region": ["CZ064", "CZ064", "CZ063", "XX"],
    ...                      "activity": ["26.11", "2612", "C2611", "2611"],
    ...                      "year": [2020, 2020, 2020, 2020], "employees": [10, 5, 7, 3]})
    >>> agg = aggregate_records(recs, nuts_level=2, nace_level=2)
    >>> agg.panel.select("region", "industry", "value", "units").rows()
    [('CZ06', 'C26', 22.0, 3)]
    >>> agg.exclusion_table.select("reason", "records").rows()
    [('region code coarser than NUTS-2', 1)]
    """
    lf, codes, engine = _prepare(records, columns, nuts_level, nace_level, region_map, streaming)
    n = lf.select(pl.len()).collect(engine=engine).item() if streaming else 0
    # The streaming group-by keeps partial states that grow with the rows it has seen, so
    # long inputs are summed batch by batch (exact: sums and counts add up).
    batches = [lf.slice(start, BATCH_ROWS) for start in range(0, n, BATCH_ROWS)] if n > BATCH_ROWS else [lf]
    summed = None
    for batch in batches:  # a loop over row batches (a handful), never over regions or industries
        part = _summed_ids(batch, columns, codes).collect(engine=engine)
        summed = part if summed is None else _resum(pl.concat([summed, part]))
    return _finish(_decode(summed, codes), nuts_level, nace_level)


def _resum(partials: pl.DataFrame) -> pl.DataFrame:
    return partials.group_by("_r_id", "_a_id", YEAR, "_why").agg(pl.col(VALUE).sum(), pl.col(UNITS).sum())


def _partition_sums(frame: Any, columns: RecordColumns, codes: _Codes) -> Any:
    """One Dask partition (pandas) -> its sums by integer keys (pandas; -1 stands for null)."""
    part = _summed_ids(pl.from_pandas(frame).lazy(), columns, codes).collect()
    return part.with_columns(pl.col("_r_id", "_a_id", YEAR, "_why").cast(pl.Int64).fill_null(-1)).to_pandas()


def aggregate_records_dask(
    records: dd.DataFrame,
    *,
    columns: RecordColumns = RecordColumns(),
    nuts_level: int = 2,
    nace_level: int = 2,
    region_map: pl.DataFrame | Mapping[str, str] | None = None,
) -> Aggregation:
    """:func:`aggregate_records` on a ``dask.dataframe`` (a cluster, or files beyond one machine).

    Dask first collects the distinct region and activity codes (small), which are recoded
    once; every partition then runs the same polars query (sums by integer keys), Dask adds
    the partial sums and counts by key, and the (small) result is decoded in polars. The
    numbers equal :func:`aggregate_records` on the same records (up to the order of
    floating-point additions). Needs the ``dask`` extra (``pip install 'emerging[dask]'``).
    Point it at a cluster by creating a ``dask.distributed.Client`` before the call::

        from dask.distributed import Client
        client = Client("tcp://scheduler:8786")
        records = dd.read_parquet("s3://bucket/register/*.parquet")
        agg = aggregate_records_dask(records, columns=RecordColumns(value="persons"))
    """
    import dask
    import pandas as pd

    _check_levels(nuts_level, nace_level)
    _check_columns(dict(records.dtypes.astype(str).items()), columns)
    distinct = [records[c].fillna(_NULL).astype(str).unique() for c in (columns.region, columns.activity)]
    raw_regions, raw_activities = dask.compute(*distinct)
    spec = {"nuts_level": nuts_level, "nace_level": nace_level, "region_map": region_map}
    codes = _codes(
        pl.Series(list(raw_regions), dtype=pl.String), pl.Series(list(raw_activities), dtype=pl.String), spec
    )
    keys = ["_r_id", "_a_id", YEAR, "_why"]
    meta = pd.DataFrame(
        {
            **{k: pd.Series([], dtype="int64") for k in keys},
            VALUE: pd.Series([], dtype="float64"),
            UNITS: pd.Series([], dtype="int64"),
        }
    )
    partial = records.map_partitions(_partition_sums, columns, codes, meta=meta)
    summed = partial.groupby(keys).agg({VALUE: "sum", UNITS: "sum"}).compute().reset_index()
    ids = pl.from_pandas(summed).with_columns(pl.col(k).replace(-1, None) for k in keys)
    ids = ids.with_columns(
        pl.col("_r_id", "_a_id").cast(pl.UInt32), pl.col(YEAR).cast(pl.Int32), pl.col("_why").cast(pl.Int16)
    )
    return _finish(_decode(ids, codes), nuts_level, nace_level)
