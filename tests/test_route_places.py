"""Routes between territories and subdivisions answer what a network engineer expects."""

from __future__ import annotations

import json

import pytest
from conftest import run_cablemap

from cablemap.analysis.query import trace_routes
from cablemap.errors import SamePlaceError


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def test_us_to_puerto_rico_is_a_real_route(network):
    report = trace_routes(network, "US", "PR", k=3)
    assert report.destination.iso2 == "PR"
    for route in report.routes:
        assert route.hops[0].from_country == "US" and route.hops[-1].to_country == "PR"
        assert route.km > 1500  # Florida to San Juan is about 1,700 km by sea


def test_hawaii_end_starts_in_hawaii(network):
    report = trace_routes(network, "US-HI", "JP", k=2)
    assert report.origin.subdivision == "US-HI" and report.origin.iso2 == "US"
    for route in report.routes:
        assert route.hops[0].from_subdivision == "US-HI"
        assert route.hops[-1].to_country == "JP"


def test_us_to_netherlands_reaches_europe(network):
    route = trace_routes(network, "US", "NL").routes[0]
    end = network.stations[route.hops[-1].to_station]
    assert end.iso2 == "NL" and end.lat > 50  # not Bonaire or Curacao
    assert route.km > 5000


def test_two_subdivisions_of_one_country_can_be_joined(network):
    report = trace_routes(network, "GB-ORK", "GB-ZET")
    assert report.routes[0].hops[0].from_subdivision == "GB-ORK"
    with pytest.raises(SamePlaceError):
        trace_routes(network, "US", "US-HI")


def test_every_hop_in_json_names_kind_countries_and_subdivisions(network):
    data = trace_routes(network, "France", "India", k=3).as_dict()
    for route in data["routes"]:
        for hop in route["hops"]:
            assert hop["kind"] in ("cable", "backhaul", "border")
            assert len(hop["from_country"]) == 2 and len(hop["to_country"]) == 2
            assert "from_subdivision" in hop and "to_subdivision" in hop
            if hop["kind"] == "backhaul":
                assert hop["from_country"] == hop["to_country"]
            if hop["kind"] == "border":
                assert hop["from_country"] != hop["to_country"]
    assert data["filters"]["terrestrial"] == "borders"


def test_cli_route_from_a_subdivision(open_root, isolated_cache):
    result = run_cablemap(
        "--data",
        str(open_root),
        "route",
        "US-HI",
        "JP",
        "--format",
        "json",
        "--terrestrial",
        "domestic",
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["from"]["subdivision"] == "US-HI"
    assert data["filters"]["terrestrial"] == "domestic"
