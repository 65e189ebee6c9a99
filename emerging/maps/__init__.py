"""Maps and figures that go straight into a policy brief, in one house style.

* :func:`choropleth` - NUTS regions (levels 0-3, NUTS 2016/2021) on GISCO geometry in
  EPSG:3035; the Central Europe programme area in colour, neighbours in grey.
* :func:`tile_map` - the 81 programme-area NUTS-2 regions as equal tiles (no geometry).
* :class:`ChoroplethStyle` - classification, colours and legend of both maps in one object.
* :func:`flow_map` - co-operation links as arcs between regions.
* :func:`small_multiples`, :func:`sparklines`, :func:`bar_chart`, :func:`bubble_chart`.
* :mod:`emerging.maps.style` - fonts, colour-blind-safe palettes, sizes, the source line and
  :func:`save_figure` (PNG 300 dpi, SVG, PDF).

Every function, and every result's ``.plot()``, returns a :class:`Drawing`: it unpacks as
``fig, ax = tile_map(...)``, displays itself when it is the last expression of a Jupyter cell
and saves with ``.savefig(...)``. No function opens a window (figures use matplotlib's
Figure API, not pyplot) or calls ``matplotlib.use``. Importing this
package is cheap: matplotlib and geopandas are imported inside the functions.
"""

from emerging.maps._choropleth import choropleth
from emerging.maps._drawing import Drawing
from emerging.maps.charts import bar_chart, bubble_chart, small_multiples, sparklines
from emerging.maps.flows import flow_map
from emerging.maps.map_style import ChoroplethStyle
from emerging.maps.style import save_figure
from emerging.maps.tilegrid import tile_map

__all__ = [
    "ChoroplethStyle",
    "Drawing",
    "bar_chart",
    "bubble_chart",
    "choropleth",
    "flow_map",
    "save_figure",
    "small_multiples",
    "sparklines",
    "tile_map",
]
