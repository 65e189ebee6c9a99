r"""The reference economy: one vocabulary, one resolver, one set of totals, one LQ.

Every function that compares a region with a reference economy (location quotients,
diversity, cluster stars, growth, shift-share, trend slopes, signals) takes the same two
keywords:

``reference``
    ``"all"``: every region of the panel; ``"country"``: the regions of the panel in the
    region's country (same first two letters of the NUTS code); ``"set"``: the regions
    named by ``regions`` (every region of the panel, inside the set or not, is compared
    with the set); or a **frame of external totals** with the columns of a Panel
    (``region``, ``industry``, ``year``, ``value``) as Eurostat publishes them: NUTS-0
    rows (``CZ``, ``AT``, ...: each region is compared with its own country's row) or one
    aggregate (``EU27_2020``: every region is compared with it). A frame without a
    ``region`` column is one aggregate.
``regions``
    With ``reference="set"``: a region-set name (:func:`emerging.codes.nuts.region_set`,
    e.g. ``"central_europe_2021_2027"``) or a collection of NUTS codes; codes finer than
    the panel's level select their parent regions.

Internal references (``all``, ``country``, ``set``) sum the panel itself over the member
regions of each group (:func:`reference_totals`). An external frame is read as published:
only its industries and years that are in the panel are used; a null value is unknown.

The location quotient is computed by one function, :func:`lq`, from the factors of one
function, :func:`lq_factors`:

.. math::

    LQ_{rit} = \frac{E_{rit} / E_{r\cdot t}}{N_{g(r)it} / N_{g(r)\cdot t}}

with :math:`N_g` the reference totals of region *r*'s group. Old spellings of these
options are translated by :func:`legacy_reference`, which warns once per call with a
``DeprecationWarning`` naming the new spelling.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import polars as pl

from emerging._engine import ROW_BLOCK, CodedPanel, map_row_blocks, read_only
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, EmptySelectionError, require_columns

ReferenceName = Literal["all", "country", "set"]
REFERENCES: tuple[str, ...] = ("all", "country", "set")
#: The type of every ``reference=`` option.
ReferenceLike: TypeAlias = ReferenceName | pl.DataFrame | pl.LazyFrame
Regions: TypeAlias = str | Collection[str] | None


def is_frame(reference: object) -> bool:
    return isinstance(reference, pl.DataFrame | pl.LazyFrame)


# ---------------------------------------------------------------------------- deprecations
def _outside_package() -> int:
    """``stacklevel`` for :func:`warnings.warn` called in :func:`deprecated` that names
    the first caller outside the ``emerging`` package (the user's line)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(2), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def deprecated(old: str, new: str) -> None:
    """Warn (``DeprecationWarning``, attributed to the user's call) that the spelling
    ``old`` is deprecated in favour of ``new``; the one helper for renamed options."""
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new} instead",
        DeprecationWarning,
        stacklevel=_outside_package(),
    )


def legacy_reference(
    reference: object,
    regions: Regions = None,
    *,
    base: str | None = None,
    reference_regions: Regions = None,
) -> tuple[object, Regions, bool]:
    """Translate old spellings into ``(reference, regions, sum_frame)``.

    Old spellings, each warned about with its new form:

    - ``base="all" | "country"`` (indices, signals) or ``lq_base=`` (trends; callers pass
      it as ``base``) -> ``reference="all" | "country"``;
    - ``base="reference", reference=<frame>`` -> ``reference=<frame>``; the old meaning
      (the frame's rows summed over its regions into one total) is kept for this spelling,
      so ``sum_frame`` is True;
    - ``reference_regions=X`` -> ``regions=X``;
    - ``reference=<set name or list of codes>`` (cluster stars) -> ``reference="set",
      regions=...``.
    """
    sum_frame = False
    if isinstance(reference, Economy):
        return reference, regions, sum_frame
    if reference_regions is not None:
        deprecated("reference_regions=", "regions=")
        if regions is not None:
            raise ValueError("pass regions= only (reference_regions= is its old name)")
        regions = reference_regions
    if base is not None:
        if base not in ("all", "country", "reference"):
            raise ValueError(
                f"base must be one of ('all', 'country', 'reference'); got {base!r} (base= is "
                "deprecated: pass reference='all', 'country', 'set' or a frame of totals)"
            )
        if base == "reference":
            if not is_frame(reference):
                raise ValueError(
                    "base='reference' needs a reference panel: pass reference=<frame with "
                    "industry, year, value>, e.g. the EU total"
                )
            deprecated("base='reference', reference=<frame>", "reference=<frame>")
            sum_frame = True
        else:
            if is_frame(reference):
                raise ValueError(
                    f"a reference panel was given but base={base!r}; pass only "
                    "reference=<frame>"
                )
            deprecated(f"base={base!r}", f"reference={base!r}")
            if reference not in (None, "all", base):
                raise ValueError(
                    f"base={base!r} and reference={reference!r} disagree; pass reference= only"
                )
            reference = base
    if isinstance(reference, str) and reference not in REFERENCES and _is_set_name(reference):
        deprecated(f"reference={reference!r}", f"reference='set', regions={reference!r}")
        reference, regions = "set", reference
    elif isinstance(reference, Collection) and not isinstance(reference, str) \
            and not is_frame(reference):
        deprecated("reference=<list of codes>", "reference='set', regions=<list of codes>")
        reference, regions = "set", reference
    return ("all" if reference is None else reference), regions, sum_frame


