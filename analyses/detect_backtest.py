"""Backtest of the emergence scores on the real SBS data: every score and baseline, every split.

Splits: every origin the data allow for horizons of 1, 2 and 3 years with a 3-year signal
window (SBS 2008-2014, NUTS-2 x NACE divisions; analyses/_sbs.py), neighbours from the GISCO
NUTS 2021 1:60M polygons, 200 region-bootstrap replicates. Prints the Markdown table of the
README, the choice of the default score by the rule of the issue (beats persistence on PR-AUC
and does not lose on ROC-AUC on every split), writes the model cards and figures to
figures/detect/ and the metrics shipped for reports to
emerging/detect/data/backtest_sbs_entry.csv.

    python analyses/detect_backtest.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from _sbs import DATA, REPO, SOURCE, sbs_nuts2  # noqa: E402

from emerging.detect import backtest  # noqa: E402
from emerging.detect._backtest import DEFAULT_SCORES  # noqa: E402
from emerging.detect.card import metrics_table  # noqa: E402
from emerging.io.gisco import load_nuts, nuts_neighbours  # noqa: E402
from emerging.maps.style import save_figure  # noqa: E402

HORIZONS, WINDOW = (1, 2, 3), 3
BASELINES = ("persistence", "density", "growth", "random")
#: Every score beside the baselines, with the gradient-boosted trees (the ml extra)
SCORES = (*DEFAULT_SCORES, "gbm")
#: Interval columns left out of the copy shipped for reports (emerging.detect.published_backtest)
SHIPPED_WITHOUT = ("best_f1_", "recall_at_50_", "recall_at_100_", "recall_at_500_",
                   "precision_at_50_", "precision_at_500_")


def choose_default(metrics: pl.DataFrame) -> tuple[str, pl.DataFrame]:
    """The score that beats persistence on PR-AUC and does not lose on ROC-AUC on every split
    (and is available on every split), else persistence."""
    splits = metrics.select("as_of", "horizon").unique().height
    p = metrics.filter(pl.col("score") == "persistence").select(
        "as_of", "horizon", pl.col("roc_auc").alias("p_roc"), pl.col("pr_auc").alias("p_pr"))
    verdict = (
        metrics.filter(~pl.col("score").is_in(BASELINES))
        .join(p, on=["as_of", "horizon"])
        .group_by("score")
        .agg(splits=pl.len(),
             wins=((pl.col("pr_auc") > pl.col("p_pr")) & (pl.col("roc_auc") >= pl.col("p_roc"))).sum(),
             mean_pr_gain=(pl.col("pr_auc") - pl.col("p_pr")).mean(),
             mean_roc_gain=(pl.col("roc_auc") - pl.col("p_roc")).mean())
        .sort("score")
    )
    winners = verdict.filter((pl.col("splits") == splits) & (pl.col("wins") == splits))
    best = winners.sort("mean_pr_gain", descending=True)["score"].to_list()
    return (best[0] if best else "persistence"), verdict


def main() -> None:
    panel = sbs_nuts2()
    geo = load_nuts(level=2, year=2021, scale="60M", folder=DATA / "geo" / "gisco_nuts2021_60m",
                    download=False)
    neighbours = nuts_neighbours(geo)
    out = REPO / "figures" / "detect"
    out.mkdir(parents=True, exist_ok=True)
    parts = []
    for h in HORIZONS:
        result = backtest(panel, horizon=h, window=WINDOW, neighbours=neighbours, n_boot=200,
                          scores=SCORES, data=SOURCE + ", NUTS-2 x NACE divisions, 2008-2014")
        parts.append(result.metrics)
        (out / f"model_card_entry_h{h}.md").write_text(result.card(), encoding="utf-8")
        fig, _ = result.plot()
        save_figure(fig, out / f"backtest_entry_h{h}", formats=("png",))
        for note in result.notes:
            print(f"note (h={h}): {note}")
    metrics = pl.concat(parts, how="diagonal_relaxed")
    metrics.write_csv(out / "backtest_entry.csv")
    shipped = [c for c in metrics.columns if not c.startswith(SHIPPED_WITHOUT)]
    metrics.select(shipped).with_columns(pl.col(pl.Float64).round(4)).write_csv(
        REPO / "emerging" / "detect" / "data" / "backtest_sbs_entry.csv")
    print(metrics_table(metrics))
    default, verdict = choose_default(metrics)
    print("\n", verdict)
    print(f"\ndefault score by the rule: {default}")


if __name__ == "__main__":
    main()
