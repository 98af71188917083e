import json

import pytest

from cablemap.dataset.countries import (
    locate_special_region,
    resolve_country,
    split_city_country,
)
from cablemap.resources import load_geodata_toml


@pytest.mark.parametrize(
    ("label", "iso2", "iso3"),
    [
        ("South Korea", "KR", "KOR"),
        ("Turkey", "TR", "TUR"),
        ("Congo, Dem. Rep.", "CD", "COD"),
        ("Congo, Rep.", "CG", "COG"),
        ("Virgin Islands (U.K.)", "VG", "VGB"),
        ("Micronesia", "FM", "FSM"),
        ("Taiwan", "TW", "TWN"),
        ("Saint Helena, Ascension and Tristan da Cunha", "SH", "SHN"),
        ("jp", "JP", "JPN"),
    ],
)
def test_resolve_country(label, iso2, iso3):
    country = resolve_country(label)
    assert country is not None
    assert (country.iso2, country.iso3) == (iso2, iso3)


def test_unknown_country_is_none():
    assert resolve_country("Atlantis") is None


def test_every_alias_points_at_a_real_code_and_says_why():
    for label, entry in load_geodata_toml("countries.toml")["aliases"].items():
        assert resolve_country(label).iso2 == entry["iso2"]
        assert len(entry["reason"]) > 10


@pytest.mark.parametrize(
    ("name", "city", "iso2"),
    [
        ("Muanda, Congo, Dem. Rep.", "Muanda", "CD"),
        ("Hillsboro, OR, United States", "Hillsboro, OR", "US"),
        ("Gallows Bay, Bonaire, Sint Eustatius and Saba", "Gallows Bay", "BQ"),
        ("Rupert's Bay, Saint Helena, Ascension and Tristan da Cunha", "Rupert's Bay", "SH"),
        ("t.b.d., United States", "t.b.d.", "US"),
    ],
)
def test_split_city_country(name, city, iso2):
    got_city, country = split_city_country(name)
    assert (got_city, country.iso2) == (city, iso2)


CHINA = resolve_country("China")


@pytest.mark.parametrize(
    ("place", "lon", "lat", "iso2"),
    [
        ("Cape D'Aguilar", 114.2602, 22.2080, "HK"),
        ("Tseung Kwan O", 114.2587, 22.3183, "HK"),
        ("Tong Fuk, Lantau", 113.9321, 22.2274, "HK"),
        ("Sha Tau Kok (HK side)", 114.22, 22.54, "HK"),
        ("Taipa", 113.5610, 22.1561, "MO"),
        ("Macau peninsula", 113.54, 22.20, "MO"),
        ("Shekou, Shenzhen", 113.91, 22.48, "CN"),
        ("Yantian, Shenzhen", 114.27, 22.575, "CN"),
        ("Dameisha, Shenzhen", 114.30, 22.59, "CN"),
        ("Zhuhai station", 113.5767, 22.2707, "CN"),
        ("Hengqin, Zhuhai", 113.52, 22.12, "CN"),
        ("Shantou", 116.675, 23.355, "CN"),
    ],
)
def test_hong_kong_and_macau_outlines(place, lon, lat, iso2):
    assert locate_special_region(CHINA, lon, lat).iso2 == iso2, place


def test_outlines_only_apply_to_stations_labelled_china():
    taiwan = resolve_country("Taiwan")
    assert locate_special_region(taiwan, 114.26, 22.21) is taiwan


def test_every_china_labelled_station_in_the_real_data(open_root):
    """The six Hong Kong stations and Taipa (Macau); the rest stay mainland China."""
    from cablemap.dataset.load import load_dataset

    stations = load_dataset(open_root).stations
    china = stations[stations.country_label == "China"]
    got = dict(zip(china.id, china.country_iso2, strict=True))
    expected_hk = {
        "chung-hom-kok-china",
        "lantau-island-china",
        "cape-daguilar-china",
        "deep-water-bay-china",
        "tong-fuk-china",
        "tseung-kwan-o-china",
    }
    assert {k for k, v in got.items() if v == "HK"} == expected_hk
    assert {k for k, v in got.items() if v == "MO"} == {"taipa-china"}
    assert got["zhuhai-china"] == "CN" and got["shanghai-china"] == "CN"
    # The data really does label them China: the rule is needed.
    detail = json.loads((open_root / "cable" / "asia-africa-europe-1-aae-1.json").read_text())
    assert any(
        lp["country"] == "China" and "aguilar" in lp["id"] for lp in detail["landing_points"]
    )
