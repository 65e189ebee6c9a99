"""Shared fixtures: where the real public data lives, and skips when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))

requires_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"real data folder {SHARED_DATA} not present"
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data (real Eurostat, GISCO and CORDIS files); skips when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sbs_raw(shared_data):
    """The whole real SBS bulk TSV, parsed once per test session."""
    from emerging.io.eurostat import read_tsv

    return read_tsv(shared_data / "employment" / "sbs_r_nuts06_r2.tsv.gz")


@pytest.fixture(scope="session")
def sbs_employment_nuts2(sbs_raw):
    """Persons employed (V16110) at NUTS-2 x NACE division, 2008-2015 (NUTS 2010/2013 codes).

    Extra-regio units are left out; confidential cells stay null with their flag.
    """
    import polars as pl

    from emerging.io.eurostat import to_panel

    panel = to_panel(sbs_raw, measure={"indic_sb": "V16110"})
    return panel.filter(
        (pl.col("region").str.len_chars() == 4)
        & ~pl.col("region").str.ends_with("Z")
        & (pl.col("industry").str.len_chars() == 3)
    )


@pytest.fixture(scope="session")
def demo_data():
    """The embedded simulated demo, built once per test session."""
    from emerging.datasets import demo

    return demo()
