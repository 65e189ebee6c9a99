r"""The one definition of "emerging": classes a policy officer can read, with their reasons.

Every region-industry gets exactly one class (:class:`ClassRules` holds the thresholds):

``emerging``
    Not yet specialised (:math:`LQ < 1`), a traded industry (``traded_only``), and likely
    to become specialised: its score is in the top ``emerging_share`` (5 %) of
    the pairs not yet specialised, **or** its LQ rises significantly (lower bound of the
    trend above 0 at ``level``) and on that trend reaches 1 within ``horizon`` years:
    :math:`LQ_a\, e^{b h} \ge 1`. Forward-looking: it names entries before they happen.
``nascent``
    Specialised recently: :math:`LQ \ge 1` with the lower bound of its interval above 1,
    at least the size floor (``size_floor``: percentile of the industry's regions, 25 as
    in US Cluster Mapping), and not specialised in every year of the window.
``established``
    Specialised beyond noise (lower bound above 1) in every year of the window.
``eroding``
    Specialised (:math:`LQ \ge 1`) but the LQ falls significantly (upper bound of the
    trend below 0) and on that trend drops below 1 within ``horizon`` years.
``other``
    Everything else, with the reason (not likely to emerge, local industry, too small,
    LQ at or above 1 only within noise, or unknown).

:func:`assign_classes` gives the class; :func:`_describe` adds its ``reasons``, ``facts``
and ``evidence`` in words for the rows asked for (a table, a fact sheet, ``explain``), so
scoring a big panel does not build text for every pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import polars as pl

from emerging._schema import VALUE

CLASSES = ("emerging", "nascent", "established", "eroding", "other")


@dataclass(frozen=True)
class ClassRules:
    """Thresholds of the classes (see the module docstring)."""

    emerging_share: float = 0.05
    size_floor: float = 25.0
    traded_only: bool = True
    level: float = 0.95

    def __post_init__(self) -> None:
        if not 0 < self.emerging_share < 1:
            raise ValueError(f"emerging_share must be a share between 0 and 1; got "
                             f"{self.emerging_share!r}")
        if not 0 <= self.size_floor < 100:
            raise ValueError(f"size_floor is a percentile, 0-100; got {self.size_floor!r}")
        if not 0 < self.level < 1:
            raise ValueError(f"level must be between 0 and 1; got {self.level!r}")


def thousands(expr: pl.Expr) -> pl.Expr:
    """A whole number as text with thousands separators (``1234567`` -> ``"1,234,567"``)."""
    n = expr.round(0).cast(pl.Int64)
    a = n.abs()
    sign = pl.when(n < 0).then(pl.lit("-")).otherwise(pl.lit(""))

    def pad(x: pl.Expr) -> pl.Expr:
        return x.cast(pl.String).str.zfill(3)

    m, k, u = a // 1_000_000, (a // 1000) % 1000, a % 1000
    return (
        pl.when(a >= 1_000_000).then(pl.format("{}{},{},{}", sign, m, pad(k), pad(u)))
        .when(a >= 1000).then(pl.format("{}{},{}", sign, a // 1000, pad(u)))
        .otherwise(pl.format("{}{}", sign, a))
    )


def _num(col: str, digits: int = 2) -> pl.Expr:
    return pl.col(col).round(digits).cast(pl.String).fill_null("n/a")


def _pct(expr: pl.Expr, digits: int = 1) -> pl.Expr:
    value = (expr * 100).round(digits)
    return pl.format("{} %", (value.cast(pl.Int64) if digits == 0 else value).cast(pl.String))


def _lq_text(col: str) -> pl.Expr:
    """The LQ cut (not rounded) to 3 decimals, so that 0.9996 reads 0.999, never 1.0."""
    return ((pl.col(col) * 1000).floor() / 1000).cast(pl.String).fill_null("n/a")


def _evidence() -> pl.Expr:
    """The ``facts`` text (reads the whole-table column :data:`DENSITY_SHARE`)."""
    direction = pl.when(pl.col("lq_slope") >= 0).then(pl.lit("rising")).otherwise(pl.lit("falling"))
    lq = pl.format("LQ {} [{}, {}] in {}", _lq_text("lq"), _num("lq_lo"), _num("lq_hi"),
                   pl.col("as_of"))
    trend = pl.when(pl.col("lq_slope").is_not_null()).then(
        pl.format(", {} {} a year since {}", direction,
                  _pct(pl.col("lq_slope").abs().exp() - 1), pl.col("start"))
    ).otherwise(pl.lit(""))
    size = pl.when(pl.col(VALUE).is_not_null()).then(
        pl.format("; {} persons employed in {} (percentile {} of the industry's regions)",
                  thousands(pl.col(VALUE)), pl.col("as_of"),
                  pl.col("size_percentile").round(0).cast(pl.Int64).cast(pl.String).fill_null("n/a"))
    ).otherwise(pl.lit("; employment unknown"))
    growth = pl.when(pl.col("cagr").is_not_null()).then(
        pl.format("; employment {} a year against {} for the industry across the regions",
                  _pct(pl.col("cagr")), _pct(pl.col("ref_cagr").fill_null(0)))
    ).otherwise(pl.lit(""))
    neighbours = pl.when(pl.col("neighbours").fill_null(0) > 0).then(
        pl.format("; {} of its {} neighbouring regions specialised",
                  (pl.col("neighbours_specialised") * pl.col("neighbours")).round(0)
                  .cast(pl.Int64), pl.col("neighbours"))
    ).otherwise(pl.lit(""))
    density = pl.when(pl.col("density").is_not_null()).then(
        pl.format("; relatedness density {} (higher than {} of the region-industries)",
                  pl.col("density").round(0).cast(pl.Int64),
                  _pct(pl.col(DENSITY_SHARE), 0))
    ).otherwise(pl.lit(""))
    national = pl.when(pl.col("national_lq").is_not_null()).then(
        pl.format("; national LQ {}", _num("national_lq"))
    ).otherwise(pl.lit(""))
    return pl.concat_str([lq, trend, size, growth, neighbours, density, national])


#: Helper columns computed over the whole table before rows are picked for the text.
TOP, DENSITY_SHARE = "_top_share", "_density_share"


def _z(rules: ClassRules) -> float:
    return NormalDist().inv_cdf(0.5 + rules.level / 2)


def _top(rules: ClassRules) -> pl.Expr:
    """Not yet specialised and the score in the top ``emerging_share`` of those pairs
    (a rank over the whole table)."""
    below = pl.col("lq") < 1
    n_below = below.fill_null(False).sum()
    rank = pl.when(below).then(pl.col("score")).rank("ordinal", descending=True)
    return below & (rank <= pl.max_horizontal(1, (n_below * rules.emerging_share).floor()))


def _trend(rules: ClassRules, horizon: int) -> tuple[pl.Expr, pl.Expr]:
    """LQ rising (falling) significantly and, on its trend, at or above (below) 1 within
    ``horizon`` years."""
    z = _z(rules)
    lq, slope, se = pl.col("lq"), pl.col("lq_slope"), pl.col("lq_slope_se")
    projected = lq * (slope * horizon).exp()
    return ((slope - z * se) > 0) & (projected >= 1), ((slope + z * se) < 0) & (projected < 1)


def _traded(rules: ClassRules) -> pl.Expr:
    return pl.col("traded").fill_null(True) | (not rules.traded_only)


def _recent(window: int) -> pl.Expr:
    return (pl.col("lq_start").fill_null(0) < 1) | (pl.col("years_specialised") < window)


def assign_classes(table: pl.DataFrame, rules: ClassRules, *, horizon: int,
                   window: int) -> pl.DataFrame:
    """Add ``class`` to a scored signals table (the words come from :func:`_describe`)."""
    codes = _class_codes(table, rules, horizon=horizon, window=window)
    if codes is not None:  # the class names gathered by their codes
        return table.with_columns(pl.Series("class", CLASSES).gather(codes))
    return table.with_columns(_class_expr(rules, horizon=horizon, window=window).alias("class"))


def _class_expr(rules: ClassRules, *, horizon: int, window: int) -> pl.Expr:
    """The class of each row as one polars expression (the definition)."""
    lq = pl.col("lq")
    below = lq < 1
    rising, falling = _trend(rules, horizon)
    big = pl.col("size_percentile").fill_null(0) >= rules.size_floor
    beyond, recent = pl.col("lq_lo") > 1, _recent(window)
    return (
        pl.when(lq.is_null()).then(pl.lit("other"))
        .when(below & (_top(rules) | rising).fill_null(False) & _traded(rules))
        .then(pl.lit("emerging"))
        .when(below).then(pl.lit("other"))
        .when(falling.fill_null(False)).then(pl.lit("eroding"))
        .when(beyond & big & recent).then(pl.lit("nascent"))
        .when(beyond & ~recent).then(pl.lit("established"))
        .otherwise(pl.lit("other"))
    )


_CLASS_INPUTS = ("lq", "lq_lo", "lq_slope", "lq_slope_se", "size_percentile", "lq_start",
                 "score")


def _class_codes(table: pl.DataFrame, rules: ClassRules, *, horizon: int,
                 window: int):
    """:func:`_class_expr` on numpy arrays (positions in :data:`CLASSES`), or None when a
    float input holds NaN or ``years_specialised`` a null (polars orders NaN above every
    number and its logic has three values, so those tables take the expression).

    Each comparison with an unknown (null) input is false here, which is what the
    expression's ``fill_null(False)`` and ``when`` make of it: an unknown ``lq`` is
    ``other`` first; ``rising``, ``falling`` and ``lq_lo > 1`` need every input known."""
    import numpy as np

    if table["years_specialised"].null_count() or table["traded"].dtype != pl.Boolean:
        return None
    x = {}
    for name in _CLASS_INPUTS:
        col = table[name]
        x[name] = col.cast(pl.Float64).to_numpy()  # null -> NaN: comparisons are false
        if np.count_nonzero(np.isnan(x[name])) != col.null_count():
            return None  # a NaN that is not a null
    lq, slope, se = x["lq"], x["lq_slope"], x["lq_slope_se"]
    z = _z(rules)
    with np.errstate(invalid="ignore", over="ignore"):
        projected = lq * np.exp(slope * horizon)
        rising = ((slope - z * se) > 0) & (projected >= 1)
        falling = ((slope + z * se) < 0) & (projected < 1)
    below = lq < 1
    # the top share of the scores of the pairs not yet specialised: ordinal ranks,
    # highest first, ties in row order (polars' rank("ordinal", descending=True))
    candidates = np.flatnonzero(below)
    keep = max(1, int(np.floor(candidates.size * rules.emerging_share)))
    order = candidates[np.argsort(-x["score"][candidates], kind="stable")]
    top = np.zeros(len(lq), dtype=bool)
    top[order[:keep]] = True
    top &= ~np.isnan(x["score"])  # an unknown score has no rank
    traded = table["traded"].fill_null(True).to_numpy() | (not rules.traded_only)
    unknown_size = np.isnan(x["size_percentile"])  # counts as 0
    big = (x["size_percentile"] >= rules.size_floor) | (unknown_size & (0 >= rules.size_floor))
    beyond = x["lq_lo"] > 1
    recent = (x["lq_start"] < 1) | np.isnan(x["lq_start"]) | (  # unknown counts as 0
        table["years_specialised"].to_numpy() < window)
    code = np.full(len(lq), CLASSES.index("other"), dtype=np.int64)
    # the expression's branches from the last to the first: a later write wins
    code[beyond & ~recent] = CLASSES.index("established")
    code[beyond & big & recent] = CLASSES.index("nascent")
    code[falling] = CLASSES.index("eroding")
    code[below] = CLASSES.index("other")
    code[below & (top | rising) & traded] = CLASSES.index("emerging")
    code[np.isnan(lq)] = CLASSES.index("other")
    return code


def _reasons(rules: ClassRules, horizon: int) -> pl.Expr:
    """Why each row has its class, in words (reads :data:`TOP`)."""
    lq = pl.col("lq")
    below, top = lq < 1, pl.col(TOP)
    rising, _ = _trend(rules, horizon)
    traded, beyond = _traded(rules), pl.col("lq_lo") > 1
    year = pl.col("as_of") + horizon
    share = f"{rules.emerging_share:.0%}".replace("%", " %")
    why_up = pl.concat_str([
        pl.when(top).then(pl.lit(f"score in the top {share} of the pairs not yet specialised"))
        .otherwise(pl.lit("")),
        pl.when(top & rising.fill_null(False)).then(pl.lit("; ")).otherwise(pl.lit("")),
        pl.when(rising.fill_null(False))
        .then(pl.format("LQ rising significantly, on its trend at or above 1 by {}", year))
        .otherwise(pl.lit("")),
    ])
    return (
        pl.when(lq.is_null()).then(pl.format("LQ unknown ({})",
                                             pl.col("signal_note").fill_null("no value")))
        .when(pl.col("class") == "emerging").then(
            pl.format("not yet specialised (LQ < 1), traded, and {}", why_up))
        .when(below & ~traded).then(pl.lit("not yet specialised; a local industry (not traded)"))
        .when(below).then(pl.lit(f"not yet specialised; score not in the top {share} and no "
                                 "significant rise to 1"))
        .when(pl.col("class") == "eroding").then(
            pl.format("specialised, but the LQ falls significantly; on its trend below 1 by {}",
                      year))
        .when(pl.col("class") == "nascent").then(
            pl.format("specialised recently: lower bound {} > 1, LQ {} in {}",
                      _num("lq_lo"), _num("lq_start"), pl.col("start")))
        .when(pl.col("class") == "established").then(
            pl.format("specialised beyond noise (lower bound {} > 1) in every year since {}",
                      _num("lq_lo"), pl.col("start")))
        .when(beyond).then(pl.format(
            "specialised recently but below the size floor (percentile {} < {})",
            pl.col("size_percentile").round(0), pl.lit(int(rules.size_floor))))
        .otherwise(pl.format("LQ at or above 1 but within noise (lower bound {} <= 1)",
                             _num("lq_lo")))
    )


def _describe(table: pl.DataFrame, rules: ClassRules, *, horizon: int,
             pick: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> pl.DataFrame:
    """The rows ``pick(table)`` (every row when None) of a classed table with ``reasons``
    (why the class), ``facts`` (the numbers behind it) and ``evidence`` (``class: reasons.
    facts``), in words.

    The text is built only for the rows picked: the whole-table ranks it quotes (the top
    share of the scores, the density percentile) are computed over ``table`` first, so
    the words of a row do not depend on which other rows are picked.
    """
    full = table.with_columns(
        _top(rules).alias(TOP),
        (pl.col("density").rank("average") / pl.col("density").count()).alias(DENSITY_SHARE),
    )
    rows = full if pick is None else pick(full)
    out = rows.with_columns(_reasons(rules, horizon).alias("reasons"), _evidence().alias("facts"))
    return out.with_columns(
        pl.concat_str([pl.col("class"), pl.lit(": "), pl.col("reasons"), pl.lit(". "),
                       pl.col("facts")]).alias("evidence")
    ).drop(TOP, DENSITY_SHARE)


def explain_row(row: dict, scores) -> str:
    """The explanation of one scored pair (see :meth:`EmergenceScores.explain`)."""
    from emerging.detect.score import SIGNALS

    contributions = sorted(
        ((s, row[f"contrib_{s}"]) for s in SIGNALS if row[f"contrib_{s}"]),
        key=lambda kv: -abs(kv[1]),
    )
    unit = {"logit": "log-odds",
            "gbm": "log-odds lost when the signal is unknown; not additive"}.get(
        scores.model, "score points")
    lines = [
        f"{row['region']} x {row['industry']} as of {row['as_of']}: {row['class']} "
        f"(score {row['score']:,.3f}, {scores.label}).",
        f"Why: {row['reasons']}.",
        f"Evidence: {row['facts']}.",
    ]
    if contributions:
        parts = ", ".join(f"{s} {v:+,.3f}" for s, v in contributions)
        lines.append(f"Contributions ({unit}): {parts}.")
    return "\n".join(lines)
