"""Regional fact sheets from the real Eurostat SBS employment data (NUTS-2 x NACE division).

Reads ../shared/data/employment/sbs_r_nuts06_r2.tsv.gz (or the file given with --sbs),
keeps persons employed (V16110) of NUTS-2 regions and NACE divisions, rewrites the codes in
NUTS 2021 (split regions such as HU10 and PL12 are reported, not divided), and writes one
HTML fact sheet per requested region to figures/real_factsheets/. The window defaults to
2010-2014: 2014 is the latest complete year of this 2017 vintage.

    python analyses/real_factsheets.py --regions CZ06,SK02,AT31
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import polars as pl

from emerging.codes.harmonise import harmonise
from emerging.io.eurostat import read_tsv, to_panel
from emerging.io.store import write_text
from emerging.pipeline import resolve_regions
from emerging.reports.factsheet import region_profile, render_factsheet

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sbs", type=Path, default=DATA / "employment" / "sbs_r_nuts06_r2.tsv.gz")
    parser.add_argument("--regions", default="CZ06,SK02,HU22,PL22,SI04,AT31,ITC1,DE11")
    parser.add_argument("--start", type=int, default=2010)
    parser.add_argument("--end", type=int, default=2014)
    parser.add_argument("--out", type=Path, default=REPO / "figures" / "real_factsheets")
    args = parser.parse_args()

    employment = to_panel(read_tsv(args.sbs), measure={"indic_sb": "V16110"})
    nuts2 = employment.filter(
        (pl.col("region").str.len_chars() == 4)
        & ~pl.col("region").str.ends_with("Z")
        & (pl.col("industry").str.len_chars() == 3)
        & pl.col("year").is_between(args.start, args.end)
    )
    harmonised = harmonise(nuts2, to=2021)
    print(harmonised.summary())
    panel = harmonised.panel.select("region", "industry", "year", "value")
    for code in resolve_regions(args.regions, panel["region"].unique().to_list()):
        profile = region_profile(
            panel, code, start=args.start, end=args.end, source="Eurostat, SBS (sbs_r_nuts06_r2)"
        )
        path = write_text(render_factsheet(profile), args.out / f"{code}.html")
        top = ", ".join(
            f"{i} {lq:.2f}" for i, lq in profile.specialisations.select("industry", "lq").head(3).iter_rows()
        )
        print(f"{path}: top LQs {top}; {profile.flags.height} emerging; "
              f"candidates {profile.candidates['industry'].to_list()}")


if __name__ == "__main__":
    main()
