"""Tiny hand-computable panels and a hypothesis strategy for random panels."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import strategies as st

REGIONS = ["AT11", "AT12", "AT13", "AT21", "CZ01", "CZ02"]
INDUSTRIES = ["C10", "C11", "C26", "F41", "G46", "J62"]


def make_panel(rows: list[tuple[str, str, int, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"region": pl.String, "industry": pl.String,
                                      "year": pl.Int32, "value": pl.Float64}, orient="row")


@pytest.fixture
def two_by_two() -> pl.DataFrame:
    """A: x=30, y=10; B: x=10, y=50 (E=100)."""
    return make_panel([("AT11", "C10", 2020, 30.0), ("AT11", "C11", 2020, 10.0),
                       ("AT12", "C10", 2020, 10.0), ("AT12", "C11", 2020, 50.0)])


@pytest.fixture
def three_industries() -> pl.DataFrame:
    """AT11: C10=10, C11=30, G46=0; AT12: C10=20, C11=0, G46=40 (E=100)."""
    return make_panel([("AT11", "C10", 2020, 10.0), ("AT11", "C11", 2020, 30.0),
                       ("AT11", "G46", 2020, 0.0), ("AT12", "C10", 2020, 20.0),
                       ("AT12", "C11", 2020, 0.0), ("AT12", "G46", 2020, 40.0)])


@st.composite
def panels(draw, *, min_regions: int = 2, min_industries: int = 2) -> pl.DataFrame:
    """Complete random panels (1-2 years) with integer-valued employment, some zeros."""
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=min_regions, unique=True))
    industries = draw(st.lists(st.sampled_from(INDUSTRIES), min_size=min_industries,
                               unique=True))
    years = draw(st.sampled_from([[2020], [2019, 2020]]))
    n = len(regions) * len(industries) * len(years)
    values = draw(st.lists(st.integers(0, 5_000), min_size=n, max_size=n))
    rows = [(r, i, y) for y in years for r in regions for i in industries]
    return make_panel([(*k, float(v)) for k, v in zip(rows, values, strict=True)])
