"""The map every drawing starts from (scoped styles, greyed tiles, land under them), and its finish.

The land (Natural Earth countries in ``geodata/``) is drawn under the tiles, in the window
around the map's centre, so that a map still shows coastlines offline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

import folium
import numpy as np
import shapely
from folium.utilities import camelize
from jinja2 import Template

from cablemap.errors import DataError
from cablemap.render import style
from cablemap.render.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL
from cablemap.render.interactive.classes import (
    LABEL_CLASS,
    LABEL_END_CLASS,
    LAND_CLASS,
    LEGEND_CLASS,
)
from cablemap.render.interactive.elements import _encode, _Features, _Legend
from cablemap.render.interactive.geometry import MARGIN_DEGREES, _window_polygons
from cablemap.render.interactive.layout import Label, _Layout
from cablemap.render.interactive.markup import _js
from cablemap.resources import geodata_dir

TILES = "OpenStreetMap"
"""Basemap tiles (OpenStreetMap, shown greyed so that the lines stand out): the only part
of a map that needs the network. (CARTO's tiles now ask for an API key.)"""
LAND_FILE = ("basemap", "ne_110m_countries.geojson")
"""Natural Earth 1:110m countries in ``geodata/``: land drawn under the tiles, so that a map
still shows coastlines offline (the tiles cover it when they load)."""
LAND_PANE = "cablemapLand"
LAND = "#f2efe9"
WATER = "#dde7ee"
FIT_PADDING_PX = 60
"""Room around what a view is fitted to, for the end markers and their labels."""
ZOOM_SNAP = 0.25
"""Zoom levels in quarter steps, so that a view fits what it is about (the world fills
the width of a page rather than the next power of two)."""


class _Map(folium.Map):
    """A folium map whose header sets no page-wide style: only rules scoped to its id."""

    default_js = [("leaflet", LEAFLET_JS_URL)]  # noqa: RUF012 (folium's class attribute)
    default_css = [("leaflet_css", LEAFLET_CSS_URL)]  # noqa: RUF012

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.scoped_css() }}</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="folium-map cablemap-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
            center: {{ this.location|tojson }},
            crs: L.CRS.{{ this.crs }},
            ...{{ this.leaflet_options() }}
        });
        L.control.scale().addTo({{ this.get_name() }});
        {{ this.get_name() }}.createPane({{ this.land_pane|tojson }}).style.zIndex = 150;
        {% endmacro %}
        """
    )

    def __init__(self, title: str, location: Sequence[float]) -> None:
        centre = float(location[1])
        super().__init__(
            location=list(location),
            zoom_start=2,
            tiles=None,
            control_scale=False,
            max_bounds=True,
            min_lat=-89.0,
            max_lat=89.0,
            min_lon=centre - 180.0 - MARGIN_DEGREES,
            max_lon=centre + 180.0 + MARGIN_DEGREES,
            zoom_snap=ZOOM_SNAP,
        )
        self.cablemap_title = title
        self.land_pane = LAND_PANE
        folium.TileLayer(TILES, name="Basemap (OpenStreetMap)", control=False).add_to(self)
        land = _land_layer(float(location[1]))
        self.attributions = [style.ATTRIBUTION]
        if land is not None:
            self.add_child(land)
            self.attributions.append(style.BASEMAP_ATTRIBUTION + " under the tiles")

    def leaflet_options(self) -> str:
        """The map's options as a JavaScript object (camelCase keys, as Leaflet names them)."""
        return _js({camelize(key): value for key, value in self.options.items()})

    def scoped_css(self) -> str:
        """CSS for this map only: every selector starts with the map's id."""
        root = f"#{self.get_name()}"
        return (
            f"{root} {{ position: relative; width: 100%; height: 100%; min-height: 320px;"
            f" background: {WATER}; }}\n"
            f"{root} .leaflet-tile-pane {{ filter: grayscale(0.9) contrast(0.85); }}\n"
            f"{root} path.leaflet-interactive:focus {{ outline: none; }}\n"
            f"{root} .{LEGEND_CLASS} {{ background: rgba(255,255,255,0.92); padding: 4px 8px;"
            " border-radius: 4px; box-shadow: 0 1px 5px rgba(0,0,0,0.35); max-width: 270px;"
            " font: 11px/1.3 system-ui, 'DejaVu Sans', sans-serif; color: #222; }\n"
            f"{root} .{LEGEND_CLASS} .cm-title {{ font-weight: 600; cursor: pointer; }}\n"
            f"{root} .{LEGEND_CLASS} details[open] .cm-title {{ margin-bottom: 2px; }}\n"
            f"{root} .{LEGEND_CLASS} .cm-note {{ color: #555; font-size: 10.5px; }}\n"
            f"{root} .{LEGEND_CLASS} .cm-body {{ overflow-y: auto; }}\n"
            f"{root} .{LABEL_CLASS} {{ background: rgba(255,255,255,0.8); border: 0;"
            " box-shadow: none; border-radius: 2px; padding: 0 3px; color: #222;"
            " font: 11px/1.3 system-ui, 'DejaVu Sans', sans-serif; }\n"
            f"{root} .{LABEL_CLASS}::before {{ display: none; }}\n"
            f"{root} .{LABEL_END_CLASS} {{ font-weight: 700; }}\n"
            f"{root} .{LABEL_CLASS}.cm-hidden {{ display: none; }}\n"
            f"{root} .leaflet-control-attribution {{ max-width: calc(100% - 120px); }}\n"
            f"{root} .cm-line {{ display: inline-block; width: 26px; height: 0;"
            " border-top-width: 4px; vertical-align: middle; margin-right: 6px; }\n"
            f"{root} .cm-line.cm-half {{ width: 13px; margin-right: 0; }}\n"
            f"{root} .cm-line.cm-half + .cm-line.cm-half {{ margin-right: 6px; }}\n"
            f"{root} .cm-dot {{ display: inline-block; width: 8px; height: 8px;"
            " border-radius: 50%; border: 2px solid; vertical-align: middle;"
            " margin: 0 14px 0 6px; }\n"
            f"{root} .cablemap-popup {{ font: 12px/1.4 system-ui, 'DejaVu Sans', sans-serif; }}\n"
            f"{root} .cablemap-popup ul {{ margin: 2px 0 4px; padding-left: 16px; }}\n"
        )


