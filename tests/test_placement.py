"""Stations placed by label and location: territories, Hong Kong and Macau, subdivisions."""

from __future__ import annotations

import pandas as pd
import pycountry
import pytest

from cablemap.dataset.load import load_dataset
from cablemap.resources import load_geodata_toml


@pytest.fixture(scope="module")
def open_stations():
    from conftest import OPEN_ROOT, _require

    return load_dataset(_require(OPEN_ROOT)).stations.set_index("id")


@pytest.fixture(scope="module")
def v2_stations():
    from conftest import V2_ROOT, _require

    return load_dataset(_require(V2_ROOT)).stations.set_index("id")


def test_areas_file_codes_exist_in_iso_3166_2():
    areas = load_geodata_toml("areas.toml")
    for code, entry in areas["territories"].items():
        record = pycountry.subdivisions.get(code=entry["iso3166_2"])
        assert record is not None and record.country_code == entry["sovereign"], code
        assert pycountry.countries.get(alpha_2=code) is not None
    for entry in areas["subdivisions"]:
        record = pycountry.subdivisions.get(code=entry["code"])
        assert record is not None and record.country_code == entry["country"], entry["code"]
    for entry in areas["territory_boxes"]:
        assert pycountry.countries.get(alpha_2=entry["iso2"]) is not None


@pytest.mark.parametrize("which", ["open_stations", "v2_stations"])
def test_every_station_of_both_snapshots_has_a_country(request, which):
    stations = request.getfixturevalue(which)
    assert stations.country_iso2.notna().all()
    assert (stations.country_iso2.str.len() == 2).all()


@pytest.mark.parametrize(
    ("station", "code", "label"),
    [
        ("san-juan-pr-united-states", "PR", "United States"),
        ("christiansted-vi-united-states", "VI", "United States"),
        ("longyearbyen-svalbard-norway", "SJ", "Norway"),
        ("cape-daguilar-china", "HK", "China"),
        ("taipa-china", "MO", "China"),
        ("kralendijk-bonaire-netherlands", "BQ", "Netherlands"),
        ("makaha-hi-united-states", "US", "United States"),
        ("guantanamo-bay-cuba", "CU", "Cuba"),
    ],
)
def test_real_stations_get_their_territory(open_stations, station, code, label):
    row = open_stations.loc[station]
    assert (row.country_iso2, row.country_label) == (code, label)


@pytest.mark.parametrize(
    ("station", "subdivision"),
    [
        ("makaha-hi-united-states", "US-HI"),
        ("unalaska-ak-united-states", "US-AK"),
        ("gran-canaria-canary-islands-spain", "ES-CN"),
        ("ponta-delgada-portugal", "PT-20"),
        ("kaliningrad-russia", "RU-KGD"),
        ("maywick-united-kingdom", "GB-ZET"),
        ("skaill-united-kingdom", "GB-ORK"),
    ],
)
def test_real_stations_get_their_subdivision(open_stations, station, subdivision):
    assert open_stations.loc[station].subdivision == subdivision


@pytest.mark.parametrize(
    "station",
    ["dunnet-head-united-kingdom", "dunnet-bay-united-kingdom", "san-juan-pr-united-states"],
)
def test_mainland_and_territory_stations_carry_no_subdivision(open_stations, station):
    assert pd.isna(open_stations.loc[station].subdivision)


def test_v2_world_bank_names_resolve(v2_stations):
    labels = set(v2_stations.country_label)
    for label, code in [("Korea, Rep.", "KR"), ("Faeroe Islands", "FO")]:
        if label in labels:
            assert set(v2_stations[v2_stations.country_label == label].country_iso2) == {code}
    assert {"KR", "FO", "MH"} <= set(v2_stations.country_iso2)
