"""Everything at once: presence, proximity, relatedness density, complexity and outlook.

One key encoding and one presence matrix per year feed every measure, so the whole
analysis of a large panel costs little more than its matrix arithmetic. Each part is the
same computation as the single-purpose functions (:func:`~.proximity.proximity`,
:func:`~.density.relatedness_density`, :func:`~.complexity.complexity`,
:func:`~.opportunity.opportunity`), which the tests check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from emerging._engine import map_years
from emerging._result import Result
from emerging._schema import Exclusions
from emerging.indices._coded import check_option
from emerging.relatedness._complexity import (
    Complexity,
    complexity_result,
    complexity_year,
    stack_complexity,
)
from emerging.relatedness._opportunity import outlook_weights, outlook_year
from emerging.relatedness._proximity import (
    BYS,
    MEASURES,
    By,
    Measure,
    cooccurrence,
    cooccurrence_year,
    pairs_with_exclusions,
    proximity_matrix,
)
from emerging.relatedness.density import density_weights, density_year
from emerging.relatedness.matrices import Workspace, column, encode_panel, single_threaded_blas


@dataclass(frozen=True, repr=False)
class RelatednessAnalysis(Result):
    """Result of :func:`analyse_relatedness`.

    Attributes
    ----------
    cells
        The panel with ``present`` (null where the LQ is undefined), ``density`` (0-100)
        and, with ``outlook``, ``cog`` and ``coi``. Built from the result's matrices on
        first access (on a large panel, writing the cubes back onto millions of rows costs
        more than all the arithmetic), then kept.
    proximity
        One row per ordered industry pair (and year when ``by="year"``), with the layer's
        ``unknown_cells`` and ``absent_cells``. Built on first access from the exact
        co-occurrence counts the analysis keeps, by the same proximity function (the same
        values; a large panel has millions of pairs: 615 industries x 20 years give 7.5
        million rows), then kept.
    complexity
        ECI/PCI per year (eigenvector method) with the trimmed rows and the same
        ``exclusions``.
    exclusions
        Cells that could not count as present, by reason: unknown value, undefined LQ
        (zero total), absent from the panel (counted as zero).
    n_rows, n_present
        Number of panel rows, and of those with ``present`` true (the specialisations).
    """

    complexity: Complexity
    exclusions: Exclusions
    n_pairs: int
    n_rows: int
    n_present: int
    _cell_frame: Callable[[], pl.DataFrame] = field(repr=False, compare=False)
    _pair_frame: Callable[[], pl.DataFrame] = field(repr=False, compare=False)

    @functools.cached_property
    def cells(self) -> pl.DataFrame:  # noqa: D102 (documented with the attributes)
        return self._cell_frame()

    @functools.cached_property
    def proximity(self) -> pl.DataFrame:  # noqa: D102 (documented with the attributes)
        return self._pair_frame()

    def to_frame(self) -> pl.DataFrame:
        """The cell table (panel rows with every per-cell measure)."""
        return self.cells

    def summary(self) -> str:
        return (
            f"Relatedness analysis of {self.n_rows:,} panel rows: "
            f"{self.n_present:,} specialisations, "
            f"{self.n_pairs:,} industry pairs. {self.complexity.summary()} "
            f"Cells not counted as present: {self.exclusions}."
        )

    def plot(self, ax=None, *, year: int | None = None):
        """ECI against diversity (see :meth:`Complexity.plot`)."""
        return self.complexity.plot(ax, year=year)

    def _html_frame(self) -> pl.DataFrame:
        return self.cells


def relatedness_chain(
    presence: np.ndarray, *, measure: Measure = "minimum_conditional", by: By = "year",
    outlook: bool = True,
) -> dict:
    """Proximity, density, ECI/PCI and (with ``outlook``) COI/COG of every year in one pass.

    One task per year on the engine's thread pool (numpy and BLAS release the GIL), each
    working on that year's matrices only, so the temporaries stay in cache and no cube is
    built twice: ``M`` in float32 for the co-occurrence product
    (:func:`~._proximity.cooccurrence_year`) and in float64 for the others, the proximity
    layer (:func:`~._proximity.proximity_matrix`), its density weights
    (:func:`~.density.density_weights`), the density (:func:`~.density.density_year`), the
    eigenvector ECI/PCI (:func:`~._complexity.complexity_year`) and the outlook
    (:func:`~._opportunity.outlook_year`): the same functions as the single-purpose ones.
    With ``by="pooled"`` the counts of every year are summed first (one more pass of
    products), and the one pooled layer serves every year.

    Returns ``counts`` (the co-occurrence counts ``[layer, i, j]``: float32 per year,
    exact, or float64 pooled) and ``n_regions`` (``[layer]``), from which
    :func:`layer_proximity` gives the proximity again when the pair frame is asked for
    (the same function on the same numbers: the same values, without keeping a second
    cube), ``density`` (``[year, region, i]``), ``complexity`` (as
    :func:`~._complexity.complexity_arrays`) and ``coi``, ``cog`` (None without
    ``outlook``).
    """
    check_option("measure", measure, MEASURES)
    check_option("by", by, BYS)
    n_t, n_r, n_i = presence.shape
    density = np.empty(presence.shape)
    coi = np.empty((n_t, n_r)) if outlook else None
    cog = np.empty(presence.shape) if outlook else None
    if by == "pooled":
        c, _, n = cooccurrence(presence, by="pooled")
        pooled = _layer_weights(layer_proximity(c, n, measure)[0], outlook)
    else:
        c = np.empty((n_t, n_i, n_i), dtype=np.float32)
        n = np.empty(n_t)

    work = Workspace()  # each thread's temporaries, reused from year to year

    def year(s: slice) -> dict:
        t = s.start
        m = presence[t]
        m32 = work.get("m32", m.shape, np.float32)
        np.copyto(m32, m)
        if by == "pooled":
            weights = pooled
        else:
            _, n[t] = cooccurrence_year(m, out=c[t], as_float32=m32)
            weights = _layer_weights(layer_proximity(c[s], n[s], measure, work=work)[0],
                                     outlook, work=work)
        mf = work.get("m64", m.shape)
        np.copyto(mf, m32)
        density_year(mf, weights["density"], weights["scale"], density[t])
        comp = complexity_year(m, as_float32=m32, as_float64=mf, work=work)
        if outlook:
            coi[t], _ = outlook_year(mf, weights["outlook"], density[t], comp["pci"],
                                     cog_out=cog[t], work=work)
        return comp

    comp = stack_complexity(map_years(year, n_t), presence, "diversity")
    return {"counts": c, "n_regions": n, "density": density, "complexity": comp,
            "coi": coi, "cog": cog}


def layer_proximity(counts: np.ndarray, n_regions: np.ndarray, measure: Measure, *,
                    work: Workspace | None = None) -> np.ndarray:
    """:func:`~._proximity.proximity_matrix` of co-occurrence counts ``[layer, i, j]`` (any
    float dtype; taken as float64) and the numbers of regions ``[layer]``; with ``work``,
    the result is that workspace's buffer ``"phi"``."""
    if work is None:
        c = counts.astype(np.float64, copy=False)
        phi = None
    else:
        c = work.get("counts64", counts.shape)
        np.copyto(c, counts)
        phi = work.get("phi", counts.shape)
    return proximity_matrix(c, np.diagonal(c, axis1=1, axis2=2).copy(), n_regions, measure,
                            out=phi)