def _is_set_name(name: str) -> bool:
    from emerging.codes.nuts import REGION_SETS

    return name in REGION_SETS


# ---------------------------------------------------------------------------- resolution
@dataclass(frozen=True, eq=False)
class Economy:
    """A resolved reference economy for the regions of one coded panel.

    ``group[r]`` is the index of region *r*'s reference among ``labels``; ``member[r]``
    says whether region *r* counts towards its group's totals (internal references);
    ``external`` holds a frame's totals ``(year, group, industry)`` (NaN = unknown) or
    None. ``key`` identifies an internal reference for caches (None for a frame).
    """

    kind: str
    group: np.ndarray
    member: np.ndarray
    labels: list[str]
    label: str
    external: np.ndarray | None = None
    key: tuple | None = None

    @property
    def n_groups(self) -> int:
        return len(self.labels)


def region_set_codes(regions: str | Collection[str], level: int) -> tuple[frozenset[str], str]:
    """The NUTS codes of a named set or a collection, at ``level`` (finer codes select
    their parents), and a label for messages and results."""
    from emerging.codes.nuts import region_set

    if isinstance(regions, str):
        codes, label = region_set(regions), f"region set {regions!r}"
    else:
        codes, label = frozenset(regions), f"{len(set(regions))} listed regions"
    coarse = frozenset(c[: level + 2] if len(c) - 2 > level else c for c in codes)
    return coarse, label


def resolve_reference(
    coded: CodedPanel,
    reference: object = "all",
    regions: Regions = None,
    *,
    sum_frame: bool = False,
) -> Economy:
    """The :class:`Economy` that ``reference`` and ``regions`` name for ``coded``'s regions.

    Raises ValueError for an unknown option, ``regions`` without ``reference="set"``, a
    set that shares no region with the panel, or a frame whose regions cannot be matched.
    """
    n = coded.shape[1]
    if isinstance(reference, Economy):  # resolved already (passed on between functions)
        return reference
    if is_frame(reference):
        if regions is not None:
            raise ValueError("regions= is only used with reference='set'; got a frame")
        return _frame_economy(coded, reference, sum_frame=sum_frame)  # type: ignore[arg-type]
    if reference not in REFERENCES:
        hint = (f" (for a region set pass reference='set', regions={reference!r})"
                if isinstance(reference, str) else "")
        raise ValueError(
            f"reference must be one of {REFERENCES} or a frame of external totals; "
            f"got {reference!r}{hint}"
        )
    if reference != "set" and regions is not None:
        raise ValueError(f"regions= is only used with reference='set'; got reference={reference!r}")
    if reference == "all":
        return Economy("all", np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool),
                       ["all regions"], "all regions of the panel", key=("all",))
    if reference == "country":
        return Economy("country", coded.country_of_region, np.ones(n, dtype=bool),
                       coded.countries.to_list(), "each region's country", key=("country",))
    if regions is None:
        raise ValueError(
            "reference='set' needs regions=: a region-set name such as "
            "'central_europe_2021_2027' or a collection of NUTS codes"
        )
    level = int(coded.regions.str.len_chars().max()) - 2
    codes, label = region_set_codes(regions, level)
    member = coded.reference_mask(codes)
    if not member.any():
        raise EmptySelectionError(
            f"no region of the panel is in the reference {label} ({len(codes)} codes, e.g. "
            f"{sorted(codes)[:3]}); panel regions are e.g. {coded.regions.head(3).to_list()}. "
            "Check the NUTS level and version of both."
        )
    if member.all():  # a set of every region is the plain reference
        return Economy("set", np.zeros(n, dtype=np.int64), member, [label], label, key=("all",))
    return Economy("set", np.zeros(n, dtype=np.int64), member, [label], label,
                   key=("set", member.tobytes()))


