r"""Emergence scores: how likely a region-industry is to become specialised, and why.

Four models, one shape of result (:class:`EmergenceScores`):

``"persistence"``
    The baseline that is hard to beat: the LQ itself (the closer below 1, the likelier an
    entry). Contribution: all of it from ``lq``.
``"composite"``
    A transparent weighted sum of percentile ranks,
    :math:`S_{ri} = \sum_k w_k\, \mathrm{pct}_k(x_{ri,k})`, with weights :math:`w_k \ge 0`
    adding up to 1 read from a TOML preset (``feasible``, ``balanced``, ``ambitious``, in
    ``emerging/detect/data/presets.toml``) or passed as ``weights``. ``pct`` is the
    percentile rank (0-1, ties averaged) among all pairs of the signals; an unknown signal
    counts as the median (0.5). Contribution of signal *k*: :math:`w_k\,\mathrm{pct}_k`;
    they add up to the score.
``"logit"``
    A logistic regression (statsmodels) of the outcome on transformed signals, fitted on
    the risk sets of *past* origins only (:math:`o + h \le a`: every outcome it learns
    from is known as of :math:`a`), predicting a probability. Contributions are on the
    log-odds scale, :math:`\beta_k (x_k - \bar x_k)` with :math:`\bar x_k` the training
    mean; with the log-odds of the average pair they add up to :math:`\mathrm{logit}(p)`.
``"gbm"``
    Gradient-boosted trees (scikit-learn, the optional ``ml`` extra;
    :mod:`emerging.detect._gbm`), fitted on the same past origins as the logit, predicting
    a probability. Contribution of signal *k*: the log-odds the pair loses when *k* is
    taken as unknown; trees combine signals, so these do not add up to the score.

Which is the default is decided by the real-data backtest (README, "Detection"): a model
becomes the default only if it beats persistence on PR-AUC and does not lose on ROC-AUC
on every split of the data. See :data:`DEFAULT_MODEL`.

Result columns of ``to_frame()`` (stable; read by the reports): ``region``, ``industry``,
``as_of``, ``score``, ``class``, ``evidence`` (String, words), the class reasons in
``reasons`` and one ``contrib_<signal>`` column per signal of :data:`SIGNALS`. The words
are built on request, for the rows asked for (``to_frame(where=...)``, ``describe``,
``top``, ``explain``); ``to_frame(evidence=False)`` leaves them out.

References
----------
Hausmann, R., Hidalgo, C. A. et al. (2014). *The Atlas of Economic Complexity*. MIT Press
(strategy presets for diversification).
Tacchella, A., Zaccaria, A., Miccheli, M. & Pietronero, L. (2023). Relatedness in the era of
machine learning. *Chaos, Solitons & Fractals*, 176, 114071.
"""

from __future__ import annotations

import tomllib
import warnings
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR
from emerging.detect.classes import ClassRules
from emerging.detect.signals import KEY, EmergenceSignals

#: Signals a score can rest on, in the order of the ``contrib_`` columns.
SIGNALS: tuple[str, ...] = (
    "lq", "lq_interval", "size", "density", "neighbours", "national_lq", "lq_slope",
    "growth_gap", "years_specialised", "competitive", "acceleration", "related_growth",
)
#: The signal column behind each score signal (for percentile ranks and evidence).
SIGNAL_COLUMNS: dict[str, str] = {
    "lq": "lq", "lq_interval": "lq_hi", "size": "size_percentile", "density": "density",
    "neighbours": "neighbours_specialised", "national_lq": "national_lq",
    "lq_slope": "lq_slope", "growth_gap": "growth_gap",
    "years_specialised": "years_specialised", "competitive": "competitive",
    "acceleration": "acceleration", "related_growth": "related_growth",
}
MODELS = ("persistence", "composite", "logit", "gbm")
#: The default model, chosen by the real-data backtest (see the module docstring).
DEFAULT_MODEL = "persistence"
PRESETS_FILE = "presets.toml"


# ---------------------------------------------------------------- presets
@cache
def presets() -> dict[str, dict]:
    """The shipped composite presets: ``{name: {"description": ..., "weights": {...}}}``."""
    path = resources.files("emerging.detect").joinpath("data", PRESETS_FILE)
    return parse_presets(path.read_text(encoding="utf-8"), source=PRESETS_FILE)


