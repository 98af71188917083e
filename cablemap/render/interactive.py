r"""Interactive maps (folium/Leaflet): routes on their real cable geometry, and policy risk.

- :func:`route_map` draws the routes of a :class:`~cablemap.network.query.RouteReport`:
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
to it. Context layers (other cables) are cut at the window's edges.

**Safety.** Every string from the data or the registry is HTML-escaped
(:func:`html.escape`) and reaches the page only inside JSON string literals whose ``<``,
``>`` and ``&`` are written as ``\u003c``, ``\u003e``, ``\u0026``. folium's own
``Popup``/``Tooltip`` are not used: they paste text into JavaScript template literals.
Links are kept only for ``http(s)`` URLs.

folium is imported at module level: import this module only where a map is wanted.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import folium
import numpy as np
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.utilities import camelize
from jinja2 import Template

from cablemap.errors import DataError, UserError
from cablemap.network.geometry import unwrap_lons
from cablemap.policy.stations import StationExposure, station_exposure
from cablemap.render import style
from cablemap.render.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, leaflet_tags
from cablemap.resources import geodata_dir

if TYPE_CHECKING:
    from cablemap.network.graph import Network
    from cablemap.network.query import RouteReport
    from cablemap.network.routing import Hop, Route
    from cablemap.policy.flags import Flag, PolicyFlags

ROUTE_CLASS = "cablemap-route"
"""CSS class of every drawn route piece (one SVG path per segment or backhaul hop);
``cablemap-route-N`` names the route, ``cablemap-flagged`` and ``cablemap-backhaul`` its kind."""
STATION_CLASS = "cablemap-station"
"""CSS class of the markers of the stations a route touches."""
RISKY_STATION_CLASS = "cablemap-risky-station"
"""CSS class of stations with flagged cables (risk map, and the route map's risk layer)."""
OTHER_STATION_CLASS = "cablemap-other-station"
"""CSS class of stations with nothing flagged (risk map)."""
CABLE_CLASS = "cablemap-cable"
"""CSS class of context cable segments (all cables; risk map segments)."""
FLAGGED_CLASS = "cablemap-flagged"
BACKHAUL_CLASS = "cablemap-backhaul"
LAND_CLASS = "cablemap-land"
LEGEND_CLASS = "cablemap-legend"
"""CSS class of the legend (its id is ``cablemap-legend-<map name>``)."""
EMBED_CLASS = "cablemap-embed"
"""CSS class of the root element of :func:`to_embed` fragments."""

SIMPLIFY_DEGREES = 0.01
"""Tolerance for simplifying context cables (about 1 km); route segments are not simplified."""
SCALE = 10_000
"""Context coordinates are kept to 1/SCALE degree (about 10 m)."""
ROUTE_DECIMALS = 5
EMBED_HEIGHT = "520px"
MAX_LISTED = 12
"""Cables or reasons listed in one popup before "and N more"."""
TILES = "OpenStreetMap"
"""Basemap tiles (OpenStreetMap, shown greyed so that the lines stand out): the only part
of a map that needs the network. (CARTO's tiles now ask for an API key.)"""
LAND_FILE = ("basemap", "ne_110m_countries.geojson")
"""Natural Earth 1:110m countries in ``geodata/``: land drawn under the tiles, so that a map
still shows coastlines offline (the tiles cover it when they load)."""
LAND_PANE = "cablemapLand"
LAND = "#f2efe9"
WATER = "#dde7ee"
WORLD_BOUNDS = ((-58.0, -180.0), (78.0, 180.0))

_CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|%)$")


# --- folium elements -------------------------------------------------------------------


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
        super().__init__(location=list(location), zoom_start=2, tiles=None, control_scale=False)
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
            f"{root} .{LEGEND_CLASS} {{ background: rgba(255,255,255,0.92); padding: 6px 9px;"
            " border-radius: 4px; box-shadow: 0 1px 5px rgba(0,0,0,0.35); max-width: 290px;"
            " font: 11.5px/1.35 system-ui, 'DejaVu Sans', sans-serif; color: #222; }\n"
            f"{root} .{LEGEND_CLASS} .cm-title {{ font-weight: 600; margin-bottom: 3px; }}\n"
            f"{root} .{LEGEND_CLASS} .cm-note {{ color: #555; font-size: 11px; }}\n"
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


class _Raw(Element):
    """Finished text, written out as it is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text itself."""
        return self.text


class _DataElement(MacroElement):
    """A macro element whose script holds data: added to the page as :class:`_Raw` text.

    branca's :class:`MacroElement` wraps each rendered script in a new ``Element``, which
    compiles the text as a Jinja template: slow for large data, and ``{{ }}`` in a cable
    name would be evaluated. The script here is rendered once and kept as it is.
    """

    def render(self, **kwargs: Any) -> str:
        """Add this element's script to the figure, then render the children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise UserError("a map element must be inside a folium Figure to be rendered")
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""


class _Bind(_DataElement):
    """Bind an escaped popup and tooltip to the parent layer, as JSON string literals."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {%- if this.popup %}
        {{ this._parent.get_name() }}.bindPopup({{ this.popup }}, {maxWidth: 380});
        {%- endif %}
        {%- if this.tooltip %}
        {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip }}, {sticky: true});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, popup: str | None, tooltip: str | None) -> None:
        super().__init__()
        self._name = "CablemapBind"
        self.popup = _js(popup) if popup else ""
        self.tooltip = _js(tooltip) if tooltip else ""