def _country_codes(coded: CodedPanel) -> list[str]:
    from emerging.codes.nuts import COUNTRY_NAMES

    return sorted(set(COUNTRY_NAMES) | set(coded.countries.to_list()))


def _frame_economy(coded: CodedPanel, frame, *, sum_frame: bool) -> Economy:
    ref = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    require_columns(ref, [INDUSTRY, YEAR, VALUE], what="reference")
    n = coded.shape[1]
    if REGION not in ref.columns or sum_frame:
        ref = ref.with_columns(pl.lit("reference").alias(REGION))
    ref = ref.with_columns(pl.col(YEAR).cast(pl.Int32), pl.col(VALUE).cast(pl.Float64))
    if (ref[VALUE] < 0).any():
        raise ValueError("reference column 'value' holds negative numbers; expected >= 0")
    codes = ref[REGION].unique().sort()
    countries = _country_codes(coded)
    if bool(codes.is_in(countries).all()):  # NUTS-0 rows: each region against its own
        missing = sorted(set(coded.countries.to_list()) - set(codes.to_list()))
        if missing:
            raise ValueError(
                f"the reference frame has no rows for the countries {missing} of the panel; "
                f"it holds {codes.to_list()[:8]}. Add their NUTS-0 rows, or pass one "
                "aggregate (e.g. EU27_2020)."
            )
        labels = coded.countries.to_list()
        group = coded.country_of_region
        label = "each region's country (external NUTS-0 totals)"
    elif len(codes) == 1:
        group, labels = np.zeros(n, dtype=np.int64), codes.to_list()
        label = "external totals" if codes[0] == "reference" else f"external totals of {codes[0]}"
    else:
        raise ValueError(
            "a reference frame must hold one aggregate (e.g. region 'EU27_2020') or NUTS-0 "
            f"rows (two-letter country codes); found regions {codes.to_list()[:8]}. "
            "Filter it to one of these."
        )
    ref = ref.filter(pl.col(REGION).is_in(labels)).group_by(REGION, INDUSTRY, YEAR).agg(
        pl.when(pl.col(VALUE).null_count() == 0).then(pl.col(VALUE).sum())
    ).filter(pl.col(INDUSTRY).is_in(coded.industries.implode())
             & pl.col(YEAR).is_in(coded.years.tolist()))
    nY, _, nI = coded.shape
    table = np.zeros((nY, len(labels), nI))
    y = np.searchsorted(coded.years, ref[YEAR].to_numpy())
    g = ref[REGION].cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int64)
    i = ref[INDUSTRY].cast(pl.Enum(coded.industries)).to_physical().to_numpy().astype(np.int64)
    table[y, g, i] = ref[VALUE].to_numpy()  # null -> NaN: unknown in reference
    return Economy("frame", group, np.zeros(n, dtype=bool), labels, label, external=table)


# ---------------------------------------------------------------------------- totals
def reference_totals(values: np.ndarray, economy: Economy) -> np.ndarray:
    """Reference totals ``(year, group, industry)`` of a ``(year, region, industry)`` array.

    Internal references sum ``values`` (0 where not to be counted; no NaN) over the member
    regions of each group; an external reference returns its own totals (``values`` is
    not used). Broadcast to regions with :func:`by_region`.
    """
    if economy.external is not None:
        return economy.external
    onehot = np.zeros((economy.n_groups, len(economy.group)))
    onehot[economy.group, np.arange(len(economy.group))] = economy.member
    return np.matmul(onehot, values)


def by_region(totals: np.ndarray, economy: Economy) -> np.ndarray:
    """``(year, group, industry)`` totals as ``(year, region, industry)`` (``(year, 1,
    industry)`` when every region has the same reference)."""
    return totals if totals.shape[1] == 1 else totals[:, economy.group, :]


