"""Dividing a split region's values between its successors (``harmonise(splits="apportion")``).

A unit :math:`S` that a NUTS revision split into :math:`T_1, \\dots, T_k` has, for the years
before the split, only its own value :math:`v_S`. Apportioning writes the estimate

.. math::

    \\hat v_{T_j} = w_j \\, v_S, \\qquad w_j = \\frac{u_j}{\\sum_i u_i}

where :math:`u_j` is a weight of :math:`T_j`:

* by default the value of :math:`T_j` itself in the first year in which every successor
  has a value in the panel, industry by industry (``basis = "panel, industry, <year>"``);
  for an industry without such a year, the successors' totals over the industries all of
  them report in the first year they all report one (``basis = "panel, total, <year>"``);
* or a weight the user passes (a frame with ``region``, ``weight`` and optionally
  ``industry``), such as population or total employment of the successors
  (``basis = "weights"``).

The estimates sum to :math:`v_S` exactly. They assume the successors' shares were constant
over time; they are flagged (``estimated``) and listed in the report, never passed off as
observations. A real value of a successor always wins over an estimate for the same key.
"""

from __future__ import annotations

import math

import polars as pl

from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, SchemaError


def _check_weights(weights: pl.DataFrame, groups: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    if isinstance(weights, pl.LazyFrame):
        weights = weights.collect()
    if not isinstance(weights, pl.DataFrame):
        raise TypeError(
            f"weights must be a polars DataFrame with columns 'region' and 'weight'; got "
            f"{type(weights).__name__}"
        )
    missing = [c for c in (REGION, "weight") if c not in weights.columns]
    if missing:
        raise SchemaError(
            f"weights lacks column(s) {missing}; found {weights.columns}. Pass a frame with "
            "'region' (the new units, e.g. HU11, HU12) and 'weight' (e.g. population), and "
            "optionally 'industry'."
        )
    keys = [REGION] + ([INDUSTRY] if INDUSTRY in weights.columns else [])
    frame = weights.select(*keys, pl.col("weight").cast(pl.Float64, strict=False))
    bad = frame.filter(pl.col("weight").is_null() | ~pl.col("weight").is_finite() | (pl.col("weight") < 0))
    if bad.height:
        raise SchemaError(
            f"weights column 'weight': expected finite numbers >= 0, found {bad.height} other "
            f"value(s), e.g. {bad.head(3).to_dicts()}. Fix or drop those rows."
        )
    if frame.select(pl.struct(keys).is_duplicated().any()).item():
        raise SchemaError(f"weights has duplicated keys on {keys}; give one weight per key")
    given = set(frame[REGION].to_list())
    for source, targets in groups.items():
        absent = [t for t in targets if t not in given]
        if absent and len(absent) < len(targets):
            raise SchemaError(
                f"weights has no weight for {absent}; {source} is divided among all its new "
                f"units, so give a weight for each of {list(targets)}"
            )
    return frame


_WEIGHTS_SCHEMA = {
    "_source": pl.String,
    "_target": pl.String,
    INDUSTRY: pl.String,
    "_w": pl.Float64,
    "basis": pl.String,
}


def split_weights(
    candidates: pl.DataFrame, groups: dict[str, tuple[str, ...]], weights: pl.DataFrame | None
) -> pl.DataFrame:
    """Weights ``_source, _target, industry (null = any), _w, basis`` for every split source.

    ``candidates``: the mapped rows (``_target``, ``industry``, ``year``, ``value``).
    """
    pairs = pl.DataFrame(
        [(s, t, len(ts)) for s, ts in groups.items() for t in ts],
        schema={"_source": pl.String, "_target": pl.String, "_k": pl.Int32},
        orient="row",
    )
    schema = _WEIGHTS_SCHEMA
    if not groups:
        return pl.DataFrame(schema=schema)
    if weights is not None:
        # splits whose new units all have a user weight use them; the others fall back to
        # the panel's shares
        frame = _check_weights(weights, groups)
        if INDUSTRY not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(INDUSTRY))
        joined = pairs.join(frame.rename({REGION: "_target"}), on="_target")
        by = ["_source", INDUSTRY]
        out = joined.with_columns(
            (pl.col("weight") / pl.col("weight").sum().over(by)).alias("_w"),
            pl.lit("weights").alias("basis"),
        ).filter(pl.col("_w").is_finite())
        rest = {s: t for s, t in groups.items() if s not in set(out["_source"].to_list())}
        return pl.concat([out.select(list(schema)), split_weights(candidates, rest, None)])
    known = candidates.filter(pl.col(VALUE).is_not_null()).join(pairs, on="_target")
    return pl.concat([_industry_shares(known), _total_shares(known)]).select(list(schema))


