"""Issue 12 item 4: `cablemap country` on real data, checked against what happened.

Real data: the Open Undersea Cable Map snapshot (late 2022). Real-world facts: Tonga has
one international cable and was cut off when it broke in 2022; Shetland and Mauritania
likewise (tests/real_world/cable_cuts.toml); Vietnam had five international cables in
2023, all faulty at once, and stayed online over land.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import cablemap
from cablemap.analysis.country import describe_country
from cablemap.analysis.isolation import isolate
from cablemap.errors import NoLandingStationError, UnknownPlaceError, UserError

INCIDENTS = tomllib.loads(
    (Path(__file__).parent / "real_world" / "cable_cuts.toml").read_text(encoding="utf-8")
)["incident"]


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def test_tonga_has_one_international_cable_whose_loss_cuts_it_off(network):
    report = describe_country(network, "Tonga", as_of=2022)
    international = report.counted()
    assert [c.id for c in international] == ["tonga-cable"]
    assert international[0].reaches == ("FJ",) and international[0].rfs_year == 2013
    # The domestic extension (Nuku'alofa - Vava'u - Ha'apai) is counted apart.
    assert [c.id for c in report.counted(international=False)] == [
        "tonga-domestic-cable-extension-tdce"
    ]
    assert report.isolation.single_points == ("tonga-cable",)
    assert report.isolation.ways_out == 1 and report.isolation.land_neighbours == ()
    assert list(report.reached()) == ["FJ"]


@pytest.mark.parametrize("incident", INCIDENTS, ids=lambda i: i["name"][:30])
def test_the_cables_cut_in_each_incident_cut_the_place_off_by_sea(network, incident):
    report = describe_country(network, incident["place"], as_of=incident["year"])
    cut = frozenset(incident["cut"])
    assert cut <= {c.id for c in report.counted()}
    assert isolate(network, report.place, report.service.excluded | cut).ways_out == 0
    if incident["observed"] == "isolated":  # one cable, and its loss cut the place off
        assert set(report.isolation.single_points) == cut
    else:  # Vietnam 2023: every cable, and the land border that kept it online
        assert set(report.isolation.min_cut_cables) == cut
        assert report.isolation.single_points == ()
        assert report.isolation.land_neighbours


def test_vietnam_counts_by_year_and_planned(network):
    now = describe_country(network, "Vietnam", as_of=2026)
    counts = now.as_dict()["counts"]["international"]
    # AAG, APG, TGN-IA, AAE-1 in service; ADC and SJC2 planned in the data; SeaMeWe-3
    # retired in December 2024 (status overlay).
    assert counts == {
        "total": 7,
        "in_service": 4,
        "planned": 2,
        "out_of_service": 1,
        "counted": 4,
    }
    assert {c.id for c in now.cables if c.status == "planned"} == {
        "asia-direct-cable-adc",
        "southeast-asia-japan-cable-2-sjc2",
    }
    assert next(c for c in now.cables if c.id == "seamewe-3").status == "retired"
    planned = describe_country(network, "VN", as_of=2026, include_planned=True)
    assert len(planned.counted()) == 6
    assert planned.isolation.ways_out > now.isolation.ways_out
    then = describe_country(network, "VNM", as_of=2010)  # before APG (2016), AAE-1 (2017)
    assert {c.id for c in then.counted()} == {
        "asia-america-gateway-aag-cable-system",
        "tata-tgn-intra-asia-tgn-ia",
        "seamewe-3",
    }
    assert {c.status for c in then.cables if not c.counted} == {"later", "planned"}


def test_vietnam_flagged_share_by_role(network):
    report = describe_country(network, "VN", policy="clean-network-2020", as_of=2026)
    flagged = report.flagged_by_role()
    assert flagged is not None
    by_cable = {c.id: c.roles for c in report.counted()}
    assert flagged == {
        "any": sum(1 for r in by_cable.values() if r),
        "owner": sum(1 for r in by_cable.values() if "owner" in r),
        "supplier": sum(1 for r in by_cable.values() if "supplier" in r),
        "landing": sum(1 for r in by_cable.values() if "landing" in r),
    }
    # Every one lands in Hong Kong or mainland China, which the policy excludes.
    assert flagged["landing"] == flagged["any"] == 4
    assert by_cable["asia-pacific-gateway-apg"] == ("owner", "landing")
    assert describe_country(network, "VN").flagged_by_role() is None


def test_a_hub_has_no_single_point_of_failure(network):
    report = describe_country(network, "Singapore")
    assert report.isolation.single_points == ()
    assert report.isolation.ways_out >= 20
    assert len(report.isolation.min_cut_cables) >= 20
    assert len(report.reached()) >= 20


def test_a_subdivision_is_cut_off_from_its_own_country_too(network):
    hawaii = describe_country(network, "Hawaii")
    assert hawaii.place.subdivision == "US-HI"
    assert "US" in hawaii.reached()  # the mainland, by cable
    assert hawaii.counted(international=False)  # inter-island cables
    assert hawaii.isolation.ways_out == len(hawaii.isolation.min_cut_cables) >= 2


def test_json_contract(network):
    data = json.loads(json.dumps(describe_country(network, "TO").as_dict()))
    assert set(data) >= {"place", "as_of", "counts", "cables", "stations", "reached", "cut_off"}
    assert data["cut_off"]["single_points_of_failure"] == ["tonga-cable"]
    assert data["flagged"] is None and data["include_planned"] is False


def test_public_api(network):
    assert cablemap.describe_country is describe_country
    assert "describe_country" in dir(cablemap)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Atlantis", UnknownPlaceError),
        ("Mongolia", NoLandingStationError),
        ("ASEAN", UserError),
        ("Marseille", UserError),
        ("tonga-cable", UnknownPlaceError),
    ],
)
def test_not_a_country(network, text, error):
    with pytest.raises(error):
        describe_country(network, text)


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """``cablemap --data OPEN_ROOT country ...`` with one cache for the module."""
    from conftest import OPEN_ROOT, _require, run_cablemap

    cache = tmp_path_factory.mktemp("cache")

    def run(*args):
        return run_cablemap("--data", str(_require(OPEN_ROOT)), "country", *args, cache=cache)

    return run


def test_country_command_table_json_csv(cli):
    table = cli("TO", "--policy", "clean-network-2020", "--as-of", "2022")
    assert table.returncode == 0, table.stderr
    text = table.stdout
    assert "Tonga (TO): cables in service in 2022; planned cables left out" in text
    assert "single point of failure: Tonga Cable: its loss alone cuts Tonga off" in text
    assert "Domestic cables (landing only in Tonga): 1" in text
    assert "Fiji (FJ): Tonga Cable" in text and "TeleGeography" in text
    data = json.loads(cli("Vietnam", "--format", "json", "--include-planned").stdout)
    assert data["include_planned"] is True and data["counts"]["international"]["counted"] == 6
    lines = cli("Singapore", "--format", "csv").stdout.splitlines()
    comments = [line for line in lines if line.startswith("# ")]
    assert any("ways out by sea" in line for line in comments)
    header, *rows = lines[len(comments) :]
    assert header.startswith("cable,name,international,status,counted,rfs_year")
    assert not any(row.split(",")[-2] == "True" for row in rows)  # no single point


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("Atlantis",), 6, "unknown country"),
        (("ASEAN",), 2, "not a country"),
        (("Mongolia",), 8, "no landing station"),
        (("VN", "--policy", "no-such-policy"), 2, "no-such-policy"),
    ],
)
def test_country_command_errors_are_one_line(cli, args, code, fragment):
    result = cli(*args)
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cablemap: error: ") and fragment in lines[0]


def test_country_command_year_out_of_range_is_a_usage_error(cli):
    result = cli("VN", "--as-of", "1700")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--as-of'" in result.stderr


def test_a_territory_with_no_cable_in_service_is_cut_off_by_sea(network):
    from cablemap.render.country import country_text

    # Macau's one cable in the data, SeaMeWe-3, was retired in December 2024.
    report = describe_country(network, "Macau", as_of=2026)
    assert [(c.id, c.status, c.counted) for c in report.cables] == [("seamewe-3", "retired", False)]
    assert report.isolation.ways_out == 0 and report.isolation.min_cut_cables == ()
    assert report.isolation.land_neighbours == ("CN",)
    text = country_text(report)
    assert "no cable counted in 2026 leaves Macau: cut off by sea" in text
    assert "over land it still reaches China (CN)" in text
    assert describe_country(network, "MO", as_of=2020).isolation.ways_out == 1


def test_occupied_crimea_does_not_make_russia_ukraines_land_neighbour(network):
    """Ukraine's one station in the data is Kerch (occupied Crimea, its cable kept out by the
    status overlay): as on routes, its border link to Russia is no way out for Ukraine."""
    report = describe_country(network, "Ukraine", as_of=2026)
    assert [(c.id, c.status) for c in report.cables] == [
        ("kerch-strait-cable", "occupied-territory")
    ]
    assert report.isolation.ways_out == 0
    assert "RU" not in report.isolation.land_neighbours
