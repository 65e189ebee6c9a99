"""Drawings of the dynamics results: shift-share, entries and exits, portfolio, convergence,
trend fits and panel trend slopes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from emerging._schema import INDUSTRY, REGION
from emerging._typing import check_option
from emerging.maps import style
from emerging.maps._drawing import canvas, draws
from emerging.maps.axes import ratio_log_axis, year_axis


@draws
def plot_shift_share(result, ax=None, *, labels: Mapping[str, str], by: str = "region",
                     kind: str = "bar", key: str | None = None, top: int = 20):
    """Stacked component bars per region (industry), or a waterfall for one ``key``.

    ``labels`` names each component column of ``result.components``.
    """
    check_option("by", by, ("region", "industry"))
    check_option("kind", kind, ("bar", "waterfall"))
    totals = result.to_frame(by=by)
    if kind == "waterfall":
        if key is None:
            raise ValueError(f"kind='waterfall' needs key=<one {by} code>")
        row = totals.filter(pl.col(by) == key)
        if not row.height:
            examples = totals[by].head(5).to_list()
            raise ValueError(f"{by} {key!r} is not in the result; e.g. {examples}")
        fig, ax = canvas(ax, "a4_half")
        _waterfall(ax, row.row(0, named=True), result.components, labels)
        ax.set_title(f"{key}: shift-share {result.start}-{result.end}")
        return fig, ax
    fig, ax = canvas(ax, "a4_half")
    totals = totals.sort(pl.col("change").abs(), descending=True).head(top)
    names = totals[by].to_list()
    x = np.arange(len(names))
    pos = np.zeros(len(names))
    neg = np.zeros(len(names))
    colours = style.qualitative_colours(len(result.components))
    for c, colour in zip(result.components, colours, strict=True):
        v = totals[c].fill_null(0).to_numpy()
        ax.bar(x, v, bottom=np.where(v >= 0, pos, neg), label=labels[c], color=colour)
        pos += np.clip(v, 0, None)
        neg += np.clip(v, None, 0)
    ax.plot(x, totals["change"].to_numpy(), "o", color=style.TEXT_COLOUR, label="Actual change")
    ax.axhline(0, color=style.NEUTRAL, lw=0.8)
    ax.set_xticks(x, [_group_label(by, n, width=22) for n in names], rotation=90)
    ax.set_ylabel("Change in employment")
    ax.set_title(f"Shift-share {result.start}-{result.end} (reference: {result.reference})")
    ax.legend()
    return fig, ax


def _waterfall(ax, row: dict, components: Sequence[str], labels: Mapping[str, str]) -> None:
    names = ["Start", *[labels[c] for c in components], "End"]
    level = row["value_start"]
    bottoms, heights, colours = [0.0], [level], [style.NEUTRAL]
    for c in components:
        v = row[c] or 0.0
        bottoms.append(level if v >= 0 else level + v)
        heights.append(abs(v))
        colours.append(style.POSITIVE if v >= 0 else style.NEGATIVE)
        level += v
    bottoms.append(0.0)
    heights.append(row["value_end"])
    colours.append(style.NEUTRAL)
    ax.bar(names, heights, bottom=bottoms, color=colours)
    ax.tick_params(axis="x", rotation=30)
    ax.set_ylabel("Employment")


@draws
def plot_specialisation_changes(result, ax=None, *, by: str = "region", top: int = 25):
    """Bars of entries (up) and exits (down) per region or industry, busiest first."""
    t = result.table(by).sort(pl.col("entry") + pl.col("exit"), descending=True).head(top)
    fig, ax = canvas(ax, "a4_half")
    x = np.arange(t.height)
    ax.bar(x, t["entry"].to_numpy(), color=style.POSITIVE, label="entries")
    ax.bar(x, -t["exit"].to_numpy(), color=style.NEGATIVE, label="exits")
    ax.plot(x, t["net"].to_numpy(), "o", color=style.TEXT_COLOUR, ms=3, label="net")
    ax.axhline(0, color=style.NEUTRAL, lw=0.8)
    ax.set_xticks(x, t[by].to_list(), rotation=90)
    ax.set_ylabel("specialisations")
    ax.set_title(f"Entry and exit of specialisations, {result.start}-{result.end}")
    ax.legend()
    return fig, ax


@draws
def plot_portfolio(result, ax=None, *, quadrants: Sequence[str], region: str | None = None,
                   industry: str | None = None, label_top: int = 8, max_size: float = 1500.0):
    """Bubble chart of an LQ-growth portfolio (see :meth:`emerging.trends.Portfolio.plot`).

    ``quadrants`` names the four quadrants, best first.
    """
    d = result.table.drop_nulls("quadrant")
    if region is not None:
        d, label_col = d.filter(pl.col(REGION) == region), INDUSTRY
    elif industry is not None:
        d, label_col = d.filter(pl.col(INDUSTRY) == industry), REGION
    else:
        label_col = None
    if not d.height:
        raise ValueError(f"nothing to plot for region={region!r}, industry={industry!r}")
    fig, ax = canvas(ax, "a4_half")
    _portfolio_bubbles(ax, d, quadrants, max_size, log_x=result.x == "lq")
    if label_col is not None:
        from emerging.maps.labels import place_labels

        biggest = d.sort("value_end", descending=True).head(label_top)
        place_labels(ax, [(str(r[label_col]), r["x"], r["growth_vs_ref"] * 100, str(r[label_col]))
                          for r in biggest.iter_rows(named=True)], fontsize=style.LABEL_SIZE + 1)
    change = f"change in LQ {result.start}-{result.end}"
    ax.set_xlabel(f"LQ {result.end}" if result.x == "lq" else change)
    ax.set_ylabel("CAGR minus reference CAGR (percentage points)")
    title = region or industry or "all pairs"
    ax.set_title(f"{title}: LQ-growth portfolio {result.start}-{result.end}")
    return fig, ax


def _portfolio_bubbles(ax, d: pl.DataFrame, quadrants: Sequence[str], max_size: float,
                       *, log_x: bool) -> None:
    size = d["value_end"].to_numpy()
    size = max_size * size / size.max() if size.max() > 0 else size
    colours = style.QUADRANT_COLOURS
    for name, colour in zip(quadrants, colours, strict=True):
        q = d["quadrant"].to_numpy() == name
        strict = d["emerging"].to_numpy()[q]  # LQ < 1, rising, faster: thick outline
        ax.scatter(d["x"].to_numpy()[q], d["growth_vs_ref"].to_numpy()[q] * 100,
                   s=size[q], c=colour, alpha=0.55, edgecolors=style.TEXT_COLOUR,
                   linewidths=np.where(strict, 1.8, 0.4))
    ax.axvline(1.0 if log_x else 0.0, color=style.NEUTRAL, lw=0.8)
    ax.axhline(0, color=style.NEUTRAL, lw=0.8)
    if log_x:
        ratio_log_axis(ax, "x")
    corners = ((0.98, 0.98, "right", "top"), (0.98, 0.02, "right", "bottom"),
               (0.02, 0.98, "left", "top"), (0.02, 0.02, "left", "bottom"))
    for name, colour, (cx, cy, ha, va) in zip(quadrants, colours, corners, strict=True):
        ax.text(cx, cy, name, transform=ax.transAxes, ha=ha, va=va, color=colour,
                fontweight="bold")


@draws
def plot_beta_convergence(result, ax=None, *, group: str | None = None):
    """Growth against initial log level for one group (default: the first), with the fit."""
    group = result.table["group"][0] if group is None else group
    row = result.table.filter(pl.col("group") == group)
    if not row.height:
        raise ValueError(f"group {group!r} not in the result; e.g. {result.table['group'][:5]}")
    units = result.units.filter(pl.col("group") == group)
    fig, ax = canvas(ax, "a4_column")
    x = units["log_start"].to_numpy()
    ax.scatter(x, units["growth"].to_numpy(), s=10, color=style.HIGHLIGHT)
    r = row.row(0, named=True)
    grid = np.array([x.min(), x.max()])
    p = r["p_value"]
    ax.plot(grid, r["alpha"] + r["beta"] * grid, color=style.NEGATIVE,
            label=f"β = {r['beta']:+.4f}" + ("" if p is None else f" (p = {p:.2g})"))
    ax.set_xlabel(f"log {_measure_name(result.measure)} {result.start}")
    ax.set_ylabel(f"annual log growth {result.start}-{result.end}")
    ax.set_title(f"Beta convergence: {_group_label(result.by, group, width=24)}")
    ax.legend()
    return fig, ax


def _measure_name(measure: str) -> str:
    return "LQ" if measure == "lq" else measure


def _group_label(by: str, group: str, width: int = 38) -> str:
    """A legend entry: the code with its NACE label (industries) or NUTS name (regions)."""
    if by == "industry":
        from emerging.codes.nace import nace_label

        try:
            name = nace_label(group)
        except ValueError:  # not a NACE code (a user's own classification)
            name = ""
    elif by == "region":
        from emerging.codes.nuts import region_names

        name = region_names().get(group, "")
    else:
        return group
    name = name if len(name) <= width else name[: width - 1].rstrip() + "…"
    return f"{group} {name}" if name and name != group else group


@draws
def plot_sigma_convergence(result, ax=None, *, groups: list[str] | None = None):
    """Dispersion over time, one line per group (default: up to 8 groups)."""
    fig, ax = canvas(ax, "a4_half")
    groups = result.trend["group"].head(8).to_list() if groups is None else groups
    for g in groups:
        d = result.dispersion.filter(pl.col("group") == g)
        ax.plot(d["year"], d["sigma"], marker="o", label=_group_label(result.by, g))
    year_axis(ax)
    across = {"industry": "regions", "region": "industries"}.get(result.by, "all pairs")
    ax.set_ylabel(f"s.d. of log {_measure_name(result.measure)} across {across}")
    ax.set_title("Sigma convergence")
    ax.legend(fontsize=style.LABEL_SIZE + 0.5)
    return fig, ax


@draws
def plot_trend_fit(result, ax=None):
    """The series (log scale), the fitted trend with its confidence band, and the reference
    rescaled to the series' fitted level in the first year."""
    fig, ax = canvas(ax, "a4_half")
    d = result.data
    used = d.filter(pl.col("usable"))
    ax.plot(used["year"], used["value"], "o", color=style.HIGHLIGHT, label=result.measure)
    x = used["year"].to_numpy().astype(float)
    pred = result.trend.get_prediction(np.column_stack([np.ones_like(x), x]))
    band = pred.conf_int(alpha=1 - result.level)
    ax.plot(x, np.exp(pred.predicted_mean), "-", color=style.HIGHLIGHT, label="trend")
    ax.fill_between(x, np.exp(band[:, 0]), np.exp(band[:, 1]), alpha=0.2, color=style.HIGHLIGHT,
                    label=f"{result.level:.0%} CI")
    if result.relative is not None and "log_reference" in d.columns:
        ref = d["log_reference"].to_numpy()
        shift = pred.predicted_mean[0] - ref[np.flatnonzero(d["usable"].to_numpy())[0]]
        ax.plot(d["year"], np.exp(ref + shift), "--", color=style.NEUTRAL, label="reference")
    ax.set_yscale("log")
    ax.set_title(f"{result.region} {result.industry}")
    ax.legend()
    return fig, ax