def _layer_weights(phi: np.ndarray, outlook: bool, *, work: Workspace | None = None,
                   ) -> dict[str, np.ndarray]:
    """The density weights and scale of one proximity layer ``[i, j]``
    (:func:`~.density.density_weights`) and, with ``outlook``, its outlook weights
    (:func:`~._opportunity.outlook_weights`). With ``work``, ``phi`` is one of its
    buffers and becomes the weights."""
    weights, scale = density_weights(phi[None], in_place=work is not None and
                                     phi.dtype == np.float64)
    out = {"density": weights[0], "scale": scale[0]}
    if outlook:
        buf = None if work is None else work.get("outlook_weights", weights.shape)
        out["outlook"] = outlook_weights(weights, out=buf)[0]
    return out


@single_threaded_blas
def analyse_relatedness(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    measure: Measure = "minimum_conditional",
    by: By = "year",
    threshold: float = 1.0,
    outlook: bool = True,
) -> RelatednessAnalysis:
    """Presence, proximity, relatedness density, ECI/PCI and complexity outlook in one pass.

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    measure, by, threshold
        As in :func:`emerging.relatedness.proximity`.
    outlook
        Also compute the complexity outlook (``cog``, ``coi``; one more matrix product per
        year).

    Returns
    -------
    RelatednessAnalysis
        The matrices are computed at once; the long frames (``cells``, ``proximity``) are
        written on first access.
    """
    pm = encode_panel(panel)
    m = pm.presence(threshold=threshold)
    chain = relatedness_chain(m, measure=measure, by=by, outlook=outlook)
    n = m.shape[2]
    return RelatednessAnalysis(
        complexity_result(pm, chain["complexity"], "eigenvector"), pm.exclusions,
        n_pairs=chain["counts"].shape[0] * n * (n - 1),
        n_rows=pm.frame.height, n_present=_count_present(pm, m),
        _cell_frame=functools.partial(_cells, pm, m, chain),
        # the parts only (not the coded panel, hundreds of MB on a large panel)
        _pair_frame=functools.partial(_pairs, pm.industries, pm.years, pm.excluded_cells(),
                                      chain["counts"], chain["n_regions"], measure, by),
    )


def _pairs(industries, years, excluded, counts, n_regions, measure, by) -> pl.DataFrame:
    """The pair frame (:func:`~._proximity.pairs_with_exclusions`) from the counts."""
    c = counts.astype(np.float64, copy=False)
    arrays = {"cooccurrence": c, "proximity": layer_proximity(c, n_regions, measure)}
    return pairs_with_exclusions(industries, years, excluded, arrays, by=by)


def _cells(pm, presence: np.ndarray, chain: dict) -> pl.DataFrame:
    """The panel with ``present``, ``density`` and, with the outlook, ``cog``, ``coi``.

    Each cube is replaced in ``chain`` by its column as soon as that is written (the frame
    is built once, and nothing else reads the cubes), so that at most one cube and its
    column are held beside the columns already made."""
    columns = {"present": pm.presence_column(presence)}
    for name in ("density", "cog"):
        if isinstance(chain[name], np.ndarray):
            chain[name] = column(name, pm.at_rows(chain[name]))
        if chain[name] is not None:
            columns[name] = chain[name]
    if chain["coi"] is not None:
        # a (year, region, 1) table is gathered by the rows' codes, never as a whole cube
        columns["coi"] = column("coi", pm.at_rows(chain["coi"][:, :, None]))
    return pm.with_cells(columns)


def _count_present(pm, presence: np.ndarray) -> int:
    """Panel rows with ``present`` true (cells without a row are never present)."""
    rows = pm.coded.present  # None when every cell is a row
    return int(np.count_nonzero(presence if rows is None else presence.astype(bool) & rows))
