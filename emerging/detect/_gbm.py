r"""A gradient-boosted tree model of the outcome (scikit-learn, the optional ``ml`` extra).

Like the logit of :mod:`emerging.detect.score`, it is fitted on the risk sets of *past*
origins only (:math:`o + h \le a`: every outcome it learns from is known as of :math:`a`)
and predicts a probability for the pairs as of :math:`a`. It reads the signal columns
behind :data:`emerging.detect.score.SIGNALS` as they are (trees do not need the logit's
transformations; an unknown signal stays missing, which the trees route on their own).

The model is scikit-learn's ``HistGradientBoostingClassifier`` with fixed settings
(:data:`SETTINGS`: 200 trees of at most 15 leaves, learning rate 0.05, at least 50 pairs
a leaf, L2 penalty 1), chosen before the real-data backtest and not tuned to any split.
Tree ensembles of many signals are the models that beat relatedness alone in predicting
entry (Albora, Pietronero, Tacchella & Zaccaria 2023; Tacchella et al. 2023); whether this
one beats persistence on these data is what the backtest reports (README, "Detection").

Install with ``pip install 'emerging[ml]'``.

References
----------
Albora, G., Pietronero, L., Tacchella, A. & Zaccaria, A. (2023). Product progression: a
machine learning approach to forecasting industrial upgrading. *Scientific Reports*, 13, 1481.
Ke, G. et al. (2017). LightGBM: a highly efficient gradient boosting decision tree.
*Advances in Neural Information Processing Systems*, 30 (the histogram algorithm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

#: Fixed settings of the trees (module docstring).
SETTINGS = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15,
            "min_samples_leaf": 50, "l2_regularization": 1.0, "early_stopping": False,
            "random_state": 0}


def _sklearn():
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError as exc:  # the optional extra is not installed
        raise ImportError(
            "the gradient-boosted tree score needs scikit-learn: pip install 'emerging[ml]'"
        ) from exc
    return HistGradientBoostingClassifier


def feature_columns() -> tuple[str, ...]:
    """The signal columns the trees read, in the order of the score signals."""
    from emerging.detect.score import SIGNAL_COLUMNS, SIGNALS

    return tuple(SIGNAL_COLUMNS[s] for s in SIGNALS)


def _one_thread():
    """OpenMP limited to one thread: the trees' threads spin while they wait, which on a
    machine shared with other work made a fit of 20,000 pairs take 80 s instead of 1 s."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


def _matrix(table: pl.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    return table.select(pl.col(c).cast(pl.Float64).fill_nan(None) for c in columns).to_numpy()


@dataclass(frozen=True)
class GbmFit:
    """A fitted tree model: the scikit-learn estimator, its columns and its data."""

    model: object
    columns: tuple[str, ...]
    n_train: int
    events: int
    origins: tuple[int, ...]
    horizon: int
    outcome: str


def fit_gbm_frame(train: pl.DataFrame, *, horizon: int, outcome: str,
                  origins: tuple[int, ...]) -> GbmFit:
    """Fit the trees on stacked past risk sets with a Boolean ``outcome``."""
    estimator = _sklearn()
    # a signal with fewer than two known values (no neighbours given) cannot split a tree
    columns = tuple(c for c in feature_columns()
                    if train[c].cast(pl.Float64).fill_nan(None).drop_nulls().n_unique() > 1)
    y = train["outcome"].cast(pl.Int8).to_numpy()
    if y.sum() < 5 or (1 - y).sum() < 5:
        raise ValueError(f"too few events ({int(y.sum())}) in the past windows to fit the trees")
    with _one_thread():
        model = estimator(**SETTINGS).fit(_matrix(train, columns), y)
    return GbmFit(model, columns, len(y), int(y.sum()), tuple(origins), horizon, outcome)


def gbm_probability(fit: GbmFit, table: pl.DataFrame) -> np.ndarray:
    """Predicted probabilities of the event for the rows of a signals table."""
    with _one_thread():
        return fit.model.predict_proba(_matrix(table, fit.columns))[:, 1]


def gbm_contributions(fit: GbmFit, table: pl.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    r"""Probabilities and, per signal column, its contribution on the log-odds scale: how much
    the pair's log-odds fall when that signal is taken as unknown (the trees then follow
    their learned missing-value branches), :math:`\mathrm{logit}\,p(x) -
    \mathrm{logit}\,p(x_{-k})`. Unlike the logit's, these do not add up to the score
    (trees interact signals); they say which signals move a pair's probability."""
    x = _matrix(table, fit.columns)
    with _one_thread():
        p = fit.model.predict_proba(x)[:, 1]
        out = {}
        for k, column in enumerate(fit.columns):
            held = x.copy()
            held[:, k] = np.nan
            out[column] = _log_odds(p) - _log_odds(fit.model.predict_proba(held)[:, 1])
    return p, out


def _log_odds(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(q / (1 - q))
