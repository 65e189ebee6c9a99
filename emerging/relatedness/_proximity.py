"""Relatedness between industries from their co-occurrence across regions.

Two industries are related when the same regions tend to be specialised in both. With the
binary presence matrix :math:`M_{ri}` (1 when the location quotient of industry *i* in
region *r* is at least the threshold), the co-occurrence of *i* and *j* and the ubiquity of
*i* are

.. math::

    C_{ij} = \\sum_r M_{ri} M_{rj}, \\qquad u_i = C_{ii} = \\sum_r M_{ri},

and *N* is the number of regions with at least one specialisation. The measures are

* ``"minimum_conditional"`` (Hidalgo et al. 2007, "product space" proximity): the smaller
  of the two conditional probabilities, :math:`\\varphi_{ij} = C_{ij} / \\max(u_i, u_j)`;
* ``"association_strength"`` (van Eck & Waltman 2009, the probabilistic affinity):
  observed over expected co-occurrence when presences are independent,
  :math:`AS_{ij} = N C_{ij} / (u_i u_j)` (1 = as often as chance; unbounded above);
* ``"cosine"`` (Salton's cosine): :math:`C_{ij} / \\sqrt{u_i u_j}`;
* ``"jaccard"``: :math:`C_{ij} / (u_i + u_j - C_{ij})`;
* ``"cooccurrence_association"``, ``"cooccurrence_cosine"``, ``"cooccurrence_jaccard"``,
  ``"cooccurrence_probability"``: EconGeo's ``relatedness()`` normalisations, which divide
  by the co-occurrence row sums :math:`S_i = \\sum_{j \\ne i} C_{ij}` instead of the
  ubiquities (formulas in :mod:`emerging.relatedness._econgeo`; 0, not null, where
  undefined, as in EconGeo). See ``docs/reference_packages.md``.

With ``by="pooled"`` the region-years of all years are the observations (counts summed
over years); with ``by="year"`` each year stands alone.

The null-model test (``test="hypergeometric"``) asks how surprising :math:`C_{ij}` is if
the :math:`u_j` regions specialised in *j* were drawn at random among the *N*: the p-value
is :math:`P(X \\ge C_{ij})` for :math:`X \\sim \\mathrm{Hypergeometric}(N, u_i, u_j)`.
Links with ``p_value >= alpha`` are dropped (their proximity set to 0 and ``kept`` false).
With pooled years the region-years are not independent, so the p-values are optimistic.

Edge cases: an industry present nowhere (ubiquity 0) has an undefined (null) proximity to
everything. A cell whose presence is unknown (null value, or an undefined LQ from a zero
region or industry total) counts as not present, and a key combination with no row as zero
employment; both are counted per year in the ``unknown_cells`` and ``absent_cells``
columns (the reasons as in ``analyse_relatedness(panel).exclusions``).

References
----------
Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space
conditions the development of nations. *Science*, 317(5837), 482-487.

van Eck, N. J. & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of
some well-known similarity measures. *JASIST*, 60(8), 1635-1651.

Neffke, F. & Henning, M. (2013). Skill relatedness and firm diversification. *Strategic
Management Journal*, 34(3), 297-316 (co-occurrence tested against a null model).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from emerging._engine import map_years
from emerging._frames import keeps_frame_kind
from emerging.indices._coded import check_option
from emerging.relatedness._econgeo import ECONGEO_MEASURES, cooccurrence_normalised
from emerging.relatedness._user_proximity import proximity_to_matrix
from emerging.relatedness.matrices import (
    PanelMatrices,
    encode_panel,
    pair_frame,
    single_threaded_blas,
)

Measure = Literal["minimum_conditional", "association_strength", "cosine", "jaccard",
                  "cooccurrence_association", "cooccurrence_cosine", "cooccurrence_jaccard",
                  "cooccurrence_probability"]
MEASURES: tuple[str, ...] = ("minimum_conditional", "association_strength", "cosine",
                             "jaccard", *ECONGEO_MEASURES)
By = Literal["year", "pooled"]
BYS: tuple[str, ...] = ("year", "pooled")
Test = Literal["none", "hypergeometric"]
TESTS: tuple[str, ...] = ("none", "hypergeometric")


def cooccurrence(presence: np.ndarray, *, by: By = "year"):
    """Co-occurrence counts, ubiquities and numbers of regions from ``M[year, region, i]``.

    Returns ``(C, u, n)``: ``C[layer, i, j]``, ``u[layer, i]`` and ``n[layer]``, with one
    layer per year (``by="year"``) or a single pooled layer. One single-precision BLAS
    product per year (:func:`cooccurrence_year`), the years on the engine's thread pool.
    """
    n_t, _, n_i = presence.shape
    c = np.empty((n_t, n_i, n_i), dtype=np.float64)

    def gram(t: slice) -> float:
        counts, n_regions = cooccurrence_year(presence[t.start])
        c[t.start] = counts
        return n_regions

    n = np.array(map_years(gram, n_t), dtype=np.float64)
    if by == "pooled":
        c = c.sum(axis=0, keepdims=True)
        n = n.sum(keepdims=True)
    u = np.diagonal(c, axis1=1, axis2=2).copy()
    return c, u, n


def cooccurrence_year(presence: np.ndarray, *, out: np.ndarray | None = None,
                      as_float32: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """``C[i, j]`` in float32 (into ``out`` when given) and the number of regions with at
    least one specialisation, from one year's ``M[region, i]``.

    :math:`C = M^\\top M` is one single-precision BLAS product (numpy calls ``syrk`` for a
    matrix times its own transpose): the counts are integers below 2**24, so float32
    holds them and every partial sum exactly. ``as_float32`` is ``M`` already in float32.
    """
    m = presence.astype(np.float32) if as_float32 is None else as_float32
    gram = np.matmul(m.T, m, out=out)
    return gram, float(np.count_nonzero(presence.any(axis=1)))


def proximity_matrix(c: np.ndarray, u: np.ndarray, n: np.ndarray, measure: Measure, *,
                     out: np.ndarray | None = None) -> np.ndarray:
    """Proximity ``[layer, i, j]`` from counts (see module docstring); NaN where undefined.

    ``out``: a float64 buffer of ``c``'s shape for the minimum conditional probability
    (the same operations, without temporaries)."""
    check_option("measure", measure, MEASURES)
    if measure in ECONGEO_MEASURES:
        return cooccurrence_normalised(c, measure)
    ui, uj = u[:, :, None], u[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "minimum_conditional" and out is not None:
            phi = np.divide(c, np.maximum(ui, uj, out=out), out=out)
        elif measure == "minimum_conditional":
            phi = c / np.maximum(ui, uj)
        elif measure == "association_strength":
            phi = c * n[:, None, None] / (ui * uj)
        elif measure == "cosine":
            phi = c / np.sqrt(ui * uj)
        else:
            phi = c / (ui + uj - c)
    finite = np.isfinite(phi)
    if not finite.all():
        phi[~finite] = np.nan
    return phi


def hypergeometric_pvalues(c: np.ndarray, u: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``P(X >= C_ij)`` for ``X ~ Hypergeometric(N, u_i, u_j)``, per layer (NaN if undefined)."""
    from scipy.stats import hypergeom

    n_b = np.broadcast_to(n[:, None, None], c.shape)
    ui = np.broadcast_to(u[:, :, None], c.shape)
    uj = np.broadcast_to(u[:, None, :], c.shape)
    p = hypergeom.sf(c - 1, n_b, ui, uj)
    p[(ui == 0) | (uj == 0)] = np.nan
    return np.clip(p, 0.0, 1.0)


