"""Complexity outlook: how much complex, nearby capability a region has not yet used.

With presence :math:`M_{ri}`, relatedness density :math:`\\omega_{ri} = RD_{ri} / 100`
(:mod:`emerging.relatedness.density`), proximity :math:`\\varphi_{ij}` (diagonal set to 0)
and industry complexity :math:`PCI_i` (:func:`emerging.relatedness.complexity`):

.. math::

    COI_r = \\sum_i \\omega_{ri} (1 - M_{ri}) PCI_i

    COG_{ri} = (1 - M_{ri}) \\sum_j \\frac{\\varphi_{ij}}{\\sum_k \\varphi_{kj}}
               (1 - M_{rj}) PCI_j

The complexity outlook index (COI) of a region sums the complexity of the industries it is
not specialised in, weighted by how close they are; the complexity outlook gain (COG) of a
candidate industry is how much the COI would grow through the densities that a new
specialisation in it raises (0 for an industry the region is already specialised in).

Edge cases: industries trimmed from the complexity calculation (no presence, or present in
every region) have a null PCI and add nothing to the sums; their own COG is still computed.
Density here leaves the industry itself out (as in :mod:`~emerging.relatedness.density`),
where the Atlas keeps :math:`\\varphi_{ii} = 1`; values differ from the Atlas by that term.

References
----------
Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M., Simoes, A. & Yildirim, M. A. (2014).
*The Atlas of Economic Complexity: Mapping Paths to Prosperity*. MIT Press (technical
box "Complexity outlook").
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from emerging._engine import map_years
from emerging._frames import keeps_frame_kind
from emerging.indices._coded import check_option
from emerging.relatedness._complexity import complexity_arrays
from emerging.relatedness._orientation import Orient, warn_if_weak
from emerging.relatedness._proximity import By, Measure, proximity_arrays
from emerging.relatedness._user_proximity import user_proximity
from emerging.relatedness.density import density_matrix, density_weights
from emerging.relatedness.matrices import (
    Workspace,
    buffer,
    encode_panel,
    single_threaded_blas,
)


def outlook_weights(weights: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
    """:math:`\\varphi_{ij} / \\sum_k \\varphi_{kj}` (``[layer, i, j]``, 0 where undefined)
    from the weights of :func:`~emerging.relatedness.density.density_weights` (into ``out``
    when given)."""
    totals = weights.sum(axis=1, keepdims=True)
    if not (totals > 0).all() or not np.isfinite(totals).all():  # 0/0 and the like as 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nan_to_num(np.divide(weights, totals, out=out), copy=False)
    return np.divide(weights, totals, out=out)


def outlook_year(presence: np.ndarray, weights: np.ndarray, density: np.ndarray,
                 pci: np.ndarray, *, cog_out: np.ndarray | None = None,
                 work: Workspace | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``coi[region]`` and ``cog[region, industry]`` of one year from its ``M`` (float64),
    one layer of :func:`outlook_weights`, its density and PCI (NaN: trimmed); ``cog`` is
    written into ``cog_out`` when given; ``work`` holds the temporaries."""
    absent = np.subtract(1.0, presence, out=buffer(work, "absent", presence.shape))
    gain = np.multiply(absent, np.nan_to_num(pci, nan=0.0)[None, :],  # (1 - M_rj) PCI_j
                       out=buffer(work, "gain", presence.shape))
    known = density if not np.isnan(density).any() else np.nan_to_num(density, nan=0.0)
    coi = np.einsum("ri,ri->r", known, gain) / 100.0
    cog = np.matmul(gain, weights.T, out=cog_out)  # one BLAS product
    cog *= absent
    return coi, cog


def outlook_arrays(
    presence: np.ndarray, phi: np.ndarray, density: np.ndarray, pci: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``coi[year, region]`` and ``cog[year, region, industry]`` (see module docstring),
    the years on the engine's thread pool."""
    weights = outlook_weights(density_weights(phi)[0])
    coi, cog = np.empty(presence.shape[:2]), np.empty(presence.shape)
    work = Workspace()

    def year(t: slice) -> None:
        w = weights[t.start if weights.shape[0] > 1 else 0]
        m = work.get("m64", presence.shape[1:])
        np.copyto(m, presence[t.start])
        coi[t.start], _ = outlook_year(m, w, density[t.start], pci[t.start],
                                       cog_out=cog[t.start], work=work)

    map_years(year, presence.shape[0])
    return coi, cog


@single_threaded_blas
@keeps_frame_kind
def opportunity(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "minimum_conditional",
    by: By = "year",
    threshold: float = 1.0,
    method: Literal["eigenvector", "reflections"] = "eigenvector",
    proximity=None,
    orient: Orient = "diversity",
) -> pl.DataFrame:
    """Add ``present``, ``density``, ``pci``, ``coi`` and ``cog`` to every panel row.

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    measure, by, threshold
        Proximity options (see :func:`emerging.relatedness.proximity`).
    method
        How PCI is computed (see :func:`emerging.relatedness.complexity`).
    proximity
        A proximity of your own instead of ``measure``/``by`` (a pair frame or labelled
        square matrix, as in :func:`~emerging.relatedness.density.relatedness_density`).
    orient
        How the sign of PCI is fixed (see :func:`emerging.relatedness.complexity`); an
        :class:`~emerging.relatedness.OrientationWarning` says when it is weak.

    Returns
    -------
    polars.DataFrame
        The panel with ``present`` (Boolean; null where the LQ is undefined, as in
        :func:`~emerging.relatedness.density.relatedness_density`, such cells counting as
        not present in every sum), ``density`` (0-100), ``pci`` (standardised,
        null when trimmed), ``coi`` (the region-year's complexity outlook index, repeated on
        its rows) and ``cog`` (complexity outlook gain of the row's industry).
    """
    check_option("method", method, ("eigenvector", "reflections"))
    pm = encode_panel(panel)
    m = pm.presence(threshold=threshold)
    phi = (proximity_arrays(pm, measure=measure, by=by, presence=m)["proximity"]
           if proximity is None else user_proximity(proximity, pm.industries, pm.years))
    density = density_matrix(m, phi)
    comp = complexity_arrays(m, method=method, orient_by=orient)
    warn_if_weak(comp, pm.years, stacklevel=3)
    pci = comp["pci"]
    coi, cog = outlook_arrays(m, phi, density, pci)
    return pm.with_cells(
        {
            "present": pm.presence_column(m),
            "density": density,
            "pci": pci[:, None, :],  # small tables: gathered by the rows' codes
            "coi": coi[:, :, None],
            "cog": cog,
        }
    )
