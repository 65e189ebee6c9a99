r"""Location quotients: point values, confidence intervals, standardised and additive forms.

The location quotient (Balassa's revealed comparative advantage, RCA) of industry *i* in
region *r* in year *t* compares the industry's share of the region's employment with its
share in a reference economy:

.. math::

    LQ_{rit} = \frac{E_{rit} / E_{r\cdot t}}{E_{\cdot it} / E_{\cdot\cdot t}}

where a dot is a sum over that index, taken over the reference: all regions of the panel
(``base="all"``), the regions of the panel in the region's country (``base="country"``)
or a separate reference panel such as the EU total (``base="reference"``). LQ > 1 means
the region is relatively specialised in the industry.

Edge cases: a region or an industry with zero total employment, or a null (confidential)
cell, gives a null LQ and an ``lq_reason`` that says why; never ``inf`` or a silent 0.
Regional totals are sums of the known cells, so a confidential cell also lowers the
region's total: :func:`location_quotient` reports the share of each region-year's cells
that are unknown in ``unknown_share``. Likewise an industry unknown in an external
reference is left out of both the reference total and the region's total, so that the
two shares always cover the same industries (counted in ``unknown_share`` too).

Three tiers: expressions (:func:`lq_expr`, :func:`additive_lq_expr`,
:func:`lq_bounds_expr`) for your own polars pipelines; frame functions
(:func:`location_quotient`, :func:`presence`) that validate a whole panel and compute on
integer codes; the formulas themselves (``_lq``, ``_log_variance``) are shared by both.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. *The
Manchester School*, 33(2), 99-123.
Moineddin, R., Beyene, J. & Boyle, E. (2003). On the location quotient confidence
interval. *Geographical Analysis*, 35(3), 249-256.
O'Donoghue, D. & Gleave, B. (2004). A note on methods for measuring industrial
agglomeration. *Regional Studies*, 38(4), 419-427.
Tian, Z. (2013). Measuring agglomeration using the standardized location quotient with a
bootstrap method. *Journal of Regional Analysis and Policy*, 43(2), 186-197.
Farhauer, O. & Kröll, A. (2013). *Standorttheorien: Regional- und Stadtökonomik in
Theorie und Praxis*. Springer (additive location quotient).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import polars as pl

from emerging._schema import INDUSTRY, VALUE, YEAR, require_columns, same_kind
from emerging.indices._coded import (
    CodedPanel,
    check_fraction,
    check_option,
    float_column,
    map_years,
    reason_column,
)
from emerging.indices._lq_expr import (  # noqa: F401  (the formulas are re-exported)
    _additive,
    _log_variance,
    _lq,
    _z,
    _zero_count_upper,
    additive_lq_expr,
    lq_bounds_expr,
    lq_expr,
)
from emerging.indices._lq_reasons import LQ_REASONS, _lq_reasons, _unknown_in_reference
from emerging.indices._lq_standardised import standardised_columns

Base = Literal["all", "country", "reference"]
_BASES = ("all", "country", "reference")



# ---------------------------------------------------------------- reference totals
def _reference_table(reference: pl.DataFrame | pl.LazyFrame, coded: CodedPanel):
    """Industry totals ``(year, 1, industry)`` of an external reference, mapped onto codes."""
    ref = reference.collect() if isinstance(reference, pl.LazyFrame) else reference
    require_columns(ref, [INDUSTRY, YEAR, VALUE], what="reference")
    ref = ref.group_by(INDUSTRY, pl.col(YEAR).cast(pl.Int32)).agg(
        pl.when(pl.col(VALUE).null_count() == 0).then(pl.col(VALUE).cast(pl.Float64).sum())
    )
    if (ref[VALUE] < 0).any():
        raise ValueError("reference column 'value' holds negative numbers; expected >= 0")
    ref = ref.filter(pl.col(INDUSTRY).is_in(coded.industries.implode())
                     & pl.col(YEAR).is_in(coded.years.tolist()))
    nY, _, nI = coded.shape
    table = np.zeros((nY, 1, nI))
    y = np.searchsorted(coded.years, ref[YEAR].to_numpy())
    i = ref[INDUSTRY].cast(pl.Enum(coded.industries)).to_physical().to_numpy().astype(np.int64)
    table[y, 0, i] = ref[VALUE].to_numpy()  # null -> NaN: unknown in reference
    return table


def reference_totals(
    coded: CodedPanel,
    base: str,
    *,
    reference: pl.DataFrame | pl.LazyFrame | None = None,
    regions: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Industry totals ``(year, group, industry)`` and the group of every region.

    ``regions`` (a Boolean mask over region codes) restricts an internal reference to a
    reference group, e.g. Central Europe.
    """
    check_option("base", base, _BASES)
    nR = coded.shape[1]
    if base == "reference":
        if reference is None:
            raise ValueError(
                "base='reference' needs a reference panel: pass reference=<frame with "
                "industry, year, value>, e.g. the EU total"
            )
        return _reference_table(reference, coded), np.zeros(nR, dtype=np.int64)
    if reference is not None:
        raise ValueError(f"a reference panel was given but base={base!r}; pass base='reference'")
    group = coded.country_of_region if base == "country" else np.zeros(nR, dtype=np.int64)
    member = np.zeros((int(group.max()) + 1, nR))
    member[group, np.arange(nR)] = 1.0 if regions is None else regions
    return np.matmul(member, coded.cube), group


