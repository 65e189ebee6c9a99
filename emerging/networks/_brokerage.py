"""Brokerage between countries (Gould & Fernandez 1989, for undirected ties)."""

from __future__ import annotations

import numpy as np
import polars as pl
import scipy.sparse as sp

from emerging.networks._common import one_slice
from emerging.networks.metrics import _adjacency, _countries


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

    Counts are over unordered partner pairs on the binary graph: with :math:`X = A G`
    (partners by country) all pairs follow from :math:`X`, and the closed ones (triangles)
    from :math:`(S A D)_{ii}`, :math:`(S S S)_{ii}` and :math:`(A A A)_{ii}`, where :math:`S`
    keeps ties within a country and :math:`D = A - S`. Returns ``node, country,
    coordinator, gatekeeper, consultant, liaison, cross_border`` (gatekeeper + consultant +
    liaison, the brokerage that spans a border).

    References
    ----------
    Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. *Sociological Methodology* 19, 89-126.
    """
    frame = one_slice(edges)
    adj, nodes = _adjacency(frame)
    adj = adj.copy()
    adj.data[:] = 1.0
    cmap = _countries(nodes, countries)
    codes = cmap.select(pl.col("country").rank("dense") - 1)["country"].to_numpy().astype(int)
    n, g = len(nodes), int(codes.max()) + 1 if len(codes) else 0
    member = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, g))
    same = sp.csr_matrix(adj.multiply(member @ member.T))
    diff = adj - same
    x = (adj @ member).tocsr()
    k = np.asarray(adj.sum(axis=1)).ravel()
    own = np.asarray(x[np.arange(n), codes]).ravel()
    x2 = x.copy()
    x2.data = x2.data * (x2.data - 1) / 2
    same_foreign_pairs = np.asarray(x2.sum(axis=1)).ravel() - own * (own - 1) / 2

    def diag3(a, b, c):
        return np.asarray((a @ b).multiply(c).sum(axis=1)).ravel()

    tri_all = diag3(adj, adj, adj) / 2
    tri_coord = diag3(same, same, same) / 2
    tri_gate = diag3(same, adj, diff)
    tri_same = diag3(adj, same, adj) / 2  # triangles whose two partners share a country
    tri_consult = tri_same - tri_coord
    tri_liaison = tri_all - tri_coord - tri_gate - tri_consult
    coordinator = own * (own - 1) / 2 - tri_coord
    gatekeeper = own * (k - own) - tri_gate
    consultant = same_foreign_pairs - tri_consult
    liaison = (k - own) * (k - own - 1) / 2 - same_foreign_pairs - tri_liaison
    out = pl.DataFrame(
        {
            "node": nodes,
            "country": cmap["country"],
            "coordinator": coordinator,
            "gatekeeper": gatekeeper,
            "consultant": consultant,
            "liaison": liaison,
        }
    )
    roles = ["coordinator", "gatekeeper", "consultant", "liaison"]
    return out.with_columns(pl.col(roles).round(0).cast(pl.Int64)).with_columns(
        (pl.col("gatekeeper") + pl.col("consultant") + pl.col("liaison")).alias("cross_border")
    )
