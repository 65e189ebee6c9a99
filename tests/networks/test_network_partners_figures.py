"""Planted communities in the demo, figures (partner search: test_find_partners.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import polars as pl  # noqa: E402
import pytest  # noqa: E402

from emerging.networks._communities import adjusted_rand_index, communities  # noqa: E402
from emerging.networks.backbone import disparity_filter  # noqa: E402
from emerging.networks.build import project_network  # noqa: E402
from emerging.networks.figures import draw_network, flow_map  # noqa: E402


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
    ax = draw_network(net.edges, top_edges=50, units="joint projects")
    edges = [c for c in ax.collections if c.get_gid() == "edges"][0]
    assert len(edges.get_segments()) == 50
    widths = edges.get_linewidths()
    assert max(widths) == pytest.approx(4.0)  # the heaviest drawn tie
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1].startswith("strength") and ax.get_legend().get_title().get_text() == (
        "joint projects"
    )
    texts = " ".join(t.get_text() for t in ax.figure.texts)
    assert "Source: CORDIS" in texts and "weaker tie(s) not drawn" in texts
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    drawn = pl.concat([net.edges.sort("weight", descending=True).head(50)[c]
                       for c in ("source", "target")]).n_unique()
    assert len(labels) == min(25, drawn) and "Wien" in {t.get_text() for t in labels}
    ax = net.plot(layout="map")
    assert ax.get_title(loc="left").startswith("Co-operation network")
    with pytest.raises(ValueError, match="layout must be one of"):
        draw_network(net.edges, layout="circle")
    # the old spelling of the flow map still works, with a warning naming the new one
    with pytest.deprecated_call(match="use emerging.maps.flow_map"):
        ax = flow_map(net.edges, top_edges=40)
    assert ax.get_aspect() == 1.0
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.realdata
def test_flow_map_cropped_to_central_europe_with_names(shared_data):
    from emerging.io.gisco import read_nuts_geojson
    from emerging.maps import flow_map as maps_flow_map

    geo = read_nuts_geojson(
        shared_data / "geo" / "gisco_nuts2021_60m" / "NUTS_RG_60M_2021_3035_LEVL_2.geojson"
    )
    net = project_network(
        pytest.importorskip("emerging.datasets").demo().participations,
        node="region",
        weight="count",
    )
    fig, ax = maps_flow_map(net.edges, geo, top=30, units="joint projects")
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    # EPSG:3035 metres: the frame holds Central Europe, not the Canaries or Réunion
    assert 4.0e6 < x0 < x1 < 5.6e6 and 2.1e6 < y0 < y1 < 3.7e6
    labels = {t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label-")}
    assert "Wien" in labels
    top = net.edges.filter(pl.col("source") != pl.col("target"))["weight"].max()
    assert ax.get_legend().get_texts()[0].get_text() == f"{top:,.0f}"
    assert "EuroGeographics" in " ".join(t.get_text() for t in fig.texts)
