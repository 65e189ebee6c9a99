r"""Backtests of emergence scores on past data, always beside the baselines.

For every origin :math:`a` the data allow (rolling origins), the signals are computed as
of :math:`a` from years :math:`\le a` only, each score ranks the pairs of the outcome's
risk set (:mod:`emerging.detect.outcomes`), and the ranking is compared with what
happened in :math:`a + h`. A fitted score (the logit) is fitted on the origins
:math:`o \le a - h` only, so every outcome it learns from is known as of :math:`a`.

Scores always reported (baselines):

=================  =========================================================================
``persistence``    entry: the LQ (distance to 1); exit: minus the LQ; growth: the past growth
                   gap (what happened continues)
``density``        relatedness density only (minus it for exit)
``growth``         the growth gap of the window only (minus it for exit; for the growth
                   outcome the pair's own CAGR)
``random``         uniform random numbers (seeded)
=================  =========================================================================

and, as asked, ``composite:<preset>``, ``logit`` and ``rule`` (the transparent rules of
:func:`emerging.detect.rules.flag_emerging`, 1 for a flagged pair, else 0; a warning says
so when no pair of the risk set can be flagged, as ``lq_crosses`` never can for entry: it
needs an LQ at or above 1 at the end of the window, i.e. outside the risk set).

Metrics (:mod:`emerging.detect.metrics`): ROC-AUC, PR-AUC (average precision), precision
and recall at k = 50, 100, 500, best F1 and, for probabilities, the Brier score. Intervals
come from a bootstrap that resamples whole regions (``n_boot`` replicates, percentile
interval at ``level``); the same replicates serve every score, so ``pr_auc_vs_persistence``
(the paired difference to persistence, with its interval) is a fair comparison.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from emerging._result import Result
from emerging._schema import REGION, YEAR, validate_panel
from emerging._typing import check_option
from emerging.detect.metrics import ranking_metrics, region_bootstrap
from emerging.detect.outcomes import EVENT, OUTCOMES, RISK_SET, Outcome, attach_outcome, check_horizon
from emerging.detect.score import past_origins
from emerging.detect.signals import KEY, emergence_signals

BASELINES = ("persistence", "density", "growth", "random")
DEFAULT_SCORES = ("composite:feasible", "composite:balanced", "composite:ambitious", "logit",
                  "rule")


class RuleCannotFireWarning(UserWarning):
    """A rule flags no pair of the outcome's risk set, so it cannot predict that outcome."""


