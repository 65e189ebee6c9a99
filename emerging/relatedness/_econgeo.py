r"""Relatedness normalised by co-occurrence totals, as EconGeo's ``relatedness()`` does.

The measures of :mod:`emerging.relatedness` (``"minimum_conditional"``,
``"association_strength"``, ``"cosine"``, ``"jaccard"``) divide the co-occurrence count
:math:`C_{ij}` by the industries' *ubiquities* :math:`u_i = \sum_r M_{ri}`. EconGeo
(Balland 2017-, R function ``relatedness(mat, method=...)``) takes the co-occurrence
matrix, sets its diagonal to 0 and divides by the co-occurrence *row sums*

.. math::

    S_i = \sum_{j \ne i} C_{ij}, \qquad T = \sum_i S_i,

(the number of co-occurrences that involve *i*, and twice the number of co-occurring
pairs). The four measures below are EconGeo's, with names that say what they divide by:

============================  =================================================  ===============
measure                       formula (:math:`i \ne j`; 0 on the diagonal)         EconGeo
============================  =================================================  ===============
``cooccurrence_association``  :math:`C_{ij} T / (S_i S_j)`                       ``association``
``cooccurrence_cosine``       :math:`C_{ij} / \sqrt{S_i S_j}`                    ``cosine``
``cooccurrence_jaccard``      :math:`C_{ij} / (S_i + S_j - C_{ij})`              ``jaccard``
``cooccurrence_probability``  :math:`C_{ij} / E_{ij}` with                       ``prob``
                              :math:`E_{ij} = \tfrac T2 (\tfrac{S_i}{T}           (default)
                              \tfrac{S_j}{T - S_i} + \tfrac{S_j}{T}
                              \tfrac{S_i}{T - S_j})`
============================  =================================================  ===============

``cooccurrence_probability`` is Steijn's (2017) probability index: observed co-occurrence
over the count expected when the *T*/2 pairs are drawn without repetition; it is an
observed/expected ratio (1 = chance), not Hidalgo et al.'s minimum conditional
probability. As in EconGeo, a ratio that is undefined (an industry with no co-occurrence)
is 0, not null. Relatedness density built on any of them
(:func:`~emerging.relatedness.relatedness_density`) is EconGeo's
``relatedness_density(mat, relatedness)`` without its rounding to two decimals.

References
----------
van Eck, N. J. & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of
some well-known similarity measures. *JASIST*, 60(8), 1635-1651.
Steijn, M. P. A. (2017). Improvement on the association strength: implementing probability
measures based on combinations without repetition. Working paper, Utrecht University.
Balland, P.-A. (2017). *EconGeo: Computing Key Indicators of the Spatial Distribution of
Economic Activities*, R package (functions ``relatedness``, ``relatedness_density``).
"""

from __future__ import annotations

import numpy as np

ECONGEO_MEASURES: tuple[str, ...] = (
    "cooccurrence_association", "cooccurrence_cosine", "cooccurrence_jaccard",
    "cooccurrence_probability",
)


def cooccurrence_normalised(c: np.ndarray, measure: str) -> np.ndarray:
    """EconGeo's normalisation of co-occurrence counts ``c[layer, i, j]`` (see module)."""
    c = np.array(c, dtype=np.float64)
    idx = np.arange(c.shape[-1])
    c[:, idx, idx] = 0.0
    s = c.sum(axis=2)  # S_i, [layer, i]
    t = s.sum(axis=1)[:, None, None]  # T, [layer, 1, 1]
    si, sj = s[:, :, None], s[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "cooccurrence_association":
            out = c * t / (si * sj)
        elif measure == "cooccurrence_cosine":
            out = c / np.sqrt(si * sj)
        elif measure == "cooccurrence_jaccard":
            out = c / (si + sj - c)
        elif measure == "cooccurrence_probability":
            expected = (si / t * (sj / (t - si)) + sj / t * (si / (t - sj))) * (t / 2)
            out = c / expected
        else:  # pragma: no cover - callers check the option
            raise ValueError(f"unknown co-occurrence measure {measure!r}")
    out[~np.isfinite(out)] = 0.0
    out[:, idx, idx] = 0.0
    return out
