r"""Industry concentration: how unevenly an industry is spread over the regions.

For industry *i* (per year), with the region's share of the industry
:math:`s_r = E_{ri}/E_i` and the region's share of all employment :math:`x_r = E_r/E`
(over the regions of the panel):

==================  =================================================================  ========
column              formula                                                            range
==================  =================================================================  ========
``gini``            locational Gini (Krugman 1991): Lorenz curve of :math:`s` against   [0, 1)
                    :math:`x`, regions sorted by LQ
``hoover``          Hoover concentration :math:`\tfrac12\sum_r |s_r - x_r|`             [0, 1)
``krugman``         Krugman concentration :math:`\sum_r |s_r - x_r|`                    [0, 2)
``raw_g``           :math:`G = \sum_r (s_r - x_r)^2`                                    [0, 2)
``ellison_glaeser`` :math:`\gamma = \dfrac{G - (1 - \sum_r x_r^2) H}{(1 - \sum_r        (-∞, 1]
                    x_r^2)(1 - H)}` with the plant Herfindahl *H* of the industry
==================  =================================================================  ========

The Ellison-Glaeser index needs the Herfindahl index of plant (establishment) sizes of
each industry-year, :math:`H = \sum_k z_k^2` over the industry's plants; pass it as
``herfindahl`` (``industry``, ``year``, ``herfindahl`` in (0, 1]). Without it the column
is null and ``eg_reason`` says so: regional employment totals alone cannot separate
concentration from a few large plants. ``gamma`` near 0 means no more concentration
than random plant location would give; Ellison & Glaeser call > 0.05 highly localised.

Edge cases: an industry-year with zero employment gets nulls and ``reason = "zero
industry total"``; confidential cells are left out (``unknown_share`` says how many).

References
----------
Krugman, P. (1991). *Geography and Trade*. MIT Press.
Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics
and Statistics*, 18(4), 162-171.
Ellison, G. & Glaeser, E. L. (1997). Geographic concentration in U.S. manufacturing
industries: a dartboard approach. *Journal of Political Economy*, 105(5), 889-927.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, YEAR, require_columns
from emerging.indices._coded import (
    CodedPanel,
    check_option,
    float_column,
    map_years,
    reason_column,
    stack_years,
)
from emerging.indices._shares import lorenz_gini

INDUSTRY_INDICES = ("gini", "hoover", "krugman", "raw_g", "ellison_glaeser")
NO_HERFINDAHL = (
    "no plant-size Herfindahl supplied: pass herfindahl=<frame with industry, year, "
    "herfindahl> to compute Ellison-Glaeser"
)
_EG_REASONS = (NO_HERFINDAHL, "no Herfindahl for this industry-year",
               "Herfindahl must be in (0, 1)", "zero industry total")


def _herfindahl_cube(herfindahl, coded: CodedPanel) -> np.ndarray:
    """Plant Herfindahl per ``(year, industry)`` (NaN where not supplied)."""
    h = herfindahl.collect() if isinstance(herfindahl, pl.LazyFrame) else herfindahl
    require_columns(h, [INDUSTRY, YEAR, "herfindahl"], what="herfindahl")
    h = h.filter(pl.col(INDUSTRY).is_in(coded.industries.implode())
                 & pl.col(YEAR).cast(pl.Int32).is_in(coded.years.tolist()))
    nY, _, nI = coded.shape
    out = np.full((nY, nI), np.nan)
    y = np.searchsorted(coded.years, h[YEAR].to_numpy())
    i = h[INDUSTRY].cast(pl.Enum(coded.industries)).to_physical().to_numpy().astype(np.int64)
    out[y, i] = h["herfindahl"].cast(pl.Float64).to_numpy()
    return out


def _concentration_block(cube: np.ndarray, h: np.ndarray | None) -> dict:
    """Concentration indices of one block of years; ``h`` the plant Herfindahls (Y, I)."""
    ei = cube.sum(axis=1, keepdims=True)  # (Y, 1, I)
    er = cube.sum(axis=2, keepdims=True)  # (Y, R, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = cube / ei
        x = np.nan_to_num(er / er.sum(axis=1, keepdims=True))
    empty = ei[:, 0, :] == 0  # 0 / 0: no share (as nan_to_num would give, cells >= 0)
    if empty.any():
        s[np.broadcast_to(empty[:, None, :], s.shape)] = 0.0
    diff = s - x
    krugman = np.abs(diff).sum(axis=1)
    raw_g = np.einsum("yri,yri->yi", diff, diff)
    gini = lorenz_gini(s, x, axis=1)
    zero = ei[:, 0, :] == 0
    sum_x2 = (x * x).sum(axis=1)  # (Y, 1)
    eg = np.full(zero.shape, np.nan)
    eg_reason = np.full(zero.shape, 1, dtype=np.uint8)
    if h is not None:
        ok = (h > 0) & (h < 1) & ~zero
        with np.errstate(divide="ignore", invalid="ignore"):
            gamma = (raw_g - (1 - sum_x2) * h) / ((1 - sum_x2) * (1 - h))
        eg = np.where(ok & np.isfinite(gamma), gamma, np.nan)
        eg_reason = np.select([zero, np.isnan(h), ~ok, np.isnan(eg)], [4, 2, 3, 3], 0)
    for a in (krugman, raw_g, gini):
        a[zero] = np.nan
    return {"gini": gini, "krugman": krugman, "raw_g": raw_g, "eg": eg,
            "eg_reason": eg_reason.astype(np.uint8), "zero": zero}


@dataclass(frozen=True, repr=False)
class IndustryConcentration(Result):
    """Concentration indices of every industry-year.

    Attributes
    ----------
    industries
        ``industry``, ``year``, ``gini``, ``hoover``, ``krugman``, ``raw_g``,
        ``ellison_glaeser``, ``eg_reason``, ``unknown_share``, ``reason``.
    message
        Why Ellison-Glaeser is missing (None when a Herfindahl frame was given).
    """

    industries: pl.DataFrame
    message: str | None

    _title = "Industry concentration"

    def to_frame(self) -> pl.DataFrame:
        return self.industries

    def summary(self) -> str:
        f = self.industries
        latest = f[YEAR].max()
        top = (f.filter(pl.col(YEAR) == latest).drop_nulls("gini")
               .sort("gini", descending=True).head(5))
        lines = [
            f"{self._title}: {f[INDUSTRY].n_unique():,} industries, years "
            f"{f[YEAR].min()}-{latest}",
            f"  most concentrated in {latest} (locational Gini): "
            + ", ".join(f"{r[INDUSTRY]} {r['gini']:.3f}" for r in top.iter_rows(named=True)),
            f"  Ellison-Glaeser: {self.message or 'computed where a Herfindahl was given'}",
        ]
        return "\n".join(lines)

    def plot(self, ax=None, *, index: str = "gini", year: int | None = None, top: int = 20):
        """Horizontal bars of ``index`` for the ``top`` industries of ``year`` (latest)."""
        from emerging.maps.indices_plots import plot_concentration

        check_option("index", index, INDUSTRY_INDICES)
        return plot_concentration(self, ax, index=index, year=year, top=top)


def industry_concentration(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    herfindahl: pl.DataFrame | pl.LazyFrame | None = None,
) -> IndustryConcentration:
    """Locational Gini, Hoover, Krugman and (with plant Herfindahls) Ellison-Glaeser.

    Parameters
    ----------
    panel
        Panel of one NUTS level; the regions of the panel are the whole economy.
    herfindahl
        Optional frame ``industry``, ``year``, ``herfindahl`` (plant-size Herfindahl of
        the industry, in (0, 1)).

    Returns
    -------
    IndustryConcentration
    """
    coded = CodedPanel.from_panel(panel)
    h = None if herfindahl is None else _herfindahl_cube(herfindahl, coded)

    def block(ys: slice) -> dict:
        return _concentration_block(coded.cube[ys], None if h is None else h[ys])

    res = stack_years(map_years(block, coded.shape[0]))
    gini, krugman, raw_g, eg, eg_reason, zero = (
        res[k] for k in ("gini", "krugman", "raw_g", "eg", "eg_reason", "zero"))
    message = NO_HERFINDAHL if herfindahl is None else None
    nY, _, nI = coded.shape
    if coded.known.all():
        unknown = np.zeros(nY * nI)
    else:
        rows = np.bincount(coded.yi, minlength=nY * nI)
        unknown = np.bincount(coded.yi[~coded.known], minlength=nY * nI) / np.maximum(rows, 1)
    frame = coded.industry_year_frame().with_columns(
        float_column("gini", gini.reshape(-1)),
        float_column("hoover", krugman.reshape(-1) / 2),
        float_column("krugman", krugman.reshape(-1)),
        float_column("raw_g", raw_g.reshape(-1)),
        float_column("ellison_glaeser", eg.reshape(-1)),
        reason_column("eg_reason", eg_reason.reshape(-1).astype(np.uint8), _EG_REASONS),
        float_column("unknown_share", unknown),
        reason_column("reason", zero.reshape(-1).astype(np.uint8), ("zero industry total",)),
    )
    return IndustryConcentration(frame, message)
