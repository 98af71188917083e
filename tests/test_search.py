"""Search across cables, landing stations and carriers (:mod:`cablemap.analysis.search`)."""

from __future__ import annotations

import pytest

from cablemap.analysis.search import QUALITY, search
from cablemap.errors import UserError


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.mark.parametrize("text", ["SEA-US", "sea us", "seaus", "Sea-Us", "  SEA US  "])
def test_sea_us_is_found_however_it_is_written(network, text):
    result = search(network, text)
    first = result.hits[0]
    assert (first.kind, first.id, first.match) == ("cable", "sea-us", "exact")
    assert first.next == "cablemap cable sea-us"


def test_abbreviations_stations_and_carriers(network):
    aag = search(network, "AAG").hits[0]
    assert (aag.id, aag.field, aag.text) == (
        "asia-america-gateway-aag-cable-system",
        "abbreviation",
        "AAG",
    )
    marseille = [h for h in search(network, "Marseille").hits if h.kind == "station"]
    assert [h.id for h in marseille] == ["marseille-france"]
    assert marseille[0].next == "cablemap stations --country FR"
    hmn = search(network, "HMN").hits
    assert [(h.kind, h.id) for h in hmn] == [("carrier", "hmn-tech")]
    assert hmn[0].next == "cablemap carriers show hmn-tech"
    huawei = search(network, "huawei marine").hits[0]  # an alias
    assert (huawei.id, huawei.field) == ("hmn-tech", "alias")


def test_a_country_finds_its_stations_after_everything_else(network):
    result = search(network, "Hong Kong", limit=None)
    hk = {s.id for s in network.stations.values() if s.iso2 == "HK"}
    stations = {h.id for h in result.hits if h.kind == "station"}
    assert hk <= stations  # labelled "..., China" in the data, found by their country
    assert "hainan-to-hong-kong-express-h2he" in {h.id for h in result.hits}
    by_country = [h.field == "country" for h in result.hits]
    assert by_country == sorted(by_country)  # country matches come last
    assert len(result.hits) == result.total


def test_order_and_limit(network):
    everything = search(network, "japan", limit=None)
    assert everything.total > 10
    ranks = [(h.field == "country", QUALITY.index(h.match)) for h in everything.hits]
    assert ranks == sorted(ranks)
    assert len({(h.kind, h.id) for h in everything.hits}) == everything.total  # once each
    first = search(network, "japan", limit=5)
    assert first.total == everything.total and first.hits == everything.hits[:5]
    assert first.as_dict()["shown"] == 5
    assert list(first.to_frame().id) == [h.id for h in first.hits]


def test_nothing_found_and_bad_input(network):
    assert search(network, "qqqzzzxxx").total == 0
    with pytest.raises(UserError, match="no letter or digit"):
        search(network, " -- ")
    with pytest.raises(UserError, match="below 1"):
        search(network, "sea", limit=0)
