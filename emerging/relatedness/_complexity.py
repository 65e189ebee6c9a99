"""Economic complexity of regions (ECI) and industries (PCI), and fitness-complexity.

With the binary presence matrix :math:`M_{ri}` of a year, diversity
:math:`k_r = \\sum_i M_{ri}` and ubiquity :math:`k_i = \\sum_r M_{ri}`:

``method="eigenvector"`` (Hidalgo & Hausmann 2009; Hausmann et al. 2014). The PCI is the
eigenvector of the second-largest eigenvalue of
:math:`\\tilde M^{P} = D_i^{-1} M^\\top D_r^{-1} M`, found as the eigenvector of its symmetric
similar form :math:`S = D_i^{-1/2} M^\\top D_r^{-1} M D_i^{-1/2}` (``q = D_i^{-1/2} w``): ``S``
is formed by one symmetric BLAS product (``W^T W`` with :math:`W = D_r^{-1/2} M D_i^{-1/2}`),
its known leading eigenvector :math:`\\sqrt{k_i}` is deflated, and the largest eigenpair of
the rest is found by LAPACK's relatively robust representations (``scipy.linalg.eigh`` with
``subset_by_index``; exact to rounding, no iteration to converge). The ECI is its projection
:math:`D_r^{-1} M q`. When there are fewer regions than industries the region-side form is
solved instead (same result, smaller matrix).

``method="reflections"``: :math:`x \\leftarrow D_r^{-1} M D_i^{-1} M^\\top x` from
:math:`x = k_r`, standardised after every step, until the largest change is below ``tol``
(converges to the same ECI; the number of steps is reported). PCI is
:math:`D_i^{-1} M^\\top x`.

Both are standardised per year, :math:`(x - \\bar x) / \\mathrm{sd}(x)` (population sd),
with the sign chosen so that ECI correlates positively with diversity (PCI takes the same
sign), or, with ``orient="ubiquity"``, so that PCI correlates negatively with ubiquity.
Every result reports that correlation and the Spearman correlation of PCI with ubiquity
per year (:attr:`Complexity.orientation`), and warns (:class:`OrientationWarning`) when
the correlation that fixed the sign is below 0.3 in absolute value
(:mod:`emerging.relatedness._orientation`).

``method="fitness"`` (Tacchella et al. 2012):
:math:`\\tilde F_r = \\sum_i M_{ri} Q_i`,
:math:`\\tilde Q_i = 1 / \\sum_r M_{ri} / F_r`, each divided by its mean, iterated from
ones until the largest change is below ``tol``; ``eci`` holds the fitness and ``pci`` the
complexity (means 1, not standardised).

Degenerate rows are trimmed before computing, repeatedly until none is left: regions with
no presence, industries with no presence or present in every region. They get null values
and are listed in :attr:`Complexity.trimmed` with the reason. If fewer than two regions or
industries survived (with this trimming that happens only when none survives), the year
has no ECI or PCI at all and its remaining rows are listed with the reason "too few
non-degenerate regions/industries": every null ECI or PCI is in ``trimmed``. Cells of
unknown presence (null value, undefined LQ) count as not present; they are counted in
:attr:`Complexity.exclusions`.

References
----------
Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*,
106(26), 10570-10575.

Hausmann, R., Hidalgo, C. A. et al. (2014). *The Atlas of Economic Complexity*. MIT Press.

Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A. & Pietronero, L. (2012). A new
metrics for countries' fitness and products' complexity. *Scientific Reports*, 2, 723.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._engine import map_years
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, YEAR, Exclusions
from emerging.indices._coded import check_option
from emerging.relatedness._orientation import (
    ORIENTS,
    WEAK,
    Orient,
    orient,
    warn_if_weak,
    weak_orientation_message,
)
from emerging.relatedness.matrices import (
    PanelMatrices,
    Workspace,
    buffer,
    encode_panel,
    single_threaded_blas,
)

Method = Literal["eigenvector", "reflections", "fitness"]
METHODS: tuple[str, ...] = ("eigenvector", "reflections", "fitness")
TOO_FEW = "too few non-degenerate regions/industries"


class ConvergenceWarning(RuntimeWarning):
    """An iteration stopped at ``max_iter`` before reaching ``tol``."""


def trim_degenerate(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the regions and industries kept (see module docstring)."""
    keep_r = np.ones(m.shape[0], dtype=bool)
    keep_i = np.ones(m.shape[1], dtype=bool)
    m32 = m if m.dtype == np.float32 else m.astype(np.float32)  # counts stay exact
    while True:  # few rounds: each removes a whole class of degenerate rows
        new_r = keep_r & (m32 @ keep_i.astype(np.float32) > 0)
        ubiquity = new_r.astype(np.float32) @ m32
        new_i = keep_i & (ubiquity > 0) & (ubiquity < new_r.sum())
        if (new_r == keep_r).all() and (new_i == keep_i).all():
            return keep_r, keep_i
        keep_r, keep_i = new_r, new_i


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def _orient(eci: np.ndarray, pci: np.ndarray, diversity: np.ndarray):
    """Standardise both and flip them so that ECI correlates positively with diversity."""
    eci, pci = _standardise(eci), _standardise(pci)
    if np.corrcoef(eci, diversity)[0, 1] < 0:
        eci, pci = -eci, -pci
    return eci, pci


