"""Replication of Balland, Boschma, Crespo & Rigby (2019) on the real SBS employment data.

Entry of a region into an industry (LQ below 1 at the origin, at or above 1 three years
later) regressed on relatedness density and the industry's complexity (PCI), as a linear
probability model and a logit, with region (and industry) fixed effects and standard errors
clustered by region; then again with the distance of the LQ to 1 as a control. Risk sets of
the origins 2010 and 2011 (outcomes 2013 and 2014) are stacked, with origin fixed effects.
Data: Eurostat SBS, persons employed, NUTS-2 x NACE divisions (analyses/_sbs.py).

    python analyses/balland_2019_replication.py            # prints the Markdown table
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from _sbs import SOURCE, sbs_nuts2  # noqa: E402

from emerging.detect.outcomes import outcome_frames  # noqa: E402
from emerging.detect.regression import entry_regression  # noqa: E402
from emerging.relatedness import complexity  # noqa: E402

ORIGINS, WINDOW, HORIZON = [2010, 2011], 3, 3

SPECS = [  # (label, covariates, fixed effects)
    ("density + PCI, region FE", ["density", "pci"], ["region", "as_of"]),
    ("+ LQ distance", ["density", "pci", "lq_distance"], ["region", "as_of"]),
    ("density, region + industry FE", ["density"], ["region", "industry", "as_of"]),
    ("+ LQ distance", ["density", "lq_distance"], ["region", "industry", "as_of"]),
]


def risk_sets(panel: pl.DataFrame) -> pl.DataFrame:
    frames = outcome_frames(panel, origins=ORIGINS, window=WINDOW, horizon=HORIZON,
                            outcome="entry", signal_options={})
    pci = pl.concat([
        complexity(panel.filter(pl.col("year") == o)).industries.select(
            "industry", pl.col("year").alias("as_of").cast(pl.Int32), "pci")
        for o in ORIGINS
    ])
    return frames.join(pci, on=["industry", "as_of"], how="left")


def table(data: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for model in ("lpm", "logit"):
        for label, cov, fe in SPECS:
            fit = entry_regression(data, covariates=cov, fixed_effects=fe, model=model)
            rows.append(fit.with_columns(spec=pl.lit(label)))
    return pl.concat(rows)


def markdown(result: pl.DataFrame) -> str:
    lines = ["| model | specification | density | PCI | LQ distance | n |",
             "|---|---|---|---|---|---:|"]
    for (model, spec, fe), part in result.group_by("model", "spec", "fixed_effects",
                                                   maintain_order=True):
        cells = {}
        for r in part.iter_rows(named=True):
            stars = "***" if r["p_value"] < 0.01 else "**" if r["p_value"] < 0.05 else (
                "*" if r["p_value"] < 0.1 else "")
            cells[r["term"]] = f"{r['coef']:.4f}{stars} ({r['se']:.4f})"
        n = part["n"][0]
        lines.append(f"| {model.upper() if model == 'lpm' else 'logit'} | {spec} ({fe}) | "
                     f"{cells.get('density', '')} | {cells.get('pci', '')} | "
                     f"{cells.get('lq_distance', '')} | {n:,} |")
    return "\n".join(lines)


def main() -> None:
    data = risk_sets(sbs_nuts2())
    result = table(data)
    print(f"Data: {SOURCE}; entry risk sets as of {ORIGINS}, horizon {HORIZON} years; "
          f"{data.height:,} pairs, {int(data['outcome'].sum()):,} entries. Coefficients per "
          "standard deviation; standard errors clustered by region in brackets.\n")
    print(markdown(result))
    dens = result.filter(pl.col("term") == "density")["coef"].to_list()
    for i, (model, spec) in enumerate([("LPM", "region FE"), ("LPM", "region+industry FE"),
                                       ("logit", "region FE"), ("logit", "region+industry FE")]):
        before, after = dens[2 * i], dens[2 * i + 1]
        print(f"\n{model}, {spec}: the density coefficient falls by {1 - after / before:.0%} "
              "with the LQ-distance control", end="")
    print()


if __name__ == "__main__":
    main()
