"""Partner search by hand, planted communities in the demo, figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import polars as pl  # noqa: E402
import pytest  # noqa: E402

from emerging.networks._communities import adjusted_rand_index, communities  # noqa: E402
from emerging.networks.backbone import disparity_filter  # noqa: E402
from emerging.networks.build import project_network  # noqa: E402
from emerging.networks.figures import draw_network, flow_map  # noqa: E402
from emerging.networks.partners import suggest_partners  # noqa: E402
from emerging.networks.positions import tile_positions  # noqa: E402

SPEC = pl.DataFrame(
    {
        "region": ["CZ06"] * 3 + ["AT12"] * 3 + ["SK02"] * 3 + ["CZ01"] * 3,
        "industry": ["C29", "C28", "C27"] * 4,
        "specialised": [True, False, False, False, True, True, True, False, True, True, True, True],
    }
)
REL = pl.DataFrame(
    {"industry_a": ["C29", "C27"], "industry_b": ["C28", "C29"], "proximity": [0.6, 0.2]}
)
EDGES = pl.DataFrame({"source": ["AT12", "CZ06"], "target": ["CZ06", "SK02"], "weight": [4.0, 1.0]})


def test_partner_scores_by_hand():
    res = suggest_partners(
        EDGES,
        SPEC,
        REL,
        region="CZ06",
        industry="C29",
        weights={"complementarity": 1, "ties": 0, "proximity": 0},
    )
    t = {r["partner"]: r for r in res.table.to_dicts()}
    assert set(t) == {"AT12", "SK02"}  # CZ01 is in the same country
    # density: AT12 holds C28 and C27: (0.6 + 0.2) / 0.8 = 1; SK02 holds C27: 0.2 / 0.8
    assert t["AT12"]["complementarity"] == pytest.approx(1.0)
    assert t["SK02"]["complementarity"] == pytest.approx(0.25)
    assert t["SK02"]["specialised_in_focal"] and not t["AT12"]["specialised_in_focal"]
    assert t["AT12"]["rank"] == 1 and t["AT12"]["score"] == pytest.approx(1.0)
    assert "C28, C27 (proximity 0.6, 0.2)" in t["AT12"]["reasons"]
    assert "existing ties with CZ06: weight 4.0" in t["AT12"]["reasons"]
    assert "itself specialised in C29" in t["SK02"]["reasons"]
    # distances on the tile grid (100 km per tile)
    pos = {r["node"]: (r["x"], r["y"]) for r in tile_positions(["CZ06", "SK02"]).to_dicts()}
    dx, dy = pos["CZ06"][0] - pos["SK02"][0], pos["CZ06"][1] - pos["SK02"][1]
    assert t["SK02"]["distance_km"] == pytest.approx((dx**2 + dy**2) ** 0.5)


def test_partner_ties_reward_and_penalise():
    reward = suggest_partners(EDGES, SPEC, REL, region="CZ06", industry="C29", weights={"ties": 1})
    penal = suggest_partners(
        EDGES,
        SPEC,
        REL,
        region="CZ06",
        industry="C29",
        weights={"ties": 1},
        existing_ties="penalise",
    )
    assert reward.table["partner"][0] == "AT12" and penal.table["partner"][0] == "SK02"
    assert reward.table.filter(pl.col("partner") == "SK02")["score"][0] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="weights keys must be among"):
        suggest_partners(EDGES, SPEC, REL, region="CZ06", industry="C29", weights={"size": 1})
    with pytest.raises(ValueError, match="relatedness needs columns"):
        suggest_partners(
            EDGES, SPEC, REL.rename({"proximity": "phi"}), region="CZ06", industry="C29"
        )
    with pytest.raises(ValueError, match="region 'XX99' not in specialisation"):
        suggest_partners(EDGES, SPEC, REL, region="XX99", industry="C29")
    assert "Partners for CZ06 in C29" in reward.summary()


def test_planted_communities_recovered_in_demo():
    """The demo plants four cross-border communities; Louvain on the region network finds them.

    Reported: ARI between planted and found labels over the planted regions (each planted
    community must be one found community and no two may share one), and the purity of the
    found communities that hold planted regions.
    """
    demo = pytest.importorskip("emerging.datasets").demo()
    truth = demo.truth.filter(kind="community").select("region", pl.col("other").alias("planted"))
    net = project_network(demo.participations, node="region", weight="fractional")
    for edges in (net.edges, disparity_filter(net.edges, alpha=0.05)):
        found = communities(edges, seed=1)
        joined = truth.join(found.membership, left_on="region", right_on="node", how="left")
        ari = adjusted_rand_index(joined["planted"], joined["community"].fill_null(-1))
        print(
            f"planted communities: ARI {ari:.3f} over {truth.height} planted regions; "
            f"{found.summary()}"
        )
        assert ari == pytest.approx(1.0)
        # most members of each found community holding planted regions are planted ones
        hit = found.membership.filter(
            pl.col("community").is_in(joined["community"].unique().to_list())
        )
        purity = hit["node"].is_in(truth["region"].to_list()).mean()
        print(f"purity of the found communities holding planted regions: {purity:.2f}")
        assert purity > 0.4


def test_figures_return_axes_and_draw():
    net = project_network(
        pytest.importorskip("emerging.datasets").demo().participations,
        node="region",
        weight="count",
    )
    ax = draw_network(net.edges, top_edges=50)
    assert len(ax.collections[0].get_segments()) == 50
    ax = flow_map(net.edges, top_edges=40)
    assert ax.get_aspect() == 1.0 and len(ax.patches) == 81  # one tile per region
    ax = net.plot(layout="map")
    assert ax.get_title(loc="left").startswith("Co-operation network")
    with pytest.raises(ValueError, match="layout must be one of"):
        draw_network(net.edges, layout="circle")
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.realdata
def test_flow_map_on_gisco_geometry(shared_data):
    gpd = pytest.importorskip("geopandas")
    path = shared_data / "geo" / "gisco_nuts2021_60m" / "NUTS_RG_60M_2021_3035_LEVL_2.geojson"
    geo = gpd.read_file(path).rename(columns={"NUTS_ID": "region"})
    net = project_network(
        pytest.importorskip("emerging.datasets").demo().participations,
        node="region",
        weight="count",
    )
    ax = flow_map(
        net.edges, geometry=geo[geo["CNTR_CODE"].isin(["AT", "CZ", "SK", "HU"])], top_edges=30
    )
    lines = [c for c in ax.collections if hasattr(c, "get_segments")]
    xs = [x for seg in lines[-1].get_segments() for x, _ in seg]
    assert ax.get_aspect() == 1.0 and xs
    assert 4_000 < min(xs) < 6_000  # km in EPSG:3035
