"""Image comparisons against small baseline PNGs (100 dpi) in tests/maps/baseline/.

Regenerate after an intended change of the look with
``EMERGING_UPDATE_BASELINES=1 pytest tests/maps/test_images.py`` and look at the new images
before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from emerging.codes.nuts import central_europe_table
from emerging.maps.style import save_figure

BASELINE = Path(__file__).parent / "baseline"
UPDATE = os.environ.get("EMERGING_UPDATE_BASELINES") == "1"
TOLERANCE = 12.0  # RMS difference on 0-255 grey levels; fonts/antialiasing vary a little


def _lq_frame() -> pl.DataFrame:
    regions = central_europe_table()["region"].to_list()
    values = np.exp(np.sin(np.arange(len(regions)) * 1.7) * 0.9)  # deterministic spread
    frame = pl.DataFrame({"region": regions, "lq": np.round(values, 3)})
    return frame.with_columns(
        pl.when(pl.col("region") == "PL22").then(None).otherwise(pl.col("lq")).alias("lq"),
        pl.when(pl.col("region") == "PL22").then(pl.lit("confidential")).alias("lq_reason"),
    )


def _compare(fig, name: str, tmp_path: Path) -> None:
    from matplotlib.testing.compare import compare_images

    expected = BASELINE / f"{name}.png"
    if UPDATE:
        save_figure(fig, expected, formats=("png",), dpi=100)
        pytest.skip(f"baseline {expected.name} rewritten")
    if not expected.exists():
        pytest.fail(f"baseline {expected} missing: run with EMERGING_UPDATE_BASELINES=1")
    actual = save_figure(fig, tmp_path / name, formats=("png",), dpi=100)[0]
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result


def test_tile_map_image(tmp_path):
    from emerging.maps.tilegrid import tile_map

    fig, _ = tile_map(_lq_frame(), "lq", classes=[0.5, 0.8, 1.0, 1.25, 2.0], scheme="user",
                      diverging_at=1.0, units="LQ", title="Tile map", size=(5.0, 3.6))
    _compare(fig, "tile_map_lq", tmp_path)


def test_comparison_catches_a_changed_palette(tmp_path):
    """The tolerance is tight enough to see a sequential palette instead of a diverging one."""
    from matplotlib.testing.compare import compare_images

    from emerging.maps.tilegrid import tile_map

    fig, _ = tile_map(_lq_frame(), "lq", classes=[0.5, 0.8, 1.0, 1.25, 2.0], scheme="user",
                      units="LQ", title="Tile map", size=(5.0, 3.6))
    actual = save_figure(fig, tmp_path / "changed", formats=("png",), dpi=100)[0]
    assert compare_images(str(BASELINE / "tile_map_lq.png"), str(actual), tol=TOLERANCE)


@pytest.mark.realdata
def test_choropleth_image(shared_data, tmp_path):
    from emerging.io.gisco import load_nuts
    from emerging.maps._choropleth import choropleth

    geoms = load_nuts(level=2, scale="60M", folder=shared_data / "geo" / "gisco_nuts2021_60m",
                      download=False)
    fig, _ = choropleth(_lq_frame(), geoms, "lq", classes=[0.5, 0.8, 1.0, 1.25, 2.0],
                        scheme="user", diverging_at=1.0, units="LQ", title="Choropleth",
                        labels=["AT13", "CZ01", "HU11"], size=(5.0, 3.8))
    _compare(fig, "choropleth_lq", tmp_path)


def test_bar_chart_image(tmp_path):
    from emerging.maps.charts import bar_chart

    frame = _lq_frame().filter(pl.col("region").str.starts_with("CZ"))
    fig, _ = bar_chart(frame, category="region", value="lq", highlight=["CZ06"],
                       reference=1.0, units="LQ", title="Bar chart")
    _compare(fig, "bar_chart_lq", tmp_path)
