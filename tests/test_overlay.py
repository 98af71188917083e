"""Overlays: the format's checks, laying records over the data, schematic paths, licences."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import FIXTURES, MINI_V3

from cablemap.config import Settings
from cablemap.dataset.load import load_dataset
from cablemap.dataset.overlay.licences import combined_terms
from cablemap.dataset.overlay.parse import MAX_FILE_BYTES, OverlayError, read_overlay
from cablemap.dataset.overlay.schematic import cut_at_antimeridian, sea_path
from cablemap.dataset.provenance import ATTRIBUTION, provenance_from_dict
from cablemap.errors import UserError

MINI = FIXTURES / "overlays" / "mini.toml"
GOOD_SOURCE = (
    'source = { title = "T", publisher = "P", date = "2024-01-02", url = "https://example.org/x" }'
)


def _write(tmp_path: Path, body: str, name: str = "o.toml") -> Path:
    path = tmp_path / name
    path.write_text('[overlay]\nid = "o"\ntitle = "T"\npublisher = "P"\n' + body)
    return path


def _station(extra: str = "", source: str = GOOD_SOURCE, licence: str = 'licence = "CC0-1.0"'):
    return (
        '\n[[record]]\nkind = "add-station"\nid = "new-ph"\nname = "New"\ncountry = "PH"\n'
        f"lon = 121.5\nlat = 15.7\n{source}\n{licence}\n{extra}"
    )


def test_reads_records_with_their_lines_sources_and_licences():
    overlay = read_overlay(MINI)
    assert overlay.id == "mini" and len(overlay.records) == 5
    kinds = [(r.kind, r.target, r.line) for r in overlay.records]
    assert kinds[0] == ("add-station", "baler-test-philippines", 7)
    assert kinds[3] == ("change-cable", "alpha-pacific", 42)
    assert overlay.records[1].source.url == "https://example.org/delta-rfs"
    assert overlay.licences == ("CC-BY-4.0", "CC0-1.0", "public-domain")
    assert set(overlay.drawn) == {"epsilon-drawn"}
    assert len(overlay.sha256) == 64


@pytest.mark.parametrize(
    ("source", "licence", "expected"),
    [
        ("", 'licence = "CC0-1.0"', "no source"),
        (GOOD_SOURCE.replace('date = "2024-01-02", ', ""), 'licence = "CC0-1.0"', "date"),
        (GOOD_SOURCE.replace("https://example.org/x", "ftp://x"), 'licence = "CC0-1.0"', "url"),
        (GOOD_SOURCE.replace('publisher = "P", ', ""), 'licence = "CC0-1.0"', "publisher"),
        (GOOD_SOURCE, "", "licence is missing or unknown"),
        (GOOD_SOURCE, 'licence = "WTFPL"', "licence is missing or unknown"),
    ],
)
def test_a_record_without_source_date_or_licence_is_refused_naming_file_and_line(
    tmp_path, source, licence, expected
):
    path = _write(tmp_path, "\n# a comment\n" + _station(source=source, licence=licence))
    with pytest.raises(OverlayError) as caught:
        read_overlay(path)
    message = str(caught.value)
    assert message.startswith("o.toml:8: record 1 (add-station 'new-ph'): "), message
    assert expected in message and "\n" not in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_station('owners = ["X"]'), "unknown fields ['owners']"),
        (_station().replace('"add-station"', '"add-thing"'), "kind must be one of"),
        (_station().replace('id = "new-ph"', 'id = "../x"'), "id must be a slug"),
        (_station().replace("lat = 15.7", "lat = 95.0"), "lat must lie in -90..90"),
        (_station().replace("lon = 121.5", 'lon = "east"'), "lon must be a number"),
        (_station() + _station(), "a second add-station record"),
        ('\nrecord = [{kind = "retire-cable"}]\n', "[overlay] has unknown fields ['record']"),
        ("\n[[record]]\nkind = \n", "o.toml:7: invalid TOML"),
    ],
)
def test_malformed_records_are_one_line_errors(tmp_path, body, expected):
    with pytest.raises(OverlayError) as caught:
        read_overlay(_write(tmp_path, body))
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_hostile_files_are_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(OverlayError, match=r"big.toml:1: larger than"):
        read_overlay(big)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"[overlay]\n\xff\xfe\n")
    with pytest.raises(OverlayError, match=r"bin.toml:2: not UTF-8"):
        read_overlay(binary)
    escape = _write(tmp_path, "").read_text().replace('"P"\n', '"P"\ngeometry = "../x.json"\n')
    (tmp_path / "e.toml").write_text(escape)
    with pytest.raises(OverlayError, match="geometry must name a .geojson file beside"):
        read_overlay(tmp_path / "e.toml")
    with pytest.raises(UserError, match="cannot read it"):
        read_overlay(tmp_path / "missing.toml")


def test_bad_geojson_positions_name_the_feature(tmp_path):
    shutil.copy(MINI, tmp_path / "mini.toml")
    (tmp_path / "mini.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"id": "epsilon-drawn"}, "geometry": {"type": "LineString", '
        '"coordinates": [[0, 0], [200, 0]]}}]}'
    )
    with pytest.raises(OverlayError, match=r"mini.geojson: feature 1: position 200.0, 0.0"):
        read_overlay(tmp_path / "mini.toml")


def _mini_dataset(tmp_path, *overlays: Path | str):
    settings = Settings(cache_dir=tmp_path / "cache", overlays=tuple(str(o) for o in overlays))
    return load_dataset(MINI_V3, settings=settings)


def test_overlay_adds_cables_and_stations_and_changes_owners(tmp_path):
    base = _mini_dataset(tmp_path)
    ds = _mini_dataset(tmp_path, MINI)
    cables = ds.cables.set_index("id")
    assert set(cables.index) - set(base.cables.id) == {"delta-luzon", "epsilon-drawn"}
    assert cables.loc["alpha-pacific", "owners"][-1] == "China Mobile"
    assert "China Mobile" not in base.cables.set_index("id").loc["alpha-pacific", "owners"]
    assert (
        cables.loc["delta-luzon", "rfs_year"] == 2024 and not cables.loc["delta-luzon", "planned"]
    )
    assert cables.loc["epsilon-drawn", "planned"]
    assert cables.loc["delta-luzon", "length_km"] == 1400
    station = ds.stations.set_index("id").loc["baler-test-philippines"]
    assert station.country_iso2 == "PH" and station["name"] == "Baler Test, Philippines"
    assert set(ds.landings[ds.landings.cable_id == "delta-luzon"].station_id) == {
        "baler-test-philippines",
        "toucheng-taiwan",
    }
    # the drawn cable keeps its drawing; the other is schematic, and says so
    assert ds.overlays is not None and ds.overlays.approximate == {"delta-luzon"}
    drawn = cables.loc["epsilon-drawn", "geometry"]
    assert list(drawn.geoms[0].coords)[1] == (106.0, 3.0)
    assert ds.overlays.statuses == {"gamma-strait": ("retired", 2024, "mini.toml:49")}
    fields = {(f.subject_id, f.field): f for f in ds.overlays.facts}
    assert fields[("alpha-pacific", "owners added")].source.url == "https://example.org/alpha-stake"
    assert fields[("delta-luzon", "geometry")].approximate
    assert fields[("epsilon-drawn", "geometry")].approximate is False
    # the base data is unchanged, and is what the date "as of" describes
    assert len(base.cables) == 3 and base.overlays is None
    assert ds.provenance.as_of == base.provenance.as_of


def test_provenance_names_the_overlays_and_round_trips(tmp_path):
    data = _mini_dataset(tmp_path, MINI).provenance
    assert data.source.endswith("+ overlay mini")
    assert data.attribution.startswith(ATTRIBUTION + ". Overlay mini (")
    assert "CC-BY-4.0, CC0-1.0, public-domain" in data.attribution
    assert "schematic paths (approximate): delta-luzon" in data.attribution
    assert "Example Carrier, Example News, Example Regulator" in data.line()
    listed = data.as_dict()["overlays"][0]
    assert listed["records"] == 5 and len(listed["sources"]) == 5
    assert provenance_from_dict(data.as_dict()) == data
    assert "overlays" not in _mini_dataset(tmp_path).provenance.as_dict()


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            'kind = "add-cable"\nid = "alpha-pacific"\nname = "A"\nowners = []\nrfs = "2024"\n'
            'status = "planned"\nlanding_points = ["chikura-japan", "tuas-singapore"]',
            "the data already has this cable",
        ),
        ('kind = "change-cable"\nid = "no-such-cable"\nadd_owners = ["X"]', "no cable"),
        (
            'kind = "change-cable"\nid = "alpha-pacific"\nremove_owners = ["Nobody"]',
            "'Nobody' is not among its owners",
        ),
        (
            'kind = "add-cable"\nid = "zeta"\nname = "Z"\nowners = []\nrfs = "2024"\n'
            'status = "planned"\nlanding_points = ["chikura-japan", "atlantis"]',
            "no landing point 'atlantis'",
        ),
        (
            'kind = "add-station"\nid = "chikura-japan"\nname = "C"\ncountry = "JP"\n'
            "lon = 139.9\nlat = 34.9",
            "already has this landing point",
        ),
        (
            'kind = "add-station"\nid = "x-y"\nname = "C"\ncountry = "Atlantis"\n'
            "lon = 139.9\nlat = 34.9",
            "unknown country 'Atlantis'",
        ),
    ],
)
def test_records_that_do_not_fit_the_data_name_their_line(tmp_path, record, expected):
    path = _write(tmp_path, f'\n[[record]]\n{record}\n{GOOD_SOURCE}\nlicence = "CC0-1.0"\n')
    with pytest.raises(OverlayError) as caught:
        _mini_dataset(tmp_path, path)
    assert str(caught.value).startswith("o.toml:6: ") and expected in str(caught.value)


def test_overlays_setting_must_be_a_sequence_of_names(tmp_path):
    with pytest.raises(UserError, match="setting overlays must be a sequence"):
        Settings(cache_dir=tmp_path, overlays="post-2022")  # type: ignore[arg-type]
    assert Settings(cache_dir=tmp_path, overlays=["a.toml"]).overlays == ("a.toml",)  # type: ignore[arg-type]


def test_unknown_overlay_name_and_duplicate_ids_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="no such file, and no shipped overlay"):
        _mini_dataset(tmp_path, "no-such-overlay")
    copy = tmp_path / "copy.toml"
    shutil.copy(MINI, copy)
    shutil.copy(MINI.with_suffix(".geojson"), tmp_path / "mini.geojson")
    with pytest.raises(UserError, match="two overlays in use have the id 'mini'"):
        _mini_dataset(tmp_path, MINI, copy)


def test_cut_at_the_antimeridian_keeps_every_longitude_in_range():
    assert cut_at_antimeridian([(170.0, 0.0), (190.0, 10.0)]) == [
        ((170.0, 0.0), (180.0, 5.0)),
        ((-180.0, 5.0), (-170.0, 10.0)),
    ]
    assert cut_at_antimeridian([(-170.0, 0.0), (-190.0, 10.0), (-200.0, 12.0)]) == [
        ((-170.0, 0.0), (-180.0, 5.0)),
        ((180.0, 5.0), (170.0, 10.0), (160.0, 12.0)),
    ]
    assert cut_at_antimeridian([(10.0, 0.0), (20.0, 10.0)]) == [((10.0, 0.0), (20.0, 10.0))]


def _km(a, b):
    from pyproj import Geod

    return Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2] / 1000


def _share_on_land(parts) -> float:
    """The share of points every ~5 km along the lines that lie on Natural Earth land."""
    import numpy as np
    import shapely

    from cablemap.dataset.land import load_land

    lines = shapely.segmentize(shapely.linestrings([list(p) for p in parts]), 0.05)
    points = shapely.points(np.concatenate([shapely.get_coordinates(line) for line in lines]))
    on_land, _ = load_land().tree.query(points, predicate="intersects")
    return len(set(on_land.tolist())) / len(points)


def test_schematic_path_runs_from_station_to_station_by_sea():
    manila_bay, los_angeles = (120.9, 14.5), (-118.4, 33.9)
    parts = sea_path(manila_bay, los_angeles)
    assert parts[0][0] == manila_bay and parts[-1][-1] == los_angeles
    assert len(parts) == 2  # cut once, at the antimeridian
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for p in parts for lon, lat in p)
    length = sum(_km(a, b) for p in parts for a, b in pairwise(p))
    direct = _km(manila_bay, los_angeles)
    assert direct < length < 1.5 * direct
    # Singapore to Hong Kong keeps off land; Marseille to Lisbon goes round Spain through
    # Gibraltar, where the straight line between them is almost all land
    assert _share_on_land(sea_path((103.98, 1.33), (114.26, 22.21))) < 0.02
    marseille, lisbon = (5.37, 43.3), (-9.14, 38.7)
    around = sea_path(marseille, lisbon)
    assert _share_on_land(around) < 0.02 and _share_on_land([(marseille, lisbon)]) > 0.7
    assert min(lat for p in around for _, lat in p) < 36.2  # the Strait of Gibraltar


def test_combined_licence_terms_take_the_strictest():
    base = combined_terms([])
    assert base[0] == "Licences that apply: CC-BY-NC-SA-3.0."
    assert any("Non-commercial" in t for t in base)
    mixed = combined_terms(["CC0-1.0", "ODbL-1.0", "proprietary"])
    assert mixed[0] == "Licences that apply: CC-BY-NC-SA-3.0, CC0-1.0, ODbL-1.0, proprietary."
    assert any("not compatible" in t for t in mixed)
    assert any("permission of their owner" in t for t in mixed)
    assert not any("permission" in t for t in combined_terms(["CC-BY-4.0"]))


def test_an_overlay_status_overrides_the_shipped_status_overlay(tmp_path, monkeypatch):
    from cablemap.network import status as shipped
    from cablemap.network.graph import build_network

    retired = shipped.CableStatus("alpha-pacific", "retired", 2021, "test", ({"url": "x"},))
    monkeypatch.setattr(shipped, "load_status_overlay", lambda: {"alpha-pacific": retired})
    assert build_network(_mini_dataset(tmp_path)).cables["alpha-pacific"].status == "retired"
    relit = _write(
        tmp_path,
        '\n[[record]]\nkind = "change-cable"\nid = "alpha-pacific"\nstatus = "in-service"\n'
        f'{GOOD_SOURCE}\nlicence = "CC0-1.0"\n',
    )
    cable = build_network(_mini_dataset(tmp_path, relit)).cables["alpha-pacific"]
    assert cable.status == "in-service" and not cable.planned
    gone = _write(
        tmp_path,
        '\n[[record]]\nkind = "retire-cable"\nid = "beta-south"\nsince = "2023"\n'
        f'{GOOD_SOURCE}\nlicence = "CC0-1.0"\n',
        name="gone.toml",
    )
    cable = build_network(_mini_dataset(tmp_path, gone)).cables["beta-south"]
    assert (cable.status, cable.status_since) == ("retired", 2023)
