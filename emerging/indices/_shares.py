"""Share matrices and Lorenz-curve Ginis shared by the diversity and concentration indices."""

from __future__ import annotations

import numpy as np

from emerging.indices._coded import CodedPanel


def region_shares(coded: CodedPanel, f: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``s`` (Y, R, I): each industry's share of the region's known employment (NaN when
    the region total is 0); ``x`` (Y, R|1, I): the industry's share of the reference."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s = coded.cube * f["inv_er"]
        s[~np.isfinite(f["inv_er"][..., 0])] = np.nan
        x = np.nan_to_num(f["ei"] / f["et"], nan=0.0, posinf=0.0)
    return s, x


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


def xlogx_ratio(a: np.ndarray, b: np.ndarray, log=np.log) -> np.ndarray:
    """Elementwise ``a * log(a / b)`` with the convention 0 log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a > 0, a * log(np.where(a > 0, a, 1.0) / b), 0.0)
