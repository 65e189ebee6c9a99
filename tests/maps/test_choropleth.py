"""Choropleths on the real GISCO geometries: regions drawn, classes, legend, hatching, extent."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from matplotlib.colors import same_color

from emerging.codes.nuts import central_europe_2021_2027
from emerging.maps._choropleth import choropleth
from emerging.maps.classify import classify

pytestmark = pytest.mark.realdata
CE = sorted(central_europe_2021_2027())


@pytest.fixture(scope="module")
def nuts(shared_data):
    from emerging.io.gisco import load_nuts

    folder = shared_data / "geo" / "gisco_nuts2021_60m"
    return {lv: load_nuts(level=lv, scale="60M", folder=folder, download=False) for lv in (0, 2, 3)}


def lq_frame(seed=1):
    rng = np.random.default_rng(seed)
    return pl.DataFrame({"region": CE, "lq": np.round(np.exp(rng.normal(0, 0.5, len(CE))), 3)})


def drawn(ax):
    return {p.get_gid(): p for p in ax.patches if p.get_gid()}


def test_central_europe_regions_classes_and_legend(nuts):
    frame = lq_frame().with_columns(
        pl.when(pl.col("region") == "CZ06").then(3.0).otherwise(pl.col("lq")).alias("lq")
    )
    fig, ax = choropleth(frame, nuts[2], "lq", classes=[0.8, 1.0, 1.25, 2.0], scheme="user",
                         diverging_at=1.0, units="LQ (persons employed)")
    regions = drawn(ax)
    assert set(regions) == set(CE) and len(regions) == 81
    cls = classify(frame["lq"].to_numpy(), classes=[0.8, 1.0, 1.25, 2.0], scheme="user",
                   diverging_at=1.0)
    assert same_color(regions["CZ06"].get_facecolor(), cls.colours[-1])  # 3.0 > 2.0: top class
    # a region with LQ at or below 0.8 gets the darkest blue
    low = frame.filter(pl.col("lq") <= 0.8)["region"][0]
    assert same_color(regions[low].get_facecolor(), cls.colours[0])
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "LQ (persons employed)"
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0] == "2.00 – 3.00" and texts[-1].endswith(" – 0.80")
    assert len(texts) == 5 and not any(regions[r].get_hatch() for r in regions)
    assert any("EuroGeographics" in t.get_text() for t in fig.texts)


def test_missing_regions_hatched_and_named(nuts):
    frame = lq_frame().with_columns(
        pl.when(pl.col("region").is_in(["PL22", "SK02"])).then(None).otherwise(pl.col("lq"))
        .alias("lq"),
        pl.when(pl.col("region").is_in(["PL22", "SK02"])).then(pl.lit("confidential"))
        .alias("lq_reason"),
    ).filter(pl.col("region") != "DE30")
    fig, ax = choropleth(frame, nuts[2], "lq", diverging_at=1.0)
    regions = drawn(ax)
    assert len(regions) == 81
    assert {r for r, p in regions.items() if p.get_hatch()} == {"PL22", "SK02", "DE30"}
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Confidential: PL22, SK02" in texts and "No data: DE30" in texts


def test_crs_extent_and_context(nuts):
    fig, ax = choropleth(lq_frame(), nuts[2], "lq")
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    area = nuts[2][nuts[2]["region"].isin(CE)]
    bx0, by0, bx1, by1 = area.total_bounds
    assert xmin < bx0 and xmax > bx1 and ymin < by0 and ymax > by1
    # EPSG:3035 metres: Central Europe spans roughly x 3.9-5.7e6, y 2.2-3.7e6; Paris is outside
    assert 3.7e6 < xmin < 4.1e6 and 5.2e6 < xmax < 5.9e6
    paris = nuts[2].set_index("region").loc["FR10"].geometry.representative_point()
    assert paris.x < xmin
    context = [c for c in ax.collections if c.get_gid() == "context"]
    assert context and len(context[0].get_paths()) > 20  # neighbouring regions in grey
    assert same_color(context[0].get_facecolor()[0], "#e6e6e6")


def test_overseas_regions_cropped_and_noted(nuts):
    frame = pl.DataFrame({"region": nuts[2]["region"].to_list(), "v": np.arange(334.0)})
    fig, ax = choropleth(frame, nuts[2], "v", area="all", context=False)
    regions = drawn(ax)
    overseas = {"FRY1", "FRY2", "FRY3", "FRY4", "FRY5", "ES70", "PT20", "PT30",
                "NO0B"}  # Jan Mayen and Svalbard
    assert not overseas & set(regions)
    assert len(regions) == 334 - len(overseas)
    note = " ".join(t.get_text() for t in fig.texts)
    assert "Not shown (outside mainland Europe)" in note and "ES70" in note
    assert ax.get_ylim()[0] > 1.0e6  # the Canaries (y ~ 1.0e6) are not in the extent


def test_nuts3_and_level0(nuts):
    n3 = nuts[3]
    ce3 = n3[n3["region"].str.slice(0, 4).isin(CE)]["region"].to_list()
    frame = pl.DataFrame({"region": ce3, "v": np.linspace(0, 1, len(ce3))})
    fig, ax = choropleth(frame, n3, "v", scheme="fisher_jenks", classes=4)
    assert len(drawn(ax)) == len(ce3) > 400
    countries = pl.DataFrame({"region": ["AT", "CZ", "SK", "HU"], "v": [1.0, 2.0, 3.0, 4.0]})
    fig, ax = choropleth(countries, nuts[0], "v", area="data", classes=[1, 2, 3, 4],
                         scheme="user")
    assert set(drawn(ax)) == {"AT", "CZ", "SK", "HU"}


def test_older_codes_drawn_by_dissolving(nuts):
    frame = lq_frame().filter(~pl.col("region").is_in(["PL91", "PL92"]))
    frame = pl.concat([frame, pl.DataFrame({"region": ["PL12"], "lq": [1.7]})])
    crosswalk = pl.DataFrame({"old_code": ["PL12", "PL12"], "new_code": ["PL91", "PL92"]})
    fig, ax = choropleth(frame, nuts[2], "lq", area="data", crosswalk=crosswalk)
    regions = drawn(ax)
    assert "PL12" in regions and "PL91" not in regions and "PL92" not in regions
    # the dissolved polygon covers both current regions
    g = nuts[2].set_index("region")
    expected = g.loc["PL91"].geometry.area + g.loc["PL92"].geometry.area
    from emerging.maps.geometry import dissolve_to_old_codes

    old = dissolve_to_old_codes(nuts[2], crosswalk).set_index("region")
    assert old.loc["PL12"].geometry.area == pytest.approx(expected, rel=1e-3)
    assert old.loc["PL12", "nuts_source"] == "PL91+PL92"
    with pytest.warns(UserWarning, match="no polygon"):
        choropleth(pl.concat([frame, pl.DataFrame({"region": ["HU10"], "lq": [1.0]})]),
                   nuts[2], "lq", area="data", crosswalk=crosswalk)


def test_labels_do_not_overlap(nuts):
    dense = ["AT13", "AT12", "AT11", "SK01", "CZ06", "HU22", "HU11", "HU12", "SI04", "HR05"]
    fig, ax = choropleth(lq_frame(), nuts[2], "lq", labels=dense)
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert {t.get_gid() for t in labels} == {f"label-{r}" for r in dense}
    renderer = fig.canvas.get_renderer()
    from matplotlib.text import Text

    for t in labels:
        t.update_positions(renderer)
    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # text only, not leader line
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
                if boxes[i].overlaps(boxes[j])]
    assert overlaps == []


def test_bad_input(nuts):
    frame = lq_frame()
    with pytest.raises(ValueError, match="EPSG:3035"):
        choropleth(frame, nuts[2].to_crs(4326), "lq")
    with pytest.raises(ValueError, match="mixes NUTS levels"):
        choropleth(pl.concat([frame, pl.DataFrame({"region": ["CZ"], "lq": [1.0]})]),
                   nuts[2], "lq")
    with pytest.raises(ValueError, match="several rows"):
        choropleth(pl.concat([frame, frame.head(1)]), nuts[2], "lq")
    with pytest.raises(ValueError, match="area must be one of"):
        choropleth(frame, nuts[2], "lq", area="europe")
    with pytest.raises(ValueError, match="cannot label"):
        choropleth(frame, nuts[2], "lq", labels=["FR10"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        choropleth(frame, nuts[2], "lq")  # clean input: no warning


def test_nuts2016_geometry_programme_area(shared_data):
    from emerging.io.gisco import load_nuts

    g16 = load_nuts(level=2, year=2016, scale="20M",
                    folder=shared_data / "geo" / "gisco_nuts2016_20m", download=False)
    area16 = sorted((set(CE) - {"HR02", "HR05", "HR06"}) | {"HR04"})  # HR04 split in 2021
    frame = pl.DataFrame({"region": area16, "v": np.arange(len(area16), dtype=float)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every 2016 code has a polygon
        fig, ax = choropleth(frame, g16, "v")
    assert set(drawn(ax)) == set(area16) and len(area16) == 79
    g3 = load_nuts(level=3, year=2016, scale="20M",
                   folder=shared_data / "geo" / "gisco_nuts2016_20m", download=False)
    hr04 = g3[g3["region"].str.startswith("HR04")]["region"].tolist()
    frame3 = pl.DataFrame({"region": hr04, "v": np.arange(len(hr04), dtype=float)})
    fig, ax = choropleth(frame3, g3, "v")
    assert set(hr04) <= set(drawn(ax))  # 2016 NUTS-3 of Kontinentalna Hrvatska in the area


def test_harmonise_report_as_crosswalk(nuts):
    # the report layout of emerging.codes.harmonise: split units kept in their old code
    report = pl.DataFrame({
        "code": ["PL12", "PL11", "HU10"],
        "status": ["split_aggregated", "recoded", "split_aggregated"],
        "targets": ["PL91, PL92", "PL71", "HU11, HU12"],
    })
    from emerging.maps.geometry import split_crosswalk

    pairs = split_crosswalk(report).sort("new_code")
    assert pairs.rows() == [("HU10", "HU11"), ("HU10", "HU12"), ("PL12", "PL91"),
                            ("PL12", "PL92")]
    frame = pl.DataFrame({"region": ["PL12", "HU10", "CZ01"], "v": [1.0, 2.0, 3.0]})
    fig, ax = choropleth(frame, nuts[2], "v", area="data", crosswalk=report)
    assert set(drawn(ax)) == {"PL12", "HU10", "CZ01"}
    with pytest.raises(ValueError, match="harmonise"):
        split_crosswalk(pl.DataFrame({"x": [1]}))


def test_many_missing_regions_are_named_under_the_map(nuts):
    gone = ["HR02", "HR05", "HR06", "HU11", "HU12", "PL91", "PL92"]  # the NUTS 2021 splits
    frame = lq_frame().filter(~pl.col("region").is_in(gone))
    fig, ax = choropleth(frame, nuts[2], "lq", source="Source: test")
    assert {r for r, p in drawn(ax).items() if p.get_hatch()} == set(gone)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "No data (7 regions, listed below)" in legend
    line = " ".join(t.get_text() for t in fig.texts)
    assert "No data: HR02, HR05, HR06, HU11, HU12, PL91, PL92" in line
    assert line.endswith("Source: test")


def test_style_object_and_keywords_draw_the_same_choropleth(nuts):
    from emerging.maps import ChoroplethStyle

    look = ChoroplethStyle(classes=[0.8, 1.0, 1.25, 2.0], scheme="user", diverging_at=1.0,
                           units="LQ")
    _, a = choropleth(lq_frame(), nuts[2], "lq", style=look, context=False)
    _, b = choropleth(lq_frame(), nuts[2], "lq", classes=[0.8, 1.0, 1.25, 2.0], scheme="user",
                      diverging_at=1.0, units="LQ", context=False)
    pa, pb = drawn(a), drawn(b)
    assert pa.keys() == pb.keys()
    assert all(same_color(pa[r].get_facecolor(), pb[r].get_facecolor()) for r in pa)
    assert a.get_legend().get_title().get_text() == "LQ"