def lq_cubes(
    coded: CodedPanel,
    base: str,
    *,
    reference: pl.DataFrame | pl.LazyFrame | None = None,
    regions: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The factors of the LQ as broadcastable arrays.

    ``e`` (Y, R, I) values with NaN for unknown cells; ``inv_er`` (Y, R, 1) = 1/E_r;
    ``ei`` (Y, R|1, I) reference industry totals per region's group (NaN where unknown in
    an external reference); ``et`` (Y, R|1, 1). Zero totals give inf/NaN factors;
    callers turn those into null with a reason. Without an external reference the
    factors are kept on ``coded`` (read-only) and reused by later calls.

    Region and reference shares cover the same industries: an industry unknown in the
    reference (``ei`` NaN) is left out of the reference total ``et`` *and* of every
    region's total ``E_r`` in that year, so the LQs of the other industries are those of
    the economy without it (their additive LQs still sum to 0).
    """
    if regions is not None and bool(np.all(regions == 1.0)):
        regions = None  # a reference group of every region is the plain reference
    key = (base, None if regions is None else regions.tobytes())
    if reference is None and key in coded.memo:  # computed by an earlier index
        return coded.memo[key]
    table, group = reference_totals(coded, base, reference=reference, regions=regions)
    unknown = np.isnan(table)  # only an external reference (one group) has unknown cells
    totals = np.nansum(table, axis=2, keepdims=True)
    if table.shape[1] > 1:
        table, totals = table[:, group, :], totals[:, group, :]
    if unknown.any():  # E_r over the industries known in the reference, (Y, R, 1)
        er = np.matmul(coded.cube, (~unknown).transpose(0, 2, 1).astype(float))
    else:
        er = coded.region_total[:, :, None]
    with np.errstate(divide="ignore"):
        inv_er = 1.0 / er
    factors = {"e": coded.value_cube, "inv_er": inv_er, "ei": table, "et": totals}
    if reference is None:
        for a in (inv_er, table, totals):
            a.setflags(write=False)  # shared by every index computed on ``coded``
        coded.memo[key] = factors
    return factors


def _lq_block(e, inv_er, ei, et, out: dict, *, z: float, u: float, external: bool) -> None:
    """LQ, interval bounds and additive LQ of one block of years, written into ``out``."""
    lq, lo, hi, alq = out["lq"], out["lo"], out["hi"], out["alq"]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inv_share = et / ei  # (Y, G, I): E / E_i
        np.multiply(e, inv_er, out=lq)
        np.subtract(lq, 1.0 / inv_share, out=alq)
        lq *= inv_share
        if external:
            lq[(e > ei) | (1.0 / inv_er > et)] = np.nan
        # V = d/E_i^2 * (1 + d * (1/e - 1/E_r - 1/(E - E_r))), d = E_i - e (see docstring)
        outside = et - 1.0 / inv_er
        c = inv_er + np.where(outside > 0, 1.0 / outside, 0.0)
        d = np.subtract(ei, e, out=hi)
        v = np.divide(1.0, e, out=lo)
        v -= c
        v *= d
        v += 1.0
        v *= d
        v *= (z * z) / (ei * ei)
        np.sqrt(v, out=v)  # z * sqrt(V)
        spread = np.exp(v, out=v)
        np.multiply(lq, spread, out=hi)
        np.divide(lq, spread, out=lo)
        np.multiply(u * inv_er, inv_share, out=hi, where=e == 0)


def _lq_rows(coded: CodedPanel, base: str, reference, level: float) -> dict[str, np.ndarray]:
    """LQ, interval and additive LQ at the panel's rows, computed per year on the cube."""
    f = lq_cubes(coded, base, reference=reference)
    z, u, external = _z(level), _zero_count_upper(level), base == "reference"
    cubes = {k: np.empty(coded.shape) for k in ("lq", "lo", "hi", "alq")}

    def block(ys: slice) -> None:
        _lq_block(f["e"][ys], f["inv_er"][ys], f["ei"][ys], f["et"][ys],
                  {k: a[ys] for k, a in cubes.items()}, z=z, u=u, external=external)

    map_years(block, coded.shape[0])
    if reference is None:  # the LQ cube of this base, read-only, for later indices
        cubes["lq"].setflags(write=False)
        coded.memo[("lq_cube", base)] = cubes["lq"]
    rows = {k: coded.to_rows(a) for k, a in cubes.items()}
    rows["lq_cube"] = cubes["lq"]
    bad = np.flatnonzero(np.isnan(rows["lq"]))
    rows["reason"] = _lq_reasons(coded, f, bad)
    for k in ("lo", "hi", "alq"):
        if len(bad):
            rows[k][bad] = np.nan
    rows["unknown_share"] = coded.unknown_share(excluded=_unknown_in_reference(coded, f))
    return rows


