"""Static images (PNG, SVG) of routes and policy risk, sized for a report page.

The images use the same colours and words as the interactive maps
(:mod:`cablemap.render.style`) over an offline basemap: Natural Earth 1:110m countries
(public domain), kept in ``geodata/basemap/``.

Projection
----------
Plate carrée (longitude and latitude as x and y, one degree the same length on both
axes), with its **central meridian chosen from the data**: the seam of the map (the
meridian opposite the centre) is put in the widest stretch of longitude the drawing does
not use, so a trans-Pacific route is drawn in one piece instead of being cut at 180°.
Every coordinate, basemap included, is moved into the window
``[centre - 180, centre + 180]``; polygons and lines that cross the seam are cut there.
A world map puts its seam where it crosses the fewest cables, and shows 60°S to 80°N
(no Antarctica) with one degree of latitude drawn about 1.3 times as long as one of
longitude (equirectangular, standard parallels near 40°), so that it fills the page.

Sizing
------
Every figure is 7.5 x 4.5 inches: 1500 x 900 pixels at :data:`PNG_DPI` (200 dpi), the
width of an A4 page less small margins, with fonts of 5.5 to 10 points.

All strings from the data (cable and station names) are drawn as plain text: mathtext is
off (``text.parse_math``), so a ``$`` in a name prints as a dollar sign.

matplotlib is imported by this package, and the package is imported only when an image is
asked for. Figures are created without pyplot, on the non-interactive Agg canvas.

Modules
-------
- :mod:`~cablemap.render.static.basemap`: loading the Natural Earth countries.
- :mod:`~cablemap.render.static.projection`: central longitude, the window and its seam.
- :mod:`~cablemap.render.static.shapes`: shapely geometries as matplotlib lines and paths.
- :mod:`~cablemap.render.static.frame`: figure size, colours, map axes, extent, land.
- :mod:`~cablemap.render.static.clusters`: nearby dots drawn as one on a world map.
- :mod:`~cablemap.render.static.status`: how planned and out-of-service cables are drawn.
- :mod:`~cablemap.render.static.titles`: title, subtitle, data note, attribution.
- :mod:`~cablemap.render.static.labels`: plain-text names, shortened, placed clear of others.
- :mod:`~cablemap.render.static.legend`: legend entries and placement.
- :mod:`~cablemap.render.static.strokes`: the pieces, stations and colours of drawn routes.
- :mod:`~cablemap.render.static.route_captions`: the words of a route figure.
- :mod:`~cablemap.render.static.route`: :func:`route_figure`.
- :mod:`~cablemap.render.static.risk`: :func:`risk_figure`.
- :mod:`~cablemap.render.static.save`: :func:`save_figure`, :func:`figure_bytes` and
  :func:`image_bytes`.
"""

from __future__ import annotations

from cablemap.render.static.basemap import BASEMAP_FILE, Basemap, load_basemap
from cablemap.render.static.clusters import merge_nearby
from cablemap.render.static.frame import (
    FIGURE_SIZE_IN,
    GRATICULE,
    LAND,
    LAND_EDGE,
    LAND_HIGHLIGHT,
    MUTED_TEXT,
    OCEAN,
    PNG_DPI,
    TEXT,
    WORLD_LATITUDES,
)
from cablemap.render.static.labels import short_name
from cablemap.render.static.projection import (
    central_longitude,
    into_window,
    world_centre,
    wrap_into,
)
from cablemap.render.static.risk import risk_figure
from cablemap.render.static.route import route_figure
from cablemap.render.static.save import IMAGE_FORMATS, figure_bytes, image_bytes, save_figure
from cablemap.render.static.shapes import line_arrays, polygon_paths
from cablemap.render.wording import short_cable

__all__ = [
    "BASEMAP_FILE",
    "FIGURE_SIZE_IN",
    "GRATICULE",
    "IMAGE_FORMATS",
    "LAND",
    "LAND_EDGE",
    "LAND_HIGHLIGHT",
    "MUTED_TEXT",
    "OCEAN",
    "PNG_DPI",
    "TEXT",
    "WORLD_LATITUDES",
    "Basemap",
    "central_longitude",
    "figure_bytes",
    "image_bytes",
    "into_window",
    "line_arrays",
    "load_basemap",
    "merge_nearby",
    "polygon_paths",
    "risk_figure",
    "route_figure",
    "save_figure",
    "short_cable",
    "short_name",
    "world_centre",
    "wrap_into",
]
