"""Co-operation networks from project participations, by sparse matrix algebra.

The bipartite network links organisations to the projects they take part in. With the
incidence matrix :math:`B` (projects x nodes; :math:`B_{pi}` = number of participating
organisations of node :math:`i` in project :math:`p`, so 0/1 for organisations and a count for
regions or countries) every projection is one sparse product :math:`B^\\top D B` with a
diagonal project weighting :math:`D`; nothing loops over nodes and networkx is not used to
project (its bipartite projection does not finish on a million participations).

Weights (``weight=``), for nodes :math:`i \\ne j`, :math:`b_{pi} = [B_{pi} > 0]`:

* ``"count"``: joint projects, :math:`w_{ij} = \\sum_p b_{pi} b_{pj}`.
* ``"fractional"``: Newman's (2001) fractional counting at organisation level, summed over the
  organisations of the two nodes: :math:`w_{ij} = \\sum_p B_{pi} B_{pj} / (n_p - 1)`, with
  :math:`n_p` the number of organisations in project :math:`p` (projects with one
  organisation add nothing). Each organisation distributes one unit per project over its
  partners, so an organisation's strength equals its number of multi-partner projects.
* ``"jaccard"``: :math:`w_{ij} = c_{ij} / (d_i + d_j - c_{ij})` with :math:`c_{ij}` the joint
  projects and :math:`d_i` the projects of :math:`i`; in :math:`[0, 1]`.
* ``"funding"``: EUR volume of the joint projects, :math:`w_{ij} = \\sum_p F_p b_{pi} b_{pj}`,
  with :math:`F_p` the sum of the known contributions in project :math:`p` (projects with no
  known contribution add 0 and are counted in the result's notes).

Self-loops (``self_loops=True``, region and country nodes only) hold the ties inside a node:
for ``"count"`` the projects with at least two of its organisations, for ``"fractional"``
:math:`\\sum_p \\binom{B_{pi}}{2} / (n_p - 1)`.

References
----------
Newman, M. E. J. (2001). Scientific collaboration networks. II. Shortest paths, weighted
networks, and centrality. *Physical Review E* 64, 016132.
Scherngell, T. & Barber, M. J. (2009). Spatial interaction modelling of cross-region R&D
collaborations: empirical evidence from the 5th EU Framework Programme. *Papers in Regional
Science* 88(3), 531-546.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
import scipy.sparse as sp

from emerging._result import Result
from emerging._schema import Exclusions, validate_participations
from emerging.networks._common import check_option, one_slice

NodeKind = Literal["organisation", "region", "country"]
WeightKind = Literal["count", "fractional", "jaccard", "funding"]
SliceKind = Literal["none", "year", "window"]


def node_expr(node: NodeKind, level: int | None = None) -> pl.Expr:
    """Expression giving the node key of each participation (region truncated to ``level``)."""
    if node == "organisation":
        return pl.col("organisation")
    if node == "country":
        return pl.col("country")
    region = pl.col("region")
    if level is None:
        return region
    if level not in (0, 1, 2, 3):
        raise ValueError(f"level must be one of (0, 1, 2, 3) or None; got {level!r}")
    return (
        pl.when(region.str.len_chars() > level + 2)
        .then(region.str.slice(0, level + 2))
        .otherwise(region)
    )


def _codes(column: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """Integer codes of a string column (0..k-1 in sorted label order) and the labels."""
    labels = column.unique().sort()
    return column.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int64), labels


@dataclass(frozen=True)
class Participations:
    """Participations validated once and encoded as integers, for many fast projections.

    Build it with :func:`encode`; pass it to :func:`project_network` instead of the frame to
    skip validation and encoding (about 1-2 s on a million rows) on every call.
    """

    frame: pl.DataFrame
    project: np.ndarray
    organisation: np.ndarray
    region: np.ndarray
    country: np.ndarray
    start_year: np.ndarray  # float, NaN when unknown
    funding: np.ndarray  # float, NaN when unknown
    labels: dict[str, pl.Series]


def encode(participations: pl.DataFrame | pl.LazyFrame) -> Participations:
    """Validate a Participations frame and encode its keys as integer codes."""
    frame = validate_participations(participations)
    coded = {k: _codes(frame[k]) for k in ("project", "organisation", "region", "country")}
    funding = (
        frame["funding"]
        if "funding" in frame.columns
        else pl.Series([None] * frame.height, dtype=pl.Float64)
    )
    return Participations(
        frame=frame,
        **{k: v[0] for k, v in coded.items()},
        start_year=frame["start_year"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        funding=funding.cast(pl.Float64).fill_null(np.nan).to_numpy(),
        labels={k: v[1] for k, v in coded.items()},
    )


@dataclass(frozen=True)
class Incidence:
    """Integer-coded bipartite network: participation rows as (project, node) codes."""

    project_code: np.ndarray
    node_code: np.ndarray
    funding: np.ndarray  # per participation, NaN when unknown
    projects: pl.Series
    nodes: pl.Series

    def matrix(self, rows: np.ndarray | None = None) -> sp.csr_matrix:
        """Projects x nodes sparse matrix of organisation counts (optionally a row subset)."""
        pc, nc = (
            (self.project_code, self.node_code)
            if rows is None
            else (self.project_code[rows], self.node_code[rows])
        )
        shape = (len(self.projects), len(self.nodes))
        return sp.csr_matrix((np.ones(len(pc)), (pc, nc)), shape=shape)


def incidence(
    participations: pl.DataFrame | Participations,
    *,
    node: NodeKind = "organisation",
    level: int | None = None,
) -> Incidence:
    """The bipartite project x node network of (encoded) participations."""
    check_option("node", node, NodeKind)
    enc = participations if isinstance(participations, Participations) else encode(participations)
    key = "country" if node == "country" else node
    codes, labels = getattr(enc, key), enc.labels[key]
    if node == "region" and level is not None:
        truncated = pl.DataFrame({"region": labels}).select(node_expr("region", level))["region"]
        new_codes, labels = _codes(truncated)
        codes = new_codes[codes]
    return Incidence(
        project_code=enc.project,
        node_code=codes,
        funding=enc.funding,
        projects=enc.labels["project"],
        nodes=labels,
    )


def _project(
    inc: Incidence, rows: np.ndarray | None, weight: WeightKind, self_loops: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Upper-triangle (i <= j) coordinates and weights of one projection; also the count of
    multi-partner projects without known funding (for ``weight='funding'``)."""
    b = inc.matrix(rows)
    n_p = np.asarray(b.sum(axis=1)).ravel()
    binary = b
    if not np.all(b.data == 1.0):  # region or country nodes hold organisation counts
        binary = b.copy()
        binary.data[:] = 1.0
    no_funding, diag = 0, None
    if weight == "fractional":
        w, diag = _fractional(b, n_p, self_loops)
    elif weight == "funding":
        w, diag, no_funding = _funded(inc, rows, b, binary, n_p, self_loops)
    else:
        w = (binary.T.tocsr() @ binary).tocoo()
        if self_loops and weight == "count":
            diag = np.asarray((b >= 2).sum(axis=0)).ravel().astype(float)
    upper = w.row < w.col
    r, c, v = w.row[upper], w.col[upper], w.data[upper]
    if weight == "jaccard":
        d = np.asarray(binary.sum(axis=0)).ravel()
        v = v / (d[r] + d[c] - v)
    if self_loops and weight != "jaccard":
        idx = np.flatnonzero(diag > 0)
        r, c, v = np.concatenate([r, idx]), np.concatenate([c, idx]), np.concatenate([v, diag[idx]])
    keep = v > 0
    return r[keep], c[keep], v[keep], no_funding