@cache
def _land_polygons() -> np.ndarray | None:
    """The basemap's land polygons (``None`` if the file is missing or unreadable)."""
    try:
        path = geodata_dir().joinpath(*LAND_FILE)
        data = json.loads(path.read_text(encoding="utf-8"))
        shapes = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
    except (OSError, ValueError, KeyError, TypeError, DataError, shapely.errors.ShapelyError):
        return None
    parts = shapely.get_parts(np.array(shapes, dtype=object))
    return parts[shapely.get_type_id(parts) == 3]  # polygons


def _land_layer(centre: float) -> folium.FeatureGroup | None:
    """Land under the tiles (see :data:`LAND_FILE`), or ``None`` without the basemap."""
    items = _land_items(round(centre, 4))
    if not items:
        return None
    fill = {"fill": True, "fillColor": LAND, "fillOpacity": 1.0, "color": "#bdbdbd"}
    land = {**fill, "weight": 0.6, "pane": LAND_PANE, "interactive": False}
    group = folium.FeatureGroup(name="Land", control=False)
    group.add_child(_Features(list(items), [{**land, "className": LAND_CLASS}], [], []))
    return group


@lru_cache(maxsize=16)
def _land_items(centre: float) -> tuple[list[Any], ...]:
    """The land around ``centre`` (and :data:`MARGIN_DEGREES` past the edges), encoded.

    Kept for the last few centres: the world maps of a session share one.
    """
    polygons = _land_polygons()
    if polygons is None or not polygons.size:
        return ()
    rings = [
        [shapely.get_coordinates(ring) for ring in (p.exterior, *p.interiors)]
        for p in _window_polygons(polygons, centre, MARGIN_DEGREES)
    ]
    return tuple([0, -1, -1, encoded] for encoded in _encode(rings) if encoded)


def _finish(
    m: _Map,
    legend: str,
    bounds: list[list[float]],
    *,
    labels: Sequence[Label] = (),
    ends: Sequence[tuple[float, float]] = (),
    avoid: Sequence[tuple[float, float]] = (),
) -> _Map:
    """Add the legend, the layer control and the view, then the layout script.

    ``labels`` go into a layer "Station names"; the legend keeps off the ``ends`` and
    as many of the ``avoid`` points as it can ((lon, lat), in the map's window; see
    :mod:`~cablemap.render.interactive.layout`).
    """
    control = _Legend(m.get_name(), legend, m.attributions)
    m.add_child(control)
    group = None
    if labels:
        group = folium.FeatureGroup(name="Station names")
        m.add_child(group)
    layers = folium.LayerControl(collapsed=False)
    layers.add_to(m)
    fit = folium.map.FitBounds(bounds, padding=(FIT_PADDING_PX, FIT_PADDING_PX))
    fit.options["animate"] = False  # the view is there at once, for the layout script
    m.add_child(fit)
    names = group.get_name() if group is not None else None
    m.add_child(_Layout(control.get_name(), layers.get_name(), names, labels, ends, avoid))
    return m
