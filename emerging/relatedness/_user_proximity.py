"""Proximity as a labelled square matrix, and proximities supplied by the user.

A proximity :math:`\\varphi_{ij}` travels in two forms:

* **pairs**: a frame with ``industry``, ``industry_other`` and ``proximity`` (and
  optionally ``year``), one row per ordered pair, as :func:`~emerging.relatedness.proximity`
  returns; pairs that are not listed, or have a null proximity, count as proximity 0;
* **matrix**: a labelled square matrix, either a polars frame with an ``industry`` column
  and one column per industry code (:func:`proximity_to_matrix` makes one; a ``year``
  column is allowed), or a pandas DataFrame whose index and columns are the codes.

Row *i*, column *j* is :math:`\\varphi_{ij}`. Relatedness density of industry *i* uses the
column of *i*, :math:`RD_{ri} = 100 \\sum_{j \\ne i} M_{rj}\\varphi_{ji} /
\\sum_{j \\ne i} \\varphi_{ji}`, as EconGeo's ``relatedness_density(mat, relatedness)``
(``mat %*% relatedness / colSums(relatedness)``); for a symmetric proximity the order
does not matter. The diagonal is never used.

A supplied proximity must cover every industry of the panel (a missing industry is
usually a code mismatch, e.g. ``"C10"`` against ``"10"``); industries it has beyond the
panel's are left out, with a warning that counts them. Values must be finite and >= 0.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._schema import INDUSTRY, YEAR

OTHER = "industry_other"
VALUE = "proximity"


@keeps_frame_kind
def proximity_to_matrix(pairs: pl.DataFrame | pl.LazyFrame, *,
                        value: str = VALUE) -> pl.DataFrame:
    """The labelled square matrix of a pair frame (see the module docstring).

    Returns a frame with ``industry`` (row label) and one Float64 column per industry,
    sorted by code (with ``year`` first when the pairs have one, one block of rows per
    year). Unlisted pairs and undefined (null) proximities are 0, as density counts them;
    the diagonal is null (never used).
    """
    pairs = pairs.collect() if isinstance(pairs, pl.LazyFrame) else pairs
    missing = [c for c in (INDUSTRY, OTHER, value) if c not in pairs.columns]
    if missing:
        raise ValueError(f"a proximity pair frame needs the columns {INDUSTRY!r}, {OTHER!r} "
                         f"and {value!r}; missing {missing}")
    labels = sorted(set(pairs[INDUSTRY].cast(pl.String)) | set(pairs[OTHER].cast(pl.String)))
    index = [YEAR, INDUSTRY] if YEAR in pairs.columns else [INDUSTRY]
    keys = pairs.select(pl.col(YEAR)).unique().sort(YEAR) if YEAR in pairs.columns else None
    grid = pl.DataFrame({INDUSTRY: labels})
    if keys is not None:
        grid = keys.join(grid, how="cross")
    wide = pairs.select(*index, pl.col(OTHER).cast(pl.String),
                        pl.col(value).cast(pl.Float64)).with_columns(
        pl.col(INDUSTRY).cast(pl.String)).pivot(on=OTHER, index=index, values=value)
    out = grid.join(wide, on=index, how="left")
    out = out.with_columns(pl.col(c).fill_null(0.0) if c in out.columns else pl.lit(0.0).alias(c)
                           for c in labels)
    out = out.with_columns(
        pl.when(pl.col(INDUSTRY) == c).then(None).otherwise(pl.col(c)).alias(c) for c in labels)
    return out.select(*index, *labels).sort(index)


def _long_from_user(prox) -> pl.DataFrame:
    """Any accepted form as a long frame ``[year,] industry, industry_other, proximity``."""
    if isinstance(prox, pl.LazyFrame):
        prox = prox.collect()
    if not isinstance(prox, pl.DataFrame):
        if hasattr(prox, "index") and hasattr(prox, "columns") and hasattr(prox, "to_numpy"):
            rows = [str(x) for x in prox.index]
            cols = [str(x) for x in prox.columns]
            arr = np.asarray(prox.to_numpy(), dtype=np.float64)
            ii, jj = np.meshgrid(np.arange(len(rows)), np.arange(len(cols)), indexing="ij")
            return pl.DataFrame({INDUSTRY: np.array(rows)[ii.ravel()],
                                 OTHER: np.array(cols)[jj.ravel()], VALUE: arr.ravel()})
        raise TypeError(
            "proximity must be a pair frame (industry, industry_other, proximity), a "
            "labelled square matrix (a polars frame with an 'industry' column and one "
            f"column per industry, or a pandas DataFrame); got {type(prox).__name__}. A "
            "bare numpy array has no labels: wrap it in a frame with the industry codes")
    if OTHER in prox.columns:
        if VALUE not in prox.columns or INDUSTRY not in prox.columns:
            raise ValueError(f"a proximity pair frame needs {INDUSTRY!r}, {OTHER!r} and "
                             f"{VALUE!r} columns; got {prox.columns}")
        keep = [c for c in (YEAR, INDUSTRY, OTHER, VALUE) if c in prox.columns]
        return prox.select(keep).with_columns(pl.col(VALUE).fill_null(0.0))
    if INDUSTRY not in prox.columns:
        raise ValueError("a proximity matrix frame needs an 'industry' column (row labels) "
                         f"and one column per industry; got {prox.columns[:6]}")
    index = [YEAR, INDUSTRY] if YEAR in prox.columns else [INDUSTRY]
    return prox.with_columns(pl.col(INDUSTRY).cast(pl.String)).unpivot(
        index=index, variable_name=OTHER, value_name=VALUE).drop_nulls(VALUE)


def user_proximity(prox, industries: np.ndarray, years: np.ndarray) -> np.ndarray:
    """``phi[layer, i, j]`` on the panel's industries from a user's proximity.

    One layer per panel year when the proximity has a ``year`` column (every panel year
    must be there), else a single layer used for every year.
    """
    long = _long_from_user(prox)
    labels = pl.Series(np.asarray(industries).astype(str))
    codes = set(long[INDUSTRY].cast(pl.String)) | set(long[OTHER].cast(pl.String))
    absent = sorted(set(labels) - codes)
    if absent:
        raise ValueError(
            f"the proximity has no row or column for {len(absent)} industries of the panel "
            f"(e.g. {absent[:5]}; its codes are e.g. {sorted(codes)[:5]}); check that both "
            "use the same codes, or filter the panel to the proximity's industries")
    extra = codes - set(labels)
    if extra:
        warnings.warn(f"{len(extra)} industries of the proximity are not in the panel and "
                      f"were left out (e.g. {sorted(extra)[:5]})", UserWarning, stacklevel=3)
    enum = pl.Enum(labels.to_list())
    long = long.filter(pl.col(INDUSTRY).cast(pl.String).is_in(labels.to_list())
                       & pl.col(OTHER).cast(pl.String).is_in(labels.to_list())
                       & (pl.col(INDUSTRY).cast(pl.String) != pl.col(OTHER).cast(pl.String)))
    v = long[VALUE].cast(pl.Float64).to_numpy()
    if np.isnan(v).any() or (v < 0).any() or np.isinf(v).any():
        raise ValueError("proximity values must be finite and >= 0 (fill unknown pairs "
                         "with 0 or leave them out)")
    i = long[INDUSTRY].cast(pl.String).cast(enum).to_physical().to_numpy()
    j = long[OTHER].cast(pl.String).cast(enum).to_physical().to_numpy()
    n = len(labels)
    if YEAR in long.columns:
        given = long[YEAR].to_numpy()
        missing = sorted(set(np.asarray(years).tolist()) - set(given.tolist()))
        if missing:
            raise ValueError(f"the proximity has a 'year' column but no values for the panel "
                             f"years {missing}; give every year, or drop the column to use "
                             "one proximity for all years")
        layer = np.searchsorted(years, given)
        ok = (layer < len(years)) & (np.asarray(years)[np.minimum(layer, len(years) - 1)]
                                     == given)
        layer, i, j, v = layer[ok], i[ok], j[ok], v[ok]
        n_layers = len(years)
    else:
        layer, n_layers = np.zeros(len(v), dtype=np.int64), 1
    flat = (layer * n + i) * n + j
    if len(np.unique(flat)) != len(flat):
        raise ValueError("the proximity lists some (industry, industry_other[, year]) pair "
                         "more than once")
    phi = np.zeros((n_layers, n, n))
    phi.reshape(-1)[flat] = v
    return phi
