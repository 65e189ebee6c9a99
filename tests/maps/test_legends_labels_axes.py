"""What the tutorials showed readers: missing regions named, no empty legend class, labels
that never overprint, whole years and readable log axes; and the ChoroplethStyle object."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import polars as pl
import pytest
from matplotlib.colors import same_color

from emerging.codes.nuts import central_europe_table
from emerging.maps import ChoroplethStyle, tile_map
from emerging.maps.axes import minor_log_label
from emerging.maps.classify import missing_label, missing_note

matplotlib.use("Agg")
REGIONS = central_europe_table()["region"].to_list()


def _boxes(fig, artists):
    """Boxes of the texts themselves (an Annotation's own box includes its leader line)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [Text.get_window_extent(a, renderer) for a in artists]


def _overlapping(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


# ---------------------------------------------------------------- missing regions named
def test_missing_note_names_what_the_legend_only_counts():
    miss = {"No data": ("////", ["HR02", "HR05", "HR06", "HU11", "HU12", "PL91", "PL92"]),
            "Confidential": ("\\\\", ["SK02"])}
    assert missing_note(miss) == "No data: HR02, HR05, HR06, HU11, HU12, PL91, PL92"
    assert missing_note(miss, list_up_to=3) == "No data: HR02, HR05, HR06 and 4 more"
    assert missing_note({"Confidential": ("////", ["SK02", "PL22"])}) is None  # legend names them
    assert missing_label("No data", ["A", "B", "C", "D"], listed=True) == \
        "No data (4 regions, listed below)"


def test_tile_map_names_its_missing_regions_under_the_map():
    gone = ["HR02", "HR05", "HR06", "HU11", "HU12", "PL91", "PL92"]
    frame = pl.DataFrame({"region": [r for r in REGIONS if r not in gone],
                          "v": np.linspace(1, 2, len(REGIONS) - len(gone))})
    fig, ax = tile_map(frame, "v", source="Source: test")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "No data (7 regions, listed below)" in legend
    line = " ".join(t.get_text() for t in fig.texts)
    assert "No data: HR02, HR05, HR06, HU11, HU12, PL91, PL92" in line and "Source: test" in line


def test_a_few_missing_regions_stay_in_the_legend_and_list_missing_zero_counts_only():
    frame = pl.DataFrame({"region": REGIONS[2:], "v": np.linspace(1, 2, len(REGIONS) - 2)})
    fig, ax = tile_map(frame, "v", source=None)
    assert f"No data: {', '.join(sorted(REGIONS[:2]))}" in [
        t.get_text() for t in ax.get_legend().get_texts()]
    assert not fig.texts  # nothing to add under the map, and no source asked for
    few = pl.DataFrame({"region": REGIONS[10:], "v": np.linspace(1, 2, len(REGIONS) - 10)})
    fig, ax = tile_map(few, "v", style=ChoroplethStyle(list_missing=0), source=None)
    assert "No data (10 regions)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert not fig.texts


# ---------------------------------------------------------------- ChoroplethStyle
def test_style_object_equals_the_keywords_and_keywords_win():
    rng = np.random.default_rng(3)
    frame = pl.DataFrame({"region": REGIONS, "lq": rng.uniform(0.2, 3.0, len(REGIONS))})
    look = ChoroplethStyle(classes=[0.8, 1.0, 1.25, 2.0], scheme="user", diverging_at=1.0,
                           units="LQ")
    _, by_style = tile_map(frame, "lq", style=look)
    _, by_keywords = tile_map(frame, "lq", classes=[0.8, 1.0, 1.25, 2.0], scheme="user",
                              diverging_at=1.0, units="LQ")
    for a, b in zip(by_style.patches, by_keywords.patches, strict=True):
        assert a.get_gid() == b.get_gid() and same_color(a.get_facecolor(), b.get_facecolor())
    assert by_style.get_legend().get_title().get_text() == "LQ"
    _, overridden = tile_map(frame, "lq", style=look, units="LQ (employment)", legend=True)
    assert overridden.get_legend().get_title().get_text() == "LQ (employment)"
    _, quiet = tile_map(frame, "lq", style=look, legend=False)
    assert quiet.get_legend() is None
    assert look.classes == (0.8, 1.0, 1.25, 2.0) and hash(look)  # frozen and hashable
    with pytest.raises(TypeError, match="ChoroplethStyle"):
        tile_map(frame, "lq", style={"scheme": "user"})
    with pytest.raises(ValueError, match="list_missing"):
        ChoroplethStyle(list_missing=-1)


# ---------------------------------------------------------------- risk-reward legend
def test_risk_reward_legend_lists_only_quadrants_with_candidates():
    from emerging.maps.relatedness_plots import plot_risk_reward

    quadrants = ("low risk, high reward", "high risk, high reward", "low risk, low reward",
                 "high risk, low reward")
    candidates = pl.DataFrame({
        "industry": ["C20", "C21", "C22", "C23", "C24", "C25"],
        "density": [60.0, 59.5, 59.8, 40.0, 41.0, 55.0],
        "pci": [1.0, 1.02, 0.98, -1.0, -1.2, -0.5],
        "quadrant": [quadrants[0]] * 3 + [quadrants[3]] * 2 + [quadrants[2]],
    })  # nothing is "high risk, high reward"
    result = SimpleNamespace(candidates=candidates, density_split=50.0, pci_split=0.0,
                             region="CZ06", year=2014)
    fig, ax = plot_risk_reward(result, quadrants=quadrants, label=6)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["low risk, high reward (3)", "low risk, low reward (1)",
                     "high risk, low reward (2)"]
    labels = [a for a in ax.texts if (a.get_gid() or "").startswith("label-")]
    assert len(labels) == 6
    assert _overlapping(_boxes(fig, labels)) == []  # C20, C21, C22 sit almost on one spot


# ---------------------------------------------------------------- industry space labels
def test_industry_space_labels_the_top_nodes_without_overprinting(demo_data):
    import emerging
    from emerging.networks.industry_space import industry_space

    panel = demo_data.panel.filter(pl.col("year") == 2020)
    space = industry_space(emerging.proximity(panel))
    present = emerging.location_quotient(panel).filter(
        pl.col("region") == "CZ06", pl.col("lq") >= 1)["industry"].to_list()
    fig, ax = space.plot(present=present)
    labels = [a for a in ax.texts if (a.get_gid() or "").startswith("label-")]
    n_nodes = space.graph.number_of_nodes()
    assert len(labels) == min(30, n_nodes)
    named = {a.get_text() for a in labels}
    # the specialisations are labelled first: all of them when there are fewer than 30
    assert (named <= set(present)) if len(present) >= 30 else (named >= set(present))
    assert _overlapping(_boxes(fig, labels)) == []
    assert f"30 of {n_nodes} labelled" in ax.get_title(loc="left")
    fig, ax = space.plot(labels=5)
    assert len([a for a in ax.texts if (a.get_gid() or "").startswith("label-")]) == 5


# ---------------------------------------------------------------- axes
def test_minor_log_labels_only_two_and_five_and_only_with_room():
    assert minor_log_label(0.2, 300) and minor_log_label(5.0, 300) and minor_log_label(50, 300)
    assert not minor_log_label(3.0, 300) and not minor_log_label(0.7, 300)
    assert not minor_log_label(2.0, 60)  # log10(2) * 60 px = 18 px: too tight
    assert minor_log_label(2.0, 100)  # 30.1 px


def test_portfolio_log_axis_labels_do_not_overprint(demo_data):
    import emerging

    chart = emerging.portfolio(demo_data.panel, start=2015, end=2020)
    region = chart.table.drop_nulls("quadrant")["region"][0]
    fig, ax = chart.plot(region=region)
    fig.canvas.draw()
    ticks = [t.label1 for t in (*ax.xaxis.get_major_ticks(), *ax.xaxis.get_minor_ticks())
             if t.label1.get_visible() and t.label1.get_text()
             and ax.get_xlim()[0] <= t.get_loc() <= ax.get_xlim()[1]]
    assert len(ticks) >= 2
    assert _overlapping(_boxes(fig, ticks)) == []
    texts = {t.get_text() for t in ticks}
    assert "1" in texts and not texts & {"0.3", "0.4", "0.6", "0.7", "0.8", "0.9", "3", "4"}


def test_sigma_convergence_axis_shows_whole_years_and_names_industries():
    from emerging.trends import sigma_convergence

    rows = [(f"CZ0{r}", ind, year, float(10 + r * (3 if ind == "C29" else 1) + year - 2010))
            for r in range(1, 6) for ind in ("C29", "J62") for year in range(2010, 2015)]
    panel = pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row")
    fig, ax = sigma_convergence(panel, measure="value", by="industry").plot()
    fig.canvas.draw()
    lo, hi = ax.get_xlim()
    shown = [x for x in ax.get_xticks() if lo <= x <= hi]
    assert shown and all(float(x).is_integer() for x in shown)
    assert {t.get_text() for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi} \
        <= {str(y) for y in range(2009, 2016)}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("C29 Manufacture of motor vehicles")
    assert ax.get_ylabel() == "s.d. of log value across regions"


def test_no_legend_no_missing_note_small_multiples_share_one_key():
    from emerging.maps import small_multiples

    gone = set(REGIONS[:6])
    rows = [(r, y, float(i)) for y in (2013, 2014) for i, r in enumerate(REGIONS) if r not in gone]
    frame = pl.DataFrame(rows, schema=["region", "year", "v"], orient="row")
    fig, axes = small_multiples(frame, "v", by="year", ncols=2, source="Source: test")
    assert not any(t.get_gid() == "map-note" for ax in axes.flat for t in ax.texts)
    _, ax = tile_map(frame.filter(pl.col("year") == 2014), "v", legend=False, source=None)
    assert ax.get_legend() is None and not ax.figure.texts


def test_small_multiples_take_the_style_object():
    from emerging.maps import small_multiples

    rows = [(r, y, float(i % 7) + y - 2013) for y in (2013, 2014) for i, r in enumerate(REGIONS)]
    frame = pl.DataFrame(rows, schema=["region", "year", "v"], orient="row")
    look = ChoroplethStyle(classes=[2.0, 4.0, 6.0], scheme="user", units="index")
    fig, axes = small_multiples(frame, "v", by="year", ncols=2, style=look)
    legend = next(ax.get_legend() for ax in axes.flat if ax.get_legend() is not None)
    assert legend.get_title().get_text() == "index"
    assert len(legend.get_texts()) == 4  # three breaks and the maximum: four classes


def test_shift_share_bars_and_beta_fit_are_named_and_precise():
    import emerging
    from emerging.trends import beta_convergence

    rows = [(r, ind, y, float(100 + 10 * k + (y - 2010) * (k + 1) * (2 if ind == "C29" else 1)))
            for k, r in enumerate(["CZ01", "CZ06", "CZ07"]) for ind in ("C29", "J62")
            for y in (2010, 2012, 2014)]
    panel = pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row")
    _, ax = emerging.shift_share(panel, start=2010, end=2014, reference="country").plot()
    ticks = {t.get_text() for t in ax.get_xticklabels()}
    assert {"CZ01 Praha", "CZ06 Jihovýchod", "CZ07 Střední Morava"} <= ticks
    beta = beta_convergence(panel, start=2010, end=2014, measure="value", by="industry")
    _, ax = beta.plot(group="C29")
    entry = ax.get_legend().get_texts()[0].get_text()
    row = beta.table.filter(pl.col("group") == "C29").row(0, named=True)
    assert entry == f"β = {row['beta']:+.4f} (p = {row['p_value']:.2g})"
    assert ax.get_title(loc="left").startswith("Beta convergence: C29 Manufacture of motor")
