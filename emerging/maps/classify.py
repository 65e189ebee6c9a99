"""Class breaks, colours and legend entries shared by the choropleth and the tile-grid map.

Values are put in classes by the schemes of mapclassify (Rey, Arribas-Bel, Wolf 2023):
quantiles, Fisher-Jenks natural breaks, equal intervals, or breaks given by the user. They
are computed here with numpy (mapclassify imports scipy.stats, about a second, and its
Fisher-Jenks takes seconds without numba); the tests check the breaks against mapclassify. A class is the
half-open interval ``(lower, upper]``; the first class also contains its lower bound (the
minimum). With ``diverging_at`` (1 for location quotients) the centre is made a class break,
classes at or below it are drawn in blues and classes above it in reds, the darkest colour
furthest from the centre.

Missing values (null or NaN) are not in any class: they get class ``-1`` and are drawn hatched,
one legend entry per reason (e.g. "Confidential", "No data").

References
----------
Rey, S. J., Arribas-Bel, D., Wolf, L. J. (2023). *Geographic Data Science with Python*, ch. 5
"Choropleth mapping". CRC Press.
Jenks, G. F. (1967). The data model concept in statistical mapping. *International Yearbook
of Cartography*, 7, 186-190.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from emerging.maps import style

Scheme = Literal["quantiles", "fisher_jenks", "equal_interval", "user"]
SCHEMES = ("quantiles", "fisher_jenks", "equal_interval", "user")
MISSING_HATCHES = ("////", "\\\\\\\\", "xxxx", "....")


@dataclass(frozen=True)
class Classes:
    """Class breaks of a map and their colours and legend labels.

    ``upper`` holds the upper bound of every class, ``lower`` the minimum of the data (the lower
    bound of the first class). ``colours[i]`` and ``labels[i]`` belong to class ``i``.
    """

    lower: float
    upper: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    centre: float | None = None

    def assign(self, values: np.ndarray) -> np.ndarray:
        """Class index of every value; -1 for NaN (missing)."""
        values = np.asarray(values, dtype=float)
        index = np.searchsorted(np.asarray(self.upper), values, side="left")
        index = np.minimum(index, len(self.upper) - 1)
        return np.where(np.isnan(values), -1, index)

    def colour_of(self, values: np.ndarray) -> list[str | None]:
        """Fill colour of every value (None for missing)."""
        return [self.colours[i] if i >= 0 else None for i in self.assign(values)]


def classify(
    values: np.ndarray | Sequence[float],
    *,
    classes: int | Sequence[float] = 5,
    scheme: Scheme = "quantiles",
    diverging_at: float | None = None,
    decimals: int | None = None,
) -> Classes:
    """Compute the classes of a map.

    Parameters
    ----------
    values
        The data; NaN marks missing values, which are left out of the breaks.
    classes
        Number of classes ``k``, or a sequence of upper class bounds (user breaks: then
        ``scheme`` must be ``"user"``). A last class up to the maximum is added when the
        data exceed the last break.
    scheme
        ``"quantiles"`` (equal counts), ``"fisher_jenks"`` (natural breaks minimising the
        within-class variance), ``"equal_interval"`` or ``"user"``.
    diverging_at
        Centre of a diverging scale (1 for location quotients). The centre is added as a
        break when it lies inside the data range, so there may be ``k + 1`` classes.
    decimals
        Decimals in the legend labels; by default the fewest that keep every bound distinct
        and within 1 % of its value.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}; got {scheme!r}")
    data = np.asarray(values, dtype=float)
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        raise ValueError("no non-missing values to classify: every value is null or NaN")
    user = not isinstance(classes, int)
    if user != (scheme == "user"):
        raise ValueError(
            "give break values with scheme='user' (e.g. classes=[0.8, 1, 1.25], scheme='user'), "
            "or a number of classes with another scheme; "
            f"got classes={classes!r}, scheme={scheme!r}"
        )
    if not user and classes < 1:
        raise ValueError(f"classes must be at least 1; got {classes}")
    upper = _breaks(finite, classes, scheme)
    if diverging_at is not None and finite.min() < diverging_at < finite.max():
        upper = np.unique(np.append(upper, diverging_at))
    lower = float(finite.min())
    if diverging_at is not None:
        n_below = int((upper <= diverging_at).sum())
        colours = style.diverging_colours(n_below, len(upper) - n_below)
    else:
        colours = style.sequential_colours(len(upper))
    labels = _labels(lower, upper, decimals)
    return Classes(lower, tuple(float(u) for u in upper), tuple(colours), labels, diverging_at)


