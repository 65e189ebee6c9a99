"""The real SBS panel used by the detection analyses: persons employed (V16110), NUTS-2 x NACE
divisions, 2008-2014 (2015 is incomplete in this vintage), codes harmonised to NUTS 2021."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))
SBS = DATA / "employment" / "sbs_r_nuts06_r2.tsv.gz"
SOURCE = "Eurostat, SBS regional statistics (sbs_r_nuts06_r2), persons employed (V16110)"


def sbs_nuts2(path: Path = SBS, *, last_year: int = 2014) -> pl.DataFrame:
    """Persons employed at NUTS-2 x division, years <= ``last_year``, in NUTS 2021 codes."""
    from emerging.codes.harmonise import harmonise
    from emerging.io.eurostat import read_tsv, to_panel

    employment = to_panel(read_tsv(path), measure={"indic_sb": "V16110"})
    nuts2 = employment.filter(
        (pl.col("region").str.len_chars() == 4)
        & ~pl.col("region").str.ends_with("Z")
        & (pl.col("industry").str.len_chars() == 3)
        & (pl.col("year") <= last_year)
    )
    return harmonise(nuts2, to=2021).panel.select("region", "industry", "year", "value")
