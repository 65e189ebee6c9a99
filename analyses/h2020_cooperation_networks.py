"""Horizon 2020 co-operation of Central Europe: country network, cross-border intensities
over 2014-2020, the organisation network's components and brokers, Interreg 2014-2020
participation, and the figures of a brief.

Reads ../shared/data (CORDIS H2020 participations as derived by zambujo/eunets, country
codes only, no NUTS; keep.eu Interreg by NUTS-3; GISCO NUTS 2021). No logic of its own:
every number comes from emerging. Writes figures/h2020/*.png and prints progress.

    python analyses/h2020_cooperation_networks.py [path/to/shared/data] [--out figures/h2020]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

from emerging.io.cordis import read_h2020_eunets
from emerging.io.gisco import read_nuts_geojson
from emerging.io.interreg import read_interreg
from emerging.maps import flow_map, save_figure
from emerging.networks import (
    brokerage,
    components,
    cooperation_summary,
    cross_border,
    disparity_filter,
    draw_network,
    node_metrics,
    project_network,
)

FOCUS = ["CZ", "SK", "HU", "PL", "SI", "AT"]
PEERS = ["DE", "IT"]

pl.Config.set_tbl_rows(40)
pl.Config.set_tbl_cols(12)
pl.Config.set_float_precision(3)

_T0, _C0 = time.perf_counter(), time.process_time()


def progress(text: str) -> None:
    """Elapsed wall-clock and CPU seconds, then what comes next (CPU time shows the work
    when other processes share the machine)."""
    wall, cpu = time.perf_counter() - _T0, time.process_time() - _C0
    print(f"[{wall:5.1f} s, CPU {cpu:5.1f} s] {text}", flush=True)


def main(data: Path, out: Path) -> None:
    coop = data / "cooperation"
    geo = data / "geo" / "gisco_nuts2021_60m"
    progress("reading CORDIS H2020 participations and programme parts")
    table = read_h2020_eunets(
        coop / "h2020_participations_eunets.csv.gz", coop / "h2020_programme_parts_eunets.csv.gz"
    )
    print(table.summary())
    parts = table.participations.filter(pl.col("start_year").is_between(2014, 2020))
    print(
        f"2014-2020 start years: {parts.height:,} participations, "
        f"{parts['project'].n_unique():,} projects"
    )

    progress("country networks (count and fractional weights, ties inside a country kept)")
    ring = FOCUS + PEERS
    pair_in_ring = pl.col("country_a").is_in(ring) & pl.col("country_b").is_in(ring)
    for weight in ("count", "fractional"):
        net = project_network(parts, node="country", weight=weight, self_loops=True)
        pairs = cross_border(net.edges, by="country_pair").filter(pair_in_ring)
        print(f"\n{net.summary()}")
        print(
            "Pairs among CZ SK HU PL SI AT DE IT. weight: joint projects between the two "
            f"({weight}); share_a/share_b: of each country's cross-border weight (all "
            "partner countries); intensity: Salton's cosine; affinity: observed/expected:"
        )
        print(pairs.sort("intensity", descending=True))
        share = cross_border(net.edges, by="node").filter(pl.col("node").is_in(ring))
        print(
            "cross_border_share = tie weight to other countries / all the country's tie "
            f"weight, domestic ties (projects with two or more of its organisations) "
            f"included ({weight} weights):"
        )
        print(share.sort("node"))
    country_net = net  # fractional, drawn below

    progress("joint projects per year between the six focus countries")
    yearly = project_network(parts, node="country", weight="count", slice="year")
    per_year = cross_border(yearly.edges, by="country_pair").filter(
        pl.col("country_a").is_in(FOCUS) & pl.col("country_b").is_in(FOCUS)
    )
    print(
        per_year.pivot(
            on="year", index=["country_a", "country_b"], values="weight", sort_columns=True
        )
        .fill_null(0)
        .sort("country_a", "country_b")
    )

    progress("thematic layers (programme parts)")
    layers = project_network(parts, node="country", weight="count", layer="topic")
    focus_pairs = cross_border(layers.edges, by="country_pair").filter(
        pl.col("country_a").is_in(FOCUS) & pl.col("country_b").is_in(FOCUS)
    )
    print(
        f"{layers.exclusions}. Joint projects between the six focus countries per programme "
        "part (sum over the 15 pairs):"
    )
    print(
        focus_pairs.group_by("layer")
        .agg(pl.col("weight").sum(), pl.len().alias("pairs"))
        .sort("weight", descending=True)
    )

    progress("organisation network (fractional) and its components")
    org = project_network(parts, node="organisation", weight="fractional")
    comp = components(org.edges)
    isolated = org.nodes.filter(pl.col("degree") == 0).height
    sizes = comp.group_by("component").agg(pl.col("size").first()).sort("component")
    print(
        f"{org.nodes.height:,} organisations, {org.edges.height:,} ties; {sizes.height:,} "
        f"components among tied organisations (largest {sizes['size'][0]:,} = "
        f"{sizes['size'][0] / org.nodes.height:.1%} of all organisations), {isolated:,} "
        "organisations without partners"
    )

    progress("disparity backbone and centrality (betweenness from 256 sampled sources)")
    backbone = disparity_filter(org.edges, alpha=0.05)
    metrics = node_metrics(backbone, betweenness="sampled", k=256, seed=0)
    info = org.nodes.select("node", "country", "projects")
    kinds = parts.group_by("organisation").agg(pl.col("activity").first()).rename(
        {"organisation": "node"}
    )
    ranked = metrics.join(info, on="node").join(kinds, on="node")
    print(f"backbone: {backbone.height:,} ties. Top brokers located in the six focus countries:")
    print(
        ranked.filter(pl.col("country").is_in(FOCUS))
        .sort("betweenness", descending=True)
        .head(10)
        .select("node", "country", "activity", "projects", "degree", "betweenness")
    )

    progress("Gould-Fernandez brokerage on the full organisation network")
    roles = brokerage(org.edges, countries=org.nodes.select("node", "country"))
    print(
        "cross_border = open partner pairs spanning a border (gatekeeper + consultant + "
        "liaison), unweighted. Top cross-border brokers in the focus countries:"
    )
    print(
        roles.filter(pl.col("country").is_in(FOCUS))
        .join(kinds, on="node")
        .sort("cross_border", descending=True)
        .head(10)
    )

    progress("Interreg 2014-2020 (keep.eu) and co-operation summaries of the focus countries")
    interreg = read_interreg(coop / "interreg_2014_2020_keep_eu_by_nuts3.csv")
    print(interreg.summary())
    for country in FOCUS:
        print("  " + cooperation_summary(country, participations=parts, interreg=interreg).summary())

    progress(f"figures -> {out}")
    out.mkdir(parents=True, exist_ok=True)
    import warnings

    countries = read_nuts_geojson(geo / "NUTS_RG_60M_2021_3035_LEVL_0.geojson")
    with warnings.catch_warnings():  # links to countries off the map are counted in the note
        warnings.simplefilter("ignore", UserWarning)
        fig, _ = flow_map(
            country_net.edges, countries, top=36, units="joint projects (fractional)",
            title="Horizon 2020 co-operation in Central Europe, 2014-2020",
            source="Source: CORDIS (Horizon 2020 participations, via zambujo/eunets)",
        )
    written = save_figure(fig, out / "h2020_country_flows", formats=("png",), dpi=200)
    ax = draw_network(
        country_net.edges, top_edges=120, labels=30, units="joint projects (fractional)",
        title="Horizon 2020: the 120 strongest ties between countries, 2014-2020",
        source="Source: CORDIS (Horizon 2020 participations, via zambujo/eunets)",
    )
    written += save_figure(ax.figure, out / "h2020_country_network", formats=("png",), dpi=200)
    fig, _ = interreg.plot(
        geometry=read_nuts_geojson(geo / "NUTS_RG_60M_2021_3035_LEVL_3.geojson")
    )
    written += save_figure(fig, out / "interreg_2014_2020_partners_nuts3", formats=("png",),
                           dpi=200)
    for path in written:
        print(f"  wrote {path}")
    progress("done")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data", nargs="?", type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "data",
    )
    parser.add_argument("--out", type=Path, default=Path("figures") / "h2020")
    args = parser.parse_args()
    main(args.data, args.out)