def _rows_scaled(m: sp.csr_matrix, factor: np.ndarray) -> sp.csr_matrix:
    """diag(factor) @ m without a second sparse product."""
    data = m.data * np.repeat(factor, np.diff(m.indptr))
    return sp.csr_matrix((data, m.indices, m.indptr), shape=m.shape)


def _fractional(b: sp.csr_matrix, n_p: np.ndarray, self_loops: bool):
    """Newman's fractional counts (each project's unit spread over its partner pairs) and,
    with ``self_loops``, the ties inside each node."""
    scale = np.divide(1.0, n_p - 1, out=np.zeros_like(n_p), where=n_p > 1)
    w = (b.T.tocsr() @ _rows_scaled(b, scale)).tocoo()
    diag = None
    if self_loops:
        pairs = b.copy()
        pairs.data = pairs.data * (pairs.data - 1) / 2
        diag = np.asarray(pairs.T @ scale).ravel()
    return w, diag


def _funded(inc: Incidence, rows, b: sp.csr_matrix, binary: sp.csr_matrix, n_p: np.ndarray,
            self_loops: bool):
    """Funding weights (each project's known funding on every pair of its nodes), the ties
    inside each node with ``self_loops``, and the multi-partner projects without funding."""
    f = inc.funding if rows is None else inc.funding[rows]
    pc = inc.project_code if rows is None else inc.project_code[rows]
    known = ~np.isnan(f)
    total = np.bincount(pc[known], weights=f[known], minlength=b.shape[0])
    has_any = np.bincount(pc[known], minlength=b.shape[0]) > 0
    no_funding = int(((n_p > 1) & ~has_any).sum())
    w = (binary.T.tocsr() @ _rows_scaled(binary, total)).tocoo()
    diag = np.asarray((b >= 2).astype(float).T @ total).ravel() if self_loops else None
    return w, diag, no_funding


