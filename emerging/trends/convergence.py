"""Beta and sigma convergence of employment or of specialisation (LQ) across units.

*Beta convergence* (Barro and Sala-i-Martin 1992): across units *u* (region-industry
pairs), regress the annualised log growth between :math:`t_0` and :math:`t_0 + T` on the
initial log level,

.. math::

    \\frac{\\ln y_{u,t_0+T} - \\ln y_{u,t_0}}{T}
        = \\alpha + \\beta \\ln y_{u,t_0} + \\varepsilon_u .

:math:`\\beta < 0` means units that started low grew faster (convergence). The implied
speed of convergence is :math:`\\lambda = -\\ln(1 + \\beta T)/T` and the half-life
:math:`\\ln 2 / \\lambda` years (null when :math:`1 + \\beta T \\le 0` or :math:`\\lambda \\le 0`).

*Sigma convergence*: the dispersion :math:`\\sigma_t` (standard deviation across units of
:math:`\\ln y_{u,t}`, a fixed set of units known in every year) falls over time. The trend
test is the OLS regression :math:`\\sigma_t = a + b t + e_t` with a t-test of
:math:`b = 0` (:math:`b < 0`: sigma convergence).

Units need positive, known values in the years used: zeros and unknown values are left out
and counted (log of 0 is undefined). ``by="industry"`` runs one regression per industry
(across regions), ``by="region"`` one per region (across industries), ``"pooled"`` one
over all pairs.

References
----------
Barro, R. J. and Sala-i-Martin, X. (1992). Convergence. *Journal of Political Economy*,
100(2), 223-251.
Sala-i-Martin, X. (1996). The classical approach to convergence analysis. *The Economic
Journal*, 106(437), 1019-1036.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from emerging._checks import check_level
from emerging._reference import ReferenceLike, Regions
from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, Exclusions
from emerging._typing import check_option
from emerging.trends._ols import ols_rows, ols_se_expr, ols_slope_expr
from emerging.trends._series import prepare_series

By = Literal["pooled", "industry", "region"]
_BY = ("pooled", "industry", "region")


def _inference(slope: np.ndarray, se: np.ndarray, df: np.ndarray, level: float) -> dict:
    """Student-t confidence interval and two-sided p-value of each slope."""
    from scipy import stats

    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + level / 2, df)
        p = 2 * stats.t.sf(np.abs(slope / se), df)
    return {"ci_lo": slope - q * se, "ci_hi": slope + q * se, "p_value": p}


@dataclass(frozen=True, repr=False)
class BetaConvergence(Result):
    """Result of :func:`beta_convergence`.

    ``table``: one row per group with ``n``, ``beta``, ``se``, ``ci_lo``, ``ci_hi``,
    ``p_value``, ``speed`` and ``half_life``; ``units``: the units used, with
    ``log_start`` and ``growth``.
    """

    table: pl.DataFrame
    units: pl.DataFrame
    by: str
    measure: str
    start: int
    end: int
    exclusions: Exclusions

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def summary(self) -> str:
        conv = self.table.filter((pl.col("beta") < 0) & (pl.col("p_value") < 0.05)).height
        lines = [
            f"Beta convergence of {self.measure}, {self.start}-{self.end}, by {self.by}: "
            f"{self.table.height} regression(s), {conv} with significant convergence (5%)",
            f"{self.units.height:,} units; {self.exclusions}",
        ]
        for row in self.table.head(5).iter_rows(named=True):
            hl = "n/a" if row["half_life"] is None else f"{row['half_life']:.1f} years"
            lines.append(
                f"  {row['group']}: beta {row['beta']:+.4f} (s.e. {row['se']:.4f}, "
                f"p = {row['p_value']:.3g}), half-life {hl}"
            )
        return "\n".join(lines)

    def plot(self, ax=None, *, group: str | None = None):
        """Growth against initial log level for one group (default: the first), with the fit."""
        from emerging.maps.trends_plots import plot_beta_convergence

        return plot_beta_convergence(self, ax, group=group)


def _group_expr(by: str) -> pl.Expr:
    return pl.lit("all") if by == "pooled" else pl.col(INDUSTRY if by == "industry" else REGION)


def beta_convergence(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int,
    end: int,
    measure: Literal["value", "lq"] = "lq",
    by: By = "industry",
    level: float = 0.95,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    lq_base: Literal["all", "country"] | None = None,
) -> BetaConvergence:
    """Beta convergence with speed and half-life, per group (see module docstring).

    Returns
    -------
    BetaConvergence
        ``table`` columns: ``group``, ``n``, ``alpha``, ``beta``, ``se`` (classical OLS),
        ``ci_lo``, ``ci_hi``, ``p_value``, ``speed``, ``half_life``; groups with fewer than
        3 units get null estimates. ``reference`` and ``regions`` are the LQ's reference
        economy for ``measure="lq"`` (``lq_base=`` is their deprecated spelling).
    """
    check_option("by", by, _BY)
    check_level(level)
    s = prepare_series(
        panel, measure=measure, start=start, end=end, zeros="drop",
        reference=reference if measure == "lq" else None, regions=regions, lq_base=lq_base,
    )
    first, last = s.coded.year_index(start), s.coded.year_index(end)
    a, b = int(np.flatnonzero(s.steps == first)[0]), int(np.flatnonzero(s.steps == last)[0])
    ok = s.usable[:, :, a] & s.usable[:, :, b]
    horizon = end - start
    # Only usable endpoints enter the subtraction: a zero at both ends is log 0 = -inf twice,
    # and -inf - (-inf) would warn for a pair that is left out (and counted) anyway.
    log_start = np.where(ok, s.y[:, :, a], np.nan)
    log_end = np.where(ok, s.y[:, :, b], np.nan)
    units = s.coded.pair_frame(ok, {
        "log_start": log_start,
        "growth": (log_end - log_start) / horizon,
    }).with_columns(_group_expr(by).alias("group"))
    n = pl.col("growth").count()
    beta = ols_slope_expr("growth", "log_start")
    table = (
        units.group_by("group")
        .agg(
            n.alias("n"),
            (pl.col("growth").mean() - beta * pl.col("log_start").mean()).alias("alpha"),
            beta.alias("beta"),
            ols_se_expr("growth", "log_start").alias("se"),
        )
        .with_columns(pl.when(pl.col("n") >= 3).then(pl.col("alpha", "beta")).name.keep())
        .sort("group")
    )
    stats = _inference(
        table["beta"].to_numpy(), table["se"].to_numpy(), table["n"].to_numpy() - 2.0, level
    )
    table = (
        table.with_columns(pl.Series(k, v).fill_nan(None) for k, v in stats.items())
        .with_columns(
            speed=pl.when(1 + pl.col("beta") * horizon > 0)
            .then(-(1 + pl.col("beta") * horizon).log() / horizon)
        )
        .with_columns(
            half_life=pl.when(pl.col("speed") > 0).then(np.log(2) / pl.col("speed"))
        )
    )
    pairs = int(s.has_pair.sum())
    return BetaConvergence(
        table=table, units=units, by=by, measure=measure, start=start, end=end,
        exclusions=Exclusions({
            "pairs with a zero or unknown value at the start or the end": pairs - units.height
        }),
    )


@dataclass(frozen=True, repr=False)
class SigmaConvergence(Result):
    """Result of :func:`sigma_convergence`: ``dispersion`` (group, year, sigma, n_units) and
    ``trend`` (group, n_units, slope, se, p_value: the OLS trend of sigma)."""

    dispersion: pl.DataFrame
    trend: pl.DataFrame
    by: str
    measure: str
    exclusions: Exclusions

    def to_frame(self) -> pl.DataFrame:
        return self.trend

    def summary(self) -> str:
        falling = self.trend.filter((pl.col("slope") < 0) & (pl.col("p_value") < 0.05)).height
        return (
            f"Sigma convergence of {self.measure} by {self.by}: {self.trend.height} group(s), "
            f"{falling} with significantly falling dispersion (5%); {self.exclusions}"
        )

    def plot(self, ax=None, *, groups: list[str] | None = None):
        """Dispersion over time, one line per group (default: up to 8 groups)."""
        from emerging.maps.trends_plots import plot_sigma_convergence

        return plot_sigma_convergence(self, ax, groups=groups)


def sigma_convergence(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    start: int | None = None,
    end: int | None = None,
    measure: Literal["value", "lq"] = "lq",
    by: By = "industry",
    level: float = 0.95,
    reference: ReferenceLike = "all",
    regions: Regions = None,
    lq_base: Literal["all", "country"] | None = None,
) -> SigmaConvergence:
    """Dispersion of log values across units per year and its OLS trend (see module docs).

    Only units with a positive known value in every year of the window enter (a fixed set,
    so that the dispersion does not move because units come and go). ``reference`` and
    ``regions`` are the LQ's reference economy for ``measure="lq"`` (``lq_base=`` is
    their deprecated spelling).
    """
    check_option("by", by, _BY)
    check_level(level)
    s = prepare_series(
        panel, measure=measure, start=start, end=end, zeros="drop",
        reference=reference if measure == "lq" else None, regions=regions, lq_base=lq_base,
    )
    balanced = s.usable.all(axis=2)
    y = np.where(balanced[:, :, None], s.y, np.nan)
    if by == "industry":
        cube, labels = y.transpose(1, 0, 2), s.coded.industries
    elif by == "region":
        cube, labels = y, s.coded.regions
    else:
        cube, labels = y.reshape(1, -1, y.shape[2]), pl.Series(["all"])
    n_units = (~np.isnan(cube[:, :, 0])).sum(axis=1)
    with warnings.catch_warnings():  # all-NaN groups warn; they become null below
        warnings.simplefilter("ignore", RuntimeWarning)
        sigma = np.nanstd(cube, axis=1, ddof=1)  # (G, T)
    sigma[n_units < 2] = np.nan
    known = ~np.isnan(sigma)
    fit = ols_rows(sigma, known, s.years)
    stats = _inference(fit["slope"], fit["se"], fit["n"] - 2.0, level)
    trend = pl.DataFrame({
        "group": labels, "n_units": n_units, "slope": fit["slope"], "se": fit["se"], **stats,
    }).with_columns(pl.col(pl.Float64).fill_nan(None))
    years = s.years.astype(np.int32)
    dispersion = pl.DataFrame({
        "group": np.repeat(labels.to_numpy(), len(years)),
        "year": np.tile(years, len(labels)),
        "sigma": sigma.ravel(),
        "n_units": np.repeat(n_units, len(years)),
    }).with_columns(pl.col("sigma").fill_nan(None))
    return SigmaConvergence(
        dispersion=dispersion, trend=trend, by=by, measure=measure,
        exclusions=Exclusions({
            "pairs without a positive known value in every year": int(
                (s.has_pair & ~balanced).sum()
            )
        }),
    )
