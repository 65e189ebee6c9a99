"""A long panel as integer-coded dense arrays (year x region x industry), and back.

Every relatedness and complexity measure is matrix arithmetic on the binary presence
matrix :math:`M_{ri}` of each year. This module does the key encoding once: regions,
industries and years become sorted integer codes, the values a dense ``float64`` array
``values[t, r, i]`` with ``NaN`` for unknown (null) or absent cells, and the codes of the
input rows are kept so that results can be written back onto the very rows of the panel
(no row is dropped or added on the way out).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging._schema import (
    INDUSTRY,
    KEYS,
    PANEL_SCHEMA,
    REGION,
    VALUE,
    YEAR,
    DuplicateKeyError,
    Exclusions,
    SchemaError,
    check_non_negative,
    check_not_empty,
    check_single_level,
    check_unique,
    coerce_dtypes,
    require_columns,
)
from emerging.indices.rca_matrix import presence_matrix


def single_threaded_blas(function):
    """Run ``function`` with BLAS limited to one thread.

    The products here are mid-sized (hundreds by about a thousand); OpenBLAS threads made
    them 3-6 times slower on a machine whose two cores are shared with other work
    (``bench/bench_relatedness.py``), and they never helped by more than about 1.8x.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return wrapper


@dataclass(frozen=True, eq=False)
class PanelMatrices:
    """A panel held as arrays.

    Attributes
    ----------
    frame
        The validated panel (contract dtypes), rows in their original order.
    regions, industries, years
        Sorted labels; the code of a label is its position.
    values
        ``float64[len(years), len(regions), len(industries)]``; ``NaN`` = unknown or absent.
    row_cell
        Flat position of each row of ``frame`` in a ``[year, region, industry]`` array (so
        ``values.reshape(-1)[row_cell]`` is the ``value`` column).
    exclusions
        Cells that cannot count as present: ``unknown value`` (null in the panel) and
        ``absent from panel`` (a region-industry-year with no row).
    """

    frame: pl.DataFrame
    regions: np.ndarray
    industries: np.ndarray
    years: np.ndarray
    values: np.ndarray
    row_cell: np.ndarray
    exclusions: Exclusions

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.values.shape  # type: ignore[return-value]

    def presence(self, *, threshold: float = 1.0) -> np.ndarray:
        """``uint8[year, region, industry]``: 1 where RCA >= ``threshold`` (see rca_matrix)."""
        return presence_matrix(self.values, threshold=threshold)

    def at_rows(self, array: np.ndarray) -> np.ndarray:
        """Pick, for every row of ``frame``, its cell of a ``[year, region, industry]`` array."""
        return np.asarray(array).reshape(-1).take(self.row_cell)

    def with_cells(self, columns: dict[str, np.ndarray]) -> pl.DataFrame:
        """The panel with one new column per ``[year, region, industry]`` array (NaN -> null)."""
        return self.frame.with_columns(
            nan_to_null(pl.Series(name, self.at_rows(arr))) for name, arr in columns.items()
        )

    def region_frame(self, columns: dict[str, np.ndarray]) -> pl.DataFrame:
        """Long ``region, year`` frame from ``[year, region]`` arrays (NaN -> null)."""
        return _grid_frame([(REGION, self.regions), (YEAR, self.years)], columns, "ry")

    def industry_frame(self, columns: dict[str, np.ndarray]) -> pl.DataFrame:
        """Long ``industry, year`` frame from ``[year, industry]`` arrays (NaN -> null)."""
        return _grid_frame([(INDUSTRY, self.industries), (YEAR, self.years)], columns, "iy")


def nan_to_null(series: pl.Series) -> pl.Series:
    """NaN (a matrix's "undefined") becomes null (the frame's "unknown"); one pass if none."""
    if series.dtype.is_float() and series.is_nan().any():
        return series.fill_nan(None)
    return series


def _grid_frame(
    axes: list[tuple[str, np.ndarray]], columns: dict[str, np.ndarray], order: str
) -> pl.DataFrame:
    """Long frame of every combination of two label axes; arrays are ``[year, other]``."""
    (name_a, labels_a), (name_y, years) = axes
    n_a, n_y = len(labels_a), len(years)
    out = {
        name_a: np.tile(labels_a, n_y),
        name_y: np.repeat(years, n_a).astype(np.int32),
    }
    frame = pl.DataFrame(out).with_columns(pl.col(name_a).cast(pl.String))
    return frame.with_columns(
        nan_to_null(pl.Series(name, np.asarray(arr).reshape(-1))) for name, arr in columns.items()
    ).select(name_a, name_y, *columns)