@dataclass(frozen=True, repr=False)
class Projection(Result):
    """A one-mode co-operation network projected from participations.

    Attributes
    ----------
    edges
        Edges frame ``source, target, weight`` (``source <= target``, undirected; ``year``
        when sliced by year or window, ``layer`` for thematic layers).
    nodes
        ``node, country, projects, participations, degree, strength`` over the whole input
        (``degree`` and ``strength`` from the pooled edges; self-loops count twice in
        strength, not in degree).
    node_kind, weight
        What the nodes are and how ties are weighted.
    exclusions
        Participations or projects left out of the computation, by reason.
    """

    edges: pl.DataFrame
    nodes: pl.DataFrame
    node_kind: str
    weight: str
    exclusions: Exclusions

    def to_frame(self) -> pl.DataFrame:
        return self.edges

    def to_networkx(self):
        """networkx Graph of the (single-slice) edges; see :func:`to_networkx`."""
        return to_networkx(self.edges, nodes=self.nodes)

    def summary(self) -> str:
        n, e = self.nodes.height, self.edges.height
        slices = [c for c in ("year", "layer") if c in self.edges.columns]
        per = (
            f" over {', '.join(f'{self.edges[c].n_unique()} {c}s' for c in slices)}"
            if slices
            else ""
        )
        return (
            f"{self.node_kind} network ({self.weight} weights): {n:,} nodes, {e:,} edges{per}, "
            f"total weight {self.edges['weight'].sum():,.2f}; {self.exclusions}"
        )

    def plot(self, ax=None, **kwargs):
        """Network drawing (node size by strength, edge width by weight); see
        :func:`emerging.networks.figures.draw_network`."""
        from emerging.maps.networks_plots import plot_projection

        return plot_projection(self, ax, **kwargs)

    def _html_frame(self) -> pl.DataFrame:
        return self.edges


def _edge_frame(inc: Incidence, r, c, v, extra: dict) -> pl.DataFrame:
    frame = pl.DataFrame(
        {"source": inc.nodes.gather(r), "target": inc.nodes.gather(c), "weight": v.astype(float)}
    )
    return (
        frame.with_columns(pl.lit(val).alias(key) for key, val in extra.items()) if extra else frame
    )


