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

from emerging._result import Result
from emerging._schema import Exclusions
from emerging.relatedness._complexity import Complexity, complexity_arrays, complexity_result
from emerging.relatedness._opportunity import outlook_arrays
from emerging.relatedness._proximity import By, Measure, pairs_with_exclusions, proximity_arrays
from emerging.relatedness.density import density_matrix
from emerging.relatedness.matrices import encode_panel, single_threaded_blas


@dataclass(frozen=True, repr=False)
class RelatednessAnalysis(Result):
    """Result of :func:`analyse_relatedness`.

    Attributes
    ----------
    cells
        The panel with ``present`` (null where the LQ is undefined), ``density`` (0-100)
        and, with ``outlook``, ``cog`` and ``coi``.
    proximity
        One row per ordered industry pair (and year when ``by="year"``), with the layer's
        ``unknown_cells`` and ``absent_cells``. Built from the proximity matrices on first
        access (a large panel has millions of pairs: 615 industries x 20 years give 7.5
        million rows), then kept.
    complexity
        ECI/PCI per year (eigenvector method) with the trimmed rows and the same
        ``exclusions``.
    exclusions
        Cells that could not count as present, by reason: unknown value, undefined LQ
        (zero total), absent from the panel (counted as zero).
    """

    cells: pl.DataFrame
    complexity: Complexity
    exclusions: Exclusions
    n_pairs: int
    _pair_frame: Callable[[], pl.DataFrame] = field(repr=False, compare=False)

    @functools.cached_property
    def proximity(self) -> pl.DataFrame:  # noqa: D102 (documented with the attributes)
        return self._pair_frame()

    def to_frame(self) -> pl.DataFrame:
        """The cell table (panel rows with every per-cell measure)."""
        return self.cells

    def summary(self) -> str:
        return (
            f"Relatedness analysis of {self.cells.height:,} panel rows: "
            f"{int(self.cells['present'].sum()):,} specialisations, "
            f"{self.n_pairs:,} industry pairs. {self.complexity.summary()} "
            f"Cells not counted as present: {self.exclusions}."
        )

    def plot(self, ax=None, *, year: int | None = None):
        """ECI against diversity (see :meth:`Complexity.plot`)."""
        return self.complexity.plot(ax, year=year)

    def _html_frame(self) -> pl.DataFrame:
        return self.cells


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
    """
    pm = encode_panel(panel)
    m = pm.presence(threshold=threshold)
    prox = proximity_arrays(pm, measure=measure, by=by, presence=m)
    density = density_matrix(m, prox["proximity"])
    comp = complexity_arrays(m)
    columns = {"present": pm.presence_column(m), "density": density}
    if outlook:
        coi, cog = outlook_arrays(m, prox["proximity"], density, comp["pci"])
        columns |= {"cog": cog, "coi": np.broadcast_to(coi[:, :, None], m.shape)}
    cells = pm.with_cells(columns)
    n = m.shape[2]
    return RelatednessAnalysis(
        cells, complexity_result(pm, comp, "eigenvector"), pm.exclusions,
        n_pairs=prox["proximity"].shape[0] * n * (n - 1),
        # the parts only (not the coded panel, hundreds of MB on a large panel)
        _pair_frame=functools.partial(pairs_with_exclusions, pm.industries, pm.years,
                                      pm.excluded_cells(), prox, by=by),
    )