# ---------------------------------------------------------------------------- the LQ
def lq(e, er, ei, et, *, out: np.ndarray | None = None, share: np.ndarray | None = None):
    r"""The location quotient :math:`(E_{ri}/E_r)/(E_i/E)`, the one formula of the package.

    Works on numpy arrays (broadcasting) and polars expressions alike; with ``out`` (numpy
    only) the result is written into that buffer, with the same operations in the same
    order, and ``share`` may hold :math:`E_{ri}/E_r` computed already (the same bits; it
    is not divided again). A total ``et`` of exactly 1.0 (shares passed as ``ei``) is not
    divided by (x / 1.0 is x). Division by a zero total gives inf or NaN; callers turn
    those into null with a reason. Equal shares give exactly 1 (the ratio of two equal
    doubles), so presence at LQ >= 1 is exact at ties.
    """
    if out is None:
        return (e / er) / (ei / et)
    reference_share = ei if isinstance(et, float) and et == 1.0 else ei / et
    if share is None:
        np.divide(e, er, out=out)
        out /= reference_share
    else:
        np.divide(share, reference_share, out=out)
    return out


def lq_factors(coded: CodedPanel, economy: Economy) -> dict[str, np.ndarray]:
    """The factors of the LQ against ``economy`` (read-only; cached on ``coded`` for an
    internal reference).

    ``er`` (Y, R, 1) the region totals (the values themselves, NaN unknown and 0 absent,
    are :attr:`CodedPanel.value_cube`);
    ``ei`` (Y, G, I) and ``et`` (Y, G, 1) the reference industry totals and their sum per
    group (NaN in ``ei`` where unknown in an external reference); ``group`` (R,) the group
    of each region. Use :func:`by_region` to broadcast ``ei``/``et`` to regions.

    Region and reference shares cover the same industries: an industry unknown in the
    reference is left out of the reference total ``et`` *and* of every region's total
    ``er`` in that year (only an external reference can have unknown industries).
    """
    if economy.key is not None:
        return coded.cache.get(("lq_factors", economy.key),
                               lambda: _lq_factors(coded, economy))
    return _lq_factors(coded, economy)


def _lq_factors(coded: CodedPanel, economy: Economy) -> dict[str, np.ndarray]:
    sums = _row_sums(coded, economy)
    if sums is not None:  # exact sums from the rows: the cube's bits without the cube
        er, table = sums
    else:
        er, table = None, reference_totals(coded.cube, economy)
    unknown = np.isnan(table)
    totals = np.nansum(table, axis=2, keepdims=True)
    if unknown.any():  # E_r over the industries known in the reference, (Y, R, 1)
        known_ref = by_region(~unknown, economy).astype(float)
        er = (coded.cube * known_ref).sum(axis=2, keepdims=True)
    elif er is None:
        er = coded.region_total[:, :, None]
    out = {"er": er, "ei": table, "et": totals, "group": economy.group}
    return {k: read_only(v) for k, v in out.items()}


#: Sums of non-negative integers below 2**53 are exact in float64, so in any order.
_EXACT_LIMIT = 2.0**53
#: Rows per ``bincount`` of :func:`_row_sums` (its buffers are allocated once per core,
#: 2 MiB each: fresh memory is slow to touch on virtual machines).
_SUM_BLOCK = 8 * ROW_BLOCK


