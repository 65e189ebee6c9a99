"""Why a location quotient is undefined: the reason codes of :mod:`emerging.indices.lq`."""

from __future__ import annotations

import numpy as np

from emerging._reference import factor_rows
from emerging.indices._coded import CodedPanel

LQ_REASONS = (
    "confidential",
    "zero region total",
    "zero industry total",
    "region exceeds reference",
    "unknown in reference",
)


def _lq_reasons(coded: CodedPanel, f: dict[str, np.ndarray], bad: np.ndarray) -> np.ndarray:
    """Reason codes (see ``LQ_REASONS``) for the rows listed in ``bad`` (0 elsewhere)."""
    reason = np.zeros(len(coded.value), dtype=np.uint8)
    if not len(bad):
        return reason
    at = factor_rows(coded, f, bad)
    e, er, ei, et = at["e"], at["er"], at["ei"], at["et"]
    codes = np.zeros(len(bad), dtype=np.uint8)
    checks = ((1, np.isnan(e)), (5, np.isnan(ei) | np.isnan(et)), (2, er == 0),
              (3, ei == 0), (4, (e > ei) | (er > et)))
    for code, mask in checks:  # in order of priority
        codes[(codes == 0) & mask] = code
    reason[bad] = codes
    return reason


def _unknown_in_reference(coded: CodedPanel, f: dict[str, np.ndarray]) -> np.ndarray | None:
    """Rows whose industry is unknown in an external reference (None when there are none)."""
    if not np.isnan(f["ei"]).any():
        return None
    return np.isnan(factor_rows(coded, f)["ei"])
