"""Reading a root: the hand-made fixture, and every kind of bad input."""

import json
from pathlib import Path

import pytest

from cablemap.dataset.load import load_dataset
from cablemap.errors import DataError


def _edit(root: Path, relpath: str, change) -> None:
    path = root / relpath
    doc = json.loads(path.read_text())
    path.write_text(json.dumps(change(doc) or doc))


def test_mini_fixture_tables(mini_root):
    ds = load_dataset(mini_root)
    assert ds.counts == {"cables": 3, "landing_points": 6, "cable_landings": 6, "countries": 6}
    assert ds.warnings == ()
    alpha = ds.cables.set_index("id").loc["alpha-pacific"]
    assert alpha.owners == ["Example Carrier Inc.", "Another Telecom, Co., Ltd."]
    assert alpha.suppliers == ["SubCom"]
    assert alpha.length_km == 9000.0 and alpha.rfs_year == 2020 and not alpha.planned
    assert alpha.geometry.geom_type == "MultiLineString" and len(alpha.geometry.geoms) == 2
    beta = ds.cables.set_index("id").loc["beta-south"]
    assert (
        beta.planned
        and beta.suppliers == []
        and beta.length_km is ds.cables.length_km.dtype.na_value
    )
    hk = ds.stations.set_index("id").loc["cape-daguilar-china"]
    assert (hk.country_iso2, hk.country_iso3, hk.country_name) == ("HK", "HKG", "Hong Kong")
    assert hk.country_label == "China" and hk.city == "Cape D'Aguilar"
    assert ds.cables.crs.to_epsg() == 4326 and ds.stations.crs.to_epsg() == 4326
    assert set(ds.landings.columns) == {"cable_id", "station_id"}


def test_hostile_strings_are_kept_verbatim(mini_root):
    gamma = load_dataset(mini_root).cables.set_index("id").loc["gamma-strait"]
    assert gamma["name"] == "Gamma <script>alert(\"x\")</script> & 'Strait'"
    assert gamma.owners == ["O'Brien & Sons <b>Telecom</b>"]


def test_malformed_json_names_the_file(mini_root):
    (mini_root / "cable" / "beta-south.json").write_text('{"id": "beta-south", ')
    with pytest.raises(DataError, match=r"cable/beta-south.json: malformed JSON"):
        load_dataset(mini_root)


def test_missing_index_file_names_it(mini_root):
    (mini_root / "landing-point" / "landing-point-geo.json").unlink()
    with pytest.raises(DataError, match=r"landing-point/landing-point-geo.json: required file"):
        load_dataset(mini_root)


def test_missing_required_field_skips_the_record(mini_root):
    _edit(mini_root, "cable/beta-south.json", lambda d: d.pop("landing_points") and None)
    ds = load_dataset(mini_root)
    assert "beta-south" not in set(ds.cables.id)
    (warning,) = ds.warnings
    assert warning.kind == "missing-field" and warning.field == "landing_points"
    assert str(warning).startswith(
        "cable/beta-south.json: cable 'beta-south': field 'landing_points'"
    )


def test_unknown_landing_point_is_dropped_with_a_warning(mini_root):
    def add(doc):
        doc["landing_points"].append({"id": "atlantis-nowhere", "name": "Atlantis", "country": "X"})

    _edit(mini_root, "cable/beta-south.json", add)
    ds = load_dataset(mini_root)
    assert ds.counts["cable_landings"] == 6
    (warning,) = ds.warnings
    assert warning.kind == "unknown-reference" and "atlantis-nowhere" in warning.message


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "MultiLineString", "coordinates": []}, "empty geometry"),
        (
            {"type": "MultiLineString", "coordinates": [[[103.6, 1.3], [203.6, 1.3]]]},
            "out of range",
        ),
        (
            {"type": "MultiLineString", "coordinates": [[[103.6, 95.0], [103.7, 1.3]]]},
            "out of range",
        ),
        ({"type": "Point", "coordinates": [103.6, 1.3]}, "is not a line"),
    ],
)
def test_bad_cable_geometry_skips_the_cable(mini_root, geometry, message):
    def damage(doc):
        for feature in doc["features"]:
            if feature["properties"]["id"] == "beta-south":
                feature["geometry"] = geometry

    _edit(mini_root, "cable/cable-geo.json", damage)
    ds = load_dataset(mini_root)
    assert "beta-south" not in set(ds.cables.id)
    kinds = [w.kind for w in ds.warnings]
    assert kinds == ["bad-geometry", "bad-geometry"]  # the feature, then the cable without one
    assert message in ds.warnings[0].message and "feature" in ds.warnings[0].record


