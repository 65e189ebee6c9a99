"""Shared type aliases."""

from __future__ import annotations

from typing import TypeAlias

import polars as pl

Frame: TypeAlias = pl.DataFrame | pl.LazyFrame
