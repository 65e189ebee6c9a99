"""Region labels that do not overlap: a greedy search over candidate offsets.

Each label is first tried on its anchor (the region's representative point); when its box
would overlap a label already placed, offsets around the anchor are tried in widening
rings and the first free one is used, with a thin leader line back to the anchor. A place
partly outside the axes counts as an overlap (a label never runs into the title or the
ticks). When no candidate is free, the one with the least overlap is used. Labels are
placed in the order given, so put the most important first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from emerging.maps import style

_RINGS = (0.0, 14.0, 26.0, 40.0)  # offset radii in points
_DIRECTIONS = 8


def _candidates() -> list[tuple[float, float]]:
    out = [(0.0, 0.0)]
    for radius in _RINGS[1:]:
        for k in range(_DIRECTIONS):
            angle = np.pi / 2 + 2 * np.pi * k / _DIRECTIONS
            out.append((radius * 1.6 * np.cos(angle), radius * np.sin(angle)))
    return out


def _renderer(fig):
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()


def _overlap(a, boxes) -> float:
    if not boxes:
        return 0.0
    b = np.asarray(boxes)
    w = np.clip(np.minimum(a[2], b[:, 2]) - np.maximum(a[0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(a[3], b[:, 3]) - np.maximum(a[1], b[:, 1]), 0, None)
    return float((w * h).sum())


def _outside(box, frame) -> float:
    """Area of ``box`` outside the rectangle ``frame`` (both x0, y0, x1, y1 in pixels)."""
    w = box[2] - box[0]
    h = box[3] - box[1]
    inside_w = max(min(box[2], frame[2]) - max(box[0], frame[0]), 0.0)
    inside_h = max(min(box[3], frame[3]) - max(box[1], frame[1]), 0.0)
    return float(w * h - inside_w * inside_h)


def place_labels(
    ax, points: Sequence[tuple[str, float, float, str]], *, fontsize: float | None = None,
    avoid: np.ndarray | Sequence[tuple[float, float]] | None = None, avoid_radius: float = 4.0,
    mark_anchors: bool = True,
) -> list:
    """Write ``(gid, x, y, text)`` labels in data coordinates without overlaps.

    ``avoid``: points (data coordinates) that no label may cover, each a square of
    ``avoid_radius`` points around it: the markers of a scatter or a network, so that a
    label moves beside its marker instead of hiding it. ``mark_anchors``: put a small dot
    on the place a moved label names (leave it off when a marker is drawn there already).

    Returns the created Text/Annotation artists (``gid`` = ``"label-<gid>"``).
    """
    import matplotlib.patheffects as pe

    fig = ax.figure
    ax.autoscale_view()  # settle pending autoscaling (scatter points) before measuring
    ax.apply_aspect()  # fix the final axes box first: an equal aspect moves it at draw time
    renderer = _renderer(fig)
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    size = fontsize or style.LABEL_SIZE + 0.5
    to_pixels = fig.dpi / 72.0
    offsets = np.asarray(_candidates()) * to_pixels
    frame = ax.bbox.extents  # labels stay inside the axes (off the title, off the ticks)
    placed, artists = [], []
    if avoid is not None and len(avoid):
        r = avoid_radius * to_pixels
        for px, py in ax.transData.transform(np.asarray(avoid, dtype=float).reshape(-1, 2)):
            placed.append((px - r, py - r, px + r, py + r))
    for gid, x, y, text in points:
        probe = ax.text(x, y, text, ha="center", va="center", fontsize=size)
        box = probe.get_window_extent(renderer)
        probe.remove()
        half_w, half_h = box.width * 0.54, box.height * 0.58
        ax_x, ax_y = ax.transData.transform((x, y))
        scores = []
        for dx, dy in offsets:
            cx, cy = ax_x + dx, ax_y + dy
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            scores.append(_overlap(box, placed) + _outside(box, frame))
            if scores[-1] == 0:
                break
        best = int(np.argmin(scores))
        dx, dy = offsets[best]
        artist = ax.annotate(
            text, (x, y), xytext=(dx / to_pixels, dy / to_pixels), textcoords="offset points",
            ha="center", va="center", fontsize=size, path_effects=halo, zorder=5,
            gid=f"label-{gid}",
            arrowprops=None if best == 0 else {
                "arrowstyle": "-", "color": style.TEXT_COLOUR, "linewidth": 0.6, "shrinkA": 1,
                "shrinkB": 0},
        )
        if best != 0 and mark_anchors:  # a moved label: mark the place it names
            ax.plot([x], [y], "o", color=style.TEXT_COLOUR, markersize=1.8, zorder=5,
                    gid=f"anchor-{gid}")
        cx, cy = ax_x + dx, ax_y + dy
        placed.append((cx - half_w, cy - half_h, cx + half_w, cy + half_h))
        artists.append(artist)
    return artists
