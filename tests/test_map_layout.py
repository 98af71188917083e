"""Interactive maps as a reader sees them (issue 13): legend, labels, views, line styles.

Real data (the open snapshot). The browser tests open self-contained pages and fragments
in headless Chromium with the network refused (``tests/browser.py``) and measure what is
on the screen: the legend's box against the route ends' markers, the station labels,
the initial view, the lines Leaflet was given.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import pytest
from browser import assert_not_blank, opened

from cablemap.analysis.query import RouteReport, trace_routes
from cablemap.analysis.stations import service_year
from cablemap.dataset.load import load_dataset
from cablemap.network.graph import Network, build_network
from cablemap.policy.flags import PolicyFlags, policy_flags
from cablemap.policy.rules import load_policy
from cablemap.render import interactive
from cablemap.render.interactive.elements import _Legend
from cablemap.render.interactive.layout import _Layout
from cablemap.render.interactive.names import short_cable_name, station_city
from cablemap.render.shown import shown_routes

POLICY = "clean-network-2020"
COLUMN_PX = 900
"""The width of a report's text column, where ``--embed`` fragments go."""


@pytest.fixture(scope="module")
def network() -> Network:
    from conftest import OPEN_ROOT, _require

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def flags(network: Network) -> PolicyFlags:
    return policy_flags(network, load_policy(POLICY))


@pytest.fixture(scope="module")
def reports(network: Network) -> dict[str, RouteReport]:
    return {
        "PH-US": trace_routes(network, "Philippines", "United States", k=3, policy=POLICY),
        "US-JP": trace_routes(network, "United States", "Japan", k=3, policy=POLICY),
    }


def elements(m: folium.Map) -> Iterator[Any]:
    stack = [m]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(element._children.values())


def layout_of(m: folium.Map) -> _Layout:
    (layout,) = [e for e in elements(m) if isinstance(e, _Layout)]
    return layout


def route_ends(report: RouteReport) -> set[str]:
    return {
        s for r in shown_routes(report) for s in (r.hops[0].from_station, r.hops[-1].to_station)
    }


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("SEA-US", "SEA-US"),
        ("Pacific Light Cable Network (PLCN)", "PLCN"),
        ("Asia-America Gateway (AAG) Cable System", "AAG"),
        ("Japan-U.S. Cable Network (JUS)", "JUS"),
        ("New Cross Pacific (NCP) Cable System", "NCP"),
        ("Trans-Pacific Express Cable Network", "Trans-Pacific Express"),
    ],
)
def test_long_cable_names_shorten_to_their_abbreviation(name: str, short: str) -> None:
    assert short_cable_name(name) == short
    assert len(short_cable_name(name)) <= 24


def test_every_long_name_in_the_data_gets_a_short_name(network: Network) -> None:
    names = list(network.dataset.cables["name"])
    shortened = [short_cable_name(n) for n in names]
    assert all(len(s) <= 24 for s in shortened)
    long = [n for n in names if len(n) > 24]
    by_bracket = [
        n for n in long if short_cable_name(n) in n and "\u2026" not in short_cable_name(n)
    ]
    assert len(by_bracket) > len(long) / 2  # most long names carry their abbreviation


def test_station_city() -> None:
    assert station_city("Hermosa Beach, CA, United States") == "Hermosa Beach"
    assert station_city("Davao, Philippines") == "Davao"


# --- route maps: labels, ends, legend text, line order ---------------------------------


def test_route_map_names_every_station_and_marks_both_ends(
    network: Network, reports: dict[str, RouteReport]
) -> None:
    report = reports["PH-US"]
    m = interactive.route_map(report, network)
    labels = json.loads(layout_of(m).labels)
    used = {s for r in shown_routes(report) for h in r.hops for s in (h.from_station, h.to_station)}
    assert len(labels) == len(used)
    ends = route_ends(report)
    named_ends = {text for _, _, text, end in labels if end}
    assert named_ends == {
        f"{station_city(network.stations[s].name)} ({network.stations[s].iso2})" for s in ends
    }
    assert "Davao (PH)" in named_ends  # the case: route 1 starts at Davao
    markers = [
        e
        for e in elements(m)
        if isinstance(e, folium.CircleMarker)
        and interactive.END_CLASS in e.options.get("className", "").split()
    ]
    assert len(markers) == len(ends)
    assert len(json.loads(layout_of(m).ends)) == len(ends)


