r"""The method of reflections with a fixed number of steps, on EconGeo's 0-100 scale.

With the binary presence matrix :math:`M_{ri}` of a year (LQ >= ``threshold``), after
removing regions and industries with no presence, diversity :math:`k_{r,0} = \sum_i M_{ri}`
and ubiquity :math:`k_{i,0} = \sum_r M_{ri}` (Hidalgo & Hausmann 2009):

.. math::

    k_{r,n} = \frac{1}{k_{r,0}} \sum_i M_{ri}\, k_{i,n-1}, \qquad
    k_{i,n} = \frac{1}{k_{i,0}} \sum_r M_{ri}\, k_{r,n-1}.

EconGeo's ``morc(mat, steps = 20)`` returns :math:`k_{r,\text{steps}}` and
``mort(mat, steps = 19)`` returns :math:`k_{i,\text{steps}}`; from step 3 on each step is
rescaled to 0-100, :math:`100 (x - \min x) / (\max x - \min x)`. Steps 1 and 2 are not
rescaled (they are average ubiquity and average diversity of the neighbours); step 0 is
diversity (ubiquity). :func:`reflections` computes exactly this recursion (both sides
each step, as EconGeo does), so ``reflections(panel)`` equals ``morc`` and
``reflections(panel, kind="industries")`` equals ``mort``.

How this relates to :func:`~emerging.relatedness.complexity` with
``method="reflections"``: that iterates :math:`k_{r,n+2} \propto D_r^{-1} M D_i^{-1}
M^\top k_{r,n}` from :math:`k_{r,0}` until convergence, standardised (z-scores) and
oriented by diversity, so after ``max_iter = steps / 2`` iterations with ``tol=0`` it is
an affine transform of ``morc(steps)``: the same ranking (MORc is the min-max rescale),
or the reversed one where ``morc`` correlates negatively with diversity and the
orientation rule flips the sign (as on Hidalgo & Hausmann's four-country example, where
``morc`` ranks the one-product country first). EconGeo applies no orientation rule; its
defaults are 20 steps for regions and 19 for industries.

Unlike :func:`~emerging.relatedness.complexity`, industries present in every region are
kept, as in EconGeo. A region or industry with no presence has a null value; a year
whose values are all equal (nothing to rescale) has null values, where EconGeo returns
``NaN``.

References
----------
Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*,
106(26), 10570-10575.
Balland, P.-A. & Rigby, D. (2017). The geography of complex knowledge. *Economic
Geography*, 93(1), 1-23.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from emerging._frames import keeps_frame_kind
from emerging.indices._coded import check_option
from emerging.relatedness.matrices import encode_panel, single_threaded_blas


def _rescale(x: np.ndarray) -> np.ndarray:
    span = x.max() - x.min()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - x.min()) / span * 100.0


def reflection_steps(m: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``(k_r, k_i)`` after ``steps`` steps for one year's presence ``m[region, industry]``
    with no empty row or column (EconGeo's recursion and rescaling, see the module)."""
    mf = m.astype(np.float64)
    div, ubi = mf.sum(axis=1), mf.sum(axis=0)
    city, tech = div, ubi
    for step in range(1, steps + 1):
        new_city = (mf @ tech) / div
        new_tech = (mf.T @ city) / ubi
        if step >= 3:
            new_city, new_tech = _rescale(new_city), _rescale(new_tech)
        city, tech = new_city, new_tech
    return city, tech


@single_threaded_blas
@keeps_frame_kind
def reflections(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    steps: int | None = None,
    kind: Literal["regions", "industries"] = "regions",
    threshold: float = 1.0,
) -> pl.DataFrame:
    """EconGeo's MORc (regions) or MORt (industries) per year (see the module docstring).

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    steps
        Number of reflection steps; default 20 for regions (``morc``) and 19 for
        industries (``mort``), EconGeo's defaults.
    kind
        ``"regions"`` (column ``morc``) or ``"industries"`` (column ``mort``).
    threshold
        Presence is LQ >= ``threshold`` (EconGeo's ``rca = TRUE`` uses 1).

    Returns
    -------
    polars.DataFrame
        ``region`` (or ``industry``), ``year``, ``steps`` and ``morc`` (or ``mort``):
        0-100 for steps >= 3; null where the row has no presence.
    """
    check_option("kind", kind, ("regions", "industries"))
    steps = (20 if kind == "regions" else 19) if steps is None else steps
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0; got {steps!r}")
    pm = encode_panel(panel)
    m = pm.presence(threshold=threshold)
    n_t, n_r, n_i = m.shape
    out = np.full((n_t, n_r if kind == "regions" else n_i), np.nan)
    for t in range(n_t):  # loop over years only
        keep_r = m[t].sum(axis=1) > 0
        keep_i = m[t][keep_r].sum(axis=0) > 0
        if not keep_r.any() or not keep_i.any():
            continue
        city, tech = reflection_steps(m[t][np.ix_(keep_r, keep_i)], steps)
        if kind == "regions":
            out[t, keep_r] = city
        else:
            out[t, keep_i] = tech
    name = "morc" if kind == "regions" else "mort"
    frame = (pm.region_frame if kind == "regions" else pm.industry_frame)({name: out})
    return frame.with_columns(pl.lit(steps, pl.Int32).alias("steps")).select(
        frame.columns[0], frame.columns[1], "steps", name)