def project_network(
    participations: pl.DataFrame | pl.LazyFrame | Participations,
    *,
    node: NodeKind = "organisation",
    level: int | None = None,
    weight: WeightKind = "count",
    slice: SliceKind = "none",  # noqa: A002  (public keyword; a rename needs a deprecation)
    window: int = 3,
    layer: str | None = None,
    self_loops: bool = False,
) -> Projection:
    """Project participations onto organisations, regions or countries.

    Parameters
    ----------
    participations
        Participations frame (validated here), or the result of :func:`encode` to validate
        and encode once for many projections.
    node
        ``"organisation"``, ``"region"`` (the ``region`` column; NUTS code or country) or
        ``"country"``.
    level
        For ``node="region"``: truncate NUTS codes to this level (0-3); shorter codes (a
        country standing in for an unknown NUTS code) are kept as they are.
    weight
        ``"count"``, ``"fractional"``, ``"jaccard"`` or ``"funding"`` (formulas in the module
        docstring).
    slice
        ``"none"`` (all years pooled), ``"year"`` (one network per project start year, column
        ``year``) or ``"window"`` (rolling windows of ``window`` start years, labelled by their
        last year; the first full window ends at ``min year + window - 1``).
    layer
        Column with the theme of each participation (``"topic"`` or ``"industry"``): one
        network per value, column ``layer``. Several themes in one cell are separated by
        ``"|"`` and the participation counts in each. Rows with no theme are excluded and
        counted.
    self_loops
        Keep ties inside a node (region or country nodes; not with ``"jaccard"``).

    Returns
    -------
    Projection
        ``edges`` (validated Edges frame), ``nodes``, ``exclusions``.
    """
    _check_projection(node, weight, slice, window, self_loops)
    enc = participations if isinstance(participations, Participations) else encode(participations)
    parts = enc.frame
    counts: dict[str, int] = {}
    if weight == "funding" and "funding" not in parts.columns:
        raise ValueError(
            "weight='funding' needs a 'funding' column (EUR per participation); "
            "none found. Use weight='count' or add the column."
        )
    if layer is not None:
        if layer not in parts.columns:
            raise ValueError(f"layer column {layer!r} not in participations; found {parts.columns}")
        counts[f"no {layer} (left out of the layers)"] = parts[layer].null_count()
    inc = incidence(enc, node=node, level=level)
    slices = _year_slices(enc.start_year, slice, window, counts)
    if layer is not None:
        slices = _layer_slices(parts, layer, slices)
    frames, parts_rc, no_funding = [], [], 0
    for extra, rows in slices:
        r, c, v, nf = _project(inc, rows, weight, self_loops)
        no_funding += nf
        parts_rc.append((r, c, v))
        frames.append(_edge_frame(inc, r, c, v, extra))
    if weight == "funding":
        counts["multi-partner projects with no known funding (weight 0)"] = no_funding
    empty = np.array([], dtype=np.int64)
    edges = pl.concat(frames) if frames else _edge_frame(inc, empty, empty, empty, {})
    # No validate_edges here: the pairs come from one sparse matrix per slice, so they are
    # unique, ordered (source < target, or equal for self-loops) and non-negative by
    # construction (the tests check the contract on every kind of output).
    return Projection(
        edges=edges,
        nodes=_node_table(enc, inc, parts_rc, node),
        node_kind=node,
        weight=weight,
        exclusions=Exclusions({k: v for k, v in counts.items() if v}),
    )


def _check_projection(node, weight, slicing, window, self_loops) -> None:
    """The options of :func:`project_network`, each with its own message."""
    check_option("node", node, NodeKind)
    check_option("weight", weight, WeightKind)
    check_option("slice", slicing, SliceKind)
    if slicing == "window" and (not isinstance(window, int) or window < 1):
        raise ValueError(f"window must be a positive whole number of years; got {window!r}")
    if self_loops and node == "organisation":
        raise ValueError(
            "self_loops applies to region or country nodes; an organisation has no "
            "ties with itself. Pass self_loops=False."
        )


