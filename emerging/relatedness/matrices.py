"""A long panel as integer-coded dense arrays (year x region x industry), and back.

Every relatedness and complexity measure is matrix arithmetic on the binary presence
matrix :math:`M_{ri}` of each year. The key encoding and validation are the package's one
engine (:class:`emerging._engine.CodedPanel`, absent rows count as zero) and presence uses
the one LQ formula and factors (:func:`emerging._reference.lq`,
:func:`~emerging._reference.lq_factors`, reference ``"all"``); this module adds what
relatedness needs on top: presence cubes, results written back onto the very rows of the
panel (no row dropped or added), and long frames of industry pairs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging._engine import map_years
from emerging._reference import lq, lq_factors, resolve_reference
from emerging._schema import INDUSTRY, REGION, YEAR, Exclusions
from emerging.indices._coded import CodedPanel, float_column, single_threaded_blas  # noqa: F401
from emerging.relatedness._row_layout import RowLayout, find_layout
from emerging.relatedness._workspace import Workspace, buffer  # noqa: F401 (re-exported)


def presence_cube(coded: CodedPanel, *, threshold: float = 1.0) -> np.ndarray:
    """``uint8[year, region, industry]``: 1 where the LQ (base ``"all"``) >= ``threshold``.

    The LQ is :mod:`emerging.indices.lq`'s own formula and factors, so this agrees cell by
    cell with :func:`emerging.indices.lq.presence`, except that an undefined LQ (unknown
    value, zero total) counts as absent: a matrix cannot hold a null. Absent rows are
    zeros, as everywhere in :mod:`emerging.indices`.
    """
    return _presence_and_unknown(coded, threshold)[0]


def _presence_and_unknown(coded: CodedPanel, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`presence_cube` and the Boolean cube of cells whose LQ is undefined (unknown
    value, or a zero region or industry total), from the same factors in one pass."""
    if not isinstance(threshold, int | float) or not threshold > 0:
        raise ValueError(f"threshold must be a positive number; got {threshold!r}")
    values = value_cube(coded)
    f = lq_factors(coded, resolve_reference(coded, "all"))
    out = np.empty(coded.shape, dtype=np.uint8)
    unknown = np.empty(coded.shape, dtype=bool)
    work = Workspace()

    def year(s: slice) -> None:  # per year: one temporary (reused), no dense LQ cube
        t = s.start
        e, er, ei = values[t], f["er"][t], f["ei"][t]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = lq(e, er, ei, f["et"][t], out=work.get("lq", e.shape))
            np.greater_equal(ratio, threshold, out=out[t], casting="unsafe")
        # totals are sums of non-negative known values: zero exactly when all are zero
        np.isnan(e, out=unknown[t])
        zero_r, zero_i = er == 0, ei == 0
        if zero_r.any() or zero_i.any():
            unknown[t] |= zero_r | zero_i

    map_years(year, coded.shape[0])  # the years on the engine's thread pool
    return out, unknown


#: Cache key (on the coded panel's :class:`~emerging._engine.PanelCache`) of the Boolean
#: cube of cells whose LQ is undefined.
_UNDEFINED_LQ = ("relatedness", "undefined_lq")
#: Cache key of the rows' :class:`~._row_layout.RowLayout` (None: no layout).
_ROW_LAYOUT = ("relatedness", "row_layout")


def row_layout(coded: CodedPanel) -> RowLayout | None:
    """The rows' walk through the permuted cube (:func:`~._row_layout.find_layout`), found
    once per coded panel."""
    return coded.cache.get(_ROW_LAYOUT, lambda: find_layout(coded))


def value_cube(coded: CodedPanel) -> np.ndarray:
    """:attr:`~emerging._engine.CodedPanel.value_cube` (the same array), scattered by one
    tiled copy when the rows walk a permuted cube and it is not built yet."""
    if "value_cube" in coded.__dict__ or (layout := row_layout(coded)) is None:
        return coded.value_cube
    return layout.scatter(coded.value, coded.shape, 0.0)


