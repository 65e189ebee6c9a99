"""Random log-linear trend panels shared by the trend tests."""

from __future__ import annotations

import numpy as np
import polars as pl


def trend_panel(rng: np.random.Generator, regions: list[str], *, industries: int, years: range,
                level: tuple[float, float], sd: tuple[float, float],
                p_zero: float, p_null: float) -> pl.DataFrame:
    """Every region x ``C10``.. x year row: ``exp(level + slope * t + noise)`` rounded to
    0.1 (level uniform in ``level``, slope and noise normal with the two ``sd``), with a
    share ``p_zero`` of zeros and ``p_null`` of nulls (unknown)."""
    n_i, n_t, start = industries, len(years), years.start
    slope_sd, noise_sd = sd
    grid = pl.DataFrame({"region": regions}).join(
        pl.DataFrame({"industry": [f"C{10 + i}" for i in range(n_i)]}), how="cross"
    ).join(pl.DataFrame({"year": np.arange(start, start + n_t, dtype=np.int32)}), how="cross")
    n = grid.height
    lvl = np.repeat(rng.uniform(*level, n // n_t), n_t)
    slope = np.repeat(rng.normal(0, slope_sd, n // n_t), n_t)
    t = grid["year"].to_numpy() - start
    value = np.exp(lvl + slope * t + rng.normal(0, noise_sd, n)).round(1)
    value[rng.random(n) < p_zero] = 0.0
    value = np.where(rng.random(n) < p_null, np.nan, value)
    return grid.with_columns(pl.Series("value", value).fill_nan(None))
