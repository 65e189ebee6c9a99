"""Dynamics: growth, shift-share, trend models with uncertainty, convergence, portfolio.

Entry points: :func:`~emerging.trends.growth`, :func:`~emerging.trends.shift_share`,
:mod:`~emerging.trends.slopes` (closed-form trends of whole panels),
:mod:`~emerging.trends.models` (statsmodels fits), :mod:`~emerging.trends.convergence`,
:func:`~emerging.trends.portfolio`. Only numpy and polars are imported here; statsmodels,
scipy and matplotlib are imported inside the functions that need them.
"""

from emerging.trends._growth import (
    SpecialisationChanges,
    cagr_expr,
    growth,
    log_growth_expr,
    specialisation_changes,
)
from emerging.trends._ols import ols_se_expr, ols_slope_expr
from emerging.trends._portfolio import Portfolio, portfolio
from emerging.trends._shift_share import ShiftShare, shift_share
from emerging.trends.convergence import (
    BetaConvergence,
    SigmaConvergence,
    beta_convergence,
    sigma_convergence,
)
from emerging.trends.models import FixedEffectsTrend, TrendFit, fit_trend, fixed_effects_trend
from emerging.trends.slopes import PanelTrends, SlopeOptions, trend_slopes

__all__ = [
    "BetaConvergence",
    "FixedEffectsTrend",
    "PanelTrends",
    "Portfolio",
    "ShiftShare",
    "SigmaConvergence",
    "SlopeOptions",
    "SpecialisationChanges",
    "TrendFit",
    "beta_convergence",
    "cagr_expr",
    "fit_trend",
    "fixed_effects_trend",
    "growth",
    "log_growth_expr",
    "ols_se_expr",
    "ols_slope_expr",
    "portfolio",
    "shift_share",
    "sigma_convergence",
    "specialisation_changes",
    "trend_slopes",
]