def parse_presets(text: str, *, source: str = "TOML") -> dict[str, dict]:
    """Read and check composite presets from TOML text (see ``data/presets.toml``)."""
    data = tomllib.loads(text)
    for name, preset in data.items():
        if not isinstance(preset, dict):
            raise ValueError(f"{source}: [{name}] must be a table with 'weights'")
        unknown = set(preset) - {"description", "weights"}
        if unknown:
            raise ValueError(
                f"{source}: [{name}] has unknown keys {sorted(unknown)}; allowed: "
                "'description', 'weights'"
            )
        if "weights" not in preset:
            raise ValueError(f"{source}: [{name}] has no 'weights' table")
        check_weights(preset["weights"], what=f"{source} [{name}] weights")
    return data


def check_weights(weights: dict[str, float], *, what: str = "weights") -> dict[str, float]:
    """Weights must name known signals, be >= 0 and add up to 1 (to 1e-6)."""
    unknown = set(weights) - set(SIGNALS)
    if unknown:
        raise ValueError(
            f"{what} name unknown signals {sorted(unknown)}; known signals: {list(SIGNALS)}"
        )
    if any(not isinstance(v, int | float) or v < 0 for v in weights.values()):
        raise ValueError(f"{what} must be numbers >= 0; got {weights}")
    total = sum(weights.values())
    if abs(total - 1) > 1e-6:
        raise ValueError(
            f"{what} add up to {total:g}, not 1; scale them, e.g. "
            + ", ".join(f"{k}={v / total:.3g}" for k, v in weights.items())
        )
    return dict(weights)


def resolve_weights(preset: str | None, weights: dict[str, float] | None,
                    config: dict | None = None) -> tuple[str, dict[str, float]]:
    """The weights to use and a label for them: explicit ``weights`` or a named preset."""
    if weights is not None:
        return "custom", check_weights(weights)
    table = presets() if config is None else config
    name = preset or "balanced"
    if name not in table:
        raise ValueError(f"preset must be one of {sorted(table)}; got {name!r}")
    return name, check_weights(table[name]["weights"])


# ---------------------------------------------------------------- features
def _percentile(col: str) -> pl.Expr:
    n = pl.col(col).is_not_null().sum()
    rank = (pl.col(col).rank("average") - 1) / pl.max_horizontal(n - 1, 1)
    return rank.fill_null(0.5)


def _logit_features(window: int) -> dict[str, pl.Expr]:
    """Transformed signals of the logit, keyed by score signal (module docstring)."""
    floor = 0.01
    lq = pl.col("lq").clip(lower_bound=floor)
    return {
        "lq": lq.log(),
        "lq_interval": (pl.col("lq_hi").clip(lower_bound=floor) / lq).log().clip(0, 5).fill_null(0),
        "size": pl.col(VALUE).log1p(),
        "density": pl.col("density").fill_null(0) / 100,
        "neighbours": pl.col("neighbours_specialised").fill_null(0),
        "national_lq": pl.col("national_lq").clip(lower_bound=floor).log().fill_null(0),
        "lq_slope": pl.col("lq_slope").fill_null(0).fill_nan(0).clip(-1, 1),
        "growth_gap": pl.col("growth_gap").fill_null(0).clip(-0.5, 0.5),
        "years_specialised": pl.col("years_specialised").fill_null(0) / window,
        # persons, heavy-tailed both ways: signed log
        "competitive": pl.col("competitive").fill_null(0).fill_nan(0).pipe(
            lambda c: c.sign() * c.abs().log1p()),
        "acceleration": pl.col("acceleration").fill_null(0).fill_nan(0).clip(-1, 1),
        "related_growth": pl.col("related_growth").fill_null(0).fill_nan(0).clip(-0.5, 0.5),
    }


@dataclass(frozen=True)
class LogitFit:
    """A fitted logit: coefficients, standard errors, training means and its data."""

    features: tuple[str, ...]
    params: np.ndarray
    bse: np.ndarray
    means: np.ndarray
    n_train: int
    events: int
    origins: tuple[int, ...]
    horizon: int
    outcome: str
    converged: bool = True

    def coefficients(self) -> pl.DataFrame:
        names = ["intercept", *self.features]
        return pl.DataFrame({"term": names, "coef": self.params, "se": self.bse})


def past_origins(first_year: int, as_of: int, *, window: int, horizon: int) -> list[int]:
    """Origins whose outcome is known as of ``as_of``: ``first + window - 1 <= o <= as_of - h``."""
    return list(range(first_year + window - 1, as_of - horizon + 1))


