"""Tile-grid map: tiles drawn, classes, legend, hatching of missing values."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from matplotlib.colors import same_color

from emerging.codes.nuts import central_europe_table
from emerging.maps.classify import classify
from emerging.maps.tilegrid import tile_map

REGIONS = central_europe_table()["region"].to_list()


def _frame(values=None):
    rng = np.random.default_rng(1)
    v = rng.uniform(0.2, 3.0, len(REGIONS)) if values is None else values
    return pl.DataFrame({"region": REGIONS, "lq": v})


def _tiles(ax):
    return {p.get_gid(): p for p in ax.patches if p.get_gid() in set(REGIONS)}


def test_one_tile_per_region_and_known_class():
    frame = _frame().with_columns(
        pl.when(pl.col("region") == "CZ06").then(2.5).otherwise(pl.col("lq")).alias("lq")
    )
    fig, ax = tile_map(frame, "lq", classes=[0.8, 1.0, 1.25, 2.0], scheme="user",
                       diverging_at=1.0, units="LQ")
    tiles = _tiles(ax)
    assert len(tiles) == 81
    cls = classify(frame["lq"].to_numpy(), classes=[0.8, 1.0, 1.25, 2.0], scheme="user",
                   diverging_at=1.0)
    # CZ06 = 2.5 is in the top class (2.0, max]
    assert same_color(tiles["CZ06"].get_facecolor(), cls.colours[-1])
    assert tiles["CZ06"].get_hatch() is None
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == f"2.00 – {frame['lq'].max():.2f}"  # highest class first
    assert labels[-1].startswith(f"{frame['lq'].min():.2f} – ")
    assert ax.get_legend().get_title().get_text() == "LQ"
    assert len(labels) == 5  # five classes, no missing entry
    assert "Source: Eurostat" in [t.get_text() for t in fig.texts]
    # each tile is labelled with its code
    assert {t.get_text() for t in ax.texts} >= set(REGIONS)


def test_missing_and_confidential_are_hatched_and_named():
    frame = _frame().with_columns(
        pl.when(pl.col("region").is_in(["PL22", "HU11"])).then(None).otherwise(pl.col("lq"))
        .alias("lq"),
        pl.when(pl.col("region").is_in(["PL22", "HU11"])).then(pl.lit("confidential"))
        .otherwise(None).alias("lq_reason"),
    ).filter(pl.col("region") != "AT13")
    fig, ax = tile_map(frame, "lq", classes=4, diverging_at=1.0)
    tiles = _tiles(ax)
    assert len(tiles) == 81  # AT13 absent from the frame is still drawn, as missing
    hatched = {r for r, p in tiles.items() if p.get_hatch()}
    assert hatched == {"PL22", "HU11", "AT13"}
    assert tiles["PL22"].get_hatch() != tiles["AT13"].get_hatch()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Confidential: HU11, PL22" in labels
    assert "No data: AT13" in labels


def _edge(segments, a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return any(np.allclose(s, [a, b]) or np.allclose(s, [b, a]) for s in segments)


def test_country_outlines_follow_country_changes():
    table = central_europe_table()
    pos = {r: (row, col) for r, row, col in table.select("region", "tile_row", "tile_col").iter_rows()}
    where = {v: k for k, v in pos.items()}
    fig, ax = tile_map(_frame(), "lq")
    segments = [c for c in ax.collections if c.get_gid() == "country-outlines"][0].get_segments()
    checked = {"border": 0, "inner": 0}
    # every pair of horizontally adjacent tiles: an outline between them iff countries differ
    for (row, col), region in where.items():
        right = where.get((row, col + 1))
        if right is None:
            continue
        x = col + 1.0
        has = _edge(segments, (x, -row), (x, -row - 1))
        differ = region[:2] != right[:2]
        assert has == differ, (region, right)
        checked["border" if differ else "inner"] += 1
    assert checked["border"] > 5 and checked["inner"] > 20
    # the outer edge of every tile with no neighbour above is outlined
    for (row, col), region in where.items():
        if (row - 1, col) not in where:
            assert _edge(segments, (col, -row), (col + 1, -row)), region


def test_errors_and_warning():
    frame = _frame()
    with pytest.raises(ValueError, match="column 'x' not in frame"):
        tile_map(frame, "x")
    with pytest.raises(ValueError, match="several rows for regions"):
        tile_map(pl.concat([frame, frame.head(2)]), "lq")
    with pytest.raises(ValueError, match="labels must be one of"):
        tile_map(frame, "lq", labels="names")
    extra = pl.concat([frame, pl.DataFrame({"region": ["FR10"], "lq": [1.0]})])
    with pytest.warns(UserWarning, match="1 region"):
        tile_map(extra, "lq")


def test_draws_into_given_axes_without_window():
    from emerging.maps.style import new_figure

    fig, axes = new_figure("slide", ncols=2)
    f2, ax = tile_map(_frame(), "lq", ax=axes[1], labels="code+value")
    assert f2 is fig and ax is axes[1]
    assert len(_tiles(axes[1])) == 81 and len(_tiles(axes[0])) == 0
    assert fig.texts == []  # no source line when drawing into a given Axes
