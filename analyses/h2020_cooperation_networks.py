"""Horizon 2020 co-operation of Central Europe: country network, cross-border intensities
over 2014-2020, and the organisation network's size, components and top brokers.

Reads ../shared/data/cooperation (CORDIS H2020 participations as derived by zambujo/eunets;
country codes only, no NUTS). No logic of its own: every number comes from emerging.

    python analyses/h2020_cooperation_networks.py [path/to/shared/data]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import polars as pl

from emerging.io.cordis import read_h2020_eunets
from emerging.networks._brokerage import brokerage
from emerging.networks.backbone import disparity_filter
from emerging.networks.build import project_network
from emerging.networks.metrics import components, cross_border, node_metrics

FOCUS = ["CZ", "SK", "HU", "PL", "SI", "AT"]
PEERS = ["DE", "IT"]

pl.Config.set_tbl_rows(40)
pl.Config.set_tbl_cols(12)
pl.Config.set_float_precision(3)


def main(data: Path) -> None:
    coop = data / "cooperation"
    table = read_h2020_eunets(
        coop / "h2020_participations_eunets.csv.gz", coop / "h2020_programme_parts_eunets.csv.gz"
    )
    print(table.summary())
    parts = table.participations.filter(pl.col("start_year").is_between(2014, 2020))
    print(
        f"2014-2020 start years: {parts.height:,} participations, "
        f"{parts['project'].n_unique():,} projects"
    )

    ring = FOCUS + PEERS
    pair_in_ring = pl.col("country_a").is_in(ring) & pl.col("country_b").is_in(ring)
    for weight in ("count", "fractional"):
        net = project_network(parts, node="country", weight=weight, self_loops=True)
        pairs = cross_border(net.edges, by="country_pair").filter(pair_in_ring)
        print(
            f"\nCountry network ({weight}; intensities relative to all countries' "
            "cross-border ties), pairs among CZ SK HU PL SI AT DE IT:"
        )
        print(net.summary())
        print(pairs.sort("intensity", descending=True))
        share = cross_border(net.edges, by="node").filter(pl.col("node").is_in(ring))
        print(share.sort("node"))

    yearly = project_network(parts, node="country", weight="count", slice="year")
    per_year = cross_border(yearly.edges, by="country_pair").filter(
        pl.col("country_a").is_in(FOCUS) & pl.col("country_b").is_in(FOCUS)
    )
    print("\nJoint projects per year between the six focus countries (count):")
    print(
        per_year.pivot(
            on="year", index=["country_a", "country_b"], values="weight", sort_columns=True
        )
        .fill_null(0)
        .sort("country_a", "country_b")
    )
    print("Salton intensity per year, focus pairs:")
    print(
        per_year.pivot(
            on="year", index=["country_a", "country_b"], values="intensity", sort_columns=True
        ).sort("country_a", "country_b")
    )

    layers = project_network(parts, node="country", weight="count", layer="topic")
    focus_pairs = cross_border(layers.edges, by="country_pair").filter(
        pl.col("country_a").is_in(FOCUS) & pl.col("country_b").is_in(FOCUS)
    )
    print(
        f"\nThematic layers (programme parts): {layers.exclusions}. Joint projects between "
        "the six focus countries per programme part (sum over the 15 pairs):"
    )
    print(
        focus_pairs.group_by("layer")
        .agg(pl.col("weight").sum(), pl.len().alias("pairs"))
        .sort("weight", descending=True)
    )

    t0 = time.perf_counter()
    org = project_network(parts, node="organisation", weight="fractional")
    comp = components(org.edges)
    isolated = org.nodes.filter(pl.col("degree") == 0).height
    sizes = comp.group_by("component").agg(pl.col("size").first()).sort("component")
    print(
        f"\nOrganisation network: {org.nodes.height:,} organisations, {org.edges.height:,} "
        f"ties; {sizes.height:,} components among tied organisations (largest "
        f"{sizes['size'][0]:,} = {sizes['size'][0] / org.nodes.height:.1%} of all), "
        f"{isolated:,} organisations without partners; built in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    print("component sizes (top 5):", sizes["size"].head(5).to_list())

    t0 = time.perf_counter()
    backbone = disparity_filter(org.edges, alpha=0.05)
    metrics = node_metrics(backbone, betweenness="sampled", k=1000, seed=0)
    info = org.nodes.select("node", "country", "projects")
    kinds = (
        parts.group_by("organisation")
        .agg(pl.col("activity").first())
        .rename({"organisation": "node"})
    )
    top = (
        metrics.join(info, on="node")
        .join(kinds, on="node")
        .sort("betweenness", descending=True)
        .head(15)
    )
    print(
        f"\nBackbone (disparity filter, alpha 0.05): {backbone.height:,} ties; betweenness "
        f"from 1,000 sampled sources in {time.perf_counter() - t0:.1f} s. Top brokers:"
    )
    print(
        top.select("node", "country", "activity", "projects", "degree", "betweenness", "pagerank")
    )
    focus_top = (
        metrics.join(info, on="node")
        .join(kinds, on="node")
        .filter(pl.col("country").is_in(FOCUS))
        .sort("betweenness", descending=True)
        .head(10)
    )
    print("Top brokers located in the six focus countries:")
    print(focus_top.select("node", "country", "activity", "projects", "degree", "betweenness"))

    t0 = time.perf_counter()
    roles = brokerage(org.edges, countries=org.nodes.select("node", "country"))
    print(
        f"\nGould-Fernandez brokerage between countries on the full organisation network "
        f"({time.perf_counter() - t0:.0f} s); top cross-border brokers in the focus countries:"
    )
    print(
        roles.filter(pl.col("country").is_in(FOCUS))
        .join(kinds, on="node")
        .sort("cross_border", descending=True)
        .head(10)
    )


if __name__ == "__main__":
    root = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    main(root)
