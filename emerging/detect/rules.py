"""Transparent, configurable rules that turn signals into emerging-industry flags.

A :class:`Rule` is a named boolean polars expression over the columns of
:func:`emerging.detect.signals.emergence_signals` together with an expression that writes
the evidence for it in words. :func:`flag_emerging` applies a list of rules: a
region-industry is flagged when every rule passes, and every row carries each rule's
verdict and evidence, so a flag can be explained (and a non-flag too).

The default rule set is the "emerging" quadrant of the LQ-growth portfolio: the LQ crosses
1 during the window (the region becomes specialised) and the pair grows faster than the
same industry in the reference economy.

Examples
--------
>>> rules = [lq_crosses(1.0), grows_faster_than_reference(), min_employment(100)]
>>> [r.name for r in rules]
['lq_crosses_1', 'growth_above_reference', 'min_employment_100']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, require_columns


def _num(col: str, digits: int = 2) -> pl.Expr:
    rounded = pl.col(col).round(digits)
    if digits == 0:
        rounded = rounded.cast(pl.Int64)
    return rounded.cast(pl.String).fill_null("n/a")


def _pct(col: str) -> pl.Expr:
    return pl.format("{}%", (pl.col(col) * 100).round(1).cast(pl.String)).fill_null("n/a")


@dataclass(frozen=True)
class Rule:
    """One condition of a flag: a name, a boolean expression and its evidence in words."""

    name: str
    passes: pl.Expr
    evidence: pl.Expr
    description: str


def lq_crosses(threshold: float = 1.0) -> Rule:
    """LQ below ``threshold`` at the start and at or above it at the end of the window."""
    return Rule(
        name=f"lq_crosses_{threshold:g}",
        passes=(pl.col("lq_start") < threshold) & (pl.col("lq_end") >= threshold),
        evidence=pl.format(
            "LQ {} in {} -> {} in {}", _num("lq_start", 3), pl.col("start"), _num("lq_end", 3), pl.col("end")
        ),
        description=f"LQ rose through {threshold:g} during the window",
    )


def min_lq(threshold: float = 1.0) -> Rule:
    """LQ at the end of the window at least ``threshold``."""
    return Rule(
        name=f"min_lq_{threshold:g}",
        passes=pl.col("lq_end") >= threshold,
        evidence=pl.format("LQ {} in {}", _num("lq_end", 3), pl.col("end")),
        description=f"LQ at least {threshold:g} at the end",
    )


def grows_faster_than_reference(margin: float = 0.0) -> Rule:
    """Annual growth (CAGR) above the reference industry's by more than ``margin``."""
    return Rule(
        name="growth_above_reference" if margin == 0 else f"growth_above_reference_{margin:g}",
        passes=pl.col("growth_gap") > margin,
        evidence=pl.format(
            "employment grew {} a year vs {} in the reference", _pct("cagr"), _pct("ref_cagr")
        ),
        description="grows faster than the same industry in the reference"
        + (f" by more than {margin:.1%} a year" if margin else ""),
    )


def min_cagr(rate: float) -> Rule:
    """Annual growth (CAGR) of at least ``rate`` (e.g. 0.03 for 3 % a year)."""
    return Rule(
        name=f"min_cagr_{rate:g}",
        passes=pl.col("cagr") >= rate,
        evidence=pl.format("employment grew {} a year", _pct("cagr")),
        description=f"grows at least {rate:.1%} a year",
    )


def min_employment(persons: float) -> Rule:
    """At least ``persons`` employed at the end of the window (guards against tiny cells)."""
    return Rule(
        name=f"min_employment_{persons:g}",
        passes=pl.col("value_end") >= persons,
        evidence=pl.format("{} persons employed at the end", _num("value_end", 0)),
        description=f"at least {persons:g} persons employed at the end",
    )


DEFAULT_RULES: tuple[Rule, ...] = (lq_crosses(1.0), grows_faster_than_reference())
#: The rule set of the earlier README (the explicit "rule" score of the backtest).
README_RULES: tuple[Rule, ...] = (*DEFAULT_RULES, min_employment(100))


@dataclass(frozen=True)
class EmergenceFlags(Result):
    """Flags with their evidence: every row of the signals, every rule's verdict."""

    table: pl.DataFrame
    rules: tuple[Rule, ...]

    def to_frame(self) -> pl.DataFrame:
        """All region-industries with ``flagged``, one Boolean column per rule, ``evidence``."""
        return self.table

    def flagged(self) -> pl.DataFrame:
        """Only the flagged region-industries, largest growth gap first."""
        return self.table.filter(pl.col("flagged")).sort("growth_gap", descending=True)

    def summary(self) -> str:
        n = self.table.height
        k = int(self.table["flagged"].sum())
        undecided = int(self.table["flagged"].is_null().sum())
        rules = "; ".join(r.description for r in self.rules)
        return (
            f"{k:,} of {n:,} region-industries flagged as emerging ({rules}); "
            f"{undecided:,} could not be assessed (confidential or zero cells)"
        )

    def _html_frame(self) -> pl.DataFrame:
        return self.flagged().select(REGION, INDUSTRY, "evidence")

    def plot(self, ax=None, *, region: str | None = None, industry: str | None = None,
             label_top: int | None = None):
        """LQ at the start against LQ at the end of the window, flagged pairs highlighted
        and the ``label_top`` with the largest growth gap named (default 8 for one region
        or industry, none for all pairs); ``region`` or ``industry``
        keeps one region's industries or one industry's regions. Returns a
        :class:`~emerging.maps.Drawing`."""
        from emerging.maps.detect_plots import plot_emergence_flags

        return plot_emergence_flags(self, ax, region=region, industry=industry,
                                    label_top=label_top)


def flag_emerging(signals, rules: Sequence[Rule] = DEFAULT_RULES) -> EmergenceFlags:
    """Apply ``rules`` to ``signals``; flag the rows where all rules pass.

    A rule that cannot be evaluated (null input, e.g. a confidential cell) gives a null
    verdict, and the row's ``flagged`` is null (not assessable) unless another rule
    already fails. ``evidence`` joins each rule's evidence in words.
    """
    if not rules:
        raise ValueError("rules is empty: pass at least one Rule, e.g. [lq_crosses(1.0)]")
    if hasattr(signals, "to_frame") and not isinstance(signals, pl.DataFrame):
        signals = signals.table  # an EmergenceSignals result
    require_columns(signals, ["region", "industry", "lq_start", "lq_end", "cagr"], what="signals")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError(f"rule names must be unique; got {names}")
    table = signals.with_columns(r.passes.alias(r.name) for r in rules).with_columns(
        pl.all_horizontal(names).alias("flagged"),
        pl.concat_str([r.evidence for r in rules], separator="; ").alias("evidence"),
    )
    return EmergenceFlags(table, tuple(rules))