def test_legend_uses_the_title_function_and_short_cable_names(
    network: Network, reports: dict[str, RouteReport]
) -> None:
    from cablemap.render.wording import route_title

    report = reports["PH-US"]
    m = interactive.route_map(report, network)
    page = interactive.to_html(m, self_contained=False)
    title = html.escape(route_title(report, network))
    assert f"<title>{title}</title>" in page
    (legend,) = [e for e in elements(m) if isinstance(e, _Legend)]
    assert f'<summary class="cm-title">{title}</summary>' in json.loads(legend.content)
    assert "Route 2: AAG, " in page  # "Asia-America Gateway (AAG) Cable System" shortened
    assert "Route 3: PLCN, " in page


def test_popups_name_stations_never_their_ids(
    network: Network, reports: dict[str, RouteReport], flags: PolicyFlags
) -> None:
    report = reports["PH-US"]
    page = interactive.to_html(interactive.route_map(report, network), self_contained=False)
    segments = {s for r in shown_routes(report) for h in r.hops for s in h.segment_ids}
    stations = {
        s for r in shown_routes(report) for h in r.hops for s in (h.from_station, h.to_station)
    }
    assert segments and stations
    for raw in segments | stations:
        assert raw not in page, raw
    assert "Davao, Philippines" in page  # the station's name, in its popup
    country = interactive.to_html(
        interactive.risk_map(network, flags, country="VN"), self_contained=False
    )
    vietnam = [s for s, info in network.stations.items() if info.iso2 == "VN"]
    assert vietnam and not any(s in country for s in vietnam)


def test_routes_sharing_a_segment_are_drawn_widest_first_with_a_white_band(
    network: Network,
) -> None:
    report = trace_routes(network, "GB", "SG", k=3, policy=POLICY)
    routes = shown_routes(report)
    first = {s for h in routes[0].hops for s in h.segment_ids}
    second = {s for h in routes[1].hops for s in h.segment_ids}
    shared = first & second
    assert shared, "the case needs routes 1 and 2 on one segment"
    m = interactive.route_map(report, network)
    (group,) = [
        e for e in elements(m) if isinstance(e, folium.FeatureGroup) and e.layer_name == "Routes"
    ]
    lines = [c for c in group._children.values() if isinstance(c, folium.PolyLine)]
    classes = [line.options["className"].split() for line in lines]
    order = [
        (i, line.options["weight"], kinds)
        for i, (line, kinds) in enumerate(zip(lines, classes, strict=True))
    ]
    ones = [(i, w) for i, w, k in order if f"{interactive.ROUTE_CLASS}-1" in k]
    twos = [(i, w) for i, w, k in order if f"{interactive.ROUTE_CLASS}-2" in k]
    assert max(i for i, _ in ones) < min(i for i, _ in twos)  # route 2 on top
    assert min(w for _, w in ones) > max(w for _, w in twos)  # and narrower
    casings = [i for i, kinds in enumerate(classes) if interactive.CASING_CLASS in kinds]
    # a white band under each piece drawn over an earlier route's segment: narrower than
    # route 1 (whose colour shows on both sides), wider than the piece drawn on it
    assert len(casings) >= len(shared)
    widest = min(w for _, w in ones)
    for i in casings:
        assert lines[i + 1].options["weight"] < lines[i].options["weight"] < widest


def test_planned_cables_are_dashed_on_routes_context_and_legend(network: Network) -> None:
    report = trace_routes(network, "US", "AU", k=3, include_planned=True)
    planned = service_year(network, None, False).not_built
    hops = [h for r in shown_routes(report) for h in r.hops if h.cable_id in planned]
    assert hops, "the case needs a route over a planned cable (Hawaiki Nui)"
    m = interactive.route_map(report, network)
    dashed = [
        e
        for e in elements(m)
        if isinstance(e, folium.PolyLine)
        and interactive.PLANNED_CLASS in e.options.get("className", "").split()
    ]
    assert len(dashed) == sum(len(h.segment_ids) for h in hops)
    assert all(line.options["dashArray"] for line in dashed)
    (context,) = [
        e
        for e in elements(m)
        if isinstance(e, interactive._Features)
        and '"All cables"' not in e.styles
        and interactive.PLANNED_CLASS in e.styles
        and interactive.DIRECT_CLASS not in e.styles
    ]
    items = json.loads(context.items)
    segments = network.topology.segments
    assert sum(1 for item in items if item[0] == 1) == int(segments["cable_id"].isin(planned).sum())
    assert "Planned cable (not in service yet)" in interactive.to_html(m, self_contained=False)


