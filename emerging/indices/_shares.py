"""Share matrices and Lorenz-curve Ginis shared by the diversity and concentration indices."""

from __future__ import annotations

import numpy as np


def lorenz_gini(share: np.ndarray, weight: np.ndarray, axis: int) -> np.ndarray:
    r"""Gini of a Lorenz curve: units sorted by ``share / weight`` ascending.

    .. math:: G = 1 - \sum_k w_{(k)} \, (C_k + C_{k-1}), \qquad C_k = \sum_{j \le k} s_{(j)}

    ``share`` and ``weight`` each sum to 1 along ``axis``; G is 0 when the shares equal
    the weights and approaches 1 when all of the share sits on a unit of tiny weight.
    Units with zero weight and zero share do not move the curve.
    """
    weight = np.broadcast_to(weight, share.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weight > 0, share / weight, np.where(share > 0, np.inf, 0.0))
    order = np.argsort(ratio, axis=axis)
    s = np.take_along_axis(share, order, axis=axis)
    w = np.take_along_axis(weight, order, axis=axis)
    c = np.cumsum(s, axis=axis)
    c += c - s  # C_k + C_{k-1}
    c *= w
    return 1.0 - c.sum(axis=axis)


def xlogx(a: np.ndarray) -> np.ndarray:
    """Elementwise ``a * ln(a)`` with the convention 0 ln 0 = 0 (``a`` >= 0, no NaN)."""
    out = np.zeros_like(a)
    np.log(a, out=out, where=a > 0)
    out *= a
    return out
