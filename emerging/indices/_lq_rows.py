"""The location quotient, its interval and the additive LQ at every row of a coded panel:
the array work behind :func:`emerging.indices.lq.location_quotient` (formulas in its
docstring)."""

from __future__ import annotations

import math

import numpy as np

from emerging._engine import ROW_BLOCK, map_row_blocks
from emerging._reference import by_region, lq, lq_factors
from emerging.indices._coded import CodedPanel, gather_into, index_into, map_years, scratch
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
        lq(e, t["er"], t["share_ref"], 1.0, out=lq_b)  # (e / E_r) / (E_i / E)
        np.divide(e, t["er"], out=alq)
        if "share" in out:  # e / E_r itself (the cluster stars' focus measure)
            np.copyto(out["share"], alq)
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
        zero = np.equal(e, 0, out=scratch("zero", e.size, bool).reshape(e.shape))
        np.divide(t["u_er"], t["share_ref"], out=hi, where=zero)


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
    for a shuffled panel. The row blocks are small enough for a core's cache.
    """
    f = lq_factors(coded, economy)
    external = economy.external is not None
    z, u = _z(level), _zero_count_upper(level)
    if persons:  # values count `persons` people each: V of the person counts is V / persons
        z, u = z / math.sqrt(persons), u / persons
    tables = _lq_tables(f, economy, z=z, u=u)
    outputs = (*_OUTPUTS, "share") if share else _OUTPUTS
    if coded.in_cube_order:
        cubes = {k: np.empty(coded.shape) for k in outputs}
        t = {k: by_region(v, economy) if k in _INDUSTRY_TABLES else v
             for k, v in tables.items()}
        e = coded.value_cube  # the rows themselves, in cube order

        def block(ys: slice) -> None:
            _lq_block(e[ys], {k: v[ys] for k, v in t.items()},
                      {k: a[ys] for k, a in cubes.items()}, external=external)

        map_years(block, coded.shape[0])
        rows = {k: a.reshape(-1) for k, a in cubes.items()}
    else:
        rows = _lq_row_blocks(coded, f, tables, outputs, external=external)
    if share:
        np.copyto(rows["share"], np.nan, where=np.isinf(rows["share"]))
    # x / 0 (a region outside a set, in an industry the set lacks) is undefined too
    np.copyto(rows["lq"], np.nan, where=np.isinf(rows["lq"]))
    bad = np.flatnonzero(np.isnan(rows["lq"]))
    rows["reason"] = _lq_reasons(coded, f, bad)
    for k in ("lo", "hi", "alq"):
        if len(bad):
            rows[k][bad] = np.nan
    if persons is None:  # values are no counts (EUR million, hours): no count interval
        rows["lo"][:] = np.nan
        rows["hi"][:] = np.nan
    rows["unknown_share"] = coded.unknown_share(excluded=_unknown_in_reference(coded, f))
    return rows


def _lq_row_blocks(coded: CodedPanel, f: dict, tables: dict, outputs: tuple[str, ...] = _OUTPUTS,
                   *, external: bool) -> dict:
    """:func:`_lq_block` of the rows in blocks of ``_ROW_BLOCK``, on every core, each
    block gathering what it needs of the small tables (each index converted once)."""
    n = len(coded.value)
    rows = {k: np.empty(n) for k in outputs}
    region_index, industry_index = coded.yr, _industry_index(coded, f)
    by_row = {"er": region_index, "c": region_index, "u_er": region_index,
              "share_ref": industry_index, "ei": industry_index, "k": industry_index}
    if external:
        by_row["region_over"] = region_index
    flat = {k: tables[k].reshape(-1) for k in by_row}

    def chunk(part: slice) -> None:  # temporaries in reused buffers (no fresh memory)
        index = {id(region_index): index_into("region", region_index[part]),
                 id(industry_index): index_into("industry", industry_index[part])}
        at = {k: gather_into(k, flat[k], index[id(a)]) for k, a in by_row.items()}
        _lq_block(coded.value[part], at, {k: a[part] for k, a in rows.items()},
                  external=external)

    map_row_blocks(chunk, n, -(-n // _ROW_BLOCK))
    return rows


def _industry_index(coded: CodedPanel, f: dict[str, np.ndarray]) -> np.ndarray:
    """Flat index of each row into a ``(year, group, industry)`` table."""
    n_groups = f["ei"].shape[1]
    if n_groups == 1:
        return coded.yi
    yg = coded.y.astype(np.int64) * n_groups + f["group"][coded.r]
    return yg * coded.shape[2] + coded.i
