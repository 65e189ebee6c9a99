"""Emerging-industry detection: signals as of a year, scores, classes, backtests.

- :func:`emergence_signals` (:mod:`~emerging.detect.signals`): every signal of every
  region-industry as of a year, from years up to it only.
- :func:`emergence_scores` (:mod:`~emerging.detect.score`): persistence, a transparent
  composite (TOML presets) and a logit fitted on past windows, with contributions; the
  classes of :mod:`~emerging.detect.classes` (the one definition of "emerging").
- :func:`backtest` (:mod:`~emerging.detect._backtest`): rolling origins, outcomes with risk
  sets, metrics with region-bootstrap intervals, baselines beside every score, model card.
- :func:`flag_emerging` (:mod:`~emerging.detect.rules`): the explicit rules, kept as the
  "rule" score.
"""

from emerging.detect._backtest import Backtest, RuleCannotFireWarning, backtest
from emerging.detect.card import headline, published_backtest
from emerging.detect.classes import CLASSES, ClassRules
from emerging.detect.rules import EmergenceFlags, Rule, flag_emerging
from emerging.detect.score import DEFAULT_MODEL, EmergenceScores, emergence_scores, presets
from emerging.detect.signals import EmergenceSignals, emergence_signals

__all__ = [
    "CLASSES",
    "DEFAULT_MODEL",
    "Backtest",
    "ClassRules",
    "EmergenceFlags",
    "EmergenceScores",
    "EmergenceSignals",
    "Rule",
    "RuleCannotFireWarning",
    "backtest",
    "emergence_scores",
    "emergence_signals",
    "flag_emerging",
    "headline",
    "presets",
    "published_backtest",
]
