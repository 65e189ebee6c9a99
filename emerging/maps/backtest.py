"""Backtest figure: ROC curves, precision-recall curves and precision at k, one split.

Drawn for :meth:`emerging.detect.Backtest.plot`; baselines in grey, scores in the
qualitative palette, the base rate (precision of a random ranking) as a dotted line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from emerging.maps._drawing import draws
from emerging.maps.style import (
    COUNTRY_EDGE,
    MUTED,
    NEUTRAL,
    TEXT_COLOUR,
    add_source,
    new_figure,
    qualitative_colours,
)

_BASELINE_STYLE = {"persistence": (TEXT_COLOUR, "-"), "density": (COUNTRY_EDGE, "--"),
                   "growth": (NEUTRAL, "-."), "random": (NEUTRAL, ":")}


@draws
def backtest_figure(result, ax=None, *, as_of: int | None = None,
                    scores: Sequence[str] | None = None):
    """Three panels for one origin: ROC, precision-recall, precision at k (k up to 500).

    ``ax`` may be a sequence of three Axes; otherwise a new A4-wide figure is made.
    Returns a :class:`~emerging.maps.Drawing` (figure, axes).
    """
    from emerging.detect.metrics import curves

    preds = result.predictions
    origins = sorted(preds["as_of"].unique().to_list())
    a = origins[-1] if as_of is None else as_of
    if a not in origins:
        raise ValueError(f"as_of={a} is not a backtested origin; pick one of {origins}")
    split = preds.filter(pl.col("as_of") == a)
    names = [c.removeprefix("score_") for c in split.columns if c.startswith("score_")
             and split[c].null_count() < split.height]
    if scores is not None:
        names = [n for n in names if n in scores or n in _BASELINE_STYLE]
    if ax is None:
        fig, axes = new_figure((11.0, 3.6), ncols=3)
    else:
        axes = list(ax)
        fig = axes[0].figure
    y = split["outcome"].to_numpy()
    base = y.mean()
    others = sorted((n for n in names if n not in _BASELINE_STYLE),
                    key=lambda n: (not n.startswith("logit"), n == "rule", n))
    colours = dict(zip(others, qualitative_colours(len(others)), strict=True))
    for name in names:
        s = split[f"score_{name}"].fill_null(-np.inf).to_numpy()
        s = np.where(np.isfinite(s), s, np.nanmin(s[np.isfinite(s)]) - 1)
        c = curves(s, y)
        colour, dash = _BASELINE_STYLE.get(name, (colours.get(name), "-"))
        kw = dict(color=colour, linestyle=dash, linewidth=1.4 if name in colours else 1.0,
                  label=name)
        axes[0].plot(c["fpr"], c["tpr"], **kw)
        axes[1].step(c["recall"], c["precision"], where="post", **kw)
        ks = np.arange(1, min(500, len(s)) + 1)
        order = np.argsort(-s, kind="stable")
        axes[2].plot(ks, np.cumsum(y[order][: len(ks)]) / ks, **kw)
    axes[0].plot([0, 1], [0, 1], color=MUTED, linewidth=0.8)
    axes[0].set(xlabel="false-positive rate", ylabel="true-positive rate (recall)",
                title="ROC curve")
    axes[1].axhline(base, color=MUTED, linewidth=0.8)
    axes[1].set(xlabel="recall", ylabel="precision", title="Precision-recall", ylim=(0, 1))
    axes[2].axhline(base, color=MUTED, linewidth=0.8)
    axes[2].set(xlabel="k (pairs ranked highest)", ylabel="precision at k",
                title="Precision at k", ylim=(0, 1))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles[:len(names)], labels[:len(names)], loc="center left",
               bbox_to_anchor=(0.855, 0.5), fontsize=7, frameon=False)
    event = {"entry": "entries", "exit": "exits", "growth": "faster growth"}[result.outcome]
    fig.suptitle(f"Backtest: {event} {a}-{a + result.horizon}, {split.height:,} pairs at risk, "
                 f"{int(y.sum()):,} events (base rate {base:.1%})", x=0.01, ha="left")
    fig.subplots_adjust(left=0.06, right=0.85, bottom=0.2, top=0.82, wspace=0.32)
    add_source(fig, f"Source: {result.data}")
    return fig, axes
