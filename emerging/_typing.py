"""Shared type aliases (the option check lives in :mod:`emerging._checks`)."""

from __future__ import annotations

from typing import TypeAlias

import polars as pl

from emerging._checks import check_option  # noqa: F401  (re-exported: older imports)

Frame: TypeAlias = pl.DataFrame | pl.LazyFrame