def eci_eigenvector(m: np.ndarray, *, work: Workspace | None = None,
                    ) -> tuple[np.ndarray, np.ndarray, int]:
    """ECI and PCI of a trimmed presence matrix by the symmetric eigenproblem.

    :math:`S = W^\\top W` with :math:`W = D_r^{-1/2} M D_i^{-1/2}` (on the smaller side
    of ``M``), its known leading eigenvector deflated, is solved for its largest eigenpair
    (LAPACK ``dsyevr`` through ``scipy.linalg.eigh``): on 1,170 regions x 615 industries
    forming ``S`` and solving take about 12 and 15 ms, where Lanczos iterations on ``W``
    took 50 ms (the eigenvalues of such panels lie close together, so Lanczos needs many
    steps). ``work`` holds the temporaries (``W``, ``S``), which LAPACK then overwrites
    instead of copying.
    """
    from scipy.linalg import eigh

    mf = m if m.dtype == np.float64 else m.astype(np.float64)
    k_r, k_i = mf.sum(axis=1), mf.sum(axis=0)
    w = np.divide(mf, np.sqrt(k_r)[:, None], out=buffer(work, "eci_w", mf.shape))
    w /= np.sqrt(k_i)[None, :]
    industry_side = m.shape[1] <= m.shape[0]
    if not industry_side:
        w = np.ascontiguousarray(w.T)  # the region side: S = W W^T
    root = np.sqrt(k_i if industry_side else k_r)
    lead = root / np.linalg.norm(root)
    n = len(root)
    # symmetric (numpy calls syrk, which fills both triangles alike), leading eigenvalue 1
    s = np.matmul(w.T, w, out=buffer(work, "eci_s", (n, n)))
    s -= np.outer(lead, lead, out=buffer(work, "eci_lead", (n, n)))  # deflated
    # s is exactly symmetric, so its transpose is the same matrix in Fortran order, which
    # LAPACK overwrites in place (the values it gets are the same as from a copy)
    vec = eigh(s.T, subset_by_index=[n - 1, n - 1], check_finite=False,
               overwrite_a=work is not None)[1][:, 0]
    if industry_side:
        pci = vec / root
        eci = (mf @ pci) / k_r
    else:
        eci = vec / root
        pci = (mf.T @ eci) / k_i
    eci, pci = _orient(eci, pci, k_r)
    return eci, pci, 0