@draws
def plot_fixed_effects_trend(result, ax=None):
    """Demeaned log values against demeaned years, with the common slope."""
    fig, ax = canvas(ax, "a4_column")
    x, y = result.result.model.exog[:, 0], result.result.model.endog
    ax.scatter(x, y, s=3, alpha=0.3, color=style.HIGHLIGHT)
    grid = np.array([x.min(), x.max()])
    ax.plot(grid, result.slope * grid, color=style.NEGATIVE, label=f"slope {result.slope:+.3f}")
    ax.set_xlabel("year (demeaned within series)")
    ax.set_ylabel("log value (demeaned within series)")
    ax.set_title("Common trend (fixed effects)")
    ax.legend()
    return fig, ax


@draws
def plot_trend_volcano(result, ax=None, *, alpha: float = 0.05):
    """Volcano plot: slope against -log10(p), significant series highlighted."""
    fitted = result.table.filter(pl.col("reason").is_null())
    if "p_value" not in fitted.columns:
        raise ValueError("the volcano plot needs p-values: run trend_slopes(inference=True)")
    fig, ax = canvas(ax, "a4_half")
    slope = fitted["slope"].to_numpy()
    p = np.clip(fitted["p_value"].to_numpy(), 1e-300, 1)
    sig = p < alpha
    ax.scatter(slope[~sig], -np.log10(p[~sig]), s=4, c=style.MUTED, label="not significant")
    ax.scatter(slope[sig], -np.log10(p[sig]), s=4, c=style.HIGHLIGHT, label=f"p < {alpha:g}")
    ax.axhline(-np.log10(alpha), color=style.NEUTRAL, lw=0.8, ls="--")
    ax.axvline(0, color=style.NEUTRAL, lw=0.8)
    ax.set_xlabel(f"annual log growth of {result.measure}")
    ax.set_ylabel("-log10 p")
    ax.set_title("Trend slopes")
    ax.legend()
    return fig, ax