def _baseline(name: str, t: pl.DataFrame, outcome: str, rng: np.random.Generator) -> np.ndarray:
    sign = -1.0 if outcome == "exit" else 1.0
    if name == "random":
        return rng.random(t.height)
    column = {"persistence": "growth_gap" if outcome == "growth" else "lq",
              "density": "density",
              "growth": "cagr" if outcome == "growth" else "growth_gap"}[name]
    return sign * t[column].cast(pl.Float64).to_numpy()


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """Percentile interval of the finite bootstrap values (NaN, NaN when there are none)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return float("nan"), float("nan")
    lo, hi = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def _fill(score: np.ndarray) -> tuple[np.ndarray, int]:
    """Unknown scores rank last (below the lowest known one); how many there were."""
    score = np.asarray(score, dtype=np.float64)
    bad = ~np.isfinite(score)
    if bad.any():
        low = np.nanmin(score[~bad]) - 1 if (~bad).any() else 0.0
        score = np.where(bad, low, score)
    return score, int(bad.sum())


@dataclass(frozen=True, repr=False)
class Backtest(Result):
    """Result of :func:`backtest`: ``metrics`` (one row per split and score), ``predictions``
    (one row per pair of every split's risk set, with every score as ranked: an unknown
    score is set below the lowest known one, counted in ``unscored``) and notes."""

    metrics: pl.DataFrame
    predictions: pl.DataFrame
    outcome: str
    horizon: int
    window: int
    n_boot: int
    level: float
    notes: tuple[str, ...] = ()
    data: str = "panel"
    scores: tuple[str, ...] = field(default=())

    def to_frame(self) -> pl.DataFrame:
        return self.metrics

    def summary(self) -> str:
        cols = ["as_of", "score", "n", "events", "roc_auc", "pr_auc", "precision_at_100"]
        lines = [f"Backtest of {self.outcome} in {self.horizon} years (window {self.window}, "
                 f"{self.n_boot} region-bootstrap replicates)"]
        for row in self.metrics.select(cols).iter_rows(named=True):
            lines.append(
                f"  {row['as_of']} {row['score']:<22} n={row['n']:,} events={row['events']:,} "
                f"ROC-AUC {row['roc_auc']:.3f} PR-AUC {row['pr_auc']:.3f} "
                f"P@100 {row['precision_at_100']:.2f}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    _title = "Backtest of emergence scores"
    _html_rows = 40

    def _html_frame(self) -> pl.DataFrame:
        return self.metrics.select(
            "as_of", "score", "n", "events", "roc_auc", "roc_auc_lo", "roc_auc_hi", "pr_auc",
            "pr_auc_lo", "pr_auc_hi", "precision_at_100").with_columns(pl.col(pl.Float64).round(3))

    def plot(self, ax=None, *, as_of: int | None = None, scores: Sequence[str] | None = None):
        """ROC and precision-recall curves and precision at k of one split (default: the
        latest origin), every score."""
        from emerging.maps.backtest import backtest_figure

        return backtest_figure(self, ax=ax, as_of=as_of, scores=scores)

    def headline(self, score: str | None = None) -> str:
        """One sentence on one score (default: the default score) at the latest origin, with
        its intervals and persistence beside it: the line a fact sheet quotes."""
        from emerging.detect.card import headline

        return headline(self.metrics, score=score, outcome=self.outcome)

    def card(self) -> str:
        """A model card (Markdown): data, windows, outcome, metrics with intervals, baselines,
        caveats."""
        from emerging.detect.card import model_card

        return model_card(self)


def _score_split(frame, signals, risk, *, outcome, horizon, names, rules, rng, cache,
                 leave_country_out, notes):
    """Every score of one split, aligned with the rows of ``risk``."""
    out: dict[str, np.ndarray] = {}
    for name in BASELINES:
        out[name] = _baseline(name, risk, outcome, rng)
    for name in names:
        if name.startswith("composite"):
            if outcome == "entry":
                out[name] = _composite(name, signals.table, risk)
        elif name == "rule":
            out[name] = _rule(risk, rules, outcome, signals.as_of, notes)
        elif name in FITTED:
            origins = past_origins(int(frame[YEAR].min()), signals.as_of,
                                   window=signals.window, horizon=horizon)
            if not origins:
                notes.append(f"{name} not available as of {signals.as_of}: no past origin "
                             f"with window {signals.window} and horizon {horizon}")
                continue
            train = pl.concat([cache(o) for o in origins], how="vertical_relaxed")
            fitted = FITTED[name](train, risk, window=signals.window, horizon=horizon,
                                  outcome=outcome, origins=tuple(origins), as_of=signals.as_of,
                                  leave_country_out=leave_country_out, notes=notes)
            out.update(fitted)
        else:
            raise ValueError(f"unknown score {name!r}; use one of {KNOWN_SCORES}")
    return out


def _composite(name: str, table: pl.DataFrame, risk: pl.DataFrame) -> np.ndarray:
    """A composite preset's score (percentile ranks among all pairs) at the risk set."""
    from emerging.detect.score import composite_score, resolve_weights

    _, weights = resolve_weights(name.partition(":")[2] or "balanced", None)
    idx = table.with_row_index("_row").join(risk.select(KEY), on=KEY, how="semi")["_row"]
    return composite_score(table, weights)[idx.to_numpy()]


def _rule(risk: pl.DataFrame, rules, outcome: str, as_of: int, notes: list) -> np.ndarray:
    """1 for a pair the rules flag, else 0; warns when no pair of the risk set can be."""
    from emerging.detect.rules import README_RULES, flag_emerging

    flags = flag_emerging(risk, rules or README_RULES)
    fired = flags.table["flagged"].fill_null(False).to_numpy().astype(float)
    if fired.sum() == 0:
        message = (f"the rule ({'; '.join(r.description for r in flags.rules)}) flags no pair "
                   f"of the {outcome} risk set as of {as_of}: it cannot predict this outcome")
        warnings.warn(message, RuleCannotFireWarning, stacklevel=4)
        notes.append(message)
    return fired


