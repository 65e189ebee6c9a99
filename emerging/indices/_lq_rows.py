"""The location quotient, its interval and the additive LQ at every row of a coded panel:
the array work behind :func:`emerging.indices.lq.location_quotient` (formulas in its
docstring)."""

from __future__ import annotations

import math

import numpy as np

from emerging._engine import ROW_BLOCK, map_row_blocks
from emerging._reference import by_region, lq, lq_factors
from emerging.indices._coded import CodedPanel, gather_into, map_years, scratch
from emerging.indices._lq_expr import _z, _zero_count_upper
from emerging.indices._lq_reasons import _lq_reasons, _unknown_in_reference


def _lq_tables(f: dict[str, np.ndarray], economy, *, z: float, u: float) -> dict:
    """What the LQ and its interval need beyond the cell's value, as small tables:
    ``(year, region, 1)`` (``er``, ``et``, ``c``, ``u_er``, ``region_over``) and
    ``(year, group, industry)`` (``ei``, ``share_ref``, ``k``)."""
    er, ei, et = f["er"], f["ei"], f["et"]
    et_r = np.broadcast_to(by_region(et, economy), er.shape)  # E per region's group
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        outside = et_r - er  # E - E_r
        return {
            "er": er, "et": et_r, "ei": ei, "share_ref": ei / et, "k": (z * z) / (ei * ei),
            "c": 1.0 / er + np.where(outside > 0, 1.0 / outside, 0.0), "u_er": u / er,
            "region_over": er > et_r,
        }


_INDUSTRY_TABLES = ("ei", "share_ref", "k")


def _lq_block(e, t: dict, out: dict, *, external: bool) -> None:
    """LQ, interval bounds and additive LQ of one block (cubes of some years, or rows),
    written into ``out``; ``t`` holds :func:`_lq_tables` broadcastable to ``e`` (only
    ``er``, ``share_ref``, ``ei``, ``c``, ``k``, ``u_er`` and, with an external reference,
    ``region_over`` are read); with ``out["share"]`` also the share ``e / E_r``.

    V = d/E_i^2 * (1 + d * (1/e - 1/E_r - 1/(E - E_r))), d = E_i - e (see the docstring
    of :func:`location_quotient`); ``c`` = 1/E_r + 1/(E - E_r), ``k`` = z^2/E_i^2.
    """
    lq_b, lo, hi, alq = out["lq"], out["lo"], out["hi"], out["alq"]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.divide(e, t["er"], out=alq)  # e / E_r, the region's share: computed once
        if "share" in out:  # e / E_r itself (the cluster stars' focus measure)
            np.copyto(out["share"], alq)
        lq(e, t["er"], t["share_ref"], 1.0, out=lq_b, share=alq)  # (e / E_r) / (E_i / E)
        alq -= t["share_ref"]
        if external:
            lq_b[(e > t["ei"]) | t["region_over"]] = np.nan
        d = np.subtract(t["ei"], e, out=hi)
        v = np.divide(1.0, e, out=lo)
        v -= t["c"]
        v *= d
        v += 1.0
        v *= d
        v *= t["k"]
        np.sqrt(v, out=v)  # z * sqrt(V)
        spread = np.exp(v, out=v)
        np.multiply(lq_b, spread, out=hi)
        np.divide(lq_b, spread, out=lo)
        # E_ri = 0: the exact Poisson upper limit (a whole division and a masked copy are
        # cheaper than a masked division)
        zero = np.equal(e, 0, out=scratch("zero", e.size, bool).reshape(e.shape))
        upper = np.divide(t["u_er"], t["share_ref"],
                          out=scratch("upper", e.size).reshape(np.broadcast_shapes(
                              np.shape(t["u_er"]), np.shape(t["share_ref"]))))
        np.copyto(hi, np.broadcast_to(upper, hi.shape), where=zero)


def _finish_block(out: dict[str, np.ndarray], start: int, *, counts: bool) -> tuple:
    """Undefined values of one block of rows (flat views ``out`` of the row arrays,
    starting at row ``start``) made NaN, while the block is in a core's cache: an LQ of
    x/0 (a region outside a set, in an industry the set lacks) is undefined too, and so
    are the interval and the additive LQ wherever the LQ is; without ``counts`` there is
    no interval. Returns the rows with an undefined LQ and the names of the outputs that
    may hold NaN (a sum that is NaN: never missed, rarely a false alarm)."""
    lq_b = out["lq"]
    if "share" in out:
        share = out["share"]
        np.copyto(share, np.nan, where=np.isinf(share, out=scratch("inf", share.size, bool)))
    np.copyto(lq_b, np.nan, where=np.isinf(lq_b, out=scratch("inf", lq_b.size, bool)))
    bad = np.flatnonzero(np.isnan(lq_b, out=scratch("inf", lq_b.size, bool)))
    if len(bad):
        for k in ("lo", "hi", "alq"):
            out[k][bad] = np.nan
    if not counts:  # values are no counts (EUR million, hours): no count interval
        out["lo"][:] = np.nan
        out["hi"][:] = np.nan
    with np.errstate(invalid="ignore", over="ignore"):
        nan = {k for k, a in out.items() if k != "lq" and math.isnan(a.sum())}
    if len(bad):
        nan.add("lq")
    return bad + start, nan


