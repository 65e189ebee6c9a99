"""Relatedness density: how close an industry is to what a region already specialises in.

For region *r* and industry *i* in a year, with presence :math:`M_{rj}` and proximity
:math:`\\varphi_{ij}` (:func:`emerging.relatedness.proximity`),

.. math::

    RD_{ri} = 100 \\, \\frac{\\sum_{j \\ne i} M_{rj} \\varphi_{ij}}{\\sum_{j \\ne i} \\varphi_{ij}}

(Hidalgo et al. 2007 "density"; Balland et al. 2019 "relatedness density", scaled 0-100).
It is defined for every cell: outside the region's current specialisations (``present``
false) it measures how feasible a new specialisation is; inside (``present`` true) how
well the industry is embedded among the region's other specialisations (the industry
itself is left out, so a lone specialisation has density 0).

Edge cases: an industry with no related industry at all (all proximities 0 or undefined)
has a null density. A cell whose presence is unknown (null value, or zero region or
industry total, so an undefined LQ) counts as not present in :math:`M` (a matrix cannot
hold a null) and gets a null ``present``, as :func:`emerging.indices.lq.presence` gives;
its density is still computed.

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. *Science*, 317(5837), 482-487.

Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization policy
in the European Union: relatedness, knowledge complexity and regional diversification.
*Regional Studies*, 53(9), 1252-1268.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from emerging._engine import map_years
from emerging._frames import keeps_frame_kind
from emerging._schema import REGION, YEAR
from emerging.relatedness._proximity import By, Measure, proximity_arrays
from emerging.relatedness._user_proximity import user_proximity
from emerging.relatedness.matrices import Workspace, encode_panel, single_threaded_blas


def density_weights(phi: np.ndarray, *, in_place: bool = False,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The weights :math:`\\varphi_{ij}` (``[layer, i, j]``; undefined as 0, diagonal 0) and
    the scale :math:`100 / \\sum_{j \\ne i} \\varphi_{ij}` (``[layer, i]``; inf when the
    industry has no related industry) of :func:`density_matrix`. ``in_place``: ``phi`` is a
    float64 buffer of the caller's, turned into the weights (no copy)."""
    weights = phi if in_place else np.array(phi, dtype=np.float64)  # one copy
    if not np.isfinite(weights).all():  # undefined as 0 (one more pass only when needed)
        np.nan_to_num(weights, copy=False, nan=0.0)
    idx = np.arange(weights.shape[-1])
    weights[:, idx, idx] = 0.0
    with np.errstate(divide="ignore"):
        scale = 100.0 / weights.sum(axis=1)  # [layer, i]; inf: no related industry
    return weights, scale


def density_year(presence: np.ndarray, weights: np.ndarray, scale: np.ndarray,
                 out: np.ndarray) -> np.ndarray:
    """One year of :func:`density_matrix` into ``out`` (``[region, i]``) from that year's
    ``M[region, j]`` (float64) and one layer of :func:`density_weights`."""
    np.matmul(presence, weights, out=out)  # one BLAS product, scaled while in cache
    with np.errstate(invalid="ignore"):
        out *= scale
    if not np.isfinite(scale).all():  # 0 * inf: no related industry
        out[~np.isfinite(out)] = np.nan
    # numerator <= denominator exactly; only rounding (different summation order) can push
    # a full-density cell one ulp above 100
    np.clip(out, 0.0, 100.0, out=out)
    return out


def density_matrix(presence: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``RD[year, region, i]`` (0-100) from ``M[year, region, j]`` and ``phi[layer, i, j]``.

    ``phi`` has one layer per year or a single (pooled) layer used for every year. One
    double-precision matrix product per year (single precision would halve the time but
    shows as densities like 100.000003), the years on the engine's thread pool.
    """
    weights, scale = density_weights(phi)
    out = np.empty(presence.shape, dtype=np.float64)
    work = Workspace()

    def year(t: slice) -> None:
        layer = 0 if weights.shape[0] == 1 else t.start
        m = work.get("m64", presence.shape[1:])
        np.copyto(m, presence[t.start])
        density_year(m, weights[layer], scale[layer], out[t.start])

    map_years(year, presence.shape[0])
    return out


@single_threaded_blas
@keeps_frame_kind
def relatedness_density(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "minimum_conditional",
    by: By = "year",
    threshold: float = 1.0,
    proximity=None,
) -> pl.DataFrame:
    """Add ``present`` and ``density`` (relatedness density, 0-100) to every panel row.

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    measure, by, threshold
        Proximity measure, per-year or pooled proximity, and the LQ threshold of presence
        (see :func:`emerging.relatedness.proximity`).
    proximity
        A proximity of your own instead of the built-in ``measure`` (then ``measure`` and
        ``by`` are not used): a pair frame (``industry``, ``industry_other``,
        ``proximity``, optionally ``year``) or a labelled square matrix (see
        :mod:`emerging.relatedness._user_proximity`); density of *i* uses column *i*.

    Returns
    -------
    polars.DataFrame
        The panel with ``present`` (Boolean: LQ >= threshold; null where the LQ is
        undefined, i.e. a null value or a zero total, exactly as
        :func:`emerging.indices.lq.presence`) and ``density`` (Float64, 0-100, null when
        the industry has no related industry). The null ``present`` rows are the unknown
        cells counted as not present in the matrices; the counts by reason are in
        ``analyse_relatedness(panel).exclusions`` and ``complexity(panel).exclusions``.

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["AT11", "AT11", "AT12", "AT12", "AT13", "AT13"],
    ...                   "industry": ["x", "y"] * 3, "year": [2020] * 6,
    ...                   "value": [5.0, 5.0, 1.0, 9.0, 9.0, 1.0]})
    >>> relatedness_density(p)["density"].to_list()
    [100.0, 100.0, 100.0, 0.0, 0.0, 100.0]
    """
    pm = encode_panel(panel)
    m = pm.presence(threshold=threshold)
    phi = (proximity_arrays(pm, measure=measure, by=by, presence=m)["proximity"]
           if proximity is None else user_proximity(proximity, pm.industries, pm.years))
    return pm.with_cells({"present": pm.presence_column(m), "density": density_matrix(m, phi)})


@keeps_frame_kind
def density_by_status(density: pl.DataFrame) -> pl.DataFrame:
    """Mean relatedness density per region-year inside and outside its specialisations.

    Takes the output of :func:`relatedness_density`; returns ``region``, ``year``,
    ``density_inside`` (mean over present industries: coherence of the specialisations),
    ``density_outside`` (mean over the industries known not to be present: room to
    diversify), ``n_inside``, ``n_outside`` and ``n_unknown`` (rows with a null
    ``present``, left out of both means).
    """
    present = pl.col("present")
    d = pl.col("density")
    return (
        density.group_by(REGION, YEAR)
        .agg(
            d.filter(present).mean().alias("density_inside"),
            d.filter(~present).mean().alias("density_outside"),
            present.sum().cast(pl.Int64).alias("n_inside"),
            (~present).sum().cast(pl.Int64).alias("n_outside"),
            present.is_null().sum().cast(pl.Int64).alias("n_unknown"),
        )
        .sort(REGION, YEAR)
    )
