"""Opt-in estimates for confidential cells: parent total minus the known children.

Eurostat suppresses a cell (``:`` with flag ``c``) when few enterprises would be
identifiable. The panel keeps such a cell as null with its flag; nothing estimates it by
default. :func:`estimate_confidential` is the explicit opt-in used by the European Cluster
Observatory for its regional employment tables: the parent region's total for the industry
minus the known children leaves a residual, which is split among the suppressed children,
equally or in proportion to another indicator (for example the number of local units).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, validate_panel

Method = Literal["equal", "weights"]
_METHODS = ("equal", "weights")
_KEYS = [INDUSTRY, YEAR, "_parent"]


@dataclass(frozen=True, repr=False)
class ConfidentialEstimate(Result):
    """A panel with suppressed cells filled where possible, and why the others were not.

    ``panel`` has the input columns plus ``estimated`` (True where a value was filled; the
    ``flag`` still says ``c``). ``report`` has one row per (parent, industry, year) with
    suppressed children: ``parent``, ``industry``, ``year``, ``parent_value``,
    ``known_children``, ``residual``, ``suppressed`` (count), ``status`` (``estimated`` or
    the reason it was not) .
    """

    panel: pl.DataFrame
    report: pl.DataFrame
    method: str

    def to_frame(self) -> pl.DataFrame:
        return self.panel

    def summary(self) -> str:
        counts = self.report.group_by("status").agg(pl.col("suppressed").sum()).sort("status")
        parts = ", ".join(f"{n:,} {s}" for s, n in counts.iter_rows())
        filled = int(self.panel["estimated"].sum())
        return f"{filled:,} confidential cells estimated ({self.method}); by status: {parts}"

    _html_rows = 20

    def _html_frame(self) -> pl.DataFrame:
        return self.report


    def plot(self, ax=None):
        """Bar chart of suppressed cells by status; returns a :class:`~emerging.maps.Drawing`."""
        from emerging.maps.data_plots import plot_confidential

        return plot_confidential(self, ax)


def estimate_confidential(
    panel: pl.DataFrame,
    *,
    level: Literal[1, 2, 3] = 2,
    method: Method = "equal",
    weights: pl.DataFrame | None = None,
) -> ConfidentialEstimate:
    """Estimate confidential NUTS-``level`` cells from their parent's total (opt-in).

    For parent region :math:`P` (NUTS level ``level - 1``), industry :math:`i` and year
    :math:`t`, with known children :math:`K` and suppressed children :math:`U`:

    .. math::

        R = x_{P} - \\sum_{k \\in K} x_k, \\qquad
        \\hat x_u = R \\cdot \\frac{w_u}{\\sum_{v \\in U} w_v}
        \\quad (w_u = 1 \\text{ for } \\texttt{method="equal"})

    Parameters
    ----------
    panel
        Panel with both levels (e.g. ``SK0`` and ``SK01``-``SK04``) and a ``flag`` column;
        suppressed cells are null with a flag containing ``c``.
    level
        NUTS level of the cells to estimate; parents are the codes one character shorter.
    method
        ``"equal"`` splits the residual equally; ``"weights"`` in proportion to ``weights``.
    weights
        Panel-shaped frame (``region``, ``industry``, ``year``, ``value``) with the weighting
        indicator, e.g. local units (Eurostat ``V11210``). Required for ``method="weights"``.

    Returns
    -------
    ConfidentialEstimate
        ``.panel`` with ``estimated`` (bool) and ``.report`` of every group with suppressed
        cells.

    Notes
    -----
    Nothing is estimated when the parent is unknown, when a child is null without being
    confidential (its share of the residual is unknown), when the residual is negative, or
    when a weight of a suppressed child is unknown or all weights are zero. Extra-regio
    children (``..Z``) that are null are taken as 0, as they almost always are. The children
    of a parent are the codes present in the panel. Estimates are approximations for
    exploration; never publish them as Eurostat figures.

    References
    ----------
    European Cluster Observatory (2008-2014), methodology notes on regional employment by
    cluster category: suppressed cells filled from higher-level totals minus known values.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}")
    if level not in (1, 2, 3):
        raise ValueError(f"level must be one of (1, 2, 3); got {level!r}")
    if method == "weights" and weights is None:
        raise ValueError("method='weights' needs weights=, e.g. the local units panel (V11210)")
    frame = validate_panel(panel, allow_mixed_levels=True)
    if "flag" not in frame.columns:
        raise ValueError(
            "panel has no 'flag' column, so confidential cells cannot be told from missing "
            "ones; read it with to_panel(..., keep_flags=True)"
        )
    children = _children(frame, level, weights, equal=method == "equal")
    groups = _parent_groups(children, frame)
    fill = _filled_children(children, groups)
    out = (
        frame.join(fill.rename({VALUE: "_est"}), on=[REGION, INDUSTRY, YEAR], how="left")
        .with_columns(
            pl.col("estimated").fill_null(False),
            pl.coalesce(VALUE, "_est").alias(VALUE),
        )
        .drop("_est")
    )
    report = groups.select(
        pl.col("_parent").alias("parent"),
        INDUSTRY,
        YEAR,
        "parent_value",
        "known_children",
        "residual",
        pl.col("suppressed").cast(pl.Int64),
        "status",
    ).sort("parent", INDUSTRY, YEAR)
    return ConfidentialEstimate(panel=out, report=report, method=method)


