"""folium elements that write their data as it is: popups, compact feature layers, legend.

folium's own ``Popup``/``Tooltip`` are not used: they paste text into JavaScript template
literals. These elements hold escaped HTML as JSON string literals
(:func:`~cablemap.render.interactive.markup._js`) and add their scripts to the page as plain text,
never compiled as Jinja templates.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from cablemap.errors import UserError
from cablemap.render.interactive.classes import LEGEND_CLASS
from cablemap.render.interactive.markup import _js

SCALE = 10_000
"""Context coordinates are kept to 1/SCALE degree (about 10 m)."""


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
    """The legend, a Leaflet control holding escaped HTML, with a stable class and id.

    The control is the script variable named after this element, so that
    :class:`~cablemap.render.interactive.layout._Layout` can move it to another corner;
    its ``<div>`` is made once, so a move keeps what the reader opened or closed.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var legend = L.control({position: "bottomleft"}), div = null;
            legend.onAdd = function () {
                if (div === null) {
                    div = L.DomUtil.create("div", {{ this.css_class }});
                    div.id = {{ this.element_id }};
                    div.innerHTML = {{ this.content }};
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                }
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            {{ this.attributions }}.forEach(function (text) {
                {{ this._parent.get_name() }}.attributionControl.addAttribution(text);
            });
            return legend;
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
