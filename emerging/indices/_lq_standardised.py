"""Standardised location quotients from an LQ cube (O'Donoghue & Gleave 2004; Tian 2013):
the z-scores behind :func:`emerging.indices.lq.standardised_lq`."""

from __future__ import annotations

import numpy as np
import polars as pl

from emerging.indices._coded import CodedPanel, float_column, map_years

#: Relative spread below which an industry's LQs count as all equal (rounding noise).
_NO_SPREAD = 1e-12


def _standardise_year(out: np.ndarray, ok: np.ndarray) -> None:
    """z-scores in place of one year's ``(region, industry)`` values along regions: per
    industry over the cells in ``ok`` (whose other cells must hold 0), ddof = 1; NaN
    outside ``ok`` and where fewer than two cells or no spread."""
    n = np.count_nonzero(ok, axis=0)
    every = bool(n.size == 0 or n.min() == ok.shape[0])  # no cell left out
    with np.errstate(divide="ignore", invalid="ignore"):
        # "No spread" allows for rounding: LQs equal in exact arithmetic can differ in the
        # last bits, and z-scores of that noise would look like real differences.
        scale = np.maximum(np.abs(out).sum(axis=0) / n, 1.0)
        out -= out.sum(axis=0) / n
        if not every:
            out *= ok
        sd = np.sqrt((out * out).sum(axis=0) / (n - 1))
        sd[(n < 2) | ~(sd > _NO_SPREAD * scale)] = np.nan
        out /= sd
    if not every:
        np.copyto(out, np.nan, where=~ok)


def _standardised_cubes(coded: CodedPanel, lq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SLQ and log SLQ cubes from an LQ cube (NaN where undefined), year by year."""
    slq, slq_log = np.empty(coded.shape), np.empty(coded.shape)
    present = coded.present

    def block(ys: slice) -> None:
        y = ys.start
        ok = np.isfinite(lq[y])
        if present is not None:
            ok &= present[y]
        np.copyto(slq[y], lq[y])
        if not ok.all():
            np.copyto(slq[y], 0.0, where=~ok)
        _standardise_year(slq[y], ok)
        with np.errstate(invalid="ignore"):
            ok &= lq[y] > 0  # the log form: LQ > 0 only
        slq_log[y].fill(0.0)
        np.log(lq[y], out=slq_log[y], where=ok)
        _standardise_year(slq_log[y], ok)

    map_years(block, coded.shape[0])
    return slq, slq_log


def standardised_columns(coded: CodedPanel, lq: np.ndarray) -> list[pl.Series]:
    """``slq`` and ``slq_log`` columns (panel row order) from an LQ cube."""
    slq, slq_log = _standardised_cubes(coded, lq)
    return [float_column("slq", coded.to_rows(slq)),
            float_column("slq_log", coded.to_rows(slq_log))]
