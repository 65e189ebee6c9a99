r"""Standardised location quotients within each country.

:func:`~emerging.indices.standardised_lq` standardises each industry's LQs across all
regions of the panel. Comparing a region with the other regions of its own country
(as national S3 strategies do) needs the standardisation within the country *c*:

.. math::

    SLQ^{c}_{ri} = \frac{LQ_{ri} - \overline{LQ}_{c,i}}{s_{c,i}}, \qquad
    SLQ^{c,\log}_{ri} = \frac{\ln LQ_{ri} - \overline{\ln LQ}_{c,i}}{s^{\log}_{c,i}},

with the mean and sample standard deviation (ddof = 1) of the LQs of the country's
regions (first two letters of the code) per industry-year; the log form over LQ > 0
(O'Donoghue & Gleave 2004; Tian 2013). The LQ is against ``reference``: the country
(default, so both the shares and the standardisation are national) or all regions.
Null where the LQ is null, or the country has fewer than two regions with a defined LQ
for the industry-year, or they are all equal.

References
----------
O'Donoghue, D. & Gleave, B. (2004). A note on methods for measuring industrial
agglomeration. *Regional Studies*, 38(4), 419-427.
Tian, Z. (2013). Measuring agglomeration using the standardized location quotient with a
bootstrap method. *Journal of Regional Analysis and Policy*, 43(2), 186-197.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._schema import INDUSTRY, REGION, YEAR
from emerging.indices._coded import check_option
from emerging.indices._spec_gini import _lq_against


def _standardise(x: pl.Expr, group: list) -> pl.Expr:
    sd = x.std(ddof=1).over(group)
    return pl.when(sd > 0).then((x - x.mean().over(group)) / sd).otherwise(None)


@keeps_frame_kind
def country_standardised_lq(panel: pl.DataFrame | pl.LazyFrame, *,
                            reference: Literal["country", "all"] = "country"
                            ) -> pl.DataFrame | pl.LazyFrame:
    """Add ``lq``, ``lq_reason``, ``slq_country`` and ``slq_country_log`` to every row
    (standardised within each country; see the module docstring)."""
    check_option("reference", reference, ("country", "all"))
    lq = _lq_against(panel, reference)
    group = [pl.col(REGION).str.slice(0, 2), INDUSTRY, YEAR]
    positive_log = pl.when(pl.col("lq") > 0).then(pl.col("lq").log()).otherwise(None)
    return lq.select(*panel.columns, "lq", "lq_reason").with_columns(
        _standardise(pl.col("lq"), group).alias("slq_country"),
        _standardise(positive_log, group).alias("slq_country_log"))