def _by_country(fit, predict, train: pl.DataFrame, risk: pl.DataFrame) -> np.ndarray:
    """Leave-one-country-out predictions: one fit without each country of ``risk``."""
    out = np.empty(risk.height)
    countries = risk["country"].to_numpy()
    for c in np.unique(countries):  # one fit per held-out country
        held = fit(train.filter(pl.col("country") != c))
        out[countries == c] = predict(held, risk.filter(pl.col("country") == c))
    return out


def _logit(train, risk, *, window, horizon, outcome, origins, as_of, leave_country_out,
           notes) -> dict[str, np.ndarray]:
    """The logit fitted on the past origins (and, as asked, leaving each country out)."""
    from emerging.detect.score import fit_logit_frame, logit_probability

    def fit(rows):
        return fit_logit_frame(rows, window=window, horizon=horizon, outcome=outcome,
                               origins=origins)

    def predict(model, rows):
        return logit_probability(model, rows, window=window)

    model = fit(train)
    if not model.converged:
        notes.append(f"logit as of {as_of}: the likelihood did not converge "
                     "(quasi-separation); its coefficients are unstable")
    out = {"logit": predict(model, risk)}
    if leave_country_out:
        out["logit_loco"] = _by_country(fit, predict, train, risk)
    return out


def _gbm(train, risk, *, window, horizon, outcome, origins, as_of, leave_country_out,
         notes) -> dict[str, np.ndarray]:
    """The gradient-boosted trees fitted on the past origins (:mod:`emerging.detect._gbm`)."""
    from emerging.detect._gbm import fit_gbm_frame, gbm_probability

    def fit(rows):
        return fit_gbm_frame(rows, horizon=horizon, outcome=outcome, origins=origins)

    out = {"gbm": gbm_probability(fit(train), risk)}
    if leave_country_out:
        out["gbm_loco"] = _by_country(fit, gbm_probability, train, risk)
    return out


#: Scores fitted on past origins, by name.
FITTED = {"logit": _logit, "gbm": _gbm}
KNOWN_SCORES = (*DEFAULT_SCORES, "gbm")


def backtest(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: int | Sequence[int] | None = None,
    horizon: int = 3,
    window: int = 3,
    outcome: Outcome = "entry",
    scores: Sequence[str] = DEFAULT_SCORES,
    rules=None,
    neighbours: pl.DataFrame | None = None,
    reference: str = "all",
    regions=None,
    n_boot: int = 200,
    level: float = 0.95,
    ks: tuple[int, ...] = (50, 100, 500),
    seed: int = 0,
    leave_country_out: bool = False,
    stay: bool = False,
    data: str = "panel",
) -> Backtest:
    """Backtest scores at rolling origins beside the baselines (module docstring).

    Parameters
    ----------
    panel
        Panel of employment of one NUTS level.
    as_of
        One origin, several, or None for every origin the data allow
        (``first + window - 1`` to ``last - horizon``).
    horizon, window
        Years ahead the outcome is measured; years the signals look back over.
    outcome
        ``"entry"``, ``"growth"`` or ``"exit"`` (:mod:`emerging.detect.outcomes`).
    scores
        Scores beside the baselines: ``"composite:<preset>"``, ``"logit"``, ``"rule"`` and,
        with the ``ml`` extra (scikit-learn), ``"gbm"`` (:mod:`emerging.detect._gbm`).
    rules
        Rules of the ``"rule"`` score (default: those of :func:`flag_emerging`).
    neighbours, reference, regions
        Passed to :func:`emerging.detect.signals.emergence_signals` (``reference="set"``
        with ``regions=`` compares every region with a region set; the outcomes use the
        same reference).
    n_boot, level, seed
        Region-bootstrap replicates, interval level and seed.
    ks
        The k of precision and recall at k.
    leave_country_out
        Also report ``logit_loco`` (and ``gbm_loco``): the model fitted without the
        country it predicts.
    stay
        The entry (exit) must hold in the last two years of the horizon
        (:func:`emerging.detect.outcomes.attach_outcome`).
    data
        A short description of the data for the model card.
    """
    check_option("outcome", outcome, OUTCOMES)
    frame = validate_panel(panel)
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    origins = _origins(sorted(frame[YEAR].unique().to_list()), as_of, window, horizon)
    rng = np.random.default_rng(seed)
    options = {"neighbours": neighbours, "reference": reference, "regions": regions}
    memo: dict[int, tuple] = {}

    def at(origin: int):
        if origin not in memo:
            s = emergence_signals(frame, as_of=origin, window=window, **options)
            memo[origin] = (s, *attach_outcome(frame, s, horizon=horizon, outcome=outcome,
                                               stay=stay))
        return memo[origin]

    rows, preds, notes = [], [], []
    for a in origins:
        signals, risk, excluded = at(a)
        if excluded.total:
            notes.append(f"as of {a}: {excluded}")
        split_scores = _score_split(
            frame, signals, risk, outcome=outcome, horizon=horizon, names=scores,
            rules=rules, rng=rng, cache=lambda o: at(o)[1], leave_country_out=leave_country_out,
            notes=notes)
        split_rows, filled = _split_metrics(risk, split_scores, as_of=a, horizon=horizon,
                                            n_boot=n_boot, seed=seed + a, level=level, ks=ks)
        rows += split_rows
        preds.append(risk.select(*KEY, "country", pl.lit(a, pl.Int32).alias("as_of"),
                                 "outcome").with_columns(
            **{f"score_{k}": pl.Series(v, dtype=pl.Float64) for k, v in filled.items()}))
    metrics = pl.DataFrame(rows).with_columns(pl.col("as_of").cast(pl.Int32))
    names = tuple(metrics["score"].unique(maintain_order=True).to_list())
    return Backtest(metrics, pl.concat(preds, how="diagonal_relaxed"), outcome, horizon, window,
                    n_boot, level, tuple(notes), data, names)