def _layer_slices(parts: pl.DataFrame, layer: str, slices: list) -> list:
    """Each year slice split by the themes of column ``layer`` ("|"-separated in a cell)."""
    themes = parts.select(
        pl.col(layer).cast(pl.String).str.split("|").alias("t")
    ).with_row_index()
    themes = themes.explode("t").drop_nulls("t")
    layered = []
    for value, rows in themes.group_by("t").agg(pl.col("index")).sort("t").iter_rows():
        rows = np.asarray(rows, dtype=np.int64)
        for extra, base in slices:
            keep = rows if base is None else np.intersect1d(rows, base)
            layered.append(({**extra, "layer": value}, keep))
    return layered


def _year_slices(years: np.ndarray, slicing: str, window: int, counts: dict) -> list:
    """Row subsets per start year or rolling window ([({}, None)] when not sliced)."""
    if slicing == "none":
        return [({}, None)]
    known = ~np.isnan(years)
    counts["missing start year"] = int((~known).sum())
    valid = years[known].astype(int)
    if slicing == "year":
        return [({"year": int(y)}, np.flatnonzero(years == y)) for y in np.unique(valid)]
    lo, hi = int(valid.min()), int(valid.max())
    if hi - lo + 1 < window:
        raise ValueError(
            f"slice='window' with window={window} needs at least {window} start "
            f"years; the data covers {lo}-{hi}. Use a shorter window or "
            "slice='year'."
        )
    return [
        ({"year": y}, np.flatnonzero((years > y - window) & (years <= y)))
        for y in range(lo + window - 1, hi + 1)
    ]


def _node_table(
    enc: Participations, inc: Incidence, parts_rc: list, node: NodeKind
) -> pl.DataFrame:
    """Per node: country, projects, participations (from B), degree and strength (pooled)."""
    n = len(inc.nodes)
    b = inc.matrix()
    participations = np.asarray(b.sum(axis=0)).ravel()
    b.data[:] = 1.0
    projects = np.asarray(b.sum(axis=0)).ravel()
    first = np.full(n, -1, dtype=np.int64)
    rows = np.arange(len(inc.node_code))[::-1]
    first[inc.node_code[::-1]] = rows  # the first participation of each node
    country = enc.labels["country"].gather(enc.country[first])
    r = np.concatenate([x[0] for x in parts_rc]) if parts_rc else np.array([], dtype=np.int64)
    c = np.concatenate([x[1] for x in parts_rc]) if parts_rc else np.array([], dtype=np.int64)
    v = np.concatenate([x[2] for x in parts_rc]) if parts_rc else np.array([])
    strength = np.bincount(r, weights=v, minlength=n) + np.bincount(c, weights=v, minlength=n)
    if len(parts_rc) > 1:  # slices repeat pairs: count distinct partners over all slices
        pooled = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)).tocsr()
        pooled.sum_duplicates()
        pooled = pooled.tocoo()
        r, c = pooled.row, pooled.col
    off = r != c
    degree = np.bincount(r[off], minlength=n) + np.bincount(c[off], minlength=n)
    return pl.DataFrame(
        {
            "node": inc.nodes,
            "country": country,
            "projects": projects.astype(np.int64),
            "participations": participations.astype(np.int64),
            "degree": degree.astype(np.int64),
            "strength": strength,
        }
    )


def to_networkx(edges: pl.DataFrame, *, nodes: pl.DataFrame | None = None, weight: str = "weight"):
    """Build an undirected networkx Graph from an Edges frame of one slice.

    Each edge carries ``weight`` and ``distance = 1 / weight`` (strong ties are short, for
    shortest-path measures such as betweenness). Nodes from ``nodes`` (column ``node``, other
    columns as attributes) are added even when isolated.
    """
    import networkx as nx

    edges = one_slice(edges)
    graph = nx.Graph()
    if nodes is not None:
        attrs = [c for c in nodes.columns if c != "node"]
        graph.add_nodes_from(
            (row[0], dict(zip(attrs, row[1:], strict=True)))
            for row in nodes.select("node", *attrs).iter_rows()
        )
    w = edges[weight].to_numpy()
    graph.add_edges_from(
        (s, t, {"weight": float(x), "distance": 1.0 / float(x)})
        for s, t, x in zip(edges["source"].to_list(), edges["target"].to_list(), w, strict=True)
        if x > 0
    )
    return graph
