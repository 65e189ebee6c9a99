"""Brokerage between countries (Gould & Fernandez 1989, for undirected ties)."""

from __future__ import annotations

import numpy as np
import polars as pl
import scipy.sparse as sp

from emerging.networks._common import one_slice
from emerging.networks.metrics import _adjacency, _countries

ROLES = ("coordinator", "gatekeeper", "consultant", "liaison")


def brokerage(
    edges: pl.DataFrame | pl.LazyFrame, *, countries: pl.DataFrame | None = None
) -> pl.DataFrame:
    r"""Brokerage roles between countries: open two-paths through each node, by role.

    A node :math:`i` brokers a pair of its partners :math:`j, k` that are not tied to each
    other. Following Gould & Fernandez (1989), adapted to undirected ties, the role depends
    on the countries :math:`c(\cdot)`:

    * ``coordinator``: :math:`c(j) = c(k) = c(i)`;
    * ``gatekeeper``: one of :math:`j, k` in :math:`c(i)`, the other abroad (the undirected
      merge of gatekeeper and representative);
    * ``consultant``: :math:`j, k` in the same foreign country;
    * ``liaison``: :math:`i, j, k` in three different countries.

    Counts are over unordered partner pairs on the binary graph (weights are ignored).
    **All pairs** of each role follow from :math:`X = A G` (partners of each node by
    country, :math:`G` the node-country membership): with :math:`o_i = X_{i,c(i)}` partners
    at home and :math:`k_i` partners in all, coordinator pairs are :math:`\binom{o_i}{2}`,
    gatekeeper pairs :math:`o_i (k_i - o_i)`, consultant pairs
    :math:`\sum_{g \ne c(i)} \binom{X_{ig}}{2}` and liaison pairs the rest. The **closed**
    pairs (triangles) are then subtracted by role. A triangle's country pattern fixes the
    role of each of its corners: all in one country, a coordinator triangle for each corner;
    two in one country and one abroad, a gatekeeper triangle for the two and a consultant
    triangle for the one; three countries, a liaison triangle for each. The triangles are
    counted by the degree-ordered method (Chiba & Nishizeki 1985) as sparse products: with
    :math:`L` the adjacency oriented from lower to higher (degree, index) rank, split into
    same-country ties :math:`L_S` and cross-border ties :math:`L_D`, the triangles whose
    lowest corner :math:`a` has ties of types :math:`x` (to the middle corner) and
    :math:`z` (to the highest) and whose middle-highest tie has type :math:`y` are

    .. math:: T^{\text{low}}_a = \sum_c \left[(L_x L_y) \circ L_z\right]_{ac}, \quad
              T^{\text{mid}}_b = \sum_c \left[(L_x^\top L_z) \circ L_y\right]_{bc}

    (the highest corner takes the column sums of the second product). Orienting by degree
    keeps every node's out-degree below :math:`\sqrt{2m}`, so the products stay small where
    :math:`A^2` would be nearly dense: on the Horizon 2020 organisation network (35,423
    organisations, 783,141 ties) this takes a few seconds instead of forty.

    Returns ``node, country, coordinator, gatekeeper, consultant, liaison, cross_border``
    (gatekeeper + consultant + liaison, the open pairs that span a border: of all open
    partner pairs of the node, unweighted).

    References
    ----------
    Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. *Sociological Methodology* 19, 89-126.
    Chiba, N. & Nishizeki, T. (1985). Arboricity and subgraph listing algorithms. *SIAM J.
    Computing* 14(1), 210-223.
    """
    frame = one_slice(edges)
    adj, nodes = _adjacency(frame)
    adj = adj.tocsr()
    adj.sum_duplicates()
    adj.data[:] = 1.0
    cmap = _countries(nodes, countries)
    codes = cmap.select(pl.col("country").rank("dense") - 1)["country"].to_numpy().astype(int)
    n, g = len(nodes), int(codes.max()) + 1 if len(codes) else 0
    member = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, g))
    x = (adj @ member).tocsr()
    k = np.asarray(adj.sum(axis=1)).ravel()
    own = np.asarray(x[np.arange(n), codes]).ravel()
    x2 = x.copy()
    x2.data = x2.data * (x2.data - 1) / 2
    same_foreign_pairs = np.asarray(x2.sum(axis=1)).ravel() - own * (own - 1) / 2
    closed = _closed_pairs_by_role(adj, codes, k)
    all_pairs = {
        "coordinator": own * (own - 1) / 2,
        "gatekeeper": own * (k - own),
        "consultant": same_foreign_pairs,
        "liaison": (k - own) * (k - own - 1) / 2 - same_foreign_pairs,
    }
    out = pl.DataFrame(
        {"node": nodes, "country": cmap["country"]}
        | {role: all_pairs[role] - closed[role] for role in ROLES}
    )
    return out.with_columns(pl.col(ROLES).round(0).cast(pl.Int64)).with_columns(
        (pl.col("gatekeeper") + pl.col("consultant") + pl.col("liaison")).alias("cross_border")
    )


def _closed_pairs_by_role(adj: sp.csr_matrix, codes: np.ndarray, degree: np.ndarray) -> dict:
    """Triangles through each node by the role its corner plays (see :func:`brokerage`)."""
    n = adj.shape[0]
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    coo = adj.tocoo()
    up = rank[coo.row] < rank[coo.col]
    r, c = coo.row[up], coo.col[up]
    same = codes[r] == codes[c]
    typed = {
        t: sp.csr_matrix((np.ones(int(m.sum())), (r[m], c[m])), shape=(n, n))
        for t, m in (("S", same), ("D", ~same))
    }
    typed_t = {t: m.T.tocsr() for t, m in typed.items()}
    closed = dict.fromkeys(ROLES, np.zeros(n))

    def role(own_a: str, own_b: str, opposite: str) -> str:
        if own_a == own_b == "S":
            return "coordinator"
        if own_a != own_b:
            return "gatekeeper"
        return "consultant" if opposite == "S" else "liaison"

    # (x, y, z) = types of the ties low-mid, mid-high, low-high; two same-country ties in a
    # triangle force the third, so five patterns occur. One product per pair of types.
    patterns = (("S", "S", "S"), ("S", "D", "D"), ("D", "S", "D"), ("D", "D", "S"),
                ("D", "D", "D"))
    low_paths = {(x_, y_): typed[x_] @ typed[y_] for x_, y_, _ in patterns}
    mid_paths = {(x_, z_): typed_t[x_] @ typed[z_] for x_, _, z_ in patterns}
    for x_, y_, z_ in patterns:
        low = low_paths[x_, y_].multiply(typed[z_])
        mid_high = mid_paths[x_, z_].multiply(typed[y_])
        credits = (
            (role(x_, z_, y_), np.asarray(low.sum(axis=1)).ravel()),
            (role(x_, y_, z_), np.asarray(mid_high.sum(axis=1)).ravel()),
            (role(z_, y_, x_), np.asarray(mid_high.sum(axis=0)).ravel()),
        )
        for name, count in credits:
            closed[name] = closed[name] + count
    return closed