def fit_logit_frame(
    train: pl.DataFrame,
    *,
    window: int,
    horizon: int,
    outcome: str,
    origins: tuple[int, ...],
    features: tuple[str, ...] = SIGNALS,
) -> LogitFit:
    """Fit the logit on stacked risk sets with a Boolean ``outcome`` (see :func:`fit_logit`)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    used = tuple(f for f in SIGNALS if f in features)
    x = train.select(**{k: v for k, v in _logit_features(window).items() if k in used}).to_numpy()
    varies = x.std(axis=0) > 0  # a signal unknown everywhere (no neighbours given) is left out
    used = tuple(f for f, keep in zip(used, varies, strict=True) if keep)
    x = x[:, varies]
    y = train["outcome"].cast(pl.Float64).to_numpy()
    if y.sum() < 5 or (1 - y).sum() < 5:
        raise ValueError(f"too few events ({int(y.sum())}) in the past windows to fit a logit")
    means = x.mean(axis=0)
    with warnings.catch_warnings():  # kept as ``converged`` on the fit instead
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = sm.Logit(y, sm.add_constant(x - means, has_constant="add")).fit(disp=0, maxiter=200)
    return LogitFit(used, np.asarray(fit.params), np.asarray(fit.bse), means, len(y),
                    int(y.sum()), tuple(origins), horizon, outcome,
                    bool(fit.mle_retvals.get("converged", True)))


def fit_logit(
    panel: pl.DataFrame,
    signals: EmergenceSignals,
    *,
    horizon: int,
    outcome: str = "entry",
    features: tuple[str, ...] = SIGNALS,
) -> LogitFit:
    """Fit the logit on every past origin ``o`` with ``o + horizon <= signals.as_of``.

    The signals of each origin are computed with the options of ``signals`` (window,
    reference, neighbours, ...), its risk set and outcome with
    :func:`emerging.detect.outcomes.attach_outcome`; all origins are stacked.
    """
    origins, train = past_training(panel, signals, horizon=horizon, outcome=outcome,
                                   what="the logit")
    return fit_logit_frame(train, window=signals.window, horizon=horizon, outcome=outcome,
                           origins=tuple(origins), features=features)


def past_training(panel: pl.DataFrame, signals: EmergenceSignals, *, horizon: int,
                  outcome: str, what: str) -> tuple[list[int], pl.DataFrame]:
    """The past origins ``o`` with ``o + horizon <= signals.as_of`` and their stacked risk
    sets with outcomes (signals computed with the options of ``signals``), the training
    data of a fitted score."""
    from emerging.detect.outcomes import outcome_frames

    first = int(panel[YEAR].min())
    origins = past_origins(first, signals.as_of, window=signals.window, horizon=horizon)
    if not origins:
        raise ValueError(
            f"no past window to fit {what} on: with window={signals.window} and "
            f"horizon={horizon} the first origin is {first + signals.window - 1}, and its "
            f"outcome year {first + signals.window - 1 + horizon} is after as_of="
            f"{signals.as_of}; use a later as_of, a shorter window or horizon, or "
            "model='composite'"
        )
    return origins, outcome_frames(panel, origins=origins, window=signals.window,
                                   horizon=horizon, outcome=outcome,
                                   signal_options=signals.options)


def logit_probability(fit: LogitFit, table: pl.DataFrame, *, window: int) -> np.ndarray:
    """Predicted probabilities of a fitted logit for the rows of a signals table."""
    x = table.select(**{k: v for k, v in _logit_features(window).items()
                        if k in fit.features}).to_numpy()
    return 1 / (1 + np.exp(-(fit.params[0] + (x - fit.means) @ fit.params[1:])))


def composite_score(table: pl.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """The composite score of every row (weighted percentile ranks, module docstring)."""
    ranks = table.select(**{s: _percentile(SIGNAL_COLUMNS[s]) for s in weights})
    return np.sum([w * ranks[s].to_numpy() for s, w in weights.items()], axis=0)


# ---------------------------------------------------------------- scores
def _contributions(signals: EmergenceSignals, model: str, weights: dict[str, float],
                   fit: LogitFit | None) -> tuple[pl.DataFrame, np.ndarray, float]:
    """``contrib_<signal>`` columns, the score and the log-odds of the average pair."""
    t = signals.table
    zero = np.zeros(t.height)
    contrib = {s: zero for s in SIGNALS}
    base = 0.0
    if model == "persistence":
        contrib["lq"] = t["lq"].fill_null(0).to_numpy()
        score = contrib["lq"].copy()
    elif model == "composite":
        ranks = t.select(**{s: _percentile(SIGNAL_COLUMNS[s]) for s in weights})
        for s, w in weights.items():
            contrib[s] = w * ranks[s].to_numpy()
        score = np.sum([contrib[s] for s in SIGNALS], axis=0)
    elif model == "gbm":
        from emerging.detect._gbm import gbm_contributions

        score, parts = gbm_contributions(fit, t)
        for s in SIGNALS:
            if SIGNAL_COLUMNS[s] in parts:
                contrib[s] = parts[SIGNAL_COLUMNS[s]]
    else:
        x = t.select(**{k: v for k, v in _logit_features(signals.window).items()
                        if k in fit.features}).to_numpy()
        parts = (x - fit.means) * fit.params[1:]
        for j, s in enumerate(fit.features):
            contrib[s] = parts[:, j]
        base = float(fit.params[0])
        score = 1 / (1 + np.exp(-(base + parts.sum(axis=1))))
    frame = pl.DataFrame({f"contrib_{s}": contrib[s] for s in SIGNALS})
    return frame, score, base


@dataclass(frozen=True, repr=False)
class EmergenceScores(Result):
    """Result of :func:`emergence_scores`.

    ``table`` holds the signals, the ``contrib_`` columns, ``score`` and ``class`` of every
    pair. The words (``reasons``, ``facts``, ``evidence``) are built when asked for, only
    for the rows asked for: :meth:`to_frame` (every row, or those of ``where=``),
    :meth:`describe`, :meth:`top` and :meth:`explain`.
    """

    _title = "Emergence scores"

    table: pl.DataFrame
    signals: EmergenceSignals
    model: str
    label: str
    weights: dict[str, float] = field(default_factory=dict)
    fit: LogitFit | None = None
    base_log_odds: float = 0.0
    rules: ClassRules = field(default_factory=ClassRules)
    horizon: int = 3

    def describe(self, where: pl.Expr | None = None) -> pl.DataFrame:
        """The rows of ``table`` (those where ``where`` is true, or all) with ``reasons``,
        ``facts`` and ``evidence`` in words (:func:`emerging.detect.classes._describe`)."""
        from emerging.detect.classes import _describe

        pick = None if where is None else (lambda t: t.filter(where))
        return _describe(self.table, self.rules, horizon=self.horizon, pick=pick)

    def to_frame(self, *, evidence: bool = True, where: pl.Expr | None = None) -> pl.DataFrame:
        """The stable columns (:func:`score_frame`) of every pair, or of the pairs where
        ``where`` is true (e.g. ``pl.col("class") == "emerging"``). ``evidence=False``
        leaves out the words (``evidence``, ``reasons``): the fast choice for a big panel."""
        return score_frame(self, evidence=evidence, where=where)

    def top(self, n: int = 20, *, klass: str = "emerging") -> pl.DataFrame:
        """The ``n`` highest scores of one class, with their words."""
        from emerging.detect.classes import _describe

        return _describe(self.table, self.rules, horizon=self.horizon, pick=lambda t: (
            t.filter(pl.col("class") == klass).sort("score", descending=True).head(n)))

    def summary(self) -> str:
        counts = self.table["class"].value_counts().sort("class")
        parts = ", ".join(f"{c}: {n:,}" for c, n in counts.iter_rows())
        return (f"Emergence scores as of {self.signals.as_of} ({self.label}): "
                f"{self.table.height:,} region-industries; {parts}"
                + "".join(f"\nNote: {note}" for note in self.signals.notes))

    @property
    def exclusions(self):
        return self.signals.exclusions

    def _html_frame(self) -> pl.DataFrame:
        return self.top(10).select(REGION, INDUSTRY, "score", "class", "evidence")

    def explain(self, region: str, industry: str) -> str:
        """The class, score, contributions and evidence of one pair, in words."""
        from emerging.detect.classes import explain_row

        row = self.describe((pl.col(REGION) == region) & (pl.col(INDUSTRY) == industry))
        if row.is_empty():
            raise ValueError(f"no scores for region {region!r}, industry {industry!r}; check "
                             "the codes (e.g. region='CZ06', industry='C26')")
        return explain_row(row.row(0, named=True), self)


def _fit_gbm(panel: pl.DataFrame, signals: EmergenceSignals, *, horizon: int,
             outcome: str = "entry"):
    """The trees of :mod:`emerging.detect._gbm` fitted on every past origin (as the logit)."""
    from emerging.detect._gbm import fit_gbm_frame

    origins, train = past_training(panel, signals, horizon=horizon, outcome=outcome,
                                   what="the trees")
    return fit_gbm_frame(train, horizon=horizon, outcome=outcome, origins=tuple(origins))


def emergence_scores(
    signals: EmergenceSignals,
    *,
    model: str = "default",
    preset: str | None = None,
    weights: dict[str, float] | None = None,
    panel: pl.DataFrame | pl.LazyFrame | None = None,
    horizon: int = 3,
    fit: LogitFit | None = None,
    rules=None,
) -> EmergenceScores:
    """Score every pair of ``signals`` and put it in a class (module docstring).

    Parameters
    ----------
    signals
        From :func:`emerging.detect.signals.emergence_signals`.
    model
        ``"default"`` (:data:`DEFAULT_MODEL`), ``"persistence"``, ``"composite"``,
        ``"logit"`` or ``"gbm"`` (gradient-boosted trees, :mod:`emerging.detect._gbm`; the
        ``ml`` extra; contributions: the change in log-odds when the signal is unknown,
        not additive).
    preset, weights
        Composite weights: a preset name (``feasible``, ``balanced`` (default),
        ``ambitious``) or your own ``{signal: weight}`` adding up to 1.
    panel
        The panel the signals came from; the logit and the trees are fitted on its past
        windows.
    horizon
        Years ahead the score predicts (the logit's training outcome; the class rules'
        trend projection).
    fit
        An already fitted logit (:func:`fit_logit`) or trees
        (:func:`emerging.detect._gbm.fit_gbm_frame`) to apply instead of fitting.
    rules
        :class:`emerging.detect.classes.ClassRules` (thresholds of the classes).
    """
    from emerging.detect.classes import assign_classes

    model = DEFAULT_MODEL if model == "default" else model
    if model not in MODELS:
        raise ValueError(f"model must be one of {('default', *MODELS)}; got {model!r}")
    if not isinstance(signals, EmergenceSignals):
        raise TypeError("signals must come from emergence_signals(panel, as_of=..., window=...)")
    label, w = model, {}
    if model == "composite":
        name, w = resolve_weights(preset, weights)
        label = f"composite, preset {name}"
    if model in ("logit", "gbm") and fit is None:
        if panel is None:
            raise ValueError(f"model={model!r} is fitted on past windows: pass panel=<the panel>")
        frame = panel.collect() if isinstance(panel, pl.LazyFrame) else panel
        fit = fit_logit(frame, signals, horizon=horizon) if model == "logit" else \
            _fit_gbm(frame, signals, horizon=horizon)
    if model == "logit":
        label = f"logit fitted on origins {fit.origins[0]}-{fit.origins[-1]}"
    if model == "gbm":
        label = f"gradient-boosted trees fitted on origins {fit.origins[0]}-{fit.origins[-1]}"
    contrib, score, base = _contributions(signals, model, w, fit)
    table = pl.concat([signals.table, contrib], how="horizontal").with_columns(
        score=pl.Series(score)
    )
    rules = rules or ClassRules()
    table = assign_classes(table, rules, horizon=horizon, window=signals.window)
    return EmergenceScores(table, signals, model, label, w, fit, base, rules, horizon)


def score_frame(scores: EmergenceScores, *, evidence: bool = True,
                where: pl.Expr | None = None) -> pl.DataFrame:
    """The stable columns: ``region``, ``industry``, ``as_of``, ``score``, ``class``,
    ``evidence``, ``reasons`` (unless ``evidence=False``) and the ``contrib_`` columns, of
    every pair or of those where ``where`` is true."""
    contrib = [f"contrib_{s}" for s in SIGNALS]
    if not evidence:
        table = scores.table if where is None else scores.table.filter(where)
        return table.select(*KEY, "as_of", "score", "class", *contrib)
    return scores.describe(where).select(
        *KEY, "as_of", "score", "class", "evidence", "reasons", *contrib)
