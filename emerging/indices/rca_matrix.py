"""Revealed comparative advantage (the location quotient) on dense region x industry arrays.

This is the matrix twin of :func:`emerging.indices.lq.location_quotient` for code that
already holds a panel as arrays (relatedness, complexity): the same formula and the same
edge cases, tested to agree with it cell by cell (``tests/relatedness/test_matrices.py``).

.. math::

    RCA_{ri} = \\frac{E_{ri} / E_{r\\cdot}}{E_{\\cdot i} / E_{\\cdot\\cdot}}

Unknown cells are ``NaN``: they are left out of every total (as in the polars version,
totals are sums of the known cells) and their RCA is ``NaN``. A region or an industry with
a zero total also gives ``NaN``, never ``inf``.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. *The
Manchester School*, 33(2), 99-123.
"""

from __future__ import annotations

import numpy as np


def rca_matrix(values: np.ndarray) -> np.ndarray:
    """RCA of every cell of ``values`` (``(..., regions, industries)``; NaN = unknown).

    Leading axes (e.g. years) are independent: totals are taken over the last two axes.
    Returns a float64 array of the same shape, ``NaN`` where the cell is unknown or the
    region or industry total is zero.
    """
    e = np.asarray(values, dtype=np.float64)
    known = np.where(np.isnan(e), 0.0, e)
    region_total = known.sum(axis=-1, keepdims=True)
    industry_total = known.sum(axis=-2, keepdims=True)
    grand_total = region_total.sum(axis=-2, keepdims=True)
    del known
    with np.errstate(divide="ignore", invalid="ignore"):  # same operation order as lq.py
        out = e / region_total
        out /= industry_total / grand_total
    np.copyto(out, np.nan, where=~np.isfinite(out))
    return out


def presence_matrix(values: np.ndarray, *, threshold: float = 1.0) -> np.ndarray:
    """Binary presence ``M_ri = 1 if RCA_ri >= threshold`` as ``uint8`` (unknown cells: 0).

    Same rule as :func:`emerging.indices.lq.presence`, except that an unknown RCA counts as
    absent (a matrix cannot hold a null); callers report how many cells that affects.
    """
    return presence_from_rca(rca_matrix(values), threshold=threshold)


def presence_from_rca(rca: np.ndarray, *, threshold: float = 1.0) -> np.ndarray:
    """``uint8`` presence from an RCA array (``NaN`` counts as absent)."""
    with np.errstate(invalid="ignore"):
        return (rca >= threshold).astype(np.uint8)