def _row_sums(coded: CodedPanel, economy: Economy) -> tuple[np.ndarray, np.ndarray] | None:
    """Region totals ``(Y, R, 1)`` and reference totals ``(Y, G, I)`` summed from the rows
    by their codes, or None where the cube's sums must be used.

    Sums of floating-point numbers depend on their order, and the totals must not depend
    on the order of the panel's rows. When every known value is a whole number >= 0 and
    the grand total is below 2**53, every partial sum is exact, so these sums have the same
    bits as the sums over the cube in any order; they save a panel out of cube order the
    scatter of every row into a dense cube (random writes). Otherwise (fractional values,
    or the cube is there anyway) None: the caller sums the cube.
    """
    if coded.in_cube_order or "value_cube" in coded.__dict__:
        return None
    nY, nR, nI = coded.shape
    n_groups = economy.n_groups
    internal = economy.external is None
    every = bool(economy.member.all())
    groups = economy.group if n_groups > 1 else None

    def part_sums(part: slice):
        er, ei = np.zeros(nY * nR), np.zeros(nY * n_groups * nI) if internal else None
        size = min(_SUM_BLOCK, part.stop - part.start)
        w_buf, t_buf, b_buf = np.empty(size), np.empty(size), np.empty(size, dtype=bool)
        i_buf = np.empty(size, dtype=np.intp)  # the flat indices, as bincount takes them
        for start in range(part.start, part.stop, _SUM_BLOCK):  # buffers reused: no
            rows = slice(start, min(start + _SUM_BLOCK, part.stop))  # fresh memory
            v, m = coded.value[rows], rows.stop - rows.start
            w, t, b, index = w_buf[:m], t_buf[:m], b_buf[:m], i_buf[:m]
            np.copyto(w, v)
            np.copyto(w, 0.0, where=np.isnan(v, out=b))  # unknown counts 0, as in the cube
            if np.not_equal(np.trunc(w, out=t), w, out=b).any() or np.less(w, 0, out=b).any():
                return None  # a fractional (or negative) value: sums may round differently
            er += np.bincount(coded.block_index("yr", rows, index), weights=w,
                              minlength=nY * nR)
            if internal:
                if not every:
                    w *= economy.member[coded.r[rows]]
                index = coded.block_index("yi", rows, index) if groups is None else (
                    (coded.y[rows].astype(np.int64) * n_groups + groups[coded.r[rows]]) * nI
                    + coded.i[rows])
                ei += np.bincount(index, weights=w, minlength=nY * n_groups * nI)
        return er, ei

    parts = map_row_blocks(part_sums, len(coded.value), os.cpu_count() or 1)
    if any(p is None for p in parts):
        return None
    er = np.sum([p[0] for p in parts], axis=0)
    if not er.sum() < _EXACT_LIMIT:
        return None
    table = np.sum([p[1] for p in parts], axis=0).reshape(nY, n_groups, nI) if internal \
        else economy.external
    return er.reshape(nY, nR, 1), table


def lq_cube(coded: CodedPanel, economy: Economy) -> np.ndarray:
    """LQ ``(year, region, industry)`` (NaN where undefined: unknown value, zero total,
    unknown or smaller external reference); cached for an internal reference."""
    if economy.key is None:
        return lq_years(coded, economy, slice(None))
    return coded.cache.get(("lq", economy.key),
                           lambda: read_only(lq_years(coded, economy, slice(None))))


def lq_years(coded: CodedPanel, economy: Economy, years: slice) -> np.ndarray:
    """:func:`lq_cube` of the year positions ``years`` only (a fresh array, or a view of the
    cached cube when there is one): a caller that reads the LQ year by year needs no
    whole LQ cube."""
    if economy.key is not None and (cube := coded.cache.peek(("lq", economy.key))) is not None:
        return cube[years]  # type: ignore[index]
    f = lq_factors(coded, economy)
    e, er = coded.value_cube[years], f["er"][years]
    ei, et = by_region(f["ei"][years], economy), by_region(f["et"][years], economy)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = lq(e, er, ei, et)
        if economy.external is not None:
            out[(e > ei) | (er > et)] = np.nan
        out[~np.isfinite(out)] = np.nan
    return out


def factor_rows(
    coded: CodedPanel, f: dict[str, np.ndarray], rows: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """The LQ factors at the panel's rows (``e``, ``er``, ``ei``, ``et``; all rows, or the
    positions ``rows``), gathered from the small ``(year, region)`` and ``(year, group,
    industry)`` tables by the rows' codes: cheap in any row order."""
    nI = coded.shape[2]
    n_groups = f["ei"].shape[1]
    y, r, i = (coded.y, coded.r, coded.i) if rows is None else (
        coded.y[rows], coded.r[rows], coded.i[rows])
    # a few rows: their flat indices from their codes (no row-length index array)
    yr = coded.yr if rows is None else y.astype(np.int64) * coded.shape[1] + r
    if n_groups == 1:
        yi = coded.yi if rows is None else y.astype(np.int64) * nI + i
        ei, et = f["ei"].reshape(-1)[yi], f["et"].reshape(-1)[y]
    else:
        yg = y.astype(np.int64) * n_groups + f["group"][r]
        ei, et = f["ei"].reshape(-1)[yg * nI + i], f["et"].reshape(-1)[yg]
    e = coded.value if rows is None else coded.value[rows]
    return {"e": e, "er": f["er"].reshape(-1)[yr], "ei": ei, "et": et}
