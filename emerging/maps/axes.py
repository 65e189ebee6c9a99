"""Axis helpers shared by the drawings: whole years, and logarithmic ratio axes (LQs)
whose labels never overprint."""

from __future__ import annotations

import math

_MINOR_MANTISSAS = (2.0, 5.0)  # minor ticks labelled on a log axis when there is room
_MIN_LABEL_GAP_PX = 30.0  # narrowest gap between two labels on a log axis


def year_axis(ax, axis: str = "x") -> None:
    """Ticks on whole years only (matplotlib would put one at 2010.5 on a short span)."""
    from matplotlib.ticker import FormatStrFormatter, MaxNLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(integer=True))
    target.set_major_formatter(FormatStrFormatter("%d"))


def minor_log_label(value: float, decade_px: float) -> bool:
    """Whether the minor tick at ``value`` of a log axis gets a label: only 2 and 5 times a
    power of ten, and only when a decade is wide enough (``decade_px`` pixels) that the
    labels 1-2-5-10 are :data:`_MIN_LABEL_GAP_PX` apart (the narrowest step, 1 to 2 or 5
    to 10, is log10(2) of a decade)."""
    if value <= 0 or decade_px * math.log10(2.0) < _MIN_LABEL_GAP_PX:
        return False
    mantissa = value / 10 ** math.floor(math.log10(value) + 1e-9)
    return any(abs(mantissa - m) < 1e-6 for m in _MINOR_MANTISSAS)


def ratio_log_axis(ax, axis: str = "x") -> None:
    """A log axis for ratios such as LQs: plain numbers (0.5, 1, 2) on the powers of ten,
    and on 2 and 5 times them only when the axis is wide enough to keep labels apart (the
    choice is made at draw time, so it follows zooming and resizing)."""
    from matplotlib.ticker import FuncFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")

    def decade_px() -> float:
        lo, hi = sorted(target.get_view_interval())
        width = ax.bbox.width if axis == "x" else ax.bbox.height
        decades = math.log10(hi / lo) if lo > 0 and hi > lo else 1.0
        return width / max(decades, 1e-9)

    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_formatter(
        FuncFormatter(lambda v, _: f"{v:g}" if minor_log_label(v, decade_px()) else ""))