def _validate_fast(panel: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The checks of :func:`emerging._schema.validate_panel`, with the costly ones on codes.

    Duplicate keys are found on the integer codes and the NUTS level on the distinct
    region codes (both in :func:`encode_panel`), which keeps a 14-million-row panel fast.
    """
    frame = panel.collect() if isinstance(panel, pl.LazyFrame) else panel
    require_columns(frame, list(PANEL_SCHEMA), what="panel")
    frame = coerce_dtypes(frame, PANEL_SCHEMA, what="panel")
    check_not_empty(frame, what="panel")
    nulls = {k: frame[k].null_count() for k in KEYS}
    if any(nulls.values()):
        key = next(k for k, n in nulls.items() if n)
        raise SchemaError(
            f"panel column {key!r}: expected no nulls in a key column, found {nulls[key]:,}. "
            "Fill or drop those rows explicitly."
        )
    if (frame[VALUE] < 0).any():
        check_non_negative(frame, VALUE, KEYS, what="panel")
    return frame


def _label_codes(series: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """Integer codes of a string column (position in its sorted distinct values).

    Works on runs of equal values, so a panel sorted by any key column costs a fraction
    of hashing every row; an unsorted one costs about the same as a direct cast.
    """
    runs = series.rle()
    values = runs.struct.field("value")
    labels = values.unique().sort()
    run_codes = values.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int32)
    lengths = runs.struct.field("len").to_numpy()
    return np.repeat(run_codes, lengths), labels


def _dense_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 of small non-negative-range integers (years) and their sorted values."""
    low = values.min()
    present = np.flatnonzero(np.bincount(values - low))
    lookup = np.zeros(present[-1] + 1, dtype=np.int32)
    lookup[present] = np.arange(len(present))
    return lookup[values - low], present + low


def encode_panel(panel: pl.DataFrame | pl.LazyFrame) -> PanelMatrices:
    """Validate a panel and hold it as a dense ``[year, region, industry]`` array.

    Raises the contract errors of :func:`emerging._schema.validate_panel`
    (:class:`~emerging._schema.DuplicateKeyError` for a key given twice, etc.).
    """
    frame = _validate_fast(panel)
    ry, years = _dense_codes(frame[YEAR].to_numpy().astype(np.int64))
    rr, regions = _label_codes(frame[REGION])
    check_single_level(regions.to_frame(REGION), what="panel")
    ri, industries = _label_codes(frame[INDUSTRY])
    shape = (len(years), len(regions), len(industries))
    flat = np.ravel_multi_index((ry, rr, ri), shape)
    del ry, rr, ri
    counts = np.bincount(flat, minlength=int(np.prod(shape)))
    if counts.max() > 1:
        check_unique(frame, KEYS, what="panel")  # quotes the duplicated keys
        raise DuplicateKeyError("panel has duplicated (region, industry, year) keys")
    absent = int((counts == 0).sum())
    del counts
    values = np.full(shape, np.nan)
    values.reshape(-1)[flat] = frame[VALUE].to_numpy()
    exclusions = Exclusions(
        {"unknown value": frame[VALUE].null_count(), "absent from panel": absent}
    )
    return PanelMatrices(
        frame=frame,
        regions=regions.to_numpy(),
        industries=industries.to_numpy(),
        years=years.astype(np.int32),
        values=values,
        row_cell=flat,
        exclusions=exclusions,
    )


def pair_frame(
    industries: np.ndarray,
    years: np.ndarray | None,
    columns: dict[str, np.ndarray],
) -> pl.DataFrame:
    """Long ``industry, industry_other[, year]`` frame from ``[year, i, j]`` (or ``[i, j]``)
    arrays, one row per ordered pair ``i != j``; NaN becomes null."""
    n = len(industries)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    labels = pl.Series(industries, dtype=pl.String)
    layer = pl.DataFrame(
        {INDUSTRY: labels.gather(ii.astype(np.uint32)),
         "industry_other": labels.gather(jj.astype(np.uint32))}
    )
    n_layers = 1 if years is None else len(years)
    out = pl.concat([layer] * n_layers, rechunk=False)  # labels shared, not copied
    if years is not None:
        out = out.with_columns(pl.Series(YEAR, np.repeat(years, len(ii)).astype(np.int32)))
    offdiag = ii * n + jj  # flat positions of the off-diagonal cells of one layer
    extra = []
    for name, arr in columns.items():
        a = np.asarray(arr)
        a = a.reshape(-1, n * n)
        extra.append(nan_to_null(pl.Series(name, a.take(offdiag, axis=1).reshape(-1))))
    return out.with_columns(extra)
