"""Make ecomplexity_sbs2015_*.csv: ECI/PCI of ecomplexity 0.5.3 (Growth Lab, Harvard) on the
real SBS panel; run by hand from the repository root (needs ../shared/data and the dev extra).

Input: Eurostat sbs_r_nuts06_r2, persons employed (V16110), NUTS-2 x NACE division, 2015,
regions of AT, CZ, HU, PL, SI, SK; confidential (null) cells left out, so that both
implementations read an absent cell as zero. emerging is used only to read the file.
"""

import warnings
from pathlib import Path

import polars as pl

from emerging.io.eurostat import read_tsv, to_panel

HERE = Path(__file__).parent
COUNTRIES = ["AT", "CZ", "HU", "PL", "SI", "SK"]


def sbs_2015(data: Path) -> pl.DataFrame:
    raw = read_tsv(data / "employment" / "sbs_r_nuts06_r2.tsv.gz")
    panel = to_panel(raw, measure={"indic_sb": "V16110"})
    return panel.filter(
        (pl.col("region").str.len_chars() == 4) & ~pl.col("region").str.ends_with("Z")
        & (pl.col("industry").str.len_chars() == 3)
        & pl.col("region").str.slice(0, 2).is_in(COUNTRIES)
        & (pl.col("year") == 2015) & pl.col("value").is_not_null()
    ).select("region", "industry", "year", "value")


if __name__ == "__main__":
    import ecomplexity as eco  # the dev extra; imported here so collecting this file needs nothing

    panel = sbs_2015(HERE.parents[2] / "shared" / "data")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = pl.from_pandas(eco.ecomplexity(
            panel.to_pandas(),
            {"time": "year", "loc": "region", "prod": "industry", "val": "value"},
            verbose=False, check_logsupermodularity=False,
        ))
    out.unique("region").select("region", "eci", "diversity").sort("region").write_csv(
        HERE / "ecomplexity_sbs2015_regions.csv", float_precision=17)
    out.unique("industry").select("industry", "pci", "ubiquity").sort("industry").write_csv(
        HERE / "ecomplexity_sbs2015_industries.csv", float_precision=17)
