"""Relatedness between industries, relatedness density, economic complexity, complexity
outlook and the risk-reward matrix of smart specialisation.

Every function takes a tidy panel (``region``, ``industry``, ``year``, ``value``), encodes
it once as integer-coded arrays per year (:mod:`~emerging.relatedness.matrices`) and
returns tidy frames or frozen results. scipy is imported only inside the functions that
need it. The industry-space graph lives in :mod:`emerging.networks.industry_space`
(networkx is only imported under ``emerging.networks``).
"""

from emerging.relatedness._complexity import Complexity, ConvergenceWarning, complexity
from emerging.relatedness._opportunity import opportunity
from emerging.relatedness._orientation import OrientationWarning
from emerging.relatedness._proximity import proximity
from emerging.relatedness._reflections import reflections
from emerging.relatedness._risk_reward import RiskReward, risk_reward
from emerging.relatedness._user_proximity import proximity_to_matrix
from emerging.relatedness.analysis import RelatednessAnalysis, analyse_relatedness
from emerging.relatedness.density import density_by_status, relatedness_density

__all__ = [
    "Complexity",
    "ConvergenceWarning",
    "OrientationWarning",
    "RelatednessAnalysis",
    "RiskReward",
    "analyse_relatedness",
    "complexity",
    "density_by_status",
    "opportunity",
    "proximity",
    "proximity_to_matrix",
    "reflections",
    "relatedness_density",
    "risk_reward",
]
