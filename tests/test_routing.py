"""Routes on the real open snapshot: several oceans, chained hops, distinct alternatives."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pyproj import Geod

from cablemap.analysis.query import trace_routes
from cablemap.errors import (
    NoLandingStationError,
    NoRouteError,
    SamePlaceError,
    UnknownPlaceError,
    UserError,
)

GEOD = Geod(ellps="WGS84")
PAIRS = [
    ("United States", "Japan"),  # Pacific, across the antimeridian
    ("GB", "US"),  # Atlantic
    ("France", "Singapore"),  # Mediterranean, Red Sea, Indian Ocean
    ("BRA", "ZAF"),  # South Atlantic
    ("Australia", "India"),  # Indian Ocean
    ("Chile", "Peru"),  # along a coast
]


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def _great_circle_km(network, a, b):
    sa, sb = network.stations[a], network.stations[b]
    return GEOD.inv(sa.lon, sa.lat, sb.lon, sb.lat)[2] / 1000.0


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_routes_chain_and_are_no_shorter_than_the_great_circle(network, origin, destination):
    report = trace_routes(network, origin, destination, k=3)
    assert 1 <= len(report.routes) <= 3
    for route in report.routes:
        hops = route.hops
        assert hops[0].from_country == report.origin.iso2
        assert hops[-1].to_country == report.destination.iso2
        for before, after in itertools.pairwise(hops):
            assert after.from_station == before.to_station
        assert route.km == pytest.approx(sum(h.km for h in hops))
        gc = _great_circle_km(network, hops[0].from_station, hops[-1].to_station)
        assert route.km >= gc * 0.999
        assert route.latency_ms == pytest.approx(route.km / 204.22, rel=1e-3)
        for hop in hops:
            a, b = network.stations[hop.from_station], network.stations[hop.to_station]
            assert hop.km > 0 or (a.lon, a.lat) == (b.lon, b.lat)  # two ids at one point
            if hop.kind == "cable":
                assert hop.segment_ids and hop.cable_id in route.cables
            else:
                assert hop.cable_id is None
                assert (hop.from_country == hop.to_country) == (hop.kind == "backhaul")


@pytest.mark.parametrize(("origin", "destination"), PAIRS[:3])
def test_alternatives_use_distinct_cable_sets_shortest_first(network, origin, destination):
    routes = trace_routes(network, origin, destination, k=6).routes
    sets = [frozenset(r.cables) for r in routes]
    assert len(set(sets)) == len(sets)
    assert [r.rank for r in routes] == list(range(1, len(routes) + 1))
    assert all(a.cost <= b.cost + 1e-6 for a, b in itertools.pairwise(routes))


def test_us_japan_crosses_the_pacific(network):
    best = trace_routes(network, "United States", "Japan").routes[0]
    assert best.km < 9000  # a trans-Pacific cable, not around the world
    assert any(h.kind == "cable" and h.to_country == "JP" for h in best.hops)


def test_avoiding_a_cable_changes_the_route_and_leaks_nothing(network):
    first = trace_routes(network, "US", "JP").routes[0]
    avoided = first.cables[0]
    other = trace_routes(network, "US", "JP", avoid_cables=[avoided]).routes[0]
    assert avoided not in other.cables and other.km >= first.km
    again = trace_routes(network, "US", "JP").routes[0]
    assert again == first  # the query before did not change the network


def test_as_of_uses_only_cables_in_service(network):
    report = trace_routes(network, "US", "JP", k=3, as_of=2000)
    for route in report.routes:
        for cable_id in route.cables:
            cable = network.cables[cable_id]
            assert cable.rfs_year is not None and cable.rfs_year <= 2000
            assert not cable.planned


def test_include_planned(network):
    planned = {c for c, info in network.cables.items() if info.planned}
    assert planned
    default = trace_routes(network, "PT", "ZA", k=5)
    assert not any(set(r.cables) & planned for r in default.routes)
    with_planned = trace_routes(network, "PT", "ZA", k=5, include_planned=True, as_of=2030)
    assert with_planned.routes[0].km <= default.routes[0].km


def test_resilience_cut_really_disconnects(network):
    outcome = trace_routes(network, "Iceland", "United Kingdom", resilience=True).resilience
    assert outcome.disjoint_routes >= 2 and outcome.critical_cables == ()
    assert len(outcome.min_cut_cables) <= outcome.disjoint_routes
    with pytest.raises(NoRouteError):
        trace_routes(network, "Iceland", "United Kingdom", avoid_cables=outcome.min_cut_cables)


def test_a_single_cable_link_is_critical(network):
    report = trace_routes(network, "Tonga", "Fiji", resilience=True)
    outcome = report.resilience
    assert outcome.disjoint_routes == 1
    assert outcome.critical_cables == outcome.min_cut_cables == report.routes[0].cables
    with pytest.raises(NoRouteError, match="no route from Tonga to Fiji"):
        trace_routes(network, "Tonga", "Fiji", avoid_cables=outcome.critical_cables)


def test_json_contract(network):
    data = trace_routes(network, "United States", "Japan", k=2, resilience=True).as_dict()
    assert set(data) >= {"from", "to", "routes", "resilience", "snapshot"}
    assert data["from"] == {"iso2": "US", "name": "United States"}
    route = data["routes"][0]
    assert set(route) >= {"rank", "km", "latency_ms", "cables", "hops"}
    hop_keys = {
        "kind",
        "cable_id",
        "cable_name",
        "from_station",
        "to_station",
        "from_country",
        "to_country",
        "km",
    }
    assert all(hop_keys <= set(hop) for hop in route["hops"])
    assert set(data["resilience"]) == {"disjoint_routes", "min_cut_cables", "critical_cables"}


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        ("japan", "JP"),
        ("JP", "JP"),
        ("jpn", "JP"),
        ("South Korea", "KR"),
        ("Hong Kong", "HK"),
        ("Macau", "MO"),
        ("  United   States ", "US"),
    ],
)
def test_places_resolve(network, text, iso2):
    assert network.places.resolve(text).iso2 == iso2


def test_station_ends(network):
    report = trace_routes(network, "chikura-japan", "United States")
    assert report.origin.station == "chikura-japan"
    assert report.routes[0].hops[0].from_station == "chikura-japan"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("Japn", "US"), UnknownPlaceError, "did you mean 'Japan'"),
        (("Atlantis", "US"), UnknownPlaceError, "unknown country, city or landing station"),
        (("Japan", "JPN"), SamePlaceError, "both ends are in Japan"),
        (("Switzerland", "US"), NoLandingStationError, "Switzerland (CH) has no landing station"),
    ],
)
def test_bad_ends(network, args, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        trace_routes(network, *args)


def test_unknown_avoided_cable_suggests(network):
    with pytest.raises(UserError, match="did you mean.*tata-tgn-pacific"):
        trace_routes(network, "US", "JP", avoid_cables=["tata-tgn-pacifc"])


def test_network_graph_is_not_modified_by_queries(network):
    before = list(network.edges.km)
    trace_routes(network, "GB", "SG", k=5, avoid_cables=["seamewe-5"], resilience=True)
    assert network.edges.km == before
    assert not any(np.isinf(before))