def _breaks(finite: np.ndarray, classes: int | Sequence[float], scheme: str) -> np.ndarray:
    if scheme == "user":
        breaks = np.unique(np.asarray(list(classes), dtype=float))
        if breaks.size == 0:
            raise ValueError("user breaks are empty: give at least one break value")
        return breaks if finite.max() <= breaks[-1] else np.append(breaks, finite.max())
    k = min(int(classes), np.unique(finite).size)
    if k <= 1:
        return np.array([finite.max()])
    if scheme == "quantiles":  # as mapclassify.Quantiles: percentiles 100 i / k, i = 1..k
        bins = np.percentile(finite, 100.0 * np.arange(1, k + 1) / k)
    elif scheme == "equal_interval":  # as mapclassify.EqualInterval
        width = (finite.max() - finite.min()) / k
        bins = np.append(finite.min() + width * np.arange(1, k), finite.max())
    else:
        bins = fisher_jenks_breaks(finite, k)
    return np.unique(np.asarray(bins, dtype=float))


def fisher_jenks_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper class bounds of the Fisher-Jenks optimal classification into ``k`` classes.

    Minimises the total within-class sum of squared deviations over all partitions of the
    sorted values into ``k`` contiguous classes (Fisher 1958), by dynamic programming:

    .. math::

        D_m(j) = \\min_{i \\le j} \\left[ D_{m-1}(i - 1) + SSD(i, j) \\right],\\quad
        SSD(i, j) = \\sum_{t=i}^{j} x_t^2 - \\frac{(\\sum_{t=i}^{j} x_t)^2}{j - i + 1}

    with the inner minimum taken as one numpy operation, so ``k * n`` steps for ``n``
    values (mapclassify's pure-Python version without numba takes seconds for 500 values;
    the tests check both give the same breaks). Fisher, W. D. (1958). On grouping for
    maximum homogeneity. *JASA*, 53(284), 789-798.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def ssd(i: np.ndarray, j: int) -> np.ndarray:  # classes x[i..j] (inclusive), i vector
        count = j - i + 1
        total = s1[j + 1] - s1[i]
        return (s2[j + 1] - s2[i]) - total * total / count

    cost = s2[1:] - s1[1:] ** 2 / np.arange(1, n + 1)  # D_1(j): one class x[0..j]
    start = np.zeros((k, n), dtype=int)
    for m in range(1, k):
        new = np.full(n, np.inf)
        for j in range(m, n):
            i = np.arange(m, j + 1)  # first index of the last class
            total = cost[i - 1] + ssd(i, j)
            best = int(np.argmin(total))
            new[j], start[m, j] = total[best], i[best]
        cost = new
    breaks, j = [], n - 1
    for m in range(k - 1, -1, -1):
        breaks.append(x[j])
        j = start[m, j] - 1
    return np.array(breaks[::-1])


def _decimals(bounds: np.ndarray) -> int:
    """Fewest decimals that keep the bounds distinct and move none by over 10 % of a class width."""
    distinct = np.unique(bounds)
    gap = np.diff(distinct).min() if distinct.size > 1 else max(abs(float(distinct[0])), 1.0)
    for d in range(7):
        rounded = np.round(distinct, d)
        close = np.abs(rounded - distinct).max() <= 0.1 * gap
        if np.unique(rounded).size == distinct.size and close:
            return d
    return 6


def format_number(x: float, decimals: int) -> str:
    """A number with thousands separators and ``decimals`` decimals (minus sign as U+2212)."""
    text = f"{x:,.{decimals}f}"
    return text.replace("-", "\u2212")


def _labels(lower: float, upper: np.ndarray, decimals: int | None) -> tuple[str, ...]:
    bounds = np.concatenate([[min(lower, upper[0])], upper])
    d = _decimals(bounds) if decimals is None else decimals
    text = [format_number(b, d) for b in bounds]
    labels = [f"{text[i]} \u2013 {text[i + 1]}" for i in range(len(upper))]
    if lower > upper[0]:  # user breaks below the data: the first class is empty
        labels[0] = f"\u2264 {text[1]}"
    return tuple(labels)


def missing_entries(
    regions: Sequence[str],
    reasons: Sequence[str | None],
    *,
    default: str = "No data",
    name_up_to: int = 3,
) -> dict[str, tuple[str, list[str]]]:
    """Group missing regions by reason: ``{reason: (hatch, [regions])}``, in order of size.

    ``reasons`` gives the reason of each missing region (None -> ``default``). The legend
    label names the regions when there are at most ``name_up_to`` of them, otherwise counts
    them (see :func:`missing_label`).
    """
    groups: dict[str, list[str]] = {}
    for region, reason in zip(regions, reasons, strict=True):
        label = (reason or default).strip()
        groups.setdefault(label[:1].upper() + label[1:], []).append(region)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    if len(ordered) > len(MISSING_HATCHES):
        head, tail = ordered[: len(MISSING_HATCHES) - 1], ordered[len(MISSING_HATCHES) - 1 :]
        ordered = [*head, ("Other missing", sorted(r for _, rs in tail for r in rs))]
    return {
        reason: (MISSING_HATCHES[i], sorted(regs)) for i, (reason, regs) in enumerate(ordered)
    }


