"""Small helpers shared by the networks modules: option checks and single-slice edges."""

from __future__ import annotations

import polars as pl

from emerging._schema import validate_edges
from emerging._typing import check_option  # noqa: F401  (re-exported for this subpackage)


def validate_layered(edges: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """validate_edges, per ``layer`` when there is one (the contract's key is source,
    target[, year]; thematic layers repeat pairs across layers)."""
    frame = edges.collect() if isinstance(edges, pl.LazyFrame) else edges
    if "layer" not in frame.columns:
        return validate_edges(frame)
    return pl.concat(
        [
            validate_edges(group, what=f"edges of layer {key[0]!r}")
            for key, group in frame.group_by("layer", maintain_order=True)
        ]
    )


def one_slice(edges: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Validate an Edges frame and require a single ``year`` and ``layer`` (if present)."""
    frame = validate_layered(edges)
    for col in ("year", "layer"):
        if col in frame.columns and frame[col].n_unique() > 1:
            raise ValueError(
                f"edges hold several {col}s ({frame[col].n_unique()}); pass one slice, e.g. "
                f"edges.filter(pl.col({col!r}) == ...), or pool them first"
            )
    return frame
