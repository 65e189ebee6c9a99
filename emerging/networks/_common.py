"""Small helpers shared by the networks modules: option checks and single-slice edges."""

from __future__ import annotations

from typing import get_args

import polars as pl

from emerging._schema import validate_edges


def check_option(name: str, value, kind) -> None:
    """Raise ValueError naming the valid options of a ``Literal`` type."""
    options = get_args(kind)
    if value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")


def one_slice(edges: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Validate an Edges frame and require a single ``year`` and ``layer`` (if present)."""
    frame = validate_edges(edges)
    for col in ("year", "layer"):
        if col in frame.columns and frame[col].n_unique() > 1:
            raise ValueError(
                f"edges hold several {col}s ({frame[col].n_unique()}); pass one slice, e.g. "
                f"edges.filter(pl.col({col!r}) == ...), or pool them first"
            )
    return frame