def standardised_lq(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    base: Base = "all",
    reference: pl.DataFrame | pl.LazyFrame | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    r"""Add standardised location quotients (O'Donoghue & Gleave 2004; Tian 2013).

    .. math::

        SLQ_{ri} = \frac{LQ_{ri} - \overline{LQ}_{i}}{s_i}, \qquad
        SLQ^{\log}_{ri} = \frac{\ln LQ_{ri} - \overline{\ln LQ}_{i}}{s^{\log}_i}

    with the mean and sample standard deviation (ddof = 1) taken per industry-year across
    the panel's rows (regions) with a defined LQ; the log form over LQ > 0 only.

    Returns
    -------
    Same kind as ``panel`` with ``lq``, ``lq_reason``, ``slq`` and ``slq_log``. ``slq`` is
    null where ``lq`` is null, or when fewer than two regions have a defined LQ for the
    industry-year, or they all have the same LQ; ``slq_log`` is also null where LQ = 0
    (its logarithm is undefined). O'Donoghue & Gleave read SLQ > 1.96 as a significant
    agglomeration when the LQs are roughly normal; Tian's log form suits the usual
    right-skewed LQs better.
    """
    coded = CodedPanel.from_panel(panel)
    f = lq_cubes(coded, base, reference=reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = f["e"] * f["inv_er"] * (f["et"] / f["ei"])
        if base == "reference":
            lq[(f["e"] > f["ei"]) | (1.0 / f["inv_er"] > f["et"])] = np.nan
        lq[~np.isfinite(lq)] = np.nan
    lq_rows = coded.to_rows(lq)
    reason = _lq_reasons(coded, f, np.flatnonzero(np.isnan(lq_rows)))
    out = coded.frame.with_columns(
        float_column("lq", lq_rows),
        reason_column("lq_reason", reason, LQ_REASONS),
        *standardised_columns(coded, lq),
    )
    return same_kind(out, panel)


# ---------------------------------------------------------------- tier 2: frame functions
def location_quotient(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    base: Base = "all",
    reference: pl.DataFrame | pl.LazyFrame | None = None,
    level: float = 0.95,
) -> pl.DataFrame | pl.LazyFrame:
    r"""Add location quotients, their confidence interval and variants to every row.

    All years at once, on integer codes (no loop over regions or industries).

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    base
        Reference economy: ``"all"`` regions of the panel, each region's ``"country"``
        (the regions of the panel sharing its first two letters), or ``"reference"``: the
        ``reference`` panel.
    reference
        With ``base="reference"``: a frame with ``industry``, ``year``, ``value`` (and
        optionally ``region``, summed over), e.g. the EU-27 total. Only its industries
        that appear in the panel enter the reference total, so that region and reference
        shares cover the same industries. An industry whose reference value is null
        (unknown) gets a null LQ with ``"unknown in reference"`` and is also left out of
        every region's total :math:`E_r` that year, again so that both shares cover the
        same industries; ``unknown_share`` counts it. The region is assumed to be part
        of the reference.
    level
        Confidence level of ``lq_lo``/``lq_hi`` (default 0.95).

    Returns
    -------
    Same kind as ``panel`` with added columns:

    ``lq``
        :math:`LQ_{ri} = (E_{ri}/E_r)/(E_i/E)`; null when undefined.
    ``lq_reason``
        Why ``lq`` is null: ``"confidential"`` (the cell is null), ``"zero region
        total"``, ``"zero industry total"`` (in the reference), ``"region exceeds
        reference"`` (external reference smaller than the region), ``"unknown in
        reference"``; null when the LQ is defined.
    ``unknown_share``
        Share of the region-year's rows left out of its total :math:`E_r` (0-1): null
        in the panel or, with ``base="reference"``, unknown in the reference.
    ``lq_lo``, ``lq_hi``
        Confidence interval after Moineddin, Beyene & Boyle (2003): a delta-method
        interval on the log scale, :math:`LQ \cdot \exp(\pm z_{1-\alpha/2}\sqrt{V})`.
        The variance is derived here with the region nested in the reference: the
        region's cell is Binomial(:math:`E_r, p`) and the industry's employment outside
        the region an independent Binomial(:math:`E - E_r, q`), totals fixed:

        .. math::

            V = \Big(\frac{1}{E_{ri}} - \frac{1}{E_i}\Big)^2 E_{ri}\Big(1 - \frac{E_{ri}}{E_r}\Big)
              + \frac{(E_i - E_{ri})\big((E - E_r) - (E_i - E_{ri})\big)}{E_i^2 (E - E_r)}

        For :math:`E_{ri} = 0` the interval is :math:`[0, (u/E_r)/(E_i/E)]` with the exact
        Poisson upper limit :math:`u = -\ln(\alpha/2)` for a zero count.
    ``specialised``
        ``lq_lo > 1``: specialised beyond sampling noise (null when ``lq`` is null).
    ``alq``
        Additive LQ :math:`E_{ri}/E_r - E_i/E` (Farhauer & Kröll 2013), in [-1, 1];
        sums to 0 over a region's industries. Null where ``lq`` is null.

    All Float64 columns are null, never inf or NaN, where undefined. Standardised LQs:
    :func:`standardised_lq`.

    Notes
    -----
    Employment counts are not random samples; the interval expresses how much the LQ
    would move under binomial noise of the observed size, which is what separates a
    specialisation of 5 workers from one of 5,000.

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["AT11", "AT11", "AT12", "AT12"],
    ...                   "industry": ["x", "y", "x", "y"],
    ...                   "year": [2020] * 4, "value": [30.0, 10.0, 10.0, 50.0]})
    >>> location_quotient(p)["lq"].round(4).to_list()
    [1.875, 0.4167, 0.4167, 1.3889]
    """
    out, _ = _location_quotient(panel, base=base, reference=reference, level=level)
    return out


def _location_quotient(panel, *, base: str, reference, level: float):
    """:func:`location_quotient` and its LQ cube ``(year, region, industry)``."""
    check_option("base", base, _BASES)
    check_fraction("level", level)
    coded = CodedPanel.from_panel(panel)
    rows = _lq_rows(coded, base, reference, level)
    out = coded.frame.with_columns(
        float_column("lq", rows["lq"]),
        reason_column("lq_reason", rows["reason"], LQ_REASONS),
        float_column("unknown_share", rows["unknown_share"].reshape(-1)[coded.yr])
        if rows["unknown_share"].any()
        else pl.lit(0.0).alias("unknown_share"),
        float_column("lq_lo", rows["lo"]),
        float_column("lq_hi", rows["hi"]),
        float_column("alq", rows["alq"]),
    ).with_columns((pl.col("lq_lo") > 1).alias("specialised"))
    return same_kind(out, panel), rows["lq_cube"]


def presence(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    threshold: float = 1.0,
    base: Base = "all",
    reference: pl.DataFrame | pl.LazyFrame | None = None,
    level: float = 0.95,
) -> pl.DataFrame | pl.LazyFrame:
    r"""Binary presence :math:`M_{ri} = [LQ_{ri} \ge \text{threshold}]` (null where LQ is null).

    Adds every column of :func:`location_quotient` and ``present`` (Boolean). Use
    ``specialised`` for the stricter "lower confidence bound above 1".
    """
    out, _ = presence_and_cube(panel, threshold=threshold, base=base, reference=reference,
                               level=level)
    return out


def presence_and_cube(panel, *, threshold: float, base: str, reference, level: float):
    """:func:`presence` and its LQ cube ``(year, region, industry)`` (NaN where null)."""
    if not isinstance(threshold, int | float) or not threshold > 0:
        raise ValueError(f"threshold must be a positive number; got {threshold!r}")
    out, lq = _location_quotient(panel, base=base, reference=reference, level=level)
    return out.with_columns((pl.col("lq") >= threshold).alias("present")), lq