def eci_reflections(
    m: np.ndarray, *, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """ECI and PCI by the method of reflections iterated until the change is below ``tol``."""
    mf = m.astype(np.float64)
    k_r, k_i = mf.sum(axis=1), mf.sum(axis=0)
    x = _standardise(k_r)
    for step in range(1, max_iter + 1):  # noqa: B007 (step is returned)
        new = _standardise((mf @ ((mf.T @ x) / k_i)) / k_r)
        if np.abs(new - x).max() < tol:
            x = new
            break
        x = new
    else:
        warnings.warn(
            f"method of reflections did not reach tol={tol} in {max_iter} steps; "
            "raise max_iter or use method='eigenvector'",
            ConvergenceWarning,
            stacklevel=3,
        )
    eci, pci = _orient(x, (mf.T @ x) / k_i, k_r)
    return eci, pci, step


def fitness_complexity(
    m: np.ndarray, *, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Fitness of regions and complexity of industries (Tacchella et al. 2012)."""
    mf = m.astype(np.float64)
    fit, comp = np.ones(m.shape[0]), np.ones(m.shape[1])
    for step in range(1, max_iter + 1):  # noqa: B007 (step is returned)
        new_fit = mf @ comp
        new_comp = 1.0 / (mf.T @ (1.0 / fit))
        new_fit, new_comp = new_fit / new_fit.mean(), new_comp / new_comp.mean()
        change = max(np.abs(new_fit - fit).max(), np.abs(new_comp - comp).max())
        fit, comp = new_fit, new_comp
        if change < tol:
            break
    else:
        warnings.warn(
            f"fitness-complexity did not reach tol={tol} in {max_iter} steps (some "
            "fitnesses may be tending to 0); raise max_iter or tol",
            ConvergenceWarning,
            stacklevel=3,
        )
    return fit, comp, step


def complexity_year(
    presence: np.ndarray, *, method: Method = "eigenvector", tol: float = 1e-10,
    max_iter: int = 10_000, orient_by: Orient = "diversity",
    as_float32: np.ndarray | None = None, as_float64: np.ndarray | None = None,
    work: Workspace | None = None,
) -> dict[str, np.ndarray]:
    """:func:`complexity_arrays` of one year's ``M[region, industry]`` (no year axis).

    ``as_float32``, ``as_float64``: the same ``M`` already converted, when the caller has
    it (saves two conversions per year; the values are the same); ``work``: the
    eigenvector method's temporaries."""
    n_r, n_i = presence.shape
    keep_r, keep_i = trim_degenerate(presence if as_float32 is None else as_float32)
    out = {"eci": np.full(n_r, np.nan), "pci": np.full(n_i, np.nan),
           "keep_region": keep_r, "keep_industry": keep_i, "iterations": 0,
           "too_few": keep_r.sum() < 2 or keep_i.sum() < 2,
           "orientation_corr": np.nan, "pci_ubiquity_spearman": np.nan}
    if out["too_few"]:
        return out  # the survivors, if any, get no value either
    whole = keep_r.all() and keep_i.all()  # the usual case: no copy
    sub = presence if whole else presence[np.ix_(keep_r, keep_i)]
    if method == "eigenvector":
        e, p, k = eci_eigenvector(sub if not whole or as_float64 is None else as_float64,
                                  work=work)
    elif method == "reflections":
        e, p, k = eci_reflections(sub, tol=tol, max_iter=max_iter)
    else:
        e, p, k = fitness_complexity(sub, tol=tol, max_iter=max_iter)
    if method != "fitness":
        e, p, out["orientation_corr"], out["pci_ubiquity_spearman"] = orient(
            e, p, sub.sum(axis=1), sub.sum(axis=0), orient_by)
    out["eci"][keep_r], out["pci"][keep_i], out["iterations"] = e, p, k
    return out


def complexity_arrays(
    presence: np.ndarray, *, method: Method = "eigenvector", tol: float = 1e-10,
    max_iter: int = 10_000, orient_by: Orient = "diversity",
) -> dict[str, np.ndarray]:
    """Matrix core of :func:`complexity` for ``M[year, region, industry]``.

    Returns ``eci``, ``diversity`` ``[year, region]``, ``pci``, ``ubiquity``
    ``[year, industry]`` (NaN where trimmed), ``iterations`` ``[year]``, the masks
    ``keep_region`` / ``keep_industry`` of the rows that survived the trimming and
    ``too_few`` ``[year]`` (fewer than two regions or industries survived, so the year has
    no value at all, survivors included), and the orientation diagnostic per year
    (``orientation_corr``, ``pci_ubiquity_spearman``; NaN for fitness). One eigenproblem
    per year, the years on the engine's thread pool.
    """
    check_option("method", method, METHODS)
    check_option("orient", orient_by, ORIENTS)
    work = Workspace()  # the eigenvector method's temporaries, reused from year to year
    years = map_years(lambda t: complexity_year(
        presence[t.start], method=method, tol=tol, max_iter=max_iter, orient_by=orient_by,
        work=work), presence.shape[0])
    return stack_complexity(years, presence, orient_by)


def stack_complexity(years: list[dict], presence: np.ndarray, orient_by: str) -> dict:
    """The per-year dicts of :func:`complexity_year` as :func:`complexity_arrays` returns them."""
    out = {k: np.stack([np.asarray(y[k]) for y in years]) for k in years[0]}
    out["iterations"] = out["iterations"].astype(np.int64)
    out["too_few"] = out["too_few"].astype(bool)
    out["diversity"] = presence.sum(axis=2).astype(np.int64)
    out["ubiquity"] = presence.sum(axis=1).astype(np.int64)
    out["orient"] = orient_by
    return out


@dataclass(frozen=True, repr=False)
class Complexity(Result):
    """Result of :func:`complexity`.

    Attributes
    ----------
    regions
        ``region, year, diversity, eci`` (ECI, or fitness for ``method="fitness"``).
    industries
        ``industry, year, ubiquity, pci`` (PCI, or complexity for ``method="fitness"``).
    trimmed
        ``kind`` (region/industry), ``code``, ``year``, ``reason`` of every degenerate row.
    method
        The method used.
    iterations
        ``year, iterations`` (0 for the eigenvector method).
    exclusions
        Cells that could not count as present, by reason (unknown value, undefined LQ,
        absent from the panel), as in
        :attr:`~emerging.relatedness.analysis.RelatednessAnalysis.exclusions`.
    orientation
        ``year, orient, orientation_corr, pci_ubiquity_spearman, weak``: how the sign was
        fixed and how firmly (see :mod:`emerging.relatedness._orientation`); null
        correlations for ``method="fitness"``, which has no sign to fix.
    """

    regions: pl.DataFrame
    industries: pl.DataFrame
    trimmed: pl.DataFrame
    method: str
    iterations: pl.DataFrame
    exclusions: Exclusions
    orientation: pl.DataFrame | None = None

    def orientation_note(self) -> str | None:
        """The weak-orientation warning text, or None when every year is firmly oriented."""
        if self.orientation is None:
            return None
        weak = self.orientation.filter(pl.col("weak"))
        if weak.height == 0:
            return None
        return weak_orientation_message(weak["orient"][0], weak[YEAR].to_list(),
                                        weak["orientation_corr"].to_list())

    def to_frame(self, *, kind: Literal["regions", "industries"] = "regions") -> pl.DataFrame:
        """The region (ECI) or industry (PCI) table."""
        check_option("kind", kind, ("regions", "industries"))
        return self.regions if kind == "regions" else self.industries

    def summary(self) -> str:
        years = self.regions[YEAR].unique().sort().to_list()
        last = self.regions.filter(pl.col(YEAR) == years[-1]).drop_nulls("eci")
        top = last.sort("eci", descending=True).head(3)[REGION].to_list()
        n_trim = self.trimmed.group_by("kind").len().sort("kind").rows()
        trim = ", ".join(f"{n} {k}-years" for k, n in n_trim) or "none"
        text = (
            f"Economic complexity ({self.method}), {len(years)} year(s) {years[0]}-{years[-1]}: "
            f"{last.height} regions ranked in {years[-1]}; most complex {top}. "
            f"Trimmed as degenerate: {trim}. Cells not counted as present: {self.exclusions}."
        )
        if self.orientation is not None and self.method != "fitness":
            o = self.orientation.filter(pl.col(YEAR) == years[-1]).row(0, named=True)
            side = ("corr(ECI, diversity)" if o["orient"] == "diversity"
                    else "corr(PCI, ubiquity)")
            def fmt(v):
                return "undefined" if v is None else f"{v:+.2f}"

            text += (f" Orientation by {o['orient']} in {years[-1]}: {side} = "
                     f"{fmt(o['orientation_corr'])}; Spearman(PCI, ubiquity) = "
                     f"{fmt(o['pci_ubiquity_spearman'])}.")
            note = self.orientation_note()
            if note:
                text += f" Warning: {note}."
        return text

    def plot(self, ax=None, *, year: int | None = None):
        """Scatter of ECI against diversity for ``year`` (default the last)."""
        from emerging.maps.relatedness_plots import plot_complexity

        return plot_complexity(self, ax, year=year)

    def _html_frame(self) -> pl.DataFrame:
        return self.regions.drop_nulls("eci").sort("eci", descending=True)


@single_threaded_blas
def complexity(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    method: Method = "eigenvector",
    threshold: float = 1.0,
    tol: float = 1e-10,
    max_iter: int = 10_000,
    orient: Orient = "diversity",
) -> Complexity:
    """Economic complexity of regions and industries, per year (see the module docstring).

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    method
        ``"eigenvector"``, ``"reflections"`` or ``"fitness"``.
    threshold
        Presence is ``LQ >= threshold``.
    tol, max_iter
        Convergence tolerance (largest change of a value between steps) and the step cap
        of the iterative methods; a :class:`ConvergenceWarning` is raised at the cap.
    orient
        How the sign of ECI and PCI is fixed: ``"diversity"`` (ECI correlates positively
        with diversity, the usual rule) or ``"ubiquity"`` (PCI correlates negatively with
        ubiquity). An :class:`OrientationWarning` says when the rule is weak.

    Returns
    -------
    Complexity
        Frozen result with ``regions`` (``eci``), ``industries`` (``pci``), ``trimmed``
        (every row with a null ECI or PCI, and why), ``iterations`` and ``exclusions``.
    """
    check_option("method", method, METHODS)
    pm = encode_panel(panel)
    arrays = complexity_arrays(pm.presence(threshold=threshold), method=method, tol=tol,
                               max_iter=max_iter, orient_by=orient)
    return complexity_result(pm, arrays, method)


def complexity_result(pm: PanelMatrices, arrays: dict[str, np.ndarray], method: str):
    """Wrap the arrays of :func:`complexity_arrays` as a :class:`Complexity`."""
    regions = pm.region_frame({"diversity": arrays["diversity"], "eci": arrays["eci"]})
    industries = pm.industry_frame({"ubiquity": arrays["ubiquity"], "pci": arrays["pci"]})
    too_few = arrays["too_few"]
    kept_r = arrays["keep_region"] & ~too_few[:, None]
    kept_i = arrays["keep_industry"] & ~too_few[:, None]
    # rows that survived the trimming in a year left out whole
    survivors = pl.col("_survivor")
    gone_r = regions.with_columns(
        pl.Series("_survivor", (arrays["keep_region"] & too_few[:, None]).reshape(-1))
    ).filter(~pl.Series(kept_r.reshape(-1)))
    gone_i = industries.with_columns(
        pl.Series("_survivor", (arrays["keep_industry"] & too_few[:, None]).reshape(-1))
    ).filter(~pl.Series(kept_i.reshape(-1)))
    trimmed = pl.concat(
        [
            gone_r.select(
                pl.lit("region").alias("kind"), pl.col(REGION).alias("code"), YEAR,
                pl.when(survivors).then(pl.lit(TOO_FEW))
                .when(pl.col("diversity") == 0).then(pl.lit("no presence"))
                .otherwise(pl.lit("only degenerate industries")).alias("reason"),
            ),
            gone_i.select(
                pl.lit("industry").alias("kind"), pl.col(INDUSTRY).alias("code"), YEAR,
                pl.when(survivors).then(pl.lit(TOO_FEW))
                .when(pl.col("ubiquity") == 0).then(pl.lit("no presence"))
                .otherwise(pl.lit("present in every region")).alias("reason"),
            ),
        ]
    )
    iterations = pl.DataFrame({YEAR: pm.years.astype(np.int32), "iterations": arrays["iterations"]})
    corr = arrays["orientation_corr"]
    orientation = pl.DataFrame({
        YEAR: pm.years.astype(np.int32),
        "orient": [arrays["orient"]] * len(corr),
        "orientation_corr": corr, "pci_ubiquity_spearman": arrays["pci_ubiquity_spearman"],
    }, schema_overrides={YEAR: pl.Int32}).fill_nan(None).with_columns(
        weak=pl.col("orientation_corr").abs().lt(WEAK).fill_null(False))
    warn_if_weak(arrays, pm.years, stacklevel=4)
    return Complexity(regions, industries, trimmed, method, iterations, pm.exclusions,
                      orientation)
