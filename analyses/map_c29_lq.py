"""Map: location quotient of motor vehicles (NACE C29) in the Central European NUTS-2 regions.

Real data: Eurostat SBS ``sbs_r_nuts06_r2`` (persons employed, V16110, NUTS 2010/2013 codes)
and the GISCO NUTS 2021 region polygons (1:60M, EPSG:3035), both from ``../shared/data``.

Steps: read the SBS file; keep NUTS-2 regions and NACE divisions; compute the LQ of every
region-division pair against all regions of the panel (the EU reference: 29 countries);
bring the codes to NUTS 2021; draw C29 for the programme area on NUTS 2021 polygons. Units
that NUTS 2016/2021 split (PL12 Mazowieckie, HU10 Közép-Magyarország, HR04 Kontinentalna
Hrvatska) keep their 2013 code and are drawn on the union of their current polygons.

Run: ``python analyses/map_c29_lq.py [--year 2014] [--data ../shared/data]``; writes
``figures/map_c29_lq.{png,svg,pdf}`` and ``figures/map_c29_lq.csv`` and prints the table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from emerging.codes.harmonise import harmonise
from emerging.codes.nuts import central_europe_2021_2027
from emerging.indices.lq import location_quotient
from emerging.io.eurostat import read_tsv, to_panel
from emerging.io.gisco import load_nuts
from emerging.maps._choropleth import choropleth
from emerging.maps.geometry import split_crosswalk
from emerging.maps.style import save_figure

REPO = Path(__file__).resolve().parents[1]

def load_panel(data: Path) -> pl.DataFrame:
    raw = read_tsv(data / "employment" / "sbs_r_nuts06_r2.tsv.gz")
    panel = to_panel(raw, measure={"indic_sb": "V16110"})
    return panel.filter(
        (pl.col("region").str.len_chars() == 4)
        & ~pl.col("region").str.ends_with("Z")
        & (pl.col("industry").str.len_chars() == 3)
    )


def codes_to_2021(panel: pl.DataFrame) -> tuple[dict[str, str], pl.DataFrame]:
    """How the panel's codes reach NUTS 2021: renames, and split units kept in old codes.

    The LQ is computed on the panel in its own codes (each code is one territory in a given
    year, and the reference stays every region of the file); the codes are then renamed for
    drawing with the crosswalk of :func:`emerging.codes.harmonise.harmonise`, and units that
    NUTS 2016/2021 split (PL12, HU10, HR04) are drawn on the union of their current parts.
    """
    report = harmonise(panel, to=2021, splits="aggregate").report
    renamed = report.filter(pl.col("status").is_in(["recoded", "recoded_boundary_change"]))
    merged = report.filter(pl.col("status") == "merged")["code"].to_list()
    if merged:  # the LQ of a merged unit needs the summed panel, not a rename
        print(f"note: merged units, drawn under their old codes only if polygons exist: {merged}")
    rename = dict(zip(renamed["code"], renamed["targets"], strict=True))
    return rename, split_crosswalk(report)


def c29_lq(panel: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """LQ of C29 for the programme area in NUTS 2021 codes, and the crosswalk for drawing."""
    rename, crosswalk = codes_to_2021(panel)
    lq = location_quotient(panel).filter(pl.col("industry") == "C29")
    lq = lq.with_columns(pl.col("region").replace(rename))
    area = central_europe_2021_2027()
    crosswalk = crosswalk.filter(pl.col("new_code").is_in(sorted(area)))
    lq = lq.filter(pl.col("region").is_in(sorted(area | set(crosswalk["old_code"]))))
    return lq, crosswalk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2014)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "figures" / "map_c29_lq")
    args = parser.parse_args()

    panel = load_panel(args.data).filter(pl.col("year") == args.year)
    # a code with no known cell in the year (e.g. SI01 after 2012) is not a region that year
    panel = panel.filter(pl.col("value").is_not_null().any().over("region"))
    lq, crosswalk = c29_lq(panel)
    geoms = load_nuts(level=2, year=2021, scale="60M",
                      folder=args.data / "geo" / "gisco_nuts2021_60m", download=False)
    fig, _ = choropleth(
        lq, geoms, "lq", classes=[0.5, 0.8, 1.0, 1.25, 2.0, 4.0], scheme="user",
        diverging_at=1.0, crosswalk=crosswalk,
        title=f"Motor vehicles (NACE C29): location quotient, {args.year}",
        units="LQ, persons employed\n(1 = average of the 29\ncountries in the file)",
        labels=["CZ02", "SK02", "HU22", "DE11", "PL22", "AT31", "DE91", "ITC1", "SI03"],
    )
    paths = save_figure(fig, args.out)
    table = lq.select("region", "value", "lq", "lq_reason").sort(
        "lq", descending=True, nulls_last=True
    )
    table.write_csv(args.out.with_suffix(".csv"))
    n_ref = panel["region"].n_unique()
    print(f"split units drawn on the union of their NUTS 2021 parts: "
          f"{sorted(set(crosswalk['old_code']))}")
    print(f"reference: {n_ref} NUTS-2 regions of the SBS panel, {args.year}")
    with pl.Config(tbl_rows=100):
        print(table)
    print("wrote", ", ".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