def _industry_shares(known: pl.DataFrame) -> pl.DataFrame:
    """Industry by industry: the new units' shares in the first year every one of them has
    a value (and their sum is positive)."""
    per = (
        known.group_by("_source", INDUSTRY, YEAR)
        .agg(
            pl.col("_target").n_unique().alias("_n"), pl.col("_k").first(), pl.col(VALUE).sum().alias("_sum")
        )
        .filter((pl.col("_n") == pl.col("_k")) & (pl.col("_sum") > 0))
        .group_by("_source", INDUSTRY)
        .agg(pl.col(YEAR).min())
    )
    return known.join(per, on=["_source", INDUSTRY, YEAR]).select(
        "_source",
        "_target",
        INDUSTRY,
        (pl.col(VALUE) / pl.col(VALUE).sum().over("_source", INDUSTRY)).alias("_w"),
        pl.concat_str(pl.lit("panel, industry, "), pl.col(YEAR).cast(pl.String)).alias("basis"),
    )


def _total_shares(known: pl.DataFrame) -> pl.DataFrame:
    """All industries together: the new units' shares of the total in the first year every
    one of them has a value (industry null: the fallback for any industry)."""
    totals = (
        known.group_by("_source", "_target", YEAR)
        .agg(pl.col(VALUE).sum(), pl.col("_k").first())
        .with_columns(pl.col("_target").n_unique().over("_source", YEAR).alias("_n"))
        .filter(pl.col("_n") == pl.col("_k"))
        .with_columns(pl.col(VALUE).sum().over("_source", YEAR).alias("_sum"))
        .filter(pl.col("_sum") > 0)
        .filter(pl.col(YEAR) == pl.col(YEAR).min().over("_source"))
    )
    return totals.select(
        "_source",
        "_target",
        pl.lit(None, dtype=pl.String).alias(INDUSTRY),
        (pl.col(VALUE) / pl.col("_sum")).alias("_w"),
        pl.concat_str(pl.lit("panel, total, "), pl.col(YEAR).cast(pl.String)).alias("basis"),
    )


def apportion(source_rows: pl.DataFrame, weights: pl.DataFrame) -> pl.DataFrame:
    """Estimated rows of the successors: ``_target, industry, year, value, flag, _source, _w, basis``.

    ``source_rows``: the split units' own rows (``region``, ``industry``, ``year``,
    ``value``, ``flag``). An industry-specific weight is used where there is one, else the
    weight without industry.
    """
    rows = source_rows.rename({REGION: "_source"})
    specific = rows.join(weights.filter(pl.col(INDUSTRY).is_not_null()), on=["_source", INDUSTRY])
    covered = specific.select("_source", INDUSTRY).unique()
    general = rows.join(covered, on=["_source", INDUSTRY], how="anti").join(
        weights.filter(pl.col(INDUSTRY).is_null()).drop(INDUSTRY), on="_source"
    )
    both = pl.concat([specific, general.select(specific.columns)])
    return both.select(
        "_target",
        INDUSTRY,
        YEAR,
        (pl.col(VALUE) * pl.col("_w")).alias(VALUE),
        "flag",
        "_source",
        "_w",
        "basis",
    )


def describe(weights: pl.DataFrame, source: str) -> str:
    """'HU11 0.577, HU12 0.423 (panel, total, 2016)' for the report."""
    rows = weights.filter(pl.col("_source") == source)
    general = rows.filter(pl.col(INDUSTRY).is_null())
    n_specific = rows.filter(pl.col(INDUSTRY).is_not_null())[INDUSTRY].n_unique()
    parts = []
    if general.height:
        shares = ", ".join(
            f"{t} {w:.3f}"
            for t, w in general.sort("_target").select("_target", "_w").iter_rows()
            if not math.isnan(w)
        )
        parts.append(f"{shares} ({general['basis'][0]})")
    if n_specific:
        basis = rows.filter(pl.col(INDUSTRY).is_not_null())["basis"].unique().sort().to_list()
        parts.append(f"industry-specific shares for {n_specific} industries ({'; '.join(basis[:3])})")
    return "; ".join(parts)
