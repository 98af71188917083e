"""Published cable-cut incidents (tests/real_world/cable_cuts.toml) replayed in the model."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cablemap.analysis.query import trace_routes
from cablemap.errors import NoRouteError

INCIDENTS = tomllib.loads(
    (Path(__file__).parent / "real_world" / "cable_cuts.toml").read_text(encoding="utf-8")
)["incident"]
DEFAULT = "borders"


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def _outcome(network, incident, terrestrial):
    try:
        trace_routes(
            network,
            incident["place"],
            incident["towards"],
            as_of=incident["year"],
            avoid_cables=incident["cut"],
            terrestrial=terrestrial,
        )
    except NoRouteError:
        return "isolated"
    return "connected"


@pytest.mark.parametrize("incident", INCIDENTS, ids=lambda i: i["name"][:40])
@pytest.mark.parametrize("terrestrial", ["none", "domestic", "borders"])
def test_model_reproduces_the_incident_where_the_table_says(network, incident, terrestrial):
    assert set(incident["cut"]) <= set(network.cables)
    outcome = _outcome(network, incident, terrestrial)
    if terrestrial in incident["matches_terrestrial"]:
        assert outcome == incident["observed"]
    else:
        assert outcome != incident["observed"]


def test_default_matches_most_incidents():
    matched = sum(DEFAULT in i["matches_terrestrial"] for i in INCIDENTS)
    assert matched >= len(INCIDENTS) - 1
