r"""Ranking and probability metrics of a score against a binary outcome, with weights.

Every metric is computed for a stack of weight vectors at once (one row per bootstrap
replicate, the first row all ones), on one sort of the scores: no loop over replicates,
thresholds or regions. With unit weights the values equal scikit-learn's
``roc_auc_score``, ``average_precision_score`` and ``brier_score_loss`` (the tests check
this); a weight of 3 counts a pair three times, which is how a bootstrap that resamples
whole regions enters.

Scores are grouped into distinct values (ties), sorted from highest to lowest. With
:math:`TP_g`, :math:`FP_g` the weighted positives and negatives at or above threshold
group :math:`g`, :math:`P`, :math:`N` the totals:

.. math::

    \text{ROC-AUC} = \frac{1}{PN}\sum_g p_g\big(N - FP_g + \tfrac12 n_g\big), \qquad
    \text{AP} = \sum_g \frac{p_g}{P}\,\frac{TP_g}{TP_g + FP_g}, \qquad
    F_1^{\max} = \max_g \frac{2\,TP_g}{TP_g + FP_g + P}

(:math:`p_g`, :math:`n_g` the positives and negatives inside group :math:`g`; AP is the
average precision, the step-wise area under the precision-recall curve, as scikit-learn
defines it). Precision and recall at *k* take the *k* highest scores (ties broken by
position, so by the order of the rows); Brier score :math:`\sum w (p - y)^2 / \sum w` is
reported only for scores that are probabilities.

References
----------
Davis, J. & Goadrich, M. (2006). The relationship between precision-recall and ROC
curves. *Proceedings of ICML*, 233-240.
Saito, T. & Rehmsmeier, M. (2015). The precision-recall plot is more informative than the
ROC plot when evaluating binary classifiers on imbalanced datasets. *PLoS ONE*, 10(3).
"""

from __future__ import annotations

import numpy as np


def ranking_metrics(
    score: np.ndarray,
    outcome: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    ks: tuple[int, ...] = (50, 100, 500),
    probability: bool = False,
) -> dict[str, np.ndarray]:
    """ROC-AUC, average precision, precision and recall at ``ks``, best F1 and Brier score.

    Parameters
    ----------
    score, outcome
        1-D arrays of equal length; ``outcome`` 0/1 (Boolean). Scores must be finite.
    weights
        ``(B, n)`` non-negative weights (one replicate per row) or None for unit weights.
    probability
        Also return the Brier score (``score`` must lie in [0, 1]).

    Returns
    -------
    dict of ``(B,)`` arrays (NaN where undefined, e.g. a replicate without positives;
    ``brier`` is NaN unless ``probability``).
    """
    score = np.asarray(score, dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64)
    if score.shape != y.shape or score.ndim != 1:
        raise ValueError("score and outcome must be 1-D arrays of the same length")
    if not np.isfinite(score).all():
        raise ValueError("score holds NaN or infinite values; fill or drop them first")
    w = np.ones((1, len(y))) if weights is None else np.atleast_2d(np.asarray(weights, float))
    order = np.argsort(-score, kind="stable")
    s, y, w = score[order], y[order], w[:, order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    pos = w * y
    neg = w - pos
    pos_g = np.add.reduceat(pos, starts, axis=1)
    neg_g = np.add.reduceat(neg, starts, axis=1)
    tp, fp = np.cumsum(pos_g, axis=1), np.cumsum(neg_g, axis=1)
    p_tot, n_tot = tp[:, -1], fp[:, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (pos_g * (n_tot[:, None] - fp + 0.5 * neg_g)).sum(axis=1) / (p_tot * n_tot)
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        ap = (pos_g * precision).sum(axis=1) / p_tot
        f1 = (2 * tp / (tp + fp + p_tot[:, None])).max(axis=1)
        out = {"roc_auc": auc, "pr_auc": ap, "best_f1": f1}
        cum_w = np.cumsum(w, axis=1)
        for k in ks:
            top = (cum_w - w) < k  # rows that begin before the k-th place
            hits = (pos * top).sum(axis=1)
            out[f"precision_at_{k}"] = hits / (w * top).sum(axis=1)
            out[f"recall_at_{k}"] = hits / p_tot
        out["brier"] = ((w * (s - y) ** 2).sum(axis=1) / w.sum(axis=1) if probability
                        else np.full(w.shape[0], np.nan))
    undefined = (p_tot == 0) | (n_tot == 0)
    for key in ("roc_auc", "pr_auc", "best_f1"):
        out[key] = np.where(undefined, np.nan, out[key])
    return out


def curves(score: np.ndarray, outcome: np.ndarray) -> dict[str, np.ndarray]:
    """ROC curve (from (0, 0)) and precision-recall points (unit weights) at every distinct
    threshold, highest first; ``rank`` and ``hits`` are the rows and events at or above it."""
    score = np.asarray(score, dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64)
    order = np.argsort(-score, kind="stable")
    s, y = score[order], y[order]
    ends = np.r_[np.flatnonzero(s[1:] != s[:-1]), len(s) - 1]
    tp = np.cumsum(y)[ends]
    fp = (ends + 1) - tp
    p, n = max(tp[-1], 1), max(fp[-1], 1)
    return {
        "fpr": np.r_[0.0, fp / n], "tpr": np.r_[0.0, tp / p],
        "recall": tp / p, "precision": tp / (tp + fp),
        "rank": ends + 1, "hits": tp,
    }


def region_bootstrap(region_index: np.ndarray, n_regions: int, n_boot: int,
                     seed: int) -> np.ndarray:
    """``(1 + n_boot, n)`` pair weights: row 0 all ones, then one row per replicate, each
    pair weighted by how often its region was drawn (regions drawn with replacement)."""
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n_regions, np.full(n_regions, 1.0 / n_regions), size=n_boot)
    return np.vstack([np.ones(len(region_index)), counts[:, region_index]]).astype(np.float64)