def proximity_arrays(
    pm: PanelMatrices,
    *,
    measure: Measure = "minimum_conditional",
    by: By = "year",
    threshold: float = 1.0,
    test: Test = "none",
    alpha: float = 0.05,
    presence: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Matrix core of :func:`proximity`: ``cooccurrence``, ``proximity`` (+ ``p_value``,
    ``kept`` when tested), each ``[layer, i, j]``."""
    check_option("measure", measure, MEASURES)
    check_option("by", by, BYS)
    check_option("test", test, TESTS)
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1]; got {alpha!r}")
    m = pm.presence(threshold=threshold) if presence is None else presence
    c, u, n = cooccurrence(m, by=by)
    phi = np.empty_like(c)

    def layer(t: slice) -> None:  # one layer at a time: temporaries stay in cache
        phi[t] = proximity_matrix(c[t], u[t], n[t], measure)

    map_years(layer, c.shape[0])
    out = {"cooccurrence": c, "proximity": phi}
    if test == "hypergeometric":
        p = hypergeometric_pvalues(c, u, n)
        kept = p < alpha
        out["p_value"] = p
        out["kept"] = kept
        out["proximity"] = np.where(kept | np.isnan(phi), phi, 0.0)
    return out


@single_threaded_blas
@keeps_frame_kind
def proximity(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "minimum_conditional",
    by: By = "year",
    threshold: float = 1.0,
    test: Test = "none",
    alpha: float = 0.05,
    form: Literal["pairs", "matrix"] = "pairs",
) -> pl.DataFrame:
    """Relatedness of every ordered pair of industries (see the module docstring).

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    measure
        ``"minimum_conditional"`` (Hidalgo et al. 2007), ``"association_strength"``,
        ``"cosine"`` or ``"jaccard"`` (normalised by ubiquity), or EconGeo's
        ``"cooccurrence_association"``, ``"cooccurrence_cosine"``,
        ``"cooccurrence_jaccard"``, ``"cooccurrence_probability"`` (normalised by the
        co-occurrence row sums; see the module docstring).
    by
        ``"year"``: one proximity per year; ``"pooled"``: region-years of all years pooled.
    threshold
        Presence is ``LQ >= threshold``.
    test
        ``"hypergeometric"`` adds ``p_value`` and ``kept`` and zeroes links with
        ``p_value >= alpha``; ``"none"`` skips the test.
    alpha
        Significance level of the test.
    form
        ``"pairs"`` (default): the long pair frame below; ``"matrix"``: the labelled
        square matrix of ``proximity`` (``[year,] industry`` and one column per industry,
        diagonal null; :func:`~emerging.relatedness.proximity_to_matrix`).

    Returns
    -------
    polars.DataFrame
        One row per ordered pair ``industry != industry_other`` (and ``year`` when
        ``by="year"``): ``cooccurrence`` (regions specialised in both), ``proximity``
        (null when an industry is present nowhere), ``p_value``/``kept`` when tested, and
        the exclusions of the year (all years with ``by="pooled"``), repeated on each of its
        pairs: ``unknown_cells`` (cells of unknown presence counted as not present) and
        ``absent_cells`` (key combinations with no row, counted as zero). Symmetric: the
        pair appears in both orders.

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["AT11", "AT11", "AT12", "AT12"],
    ...                   "industry": ["x", "y", "x", "y"],
    ...                   "year": [2020] * 4, "value": [30.0, 10.0, 10.0, 50.0]})
    >>> proximity(p)["proximity"].to_list()
    [0.0, 0.0]
    """
    check_option("form", form, ("pairs", "matrix"))
    pm = encode_panel(panel)
    arrays = proximity_arrays(
        pm, measure=measure, by=by, threshold=threshold, test=test, alpha=alpha
    )
    pairs = proximity_frame(pm, arrays, by=by)
    return pairs if form == "pairs" else proximity_to_matrix(pairs)


def proximity_frame(pm: PanelMatrices, arrays: dict[str, np.ndarray], *, by: By) -> pl.DataFrame:
    """Long pair frame of :func:`proximity_arrays` with the exclusions of each layer."""
    return pairs_with_exclusions(pm.industries, pm.years, pm.excluded_cells(), arrays, by=by)


def pairs_with_exclusions(
    industries: np.ndarray,
    years: np.ndarray,
    excluded: dict[str, np.ndarray],
    arrays: dict[str, np.ndarray],
    *,
    by: By,
) -> pl.DataFrame:
    """:func:`proximity_frame` from its parts (labels, per-year exclusion counts, arrays),
    so that a result can build it later without keeping the whole coded panel."""
    out = pair_frame(industries, years if by == "year" else None, arrays)
    n = len(industries)
    counts = {
        name: per_year if by == "year" else per_year.sum(keepdims=True)
        for name, per_year in excluded.items()
    }
    return out.with_columns(
        pl.Series(name, np.repeat(layer, n * (n - 1)), dtype=pl.Int64)
        for name, layer in counts.items()
    )
