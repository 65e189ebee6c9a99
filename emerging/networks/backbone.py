"""The disparity-filter backbone of a weighted network (Serrano, Boguñá & Vespignani 2009).

Co-operation projections are dense (a region graph from a million participations links
about two thirds of all region pairs), which makes community detection and betweenness
slow and drawings unreadable. The disparity filter keeps, for every node, only the ties
that carry a larger share of its strength than chance would give, and so keeps the
multi-scale structure (small and large nodes alike) that a global weight threshold loses.
"""

from __future__ import annotations

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging.networks._common import validate_layered


@keeps_frame_kind
def disparity_filter(
    edges: pl.DataFrame | pl.LazyFrame, *, alpha: float = 0.05, keep_p: bool = True
) -> pl.DataFrame:
    r"""Keep the statistically significant ties of a weighted undirected network.

    Under the null model a node's strength :math:`s_i` is split over its :math:`k_i` ties
    uniformly at random; the probability that a tie carries a share of at least
    :math:`p_{ij} = w_{ij} / s_i` is

    .. math:: \alpha_{ij} = (1 - p_{ij})^{k_i - 1}.

    A tie is kept when :math:`\alpha_{ij} < \alpha` from the point of view of at least one of
    its two ends (:math:`\min(\alpha_{ij}, \alpha_{ji}) < \alpha`).

    Parameters
    ----------
    edges
        Edges frame (``source, target, weight``; each undirected pair once; self-loops are
        left out of strengths, degrees and the result). With a ``year`` or ``layer`` column
        each slice is filtered on its own.
    alpha
        Significance level, in (0, 1); smaller keeps fewer ties.
    keep_p
        Add the column ``alpha`` (the smaller of the two end-point p-values).

    Returns
    -------
    polars.DataFrame
        The kept edges (same columns, plus ``alpha``), a valid Edges frame.

    Notes
    -----
    A node with a single tie (:math:`k_i = 1`) gives :math:`\alpha_{ij} = 1` by the formula
    (:math:`0^0`): its tie survives only if it is significant for the other end. Nodes whose
    ties are all dropped disappear from the backbone.

    References
    ----------
    Serrano, M. Á., Boguñá, M. & Vespignani, A. (2009). Extracting the multiscale backbone of
    complex weighted networks. *PNAS* 106(16), 6483-6488.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha!r}")
    frame = validate_layered(edges).filter(
        (pl.col("source") != pl.col("target")) & (pl.col("weight") > 0)
    )
    slices = [c for c in ("year", "layer") if c in frame.columns]
    ends = pl.concat(
        [
            frame.select(*slices, pl.col("source").alias("node"), "weight"),
            frame.select(*slices, pl.col("target").alias("node"), "weight"),
        ]
    )
    stats = ends.group_by(*slices, "node").agg(
        pl.col("weight").sum().alias("s"), pl.len().alias("k")
    )

    def p_value(end: str) -> pl.Expr:
        share = pl.col("weight") / pl.col(f"s_{end}")
        return ((1 - share).clip(0, 1) ** (pl.col(f"k_{end}") - 1)).alias(f"_p_{end}")

    out = (
        frame.join(
            stats.rename({"node": "source", "s": "s_source", "k": "k_source"}),
            on=[*slices, "source"],
        )
        .join(
            stats.rename({"node": "target", "s": "s_target", "k": "k_target"}),
            on=[*slices, "target"],
        )
        .with_columns(p_value("source"), p_value("target"))
        .with_columns(pl.min_horizontal("_p_source", "_p_target").alias("alpha"))
        .drop("s_source", "k_source", "s_target", "k_target")
    )
    out = out.filter(pl.col("alpha") < alpha).drop("_p_source", "_p_target")
    return out if keep_p else out.drop("alpha")
