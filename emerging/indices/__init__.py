"""Specialisation, concentration and diversity indices; cluster stars.

- :mod:`~emerging.indices.lq`: location quotients with confidence intervals, additive
  and standardised LQs, presence (tier-1 expressions and frame functions).
- :mod:`~emerging.indices.diversity`: Krugman, Hoover, Gini, HHI, Theil, entropy,
  related/unrelated variety, diversity and ubiquity per region.
- :mod:`~emerging.indices.concentration`: locational Gini, Hoover, Krugman and
  Ellison-Glaeser per industry.
- :mod:`~emerging.indices.stars`: European Cluster Observatory stars and US Cluster
  Mapping-style ratings against a chosen reference group.
- :mod:`~emerging.indices.profile`: all of the above from one pass over a panel.
- REAT's unweighted variants (:mod:`~emerging.indices._spec_gini`): ``lq_gini``
  (``gini.spec``), ``krugman_others`` (``krugman.spec2``), ``employment_gini``
  (``gini``); and ``country_standardised_lq`` (:mod:`~emerging.indices._country_slq`).
"""

from emerging.indices._country_slq import country_standardised_lq
from emerging.indices._spec_gini import employment_gini, krugman_others, lq_gini
from emerging.indices.concentration import IndustryConcentration, industry_concentration
from emerging.indices.diversity import (
    RegionalDiversity,
    regional_diversity,
    specialisation,
    ubiquity,
    variety,
)
from emerging.indices.lq import (
    additive_lq_expr,
    location_quotient,
    lq_bounds_expr,
    lq_expr,
    presence,
    standardised_lq,
)
from emerging.indices.profile import SpecialisationProfile, specialisation_profile
from emerging.indices.stars import ClusterStars, EcoRules, UsRules, cluster_stars

__all__ = [
    "ClusterStars",
    "EcoRules",
    "IndustryConcentration",
    "RegionalDiversity",
    "SpecialisationProfile",
    "UsRules",
    "additive_lq_expr",
    "cluster_stars",
    "country_standardised_lq",
    "employment_gini",
    "industry_concentration",
    "krugman_others",
    "location_quotient",
    "lq_bounds_expr",
    "lq_expr",
    "lq_gini",
    "presence",
    "regional_diversity",
    "specialisation",
    "specialisation_profile",
    "standardised_lq",
    "ubiquity",
    "variety",
]
