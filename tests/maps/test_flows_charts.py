"""Flow maps, small multiples, sparklines, bar and bubble charts: what is drawn."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from matplotlib.colors import same_color

from emerging.codes.nuts import central_europe_table
from emerging.maps.charts import bar_chart, bubble_chart, small_multiples, sparklines
from emerging.maps.flows import flow_map

REGIONS = central_europe_table()["region"].to_list()
EDGES = pl.DataFrame({
    "source": ["CZ06", "AT13", "SK01", "HU11", "PL21", "DE21"],
    "target": ["AT13", "SK01", "HU11", "PL21", "CZ08", "AT31"],
    "weight": [40.0, 20.0, 10.0, 5.0, 2.5, 30.0],
})


def flows(ax):
    return {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("flow:")}


def test_flow_map_on_tiles_widths_and_top():
    fig, ax = flow_map(EDGES, top=4, max_width=4.0, units="joint projects")
    arcs = flows(ax)
    assert set(arcs) == {"flow:CZ06-AT13", "flow:DE21-AT31", "flow:AT13-SK01", "flow:SK01-HU11"}
    assert arcs["flow:CZ06-AT13"].get_linewidth() == pytest.approx(4.0)
    assert arcs["flow:AT13-SK01"].get_linewidth() == pytest.approx(2.0)
    note = " ".join(t.get_text() for t in fig.texts)
    assert "2 weaker link(s) not drawn" in note
    nodes = [c for c in ax.collections if c.get_gid() == "nodes"][0]
    assert len(nodes.get_offsets()) == 6  # CZ06 AT13 DE21 AT31 SK01 HU11
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["40", "20", "10"]


def test_flow_map_unknown_regions_and_errors():
    extra = pl.concat([EDGES, pl.DataFrame({"source": ["FR10"], "target": ["CZ01"],
                                            "weight": [1.0]})])
    with pytest.warns(UserWarning, match="1 link"):
        fig, ax = flow_map(extra, top=None)
    assert len(flows(ax)) == 6
    with pytest.raises(ValueError, match="positions must be"):
        flow_map(EDGES, "centroids")


@pytest.mark.realdata
def test_flow_map_on_gisco_geometry(shared_data):
    from emerging.io.gisco import load_nuts

    g = load_nuts(level=2, scale="60M", folder=shared_data / "geo" / "gisco_nuts2021_60m",
                  download=False)
    fig, ax = flow_map(EDGES, g)
    assert len(flows(ax)) == 6
    start = flows(ax)["flow:CZ06-AT13"]._posA_posB[0]
    assert g.set_index("region").loc["CZ06"].geometry.contains(
        __import__("shapely").geometry.Point(start))
    assert "EuroGeographics" in " ".join(t.get_text() for t in fig.texts)


def _by_year():
    rng = np.random.default_rng(0)
    years = [2010, 2012, 2014]
    f = pl.DataFrame({"region": REGIONS * 3, "year": np.repeat(years, len(REGIONS)),
                      "lq": np.exp(rng.normal(0, 0.5, len(REGIONS) * 3))})
    return f.with_columns(
        pl.when((pl.col("year") == 2014) & (pl.col("region") == "CZ06")).then(None)
        .otherwise(pl.col("lq")).alias("lq"))


def test_small_multiples_share_classes():
    f = _by_year().with_columns(
        pl.when(pl.col("region") == "AT13").then(9.0).otherwise(pl.col("lq")).alias("lq"))
    fig, axes = small_multiples(f, "lq", by="year", ncols=2, diverging_at=1.0, units="LQ")
    assert axes.shape == (2, 2) and not axes[1, 1].axison
    assert [ax.get_title(loc="left") for ax in axes.flat[:3]] == ["2010", "2012", "2014"]
    tops = []
    for ax in axes.flat[:3]:
        tiles = {p.get_gid(): p for p in ax.patches if p.get_gid() in set(REGIONS)}
        assert len(tiles) == 81
        tops.append(tiles["AT13"].get_facecolor())
    assert same_color(tops[0], tops[1]) and same_color(tops[1], tops[2])  # same class, colour
    hatched = {p.get_gid() for p in axes.flat[2].patches if p.get_hatch()}
    assert hatched == {"CZ06"}
    legends = [ax.get_legend() for ax in axes.flat if ax.get_legend()]
    assert len(legends) == 1
    assert legends[0].get_texts()[-1].get_text() == "No data or confidential"
    with pytest.raises(ValueError, match="kind must be one of"):
        small_multiples(f, "lq", kind="bars")
    with pytest.raises(ValueError, match="needs geometries"):
        small_multiples(f, "lq", kind="choropleth")


def test_sparklines_one_line_per_series():
    f = _by_year().filter(pl.col("region").str.starts_with("SK"))
    fig, axes = sparklines(f, y="lq", decimals=2)
    assert len(axes) == 4
    line = [ln for ln in axes[0].lines if ln.get_gid() == "spark:SK01"][0]
    assert list(line.get_xdata()) == [2010, 2012, 2014]
    last = f.filter(pl.col("region") == "SK01", pl.col("year") == 2014)["lq"][0]
    assert f"{last:.2f}" in [t.get_text() for t in axes[0].texts]


def test_bar_chart_order_highlight_reference():
    f = pl.DataFrame({"region": ["A", "B", "C"], "lq": [0.5, 2.0, None]})
    fig, ax = bar_chart(f, category="region", value="lq", highlight=["B"], reference=1.0)
    bars = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    assert bars["B"].get_width() == 2.0 and bars["B"].get_y() > bars["A"].get_y()  # top
    assert not same_color(bars["B"].get_facecolor(), bars["A"].get_facecolor())
    assert " n/a" in [t.get_text() for t in ax.texts]
    assert any(line.get_xdata()[0] == 1.0 for line in ax.lines)


def test_bubble_chart_sizes_and_dropped_rows():
    f = pl.DataFrame({"region": ["A", "B", "C", "D"], "lq": [0.5, 2.0, 1.2, None],
                      "g": [0.01, -0.02, 0.03, 0.0], "emp": [100.0, 400.0, 200.0, 50.0]})
    fig, ax = bubble_chart(f, x="lq", y="g", size="emp", label="region", labelled=["B"],
                           x_reference=1.0, y_reference=0.0)
    bubbles = [c for c in ax.collections if c.get_gid() == "bubbles"][0]
    np.testing.assert_allclose(bubbles.get_sizes(), [150.0, 600.0, 300.0])
    assert "1 row(s) with missing values not drawn" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label-")] == ["B"]


@pytest.mark.realdata
def test_flow_map_on_gisco_label_points(shared_data):
    from emerging.io.gisco import read_nuts_geojson

    points = read_nuts_geojson(shared_data / "geo" / "gisco_nuts2021_60m" /
                               "NUTS_LB_2021_4326_LEVL_2.geojson")
    fig, ax = flow_map(EDGES, points)
    arc = flows(ax)["flow:CZ06-AT13"]
    cz06 = points.set_index("region").loc["CZ06"].geometry
    assert arc._posA_posB[0] == pytest.approx((cz06.x, cz06.y))
    assert points.crs.to_epsg() == 3035
