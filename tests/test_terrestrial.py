"""Assumed terrestrial links run over land, never across open sea or through a foreign
country, and they are used, or not, as ``--terrestrial`` says."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import shapely
from pyproj import Geod

from cablemap.analysis.query import trace_routes
from cablemap.dataset.land import load_land
from cablemap.dataset.placement import land_parent
from cablemap.errors import NoRouteError, UserError
from cablemap.network.graph import BACKHAUL, BORDER
from cablemap.network.terrestrial import LINK_COAST_KM, WATER_ALLOWANCE_KM

GEOD = Geod(ellps="WGS84")
SAMPLING_SLACK_KM = 8.0
"""The model samples links every 4 km; an exact measure may differ by about two samples."""


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@functools.cache
def _allowed_land(codes: frozenset[str]):
    import shapely.affinity

    land = load_land()
    polygons = [land.by_iso2[c] for c in codes if c in land.by_iso2]
    return shapely.union_all(
        [shapely.affinity.translate(p, xoff=shift) for p in polygons for shift in (-360, 0, 360)]
    )


def _off_land_km(a, b, land) -> float:
    """Km of the great circle a-b (its ends' coastal km left out) off the polygons.

    Measured independently of the model: the great circle is densified with pyproj every
    km, clipped with GEOS, and the part off land is measured on the ellipsoid.
    """
    total = GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2] / 1000.0
    steps = max(int(total), 1)
    middle = GEOD.npts(a.lon, a.lat, b.lon, b.lat, steps - 1) if steps > 1 else []
    points = [(a.lon, a.lat), *middle, (b.lon, b.lat)]
    along = np.linspace(0.0, total, len(points))
    keep = (along >= LINK_COAST_KM) & (along <= total - LINK_COAST_KM)
    inner = [p for p, k in zip(points, keep, strict=True) if k]
    if len(inner) < 2:
        return 0.0
    lons = np.degrees(np.unwrap(np.radians([p[0] for p in inner])))
    line = shapely.LineString(np.column_stack([lons, [p[1] for p in inner]]))
    off = shapely.difference(line, land)
    return 0.0 if off.is_empty else GEOD.geometry_length(off) / 1000.0


def test_every_terrestrial_link_stays_on_land(network):
    checked = 0
    for _, kind, a, b in network.terrestrial_edges[::2]:  # one direction of each link
        sa, sb = network.stations[a], network.stations[b]
        codes = {land_parent(sa.iso2), land_parent(sb.iso2)}
        if kind == BACKHAUL:
            assert sa.iso2 == sb.iso2
        else:
            assert kind == BORDER and sa.iso2 != sb.iso2
        off = _off_land_km(sa, sb, _allowed_land(frozenset(codes)))
        assert off <= WATER_ALLOWANCE_KM + SAMPLING_SLACK_KM, (a, b, off)
        checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("lihue-hi-united-states", "unalaska-ak-united-states"),  # Hawaii - Aleutians
        ("maywick-united-kingdom", "skaill-united-kingdom"),  # Shetland - Orkney
        ("longyearbyen-svalbard-norway", "tromso-norway"),  # Svalbard - mainland
        ("kaliningrad-russia", "kingisepp-russia"),  # through the Baltic states
        ("mogadishu-somalia", "berbera-somalia"),  # through Somaliland
    ],
)
def test_no_terrestrial_link_across_sea_or_foreign_land(network, a, b):
    linked = {(x, y) for _, _, x, y in network.terrestrial_edges}
    assert (a, b) not in linked


def test_northern_cyprus_and_guantanamo_have_no_terrestrial_link(network):
    touching = {s for _, _, x, y in network.terrestrial_edges for s in (x, y)}
    assert "girne-cyprus" not in touching  # across the Green Line
    assert "guantanamo-bay-cuba" not in touching or all(
        network.stations[y].iso2 == "CU"
        for _, _, x, y in network.terrestrial_edges
        if x == "guantanamo-bay-cuba"
    )


def test_border_links_join_vietnam_to_its_neighbours(network):
    pairs = {
        frozenset((network.stations[x].iso2, network.stations[y].iso2))
        for _, kind, x, y in network.terrestrial_edges
        if kind == BORDER
    }
    assert frozenset(("VN", "KH")) in pairs or frozenset(("VN", "CN")) in pairs
    assert frozenset(("HK", "CN")) in pairs


def test_terrestrial_none_uses_only_cables(network):
    report = trace_routes(network, "France", "India", terrestrial="none")
    assert all(hop.kind == "cable" for route in report.routes for hop in route.hops)
    domestic = trace_routes(network, "France", "India", terrestrial="domestic")
    assert all(hop.kind != "border" for route in domestic.routes for hop in route.hops)


def test_unknown_terrestrial_mode_is_a_user_error(network):
    with pytest.raises(UserError, match="--terrestrial"):
        trace_routes(network, "FR", "IN", terrestrial="sea")


def test_planned_cable_stations_are_not_waypoints(network):
    today = network.cables_out_of_service()
    blocked = network.blocked_terrestrial(today)

    def usable(station):
        return any(c not in today for c in network.station_cables[station])

    def legitimate(station):  # not only military, non-commercial or occupied-territory
        bad = {"military", "non-commercial", "occupied-territory"}
        return any(network.cables[c].status not in bad for c in network.station_cables[station])

    served = {network.stations[s].iso2 for s in network.station_cables if usable(s)}
    assert any(not usable(s) for s in network.station_cables)  # planned-only stations exist
    for edge, _, a, b in network.terrestrial_edges:
        waypoints = all(
            usable(s) or (network.stations[s].iso2 not in served and legitimate(s)) for s in (a, b)
        )
        assert (edge in blocked) != waypoints


def test_hawaii_to_alaska_has_no_route_without_a_cable(network):
    with pytest.raises(NoRouteError):
        trace_routes(network, "lihue-hi-united-states", "unalaska-ak-united-states")
