"""Placing the legend and the station labels in the browser, once the view is known.

Where the legend may sit and which labels fit depend on the size of the map on the
reader's screen (a full page, a 900 px column of a report, a notebook), so a short
script decides at load time, and again when the map is resized, zoomed, panned or the
legend opened or closed:

- the legend starts open on a roomy map and closed (its title only) on a narrow one
  (:data:`ROOMY_PX`), where the list of layers also shrinks to Leaflet's layers icon;
  it goes to the corner where it covers no route end and the fewest other points of
  interest, and closes itself if open it would cover a route end;
- each label goes right, left, above or below its station (or a line higher or lower,
  right or left, where stations crowd), the first place where it stays in the map and
  clear of the legend (and the other controls), the stations' markers and the labels
  placed before it (the ends first); a label that fits nowhere is hidden, except an
  end's, which takes the place where it overlaps least.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Template

from cablemap.render.interactive.classes import LABEL_CLASS, LABEL_END_CLASS
from cablemap.render.interactive.elements import _DataElement
from cablemap.render.interactive.markup import _e, _js

ROOMY_PX = (1000, 560)
"""A map at least this wide and high (CSS pixels) starts with its legend open."""
LABEL_DECIMALS = 5


@dataclass(frozen=True)
class Label:
    """A station's name on the map, at (lon, lat) in the map's window."""

    text: str
    lon: float
    lat: float
    end: bool = False
    """A route's start or end: placed first, never hidden, never under the legend."""


class _Layout(_DataElement):
    """The legend's corner and open state, and the station labels (see the module doc)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, legend = {{ this.legend }};
            var layers = {{ this.layers }}, start = map.getSize();
            var group = {{ this.group }}, labels = {{ this.labels }}, roomy = {{ this.roomy }};
            var ends = {{ this.ends }}.map(function (p) { return L.latLng(p[0], p[1]); });
            var avoid = {{ this.avoid }}.map(function (p) { return L.latLng(p[0], p[1]); });
            var box = legend.getContainer(), details = box.querySelector("details");
            var tips = labels.map(function (l) {
                var tip = L.tooltip({permanent: true, interactive: false, direction: "right",
                    offset: [8, 0], className: {{ this.label_class }}
                        + (l[3] ? " " + {{ this.end_class }} : "")})
                    .setLatLng([l[0], l[1]]).setContent(l[2]);
                if (group) { group.addLayer(tip); }
                return tip;
            });
            var sides = [["right", [8, 0]], ["left", [-8, 0]], ["top", [0, -7]],
                         ["bottom", [0, 7]], ["right", [6, -13]], ["right", [6, 13]],
                         ["left", [-6, -13]], ["left", [-6, 13]]];
            function rect(el) {
                var r = el.getBoundingClientRect();
                var c = map.getContainer().getBoundingClientRect();
                return {l: r.left - c.left, t: r.top - c.top, r: r.right - c.left,
                        b: r.bottom - c.top};
            }
            function around(p, pad) {
                var q = map.latLngToContainerPoint(p);
                return {l: q.x - pad, t: q.y - pad, r: q.x + pad, b: q.y + pad};
            }
            function meet(a, b) { return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b; }
            function covered(r, points, pad) {
                return points.filter(function (p) { return meet(r, around(p, pad)); }).length;
            }
            function score() {
                var r = rect(box);
                return 1000 * covered(r, ends, 9) + covered(r, avoid, 3);
            }
            function placeLegend() {
                var best = null;
                ["bottomleft", "topleft", "bottomright", "topright"].forEach(function (c) {
                    legend.setPosition(c);
                    var s = score();
                    if (best === null || s < best[1]) { best = [c, s]; }
                });
                legend.setPosition(best[0]);
                return best[1];
            }
            function inside(r) {
                var size = map.getSize();
                return r.l >= 0 && r.t >= 0 && r.r <= size.x && r.b <= size.y;
            }
            function placeLabels() {
                var controls = map.getContainer().querySelectorAll(".leaflet-control");
                var taken = Array.prototype.map.call(controls, function (c) {
                    return [rect(c), 5];  // a control, or a name placed: worse to cover
                }).concat(tips.map(function (t) { return [around(t.getLatLng(), 6), 1]; }));
                tips.forEach(function (tip, i) {
                    var el = tip.getElement(), best = null;
                    if (!el || !tip._map) { return; }
                    L.DomUtil.removeClass(el, "cm-hidden");
                    for (var k = 0; k < sides.length && (best === null || best[0] > 0); k++) {
                        var r = turn(tip, sides[k]), cost = inside(r) ? 0 : 1000;
                        taken.forEach(function (t) { cost += meet(r, t[0]) ? t[1] : 0; });
                        if (best === null || cost < best[0]) { best = [cost, k, r]; }
                    }
                    if (best[0] > 0 && !labels[i][3]) {  // only an end's name may overlap
                        L.DomUtil.addClass(el, "cm-hidden");
                        return;
                    }
                    taken.push([best[1] === k - 1 ? best[2] : turn(tip, sides[best[1]]), 5]);
                });
            }
            function turn(tip, side) {
                tip.options.direction = side[0];
                tip.options.offset = side[1];
                tip.update();
                return rect(tip.getElement());
            }
            function layout() {
                if (placeLegend() >= 1000 && details && details.open) {
                    details.open = false;
                    placeLegend();
                }
                placeLabels();
            }
            var spacious = start.x >= roomy[0] && start.y >= roomy[1];
            if (layers && !spacious) {  // the layer list shrinks to Leaflet's icon
                layers.options.collapsed = true;
                layers.remove();
                layers.addTo(map);
            }
            var body = box.querySelector(".cm-body");
            if (body) {  // an open legend scrolls within the map
                body.style.maxHeight = Math.max(start.y - 110, 60) + "px";
            }
            if (details) {
                details.open = spacious;
                details.addEventListener("toggle", function () { placeLegend(); placeLabels(); });
            }
            layout();
            map.on("zoomend moveend", placeLabels);
            map.on("resize", layout);
            map.on("overlayadd", placeLabels);
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        legend: str,
        layers: str,
        group: str | None,
        labels: Sequence[Label],
        ends: Sequence[tuple[float, float]],
        avoid: Sequence[tuple[float, float]],
    ) -> None:
        super().__init__()
        self._name = "CablemapLayout"
        self.legend = legend
        self.layers = layers
        self.group = group or "null"
        rows = [
            [round(x.lat, LABEL_DECIMALS), round(x.lon, LABEL_DECIMALS), _e(x.text), x.end]
            for x in sorted(labels, key=lambda x: not x.end)
        ]
        self.labels = _js(rows)
        self.ends = _js(_latlons(ends))
        self.avoid = _js(_latlons(avoid))
        self.roomy = _js(list(ROOMY_PX))
        self.label_class = _js(LABEL_CLASS)
        self.end_class = _js(LABEL_END_CLASS)


def _latlons(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    """(lon, lat) points as [lat, lon] pairs for the script."""
    return [[round(lat, LABEL_DECIMALS), round(lon, LABEL_DECIMALS)] for lon, lat in points]
