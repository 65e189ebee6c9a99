"""The model card of a backtest (Markdown): what was predicted, on what, how well, and
with which caveats; reports and pages quote it."""

from __future__ import annotations

import polars as pl

from emerging.detect.outcomes import EVENT, RISK_SET


def _interval(row: dict, key: str) -> str:
    return f"{row[key]:.3f} [{row[key + '_lo']:.3f}, {row[key + '_hi']:.3f}]"


def metrics_table(metrics: pl.DataFrame) -> str:
    """Markdown table: split, score, pairs, events, ROC-AUC, PR-AUC (intervals), P@100,
    PR-AUC minus persistence (interval)."""
    lines = ["| as of | score | pairs | events | ROC-AUC | PR-AUC | P@100 | PR-AUC vs persistence |",
             "|---|---|---:|---:|---|---|---:|---|"]
    for r in metrics.iter_rows(named=True):
        diff = (f"{r['pr_auc_vs_persistence']:+.3f} [{r['pr_auc_vs_persistence_lo']:+.3f}, "
                f"{r['pr_auc_vs_persistence_hi']:+.3f}]")
        lines.append(
            f"| {r['as_of']}-{r['as_of'] + r['horizon']} | {r['score']} | {r['n']:,} | "
            f"{r['events']:,} | {_interval(r, 'roc_auc')} | {_interval(r, 'pr_auc')} | "
            f"{r['precision_at_100']:.2f} | {diff} |")
    return "\n".join(lines)


def headline(metrics: pl.DataFrame, *, score: str | None = None, outcome: str = "entry") -> str:
    """One sentence on ``score`` (default: :data:`~emerging.detect.score.DEFAULT_MODEL`) at
    the latest origin of ``metrics``, with persistence beside it when it is another score."""
    from emerging.detect.score import DEFAULT_MODEL

    name = score or DEFAULT_MODEL
    last = metrics.filter(pl.col("as_of") == metrics["as_of"].max())
    rows = {r["score"]: r for r in last.iter_rows(named=True)}
    if name not in rows:
        raise ValueError(f"score {name!r} is not in the backtest; scores: {sorted(rows)}")
    r = rows[name]
    event = {"entry": "new specialisations", "exit": "lost specialisations",
             "growth": "faster growth"}[outcome]
    text = (f"Backtest of the {name} score on {event} {r['as_of']}-{r['as_of'] + r['horizon']} "
            f"({r['n']:,} pairs, {r['events']:,} events): ROC-AUC {_interval(r, 'roc_auc')}, "
            f"PR-AUC {_interval(r, 'pr_auc')}, precision of the top 100 {r['precision_at_100']:.0%}")
    if name != "persistence" and "persistence" in rows:
        p = rows["persistence"]
        text += f" (persistence: ROC-AUC {p['roc_auc']:.3f}, PR-AUC {p['pr_auc']:.3f})"
    return text + "."


def published_backtest() -> pl.DataFrame:
    """The metrics of the real-data backtest in the README (Eurostat SBS NUTS-2 x divisions,
    2008-2014, entry, horizons 1-3), shipped so that reports can quote them; regenerate with
    ``python analyses/detect_backtest.py``."""
    from importlib import resources

    path = resources.files("emerging.detect").joinpath("data", "backtest_sbs_entry.csv")
    with path.open("rb") as handle:
        return pl.read_csv(handle)


def model_card(result) -> str:
    """Markdown model card of a :class:`~emerging.detect.Backtest`."""
    m = result.metrics
    origins = sorted(m["as_of"].unique().to_list())
    a, b = "the origin", "the origin + horizon"
    persistence = m.filter(pl.col("score") == "persistence")
    wins = (
        m.filter(~pl.col("score").is_in(["persistence", "density", "growth", "random"]))
        .join(persistence.select("as_of", pl.col("roc_auc").alias("p_roc"),
                                 pl.col("pr_auc").alias("p_pr")), on="as_of")
        .group_by("score").agg(
            splits=pl.len(),
            beats=((pl.col("pr_auc") > pl.col("p_pr")) & (pl.col("roc_auc") >= pl.col("p_roc")))
            .sum())
        .sort("score")
    )
    verdict = "; ".join(f"{r['score']}: {r['beats']} of {r['splits']}" for r in wins.iter_rows(named=True))
    caveats = "\n".join(f"- {n}" for n in result.notes) or "- none recorded"
    return f"""# Model card: emergence scores, outcome "{result.outcome}"

**Data.** {result.data}.
**Origins.** {', '.join(str(o) for o in origins)}; signals over a window of {result.window} years
ending at the origin, outcome {result.horizon} years later. Only years up to the origin are read;
the fitted models (logit, gradient-boosted trees) learn from earlier origins whose outcome is
known by the origin.
**Outcome.** Risk set: {RISK_SET[result.outcome].format(a=a)};
event: {EVENT[result.outcome].format(a=a, b=b)}.
**Intervals.** {result.level:.0%} percentile intervals from {result.n_boot} bootstrap replicates
that resample whole regions (the same replicates for every score).
**Baselines.** persistence (the LQ, or the past growth), density only, growth only, random.

## Metrics

{metrics_table(m)}

**Beats persistence** (higher PR-AUC and no lower ROC-AUC, splits won of splits scored): {verdict}.

## Caveats

- Employment counts from business statistics; confidential cells are unknown, not zero.
- An entry is a crossing of LQ 1, which small cells make easily by noise; the scores rank,
  the classes apply thresholds: read both with the LQ interval.
{caveats}
"""
