"""The whole chain against ecomplexity 0.5.3 (Growth Lab), its one-call pipeline, as the
oracle on small panels: RCA, presence, ECI, PCI, proximity, density, COI and COG.

Where the two differ by convention the test states the convention and checks the exact
relation (``bench/bench_relatedness.py`` reports the same comparison on the L panel):

* ECI: both standardised over the regions (population s.d.): equal.
* PCI: ecomplexity rescales it with the mean and s.d. of the ECI vector; ours is a z-score
  over the industries: equal after standardising theirs.
* density: ecomplexity keeps the industry itself (:math:`\\varphi_{ii} = 1`) in the sums,
  ours leaves it out, so theirs is :math:`(RD_{ri} S_i / 100 + M_{ri}) / (S_i + 1)` with
  :math:`S_i = \\sum_{j \\ne i} \\varphi_{ij}` (ours converted).
* COI/COG: given our proximity with a zero diagonal (``proximity_edgelist``), theirs leave
  the industry itself out too. They weigh the raw eigenvector (divided by the s.d. of the
  raw ECI) where ours weighs the standardised PCI; both are linear in the PCI vector and
  the two vectors differ by a scale and a constant that ecomplexity does not report, so
  theirs is exactly ``a * ours + c * (the same formula with every PCI 1)``.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from conftest import random_panel

from emerging.indices import location_quotient
from emerging.relatedness import analyse_relatedness

KEYS = ["region", "industry", "year"]
# random panels have no complexity structure: the weak-orientation warning is expected
pytestmark = pytest.mark.filterwarnings("ignore::emerging.relatedness.OrientationWarning")


def _ecomplexity(panel: pl.DataFrame, edgelist: pl.DataFrame | None = None) -> pl.DataFrame:
    eco = pytest.importorskip("ecomplexity")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = eco.ecomplexity(
            panel.to_pandas(), {"time": "year", "loc": "region", "prod": "industry",
                                "val": "value"},
            verbose=False, check_logsupermodularity=False,
            proximity_edgelist=None if edgelist is None else edgelist.to_pandas(),
        )
    cols = ["rca", "mcp", "eci", "pci", "density", "coi", "cog"]
    return pl.from_pandas(out[[*KEYS, *cols]]).with_columns(pl.col("year").cast(pl.Int32))


def _joined(panel: pl.DataFrame, by: str = "year", edgelist=None) -> tuple[pl.DataFrame, object]:
    ours = analyse_relatedness(panel, by=by)
    eci = ours.complexity.regions.select("region", "year", pl.col("eci").alias("eci_ours"))
    pci = ours.complexity.industries.select("industry", "year", pl.col("pci").alias("pci_ours"))
    joined = (ours.cells.join(_ecomplexity(panel, edgelist), on=KEYS, suffix="_eco")
              .join(location_quotient(panel).select(*KEYS, "lq"), on=KEYS)
              .join(eci, on=["region", "year"]).join(pci, on=["industry", "year"]))
    assert joined.height == panel.height
    return joined.sort(KEYS), ours


@pytest.mark.parametrize("seed", [3, 17])
def test_rca_presence_complexity_proximity_density_equal_ecomplexity(seed):
    panel = random_panel(60, 25, 2, seed=seed)
    j, ours = _joined(panel)
    assert ours.complexity.trimmed.height == 0  # nothing degenerate: the same rows in both
    np.testing.assert_allclose(j["lq"], j["rca"], rtol=1e-12)
    assert (j["present"].cast(pl.Float64) == j["mcp"]).all()
    np.testing.assert_allclose(j["eci_ours"], j["eci"], atol=1e-10)
    pci_z = j.select(((pl.col("pci") - pl.col("pci").mean()) / pl.col("pci").std(ddof=0))
                     .over("year"))["pci"]
    np.testing.assert_allclose(j["pci_ours"], pci_z, atol=1e-10)
    # their density keeps phi_ii = 1: convert ours (see the module docstring)
    s = ours.proximity.group_by("industry", "year").agg(pl.col("proximity").sum().alias("s"))
    j = j.join(s, on=["industry", "year"])
    converted = (j["density"] / 100 * j["s"] + j["mcp"]) / (j["s"] + 1)
    np.testing.assert_allclose(converted, j["density_eco"], atol=1e-12)


def _edgelist(ours) -> pl.DataFrame:
    """Our pooled proximity as ecomplexity's ``proximity_edgelist``, diagonal 0."""
    pairs = ours.proximity.select(pl.col("industry").alias("prod1"),
                                  pl.col("industry_other").alias("prod2"), "proximity")
    codes = ours.complexity.industries["industry"].unique()
    diagonal = pl.DataFrame({"prod1": codes, "prod2": codes, "proximity": 0.0})
    return pl.concat([pairs, diagonal])


def _residual(y: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coefficients of ``y`` on ``columns`` and the largest residual."""
    x = np.column_stack(columns)
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    return coef, np.abs(y - x @ coef).max()


@pytest.mark.parametrize("seed", [5, 23])
def test_density_coi_cog_equal_ecomplexity_under_the_same_conventions(seed):
    panel = random_panel(50, 20, 1, seed=seed)
    pooled = analyse_relatedness(panel, by="pooled")
    j, ours = _joined(panel, by="pooled", edgelist=_edgelist(pooled))
    np.testing.assert_allclose(j["density"] / 100, j["density_eco"], atol=1e-12)
    # the outlook of a constant PCI of 1, from the same M and proximity
    wide = j.pivot(on="industry", index="region", values="present", sort_columns=True)
    m = wide.sort("region").drop("region").to_numpy().astype(float)
    phi = np.nan_to_num(ours.proximity.sort("industry", "industry_other")["proximity"]
                        .to_numpy())
    n = m.shape[1]
    full = np.zeros(n * n)
    full[~np.eye(n, dtype=bool).reshape(-1)] = phi
    phi = full.reshape(n, n)
    absent = 1 - m
    gain_of_ones = (absent * (absent @ (phi / phi.sum(axis=0)).T)).reshape(-1)
    coi_of_ones = (j["density"].to_numpy().reshape(m.shape) / 100 * absent).sum(axis=1)
    coef, worst = _residual(j["cog_eco"].to_numpy(), j["cog"].to_numpy(), gain_of_ones)
    assert worst < 1e-10
    assert coef[0] == pytest.approx(j["pci"].std(ddof=0), rel=1e-9)  # a = sd(their PCI)
    regions = j.unique("region", keep="first").sort("region")
    ones = np.ones(regions.height)
    _, worst = _residual(regions["coi_eco"].to_numpy(), regions["coi"].to_numpy(),
                         coi_of_ones, ones)
    assert worst < 1e-10
