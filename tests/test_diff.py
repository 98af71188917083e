"""Snapshots over time (issue 12 item 6): `data diff A B` and `--snapshot ID`.

The real test imports both shared snapshots (TeleGeography v2, 2021-06, and the Open
Undersea Cable Map, v3, late 2022) into one cache and checks the diff against what the
two data directories themselves say, read here file by file.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import OPEN_ROOT, V2_ROOT, _require, run_cablemap

from cablemap.analysis.diff import diff_datasets, load_side
from cablemap.config import Settings
from cablemap.dataset.load import load_dataset
from cablemap.errors import UserError
from cablemap.fetch import import_snapshot


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory) -> tuple[Path, str, str]:
    """A cache holding the v2 2021 snapshot (older) and the v3 one (current)."""
    cache = tmp_path_factory.mktemp("two") / "cache"
    settings = Settings(cache_dir=cache, progress=False)
    old = import_snapshot(_require(V2_ROOT), settings=settings).snapshot.id
    new = import_snapshot(_require(OPEN_ROOT), settings=settings).snapshot.id
    return cache, old, new


@pytest.fixture(scope="module")
def real_diff(two_snapshots) -> dict:
    cache, old, new = two_snapshots
    result = run_cablemap("-q", "data", "diff", old, new, "--format", "json", cache=cache)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _raw(root: Path, relpath: str) -> dict:
    return json.loads((root / relpath).read_text(encoding="utf-8"))


def _drawn_ids(root: Path, key: str) -> set[str]:
    features = _raw(root, "cable/cable-geo.json")["features"]
    return {f["properties"][key] for f in features}


def _raw_owners(root: Path, cable: str) -> set[str]:
    return {" ".join(o.split()) for o in _raw(root, f"cable/{cable}.json")["owners"].split(",")}


def test_real_cables_added_and_removed_match_the_files(real_diff):
    v2_ids, v3_ids = _drawn_ids(V2_ROOT, "slug"), _drawn_ids(OPEN_ROOT, "id")
    added = {c["id"] for c in real_diff["cables_added"]}
    removed = {c["id"] for c in real_diff["cables_removed"]}
    renamed = {(p["from"], p["to"]) for p in real_diff["cables_id_changed"]}
    assert added | {new for _, new in renamed} == v3_ids - v2_ids
    assert removed | {old for old, _ in renamed} == v2_ids - v3_ids
    # Concrete ones, by their files: SeaMeWe-6 and Topaz are new, Atlantis-2 is gone.
    for cable in ("seamewe-6", "topaz"):
        assert (OPEN_ROOT / f"cable/{cable}.json").is_file()
        assert not (V2_ROOT / f"cable/{cable}.json").exists() and cable in added
    assert not (OPEN_ROOT / "cable/atlantis-2.json").exists() and "atlantis-2" in removed
    summary = real_diff["summary"]
    before, after = real_diff["before"]["counts"], real_diff["after"]["counts"]
    assert (before["cables"], after["cables"]) == (484, 521)
    assert before["cables"] - summary["cables_removed"] + summary["cables_added"] == 521
    assert (summary["cables_added"], summary["cables_removed"]) == (47, 10)


def test_real_cable_id_changes_are_the_same_cable(real_diff):
    """GTT's cables became EXA's: new ids, same year and landing points in the files."""
    pairs = {p["from"]: p["to"] for p in real_diff["cables_id_changed"]}
    assert pairs["gtt-express"] == "exa-express"
    assert pairs["gtt-atlantic"] == "exa-north-and-south"
    assert pairs["tenerife-la-gomera-la-palma"] == "tegopa"
    old, new = _raw(V2_ROOT, "cable/gtt-express.json"), _raw(OPEN_ROOT, "cable/exa-express.json")
    assert {lp["id"] for lp in old["landing_points"]} == {lp["id"] for lp in new["landing_points"]}
    assert old["rfs"].startswith(str(new["rfs_year"]))
    changed = {c["id"]: c for c in real_diff["cables_changed"]}
    express = changed["exa-express"]
    assert express["previous_id"] == "gtt-express"
    assert "GTT" in _raw_owners(V2_ROOT, "gtt-express")
    assert "GTT" in express["changes"]["owners"]["removed"]


def test_real_owner_length_year_and_landing_changes(real_diff):
    changed = {c["id"]: c["changes"] for c in real_diff["cables_changed"]}
    for cable, gone, new in (
        ("2africa", "Facebook", "Meta"),
        ("concerto", "GTT", "EXA Infrastructure"),
        ("circe-north", "VTLWavenet", "Zayo"),
    ):
        assert gone in _raw_owners(V2_ROOT, cable) and gone not in _raw_owners(OPEN_ROOT, cable)
        assert new in _raw_owners(OPEN_ROOT, cable) and new not in _raw_owners(V2_ROOT, cable)
        assert gone in changed[cable]["owners"]["removed"]
        assert new in changed[cable]["owners"]["added"]
    assert _raw(V2_ROOT, "cable/2africa.json")["length"] == "37,000 km"
    assert _raw(OPEN_ROOT, "cable/2africa.json")["length"] == "45,000 km"
    assert changed["2africa"]["length_km"] == {"from": 37000, "to": 45000}
    assert _raw(V2_ROOT, "cable/amitie.json")["rfs"].startswith("2022")
    assert _raw(OPEN_ROOT, "cable/amitie.json")["rfs_year"] == 2023
    assert changed["amitie"]["rfs_year"] == {"from": 2022, "to": 2023}
    v2_points = {lp["id"] for lp in _raw(V2_ROOT, "cable/africa-1.json")["landing_points"]}
    v3_points = {lp["id"] for lp in _raw(OPEN_ROOT, "cable/africa-1.json")["landing_points"]}
    removed = {lp["id"] for lp in changed["africa-1"]["landings"]["removed"]}
    assert removed == v2_points - v3_points and "bejaia-algeria" in removed
    assert "suppliers" not in {f for c in changed.values() for f in c}
    assert real_diff["notes"] == [
        f"suppliers not compared: {real_diff['before']['snapshot']} is in the v2 layout, "
        "which has none"
    ]


def test_real_landing_point_id_changes_are_the_same_place(real_diff):
    pairs = {p["from"]: p for p in real_diff["landing_points_id_changed"]}
    agat = pairs["agat-gu-united-states"]
    assert agat["to"] == "agat-guam" and agat["km"] <= 1.0
    added = {p["id"] for p in real_diff["landing_points_added"]}
    removed = {p["id"] for p in real_diff["landing_points_removed"]}
    assert "agat-guam" not in added and "agat-gu-united-states" not in removed
    v2_ids = _drawn_ids_points(V2_ROOT, "slug")
    v3_ids = _drawn_ids_points(OPEN_ROOT, "id")
    assert removed | set(pairs) == v2_ids - v3_ids
    assert added | {p["to"] for p in pairs.values()} == v3_ids - v2_ids


def _drawn_ids_points(root: Path, key: str) -> set[str]:
    features = _raw(root, "landing-point/landing-point-geo.json")["features"]
    return {f["properties"][key] for f in features}


def test_real_diff_as_table_and_csv(two_snapshots, real_diff):
    cache, old, new = two_snapshots
    table = run_cablemap("-q", "data", "diff", old, new, cache=cache)
    assert table.returncode == 0, table.stderr
    summary = real_diff["summary"]
    assert f"before: {old} (v2, 484 cables, 1301 landing points)" in table.stdout
    assert (
        f"cables: 47 added, 10 removed, {summary['cables_id_changed']} with a new id, "
        f"{summary['cables_changed']} changed (" in table.stdout
    )
    assert "    owners: -Facebook; -MTN Group; +MTN; +Meta" in table.stdout
    assert table.stdout.rstrip().endswith("(CC BY-NC-SA 3.0)")
    as_csv = run_cablemap("-q", "data", "diff", old, new, "--format", "csv", cache=cache)
    rows = list(csv.DictReader(as_csv.stdout.splitlines()))
    assert {"change": "cable-changed", "id": "2africa", "name": "2Africa", "field": "owners",
            "before": "Facebook", "after": ""} in rows  # fmt: skip
    assert sum(r["change"] == "cable-added" for r in rows) == 47
    assert {"cable-id-changed", "landing-point-id-changed"} <= {r["change"] for r in rows}


def test_diff_compares_every_field_between_two_v3_copies(mini_root, tmp_path):
    """Suppliers are compared when both sides have them; every field is reported."""
    changed = tmp_path / "changed"
    shutil.copytree(mini_root, changed)
    path = changed / "cable" / "beta-south.json"
    doc = json.loads(path.read_text())
    before = load_dataset(mini_root)
    old = before.cables.set_index("id").loc["beta-south"]
    doc.update(
        name="Beta South 2",
        suppliers="=HYPERLINK(1), SubCom",
        length="9,999 km",
        is_planned=not bool(old.planned),
        rfs_year=2031,
        owners="Someone Else",
    )
    path.write_text(json.dumps(doc))
    diff = diff_datasets(before, load_dataset(changed))
    [cable] = diff.cables_changed
    changes = cable["changes"]
    assert cable["id"] == "beta-south" and list(changes) == [
        "name", "owners", "suppliers", "rfs_year", "planned", "length_km"
    ]  # fmt: skip
    assert changes["suppliers"]["added"] == ["=HYPERLINK(1)", "SubCom"]
    assert changes["length_km"]["to"] == 9999 and changes["rfs_year"]["to"] == 2031
    assert changes["planned"] == {"from": bool(old.planned), "to": not bool(old.planned)}
    assert diff.notes == () and not diff.cables_added and not diff.landing_points_added
    frame = diff.to_frame()
    assert ("cable-changed", "beta-south", "Beta South 2", "suppliers", "", "SubCom") in set(
        frame.itertuples(index=False, name=None)
    )
    assert "cables_changed=1" in repr(diff)
    same = diff_datasets(before, before)
    assert same.summary["cables_changed"] == 0 and same.to_frame().empty


def test_diff_csv_neutralises_formulas(mini_root, tmp_path, isolated_cache):
    changed = tmp_path / "changed"
    shutil.copytree(mini_root, changed)
    path = changed / "cable" / "beta-south.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "owners": "=cmd|' /C calc'!A0"}))
    result = run_cablemap(
        "data", "diff", str(mini_root), str(changed), "--format", "csv", cache=isolated_cache
    )
    assert result.returncode == 0, result.stderr
    assert ",'=cmd|' /C calc'!A0" in result.stdout


def test_bad_ids_are_one_line_listing_the_stored_ones(two_snapshots):
    cache, old, new = two_snapshots
    for bad in ("nope", "20990101T000000Z-0123456789ab"):
        result = run_cablemap("data", "diff", old, bad, cache=cache)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("cablemap: error: ") and repr(bad) in line
        assert f"stored snapshots (newest first): {new}, {old} (`cablemap data list`)" in line
    with pytest.raises(UserError, match="no snapshot is stored"):
        load_side("nope", settings=Settings(cache_dir=cache.parent / "empty"))


def test_snapshot_option_answers_from_that_snapshot(two_snapshots):
    """`--snapshot` answers from the named snapshot, says so, and leaves the current one."""
    cache, old, new = two_snapshots
    direct = {}
    for snapshot in (old, new):
        result = run_cablemap(
            "-q", "--snapshot", snapshot, "route", "GB", "IE", "--format", "json", cache=cache
        )
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["snapshot"] == snapshot
        direct[snapshot] = {c["id"] for c in answer["direct_cables"]}
    # GTT's two cables between Great Britain and Ireland are EXA's in the newer data.
    assert direct[old] - direct[new] == {"gtt-atlantic", "gtt-express"}
    assert direct[new] - direct[old] == {"exa-express", "exa-north-and-south"}
    only_old = run_cablemap("-q", "--snapshot", old, "cable", "atlantis-2", cache=cache)
    assert only_old.returncode == 0 and f"  data: {old}" in only_old.stdout
    missing = run_cablemap("-q", "cable", "atlantis-2", cache=cache)  # current: the newer one
    assert missing.returncode == 2
    assert "no cable named 'atlantis-2'" in missing.stderr
    info = run_cablemap("--snapshot", old, "data", "info", "--format", "json", cache=cache)
    assert json.loads(info.stdout)["layout"] == "v2"
    listed = run_cablemap("data", "list", cache=cache).stdout.splitlines()
    assert listed[-1].startswith(f"* {new}")  # still the current one


def test_snapshot_option_errors_are_one_line(two_snapshots, open_root):
    cache, old, new = two_snapshots
    both = run_cablemap(
        "--snapshot", old, "--data", str(open_root), "route", "GB", "IE", cache=cache
    )
    unknown = run_cablemap("--snapshot", "20990101T000000Z-0123456789ab", "cable", "x", cache=cache)
    env = run_cablemap(
        "--snapshot", old, "cable", "x", cache=cache, env={"CABLEMAP_DATA": str(open_root)}
    )
    for result, fragment in (
        (both, "both choose the data"),
        (unknown, "no snapshot '20990101T000000Z-0123456789ab'; stored snapshots"),
        (env, "(or CABLEMAP_DATA) both choose the data"),
    ):
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("cablemap: error: ") and fragment in line
    assert new in unknown.stderr and old in unknown.stderr


def test_landing_points_paired_by_place_and_an_unresolved_country(mini_root, tmp_path):
    """A re-id'd landing point is one place, not a removal and an addition; JSON stays valid."""
    changed = tmp_path / "changed"
    shutil.copytree(mini_root, changed)
    for path in changed.rglob("*.json"):
        path.write_text(path.read_text().replace('"tuas-singapore"', '"tuas-sg"'))
    geo_path = changed / "landing-point" / "landing-point-geo.json"
    geo = json.loads(geo_path.read_text())
    geo["features"].append(
        {
            "type": "Feature",
            "properties": {"id": "lost-city-atlantis", "name": "Lost City, Atlantis"},
            "geometry": {"type": "Point", "coordinates": [-30.0, 30.0]},
        }
    )
    geo_path.write_text(json.dumps(geo))
    gamma_path = changed / "cable" / "gamma-strait.json"
    gamma = json.loads(gamma_path.read_text())
    gamma["landing_points"].append(
        {"id": "lost-city-atlantis", "name": "Lost City, Atlantis", "country": "Atlantis"}
    )
    gamma_path.write_text(json.dumps(gamma))
    diff = diff_datasets(load_dataset(mini_root), load_dataset(changed))
    [pair] = diff.landing_points_id_changed
    assert (pair["from"], pair["to"], pair["km"]) == ("tuas-singapore", "tuas-sg", 0.0)
    assert diff.landing_points_added == (
        {"id": "lost-city-atlantis", "name": "Lost City, Atlantis", "country": None},
    )
    assert diff.landing_points_removed == ()
    [cable] = diff.cables_changed  # beta-south still lands at Tuas: no change for it
    assert cable["id"] == "gamma-strait"
    assert cable["changes"] == {
        "landings": {
            "removed": [],
            "added": [{"id": "lost-city-atlantis", "name": "Lost City, Atlantis"}],
        }
    }
    json.dumps(diff.as_dict(), allow_nan=False)  # no NaN for the unresolved country