def test_a_route_over_a_cable_the_overlay_keeps_out_is_dotted(network: Network) -> None:
    from cablemap.render import style

    report = trace_routes(network, "US", "CU", k=2, include_status=("military",))
    hops = [h for r in shown_routes(report) for h in r.hops if h.cable_id == "gtmo-1"]
    assert hops, "the case needs the military GTMO-1 cable, brought back by include_status"
    m = interactive.route_map(report, network)
    dotted = [
        e
        for e in elements(m)
        if isinstance(e, folium.PolyLine)
        and interactive.NOT_ROUTED_CLASS in e.options.get("className", "").split()
    ]
    assert len(dotted) == sum(len(h.segment_ids) for h in hops)
    assert all(line.options["dashArray"] == style.NOT_ROUTED_DASH for line in dotted)
    page = interactive.to_html(m, self_contained=False)
    assert "military: not routed over unless asked for" in page


# --- views ---------------------------------------------------------------------------------


def fitted(m: folium.Map) -> list[list[float]]:
    (fit,) = [e for e in elements(m) if isinstance(e, folium.map.FitBounds)]
    return fit.bounds


def test_country_map_is_framed_on_the_country(network: Network, flags: PolicyFlags) -> None:
    (south, west), (north, east) = fitted(interactive.risk_map(network, flags, country="VN"))
    lons = [s.lon for s in network.stations.values() if s.iso2 == "VN"]
    lats = [s.lat for s in network.stations.values() if s.iso2 == "VN"]
    assert west < min(lons) and east > max(lons) and south < min(lats) and north > max(lats)
    assert east - west < 25 and north - south < 15  # Vietnam, not every cable landing there
    (south, west), (north, east) = fitted(interactive.risk_map(network, flags, country="JP"))
    assert 120 < west < east < 160 and 20 < south < north < 50


def test_route_map_is_fitted_to_the_routes(
    network: Network, reports: dict[str, RouteReport]
) -> None:
    report = reports["PH-US"]
    (south, west), (north, east) = fitted(interactive.route_map(report, network))
    assert 115 < west % 360 < 130 and 230 < east % 360 < 245  # Philippines to California
    assert 100 < east - west < 130  # across the Pacific, not around the world
    assert 0 < south < 10 and 30 < north < 45


# --- in a browser ------------------------------------------------------------------------


BOXES = """(els) => els.map((e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return {l: r.left, t: r.top, r: r.right, b: r.bottom,
            shown: s.display !== "none" && s.visibility !== "hidden" && r.width > 0};
})"""


def boxes(page: Any, selector: str) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(selector, BOXES)  # type: ignore[no-any-return]


