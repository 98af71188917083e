"""GIS export (cablemap.render.gis, network.layers, network.antimeridian) on the real data.

The open snapshot is exported once to GeoPackage, GeoParquet and GeoJSON with a policy
and a route question; every layer is read back with pyogrio / geopandas / pyarrow.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from conftest import OPEN_ROOT, _require
from conftest import run_cablemap as run

from cablemap.analysis.query import trace_routes
from cablemap.dataset.load import load_dataset
from cablemap.network.antimeridian import lines_for_export
from cablemap.network.geometry import WGS84
from cablemap.network.graph import build_network
from cablemap.render.gis import check_export_path, export_layers, write_export
from cablemap.render.provenance import ATTRIBUTION, data_provenance

POLICY = "clean-network-2020"
SUFFIXES = (".gpkg", ".parquet", ".geojson")
LAYERS = ("cables", "segments", "stations", "terrestrial_links", "flags", "routes")
GEOMETRY = {
    "cables": "MultiLineString",
    "segments": "MultiLineString",
    "stations": "Point",
    "terrestrial_links": "MultiLineString",
    "routes": "MultiLineString",
}
JUS = "japan-u-s-cable-network-jus"


@pytest.fixture(scope="module")
def network():
    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def exported(network):
    report = trace_routes(network, "United States", "Japan", k=3, policy=POLICY)
    return export_layers(network, policy=POLICY, report=report)


@pytest.fixture(scope="module")
def written(exported, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("export")
    out = {}
    for suffix in SUFFIXES:
        out[suffix] = folder / f"model{suffix}"
        write_export(exported, out[suffix])
    return out


def read_layer(path: Path, layer: str) -> pd.DataFrame:
    """A layer as a reader of each format sees it (pyogrio for GDAL formats)."""
    if path.suffix == ".gpkg":
        return pyogrio.read_dataframe(path, layer=layer)
    if path.suffix == ".geojson":
        return pyogrio.read_dataframe(path / f"{layer}.geojson")
    file = path / f"{layer}.parquet"
    return gpd.read_parquet(file) if layer in GEOMETRY else pd.read_parquet(file)


def field_types(path: Path, layer: str) -> dict[str, str]:
    """Field name -> int / float / bool / str, as the file stores it (geometry left out)."""
    if path.suffix == ".parquet":
        schema = pq.read_schema(path / f"{layer}.parquet")
        kinds = {}
        for name, kind in zip(schema.names, schema.types, strict=True):
            if name == "geometry":
                continue
            text = str(kind)
            kinds[name] = (
                "int" if text.startswith("int") else
                "float" if text == "double" else
                "bool" if text == "bool" else
                "str" if text in ("string", "large_string") else text
            )  # fmt: skip
        return kinds
    source = path / f"{layer}.geojson" if path.suffix == ".geojson" else path
    info = pyogrio.read_info(source, layer=layer if path.suffix == ".gpkg" else None)
    canonical = {"int32": "int", "int64": "int", "float64": "float", "bool": "bool"}
    return {
        name: canonical.get(dtype, "str" if dtype == "object" else dtype)
        for name, dtype in zip(info["fields"], info["dtypes"], strict=True)
    }


# --- the export read back ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("layer", [name for name in LAYERS if name in GEOMETRY])
def test_every_layer_is_valid_in_epsg4326_with_one_geometry_type(written, layer, suffix):
    frame = read_layer(written[suffix], layer)
    assert isinstance(frame, gpd.GeoDataFrame) and len(frame) > 0
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert set(frame.geom_type) == {GEOMETRY[layer]}
    assert frame.geometry.notna().all() and frame.is_valid.all()
    assert not frame.geometry.is_empty.any()
    west, south, east, north = frame.total_bounds
    assert west >= -180 and east <= 180 and south >= -90 and north <= 90


def test_fields_have_the_same_names_and_types_in_every_format(written):
    for layer in LAYERS:
        kinds = {suffix: field_types(written[suffix], layer) for suffix in SUFFIXES}
        assert kinds[".gpkg"] == kinds[".parquet"] == kinds[".geojson"], layer
        assert set(kinds[".gpkg"].values()) <= {"int", "float", "bool", "str"}, layer
        columns = [list(read_layer(written[s], layer).columns) for s in SUFFIXES]
        names = [[c for c in cols if c != "geometry"] for cols in columns]
        assert names[0] == names[1] == names[2], layer


def test_layer_counts_and_rows_match_the_model(network, exported, written):
    counts = exported.metadata["layers"]
    assert counts["cables"] == len(network.cables) == 521
    assert counts["stations"] == len(network.stations) == 1414
    assert counts["segments"] == len(network.segment_ids) - 1  # eac-c2c:51 has no length
    assert counts["routes"] == 3 and counts["flags"] > 1000
    for suffix in SUFFIXES:
        for layer in LAYERS:
            assert len(read_layer(written[suffix], layer)) == counts[layer], (suffix, layer)


def test_a_segment_of_length_zero_is_left_out_with_a_note(exported):
    segments = exported.layers["segments"]
    assert "eac-c2c:51" not in set(segments["segment_id"])
    assert "eac-c2c:50" in set(segments["segment_id"])  # the rest of the cable stays
    notes = exported.metadata["notes"]
    assert any(n.startswith("segments: 1 left out") and "eac-c2c:51" in n for n in notes)


def test_cut_lines_keep_their_length_and_never_cross_the_world(network, written):
    """Cutting at +-180 neither loses a piece nor draws one the long way round."""
    segments = read_layer(written[".gpkg"], "segments")
    lengths = np.array([WGS84.geometry_length(g) / 1000 for g in segments.geometry])
    assert np.allclose(lengths, segments["drawn_km"], rtol=1e-4, atol=0.01)
    drawn = network.topology.segments.set_index("segment_id").geometry
    wrapped = [s for s in segments["segment_id"] if abs(drawn[s].bounds[2]) > 180
               or drawn[s].bounds[0] < -180]  # fmt: skip
    assert len(wrapped) >= 20  # trans-Pacific segments unwrapped past +-180 in the model
    cut = segments.set_index("segment_id").geometry[wrapped]
    assert all(shapely.get_num_geometries(g) >= 1 for g in cut)
    crosses = [g for g in cut if shapely.get_num_geometries(g) > 1]
    assert crosses and all(
        np.isclose(np.abs(shapely.get_coordinates(g)[:, 0]).max(), 180) for g in crosses
    )


def test_metadata_is_kept_where_each_format_has_room_for_it(written):
    gpkg = pyogrio.read_info(written[".gpkg"], layer="segments")
    assert gpkg["layer_metadata"]["attribution"] == ATTRIBUTION
    assert gpkg["layer_metadata"]["policy"] == POLICY
    assert ATTRIBUTION in gpkg["layer_metadata"]["DESCRIPTION"]
    assert gpkg["dataset_metadata"]["attribution"] == ATTRIBUTION
    geojson = pyogrio.read_info(written[".geojson"] / "stations.geojson")
    assert ATTRIBUTION in geojson["layer_metadata"]["DESCRIPTION"]
    assert POLICY in geojson["layer_metadata"]["DESCRIPTION"]
    schema = pq.read_schema(written[".parquet"] / "cables.parquet")
    meta = json.loads(schema.metadata[b"cablemap"])
    assert meta["attribution"] == ATTRIBUTION and meta["layer"] == "cables"
    assert b"geo" in schema.metadata  # still GeoParquet
    for folder in (written[".parquet"], written[".geojson"]):
        sidecar = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        assert sidecar["attribution"] == ATTRIBUTION and sidecar["policy"] == POLICY
        assert sidecar["layers"]["cables"] == 521
        assert sidecar["route"]["from"] == "United States"


def test_no_file_names_the_data_directory(network, written):
    assert network.snapshot_id.startswith("direct:")  # the id itself holds the path
    needles = [str(OPEN_ROOT).encode(), str(OPEN_ROOT.resolve()).encode(), b"shared/data"]
    files = [written[".gpkg"]] + [
        f for suffix in (".parquet", ".geojson") for f in written[suffix].iterdir()
    ]
    for file in files:
        data = file.read_bytes()
        assert not any(needle in data for needle in needles), file


def test_policy_adds_flag_columns_with_the_real_flagged_cables(network, written):
    cables = read_layer(written[".parquet"], "cables").set_index("cable_id")
    assert cables.loc[JUS, "flagged"] and "clean-carrier" in cables.loc[JUS, "flag_rules"]
    assert not cables.loc["pacific-crossing-1-pc-1", "flagged"]
    segments = read_layer(written[".gpkg"], "segments")
    assert segments.loc[segments["cable_id"] == JUS, "flagged"].all()
    stations = read_layer(written[".geojson"], "stations").set_index("station_id")
    hk = stations.loc["chung-hom-kok-china"]
    assert hk["excluded_jurisdiction"] and hk["exposure"] == 1.0 and hk["flagged_cables"] > 0
    flags = read_layer(written[".gpkg"], "flags")
    jus = flags[flags["subject"] == f"cable:{JUS}"]
    assert len(jus) and (jus["subject_kind"] == "cable").all()
    assert jus["citation_urls"].str.startswith("http").all()
    routes = read_layer(written[".gpkg"], "routes").set_index("rank")
    assert routes.loc[1, "flagged"] and routes.loc[1, "cables"] == JUS
    assert not routes.loc[2, "flagged"]
    plain = network.to_geodataframe("cables")
    assert "flagged" not in plain.columns  # flags only with a policy


# --- Python tables -----------------------------------------------------------------------


def test_network_layers_and_frames(network):
    stations = network.to_frame("stations")
    assert type(stations) is pd.DataFrame and {"lon", "lat", "cables"} <= set(stations.columns)
    links = network.to_geodataframe("terrestrial_links")
    assert set(links["kind"]) == {"backhaul", "border"} and links["assumed"].all()
    assert len(repr(network)) < 200
    from cablemap.errors import UserError

    with pytest.raises(UserError, match="no layer 'rivers'"):
        network.to_geodataframe("rivers")


def test_route_answer_repr_is_one_short_line_and_tables(network):
    report = trace_routes(network, "United States", "Japan", k=3, policy=POLICY)
    text = repr(report)
    assert "\n" not in text and len(text) < 200 and "7,539 km" in text
    frame = report.to_frame()
    assert list(frame["rank"]) == [1, 2, 3] and frame.loc[0, "cables"] == JUS
    geo = report.to_geodataframe()
    assert geo.is_valid.all() and (geo.total_bounds[[0, 2]] == [-180, 180]).all()


def test_station_list_tables(network):
    from cablemap.policy.flags import policy_flags
    from cablemap.policy.rules import load_policy
    from cablemap.policy.stations import station_exposure

    stations = station_exposure(network.dataset, policy_flags(network, load_policy(POLICY)))
    assert repr(stations).startswith("<StationList: 1414 stations")
    geo = stations.to_geodataframe()
    assert len(geo) == 1414 and set(geo.geom_type) == {"Point"}
    assert geo["flagged_cables"].dtype.kind == "i"  # a count, as in the CSV
    # ranked as `cablemap stations` ranks: most flagged cables first
    assert geo.iloc[0]["flagged_cables"] == geo["flagged_cables"].max() > 0


# --- antimeridian (hand-made lines) ------------------------------------------------------


def test_lines_for_export_cuts_unwrapped_and_jumping_lines():
    unwrapped = shapely.LineString([(170, 0), (190, 10)])
    jumping = shapely.LineString([(179, 0), (-179, 2)])
    inside = shapely.LineString([(10, 0), (20, 5)])
    point = shapely.LineString([(5, 5), (5, 5)])
    a, b, c, d, e = lines_for_export([unwrapped, jumping, inside, point, None])
    assert shapely.get_num_geometries(a) == 2
    assert sorted(round(x) for x in shapely.bounds(a)[[0, 2]]) == [-180, 180]
    assert np.isclose(a.length, unwrapped.length)
    assert shapely.get_num_geometries(b) == 2 and np.isclose(b.length, np.hypot(2, 2))
    assert c.equals(shapely.MultiLineString([inside]))
    assert d is None and e is None


# --- provenance --------------------------------------------------------------------------


def test_provenance_of_an_imported_snapshot_names_no_path(mini_root, isolated_cache):
    from cablemap.fetch import import_snapshot

    snapshot = import_snapshot(mini_root).snapshot
    found = data_provenance(snapshot.id, layout="v3")
    assert found["snapshot"] == snapshot.id and found["data_date"] == snapshot.fetched_at
    assert found["source"] == "a local directory imported into the cache"
    assert str(mini_root) not in json.dumps(found) and found["attribution"] == ATTRIBUTION
    direct = data_provenance(f"direct:{mini_root}")
    assert direct["snapshot"] is None and str(mini_root) not in json.dumps(direct)


# --- the command line --------------------------------------------------------------------


def test_cli_exports_each_format_and_refuses_to_replace_without_force(mini_root, tmp_path):
    out = tmp_path / "mini.gpkg"
    done = run("--data", str(mini_root), "export", "-o", str(out), "--policy", POLICY)
    assert done.returncode == 0, done.stderr
    assert "cables" in done.stdout and "flags" in done.stdout
    assert set(pyogrio.list_layers(out)[:, 0]) == {
        "cables", "segments", "stations", "terrestrial_links", "flags"
    }  # fmt: skip
    out.chmod(0o600)
    before = out.read_bytes()
    again = run("--data", str(mini_root), "export", "-o", str(out))
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "exists; give --force" in again.stderr and out.read_bytes() == before
    forced = run("--data", str(mini_root), "export", "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "flags" not in pyogrio.list_layers(out)[:, 0]  # no policy this time
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    folder = tmp_path / "mini.geojson"
    done = run("--data", str(mini_root), "export", "-o", str(folder), "--route", "TW", "CN")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in folder.iterdir()} == {
        "cables.geojson", "segments.geojson", "stations.geojson",
        "terrestrial_links.geojson", "routes.geojson", "metadata.json",
    }  # fmt: skip
    (folder / "notes.txt").write_text("mine")
    again = run("--data", str(mini_root), "export", "-o", str(folder), "--force")
    assert again.returncode == 0, again.stderr
    names = {p.name for p in folder.iterdir()}
    assert "routes.geojson" not in names  # the earlier export's layer is gone ...
    assert {"notes.txt", "cables.geojson", "metadata.json"} <= names  # ... the user's file stays
    sidecar = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert sidecar["route"] is None and "routes" not in sidecar["layers"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("model.shp", "an export is .gpkg (one file), .parquet or .geojson"),
        ("missing/model.gpkg", "does not exist"),
        ("a-file/model.parquet", "does not exist"),
        ("full.geojson", "exists and is not empty; give --force"),
        ("a-file.gpkg", "exists; give --force"),
    ],
)
def test_bad_output_paths_give_one_line_errors_before_any_work(tmp_path, name, message):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-file.gpkg").write_text("x")
    (tmp_path / "full.geojson").mkdir()
    (tmp_path / "full.geojson" / "mine.txt").write_text("x")
    done = run("--data", str(tmp_path / "no-data-needed"), "export", "-o", str(tmp_path / name))
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(Exception, match="give --force"):
        check_export_path(tmp_path / "a-file.gpkg")


def test_a_failed_folder_export_leaves_nothing(exported, tmp_path, monkeypatch):
    import cablemap.files

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cablemap.files.os, "replace", refuse)
    target = tmp_path / "model.parquet"
    with pytest.raises(Exception, match="No space left"):
        write_export(exported, target)
    assert not target.exists() and os.listdir(tmp_path) == []
