"""How a map turns values into colours and writes its legend: :class:`ChoroplethStyle`.

One frozen options object instead of six keywords repeated on every map call, so that a
brief's maps share their classification: ``look = ChoroplethStyle(scheme="user",
classes=[0.8, 1, 1.25, 2], diverging_at=1, units="LQ")`` then ``choropleth(..., style=look)``
and ``tile_map(..., style=look)``. The keywords of the same names keep working and win over
the object's fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from emerging.maps.classify import Scheme


@dataclass(frozen=True)
class ChoroplethStyle:
    """Classification, colours and legend of a choropleth or tile map.

    Attributes
    ----------
    classes
        Number of classes, or the upper breaks for ``scheme="user"``.
    scheme
        ``"quantiles"``, ``"equal_interval"``, ``"fisher_jenks"`` or ``"user"`` (see
        :func:`emerging.maps.classify.classify`).
    diverging_at
        A value (1 for location quotients) that splits a diverging palette: classes below it
        blue, above it red.
    missing
        Legend name of missing values that carry no reason of their own.
    units
        Legend title: the unit of the values (e.g. ``"LQ (persons employed)"``).
    legend
        Draw the legend (off for panels of small multiples that share one).
    list_missing
        Codes named in the note under the map for each missing-data entry that the legend
        only counts (the legend names up to three itself); 0 names none.
    """

    classes: int | Sequence[float] = 5
    scheme: Scheme = "quantiles"
    diverging_at: float | None = None
    missing: str = "No data"
    units: str | None = None
    legend: bool = True
    list_missing: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.classes, int):  # keep the object hashable and frozen
            object.__setattr__(self, "classes", tuple(float(b) for b in self.classes))
        if self.list_missing < 0:
            raise ValueError(f"list_missing must be 0 or more; got {self.list_missing}")

    def with_keywords(self, **keywords) -> ChoroplethStyle:
        """This style with the keywords that were given (not None) put in its fields."""
        given = {k: v for k, v in keywords.items() if v is not None}
        unknown = set(given) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"ChoroplethStyle has no field(s) {sorted(unknown)}")
        return dataclasses.replace(self, **given) if given else self


def resolve_style(style: ChoroplethStyle | None, **keywords) -> ChoroplethStyle:
    """The style a map draws with: ``style`` (or the defaults) updated by the keywords given."""
    if style is not None and not isinstance(style, ChoroplethStyle):
        raise TypeError(f"style must be a ChoroplethStyle; got {type(style).__name__}. "
                        "Example: style=ChoroplethStyle(scheme='quantiles', classes=5)")
    return (style or ChoroplethStyle()).with_keywords(**keywords)