def test_bad_station_point_skips_station_and_its_landings(mini_root):
    def damage(doc):
        doc["features"][0]["geometry"]["coordinates"] = [139.9, -91.0]

    _edit(mini_root, "landing-point/landing-point-geo.json", damage)
    ds = load_dataset(mini_root)
    assert "chikura-japan" not in set(ds.stations.id)
    assert [w.kind for w in ds.warnings] == ["bad-geometry", "unknown-reference"]


def test_duplicate_station_id_keeps_the_first(mini_root):
    def dup(doc):
        copy = json.loads(json.dumps(doc["features"][0]))
        copy["geometry"]["coordinates"] = [0.0, 0.0]
        doc["features"].append(copy)

    _edit(mini_root, "landing-point/landing-point-geo.json", dup)
    ds = load_dataset(mini_root)
    assert ds.counts["landing_points"] == 6
    (warning,) = ds.warnings
    assert warning.kind == "duplicate-id" and "chikura-japan" in warning.message
    assert ds.stations.set_index("id").loc["chikura-japan"].geometry.x == pytest.approx(139.95)


@pytest.mark.parametrize("hostile", ["../../x", "a/b", "UPPER", "", "x" * 300, "%2e%2e"])
def test_hostile_cable_id_is_refused(mini_root, hostile):
    def damage(doc):
        doc["features"][0]["properties"]["id"] = hostile

    _edit(mini_root, "cable/cable-geo.json", damage)
    with pytest.raises(DataError, match="unsafe id"):
        load_dataset(mini_root)


def test_strict_turns_warnings_into_an_error(mini_root):
    _edit(mini_root, "cable/beta-south.json", lambda d: d.pop("name") and None)
    with pytest.raises(DataError, match=r"field 'name'.*\(and 0 more problems\)"):
        load_dataset(mini_root, strict=True)


def test_owners_of_the_wrong_type_are_never_dropped_silently(mini_root):
    def as_list(doc):
        doc["owners"] = ["China Telecom", "Singtel"]
        doc["suppliers"] = {"name": "HMN Tech"}

    _edit(mini_root, "cable/beta-south.json", as_list)
    ds = load_dataset(mini_root)
    beta = ds.cables.set_index("id").loc["beta-south"]
    assert beta.owners == ["China Telecom", "Singtel"] and beta.suppliers == []
    kinds = {(w.field, w.kind) for w in ds.warnings}
    assert {("owners", "bad-value"), ("suppliers", "bad-value")} <= kinds
    assert any("used as a list of names" in w.message for w in ds.warnings)
    with pytest.raises(DataError, match="owners.*used as a list of names.*1 more"):
        load_dataset(mini_root, strict=True)


def test_repeated_features_are_dropped_and_huge_geometry_refused(mini_root, monkeypatch):
    from cablemap.dataset import read

    def repeat(doc):
        doc["features"] = doc["features"] * 500

    _edit(mini_root, "cable/cable-geo.json", repeat)
    ds = load_dataset(mini_root)
    assert ds.counts["cables"] == 3
    assert any("identical to a line already read" in w.message for w in ds.warnings)
    monkeypatch.setattr(read, "MAX_POSITIONS", 10)
    with pytest.raises(DataError, match="too large for the topology"):
        load_dataset(mini_root)


def test_a_local_source_is_bounded_like_a_download(mini_root, monkeypatch):
    from cablemap.dataset import read

    monkeypatch.setattr(read, "MAX_FILE_BYTES", 1000)
    with pytest.raises(DataError, match="over the 1,000-byte cap for one file"):
        load_dataset(mini_root)


def test_invalid_utf8_is_reported_where_it_is(mini_root):
    path = mini_root / "cable" / "beta-south.json"
    data = path.read_bytes()
    at = data.index(b"Singtel")
    path.write_bytes(data[:at] + b"\xff\xfe" + data[at:])
    line = data.count(b"\n", 0, at) + 1
    with pytest.raises(DataError, match=rf"invalid UTF-8 at byte {at} \(line {line}\)"):
        load_dataset(mini_root)