def _children(frame: pl.DataFrame, level: int, weights: pl.DataFrame | None, *,
              equal: bool) -> pl.DataFrame:
    """The NUTS-``level`` rows with their parent code, whether confidential (``_conf``) or
    null without being confidential (``_missing``, extra-regio units aside), and the weight
    ``_w`` (1 with ``equal`` or without ``weights``; ``weights`` are validated if given)."""
    width = level + 2
    child = pl.col(REGION).str.len_chars() == width
    conf = pl.col(VALUE).is_null() & pl.col("flag").fill_null("").str.contains("c")
    extra = pl.col(REGION).str.ends_with("Z")
    children = frame.filter(child).with_columns(
        pl.col(REGION).str.slice(0, width - 1).alias("_parent"),
        conf.alias("_conf"),
        (pl.col(VALUE).is_null() & ~conf & ~extra).alias("_missing"),
    )
    if weights is not None:
        w = validate_panel(weights, allow_mixed_levels=True).select(
            REGION, INDUSTRY, YEAR, pl.col(VALUE).alias("_w")
        )
        children = children.join(w, on=[REGION, INDUSTRY, YEAR], how="left")
    if weights is None or equal:
        children = children.with_columns(pl.lit(1.0).alias("_w"))
    return children


def _filled_children(children: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Each child's value, the confidential ones of an estimable group filled with their
    weight's share of the residual (``estimated`` True)."""
    return (
        children.join(
            groups.filter(pl.col("status") == "estimated").select(*_KEYS, "residual", "_wsum"),
            on=_KEYS,
            how="left",
        )
        .with_columns((pl.col("_conf") & pl.col("residual").is_not_null()).alias("estimated"))
        .with_columns(
            pl.when(pl.col("estimated"))
            .then(pl.col("residual") * pl.col("_w") / pl.col("_wsum"))
            .otherwise(pl.col(VALUE))
            .alias(VALUE)
        )
        .select(REGION, INDUSTRY, YEAR, VALUE, "estimated")
    )


def _parent_groups(children: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per parent-industry-year with confidential children: what is known, the
    residual to share out and whether it can be (``status``)."""
    return (
        children.group_by(_KEYS)
        .agg(
            pl.col(VALUE).sum().alias("known_children"),
            pl.col("_conf").sum().alias("suppressed"),
            pl.col("_missing").sum().alias("_n_missing"),
            pl.col("_w").filter(pl.col("_conf")).sum().alias("_wsum"),
            pl.col("_w").filter(pl.col("_conf")).null_count().alias("_wnull"),
        )
        .filter(pl.col("suppressed") > 0)
        .join(
            frame.select(
                pl.col(REGION).alias("_parent"), INDUSTRY, YEAR, pl.col(VALUE).alias("parent_value")
            ),
            on=_KEYS,
            how="left",
        )
        .with_columns((pl.col("parent_value") - pl.col("known_children")).alias("residual"))
        .with_columns(
            pl.when(pl.col("parent_value").is_null())
            .then(pl.lit("parent unknown"))
            .when(pl.col("_n_missing") > 0)
            .then(pl.lit("a non-confidential child is missing"))
            .when(pl.col("residual") < 0)
            .then(pl.lit("negative residual"))
            .when((pl.col("_wnull") > 0) | (pl.col("_wsum") <= 0))
            .then(pl.lit("weights unknown or zero"))
            .otherwise(pl.lit("estimated"))
            .alias("status")
        )
    )
