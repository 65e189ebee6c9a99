r"""Signals of change over the window: competitive effect, acceleration, related growth.

All three read only the window :math:`s, \dots, a` (years :math:`\le a`) of the panel that
:func:`emerging.detect.emergence_signals` has already validated and restricted to its
fixed region set.

``competitive``
    The shift-share competitive (regional) effect of the pair from :math:`s` to :math:`a`,
    :math:`E_{ri,s}\,(g_{ri} - g_i)` in persons, with :math:`g` the growth over the whole
    window of the pair and of the industry in the reference economy
    (:func:`emerging.trends.shift_share`, Dunn 1960).
``acceleration``
    The change of the log-LQ growth rate between the two halves of the window, per year:
    with :math:`m = s + \lfloor (a - s)/2 \rfloor`,
    :math:`\frac{\ln LQ_a - \ln LQ_m}{a - m} - \frac{\ln LQ_m - \ln LQ_s}{m - s}`;
    positive when the LQ rises faster (or falls slower) lately. Needs a window of at least
    three years and positive LQs in :math:`s`, :math:`m` and :math:`a` (null otherwise).
``related_growth``
    Annual growth over the window of the employment of the region's industries related to
    :math:`i`, weighted by proximity :math:`\varphi_{ij}` in :math:`a`
    (:func:`emerging.relatedness.proximity`, the default minimum-conditional measure):
    :math:`\left(\frac{\sum_{j \ne i} \varphi_{ij} E_{rj,a}}
    {\sum_{j \ne i} \varphi_{ij} E_{rj,s}}\right)^{1/(a-s)} - 1`.
    Null when the region has no related employment in :math:`s`.

References
----------
Dunn, E. S. (1960). A statistical and analytical technique for regional analysis.
*Papers in Regional Science*, 6(1), 97-112.
Hidalgo, C. A. et al. (2007). The product space conditions the development of nations.
*Science*, 317(5837), 482-487 (proximity).
"""

from __future__ import annotations

import numpy as np
import polars as pl


def competitive_effect(coded, start: int, as_of: int, economy, *, label: str,
                       window=None) -> np.ndarray:
    """``(region, industry)`` competitive effect (persons) from :math:`s` to :math:`a` of
    the coded window against a resolved reference (the classic decomposition of
    :func:`emerging.trends.shift_share`, computed without coding the panel again; ``window``
    the balanced two-year window when the caller has it)."""
    from emerging.trends._shift_share import decompose

    return decompose(coded, start, as_of, "classic", economy, label=label,
                     window=window)[1]["competitive"]


def acceleration(cells, lqs: np.ndarray, start: int, as_of: int) -> np.ndarray:
    """Per cell (:class:`emerging.detect._cells.Cells`) from the window's LQ cube ``lqs``
    (year, region, industry); a cell without a row has no positive LQ."""
    if as_of - start < 2:
        return np.full(cells.n_r * cells.n_i, np.nan)
    mid = start + (as_of - start) // 2

    def log_lq(year: int) -> np.ndarray:
        lq = cells.cube_at(lqs, year)
        out = np.full(lq.shape, np.nan)
        with np.errstate(invalid="ignore"):
            return np.log(lq, out=out, where=lq > 0)

    s, m, a = (log_lq(year) for year in (start, mid, as_of))
    a -= m  # (a - m) / (a_year - m_year) - (m - s) / (m_year - s_year), in place
    a /= as_of - mid
    m -= s
    m /= mid - start
    a -= m
    return a


def related_growth(cells, start: int, as_of: int, phi: np.ndarray,
                   industries: pl.Series) -> np.ndarray:
    """Per cell (module docstring) from the proximity ``phi`` in ``as_of`` (``[i, j]`` over
    ``industries``, NaN where undefined; :func:`emerging.relatedness.proximity` of the
    year's rows as arrays); one matrix product per end of the window."""
    if start == as_of:
        return np.full(cells.n_r * cells.n_i, np.nan)
    coded = cells.coded
    phi = np.nan_to_num(phi, nan=0.0)  # an undefined proximity relates nothing
    if not industries.equals(coded.industries):  # the year lacks some industries
        codes = cells.codes(coded.industries, industries)
        full = np.zeros((cells.n_i, cells.n_i))
        full[np.ix_(codes, codes)] = phi
        phi = full
    np.fill_diagonal(phi, 0.0)
    shape = (cells.n_r, cells.n_i)

    def employment(year: int) -> np.ndarray:  # an unknown value counts as no employment
        return coded.cube[coded.year_index(year)].reshape(shape)

    then = employment(start) @ phi.T  # sum_j E_rj phi_ij
    now = employment(as_of) @ phi.T
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(then > 0, (now / then) ** (1.0 / (as_of - start)) - 1.0, np.nan)
    return rate.reshape(-1)