_OUTPUTS = ("lq", "lo", "hi", "alq")
#: Rows per block of the row path (see :data:`emerging._engine.ROW_BLOCK`).
_ROW_BLOCK = ROW_BLOCK


def _lq_rows(
    coded: CodedPanel, economy, level: float, persons: float | None = 1.0, *,
    share: bool = False,
) -> dict[str, np.ndarray]:
    """LQ, interval and additive LQ at the panel's rows (and, with ``share``, the share
    of the region's employment, ``e / E_r``, NaN where ``E_r`` is 0).

    Rows in cube order are computed year by year on the cube; any other order row by row
    with the small tables of :func:`_lq_tables` gathered by the rows' codes (the same
    operations on the same numbers, so the same bits), so that no whole cube is gathered
    for a shuffled panel. The row blocks are small enough for a core's cache, and each
    block is finished (undefined values as NaN) while it is there.

    Besides the row arrays, ``"reason"`` (codes of ``LQ_REASONS``), ``"unknown_share"``
    (``(year, region)``) and ``"nan"``: the names of the row arrays that may hold NaN
    (the others certainly hold none).
    """
    f = lq_factors(coded, economy)
    external = economy.external is not None
    z, u = _z(level), _zero_count_upper(level)
    if persons:  # values count `persons` people each: V of the person counts is V / persons
        z, u = z / math.sqrt(persons), u / persons
    tables = _lq_tables(f, economy, z=z, u=u)
    outputs = (*_OUTPUTS, "share") if share else _OUTPUTS
    n = len(coded.value)
    rows = {k: np.empty(n) for k in outputs}
    counts = persons is not None
    if coded.in_cube_order:
        cubes = {k: a.reshape(coded.shape) for k, a in rows.items()}
        t = {k: by_region(v, economy) if k in _INDUSTRY_TABLES else v
             for k, v in tables.items()}
        e = coded.value_cube  # the rows themselves, in cube order
        year_cells = coded.shape[1] * coded.shape[2]

        def block(ys: slice) -> tuple:
            _lq_block(e[ys], {k: v[ys] for k, v in t.items()},
                      {k: a[ys] for k, a in cubes.items()}, external=external)
            return _finish_block({k: a[ys].reshape(-1) for k, a in cubes.items()},
                                 ys.start * year_cells, counts=counts)

        parts = map_years(block, coded.shape[0])
    else:
        parts = _lq_row_blocks(coded, f, tables, rows, external=external, counts=counts)
    bad = np.concatenate([p[0] for p in parts])
    rows["nan"] = set().union(*(p[1] for p in parts))
    rows["reason"] = _lq_reasons(coded, f, bad)
    rows["unknown_share"] = coded.unknown_share(excluded=_unknown_in_reference(coded, f))
    return rows


def _lq_row_blocks(coded: CodedPanel, f: dict, tables: dict, rows: dict[str, np.ndarray], *,
                   external: bool, counts: bool) -> list[tuple]:
    """:func:`_lq_block` and :func:`_finish_block` of the rows in blocks of
    ``_ROW_BLOCK``, on every core, written into ``rows``; each block gathers what it
    needs of the small tables by its rows' flat indices, computed for the block only
    (:meth:`CodedPanel.block_index`: no row-length index array)."""
    n = len(coded.value)
    by_row = {"er": "region", "c": "region", "u_er": "region",
              "share_ref": "industry", "ei": "industry", "k": "industry"}
    if external:
        by_row["region_over"] = "region"
    flat = {k: tables[k].reshape(-1) for k in by_row}
    groups = (f["group"], f["ei"].shape[1]) if f["ei"].shape[1] > 1 else None

    def chunk(part: slice) -> tuple:  # temporaries in reused buffers (no fresh memory)
        m = part.stop - part.start
        index = {"region": coded.block_index("yr", part, scratch("region", m, np.intp)),
                 "industry": _industry_block_index(coded, groups, part,
                                                   scratch("industry", m, np.intp))}
        at = {k: gather_into(k, flat[k], index[v]) for k, v in by_row.items()}
        out = {k: a[part] for k, a in rows.items()}
        _lq_block(coded.value[part], at, out, external=external)
        return _finish_block(out, part.start, counts=counts)

    return map_row_blocks(chunk, n, -(-n // _ROW_BLOCK))


def _industry_block_index(coded: CodedPanel, groups: tuple | None, part: slice,
                          out: np.ndarray) -> np.ndarray:
    """Flat index of the rows ``part`` into a ``(year, group, industry)`` table, written
    into the ``intp`` buffer ``out`` (``groups``: each region's group and their number,
    or None for one group)."""
    if groups is None:
        return coded.block_index("yi", part, out)
    group, n_groups = groups
    np.multiply(coded.y[part], n_groups, out=out)  # (year * G + group) * I + industry
    out += np.take(group, coded.r[part])
    out *= coded.shape[2]
    out += coded.i[part]
    return out
