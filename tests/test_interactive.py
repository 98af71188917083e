"""Interactive maps: route and risk maps, pages, fragments, escaping; and in a real browser.

Unit tests inspect the folium tree and the written HTML. Tests marked ``browser`` open the
self-contained pages in headless Chromium (Playwright, Debian's ``/usr/bin/chromium``)
with every non-``file:`` request refused, so they also prove that the pages need no
network (only the basemap tiles fail, and that is the one error allowed).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
import pytest
from browser import assert_not_blank, opened

from cablemap.analysis.query import RouteReport, trace_routes
from cablemap.analysis.stations import service_year
from cablemap.dataset.load import load_dataset
from cablemap.errors import UserError
from cablemap.network.graph import Network, build_network
from cablemap.policy.flags import policy_flags
from cablemap.policy.rules import load_policy
from cablemap.render import interactive, style
from cablemap.render.assets import LEAFLET_VERSION, leaflet_css, leaflet_js

POLICY = "clean-network-2020"
HOSTILE_NAME = "Gamma <script>alert(\"x\")</script> & 'Strait'"


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def network() -> Network:
    from conftest import OPEN_ROOT, _require

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def us_jp(network: Network) -> RouteReport:
    return trace_routes(network, "United States", "Japan", k=3, policy=POLICY)


@pytest.fixture(scope="module")
def gb_sg(network: Network) -> RouteReport:
    return trace_routes(network, "GB", "SG", k=2, policy=POLICY)


@pytest.fixture(scope="module")
def mini() -> Network:
    from conftest import MINI_V3

    return build_network(load_dataset(MINI_V3))


@pytest.fixture(scope="module")
def mini_report(mini: Network) -> RouteReport:
    return trace_routes(mini, "TW", "CN", policy=POLICY)


# --- helpers -----------------------------------------------------------------------------


def elements(m: folium.Map) -> Iterator[Any]:
    stack = [m]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(element._children.values())


def classed(m: folium.Map, kind: type, css_class: str) -> list[Any]:
    return [
        e
        for e in elements(m)
        if isinstance(e, kind) and css_class in e.options.get("className", "").split()
    ]


def expected_pieces(report: RouteReport) -> int:
    """One drawn line per cable segment of every cable hop, one per terrestrial hop, over
    the routes shown (the answer's routes and its best clean route)."""
    from cablemap.render.shown import shown_routes

    return sum(
        len(hop.segment_ids) if hop.kind == "cable" else 1
        for route in shown_routes(report)
        for hop in route.hops
    )


def expected_stations(report: RouteReport) -> int:
    from cablemap.render.shown import shown_routes

    return len(
        {
            s
            for route in shown_routes(report)
            for hop in route.hops
            for s in (hop.from_station, hop.to_station)
        }
    )


def fitted_bounds(m: folium.Map) -> list[list[float]]:
    (fit,) = [e for e in elements(m) if isinstance(e, folium.map.FitBounds)]
    return fit.bounds


def layer_names(m: folium.Map) -> set[str]:
    return {e.layer_name for e in elements(m) if isinstance(e, folium.FeatureGroup) and e.control}


class TopLevel(HTMLParser):
    """Counts the top-level elements of a fragment and collects its ids."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.roots: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [value for key, value in attrs if key == "id" and value]
        if self.depth == 0:
            self.roots.append(tag)
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.depth -= 1


def parse(fragment: str) -> TopLevel:
    parser = TopLevel()
    parser.feed(fragment)
    parser.close()
    return parser


def assert_no_injected_markup(text: str) -> None:
    lowered = text.lower()
    for bad in ("<script>alert", "javascript:", "onerror", "<img", "<b>telecom", 'alert("x")'):
        assert bad not in lowered, bad


# --- route map ---------------------------------------------------------------------------


def test_route_map_draws_each_segment_backhaul_hop_and_station(
    network: Network, gb_sg: RouteReport
) -> None:
    assert any(hop.kind == "backhaul" for route in gb_sg.routes for hop in route.hops)
    m = interactive.route_map(gb_sg, network)
    lines = classed(m, folium.PolyLine, interactive.ROUTE_CLASS)
    assert len(lines) == expected_pieces(gb_sg)
    markers = classed(m, folium.CircleMarker, interactive.STATION_CLASS)
    assert len(markers) == expected_stations(gb_sg)
    backhaul = classed(m, folium.PolyLine, interactive.BACKHAUL_CLASS)
    from cablemap.render.shown import shown_routes

    hops = sum(hop.kind != "cable" for route in shown_routes(gb_sg) for hop in route.hops)
    assert len(backhaul) == hops  # backhaul and border hops: both assumed terrestrial
    assert all(line.options["dashArray"] == style.BACKHAUL_DASH for line in backhaul)
    flagged = classed(m, folium.PolyLine, interactive.FLAGGED_CLASS)
    assert flagged and all(line.options["color"] == style.FLAGGED for line in flagged)
    assert layer_names(m) == {"Routes", "All cables", "Risky stations", "Station names"}


def test_route_lines_follow_the_segment_geometry(network: Network, us_jp: RouteReport) -> None:
    m = interactive.route_map(us_jp, network)
    lines = classed(m, folium.PolyLine, interactive.ROUTE_CLASS)
    # the drawn cables have their bends, not two-point straight lines
    assert all(len(line.locations) > 2 for line in lines)
    colours = {
        line.options["color"]
        for line in lines
        if interactive.FLAGGED_CLASS not in line.options["className"]
    }
    assert colours == {style.route_colour(2, False), style.route_colour(3, False)}


def test_us_japan_is_drawn_across_the_pacific(network: Network, us_jp: RouteReport) -> None:
    m = interactive.route_map(us_jp, network)
    (_, west), (_, east) = fitted_bounds(m)
    assert east - west < 180.0
    assert west < 180.0 < east or west < -180.0 < east  # spans the antimeridian
    for line in classed(m, folium.PolyLine, interactive.ROUTE_CLASS):
        lons = [lon for _, lon in line.locations]
        assert west - 1e-6 <= min(lons) and max(lons) <= east + 1e-6
        assert max(abs(a - b) for a, b in itertools.pairwise(lons)) < 90.0


def test_route_map_without_policy_has_no_risk_layer(network: Network) -> None:
    report = trace_routes(network, "United States", "Japan", k=2)
    m = interactive.route_map(report, network)
    direct = f"Direct cables ({len(report.direct_cables)})"
    assert report.direct_cables
    assert layer_names(m) == {"Routes", "All cables", direct, "Station names"}
    assert not classed(m, folium.PolyLine, interactive.FLAGGED_CLASS)
    page = interactive.to_html(m, self_contained=False)
    assert "No policy applied" in page


def test_antimeridian_route_on_the_mini_fixture(mini: Network) -> None:
    report = trace_routes(mini, "JP", "US")
    m = interactive.route_map(report, mini)
    (_, west), (_, east) = fitted_bounds(m)
    assert east - west < 130.0  # 139.95E to 118.4W is 101.65 degrees across the Pacific


def test_without_a_clean_route_the_best_flagged_route_is_drawn(mini: Network) -> None:
    report = trace_routes(mini, "TW", "CN", policy=POLICY, avoid_flagged=True)
    assert report.routes == () and report.best_route is not None
    m = interactive.route_map(report, mini)
    assert len(classed(m, folium.PolyLine, interactive.FLAGGED_CLASS)) == 1
    assert "No route avoids every flagged hop" in interactive.to_html(m, self_contained=False)


@pytest.mark.parametrize(
    ("lons", "centre"),
    [([170.0, -170.0], -180.0), ([-10.0, 10.0], 0.0), ([140.0, 241.0], -169.5), ([], 0.0)],
)
def test_centre_longitude(lons: list[float], centre: float) -> None:
    assert interactive.centre_longitude(lons) == pytest.approx(centre)


def test_lines_crossing_a_window_edge_are_whole_and_enter_from_the_other_edge() -> None:
    import numpy as np
    import shapely

    line = shapely.LineString([(150.0, 10.0), (190.0, 12.0), (215.0, 14.0)])
    inside = shapely.LineString([(-20.0, 0.0), (20.0, 5.0)])
    crossing, kept = interactive._window_parts(np.array([line, inside], dtype=object), 0.0)
    assert len(crossing) == 2 and len(kept) == 1
    # never cut at the edge: the whole line (mean -175), and a turn east of it
    assert [part[:, 0].tolist() for part in crossing] == [
        [-210.0, -170.0, -145.0],
        [150.0, 190.0, 215.0],
    ]
    assert kept[0][:, 0].tolist() == [-20.0, 20.0]


def test_lines_and_stations_near_an_edge_are_repeated_past_the_other_edge() -> None:
    import numpy as np
    import shapely

    from cablemap.render.interactive.geometry import MARGIN_DEGREES, _lon_copies

    near = shapely.LineString([(150.0, -15.0), (170.0, -18.0)])  # Fiji side, inside
    (parts,) = interactive._window_parts(np.array([near], dtype=object), 0.0)
    assert [part[:, 0].tolist() for part in parts] == [[150.0, 170.0], [-210.0, -190.0]]
    assert _lon_copies(-175.0, 0.0) == [-175.0, 185.0]  # Tonga, also east of 180
    assert _lon_copies(0.0, 0.0) == [0.0]
    assert _lon_copies(180.0 - MARGIN_DEGREES - 1.0, 0.0) == [180.0 - MARGIN_DEGREES - 1.0]


# --- risk map ----------------------------------------------------------------------------


def test_world_risk_map_is_small_and_complete(network: Network, tmp_path: Path) -> None:
    flags = policy_flags(network, load_policy(POLICY))
    m = interactive.risk_map(network, flags)
    path = tmp_path / "risk.html"
    path.write_text(interactive.to_html(m, self_contained=True), encoding="utf-8")
    assert path.stat().st_size < 3_000_000
    (cables,) = [
        e
        for e in elements(m)
        if isinstance(e, interactive._Features) and "cablemap-cable" in e.styles
    ]
    # Issue 12: the map shows the cables in service this year, as routes use them.
    not_built = service_year(network, None, False).not_built
    segments = network.topology.segments
    assert len(not_built) > 50
    assert cables.count == int((~segments["cable_id"].isin(not_built)).sum())
    assert layer_names(m) == {"Cables (red: flagged segment)", "Risky stations", "Other stations"}


def test_country_risk_map_keeps_its_stations_and_cables(network: Network) -> None:
    flags = policy_flags(network, load_policy(POLICY))
    m = interactive.risk_map(network, flags, country="Japan")
    page = interactive.to_html(m, self_contained=False)
    assert "Japan (JP)" in page
    stations = [
        e for e in elements(m) if isinstance(e, interactive._Features) and "station" in e.styles
    ]
    drawn = sum(layer.count for layer in stations)
    japan = network.dataset.stations
    excluded = service_year(network, None, False).excluded
    landings = network.dataset.landings
    landed = set(landings.loc[~landings["cable_id"].isin(excluded), "station_id"])
    assert drawn == sum(
        1
        for sid, iso in zip(japan["id"], japan["country_iso2"], strict=True)
        if iso == "JP" and sid in landed
    )
    (_, west), (_, east) = fitted_bounds(m)
    assert east - west <= 360.0
    # Planned cables count only when asked for: some Japanese stations have no other.
    planned = interactive.risk_map(network, flags, country="JP", include_planned=True)
    with_planned = sum(
        e.count
        for e in elements(planned)
        if isinstance(e, interactive._Features) and "station" in e.styles
    )
    counted = service_year(network, None, True).excluded
    also = set(landings.loc[~landings["cable_id"].isin(counted), "station_id"]) - landed
    assert with_planned == drawn + sum(1 for s in also if network.stations[s].iso2 == "JP") > drawn


def test_risk_map_without_policy(mini: Network) -> None:
    m = interactive.risk_map(mini, None)
    assert "No policy" in interactive.to_html(m, self_contained=False)


def test_risk_map_of_one_station(mini: Network) -> None:
    flags = policy_flags(mini, load_policy(POLICY))
    m = interactive.risk_map(mini, flags, country="toucheng-taiwan")
    stations = [
        e for e in elements(m) if isinstance(e, interactive._Features) and "station" in e.styles
    ]
    assert sum(layer.count for layer in stations) == 1


# --- escaping ----------------------------------------------------------------------------


def test_hostile_strings_are_escaped(mini: Network, mini_report: RouteReport) -> None:
    assert mini.cables["gamma-strait"].name == HOSTILE_NAME
    flags = policy_flags(mini, load_policy(POLICY))
    for m in (interactive.route_map(mini_report, mini), interactive.risk_map(mini, flags)):
        for text in (
            interactive.to_html(m, self_contained=False),
            interactive.to_embed(m, self_contained=False),
        ):
            assert_no_injected_markup(text)
            # the name is there, escaped, inside a JSON string
            assert "Gamma \\u0026lt;script\\u0026gt;alert(\\u0026quot;x\\u0026quot;)" in text


def test_template_syntax_in_the_data_is_not_evaluated(mini_root: Path) -> None:
    for path in (mini_root / "cable").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("Gamma <script>", "Gamma {{ 7*7 }} {% if 1 %}YES{% endif %} <script>"),
            encoding="utf-8",
        )
    network = build_network(load_dataset(mini_root))
    report = trace_routes(network, "TW", "CN", policy=POLICY)
    page = interactive.to_html(interactive.route_map(report, network), self_contained=False)
    assert "Gamma 49" not in page and " YES " not in page
    assert "Gamma {\\u007b 7*7 }} {\\u0025 if 1 %}YES{\\u0025 endif %}" in page


def test_links_only_for_web_urls() -> None:
    assert interactive._link("javascript:alert(1)", "x") == "x"
    assert interactive._link("data:text/html,hi", "x") == "x"
    assert interactive._link('https://example.org/"><b>', "x") == (
        '<a href="https://example.org/&quot;&gt;&lt;b&gt;" target="_blank" '
        'rel="noopener noreferrer">x</a>'
    )


# --- pages, fragments, notebooks -----------------------------------------------------------


def test_self_contained_page_needs_no_remote_asset(mini: Network, mini_report: RouteReport) -> None:
    m = interactive.route_map(mini_report, mini)
    page = interactive.to_html(m, self_contained=True)
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert f"Leaflet {LEAFLET_VERSION}" in page
    linked = interactive.to_html(m, self_contained=False)
    assert f"leaflet@{LEAFLET_VERSION}/dist/leaflet.js" in linked
    assert len(linked) < len(page) - 100_000
    assert interactive.to_html(m, self_contained=True) == page  # writing twice: same page
    for text in (page, linked):
        assert "jquery" not in text.lower() and "bootstrap" not in text.lower()
        assert style.ATTRIBUTION in text and "OpenStreetMap" in text


def test_leaflet_assets_come_inlined_from_the_package() -> None:
    assert "url(images/" not in leaflet_css()
    assert "data:image/png;base64," in leaflet_css()
    assert f'version="{LEAFLET_VERSION}"' in leaflet_js()
    assert "</script" not in leaflet_js()


def test_two_fragments_share_a_page_without_clashing(
    mini: Network, mini_report: RouteReport
) -> None:
    flags = policy_flags(mini, load_policy(POLICY))
    first = interactive.to_embed(interactive.route_map(mini_report, mini), self_contained=True)
    second = interactive.to_embed(interactive.risk_map(mini, flags), self_contained=False)
    ids = []
    for fragment in (first, second):
        parsed = parse(fragment)
        assert parsed.roots == ["div"] and parsed.depth == 0
        ids += parsed.ids + re.findall(r"div\.id = \"([^\"]+)\"", fragment)
    assert len(ids) == len(set(ids)) >= 6
    # the fragment's own styles only reach its own map
    for block in re.findall(r"<style>(.*?)</style>", second, flags=re.S):
        selectors = [
            s.strip() for group in re.findall(r"([^{}]+)\{", block) for s in group.split(",")
        ]
        assert selectors and all(s.startswith("#map_") for s in selectors), selectors


def test_embed_rejects_a_bad_height(mini: Network, mini_report: RouteReport) -> None:
    m = interactive.route_map(mini_report, mini)
    with pytest.raises(UserError, match="CSS length"):
        interactive.to_embed(m, self_contained=False, height="1px; background: red")


def test_route_report_displays_itself_in_jupyter(mini_report: RouteReport) -> None:
    shown = mini_report._repr_html_()
    assert shown is not None and shown.startswith('<div class="cablemap-notebook"><iframe srcdoc=')
    assert 'sandbox="allow-scripts allow-popups"' in shown
    assert "&lt;script&gt;" in shown  # the page is inside an attribute: escaped once more
    assert "<script" not in shown
    assert "Network(" not in repr(mini_report)  # the network rides along, unprinted


def test_notebook_pattern_raises_no_ipython_warning(
    mini: Network, mini_report: RouteReport
) -> None:
    """The documented patterns, under IPython with every warning an error."""
    import warnings

    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import HTML

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = HTML(interactive.notebook_html(interactive.route_map(mini_report, mini)))
        data, _ = InteractiveShell.instance().display_formatter.format(mini_report)
    assert "<iframe srcdoc=" in shown.data
    assert data["text/html"].startswith('<div class="cablemap-notebook">')
    assert data["text/plain"].startswith("<RouteReport Taiwan to China")
    assert len(data["text/plain"]) < 200


# --- in a browser ------------------------------------------------------------------------


def click_on_path(page: Any, selector: str) -> None:
    """Click the middle of the first SVG path matching ``selector``, on the stroke."""
    x, y = page.eval_on_selector(
        selector,
        """(el) => {
            const p = el.getPointAtLength(el.getTotalLength() / 2);
            const m = el.getScreenCTM();
            return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
        }""",
    )
    page.mouse.click(x, y)


@pytest.mark.browser
def test_route_map_in_a_browser(
    browser: Any, network: Network, us_jp: RouteReport, tmp_path: Path
) -> None:
    path = tmp_path / "route.html"
    path.write_text(
        interactive.to_html(interactive.route_map(us_jp, network), self_contained=True),
        encoding="utf-8",
    )
    with opened(browser, path) as shown:
        page = shown.page
        assert page.locator(f"path.{interactive.ROUTE_CLASS}").count() == expected_pieces(us_jp)
        assert page.locator(f"path.{interactive.STATION_CLASS}").count() == expected_stations(us_jp)
        assert page.locator(f"path.{interactive.CABLE_CLASS}").count() == len(
            network.topology.segments
        )
        legend = page.locator(f".{interactive.LEGEND_CLASS}")
        assert legend.is_visible() and "Route 3" in legend.inner_text()
        assert "TeleGeography" in page.locator(".leaflet-control-attribution").inner_text()
        assert_not_blank(page.screenshot())
        assert shown.errors == [] and shown.dialogs == []


@pytest.mark.browser
def test_risk_map_in_a_browser(browser: Any, network: Network, tmp_path: Path) -> None:
    flags = policy_flags(network, load_policy(POLICY))
    path = tmp_path / "risk.html"
    path.write_text(
        interactive.to_html(interactive.risk_map(network, flags), self_contained=True),
        encoding="utf-8",
    )
    with opened(browser, path) as shown:
        page = shown.page
        not_built = service_year(network, None, False).not_built
        in_service = ~network.topology.segments["cable_id"].isin(not_built)
        assert page.locator(f"path.{interactive.CABLE_CLASS}").count() == int(in_service.sum())
        from cablemap.network.status import load_status_overlay

        status = set(load_status_overlay()) & network.cables_out_of_service()
        segments = network.topology.segments
        not_routed = segments["cable_id"].isin(status)
        flagged = sum(
            1
            for sid, out, shown in zip(segments["segment_id"], not_routed, in_service, strict=True)
            if flags.segments.get(sid) and not out and shown
        )
        assert (
            page.locator(f"path.{interactive.CABLE_CLASS}.{interactive.FLAGGED_CLASS}").count()
            == flagged
        )
        # Cables the status overlay keeps out of routes are drawn dotted, flagged or not.
        # (those never built, a cancelled planned cable, are not drawn at all).
        dotted = int((not_routed & in_service).sum())
        assert page.locator("path.cablemap-not-routed").count() == dotted > 0
        assert page.locator(f"path.{interactive.RISKY_STATION_CLASS}").count() > 100
        assert page.locator(f".{interactive.LEGEND_CLASS}").is_visible()
        assert_not_blank(page.screenshot())
        assert shown.errors == [] and shown.dialogs == []


@pytest.mark.browser
def test_hostile_name_shows_as_text_in_a_popup(
    browser: Any, mini: Network, mini_report: RouteReport, tmp_path: Path
) -> None:
    path = tmp_path / "mini.html"
    path.write_text(
        interactive.to_html(interactive.route_map(mini_report, mini), self_contained=True),
        encoding="utf-8",
    )
    with opened(browser, path) as shown:
        page = shown.page
        click_on_path(page, f"path.{interactive.ROUTE_CLASS}")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        assert HOSTILE_NAME in popup.inner_text()
        assert popup.locator("script, img, b:text('Telecom')").count() == 0
        assert page.locator("script:not([src])").count() == 2  # Leaflet and the map's own
        assert shown.errors == [] and shown.dialogs == []


@pytest.mark.browser
def test_two_fragments_work_in_one_page(
    browser: Any, mini: Network, mini_report: RouteReport, tmp_path: Path
) -> None:
    flags = policy_flags(mini, load_policy(POLICY))
    fragments = [
        interactive.to_embed(interactive.route_map(mini_report, mini), self_contained=True),
        interactive.to_embed(interactive.risk_map(mini, flags), self_contained=True),
    ]
    path = tmp_path / "report.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>report</title></head><body>"
        "<h1 id='title'>Report</h1>" + "<p>text</p>".join(fragments) + "</body></html>",
        encoding="utf-8",
    )
    with opened(browser, path) as shown:
        page = shown.page
        assert page.locator(".leaflet-container").count() == 2
        assert page.locator(f".{interactive.LEGEND_CLASS}").count() == 2
        ids = page.eval_on_selector_all("[id]", "(els) => els.map((e) => e.id)")
        assert len(ids) == len(set(ids))
        # the host page keeps its own look: no fragment style reaches its heading
        assert page.eval_on_selector("#title", "(e) => getComputedStyle(e).fontSize") == "32px"
        assert shown.errors == [] and shown.dialogs == []
