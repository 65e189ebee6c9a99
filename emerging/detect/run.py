"""What the ``emerging detect`` and ``emerging backtest`` commands compute (no file I/O here:
the command line reads the panel and writes the outputs).

A detection config (TOML, ``--config detect.toml``) may hold these keys, each optional::

    model = "composite"          # default | persistence | composite | logit | gbm
    preset = "balanced"          # feasible | balanced | ambitious
    window = 5                   # years of signals
    horizon = 3                  # years ahead
    [weights]                    # your own composite weights (add up to 1)
    lq = 0.6
    density = 0.4
    [classes]                    # thresholds of the classes (emerging.detect.classes)
    emerging_share = 0.05
    size_floor = 25
    traded_only = true
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence

import polars as pl

from emerging._schema import REGION

_TOP_KEYS = {"model", "preset", "window", "horizon", "weights", "classes"}
_CLASS_KEYS = {"emerging_share", "size_floor", "traded_only", "level"}


def parse_config(text: str, *, source: str = "config") -> dict:
    """Read a detection config (module docstring); unknown keys raise with the known ones."""
    data = tomllib.loads(text)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"{source} has unknown keys {sorted(unknown)}; known keys: "
                         f"{sorted(_TOP_KEYS)}")
    unknown = set(data.get("classes", {})) - _CLASS_KEYS
    if unknown:
        raise ValueError(f"{source} [classes] has unknown keys {sorted(unknown)}; known keys: "
                         f"{sorted(_CLASS_KEYS)}")
    return data


def select_regions(panel: pl.DataFrame, regions: str | None) -> pl.DataFrame:
    """Keep a named region set or comma-separated codes (None: every region)."""
    if regions is None:
        return panel
    from emerging.pipeline import resolve_regions

    wanted = resolve_regions(regions, panel[REGION].unique().to_list())
    return panel.filter(pl.col(REGION).is_in(wanted))


def detect(
    panel: pl.DataFrame,
    *,
    as_of: int,
    window: int | None = None,
    horizon: int | None = None,
    regions: str | None = None,
    preset: str | None = None,
    model: str | None = None,
    config: dict | None = None,
    neighbours: pl.DataFrame | None = None,
):
    """Signals, scores and classes of ``panel`` as of ``as_of`` (options override config)."""
    from emerging.detect.classes import ClassRules
    from emerging.detect.score import emergence_scores
    from emerging.detect.signals import emergence_signals

    cfg = config or {}
    frame = select_regions(panel, regions)
    signals = emergence_signals(frame, as_of=as_of, window=window or cfg.get("window", 5),
                                neighbours=neighbours)
    weights = cfg.get("weights")
    chosen = model or cfg.get("model") or ("composite" if (preset or weights) else "default")
    return emergence_scores(
        signals, model=chosen, preset=preset or cfg.get("preset"), weights=weights,
        panel=frame, horizon=horizon or cfg.get("horizon", 3),
        rules=ClassRules(**cfg.get("classes", {})),
    )


def run_backtest(
    panel: pl.DataFrame,
    *,
    horizon: int,
    window: int = 3,
    outcome: str = "entry",
    as_of: Sequence[int] | None = None,
    regions: str | None = None,
    n_boot: int = 200,
    data: str = "panel",
    neighbours: pl.DataFrame | None = None,
):
    """The backtest of the command line (every score beside the baselines)."""
    from emerging.detect._backtest import backtest

    return backtest(select_regions(panel, regions), as_of=as_of, horizon=horizon, window=window,
                    outcome=outcome, n_boot=n_boot, data=data, neighbours=neighbours)