@dataclass(frozen=True, eq=False)
class PanelMatrices:
    """A validated, integer-coded panel with the accessors relatedness needs.

    Attributes
    ----------
    coded
        The :class:`~emerging.indices._coded.CodedPanel` (codes, value cube, row order).
    """

    coded: CodedPanel

    @property
    def frame(self) -> pl.DataFrame:
        return self.coded.frame

    @property
    def regions(self) -> np.ndarray:
        return self.coded.regions.to_numpy()

    @property
    def industries(self) -> np.ndarray:
        return self.coded.industries.to_numpy()

    @property
    def years(self) -> np.ndarray:
        return self.coded.years

    @property
    def values(self) -> np.ndarray:
        """``float64[year, region, industry]``: NaN = unknown (null), 0 = absent row."""
        return self.coded.value_cube

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.coded.shape

    @property
    def unknown_cube(self) -> np.ndarray:
        """``bool[year, region, industry]``: True where the LQ is undefined (unknown value,
        or a zero region or industry total); see :attr:`unknown_presence`. Kept in the
        coded panel's cache (it does not depend on the presence threshold)."""
        return self.coded.cache.get(
            _UNDEFINED_LQ, lambda: _presence_and_unknown(self.coded, 1.0)[1])

    @functools.cached_property
    def unknown_presence(self) -> np.ndarray:
        """Per panel row: True where presence is unknown because the LQ is undefined.

        That is an unknown (null) value, or a zero region or industry total (LQ 0/0), the
        rows where :func:`emerging.indices.lq.presence` is null. Totals are sums of
        non-negative known values, so "zero" does not depend on the order of summation.
        """
        return self.at_rows(self.unknown_cube)

    def excluded_cells(self) -> dict[str, np.ndarray]:
        """Per year: ``unknown_cells`` (rows whose presence is unknown, counted as not
        present) and ``absent_cells`` (key combinations with no row, counted as zero)."""
        n_y, n_r, n_i = self.shape
        rows_cube = self.coded.present  # None when every cell is a row
        unknown = self.unknown_cube if rows_cube is None else self.unknown_cube & rows_cube
        rows = (np.full(n_y, n_r * n_i) if rows_cube is None
                else np.count_nonzero(rows_cube, axis=(1, 2)))
        return {"unknown_cells": np.count_nonzero(unknown, axis=(1, 2)).astype(np.int64),
                "absent_cells": (n_r * n_i - rows).astype(np.int64)}

    @functools.cached_property
    def exclusions(self) -> Exclusions:
        """Cells that cannot count as present, by reason: an unknown (null) value, an
        undefined LQ of a known value (zero region or industry total), no row in the panel
        (counted as zero employment). The first two have a null ``present``."""
        unknown = int(np.count_nonzero(np.isnan(self.coded.value)))
        undefined = int(self.excluded_cells()["unknown_cells"].sum()) - unknown
        return Exclusions({"unknown value": unknown,
                           "undefined LQ (zero total)": undefined,
                           "absent from panel": self.coded.n_cells - len(self.coded.value)})

    def presence_column(self, presence: np.ndarray) -> pl.Series:
        """``present`` per panel row from a presence cube: Boolean, null where the presence
        is unknown (see :attr:`unknown_presence`), as :func:`emerging.indices.lq.presence`."""
        if "unknown_presence" in self.__dict__:  # already at the rows
            known = pl.Series("present", self.at_rows(presence).astype(bool))
            return known.set(pl.Series(self.unknown_presence), None)
        if not self.unknown_cube.any():  # no unknown cell: one gather of 0/1, no mask
            return pl.Series("present", _as_bool(self.at_rows(presence)))
        if self.layout is not None:  # two tiled copies beat one random gather
            known = pl.Series("present", _as_bool(self.at_rows(presence)))
            return known.set(pl.Series(self.unknown_presence), None)
        # both flags in one gather (one random read per row of a shuffled panel)
        rows = self.coded.flags_to_rows({"present": presence, "unknown": self.unknown_cube})
        known = pl.Series("present", rows["present"].astype(bool))  # uint8 in cube order
        return known.set(pl.Series(rows["unknown"].astype(bool)), None)

    def presence(self, *, threshold: float = 1.0) -> np.ndarray:
        """See :func:`presence_cube`. Keeps the cube of undefined LQs (:attr:`unknown_cube`,
        computed in the same pass) and drops the coded panel's dense value arrays
        afterwards (:meth:`~emerging._engine.CodedPanel.drop_dense`; rebuilt if asked for
        again), to keep memory low."""
        out, unknown = _presence_and_unknown(self.coded, threshold)
        if self.coded.cache.peek(_UNDEFINED_LQ) is None:
            self.coded.cache.put(_UNDEFINED_LQ, unknown)
        self.coded.drop_dense()
        return out

    @property
    def layout(self) -> RowLayout | None:
        """The rows' walk through the permuted cube, or None (see :func:`row_layout`)."""
        return row_layout(self.coded)

    def at_rows(self, array: np.ndarray) -> np.ndarray:
        """Pick, for every row of ``frame``, its cell of a ``[year, region, industry]`` array
        (or of an array broadcasting to it): by tiled copies when the rows walk a permuted
        cube (:mod:`~._row_layout`), else by the engine's gather."""
        layout = self.layout
        if layout is not None and (array.shape == self.shape or layout.positions is None):
            return layout.to_rows(array, self.shape)
        return self.coded.to_rows(np.ascontiguousarray(array))

    def with_cells(self, columns: dict[str, np.ndarray | pl.Series]) -> pl.DataFrame:
        """The panel with one new column per ``[year, region, industry]`` array (NaN -> null)
        or per-row Series (taken as it is)."""
        return self.frame.with_columns(
            arr.alias(name) if isinstance(arr, pl.Series) else column(name, self.at_rows(arr))
            for name, arr in columns.items()
        )

    def region_frame(self, columns: dict[str, np.ndarray]) -> pl.DataFrame:
        """Long ``region, year`` frame from ``[year, region]`` arrays (NaN -> null)."""
        return _grid_frame([(REGION, self.regions), (YEAR, self.years)], columns)

    def industry_frame(self, columns: dict[str, np.ndarray]) -> pl.DataFrame:
        """Long ``industry, year`` frame from ``[year, industry]`` arrays (NaN -> null)."""
        return _grid_frame([(INDUSTRY, self.industries), (YEAR, self.years)], columns)


def _as_bool(flags: np.ndarray) -> np.ndarray:
    """0/1 flags as Boolean (uint8 reinterpreted in place, no copy)."""
    return flags.view(bool) if flags.dtype == np.uint8 else flags.astype(bool)


def encode_panel(panel: pl.DataFrame | pl.LazyFrame) -> PanelMatrices:
    """Validate a panel (the contract's checks) and code it once for matrix arithmetic."""
    return PanelMatrices(CodedPanel.from_panel(panel))


def column(name: str, values: np.ndarray) -> pl.Series:
    """A frame column from an array; for floats NaN (undefined) becomes null (unknown)."""
    values = np.asarray(values)
    return float_column(name, values) if values.dtype.kind == "f" else pl.Series(name, values)


def _grid_frame(
    axes: list[tuple[str, np.ndarray]], columns: dict[str, np.ndarray]
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
        column(name, np.asarray(arr).reshape(-1)) for name, arr in columns.items()
    ).select(name_a, name_y, *columns)


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
        extra.append(column(name, a.take(offdiag, axis=1).reshape(-1)))
    return out.with_columns(extra)
