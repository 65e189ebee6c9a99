"""Location quotients.

The location quotient (Balassa's revealed comparative advantage, RCA) of industry *i* in
region *r* in year *t* compares the industry's share of the region's employment with its
share in a reference economy:

.. math::

    LQ_{rit} = \\frac{E_{rit} / E_{r\\cdot t}}{E_{\\cdot it} / E_{\\cdot\\cdot t}}

where a dot is a sum over that index, taken over the reference (by default all regions in
the panel). LQ > 1 means the region is relatively specialised in the industry.

Edge cases: a region or an industry with zero total employment, or a null (confidential)
cell, gives a null LQ and a ``lq_reason`` that says why; never ``inf`` or a silent 0.
Regional totals are sums of the known cells, so a confidential cell also lowers the
region's total: the ``lq_reason`` of the other cells does not flag that, but
:func:`location_quotient` reports the share of each region's employment that is unknown
in ``unknown_share``.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. *The
Manchester School*, 33(2), 99-123.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, same_kind, validate_panel

Base = Literal["all", "country"]
_BASES = ("all", "country")


def _check_option(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")


def location_quotient(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    base: Base = "all",
) -> pl.DataFrame | pl.LazyFrame:
    """Add the location quotient to every row of a panel, for all years at once.

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    base
        Reference economy: ``"all"`` regions in the panel, or each region's ``"country"``
        (the regions of the panel that share its first two letters).

    Returns
    -------
    Same kind as ``panel``, with columns ``lq`` (Float64, null when undefined),
    ``lq_reason`` (String: ``"confidential"``, ``"zero region total"``,
    ``"zero industry total"``; null when the LQ is defined) and ``unknown_share`` (share of
    the region-year's cells that are null, 0-1).

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["A", "A", "B", "B"], "industry": ["x", "y", "x", "y"],
    ...                   "year": [2020] * 4, "value": [30.0, 10.0, 10.0, 50.0]})
    >>> location_quotient(p)["lq"].round(4).to_list()
    [1.875, 0.4167, 0.4167, 1.3889]
    """
    _check_option("base", base, _BASES)
    frame = validate_panel(panel)
    group = [YEAR] if base == "all" else [YEAR, pl.col(REGION).str.slice(0, 2)]
    e = pl.col(VALUE)
    e_r = e.sum().over(REGION, YEAR)
    e_i = e.sum().over(INDUSTRY, *group)
    e_all = e.sum().over(*group)
    lq = (e / e_r) / (e_i / e_all)
    reason = (
        pl.when(e.is_null()).then(pl.lit("confidential"))
        .when(e_r == 0).then(pl.lit("zero region total"))
        .when(e_i == 0).then(pl.lit("zero industry total"))
    )
    out = frame.with_columns(
        pl.when(reason.is_null()).then(lq).alias("lq"),
        reason.alias("lq_reason"),
        e.is_null().mean().over(REGION, YEAR).alias("unknown_share"),
    )
    return same_kind(out, panel)


def presence(
    panel: pl.DataFrame | pl.LazyFrame, *, threshold: float = 1.0, base: Base = "all"
) -> pl.DataFrame | pl.LazyFrame:
    """Binary presence ``M_ri = 1 if LQ_ri >= threshold`` (null where the LQ is null).

    Adds ``lq``, ``lq_reason``, ``unknown_share`` and ``present`` (Boolean).
    """
    out = location_quotient(panel, base=base)
    return out.with_columns((pl.col("lq") >= threshold).alias("present"))
