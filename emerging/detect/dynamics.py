r"""Signals of change over the window: competitive effect, acceleration, related growth.

All three read only the window :math:`s, \dots, a` (years :math:`\le a`) of the panel that
:func:`emerging.detect.emergence_signals` has already validated and restricted to its
fixed region set.

``competitive``
    The shift-share competitive (regional) effect of the pair from :math:`s` to :math:`a`,
    :math:`E_{ri,s}\,(g_{ri} - g_i)` in persons, with :math:`g` the growth over the whole
    window of the pair and of the industry in the reference economy
    (:func:`emerging.trends.shift_share`, Dunn 1960).
``acceleration``
    The change of the log-LQ growth rate between the two halves of the window, per year:
    with :math:`m = s + \lfloor (a - s)/2 \rfloor`,
    :math:`\frac{\ln LQ_a - \ln LQ_m}{a - m} - \frac{\ln LQ_m - \ln LQ_s}{m - s}`;
    positive when the LQ rises faster (or falls slower) lately. Needs a window of at least
    three years and positive LQs in :math:`s`, :math:`m` and :math:`a` (null otherwise).
``related_growth``
    Annual growth over the window of the employment of the region's industries related to
    :math:`i`, weighted by proximity :math:`\varphi_{ij}` in :math:`a`
    (:func:`emerging.relatedness.proximity`, the default minimum-conditional measure):
    :math:`\left(\frac{\sum_{j \ne i} \varphi_{ij} E_{rj,a}}
    {\sum_{j \ne i} \varphi_{ij} E_{rj,s}}\right)^{1/(a-s)} - 1`.
    Null when the region has no related employment in :math:`s`.

References
----------
Dunn, E. S. (1960). A statistical and analytical technique for regional analysis.
*Papers in Regional Science*, 6(1), 97-112.
Hidalgo, C. A. et al. (2007). The product space conditions the development of nations.
*Science*, 317(5837), 482-487 (proximity).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR

KEY = [REGION, INDUSTRY]


def competitive_effect(frame: pl.DataFrame, start: int, as_of: int, reference: str) -> pl.DataFrame:
    """``region, industry, competitive`` (persons) from :math:`s` to :math:`a`."""
    from emerging.trends import shift_share

    if start == as_of:
        return frame.select(KEY).unique().with_columns(competitive=pl.lit(None, pl.Float64))
    result = shift_share(frame, start=start, end=as_of, reference=reference)
    return result.to_frame().select(*KEY, pl.col("competitive").fill_nan(None))


def acceleration(lq: pl.DataFrame, start: int, as_of: int) -> pl.DataFrame:
    """``region, industry, acceleration`` from the LQ rows (``year``, ``lq``) of the window."""
    if as_of - start < 2:
        return lq.select(KEY).unique().with_columns(acceleration=pl.lit(None, pl.Float64))
    mid = start + (as_of - start) // 2
    log_lq = pl.when(pl.col("lq") > 0).then(pl.col("lq").log())

    def at(year: int) -> pl.Expr:
        return log_lq.filter(pl.col(YEAR) == year).first()

    return lq.filter(pl.col(YEAR).is_in([start, mid, as_of])).group_by(KEY).agg(
        ((at(as_of) - at(mid)) / (as_of - mid) - (at(mid) - at(start)) / (mid - start))
        .alias("acceleration")
    )


def _cube(frame: pl.DataFrame, year: int, regions: pl.Series, industries: pl.Series) -> np.ndarray:
    """Employment ``[region, industry]`` in ``year`` (no row or unknown value: 0)."""
    rows = frame.filter(pl.col(YEAR) == year)
    r = rows[REGION].cast(pl.Enum(regions)).to_physical().to_numpy()
    i = rows[INDUSTRY].cast(pl.Enum(industries)).to_physical().to_numpy()
    out = np.zeros((len(regions), len(industries)))
    out[r, i] = rows[VALUE].fill_null(0.0).fill_nan(0.0).to_numpy()
    return out


def related_growth(frame: pl.DataFrame, start: int, as_of: int) -> pl.DataFrame:
    """``region, industry, related_growth`` (module docstring); one matrix product a year."""
    from emerging.relatedness import proximity

    regions = frame[REGION].unique().sort()
    industries = frame[INDUSTRY].unique().sort()
    if start == as_of:
        grid = pl.DataFrame({REGION: regions}).join(pl.DataFrame({INDUSTRY: industries}),
                                                    how="cross")
        return grid.with_columns(related_growth=pl.lit(None, pl.Float64))
    pairs = proximity(frame.filter(pl.col(YEAR) == as_of)).select(
        INDUSTRY, "industry_other", "proximity")
    phi = np.zeros((len(industries), len(industries)))
    a = pairs[INDUSTRY].cast(pl.Enum(industries)).to_physical().to_numpy()
    b = pairs["industry_other"].cast(pl.Enum(industries)).to_physical().to_numpy()
    phi[a, b] = pairs["proximity"].fill_null(0.0).fill_nan(0.0).to_numpy()
    np.fill_diagonal(phi, 0.0)
    then = _cube(frame, start, regions, industries) @ phi.T  # sum_j E_rj phi_ij
    now = _cube(frame, as_of, regions, industries) @ phi.T
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(then > 0, (now / then) ** (1.0 / (as_of - start)) - 1.0, np.nan)
    return pl.DataFrame({
        REGION: np.repeat(regions.to_numpy(), len(industries)),
        INDUSTRY: np.tile(industries.to_numpy(), len(regions)),
        "related_growth": rate.ravel(),
    }).with_columns(pl.col("related_growth").fill_nan(None))
