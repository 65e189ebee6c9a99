"""Share matrices and Lorenz-curve Ginis shared by the diversity and concentration indices."""

from __future__ import annotations

import numpy as np

# Ratios are sorted as packed integer keys (ratio bits with the unit index in the low
# bits): a plain sort of 64-bit integers is several times faster than ``argsort``.
_MAX_PACKED_BITS = 16


def _lorenz_order(ratio: np.ndarray) -> np.ndarray:
    """Indices that sort the last axis of ``ratio`` (>= 0, inf or NaN) ascending.

    ``ratio`` (C-contiguous) is overwritten.

    The IEEE bits of a non-negative double order like the number, so each ratio's bits
    with the low ``b`` mantissa bits replaced by the unit index (``2**b >= n``) form an
    integer key; one integer sort then yields the order. Ratios closer than a relative
    ``2**(b - 52)`` may swap places, which moves a Gini by far less than rounding does.
    """
    n = ratio.shape[-1]
    bits = max(int(n - 1).bit_length(), 1)
    if bits > _MAX_PACKED_BITS:
        return np.argsort(ratio, axis=-1)
    keys = np.add(ratio, 0.0, out=ratio).view(np.uint64)  # in place; -0.0 becomes +0.0
    keys &= np.uint64(~((1 << bits) - 1) & 0xFFFF_FFFF_FFFF_FFFF)
    keys |= np.arange(n, dtype=np.uint64)
    keys.sort(axis=-1)
    keys &= np.uint64((1 << bits) - 1)
    return keys.view(np.int64)


def lorenz_gini(share: np.ndarray, weight: np.ndarray, axis: int) -> np.ndarray:
    r"""Gini of a Lorenz curve: units sorted by ``share / weight`` ascending.

    .. math:: G = 1 - \sum_k w_{(k)} \, (C_k + C_{k-1}), \qquad C_k = \sum_{j \le k} s_{(j)}

    ``share`` and ``weight`` each sum to 1 along ``axis``; G is 0 when the shares equal
    the weights and approaches 1 when all of the share sits on a unit of tiny weight.
    Units with zero weight and zero share do not move the curve.
    """
    weight = np.broadcast_to(weight, share.shape)
    # work along a contiguous last axis (sorting along another axis is much slower)
    s = np.ascontiguousarray(np.moveaxis(share, axis, -1))
    w = np.moveaxis(weight, axis, -1)
    n = s.shape[-1]
    if all(st == 0 or k == 1 for st, k in zip(w.strides[:-1], w.shape[:-1], strict=True)):
        # one weight per unit (broadcast, e.g. one year's): keep it small
        w = np.ascontiguousarray(w.reshape(-1, n)[0])
    else:
        w = np.ascontiguousarray(w)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = s / w
    no_weight = ~(w > 0)
    if no_weight.any():  # a share on a unit of no weight sorts last; 0/0 first
        if w.ndim == 1:
            ratio[..., no_weight] = np.where(s[..., no_weight] > 0, np.inf, 0.0)
        else:
            ratio[no_weight] = np.where(s[no_weight] > 0, np.inf, 0.0)
    order = _lorenz_order(ratio).reshape(-1, n)
    if w.ndim == 1:
        w = w[order]  # gathered from the n weights
    else:
        w = w.reshape(-1)[order + (np.arange(order.shape[0]) * n)[:, None]]
    order += (np.arange(order.shape[0]) * n)[:, None]  # flat positions, row by row
    s = s.reshape(-1)[order]
    c = np.cumsum(s, axis=-1)
    c += c - s  # C_k + C_{k-1}
    c *= w
    return 1.0 - c.sum(axis=-1).reshape(share.shape[:axis] + share.shape[axis + 1:])


def xlogx(a: np.ndarray) -> np.ndarray:
    """Elementwise ``a * ln(a)`` with the convention 0 ln 0 = 0 (``a`` >= 0, no NaN)."""
    out = np.empty_like(a)
    with np.errstate(divide="ignore"):
        np.log(a, out=out)  # the whole array: a masked log is several times slower
    np.copyto(out, 0.0, where=a <= 0)
    out *= a
    return out
