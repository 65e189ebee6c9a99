r"""Gerfin's shift-share ratios and the net total shift, from the classic components.

Gerfin (1964) compares growth factors instead of absolute changes. For a region *r*
(or one of its industries, or any sum of pairs) between years 0 and 1, with the classic
components of :func:`emerging.trends.shift_share` (national share :math:`NS`, industry mix
:math:`IM`, competitive :math:`CE`) and :math:`E^0, E^1` the start and end employment:

.. math::

    \text{regional factor } R = \frac{E^1 / E^0}{N^1 / N^0} = \frac{E^1}{E^0 + NS},
    \qquad
    \text{structural factor } S = \frac{\sum_i E_i^0 \, N_i^1 / N_i^0}{E^0 \, N^1/N^0}
        = \frac{E^0 + NS + IM}{E^0 + NS},

.. math::

    \text{location factor } L = \frac{E^1}{\sum_i E_i^0 \, N_i^1 / N_i^0}
        = \frac{E^1}{E^0 + NS + IM}, \qquad R = S \cdot L,

(:math:`N` the reference employment; :math:`E^0 + NS = E^0 N^1/N^0` and
:math:`E^0 + NS + IM = \sum_i E_i^0 N_i^1/N_i^0`, so the ratios follow from sums of the
classic components and hold for a pair, a region or an industry alike). A factor above 1
is favourable: the region grew faster than the reference (R), its industry mix favours
growth (S), or it did better than its mix predicts (L). Null where a denominator is 0.

The **net total shift** (Dunn 1960; REAT's ``nts``) is the change not explained by the
reference's overall growth, :math:`NTS = IM + CE = \Delta E - NS`.

References
----------
Gerfin, H. (1964). Gesamtwirtschaftliches Wachstum und regionale Entwicklung. *Kyklos*,
17(4), 565-593.
Farhauer, O. & Kröll, A. (2013). *Standorttheorien: Regional- und Stadtökonomik in
Theorie und Praxis*. Springer Gabler (chapter on shift-share analysis).
Wieland, T. (2019). REAT: A Regional Economic Analysis Toolbox for R. *REGION*, 6(3),
R1-R57.
"""

from __future__ import annotations

import polars as pl

GERFIN_RATIOS = ("regional_factor", "structural_factor", "location_factor")


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den != 0).then(num / den).otherwise(None)


def net_total_shift() -> pl.Expr:
    """``industry_mix + competitive`` as the column ``net_total_shift``."""
    return (pl.col("industry_mix") + pl.col("competitive")).alias("net_total_shift")


def gerfin_ratios() -> list[pl.Expr]:
    """The three Gerfin factors from ``value_start``, ``value_end``, ``national_share`` and
    ``industry_mix`` of a frame (pairs, or their sums per region or industry)."""
    e0, e1 = pl.col("value_start"), pl.col("value_end")
    expected_national = e0 + pl.col("national_share")
    expected_mix = expected_national + pl.col("industry_mix")
    return [_ratio(e1, expected_national).alias("regional_factor"),
            _ratio(expected_mix, expected_national).alias("structural_factor"),
            _ratio(e1, expected_mix).alias("location_factor")]
