"""Shift-share of Czech NUTS-2 manufacturing (NACE C10-C33), 2010-2015 and 2010-2014.

Reads the real Eurostat SBS file (sbs_r_nuts06_r2, persons employed V16110) from
../shared/data (or $EMERGING_SHARED_DATA), prints the coverage of each year, the three
largest and smallest competitive effects against the nation and against all EU regions,
and writes two figures to figures/. No logic of its own: it only calls emerging.

Run: ``python analyses/czech_manufacturing_shift_share.py``
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from emerging.io.eurostat import read_tsv, to_panel
from emerging.trends import portfolio, shift_share

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))
MANUFACTURING = r"^C(1[0-9]|2[0-9]|3[0-3])$"


def load() -> pl.DataFrame:
    raw = read_tsv(DATA / "employment" / "sbs_r_nuts06_r2.tsv.gz")
    panel = to_panel(raw, measure={"indic_sb": "V16110"})
    return panel.filter(
        (pl.col("region").str.len_chars() == 4)
        & ~pl.col("region").str.ends_with("Z")
        & pl.col("industry").str.contains(MANUFACTURING)
    ).drop("flag")


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    manufacturing = load()
    czech = manufacturing.filter(pl.col("region").str.starts_with("CZ"))
    coverage = (
        manufacturing.with_columns(cz=pl.col("region").str.starts_with("CZ"))
        .group_by("year", "cz")
        .agg(pl.col("value").is_not_null().mean().round(3).alias("known"))
        .pivot(on="cz", index="year", values="known")
        .rename({"true": "known_share_CZ", "false": "known_share_rest"})
        .sort("year")
    )
    print("share of known cells per year\n", coverage)
    for end in (2015, 2014):
        for reference, data in (("country", czech), ("all", manufacturing)):
            res = shift_share(data, start=2010, end=end, reference=reference)
            cz = res.table.filter(
                pl.col("region").str.starts_with("CZ") & pl.col("reason").is_null()
            )
            ranked = cz.sort("competitive", descending=True)
            print(f"\n2010-{end}, reference {reference}: {res.exclusions}")
            print(ranked.head(3).select("region", "industry", "competitive"))
            print(ranked.tail(3).select("region", "industry", "competitive"))
    figures = REPO / "figures"
    figures.mkdir(exist_ok=True)
    national = shift_share(czech, start=2010, end=2015, reference="country")
    national.plot().figure.savefig(figures / "cz_shift_share_2010_2015.png", bbox_inches="tight")
    chart = portfolio(czech, start=2010, end=2015, reference="country").plot(region="CZ05")
    chart.figure.savefig(figures / "cz05_portfolio_2010_2015.png", bbox_inches="tight")
    print(f"\nfigures written to {figures}")


if __name__ == "__main__":
    main()
