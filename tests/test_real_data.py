"""Both real snapshots load with their exact counts and clean countries."""

import pandas as pd
import pytest

from cablemap.dataset.load import load_dataset


@pytest.fixture(scope="module")
def open_ds():
    from conftest import OPEN_ROOT, _require

    return load_dataset(_require(OPEN_ROOT))


@pytest.fixture(scope="module")
def v2_ds():
    from conftest import V2_ROOT, _require

    return load_dataset(_require(V2_ROOT))


def test_open_counts(open_ds):
    assert open_ds.layout == "v3"
    assert open_ds.counts["cables"] == 521
    assert open_ds.counts["landing_points"] == 1414
    assert open_ds.counts["cable_landings"] == 2378
    assert open_ds.warnings == ()


def test_v2_counts(v2_ds):
    """484 cables; the 1439 landing-point features hold 1301 distinct ids (138 repeats)."""
    assert v2_ds.layout == "v2"
    assert v2_ds.counts["cables"] == 484
    assert v2_ds.summary["read"]["landing_point_features"] == 1439
    assert v2_ds.counts["landing_points"] == 1301
    kinds = pd.Series([w.kind for w in v2_ds.warnings]).value_counts().to_dict()
    assert kinds == {"duplicate-id": 138, "unknown-reference": 1}  # + all.json's misspelt id


@pytest.mark.parametrize("name", ["open_ds", "v2_ds"])
def test_every_station_has_an_iso_country(name, request):
    stations = request.getfixturevalue(name).stations
    assert stations.country_iso2.notna().all()
    assert stations.country_iso3.str.len().eq(3).all()
    assert {"HK", "MO", "TW", "CN", "US", "JP"} <= set(stations.country_iso2)


def test_both_layouts_give_the_same_tables(open_ds, v2_ds):
    for table in ("cables", "stations", "landings"):
        a, b = getattr(open_ds, table), getattr(v2_ds, table)
        assert list(a.columns) == list(b.columns), table
    # v2 owner lists are double spaced; they come out as clean names
    owners = v2_ds.cables.set_index("id").loc["2africa"].owners
    assert owners[:3] == ["Facebook", "Vodafone", "MTN Group"]
    assert v2_ds.cables.planned.dtype == bool and v2_ds.stations.is_tbd.dtype == bool
    assert v2_ds.stations.is_tbd.sum() > 0


def test_known_cable_values(open_ds):
    cable = open_ds.cables.set_index("id").loc["2africa"]
    assert cable.length_km == 45000.0 and cable.rfs_year == 2023 and cable.planned
    assert "China Mobile" in cable.owners and cable.suppliers == ["ASN"]
    landings = open_ds.landings[open_ds.landings.cable_id == "2africa"]
    assert len(landings) == 48