class _Features(_DataElement):
    """Many lines or points as one layer, in a compact form decoded by a few lines of JS.

    Each item is ``[style, popup, tooltip, parts]`` for a line (``parts``: lists of
    integer coordinates, ``lat, lon`` times :data:`SCALE`, each pair after the first a
    difference from the previous one; a polygon's rings when its style fills) or
    ``[style, popup, tooltip, radius, lat, lon]``
    for a circle marker (``lat, lon`` times :data:`SCALE`). ``popup`` and ``tooltip``
    index lookup tables of escaped HTML (-1: none); styles carry the SVG ``className``.
    A line with several parts is one Leaflet polyline (one SVG path).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var styles = {{ this.styles }};
            var popups = {{ this.popups }};
            var tips = {{ this.tooltips }};
            var scale = {{ this.scale }};
            function decode(a) {
                var out = [], lat = 0, lon = 0;
                for (var i = 0; i < a.length; i += 2) {
                    lat += a[i]; lon += a[i + 1];
                    out.push([lat / scale, lon / scale]);
                }
                return out;
            }
            var group = L.featureGroup();
            {{ this.items }}.forEach(function (f) {
                var layer = f.length > 4
                    ? L.circleMarker([f[4] / scale, f[5] / scale],
                                     Object.assign({radius: f[3]}, styles[f[0]]))
                    : (styles[f[0]].fill ? L.polygon : L.polyline)(f[3].map(decode), styles[f[0]]);
                if (f[1] >= 0) { layer.bindPopup(popups[f[1]], {maxWidth: 380}); }
                if (f[2] >= 0) { layer.bindTooltip(tips[f[2]], {sticky: true}); }
                group.addLayer(layer);
            });
            return group;
        })().addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        items: list[list[Any]],
        styles: Sequence[dict[str, Any]],
        popups: Sequence[str],
        tooltips: Sequence[str],
    ) -> None:
        super().__init__()
        self._name = "CablemapFeatures"
        self.count = len(items)
        self.scale = SCALE
        self.items = _js(items)
        self.styles = _js(list(styles))
        self.popups = _js(list(popups))
        self.tooltips = _js(list(tooltips))


def _encode(features: Sequence[Sequence[np.ndarray]]) -> list[list[list[int]]]:
    """(lon, lat) parts of many features as :class:`_Features` integer parts, at once.

    Each part becomes ``[lat0, lon0, dlat1, dlon1, ...]`` in units of 1/:data:`SCALE`
    degree: the first pair absolute, the others differences from the previous pair.
    """
    kept = [[part for part in feature if len(part) > 1] for feature in features]
    flat = [part for feature in kept for part in feature]
    if not flat:
        return [[] for _ in kept]
    scaled = np.round(np.concatenate(flat)[:, ::-1] * SCALE).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), np.int64))
    sizes = np.array([len(part) for part in flat])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    deltas[starts] = scaled[starts]
    values = deltas.ravel().tolist()
    out: list[list[list[int]]] = []
    position = 0
    for feature in kept:
        encoded = []
        for part in feature:
            encoded.append(values[2 * position : 2 * (position + len(part))])
            position += len(part)
        out.append(encoded)
    return out


def _point_item(
    style_index: int, popup: int, tooltip: int, radius: float, lon: float, lat: float
) -> list[Any]:
    """A :class:`_Features` circle marker at (lon, lat)."""
    return [style_index, popup, tooltip, round(radius, 1), round(lat * SCALE), round(lon * SCALE)]


class _Legend(_DataElement):
    """The legend, a Leaflet control holding escaped HTML, with a stable class and id."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class }});
                div.id = {{ this.element_id }};
                div.innerHTML = {{ this.content }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            {{ this.attributions }}.forEach(function (text) {
                {{ this._parent.get_name() }}.attributionControl.addAttribution(text);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, content: str, attributions: Sequence[str]) -> None:
        super().__init__()
        self._name = "CablemapLegend"
        self.css_class = _js(f"{LEGEND_CLASS} leaflet-control")
        self.element_id = _js(f"{LEGEND_CLASS}-{map_name}")
        self.content = _js(content)
        self.attributions = _js([html.escape(text) for text in attributions])


# --- text: escaping, JSON for scripts, popups, legends -----------------------------------


def _js(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside an HTML ``<script>``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("{{", "{\\u007b")  # never JSON syntax, so only inside strings:
        .replace("{%", "{\\u0025")  # no Jinja opener survives, whatever renders it
        .replace("{#", "{\\u0023")
    )


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _web_url(url: object) -> str | None:
    """``url`` if it is an http(s) address, else ``None`` (``javascript:``, data, junk)."""
    href = str(url).strip() if isinstance(url, str) else ""
    parts = urlsplit(href)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return href


def _link(url: object, text: object) -> str:
    """An escaped link if ``url`` is http(s); otherwise just the escaped text."""
    href = _web_url(url)
    if href is None:
        return _e(text)
    return f'<a href="{_e(href)}" target="_blank" rel="noopener noreferrer">{_e(text)}</a>'


def _listed(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    """Escaped items joined by commas, with "and N more" past ``limit``."""
    shown = ", ".join(_e(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _flags_html(flags: Iterable[Flag], heading: str) -> str:
    """A heading, the distinct reasons (with their rules) and the cited sources."""
    reasons: dict[tuple[str, str], None] = {}
    sources: dict[str, str] = {}
    for flag in flags:
        reasons[(flag.rule, flag.reason)] = None
        for citation in flag.citations:
            sources.setdefault(citation.url or citation.title, _link(citation.url, citation.title))
    if not reasons:
        return ""
    items = list(reasons)
    lines = "".join(f"<li>[{_e(rule)}] {_e(reason)}</li>" for rule, reason in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        lines += f"<li>and {len(items) - MAX_LISTED} more</li>"
    cited = "; ".join(sources.values())
    return f"<div><b>{_e(heading)}</b><ul>{lines}</ul>" + (
        f"<div>Sources: {cited}</div></div>" if cited else "</div>"
    )


def _popup(*parts: str) -> str:
    return '<div class="cablemap-popup">' + "".join(p for p in parts if p) + "</div>"


def _swatch(colour: str, kind: str) -> str:
    """A legend symbol for ``kind``.

    ``solid``/``dashed`` draw a line, ``dot``/``dot-filled`` a marker, ``flagged-route``
    the route's colour and the flagged colour side by side.
    """
    if kind.startswith("dot"):
        fill = f";background-color:{colour}73" if kind == "dot-filled" else ""
        return f'<span class="cm-dot" style="border-color:{_e(colour)}{fill}"></span>'
    if kind == "flagged-route":
        return (
            f'<span class="cm-line cm-half" style="border-top:4px solid {_e(colour)}"></span>'
            f'<span class="cm-line cm-half" style="border-top:4px solid {style.FLAGGED}"></span>'
        )
    return f'<span class="cm-line" style="border-top:4px {kind} {_e(colour)}"></span>'


def _legend_html(title: str, notes: Sequence[str], entries: Sequence[tuple[str, str, str]]) -> str:
    """Legend HTML: an escaped title and notes, then (label, colour, kind) entries.

    ``kind`` is one of the symbols of :func:`_swatch`.
    """
    rows = [f'<div class="cm-title">{_e(title)}</div>']
    rows += [f"<div>{_swatch(colour, kind)}{_e(label)}</div>" for label, colour, kind in entries]
    rows += [f'<div class="cm-note">{_e(note)}</div>' for note in notes]
    return "".join(rows)


# --- geometry: windows around a centre longitude ----------------------------------------


def centre_longitude(lons: Iterable[float] | np.ndarray) -> float:
    """The centre of the shortest arc of longitude that covers every given longitude.

    Parameters
    ----------
    lons
        Longitudes in degrees, wrapped or not.

    Returns
    -------
    float
        A longitude in ``[-180, 180)``; the arc is the circle minus its largest empty gap.
    """
    values = np.sort(np.mod(np.fromiter(lons, dtype=float), 360.0))
    if values.size == 0:
        return 0.0
    gaps = np.diff(np.append(values, values[0] + 360.0))
    widest = int(np.argmax(gaps))
    start = values[(widest + 1) % values.size]
    centre = start + (360.0 - gaps[widest]) / 2.0
    return float((centre + 180.0) % 360.0 - 180.0)


def _shift_line(xy: np.ndarray, centre: float) -> np.ndarray:
    """Shift a continuous line by whole turns so its mean longitude is within 180 of ``centre``."""
    turns = np.round((float(np.mean(xy[:, 0])) - centre) / 360.0)
    out = np.array(xy, dtype=float)
    out[:, 0] -= 360.0 * turns
    return out


def _wrap_lon(lon: float, centre: float) -> float:
    return centre + ((lon - centre + 180.0) % 360.0 - 180.0)


def _window_parts(geometries: np.ndarray, centre: float) -> list[list[np.ndarray]]:
    """Each line as parts inside the window ``[centre - 180, centre + 180]``.

    Lines are shifted by whole turns towards the centre; the few that still cross the
    window's edge are cut there (:func:`_cut_at_edges`).
    """
    xy, index = shapely.get_coordinates(geometries, return_index=True)
    count = len(geometries)
    sizes = np.bincount(index, minlength=count)
    means = np.bincount(index, weights=xy[:, 0], minlength=count) / np.maximum(sizes, 1)
    xy[:, 0] -= 360.0 * np.round((means - centre) / 360.0)[index]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    out = [[xy[starts[i] : starts[i + 1]]] if sizes[i] else [] for i in range(count)]
    crossing = np.unique(index[(xy[:, 0] < centre - 180.0) | (xy[:, 0] > centre + 180.0)])
    if crossing.size:
        cut = _cut_at_edges([out[i][0] for i in crossing], centre)
        for i, parts in zip(crossing, cut, strict=True):
            out[i] = parts
    return out


def _cut_at_edges(lines: list[np.ndarray], centre: float) -> list[list[np.ndarray]]:
    """Cut continuous lines at ``centre +- 180``; every part moved into the window."""
    geometries = shapely.linestrings(
        np.concatenate(lines), indices=np.repeat(np.arange(len(lines)), [len(x) for x in lines])
    )
    out: list[list[np.ndarray]] = [[] for _ in lines]
    for band in (-1, 0, 1):
        west = centre - 180.0 + 360.0 * band
        pieces = shapely.intersection(geometries, shapely.box(west, -90.0, west + 360.0, 90.0))
        parts, owners = shapely.get_parts(pieces, return_index=True)
        for part, owner in zip(parts, owners, strict=True):
            if shapely.get_type_id(part) == 1 and not shapely.is_empty(part):  # a LineString
                xy = shapely.get_coordinates(part)
                xy[:, 0] -= 360.0 * band
                out[owner].append(xy)
    return out


def _simplified(geometries: Iterable[Any]) -> np.ndarray:
    """Context lines simplified to :data:`SIMPLIFY_DEGREES` (plain Douglas-Peucker)."""
    return shapely.simplify(
        np.asarray(geometries, dtype=object), SIMPLIFY_DEGREES, preserve_topology=False
    )


def _latlon(xy: np.ndarray, decimals: int) -> list[list[float]]:
    """(lon, lat) rows to folium's [lat, lon] pairs: the one place that swaps the order."""
    return np.round(np.asarray(xy)[:, ::-1], decimals).tolist()


def _bounds(xy: np.ndarray) -> list[list[float]]:
    """Leaflet bounds [[south, west], [north, east]] of (lon, lat) rows."""
    west, south = np.min(xy, axis=0)
    east, north = np.max(xy, axis=0)
    return [[float(south), float(west)], [float(north), float(east)]]


# --- shared layers -----------------------------------------------------------------------


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


def _moved(geometries: np.ndarray, dx: np.ndarray | float) -> np.ndarray:
    """Geometries shifted east by ``dx`` degrees (one value, or one per geometry)."""
    coords, index = shapely.get_coordinates(geometries, return_index=True)
    coords[:, 0] += np.broadcast_to(np.asarray(dx, dtype=float), (len(geometries),))[index]
    return shapely.set_coordinates(np.array(geometries, dtype=object), coords)


def _window_polygons(polygons: np.ndarray, centre: float) -> list[Any]:
    """Polygons moved by whole turns into the window around ``centre``, cut at its edges."""
    bounds = shapely.bounds(polygons)
    middle = (bounds[:, 0] + bounds[:, 2]) / 2.0
    moved = _moved(polygons, -360.0 * np.round((middle - centre) / 360.0))
    bounds = shapely.bounds(moved)
    inside = (bounds[:, 0] >= centre - 180.0) & (bounds[:, 2] <= centre + 180.0)
    out = list(moved[inside])
    crossing = moved[~inside]
    for band in (-1, 0, 1) if crossing.size else ():
        west = centre - 180.0 + 360.0 * band
        parts = shapely.get_parts(
            shapely.intersection(crossing, shapely.box(west, -90.0, west + 360.0, 90.0))
        )
        parts = parts[shapely.get_type_id(parts) == 3]
        out += list(_moved(parts, -360.0 * band)) if parts.size else []
    return out


def _land_layer(centre: float) -> folium.FeatureGroup | None:
    """Land under the tiles (see :data:`LAND_FILE`), or ``None`` without the basemap."""
    polygons = _land_polygons()
    if polygons is None or not polygons.size:
        return None
    rings = [
        [shapely.get_coordinates(ring) for ring in (p.exterior, *p.interiors)]
        for p in _window_polygons(polygons, centre)
    ]
    fill = {"fill": True, "fillColor": LAND, "fillOpacity": 1.0, "color": "#bdbdbd"}
    land = {**fill, "weight": 0.6, "pane": LAND_PANE, "interactive": False}
    group = folium.FeatureGroup(name="Land", control=False)
    items = [[0, -1, -1, encoded] for encoded in _encode(rings) if encoded]
    group.add_child(_Features(items, [{**land, "className": LAND_CLASS}], [], []))
    return group


def _cable_names(network: Network) -> dict[str, str]:
    cables = network.dataset.cables
    return dict(zip(cables["id"], cables["name"], strict=True))


def _context_cables(
    network: Network, centre: float, *, name: str = "All cables"
) -> folium.FeatureGroup:
    """Every cable segment, faint, simplified, with its cable's name as tooltip."""
    segments = network.topology.segments
    parts = _window_parts(_simplified(segments.geometry), centre)
    names = _cable_names(network)
    order = {cable_id: i for i, cable_id in enumerate(names)}
    tooltips = [_e(cable_name) for cable_name in names.values()]
    items = [
        [0, -1, order[cable_id], encoded]
        for encoded, cable_id in zip(_encode(parts), segments["cable_id"], strict=True)
        if encoded and cable_id in order
    ]
    line = {
        "color": style.OTHER_CABLE,
        "weight": style.CABLE_WEIGHT,
        "opacity": 0.8,
        "className": CABLE_CLASS,
    }
    group = folium.FeatureGroup(name=_e(name))
    group.add_child(_Features(items, [line], [], tooltips))
    return group


def _station_popup(
    exposure: StationExposure, network: Network, names: dict[str, str], extra: str = ""
) -> str:
    """Name, country, routes (``extra``), exposure, cables landing there, reasons."""
    station = network.stations.get(exposure.id)
    country = station.country_name if station else exposure.country_name
    cables = [names.get(c, c) for c in exposure.cables]
    flagged = [names.get(c, c) for c in exposure.flagged_cables]
    parts = [
        f"<b>{_e(exposure.name)}</b><br>{_e(country)} ({_e(exposure.iso2)})",
        extra,
        f"<div>Cables landing here ({len(cables)}): {_listed(cables)}</div>",
    ]
    if exposure.risky:
        parts.append(
            f"<div><b>Exposure {exposure.exposure:.0%}</b>: {len(flagged)} of {len(cables)}"
            f" cables flagged{' (excluded jurisdiction)' if exposure.station_flags else ''}"
            f": {_listed(flagged)}</div>"
        )
        reasons = "".join(f"<li>{_e(r)}</li>" for r in exposure.reasons[:MAX_LISTED])
        more = len(exposure.reasons) - MAX_LISTED
        reasons += f"<li>and {more} more</li>" if more > 0 else ""
        parts.append(f"<div>Why:<ul>{reasons}</ul></div>")
    return _popup(*parts)


def _station_radius(exposure: StationExposure) -> float:
    """Marker radius in pixels: area grows with the share of flagged cables."""
    return 2.5 + 5.5 * float(np.sqrt(exposure.exposure)) if exposure.risky else 2.0


def _stations_layer(
    exposures: Sequence[StationExposure],
    network: Network,
    centre: float,
    *,
    name: str,
    show: bool = True,
) -> folium.FeatureGroup:
    """Stations as circle markers sized by exposure, risky ones in :data:`style.FLAGGED`."""
    names = _cable_names(network)
    styles = [
        {
            "color": style.FLAGGED,
            "weight": 1.5,
            "fillColor": style.FLAGGED,
            "fillOpacity": 0.45,
            "className": RISKY_STATION_CLASS,
        },
        {
            "color": style.STATION,
            "weight": 0.8,
            "fillColor": "#ffffff",
            "fillOpacity": 0.9,
            "className": OTHER_STATION_CLASS,
        },
    ]
    ordered = sorted(exposures, key=lambda e: e.exposure)  # most exposed drawn on top
    items = [
        _point_item(
            0 if e.risky else 1,
            number,
            number,
            _station_radius(e),
            _wrap_lon(e.lon, centre),
            e.lat,
        )
        for number, e in enumerate(ordered)
    ]
    popups = [_station_popup(e, network, names) for e in ordered]
    tooltips = [
        _e(e.name) + (f" ({e.exposure:.0%} of cables flagged)" if e.risky else "") for e in ordered
    ]
    group = folium.FeatureGroup(name=_e(name), show=show)
    group.add_child(_Features(items, styles, popups, tooltips))
    return group


def _finish(m: _Map, legend: str, bounds: list[list[float]]) -> _Map:
    m.add_child(_Legend(m.get_name(), legend, m.attributions))
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(bounds, padding=(16, 16))
    return m


# --- the route map -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """One drawn line of a route: a cable segment, or a whole backhaul hop."""

    rank: int
    number: int
    hop_count: int
    hop: Hop
    segment_id: str | None
    coords: np.ndarray
    flags: tuple[Flag, ...]
    km: float


def _route_pieces(
    routes: Sequence[Route], network: Network, flags: PolicyFlags | None
) -> list[_Piece]:
    """One piece per cable segment of every cable hop, and one per backhaul hop."""
    segments = network.topology.segments
    geometry = dict(zip(segments["segment_id"], segments.geometry, strict=True))
    length = dict(zip(segments["segment_id"], segments["length_km"], strict=True))
    pieces = []
    for route in routes:
        for number, hop in enumerate(route.hops, start=1):
            common = (route.rank, number, len(route.hops), hop)
            if hop.kind != "cable":
                ids = (hop.from_station, *hop.via, hop.to_station)
                xy = unwrap_lons(
                    np.array([[network.stations[s].lon, network.stations[s].lat] for s in ids])
                )
                pieces.append(_Piece(*common, None, xy, hop.flags, hop.km))
                continue
            for segment_id in hop.segment_ids:
                found = flags.segments.get(segment_id, ()) if flags is not None else ()
                xy = shapely.get_coordinates(geometry[segment_id])
                pieces.append(_Piece(*common, segment_id, xy, found, float(length[segment_id])))
    return pieces


def _piece_line(piece: _Piece, network: Network, policy_name: str | None) -> folium.PolyLine:
    """The polyline of one piece, coloured and classed, with escaped popup and tooltip."""
    hop, flagged = piece.hop, bool(piece.flags)
    backhaul = hop.kind != "cable"
    colour = (
        style.FLAGGED
        if flagged
        else (style.BACKHAUL if backhaul else style.route_colour(piece.rank, False))
    )
    classes = [ROUTE_CLASS, f"{ROUTE_CLASS}-{piece.rank}"]
    classes += [FLAGGED_CLASS] if flagged else []
    classes += [BACKHAUL_CLASS] if backhaul else []
    line = folium.PolyLine(
        _latlon(piece.coords, ROUTE_DECIMALS),
        color=colour,
        weight=style.ROUTE_WEIGHT,
        opacity=0.9,
        dash_array=style.BACKHAUL_DASH if backhaul else None,
        class_name=" ".join(classes),
    )
    what = "Assumed terrestrial backhaul" if backhaul else (hop.cable_name or hop.cable_id or "")
    start, end = network.stations[hop.from_station], network.stations[hop.to_station]
    detail = (
        f"<div>Segment {_e(piece.segment_id)}: {piece.km:,.0f} km</div>"
        if piece.segment_id
        else f"<div>Via: {_listed([network.stations[s].name for s in hop.via])}</div>"
        if hop.via
        else ""
    )
    popup = _popup(
        f"<b>Route {piece.rank}</b>, hop {piece.number} of {piece.hop_count}: <b>{_e(what)}</b>",
        f"<div>{_e(start.name)} &rarr; {_e(end.name)}: {hop.km:,.0f} km</div>",
        detail,
        _flags_html(piece.flags, f"Flagged under {policy_name}") if policy_name else "",
    )
    tooltip = f"Route {piece.rank}: {_e(what)}" + (" (flagged)" if flagged else "")
    line.add_child(_Bind(popup, tooltip))
    return line


def _route_usage(routes: Sequence[Route]) -> dict[str, list[str]]:
    """Station id -> where the routes use it ("route 1 start", "route 2 hop 3"...)."""
    usage: dict[str, list[str]] = {}
    for route in routes:
        last = len(route.hops)
        for number, hop in enumerate(route.hops, start=1):
            for station, where in ((hop.from_station, number - 1), (hop.to_station, number)):
                label = "start" if where == 0 else "end" if where == last else f"after hop {where}"
                entry = f"route {route.rank} ({label})"
                if entry not in usage.setdefault(station, []):
                    usage[station].append(entry)
    return usage


def _station_marker(
    exposure: StationExposure,
    network: Network,
    names: dict[str, str],
    uses: list[str],
    centre: float,
) -> folium.CircleMarker:
    flagged = bool(exposure.station_flags)
    marker = folium.CircleMarker(
        [exposure.lat, _wrap_lon(exposure.lon, centre)],
        radius=6,
        color=style.FLAGGED if flagged else style.STATION,
        weight=2,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=1.0,
        class_name=f"{STATION_CLASS} {FLAGGED_CLASS}" if flagged else STATION_CLASS,
    )
    extra = f"<div>On {_listed(uses)}</div>"
    popup = _station_popup(exposure, network, names, extra)
    marker.add_child(_Bind(popup, _e(exposure.name)))
    return marker


def _route_legend(report: RouteReport, routes: Sequence[Route], policy: str | None) -> str:
    entries = []
    for route in routes:
        count = len(route.cables)
        label = (
            f"Route {route.rank}: {route.km:,.0f} km, {route.latency_ms:.1f} ms, "
            f"{count} cable{'s' if count != 1 else ''}" + (", flagged" if route.flagged else "")
        )
        kind = "flagged-route" if route.flagged else "solid"
        entries.append((label, style.route_colour(route.rank, False), kind))
    known = {colour: label for label, colour, _ in style.LEGEND}
    if policy:
        entries.append((known[style.FLAGGED], style.FLAGGED, "solid"))
    if any(hop.kind != "cable" for route in routes for hop in route.hops):
        entries.append((known[style.BACKHAUL], style.BACKHAUL, "dashed"))
    entries.append((known[style.OTHER_CABLE], style.OTHER_CABLE, "solid"))
    entries.append(("Landing station on a route", style.STATION, "dot"))
    if policy:
        entries.append(("Risky station (layer; size: share flagged)", style.FLAGGED, "dot-filled"))
    notes = [f"Policy: {policy}" if policy else "No policy applied"]
    if report.clean is not None and not report.clean.get("clean_route_exists", True):
        notes.append("No route avoids every flagged hop: the best (flagged) route is shown")
    notes.append(f"Data snapshot {report.snapshot_id}")
    title = f"{report.origin.name} \u2192 {report.destination.name}"
    return _legend_html(title, notes, entries)


def route_map(report: RouteReport, network: Network) -> folium.Map:
    """Draw the routes of a report on an interactive map.

    Parameters
    ----------
    report
        The answer of :meth:`Network.route` (with a policy, flagged segments are red).
    network
        The network the report was computed on.

    Returns
    -------
    folium.Map
        Layers "Routes" (one line per cable segment and per backhaul hop, one marker
        per station the routes touch), "All cables" and, with a policy, "Risky
        stations"; a legend; the view fitted to the routes, across the antimeridian
        where they cross it.
    """
    routes = report.routes or ((report.best_route,) if report.best_route is not None else ())
    flags = network.policy_flags(report.policy) if report.policy is not None else None
    policy = report.policy.name if report.policy is not None else None
    pieces = _route_pieces(routes, network, flags)
    usage = _route_usage(routes)
    exposures = station_exposure(network.dataset, flags)
    points = np.array([[network.stations[s].lon, network.stations[s].lat] for s in usage])
    points = points.reshape(-1, 2)
    centre = centre_longitude(np.concatenate([p.coords[:, 0] for p in pieces] + [points[:, 0]]))
    pieces = [replace(p, coords=_shift_line(p.coords, centre)) for p in pieces]
    points[:, 0] = [_wrap_lon(lon, centre) for lon in points[:, 0]]
    every = np.concatenate([p.coords for p in pieces] + [points])
    middle = float(np.mean(points[:, 1])) if len(points) else 20.0
    m = _Map(f"cablemap: {report.origin.name} to {report.destination.name}", [middle, centre])
    m.add_child(_context_cables(network, centre))
    if flags is not None:
        risky = [e for e in exposures if e.risky]
        m.add_child(_stations_layer(risky, network, centre, name="Risky stations", show=False))
    group = folium.FeatureGroup(name="Routes")
    for piece in sorted(pieces, key=lambda p: -p.rank):  # route 1 drawn last, on top
        group.add_child(_piece_line(piece, network, policy))
    by_id = {e.id: e for e in exposures if e.id in usage}
    names = _cable_names(network)
    for station_id, uses in usage.items():
        if station_id in by_id:
            group.add_child(_station_marker(by_id[station_id], network, names, uses, centre))
    m.add_child(group)
    bounds = _bounds(every) if len(every) else [list(b) for b in WORLD_BOUNDS]
    return _finish(m, _route_legend(report, routes, policy), bounds)


# --- the risk map ------------------------------------------------------------------------


def _cable_rows(network: Network) -> dict[str, dict[str, Any]]:
    cables = network.dataset.cables
    columns = ("name", "owners", "suppliers", "rfs_year", "url")
    return {
        row["id"]: row
        for row in cables[["id", *columns]].to_dict("records")  # type: ignore[misc]
    }


def _segment_popup(
    row: dict[str, Any],
    cable_flags: tuple[Flag, ...],
    segment_flags: tuple[Flag, ...],
    policy: str | None,
) -> str:
    """A segment's cable (name, RFS, owners, suppliers, link), its flags and the cable's."""
    year = row.get("rfs_year")
    owners = [str(o) for o in (row.get("owners") or ())]
    suppliers = [str(s) for s in (row.get("suppliers") or ())]
    own = {(f.rule, f.entity) for f in segment_flags}
    rest = [f for f in cable_flags if (f.rule, f.entity) not in own]
    url = row.get("url")
    verdict = "flagged" if segment_flags else "no flag"
    return _popup(
        f"<b>{_e(row['name'])}</b>"
        + (f" (RFS {int(year)})" if year is not None and _known(year) else ""),
        f"<div>Owners: {_listed(owners)}</div>" if owners else "",
        f"<div>Suppliers: {_listed(suppliers)}</div>" if suppliers else "",
        f"<div>{_link(url, 'Cable web page')}</div>" if _web_url(url) else "",
        f"<div>This segment: <b>{verdict}</b>{' under ' + _e(policy) if policy else ''}</div>",
        _flags_html(segment_flags, "Segment flags"),
        _flags_html(rest, "Other flags on this cable (not on this segment)"),
    )


def _known(value: object) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _risk_cables(
    network: Network,
    flags: PolicyFlags | None,
    centre: float,
    cable_ids: frozenset[str] | None,
) -> tuple[folium.FeatureGroup, np.ndarray]:
    """Segments coloured by their flags; also returns every drawn (lon, lat) for bounds.

    Segments of one cable with the same flag reasons share one popup.
    """
    segments = network.topology.segments
    if cable_ids is not None:
        segments = segments[segments["cable_id"].isin(cable_ids)]
    parts = _window_parts(_simplified(segments.geometry), centre)
    rows = _cable_rows(network)
    popups: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, tuple[Flag, ...]]] = {}
    tooltips = {cable_id: i for i, cable_id in enumerate(rows)}
    items: list[list[Any]] = []
    for encoded, segment_id, cable_id in zip(
        _encode(parts), segments["segment_id"], segments["cable_id"], strict=True
    ):
        found = flags.segments.get(segment_id, ()) if flags is not None else ()
        if not encoded or cable_id not in rows:
            continue
        key = (cable_id, tuple((f.rule, f.reason) for f in found))
        number = popups.setdefault(key, (len(popups), found))[0]
        items.append([int(bool(found)), number, tooltips[cable_id], encoded])
    items.sort(key=lambda item: int(item[0]))  # flagged drawn on top
    policy = flags.policy.name if flags is not None else None
    texts = [
        _segment_popup(rows[c], flags.cables.get(c, ()) if flags else (), found, policy)
        for (c, _), (_, found) in popups.items()
    ]
    names = [_e(row["name"]) for row in rows.values()]
    clean = {"color": style.CLEAN, "weight": style.CABLE_WEIGHT, "opacity": 0.55}
    flagged = {"color": style.FLAGGED, "weight": style.CABLE_WEIGHT + 0.8, "opacity": 0.9}
    styles = [
        {**clean, "className": CABLE_CLASS},
        {**flagged, "className": f"{CABLE_CLASS} {FLAGGED_CLASS}"},
    ]
    group = folium.FeatureGroup(name="Cables (red: flagged segment)")
    group.add_child(_Features(items, styles, texts, names))
    drawn = [part for lines in parts for part in lines]
    return group, np.concatenate(drawn) if drawn else np.empty((0, 2))


def _risk_scope(network: Network, country: str | None) -> tuple[str, frozenset[str] | None]:
    """The place's name and its stations (``None`` for the world)."""
    if country is None:
        return "the world", None
    place = network.places.resolve(country)
    name = f"{place.name} ({place.iso2})" if place.station is None else place.station
    return name, frozenset(place.station_ids)


def _risk_legend(
    flags: PolicyFlags | None,
    where: str,
    exposures: Sequence[StationExposure],
    flagged_cables: int,
    cables: int,
    snapshot: str,
) -> str:
    risky = sum(1 for e in exposures if e.risky)
    title = f"{flags.policy.name}: {where}" if flags is not None else f"No policy: {where}"
    entries = [
        ("Flagged segment (policy)", style.FLAGGED, "solid"),
        ("Segment with no flag", style.CLEAN, "solid"),
        ("Station with flagged cables (size: share flagged)", style.FLAGGED, "dot-filled"),
        ("Station with nothing flagged", style.STATION, "dot"),
    ]
    notes = [
        f"{flagged_cables} of {cables} cables flagged; "
        f"{risky} of {len(exposures)} stations exposed",
        "Click a cable or station for the reasons and sources",
        f"Data snapshot {snapshot}",
    ]
    return _legend_html(title, notes, entries)


def risk_map(
    network: Network, flags: PolicyFlags | None, *, country: str | None = None
) -> folium.Map:
    """Map what a policy flags: cable segments by flag, stations by exposure.

    Parameters
    ----------
    network
        A built network.
    flags
        ``network.policy_flags(policy)``; ``None`` draws everything unflagged.
    country
        A country (name or ISO code) or a landing-station id: only its stations and the
        cables landing there, with the view fitted to them. Default: the world.

    Returns
    -------
    folium.Map
        Layers "Cables (red: flagged segment)", "Risky stations" and "Other stations",
        with popups giving every flag's reason and sources, and a legend.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        If ``country`` names no place with landing stations.
    """
    where, scope = _risk_scope(network, country)
    exposures = [
        e for e in station_exposure(network.dataset, flags) if scope is None or e.id in scope
    ]
    landings = network.dataset.landings
    cable_ids = (
        None
        if scope is None
        else frozenset(landings.loc[landings["station_id"].isin(scope), "cable_id"])
    )
    centre = 0.0
    if scope is not None:
        segments = network.topology.segments
        chosen = segments[segments["cable_id"].isin(cable_ids or ())]
        lons = shapely.get_coordinates(np.asarray(chosen.geometry))[:, 0]
        centre = centre_longitude(np.concatenate([lons, [e.lon for e in exposures]]))
    m = _Map(f"cablemap: risk map of {where}", [20.0, centre])
    cables, drawn = _risk_cables(network, flags, centre, cable_ids)
    m.add_child(cables)
    risky = [e for e in exposures if e.risky]
    m.add_child(_stations_layer(risky, network, centre, name="Risky stations"))
    others = [e for e in exposures if not e.risky]
    m.add_child(_stations_layer(others, network, centre, name="Other stations"))
    points = np.array([[_wrap_lon(e.lon, centre), e.lat] for e in exposures]).reshape(-1, 2)
    every = np.concatenate([drawn, points])
    world = scope is None or not len(every)
    bounds = [list(b) for b in WORLD_BOUNDS] if world else _bounds(every)
    shown = set(cable_ids) if cable_ids is not None else set(network.dataset.cables["id"])
    flagged = sum(1 for c in shown if flags is not None and flags.cables.get(c))
    legend = _risk_legend(flags, where, exposures, flagged, len(shown), network.snapshot_id)
    return _finish(m, legend, bounds)


# --- writing maps out --------------------------------------------------------------------


def _parts(m: folium.Map, *, self_contained: bool) -> tuple[str, str, str]:
    """Render ``m`` into (head, body, script): Leaflet tags, then the map's own pieces.

    Raises
    ------
    UserError
        For a self-contained page, if something added to the map links another script
        or stylesheet (a folium plugin) that cannot be inlined.
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):
        raise UserError("the map is not attached to a folium Figure; build it with route_map()")
    # a fresh render each time: folium adds new "addTo" statements on every render
    figure.script._children.clear()
    figure.html._children.clear()
    for name in [n for n in figure.header._children if n != "meta_http"]:
        del figure.header._children[name]
    for child in list(figure._children.values()):
        child.render()
    head = [leaflet_tags(self_contained=self_contained)]
    for name, child in figure.header._children.items():
        if name in ("meta_http", "leaflet", "leaflet_css"):
            continue
        if isinstance(child, JavascriptLink | CssLink) and self_contained:
            raise UserError(
                f"cannot make a self-contained map: it links {child.url} (from {name}); "
                "remove that plugin or write the map with self_contained=False"
            )
        head.append(child.render())
    return "\n".join(head), figure.html.render(), figure.script.render()


def to_html(m: folium.Map, *, self_contained: bool) -> str:
    """A complete HTML page showing the map full-window.

    Parameters
    ----------
    m
        A map from :func:`route_map` or :func:`risk_map`.
    self_contained
        Inline Leaflet (from the installed XStatic-Leaflet package) so that the page
        needs no network; only the basemap tiles are then missing offline. Otherwise
        Leaflet is linked from a CDN (a smaller file).

    Returns
    -------
    str
        The page, UTF-8 text.
    """
    head, body, script = _parts(m, self_contained=self_contained)
    title = _e(getattr(m, "cablemap_title", "cablemap map"))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        "<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>\n"
        f"{head}\n</head>\n<body>\n{body}\n<script>\n{script}\n</script>\n</body>\n</html>\n"
    )


def to_embed(m: folium.Map, *, self_contained: bool, height: str = EMBED_HEIGHT) -> str:
    """An HTML fragment to paste into a page: one ``<div>`` holding the map.

    Its styles are scoped to its own ids (Leaflet's stylesheet only styles ``leaflet-*``
    classes), its ids come from the map's unique name, and its script runs in its own
    function scope, so fragments of different maps can share one page. Make one fragment
    per map object.

    Parameters
    ----------
    m
        A map from :func:`route_map` or :func:`risk_map`.
    self_contained
        Inline Leaflet (loaded once per page, whatever the number of fragments).
    height
        CSS height of the map (``px``, ``em``, ``rem``, ``vh`` or ``%``).

    Returns
    -------
    str
        ``<div class="cablemap-embed" id="cablemap-embed-...">...</div>``.

    Raises
    ------
    UserError
        If ``height`` is not a plain CSS length.
    """
    if not _CSS_LENGTH.match(height):
        raise UserError(f"map height {height!r} is not a CSS length such as 520px or 60vh")
    head, body, script = _parts(m, self_contained=self_contained)
    return (
        f'<div class="{EMBED_CLASS}" id="cablemap-embed-{m.get_name()}" '
        f'style="position: relative; width: 100%; height: {height};">\n'
        f"{head}\n{body}\n<script>\n(function () {{\n{script}\n}})();\n</script>\n</div>\n"
    )


def notebook_html(m: folium.Map, *, height: str = EMBED_HEIGHT) -> str:
    """The map for a Jupyter output: a sandboxed ``<iframe>`` holding a self-contained page.

    The frame keeps the map's scripts and styles apart from the notebook's, and the
    notebook displays it with no network access (except for the basemap tiles).
    """
    if not _CSS_LENGTH.match(height):
        raise UserError(f"map height {height!r} is not a CSS length such as 520px or 60vh")
    page = html.escape(to_html(m, self_contained=True), quote=True)
    title = _e(getattr(m, "cablemap_title", "cablemap map"))
    return (
        f'<iframe srcdoc="{page}" title="{title}" sandbox="allow-scripts allow-popups" '
        f'style="width: 100%; height: {height}; border: 0;"></iframe>'
    )
