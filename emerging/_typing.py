"""Shared type aliases and the one check for keyword options."""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeAlias, get_args

import polars as pl

Frame: TypeAlias = pl.DataFrame | pl.LazyFrame


def check_option(name: str, value: object, allowed: Collection[object] | object) -> None:
    """Raise ``ValueError("name must be one of (...); got 'x'")`` for a bad option.

    ``allowed`` is a collection of valid values or a ``typing.Literal`` type.
    """
    is_values = isinstance(allowed, Collection) and not isinstance(allowed, str)
    options = tuple(allowed) if is_values else get_args(allowed)
    if value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
