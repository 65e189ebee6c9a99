"""ECI/PCI: ecomplexity as oracle, a naive numpy reference, reflections, fitness, trimming."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from conftest import random_panel
from scipy.stats import spearmanr

from emerging.relatedness._complexity import (
    ConvergenceWarning,
    complexity,
    complexity_arrays,
    fitness_complexity,
)


def _z(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


def _ecomplexity(panel: pl.DataFrame) -> pl.DataFrame:
    eco = pytest.importorskip("ecomplexity")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = eco.ecomplexity(
            panel.to_pandas(),
            {"time": "year", "loc": "region", "prod": "industry", "val": "value"},
            verbose=False, check_logsupermodularity=False,
        )
    return pl.from_pandas(out[["region", "industry", "year", "eci", "pci"]]).with_columns(
        pl.col("year").cast(pl.Int32)
    )


@pytest.mark.parametrize("seed", [4, 11])
def test_eci_pci_equal_ecomplexity(seed):
    panel = random_panel(70, 35, 2, seed=seed)
    theirs = _ecomplexity(panel)
    res = complexity(panel)
    assert res.trimmed.height == 0  # same input for both: nothing degenerate here
    for year in (2000, 2001):
        t = theirs.filter(pl.col("year") == year)
        regions = t.unique("region").sort("region")
        ours = res.regions.filter(pl.col("year") == year).sort("region")
        assert spearmanr(ours["eci"], regions["eci"]).statistic == pytest.approx(1.0)
        np.testing.assert_allclose(ours["eci"], _z(regions["eci"]), atol=1e-8)
        inds = t.unique("industry").sort("industry")
        ours_i = res.industries.filter(pl.col("year") == year).sort("industry")
        assert spearmanr(ours_i["pci"], inds["pci"]).statistic == pytest.approx(1.0)
        np.testing.assert_allclose(ours_i["pci"], _z(inds["pci"]), atol=1e-8)


def _naive_eci(m: np.ndarray) -> np.ndarray:
    """Dense eigen-decomposition of M_cc = D_c^-1 M D_p^-1 M^T (Hidalgo & Hausmann 2009)."""
    k_c, k_p = m.sum(1), m.sum(0)
    mcc = (m / k_c[:, None]) @ (m / k_p[None, :]).T
    vals, vecs = np.linalg.eig(mcc)
    v = np.real(vecs[:, np.argsort(np.real(vals))[-2]])
    v = _z(v)
    return v if np.corrcoef(v, k_c)[0, 1] > 0 else -v


@pytest.mark.parametrize("shape", [(50, 20), (20, 50)])  # industry side and region side
def test_eigenvector_matches_naive_dense_reference(shape):
    rng = np.random.default_rng(8)
    m = (rng.random((1, *shape)) < 0.3).astype(np.uint8)
    out = complexity_arrays(m)
    assert out["keep_region"].all() and out["keep_industry"].all()
    np.testing.assert_allclose(out["eci"][0], _naive_eci(m[0].astype(float)), atol=1e-8)


def test_reflections_converge_to_eigenvector():
    panel = random_panel(50, 20, 2, seed=3)
    eig = complexity(panel).regions
    refl = complexity(panel, method="reflections", tol=1e-13, max_iter=100_000)
    np.testing.assert_allclose(refl.regions["eci"], eig["eci"], atol=1e-8)
    assert (refl.iterations["iterations"] > 1).all()


def test_reflections_warn_when_not_converged():
    with pytest.warns(ConvergenceWarning, match="did not reach tol"):
        complexity(random_panel(30, 10, 1, seed=1), method="reflections", max_iter=2)


def test_fitness_matches_naive_loop():
    rng = np.random.default_rng(2)
    m = (rng.random((25, 12)) < 0.4).astype(float)
    m[m.sum(1) == 0, 0] = 1
    m[0, m.sum(0) == 0] = 1
    fit, comp, _ = fitness_complexity(m, tol=1e-14, max_iter=100_000)
    f, q = np.ones(25), np.ones(12)
    for _ in range(5000):  # Tacchella et al. (2012), written element by element
        f_new = np.array([sum(m[c, p] * q[p] for p in range(12)) for c in range(25)])
        q_new = np.array([1 / sum(m[c, p] / f[c] for c in range(25)) for p in range(12)])
        f, q = f_new / f_new.mean(), q_new / q_new.mean()
    np.testing.assert_allclose(fit, f, rtol=1e-8)
    np.testing.assert_allclose(comp, q, rtol=1e-8)


@pytest.mark.parametrize("method", ["eigenvector", "reflections", "fitness"])
def test_sign_and_values_stable_under_row_permutation(method):
    panel = random_panel(40, 15, 1, seed=6)
    base = complexity(panel, method=method).regions.sort("region")
    assert np.corrcoef(base["eci"], base["diversity"])[0, 1] > 0
    rng = np.random.default_rng(0)
    codes = panel["region"].unique().sort().to_list()
    renamed = dict(zip(codes, rng.permutation(codes), strict=True))  # permutes the rows of M
    permuted = panel.with_columns(pl.col("region").replace_strict(renamed))
    again = complexity(permuted, method=method).regions.with_columns(
        pl.col("region").replace_strict({v: k for k, v in renamed.items()})
    ).sort("region")
    np.testing.assert_allclose(again["eci"], base["eci"], atol=1e-8)


def test_degenerate_rows_trimmed_and_reported():
    panel = random_panel(30, 10, 1, seed=9).with_columns(pl.col("value").round(0))  # exact sums
    # CZ00 has no employment at all; I000 is half of every region's employment (LQ = 1)
    totals = panel.filter(pl.col("industry") != "I000").group_by("region").agg(
        pl.col("value").sum().alias("t")
    )
    panel = panel.join(totals, on="region").with_columns(
        pl.when(pl.col("region") == "CZ00").then(0.0)
        .when(pl.col("industry") == "I000").then(pl.col("t"))
        .otherwise(pl.col("value")).alias("value")
    ).drop("t")
    res = complexity(panel, threshold=0.9)  # LQ = 1 up to rounding: keep off the boundary
    trimmed = {(k, c): r for k, c, _, r in res.trimmed.rows()}
    assert trimmed[("region", "CZ00")] == "no presence"
    assert trimmed[("industry", "I000")] == "present in every region"
    assert res.regions.filter(pl.col("region") == "CZ00")["eci"].is_null().all()
    assert res.industries.filter(pl.col("industry") == "I000")["pci"].is_null().all()
    assert res.regions["eci"].null_count() == 1
    assert "Trimmed as degenerate" in res.summary()


def test_result_interface():
    res = complexity(random_panel(20, 8, 2, seed=1))
    assert res.to_frame().columns == ["region", "year", "diversity", "eci"]
    assert res.to_frame(kind="industries").columns == ["industry", "year", "ubiquity", "pci"]
    assert "<table" in res._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    ax = res.plot()
    assert ax.get_ylabel() == "ECI"
    with pytest.raises(ValueError, match="method must be one of"):
        complexity(random_panel(5, 3, 1), method="pagerank")
    with pytest.raises(dataclasses_error()):
        res.method = "x"


def dataclasses_error():
    import dataclasses

    return dataclasses.FrozenInstanceError
