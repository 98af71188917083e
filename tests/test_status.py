"""The cable status overlay: checked on load, applied to routes, explained in the answer."""

from __future__ import annotations

import pytest

from cablemap.analysis.query import trace_routes
from cablemap.errors import DataError, UserError
from cablemap.network.status import _parse, load_status_overlay


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


GOOD = {
    "id": "gtmo-1",
    "status": "military",
    "since": "2016-01",
    "reason": "a naval base cable",
    "sources": [{"title": "t", "publisher": "p", "url": "https://example.org", "date": "2016"}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "sunk"}, "status must be one of"),
        ({"since": "soon"}, "since must start with a year"),
        ({"reason": ""}, "reason is missing"),
        ({"sources": []}, "at least one source"),
        ({"sources": [{"title": "no url"}]}, "every source needs a url"),
        ({"id": "../etc"}, "id must be a cable slug"),
    ],
)
def test_bad_overlay_entries_are_refused_naming_the_entry(change, message):
    with pytest.raises(DataError, match=f"cable entry 3: {message}"):
        _parse({**GOOD, **change}, 3)


def test_every_shipped_entry_names_a_cable_of_the_open_snapshot(network):
    overlay = load_status_overlay()
    assert len(overlay) >= 10
    assert set(overlay) <= set(network.cables)


def test_military_cable_left_out_by_default_and_brought_back_on_request(network):
    default = trace_routes(network, "US", "CU")
    used = {c for route in default.routes for c in route.cables}
    assert "gtmo-1" not in used
    reasons = {entry["id"]: entry for entry in default.as_dict()["left_out_by_status"]}
    assert reasons["gtmo-1"]["status"] == "military" and reasons["gtmo-1"]["sources"]
    military = trace_routes(network, "US", "CU", include_status=["military"])
    assert "gtmo-1" in military.routes[0].cables


def test_retired_cable_counts_before_its_retirement_year(network):
    assert "cantat-3" in network.cables_out_of_service()
    assert "cantat-3" not in network.cables_out_of_service(as_of=2005)


def test_planned_cable_corrected_to_in_service(network):
    grace = network.cables["grace-hopper"]
    assert not grace.planned and grace.rfs_year == 2022
    assert "grace-hopper" not in network.cables_out_of_service()


def test_unknown_status_kind_is_a_user_error(network):
    with pytest.raises(UserError, match="--include-status"):
        trace_routes(network, "US", "CU", include_status=["haunted"])
