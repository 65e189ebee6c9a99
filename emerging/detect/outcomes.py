r"""Outcomes and their risk sets: what "it emerged" means, measured ``horizon`` years later.

=========  ===========================================  ======================================
outcome    risk set (as of :math:`a`)                   event (in :math:`a + h`)
=========  ===========================================  ======================================
entry      :math:`LQ_a < 1` (not yet specialised)       :math:`LQ_{a+h} \ge 1`
exit       :math:`LQ_a \ge 1` (specialised)             :math:`LQ_{a+h} < 1`
growth     pairs with a known value in :math:`a`        employment grows faster than the
                                                        industry across the region set
                                                        (CAGR gap :math:`a \to a+h` > 0)
=========  ===========================================  ======================================

With ``stay=True`` an entry (exit) must also hold one year before the outcome year, so
that a cell that crosses 1 for a single year by noise does not count.

The outcome LQ is computed on the region set of the signals (the regions kept as of
:math:`a`), so a region that enters the data later cannot move it; a pair whose outcome is
unknown (null value or a region without employment in :math:`a + h`) leaves the risk set
and is counted.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from emerging._schema import REGION, VALUE, YEAR, Exclusions
from emerging.detect.signals import KEY, EmergenceSignals
from emerging.indices import location_quotient
from emerging.trends import growth

Outcome = Literal["entry", "growth", "exit"]
OUTCOMES = ("entry", "growth", "exit")

RISK_SET = {
    "entry": "LQ below 1 as of {a}",
    "exit": "LQ at or above 1 as of {a}",
    "growth": "employment known as of {a}",
}
EVENT = {
    "entry": "LQ at or above 1 in {b}",
    "exit": "LQ below 1 in {b}",
    "growth": "employment grew faster {a}-{b} than the industry across the regions",
}


def risk_set_expr(outcome: str) -> pl.Expr:
    """Boolean expression over the signals: the pair is at risk of ``outcome``."""
    if outcome == "entry":
        return pl.col("lq") < 1
    if outcome == "exit":
        return pl.col("lq") >= 1
    return pl.col(VALUE) > 0


def _reference(signals: EmergenceSignals) -> dict:
    """The reference options of the signals (``regions`` only with ``reference="set"``)."""
    regions = signals.options.get("regions")
    return {"reference": signals.reference, **({} if regions is None else {"regions": regions})}


def check_horizon(years: list[int], as_of: int, horizon: int) -> None:
    """Raise when ``as_of + horizon`` is not a year of the panel."""
    if not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of years >= 1; got {horizon!r}")
    if as_of + horizon not in years:
        raise ValueError(
            f"horizon={horizon} from as_of={as_of} reaches {as_of + horizon}, beyond the "
            f"data (last year {max(years)}); pass as_of <= {max(years) - horizon} or a "
            "shorter horizon"
        )


def attach_outcome(
    frame: pl.DataFrame,
    signals: EmergenceSignals,
    *,
    horizon: int,
    outcome: Outcome,
    stay: bool = False,
) -> tuple[pl.DataFrame, Exclusions]:
    """The signals of the risk set with a Boolean ``outcome`` column, and what was left out.

    ``frame`` is the whole validated panel; only the year ``as_of + horizon`` (and, for
    growth, ``as_of``) of the signals' region set is read. With ``stay`` (entry and exit,
    ``horizon >= 2``) the event must hold in ``as_of + horizon - 1`` as well: the new
    specialisation (or its loss) lasts, rather than a one-year blip.
    """
    if stay and (outcome == "growth" or horizon < 2):
        raise ValueError("stay=True is for entry and exit with horizon >= 2: the event must "
                         "hold in the last two years of the horizon")
    a = signals.as_of
    b = a + horizon
    check_horizon(frame[YEAR].unique().to_list(), a, horizon)
    table = signals.table
    regions = table.select(REGION).unique()
    at_risk = table.filter(risk_set_expr(outcome).fill_null(False))
    unknown_now = table.height - at_risk.height - int(
        table.filter(~risk_set_expr(outcome).fill_null(True)).height)
    if outcome == "growth":
        later = frame.filter(pl.col(YEAR).is_in([a, b])).join(regions, on=REGION, how="semi")
        rates = growth(later, start=a, end=b, **_reference(signals))
        event = rates.select(*KEY, (pl.col("cagr_vs_ref").fill_nan(None) > 0).alias("outcome"))
    else:
        years = [b - 1, b] if stay else [b]
        later = frame.filter(pl.col(YEAR).is_in(years)).join(regions, on=REGION, how="semi")
        lq = location_quotient(later, **_reference(signals)).select(*KEY, YEAR, "lq")
        hit = pl.col("lq") >= 1 if outcome == "entry" else pl.col("lq") < 1
        # with stay, the event holds in both years (null when either is unknown)
        event = lq.group_by(KEY).agg(
            pl.when((pl.len() == len(years)) & (pl.col("lq").null_count() == 0))
            .then(hit.all()).alias("outcome"))
    joined = at_risk.join(event, on=KEY, how="left")
    known = joined.filter(pl.col("outcome").is_not_null())
    counts = {
        f"pairs with an unknown LQ or value as of {a}": unknown_now,
        f"pairs at risk whose outcome in {b} is unknown": joined.height - known.height,
    }
    if known.is_empty():
        raise ValueError(
            f"the risk set of outcome={outcome!r} as of {a} with horizon {horizon} is empty "
            f"({RISK_SET[outcome].format(a=a)}, outcome known in {b}); pass another as_of, "
            "horizon or outcome"
        )
    return known.sort(KEY), Exclusions(counts)


def outcome_frames(
    frame: pl.DataFrame,
    *,
    origins: list[int],
    window: int,
    horizon: int,
    outcome: Outcome,
    signal_options: dict,
    stay: bool = False,
) -> pl.DataFrame:
    """Risk sets with outcomes at several past origins, stacked (for fitting a model)."""
    from emerging.detect.signals import emergence_signals

    parts = []
    for origin in origins:  # a handful of years, each a whole-panel computation
        s = emergence_signals(frame, as_of=origin, window=window, **signal_options)
        parts.append(attach_outcome(frame, s, horizon=horizon, outcome=outcome, stay=stay)[0])
    return pl.concat(parts, how="vertical_relaxed")

