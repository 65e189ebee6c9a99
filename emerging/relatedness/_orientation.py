r"""Which way round ECI and PCI point, and how sure that is.

An eigenvector (and the limit of the method of reflections) is defined up to its sign, so
every complexity index needs a rule that fixes it. The usual rule (Hidalgo & Hausmann
2009; EconGeo's ``kci``/``tci``) makes ECI correlate positively with diversity
:math:`k_r`:

.. math::

    \text{sign} = \operatorname{sgn} \rho(ECI, k_r), \qquad
    (ECI, PCI) \leftarrow \text{sign} \cdot (ECI, PCI).

``orient="ubiquity"`` uses the industry side instead: PCI correlates negatively with
ubiquity :math:`k_i` (complex industries are found in few regions),
:math:`\text{sign} = -\operatorname{sgn} \rho(PCI, k_i)`.

The diagnostic reported on every result, per year: ``orientation_corr``, the Pearson
correlation after orientation used by the rule (:math:`\rho(ECI, k_r) \ge 0`, or
:math:`\rho(PCI, k_i) \le 0`), and ``pci_ubiquity_spearman``, the Spearman rank
correlation of PCI with ubiquity (negative when "complex" means "rare"). When
:math:`|\rho| < 0.3` the orientation is **weak**: the leading non-trivial eigenvector is
then mostly another contrast of the region-industry matrix (e.g. an urban-service versus
industrial-rural profile), its sign is close to arbitrary, and a high PCI need not mean
a rare or sophisticated industry. On Eurostat SBS NUTS-2 x divisions the diversity rule
gives :math:`\rho \approx 0.17` (2014).

References
----------
Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*,
106(26), 10570-10575.
Mealy, P., Farmer, J. D. & Teytelboym, A. (2019). Interpreting economic complexity.
*Science Advances*, 5(1), eaau1705 (ECI as a spectral clustering of the similarity
matrix).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Orient = Literal["diversity", "ubiquity"]
ORIENTS: tuple[str, ...] = ("diversity", "ubiquity")
WEAK = 0.3


class OrientationWarning(UserWarning):
    """The sign of a complexity index is weakly determined (|correlation| < 0.3)."""


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        r = float(np.corrcoef(a, b)[0, 1])
    return r if np.isfinite(r) else float("nan")


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x)


def orient(eci: np.ndarray, pci: np.ndarray, diversity: np.ndarray, ubiquity: np.ndarray,
           by: Orient) -> tuple[np.ndarray, np.ndarray, float, float]:
    """ECI and PCI oriented by ``by``; the correlation the rule used (after orienting)
    and the Spearman correlation of PCI with ubiquity."""
    if by == "diversity":
        sign = -1.0 if _pearson(eci, diversity) < 0 else 1.0
    else:
        sign = -1.0 if _pearson(pci, ubiquity) > 0 else 1.0
    eci, pci = sign * eci, sign * pci
    used = _pearson(eci, diversity) if by == "diversity" else _pearson(pci, ubiquity)
    return eci, pci, used, _pearson(_ranks(pci), _ranks(ubiquity))


def weak_orientation_message(by: str, years: list[int], corrs: list[float]) -> str:
    """The text of the warning (and of ``summary()``) for the weakly oriented years."""
    pairs = ", ".join(f"{y}: {c:+.2f}" for y, c in zip(years, corrs, strict=True))
    side = "ECI with diversity" if by == "diversity" else "PCI with ubiquity"
    return (f"weak complexity orientation: the correlation of {side} that fixes the sign "
            f"is below {WEAK} in absolute value ({pairs}); the sign is then close to "
            "arbitrary, the index mostly sorts regions and industries along another "
            "contrast of the data, and a high PCI need not mean a rare or complex "
            "industry; read it with pci_ubiquity_spearman, or try orient="
            f"{'ubiquity' if by == 'diversity' else 'diversity'!r}")


def warn_if_weak(arrays: dict, years, *, stacklevel: int) -> str | None:
    """Issue an :class:`OrientationWarning` when a year of ``complexity_arrays`` output is
    weakly oriented; returns the message (None when every year is firm)."""
    import warnings

    corr = np.asarray(arrays["orientation_corr"], dtype=float)
    weak = np.abs(corr) < WEAK  # NaN compares False: no orientation to judge
    if not weak.any():
        return None
    note = weak_orientation_message(arrays["orient"], [int(y) for y in np.asarray(years)[weak]],
                                    corr[weak].tolist())
    warnings.warn(note, OrientationWarning, stacklevel=stacklevel + 1)
    return note
