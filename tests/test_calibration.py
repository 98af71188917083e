"""Calibrated km and latency: stated lengths used where plausible; round trips against
published measurements (tests/real_world/measured_rtt.toml)."""

from __future__ import annotations

import statistics
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from cablemap.analysis.points import Point, point_to_point_km
from cablemap.analysis.query import trace_routes
from cablemap.network import calibration
from cablemap.network.graph import CABLE

PAIRS = tomllib.loads(
    (Path(__file__).parent / "real_world" / "measured_rtt.toml").read_text(encoding="utf-8")
)["pair"]


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def _cable_km(network, cable_id):
    edges = network.cable_edges[network.cable_position[cable_id]]
    return sum(network.edges.km[e] for e in edges if network.edges.kind[e] == CABLE) / 2


def test_cable_scaled_to_its_stated_length(network):
    stated = dict(zip(network.dataset.cables.id, network.dataset.cables.length_km, strict=True))
    rebuilt = network.topology.segments.groupby("cable_id")["length_km"].sum()
    ratio = stated["marea"] / rebuilt["marea"]
    assert calibration.LENGTH_SCALE_MIN <= ratio <= calibration.LENGTH_SCALE_MAX
    assert _cable_km(network, "marea") == pytest.approx(stated["marea"], rel=1e-6)


def test_cable_with_implausible_stated_length_left_as_drawn(network):
    stated = dict(zip(network.dataset.cables.id, network.dataset.cables.length_km, strict=True))
    rebuilt = network.topology.segments.groupby("cable_id")["length_km"].sum()
    odd = [
        c
        for c, km in rebuilt.items()
        if pd.notna(stated.get(c))
        and stated[c] > 0
        and not calibration.LENGTH_SCALE_MIN <= stated[c] / km <= calibration.LENGTH_SCALE_MAX
    ]
    assert odd
    for cable_id in odd[:5]:
        assert _cable_km(network, cable_id) == pytest.approx(rebuilt[cable_id], rel=1e-6)


def test_route_json_has_one_way_and_round_trip_latency(network):
    route = trace_routes(network, "US", "JP").as_dict()["routes"][0]
    assert route["rtt_ms"] == pytest.approx(calibration.round_trip_ms(route["km"]), abs=0.1)
    assert route["rtt_ms"] > 2 * route["latency_ms"]


def _ratios(network, which):
    ratios = []
    for pair in PAIRS:
        if pair["set"] != which:
            continue
        a, b = pair["a"], pair["b"]
        km = point_to_point_km(
            network, Point(a["lon"], a["lat"], a["iso2"]), Point(b["lon"], b["lat"], b["iso2"])
        )
        assert km is not None, (a["city"], b["city"])
        ratios.append(calibration.round_trip_ms(km) / pair["rtt_ms"])
    return ratios


def test_modelled_round_trips_match_azure_measurements_at_the_median(network):
    ratios = _ratios(network, "fit")
    assert len(ratios) >= 25
    assert 0.95 <= statistics.median(ratios) <= 1.05


def test_modelled_round_trips_hold_on_measurements_not_used_to_fit(network):
    ratios = _ratios(network, "check")
    assert len(ratios) >= 20
    assert 0.85 <= statistics.median(ratios) <= 1.15


LENGTHS = tomllib.loads(
    (Path(__file__).parent / "real_world" / "cable_lengths.toml").read_text(encoding="utf-8")
)["cable"]


def test_calibrated_lengths_match_published_ones_better_than_the_drawing(network):
    """Operators' published lengths (tests/real_world/cable_lengths.toml, with sources)."""
    rebuilt = network.topology.segments.groupby("cable_id")["length_km"].sum()
    network_error, drawn_error = [], []
    for entry in LENGTHS:
        published = entry["km"]
        network_error.append(abs(_cable_km(network, entry["id"]) / published - 1))
        drawn_error.append(abs(rebuilt[entry["id"]] / published - 1))
    assert statistics.median(network_error) < 0.01  # within 1% at the median
    assert max(network_error) < 0.10
    assert statistics.median(network_error) < statistics.median(drawn_error)
