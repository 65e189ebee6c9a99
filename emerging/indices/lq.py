r"""Location quotients: point values, confidence intervals, standardised and additive forms.

The location quotient (Balassa's revealed comparative advantage, RCA) of industry *i* in
region *r* in year *t* compares the industry's share of the region's employment with its
share in a reference economy:

.. math::

    LQ_{rit} = \frac{E_{rit} / E_{r\cdot t}}{E_{\cdot it} / E_{\cdot\cdot t}}

where a dot is a sum over that index, taken over the reference economy
(:mod:`emerging._reference`): all regions of the panel (``reference="all"``), the regions
of the panel in the region's country (``"country"``), a set of regions (``"set"`` with
``regions=``), or a frame of external totals such as Eurostat's NUTS-0 or EU-27 rows.
LQ > 1 means the region is relatively specialised in the industry.

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
integer codes; the formulas themselves (:func:`emerging._reference.lq`, the one LQ formula, and
``_log_variance``) are shared by both.

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

from emerging._reference import (
    ReferenceLike,
    Regions,
    legacy_reference,
    lq_cube,
    lq_factors,
    resolve_reference,
)
from emerging._schema import same_kind
from emerging._units import persons_per_value
from emerging.indices._coded import (
    CodedPanel,
    check_fraction,
    float_column,
    reason_column,
)
from emerging.indices._lq_expr import (  # noqa: F401  (the expressions are re-exported)
    _z,
    _zero_count_upper,
    additive_lq_expr,
    lq_bounds_expr,
    lq_expr,
)
from emerging.indices._lq_reasons import LQ_REASONS, _lq_reasons
from emerging.indices._lq_rows import _lq_rows
from emerging.indices._lq_standardised import standardised_columns

#: Old name of the reference option (``base=``), kept for one release.
Base = Literal["all", "country", "reference"]


# ---------------------------------------------------------------- the reference economy
def economy_of(coded: CodedPanel, reference, regions, *, base=None):
    """The :class:`~emerging._reference.Economy` of a call, old spellings translated."""
    reference, regions, sum_frame = legacy_reference(reference, regions, base=base)
    return resolve_reference(coded, reference, regions, sum_frame=sum_frame)


def standardised_lq(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    base: Base | None = None,
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
    economy = economy_of(coded, reference, regions, base=base)
    lqs = lq_cube(coded, economy)
    lq_rows = coded.to_rows(lqs)
    reason = _lq_reasons(coded, lq_factors(coded, economy), np.flatnonzero(np.isnan(lq_rows)))
    out = coded.frame.with_columns(
        float_column("lq", lq_rows),
        reason_column("lq_reason", reason, LQ_REASONS),
        *standardised_columns(coded, lqs, lq_rows),
    )
    return same_kind(out, panel)


# ---------------------------------------------------------------- tier 2: frame functions
def location_quotient(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    level: float = 0.95,
    base: Base | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    r"""Add location quotients, their confidence interval and variants to every row.

    All years at once, on integer codes (no loop over regions or industries).

    Parameters
    ----------
    panel
        Panel (``region``, ``industry``, ``year``, ``value``) of one NUTS level.
    reference
        Reference economy: ``"all"`` regions of the panel, each region's ``"country"``
        (the regions of the panel sharing its first two letters), a ``"set"`` of regions
        (``regions=``), or a frame of external totals with the Panel's columns
        (``region``, ``industry``, ``year``, ``value``): Eurostat's NUTS-0 rows (each
        region against its own country) or one aggregate such as ``EU27_2020``; a frame
        without ``region`` is one aggregate. Only the frame's industries that appear in
        the panel enter the reference total, so that region and reference shares cover
        the same industries. An industry whose reference value is null (unknown) gets a
        null LQ with ``"unknown in reference"`` and is also left out of every region's
        total :math:`E_r` that year, again so that both shares cover the same industries;
        ``unknown_share`` counts it. The region is assumed to be part of the reference.
    regions
        With ``reference="set"``: a region-set name
        (:func:`emerging.codes.nuts.region_set`) or a collection of NUTS codes.
    level
        Confidence level of ``lq_lo``/``lq_hi`` (default 0.95).
    base
        Deprecated spelling of ``reference`` (``base="country"`` is
        ``reference="country"``; ``base="reference", reference=frame`` is
        ``reference=frame``, with the frame summed over its regions as before).

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
        in the panel or, with a frame of external totals, unknown in the reference.
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
    coded = CodedPanel.from_panel(panel)
    economy = economy_of(coded, reference, regions, base=base)
    return _location_quotient(coded, economy, level=level, like=panel)


def _location_quotient(coded: CodedPanel, economy, *, level: float, like):
    """:func:`location_quotient` of a coded panel against a resolved economy."""
    return same_kind(lq_frame(coded, economy, level=level)[0], like)


def lq_frame(coded: CodedPanel, economy, *, level: float, share: bool = False
             ) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    """The frame of :func:`location_quotient` and the arrays behind it: the rows of
    :func:`_lq_rows` (with ``share`` also ``e / E_r``) and ``"lq_column"``, the ``lq``
    column itself (for a caller that puts the same LQ in another frame)."""
    check_fraction("level", level)
    rows = _lq_rows(coded, economy, level, persons_per_value(coded.frame), share=share)
    rows["lq_column"] = float_column("lq", rows["lq"])
    lower = float_column("lq_lo", rows["lo"])
    out = coded.frame.with_columns(
        rows["lq_column"],
        reason_column("lq_reason", rows["reason"], LQ_REASONS),
        float_column("unknown_share", rows["unknown_share"].reshape(-1)[coded.yr])
        if rows["unknown_share"].any()
        else pl.lit(0.0).alias("unknown_share"),
        lower,
        float_column("lq_hi", rows["hi"]),
        float_column("alq", rows["alq"]),
        # a comparison of the column (null where it is null), not an expression on the
        # frame: that would first copy every column of a frame read in many chunks (a
        # Parquet file's row groups) into one chunk
        (lower > 1).alias("specialised"),
    )
    return out, rows


def presence(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    threshold: float = 1.0,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    level: float = 0.95,
    base: Base | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    r"""Binary presence :math:`M_{ri} = [LQ_{ri} \ge \text{threshold}]` (null where LQ is null).

    Adds every column of :func:`location_quotient` and ``present`` (Boolean). Use
    ``specialised`` for the stricter "lower confidence bound above 1". ``reference`` and
    ``regions`` as in :func:`location_quotient`.
    """
    coded = CodedPanel.from_panel(panel)
    economy = economy_of(coded, reference, regions, base=base)
    return same_kind(presence_frame(coded, economy, threshold=threshold, level=level), panel)


def presence_frame(coded: CodedPanel, economy, *, threshold: float, level: float,
                   share: bool = False):
    """:func:`presence` (a DataFrame) of a coded panel against a resolved economy; with
    ``share``, also the arrays of :func:`lq_frame` (a pair: frame, arrays)."""
    if not isinstance(threshold, int | float) or not threshold > 0:
        raise ValueError(f"threshold must be a positive number; got {threshold!r}")
    out, rows = lq_frame(coded, economy, level=level, share=share)
    out = out.with_columns((rows["lq_column"] >= threshold).alias("present"))  # see lq_frame
    return (out, rows) if share else out
