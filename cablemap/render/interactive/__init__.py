r"""Interactive maps (folium/Leaflet): routes on their real cable geometry, and policy risk.

- :func:`route_map` draws the routes of a :class:`~cablemap.analysis.query.RouteReport`:
  each cable segment on its drawn geometry (flagged ones in :data:`style.FLAGGED`), each
  assumed backhaul hop dashed and straight between stations, the stations the routes
  touch, every other cable faintly, and (with a policy) the risky stations.
- :func:`risk_map` colours every cable segment by its flags and sizes landing stations
  by their exposure (:func:`cablemap.policy.stations.station_exposure`), for the world or
  one country.
- :func:`to_html` (a page), :func:`to_embed` (a fragment to paste into a report) and
  :func:`notebook_html` (Jupyter) write a map out, linked to a CDN or self-contained.

**Antimeridian.** Segment geometries keep continuous (unwrapped) longitudes. A route map
is centred on the shortest arc of longitude covering the route, and every line of the
route is shifted by whole turns into the 360-degree window around that centre, so a
route from the United States to Japan is drawn across the Pacific and the view is fitted
to it. No line is cut at the window's edges: one that crosses an edge runs on past it
and is drawn again entering from the other edge (the land is drawn a little past the
edges too), so a world map has no hard vertical line where cables stop.

**Safety.** Every string from the data or the registry is HTML-escaped
(:func:`html.escape`) and reaches the page only inside JSON string literals whose ``<``,
``>`` and ``&`` are written as ``\u003c``, ``\u003e``, ``\u0026``. folium's own
``Popup``/``Tooltip`` are not used: they paste text into JavaScript template literals.
Links are kept only for ``http(s)`` URLs.

folium is imported at package level: import this package only where a map is wanted.

Modules
-------
- :mod:`~cablemap.render.interactive.classes`: CSS classes of the drawn elements.
- :mod:`~cablemap.render.interactive.geometry`: centre longitude, the window around it,
  lines and polygons moved into it and cut at its edges; (lon, lat) to (lat, lon).
- :mod:`~cablemap.render.interactive.markup`: escaping, links, JSON for scripts, popup and
  legend HTML.
- :mod:`~cablemap.render.interactive.elements`: folium elements that write escaped data
  as it is (bound popups, compact feature layers, the legend).
- :mod:`~cablemap.render.interactive.basemap`: the map with scoped styles, tiles and land;
  legend, layer control and view to finish it.
- :mod:`~cablemap.render.interactive.layers`: all cables, and stations by exposure.
- :mod:`~cablemap.render.interactive.names`: short names (a station's city, a cable's
  abbreviation) for labels and legends.
- :mod:`~cablemap.render.interactive.layout`: the script that places the legend (clear of
  the route ends, closed on narrow maps) and the station labels in the browser.
- :mod:`~cablemap.render.interactive.route`: :func:`route_map`.
- :mod:`~cablemap.render.interactive.risk`: :func:`risk_map`.
- :mod:`~cablemap.render.interactive.export`: :func:`to_html`, :func:`to_embed`,
  :func:`notebook_html`.
"""

from __future__ import annotations

from cablemap.render.interactive.basemap import LAND, LAND_FILE, LAND_PANE, TILES, WATER
from cablemap.render.interactive.classes import (
    BACKHAUL_CLASS,
    CABLE_CLASS,
    CASING_CLASS,
    DIRECT_CLASS,
    EMBED_CLASS,
    END_CLASS,
    FLAGGED_CLASS,
    LABEL_CLASS,
    LABEL_END_CLASS,
    LAND_CLASS,
    LEGEND_CLASS,
    NOT_ROUTED_CLASS,
    OTHER_STATION_CLASS,
    PLANNED_CLASS,
    RISKY_STATION_CLASS,
    ROUTE_CLASS,
    STATION_CLASS,
)
from cablemap.render.interactive.elements import SCALE
from cablemap.render.interactive.elements import _Features as _Features  # for the tests
from cablemap.render.interactive.export import EMBED_HEIGHT, notebook_html, to_embed, to_html
from cablemap.render.interactive.geometry import SIMPLIFY_DEGREES, WORLD_BOUNDS, centre_longitude
from cablemap.render.interactive.geometry import _window_parts as _window_parts  # for the tests
from cablemap.render.interactive.markup import MAX_LISTED
from cablemap.render.interactive.markup import _link as _link  # for the tests
from cablemap.render.interactive.risk import risk_map
from cablemap.render.interactive.route import ROUTE_DECIMALS, route_map

__all__ = [
    "BACKHAUL_CLASS",
    "CABLE_CLASS",
    "CASING_CLASS",
    "DIRECT_CLASS",
    "EMBED_CLASS",
    "EMBED_HEIGHT",
    "END_CLASS",
    "FLAGGED_CLASS",
    "LABEL_CLASS",
    "LABEL_END_CLASS",
    "LAND",
    "LAND_CLASS",
    "LAND_FILE",
    "LAND_PANE",
    "LEGEND_CLASS",
    "MAX_LISTED",
    "NOT_ROUTED_CLASS",
    "OTHER_STATION_CLASS",
    "PLANNED_CLASS",
    "RISKY_STATION_CLASS",
    "ROUTE_CLASS",
    "ROUTE_DECIMALS",
    "SCALE",
    "SIMPLIFY_DEGREES",
    "STATION_CLASS",
    "TILES",
    "WATER",
    "WORLD_BOUNDS",
    "centre_longitude",
    "notebook_html",
    "risk_map",
    "route_map",
    "to_embed",
    "to_html",
]