def missing_label(reason: str, regions: Sequence[str], name_up_to: int = 3, *,
                  listed: bool = False) -> str:
    """Legend text of a missing-data entry: ``"Confidential: PL22, HU11"`` or ``"No data (12)"``.

    ``listed=True`` says that the regions of a counted entry are named under the map
    (:func:`missing_note`): ``"No data (12 regions, listed below)"``.
    """
    if len(regions) <= name_up_to:
        return f"{reason}: {', '.join(regions)}"
    return f"{reason} ({len(regions)} regions{', listed below' if listed else ''})"


def missing_note(missing: dict[str, tuple[str, list[str]]], name_up_to: int = 3,
                 list_up_to: int = 10) -> str | None:
    """The note under a map that names the missing regions a legend entry only counts:
    ``"No data: HR02, HR05, HU11 and 4 more"`` (the first ``list_up_to`` codes of each
    reason with more than ``name_up_to`` regions); None when the legend names them all."""
    parts = []
    for reason, (_, regions) in missing.items():
        if len(regions) <= name_up_to:
            continue
        shown = ", ".join(regions[:list_up_to])
        more = len(regions) - list_up_to
        parts.append(f"{reason}: {shown}" + (f" and {more} more" if more > 0 else ""))
    return "; ".join(parts) or None


def legend_handles(classes: Classes, missing: dict[str, tuple[str, list[str]]], *,
                   listed: bool = False):
    """Matplotlib patches for the legend: one per class (highest first), then missing data
    (``listed``: the regions a missing entry counts are named under the map)."""
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=c, edgecolor=style.LEGEND_EDGE, linewidth=0.4, label=lab)
        for c, lab in zip(classes.colours, classes.labels, strict=True)
    ][::-1]
    for reason, (hatch, regions) in missing.items():
        handles.append(missing_patch(missing_label(reason, regions, listed=listed), hatch))
    return handles


def missing_patch(label: str, hatch: str = MISSING_HATCHES[0]):
    """Legend patch for missing data: light grey, hatched."""
    from matplotlib.patches import Patch

    return Patch(facecolor=style.MISSING_FILL, edgecolor=style.MISSING_EDGE, hatch=hatch,
                 linewidth=0.4, label=label)


def add_legend(ax, handles, title: str | None, *, anchor=(1.0, 1.0)):
    """The house legend: right of ``ax``, left-aligned, with ``gid`` ``"legend"``."""
    legend = ax.legend(
        handles=handles, title=title, loc="upper left", bbox_to_anchor=anchor,
        handlelength=1.6, handleheight=1.1, borderaxespad=0.2,
    )
    legend.set_gid("legend")
    legend._legend_box.align = "left"
    return legend


def one_value_per_region(
    frame, column: str, region_col: str, reason_col: str | None
):
    """``region``, ``_value`` (Float64, NaN -> null), ``_reason`` from a map's input frame.

    Raises a ValueError naming a missing column, or the regions that have several rows.
    ``reason_col`` defaults to ``f"{column}_reason"`` when that column exists.
    """
    import polars as pl

    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    for needed in (region_col, column):
        if needed not in data.columns:
            raise ValueError(f"column {needed!r} not in frame; found {data.columns}")
    if reason_col is None and f"{column}_reason" in data.columns:
        reason_col = f"{column}_reason"
    dupes = data.filter(pl.col(region_col).is_duplicated())[region_col].unique().sort()
    if dupes.len():
        raise ValueError(
            f"frame has several rows for regions {dupes.head(5).to_list()}: a map shows one "
            "value per region; filter to one year and one industry first"
        )
    reason = pl.col(reason_col).cast(pl.String) if reason_col else pl.lit(None, pl.String)
    return data.select(
        pl.col(region_col).alias("region"),
        pl.col(column).cast(pl.Float64).fill_nan(None).alias("_value"),
        reason.alias("_reason"),
    )


def classify_regions(
    drawn: list[str],
    data,
    *,
    classes: int | Sequence[float],
    scheme: Scheme,
    diverging_at: float | None,
    missing: str,
):
    """Classes of the regions to draw, from :func:`one_value_per_region` output ``data``.

    Returns ``(classes, values, index, missing_groups, hatch_of)``: a drawn region absent from
    ``data`` is missing with the reason ``missing``; a null value is missing with its reason.
    """
    import polars as pl

    table = pl.DataFrame({"region": drawn}).join(data, on="region", how="left")
    absent = ~table["region"].is_in(data["region"].implode()).to_numpy()
    values = table["_value"].to_numpy().astype(float)
    cls = classify(values, classes=classes, scheme=scheme, diverging_at=diverging_at)
    index = cls.assign(values)
    gone = index < 0
    reasons = [None if a else r for r, a in zip(table["_reason"].to_numpy()[gone], absent[gone],
                                                  strict=True)]
    groups = missing_entries(np.asarray(drawn, dtype=object)[gone].tolist(), reasons,
                             default=missing)
    hatch_of = {reg: hatch for hatch, regs in groups.values() for reg in regs}
    return cls, values, index, groups, hatch_of
