"""Small panels shared by the relatedness tests."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest


def panel_from_dict(values: dict[str, list[float]], industries: str = "xyz", year: int = 2020):
    """Panel with one year from ``{region: [value per industry]}``."""
    rows = [
        (r, i, year, float(v))
        for r, vs in values.items()
        for i, v in zip(industries, vs, strict=True)
    ]
    return pl.DataFrame(
        rows, schema={"region": pl.String, "industry": pl.String, "year": pl.Int32,
                      "value": pl.Float64}, orient="row",
    )


def random_panel(n_regions: int, n_industries: int, n_years: int, *, seed: int = 0,
                 null_share: float = 0.0, sigma: float = 1.5) -> pl.DataFrame:
    """Log-normal employment for every region-industry-year (regions CZxx, industries Ixx)."""
    rng = np.random.default_rng(seed)
    n = n_regions * n_industries * n_years
    values = rng.lognormal(3, sigma, n)
    values[rng.random(n) < null_share] = np.nan
    return pl.DataFrame(
        {
            "region": np.repeat([f"CZ{r:02d}" for r in range(n_regions)], n_industries * n_years),
            "industry": np.tile(np.repeat([f"I{i:03d}" for i in range(n_industries)], n_years),
                                n_regions),
            "year": np.tile(np.arange(2000, 2000 + n_years), n_regions * n_industries)
            .astype(np.int32),
            "value": values,
        }
    ).with_columns(pl.col("value").fill_nan(None))


@pytest.fixture
def hand_panel() -> pl.DataFrame:
    """3 regions x 3 industries whose presence matrix is A:{x}, B:{x,y}, C:{y,z}.

    Totals x=21, y=21, z=12, all=54; e.g. LQ(A,x) = (10/12)/(21/54) = 15/7 >= 1 and
    LQ(B,z) = (1/21)/(12/54) = 3/14 < 1.
    """
    return panel_from_dict({"XA1": [10, 1, 1], "XB1": [10, 10, 1], "XC1": [1, 10, 10]})
