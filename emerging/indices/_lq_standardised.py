"""Standardised location quotients from an LQ cube (O'Donoghue & Gleave 2004; Tian 2013):
the z-scores behind :func:`emerging.indices.lq.standardised_lq`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from emerging.indices._coded import (
    ROW_BLOCK,
    CodedPanel,
    flat_index_into,
    float_column,
    gather_into,
    map_row_blocks,
    map_years,
    scratch,
)

#: Relative spread below which an industry's LQs count as all equal (rounding noise).
_NO_SPREAD = 1e-12


def _year_stats(x: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation (ddof = 1) per industry of one year's
    ``(region, industry)`` values ``x`` over the cells in ``ok`` (``x`` must hold 0 in the
    others; it is overwritten). The deviation is NaN where fewer than two cells or no
    spread."""
    n = np.count_nonzero(ok, axis=0)
    every = bool(n.size == 0 or n.min() == ok.shape[0])  # no cell left out
    with np.errstate(divide="ignore", invalid="ignore"):
        # "No spread" allows for rounding: LQs equal in exact arithmetic can differ in the
        # last bits, and z-scores of that noise would look like real differences.
        scale = np.maximum(np.abs(x).sum(axis=0) / n, 1.0)
        mean = x.sum(axis=0) / n
        x -= mean
        if not every:
            x *= ok
        sd = np.sqrt((x * x).sum(axis=0) / (n - 1))
        sd[(n < 2) | ~(sd > _NO_SPREAD * scale)] = np.nan
    return mean, sd


def _standardised_stats(coded: CodedPanel, lq_of: Callable[[slice], np.ndarray]
                        ) -> dict[str, np.ndarray]:
    """Per ``(year, industry)``: mean and deviation of the defined LQs across the panel's
    rows (``mean``, ``sd``) and of the logs of the positive ones (``mean_log``,
    ``sd_log``), year by year on the LQ of each year (``lq_of(slice)``, ``(1, R, I)``)."""
    nY, _, nI = coded.shape
    out = {k: np.empty((nY, nI)) for k in ("mean", "sd", "mean_log", "sd_log")}
    present = coded.present

    def block(ys: slice) -> None:
        y = ys.start
        lq_y = lq_of(ys)[0]
        ok = np.isfinite(lq_y)
        if present is not None:
            ok &= present[y]
        x = np.where(ok, lq_y, 0.0)
        out["mean"][y], out["sd"][y] = _year_stats(x, ok)
        with np.errstate(invalid="ignore"):
            ok &= lq_y > 0  # the log form: LQ > 0 only
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(lq_y, out=x)  # everywhere, then 0 outside `ok` (a masked log is slower)
        np.copyto(x, 0.0, where=~ok)
        out["mean_log"][y], out["sd_log"][y] = _year_stats(x, ok)

    map_years(block, nY)
    return out


def standardised_columns(coded: CodedPanel, lqs: np.ndarray | Callable[[slice], np.ndarray],
                         lq_rows: np.ndarray | None = None) -> list[pl.Series]:
    """``slq`` and ``slq_log`` columns (panel row order) from an LQ cube, or a function
    giving the LQ of a slice of years (:func:`emerging._reference.lq_years`), and the LQ
    at the rows (NaN where undefined; needed with a function): z-scores of each row
    against the ``(year, industry)`` tables of :func:`_standardised_stats`, gathered by
    the rows' codes (cheap in any row order), in row blocks small enough for a core's
    cache."""
    cube = isinstance(lqs, np.ndarray)
    stats = _standardised_stats(coded, (lambda ys: lqs[ys]) if cube else lqs)
    x = coded.to_rows(lqs) if lq_rows is None else lq_rows
    flat = {k: v.reshape(-1) for k, v in stats.items()}
    slq, slq_log = np.empty(len(x)), np.empty(len(x))
    n_industries = coded.shape[2]

    def block(part: slice) -> None:
        index = flat_index_into("yi", coded.y[part], n_industries, coded.i[part])
        at = {k: gather_into(k, v, index) for k, v in flat.items()}
        xs, z, z_log = x[part], slq[part], slq_log[part]
        with np.errstate(divide="ignore", invalid="ignore"):
            np.subtract(xs, at["mean"], out=z)
            z /= at["sd"]
            np.log(xs, out=z_log)  # NaN below, where LQ <= 0 (a masked log is slower)
            z_log -= at["mean_log"]
            z_log /= at["sd_log"]
            np.copyto(z_log, np.nan, where=np.less_equal(xs, 0, out=scratch("not_positive", len(xs), bool)))

    map_row_blocks(block, len(x), -(-len(x) // ROW_BLOCK))
    return [float_column("slq", slq), float_column("slq_log", slq_log)]
