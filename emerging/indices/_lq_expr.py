"""The location-quotient formulas and the tier-1 polars expressions built on them.

Part of :mod:`emerging.indices.lq` (see its docstring for the definitions and references);
the formulas work on numpy arrays and polars expressions alike.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl

from emerging._checks import check_fraction
from emerging._reference import lq
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR


# ---------------------------------------------------------------- formulas (arrays or Exprs)
def _additive(e, er, ei, et):
    return e / er - ei / et


def _log_variance(e, er, ei, et):
    """Delta-method variance of ln LQ with the region's cells nested in the reference.

    The region's cell is Binomial(E_r, p) and the rest of the industry outside the region
    Binomial(E - E_r, q), independent; totals are fixed. ``e`` must be > 0.
    """
    rest = ei - e
    outside = et - er
    inside = (1 / e - 1 / ei) ** 2 * e * (1 - e / er)
    return inside + rest * (outside - rest) / (outside + (outside == 0)) / ei**2


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def _zero_count_upper(level: float) -> float:
    """Exact Poisson upper limit for an observed count of 0 (two-sided ``level``)."""
    return -math.log((1 - level) / 2)


# ---------------------------------------------------------------- tier 1: expressions
def _window_totals(value: str | pl.Expr, region: str, industry: str, year: str):
    e = pl.col(value) if isinstance(value, str) else value
    return e, e.sum().over(region, year), e.sum().over(industry, year), e.sum().over(year)


def lq_expr(
    value: str | pl.Expr = VALUE, *, region: str = REGION, industry: str = INDUSTRY,
    year: str = YEAR,
) -> pl.Expr:
    """Location quotient as a polars expression, all regions of the frame as reference.

    Null where the cell is null or a total is zero (never inf). For whole panels prefer
    :func:`~emerging.indices.location_quotient`, which adds reasons and intervals and is faster.

    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["AT11", "AT11", "AT12", "AT12"],
    ...                   "industry": ["x", "y", "x", "y"],
    ...                   "year": [2020] * 4, "value": [30.0, 10.0, 10.0, 50.0]})
    >>> p.select(lq_expr().round(4))["value"].to_list()
    [1.875, 0.4167, 0.4167, 1.3889]
    """
    e, er, ei, et = _window_totals(value, region, industry, year)
    return pl.when((er > 0) & (ei > 0)).then(lq(e, er, ei, et))


def additive_lq_expr(
    value: str | pl.Expr = VALUE, *, region: str = REGION, industry: str = INDUSTRY,
    year: str = YEAR,
) -> pl.Expr:
    r"""Additive LQ :math:`E_{ri}/E_r - E_i/E` as an expression.

    Null exactly where :func:`lq_expr` and :func:`~emerging.indices.location_quotient` are: on a null cell,
    a zero region total or a zero industry total (there the LQ is undefined, so the
    additive form is not reported as 0 either).
    """
    e, er, ei, et = _window_totals(value, region, industry, year)
    return pl.when((er > 0) & (ei > 0)).then(_additive(e, er, ei, et))


def lq_bounds_expr(
    value: str | pl.Expr = VALUE, *, level: float = 0.95, region: str = REGION,
    industry: str = INDUSTRY, year: str = YEAR,
) -> pl.Expr:
    """Struct expression with fields ``lq_lo`` and ``lq_hi``
    (see :func:`~emerging.indices.location_quotient`)."""
    check_fraction("level", level)
    e, er, ei, et = _window_totals(value, region, industry, year)
    value = lq(e, er, ei, et)
    spread = (_z(level) * _log_variance(e, er, ei, et).sqrt()).exp()
    defined = (er > 0) & (ei > 0)
    zero_hi = lq(_zero_count_upper(level), er, ei, et)
    lo = pl.when(defined & (e == 0)).then(0.0).when(defined).then(value / spread)
    hi = pl.when(defined & (e == 0)).then(zero_hi).when(defined).then(value * spread)
    return pl.struct(lo.alias("lq_lo"), hi.alias("lq_hi"))