def meet(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def within(box: dict[str, float], frame: dict[str, float]) -> bool:
    return (
        box["l"] >= frame["l"] - 0.5
        and box["r"] <= frame["r"] + 0.5
        and box["t"] >= frame["t"] - 0.5
        and box["b"] <= frame["b"] + 0.5
    )


def write_case(report: RouteReport, network: Network, folder: Path, *, embed: bool) -> Path:
    m = interactive.route_map(report, network)
    path = folder / ("embed.html" if embed else "page.html")
    if embed:
        fragment = interactive.to_embed(m, self_contained=True)
        path.write_text(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>brief</title></head>"
            f"<body><main style='width: {COLUMN_PX}px; margin: 0 auto'><h1>Brief</h1>"
            f"<p>Text of the brief.</p>{fragment}<p>More text.</p></main></body></html>",
            encoding="utf-8",
        )
    else:
        path.write_text(interactive.to_html(m, self_contained=True), encoding="utf-8")
    return path


@pytest.mark.browser
@pytest.mark.parametrize("embed", [False, True], ids=["page", "embed-900px"])
@pytest.mark.parametrize("case", ["PH-US", "US-JP"])
def test_legend_covers_no_route_end_and_the_labels_show(
    browser: Any,
    network: Network,
    reports: dict[str, RouteReport],
    tmp_path: Path,
    case: str,
    embed: bool,
) -> None:
    report = reports[case]
    path = write_case(report, network, tmp_path, embed=embed)
    with opened(browser, path) as shown:
        page = shown.page
        (legend,) = boxes(page, f".{interactive.LEGEND_CLASS}")
        ends = boxes(page, f"path.{interactive.END_CLASS}")
        assert len(ends) == len(route_ends(report)) and legend["shown"]
        assert not any(meet(legend, end) for end in ends), (legend, ends)
        # open on a full page, closed to its title in a 900 px column
        is_open = page.eval_on_selector(f".{interactive.LEGEND_CLASS} details", "(d) => d.open")
        assert is_open is (not embed)
        if embed:
            (frame,) = boxes(page, ".leaflet-container")
            assert (legend["b"] - legend["t"]) * (legend["r"] - legend["l"]) < 0.1 * (
                (frame["b"] - frame["t"]) * (frame["r"] - frame["l"])
            )
        else:
            frame = {"l": 0, "t": 0, "r": 1200, "b": 760}
        labels = boxes(page, f".{interactive.LABEL_CLASS}")
        end_labels = boxes(page, f".{interactive.LABEL_END_CLASS}")
        assert len(labels) == len(layout_names(report)) and len(end_labels) == len(ends)
        for label in end_labels:
            assert label["shown"] and within(label, frame), label
        shown_labels = [b for b in labels if b["shown"]]
        others = [b for b in shown_labels if b not in end_labels]
        for a, b in itertools.combinations(others, 2):
            assert not meet(a, b), (a, b)
        text = page.locator(f".{interactive.LABEL_END_CLASS}").all_inner_texts()
        if case == "PH-US":
            assert "Davao (PH)" in text
            assert others  # Piti or Tanguisson Point, where the routes change cable
        assert_not_blank(page.screenshot())
        assert shown.errors == [] and shown.dialogs == []


def layout_names(report: RouteReport) -> set[str]:
    return {s for r in shown_routes(report) for h in r.hops for s in (h.from_station, h.to_station)}


@pytest.mark.browser
def test_the_embedded_legend_opens_within_the_map(
    browser: Any, network: Network, reports: dict[str, RouteReport], tmp_path: Path
) -> None:
    path = write_case(reports["PH-US"], network, tmp_path, embed=True)
    with opened(browser, path) as shown:
        page = shown.page
        page.locator(f".{interactive.LEGEND_CLASS} summary").click()
        page.wait_for_timeout(200)
        assert page.eval_on_selector(f".{interactive.LEGEND_CLASS} details", "(d) => d.open")
        (legend,) = boxes(page, f".{interactive.LEGEND_CLASS}")
        (frame,) = boxes(page, ".leaflet-container")
        assert within(legend, frame)  # scrolls inside rather than spilling out
        assert "Route 1: SEA-US" in page.locator(f".{interactive.LEGEND_CLASS}").inner_text()
        assert shown.errors == []


VIEW = """(name) => {
    const b = window[name].getBounds();
    return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
}"""


@pytest.mark.browser
def test_vietnam_map_opens_on_vietnam(
    browser: Any, network: Network, flags: PolicyFlags, tmp_path: Path
) -> None:
    m = interactive.risk_map(network, flags, country="Vietnam")
    path = tmp_path / "vn.html"
    path.write_text(interactive.to_html(m, self_contained=True), encoding="utf-8")
    with opened(browser, path) as shown:
        south, west, north, east = shown.page.evaluate(VIEW, m.get_name())
        stations = [s for s in network.stations.values() if s.iso2 == "VN"]
        for station in stations:
            assert south < station.lat < north and west < station.lon < east
        assert east - west < 30 and north - south < 20, (south, west, north, east)
        assert shown.page.locator(f".{interactive.LABEL_CLASS}").count() >= 1
        assert shown.errors == []


POLYLINES = """(name) => {
    const jumps = [], far = [];
    window[name].eachLayer((layer) => {
        if (!(layer instanceof L.Polyline) || layer instanceof L.Polygon) { return; }
        let parts = layer.getLatLngs();
        if (parts.length && !Array.isArray(parts[0])) { parts = [parts]; }
        parts.forEach((part) => {
            for (let i = 1; i < part.length; i++) {
                if (Math.abs(part[i].lng - part[i - 1].lng) > 180) { jumps.push(part[i].lng); }
            }
            part.forEach((p) => { if (Math.abs(p.lng) > 180) { far.push(p.lng); } });
        });
    });
    return [jumps.length, far.length];
}"""


@pytest.mark.browser
def test_world_map_draws_cables_across_the_antimeridian_without_a_cut(
    browser: Any, network: Network, flags: PolicyFlags, tmp_path: Path
) -> None:
    m = interactive.risk_map(network, flags)
    path = tmp_path / "world.html"
    path.write_text(interactive.to_html(m, self_contained=True), encoding="utf-8")
    with opened(browser, path) as shown:
        jumps, beyond = shown.page.evaluate(POLYLINES, m.get_name())
        assert jumps == 0  # no line leaps across the map
        assert beyond > 100  # trans-Pacific lines run on past 180 instead of stopping there
        # and the map is the world: the view spans the whole width of the data
        _, west, _, east = shown.page.evaluate(VIEW, m.get_name())
        assert east - west >= 340
        assert shown.errors == []