def _origins(years: list[int], as_of, window: int, horizon: int) -> list[int]:
    """The origins asked for (every one the data allow when None), each checked."""
    if as_of is None:
        origins = list(range(years[0] + window - 1, years[-1] - horizon + 1))
        if not origins:
            raise ValueError(
                f"the panel's years {years[0]}-{years[-1]} leave no origin for window="
                f"{window} and horizon={horizon}; shorten the window or the horizon")
    else:
        origins = [as_of] if isinstance(as_of, int) else list(as_of)
    for a in origins:
        check_horizon(years, a, horizon)
    return origins


def _split_metrics(risk: pl.DataFrame, split_scores: dict[str, np.ndarray], *, as_of: int,
                   horizon: int, n_boot: int, seed: int, level: float,
                   ks: tuple[int, ...]) -> tuple[list[dict], dict[str, np.ndarray]]:
    """One metrics row per score of a split (point value and bootstrap interval of each
    metric, the paired PR-AUC difference to persistence), and the scores as ranked."""
    y = risk["outcome"].to_numpy()
    codes = risk[REGION].cast(pl.Categorical).to_physical().to_numpy()
    _, region_index = np.unique(codes, return_inverse=True)
    weights = region_bootstrap(region_index, int(region_index.max()) + 1, n_boot, seed)
    rows, boot_ap, filled = [], {}, {}
    for name, raw in split_scores.items():
        score, unknown = _fill(raw)
        filled[name] = score
        m = ranking_metrics(score, y, weights, ks=ks, probability=name in PROBABILITIES)
        row = {"as_of": as_of, "horizon": horizon, "score": name, "n": risk.height,
               "events": int(y.sum()), "base_rate": float(y.mean()), "unscored": unknown}
        for key, values in m.items():
            lo, hi = _interval(values[1:], level)
            row[key], row[f"{key}_lo"], row[f"{key}_hi"] = float(values[0]), lo, hi
        rows.append(row)
        boot_ap[name] = m["pr_auc"][1:]
    persistence = next(row["pr_auc"] for row in rows if row["score"] == "persistence")
    for row in rows:
        diff = boot_ap[row["score"]] - boot_ap["persistence"]
        row["pr_auc_vs_persistence"] = row["pr_auc"] - persistence
        row["pr_auc_vs_persistence_lo"], row["pr_auc_vs_persistence_hi"] = _interval(
            diff, level)
    return rows, filled


#: Scores that are probabilities (they get a Brier score).
PROBABILITIES = ("logit", "logit_loco", "gbm", "gbm_loco")


def describe_outcome(outcome: str, as_of: int, horizon: int) -> str:
    """The risk set and the event in words."""
    a, b = as_of, as_of + horizon
    return f"risk set: {RISK_SET[outcome].format(a=a)}; event: {EVENT[outcome].format(a=a, b=b)}"
