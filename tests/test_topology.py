"""Tests for cablemap.network.topology: hand-made geometry cases, then the real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from cablemap.dataset.load import load_dataset, load_raw
from cablemap.network import Tolerances, build_topology, topology_check
from cablemap.network.geometry import line_lengths_km, split_at_antimeridian, unwrap_lons

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "topology" / "v3"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "open-undersea-cable-map"
GEOD = Geod(ellps="WGS84")


def path_km(points: list[tuple[float, float]]) -> float:
    """Geodesic length of a path, computed independently of the module under test."""
    lons, lats = zip(*points, strict=True)
    return GEOD.line_length(lons, lats) / 1000.0


def point_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


@pytest.fixture(scope="module")
def raw():
    data, _ = load_raw(FIXTURE)
    return data


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(FIXTURE)


@pytest.fixture(scope="module")
def topo(raw):
    return build_topology(raw)


def segments_of(topo, cable_id):
    return topo.segments[topo.segments["cable_id"] == cable_id]


def pairs_of(topo, cable_id):
    seg = segments_of(topo, cable_id)
    return sorted(tuple(sorted(p)) for p in zip(seg["from_node"], seg["to_node"], strict=True))


def attachment(topo, cable_id, station_id):
    a = topo.attachments
    rows = a[(a["cable_id"] == cable_id) & (a["station_id"] == station_id)]
    assert len(rows) == 1
    return rows.iloc[0]


def repairs_of(topo, cable_id, kind):
    r = topo.repairs
    return r[(r["cable_id"] == cable_id) & (r["kind"] == kind)]


def branching_units(topo, cable_id):
    n = topo.nodes
    return n[(n["cable_id"] == cable_id) & (n["kind"] == "branching_unit")]


def exception_ids(check):
    return {e["cable_id"] for e in check["connectivity"]["exceptions"]}


# --- hand-made geometry cases ------------------------------------------------------------


def test_gap_between_two_pieces_is_joined(topo):
    assert pairs_of(topo, "gap-cable") == [("gap-a", "gap-b")]
    gap = repairs_of(topo, "gap-cable", "gap")
    assert len(gap) == 1
    assert gap["distance_km"].iloc[0] == pytest.approx(point_km((5, 0), (5.05, 0.02)), rel=1e-6)
    drawn = [(0, 0), (2.5, 0.5), (5, 0), (5.05, 0.02), (7.5, 0.5), (10, 0)]
    assert segments_of(topo, "gap-cable")["length_km"].iloc[0] == pytest.approx(
        path_km(drawn), rel=1e-9
    )


def test_gap_wider_than_tolerance_stays_open(raw, dataset):
    topo = build_topology(raw, tolerances=Tolerances(gap_km=5.0))
    assert len(repairs_of(topo, "gap-cable", "gap")) == 0
    assert "gap-cable" in exception_ids(topology_check(topo, dataset))


def test_t_junction_creates_a_branching_unit(topo):
    units = branching_units(topo, "tee-cable")
    assert list(units["node_id"]) == ["bu:tee-cable:1"]
    assert (units.geometry.iloc[0].x, units.geometry.iloc[0].y) == pytest.approx((5.0, 10.0))
    assert pairs_of(topo, "tee-cable") == [
        ("bu:tee-cable:1", "tee-c"),
        ("bu:tee-cable:1", "tee-d"),
        ("bu:tee-cable:1", "tee-e"),
    ]
    tee = repairs_of(topo, "tee-cable", "t-junction")
    assert tee["distance_km"].iloc[0] == pytest.approx(point_km((5, 10.03), (5, 10)), rel=1e-6)


def test_crossing_lines_are_split_at_the_crossing(topo):
    units = branching_units(topo, "cross-cable")
    assert len(units) == 1
    assert (units.geometry.iloc[0].x, units.geometry.iloc[0].y) == pytest.approx((5.0, 20.0))
    assert pairs_of(topo, "cross-cable") == [
        ("bu:cross-cable:1", s) for s in ("cross-f", "cross-g", "cross-h", "cross-i")
    ]


def test_antimeridian_lines_are_stitched_into_one_continuous_segment(topo):
    seg = segments_of(topo, "antimeridian-cable")
    assert pairs_of(topo, "antimeridian-cable") == [("am-east", "am-west")]
    coords = np.asarray(seg.geometry.iloc[0].coords)
    assert np.abs(np.diff(coords[:, 0])).max() < 10.0  # no jump across the globe
    assert coords[:, 0].max() > 180.0  # unwrapped past the antimeridian
    drawn = [(170, -10), (175, -10.5), (179.9999, -11)]
    drawn += [(-179.9998, -11), (-175, -11.5), (-170, -12)]
    assert seg["length_km"].iloc[0] == pytest.approx(path_km(drawn), rel=1e-9)
    assert 2100 < seg["length_km"].iloc[0] < 2300
    assert len(repairs_of(topo, "antimeridian-cable", "antimeridian")) == 1


def test_split_at_antimeridian_gives_parts_within_range(topo):
    geometry = segments_of(topo, "antimeridian-cable").geometry.iloc[0]
    parts = split_at_antimeridian(np.asarray(geometry.coords))
    assert len(parts) == 2
    for part in parts:
        assert part[:, 0].min() >= -180.0 and part[:, 0].max() <= 180.0
    assert sum(line_lengths_km(parts)) == pytest.approx(
        segments_of(topo, "antimeridian-cable")["length_km"].iloc[0], rel=1e-6
    )


def test_station_off_the_line_is_attached_on_line_and_splits_it(topo):
    on_line = attachment(topo, "offline-cable", "off-n")
    assert on_line["method"] == "on-line"
    assert on_line["distance_km"] == pytest.approx(point_km((25.3, 0.1), (25.3, 0.0)), rel=1e-3)
    short = attachment(topo, "offline-cable", "off-m")
    assert short["method"] == "endpoint"
    assert short["distance_km"] == pytest.approx(point_km((30.1, 0), (30, 0)), rel=1e-6)
    assert pairs_of(topo, "offline-cable") == [("off-l", "off-n"), ("off-m", "off-n")]


def test_segment_geometry_runs_from_node_to_node(topo):
    where = {n: (g.x, g.y) for n, g in zip(topo.nodes["node_id"], topo.nodes.geometry, strict=True)}
    for row in topo.segments.itertuples():
        coords = np.asarray(row.geometry.coords)
        for end, node in ((coords[0], row.from_node), (coords[-1], row.to_node)):
            lon = (end[0] + 180.0) % 360.0 - 180.0
            assert (lon, end[1]) == pytest.approx(where[node], abs=1e-9)


def test_two_separate_spans_are_an_exception_with_a_reason(topo, dataset):
    check = topology_check(topo, dataset)
    exception = next(
        e for e in check["connectivity"]["exceptions"] if e["cable_id"] == "two-span-cable"
    )
    assert exception["groups"] == [["span-p", "span-q"], ["span-r", "span-s"]]
    assert exception["spans"] == 2 and exception["loose_ends"] == 0
    assert "2 separate spans" in exception["reason"]
    assert "span-p and span-r" in exception["reason"]


def test_overshoot_stub_is_pruned(topo):
    assert len(topo.nodes[topo.nodes["cable_id"] == "stub-cable"].query("kind == 'end'")) == 0
    stub = repairs_of(topo, "stub-cable", "pruned-stub")
    assert stub["distance_km"].iloc[0] == pytest.approx(point_km((55, 0), (55, -0.02)), rel=1e-6)
    assert pairs_of(topo, "stub-cable") == [
        ("bu:stub-cable:1", "stub-t"),
        ("bu:stub-cable:1", "stub-u"),
        ("bu:stub-cable:1", "stub-v"),
    ]


def test_short_branch_from_a_station_joins_the_trunk_instead_of_looping(topo):
    assert pairs_of(topo, "short-branch-cable") == [
        ("bu:short-branch-cable:1", "short-w"),
        ("bu:short-branch-cable:1", "short-x"),
        ("bu:short-branch-cable:1", "short-y"),
    ]
    assert len(repairs_of(topo, "short-branch-cable", "t-junction")) == 1


def test_dead_end_is_kept_as_an_end_node(topo):
    assert ("bu:dead-end-cable:1", "end:dead-end-cable:1") in pairs_of(topo, "dead-end-cable")
    ends = topo.nodes[topo.nodes["node_id"] == "end:dead-end-cable:1"]
    assert (ends.geometry.iloc[0].x, ends.geometry.iloc[0].y) == pytest.approx((95.0, -5.0))


def test_far_station_is_unattached_and_counted(topo, dataset):
    far = attachment(topo, "unattached-cable", "far-ac")
    assert far["method"] == "unattached"
    assert far["distance_km"] > 300
    check = topology_check(topo, dataset)
    assert check["attachment"]["attached"] == check["attachment"]["landings"] - 1
    assert check["attachment"]["unattached"] == [
        {"cable_id": "unattached-cable", "station_id": "far-ac", "nearest_km": far["distance_km"]}
    ]
    assert "unattached-cable" in exception_ids(check)


def test_station_joins_a_separate_span_passing_through_it(raw, topo, dataset):
    assert attachment(topo, "through-cable", "thru-ae")["links"] == 2
    assert "through-cable" not in exception_ids(topology_check(topo, dataset))
    strict = build_topology(raw, tolerances=Tolerances(station_span_km=0.1))
    assert attachment(strict, "through-cable", "thru-ae")["links"] == 1
    assert "through-cable" in exception_ids(topology_check(strict, dataset))


def test_co_located_stations_are_joined_by_a_zero_length_segment(topo):
    assert attachment(topo, "twin-cable", "twin-2")["method"] == "gap-joined"
    seg = segments_of(topo, "twin-cable")
    twin = seg[(seg["from_node"] + seg["to_node"]).isin(["twin-1twin-2", "twin-2twin-1"])]
    assert list(twin["length_km"]) == [0.0]


def test_station_near_another_station_goes_on_the_line_not_to_its_neighbour(topo):
    near = attachment(topo, "neighbour-cable", "near-3")
    assert near["method"] == "on-line"
    assert near["distance_km"] < 0.02
    assert pairs_of(topo, "neighbour-cable") == [("near-1", "near-3"), ("near-2", "near-3")]


def test_dataset_and_raw_inputs_give_the_same_topology(topo, dataset):
    other = build_topology(dataset)
    cols = ["segment_id", "from_node", "to_node"]
    assert other.segments[cols].equals(topo.segments[cols])
    np.testing.assert_allclose(other.segments["length_km"], topo.segments["length_km"])
    assert other.attachments["method"].equals(topo.attachments["method"])


@pytest.mark.parametrize("field", ["gap_km", "station_end_km", "snap_km"])
def test_negative_tolerances_are_refused(field):
    with pytest.raises(ValueError, match=field):
        Tolerances(**{field: -1.0})


def test_unwrap_lons_makes_lines_continuous():
    line = np.array([[179.0, 0.0], [-179.0, 1.0], [-178.0, 2.0], [179.5, 3.0]])
    assert list(unwrap_lons(line)[:, 0]) == [179.0, 181.0, 182.0, 179.5]


# --- the real data -----------------------------------------------------------------------

real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real data not found at {REAL}")


@pytest.fixture(scope="module")
def real_dataset():
    return load_dataset(REAL)


@pytest.fixture(scope="module")
def real_topo():
    data, _ = load_raw(REAL)
    return build_topology(data)


@pytest.fixture(scope="module")
def real_check(real_topo, real_dataset):
    return topology_check(real_topo, real_dataset)


@real
def test_real_every_landing_is_attached_close_to_its_station(real_check):
    attachment_figures = real_check["attachment"]
    assert attachment_figures["landings"] > 2000
    assert attachment_figures["share_attached"] >= 0.99
    assert attachment_figures["distance_km"]["median"] < 0.1
    assert attachment_figures["distance_km"]["p99"] < 10.0


@real
def test_real_connected_share_and_every_exception_is_separate_spans(real_check):
    connectivity = real_check["connectivity"]
    assert connectivity["cables_checked"] > 500
    # Measured 0.919; see the xfail test below for the 0.97 goal.
    assert connectivity["share_connected"] >= 0.91
    for exception in connectivity["exceptions"]:
        # No station left out, and no loose line end that a wider gap could have joined:
        # the spans only meet over land, between different stations.
        assert exception["unattached"] == []
        assert exception["spans"] >= 2 and exception["loose_ends"] == 0
        assert exception["reason"]


@real
@pytest.mark.xfail(
    strict=True,
    reason="goal not reachable from the drawing: 42 cables are drawn as separate spans "
    "joined only over land (docs/topology.md, 'Check figures')",
)
def test_real_connected_share_reaches_the_goal(real_check):
    assert real_check["connectivity"]["share_connected"] >= 0.97


@real
def test_real_transpacific_cables_are_connected(real_check, real_topo):
    crossings = real_check["transpacific"]
    assert len({c["cable_id"] for c in crossings}) >= 15
    assert all(c["connected"] for c in crossings), [c for c in crossings if not c["connected"]]
    jupiter = real_topo.segments[real_topo.segments["cable_id"] == "jupiter"]
    lons = np.concatenate([np.asarray(g.coords)[:, 0] for g in jupiter.geometry])
    assert lons.max() > 180.0 or lons.min() < -180.0  # a segment runs on across the antimeridian
    assert real_check["repairs"]["antimeridian"]["count"] >= 20


@real
def test_real_segment_lengths_are_positive(real_topo, real_dataset):
    seg = real_topo.segments
    assert len(seg) > 2000
    where = {
        sid: (g.x, g.y)
        for sid, g in zip(real_dataset.stations["id"], real_dataset.stations.geometry, strict=True)
    }
    for row in seg[~(seg["length_km"] > 0)].itertuples():
        # only two distinct stations the data puts at the very same point
        assert row.from_node != row.to_node
        assert where[row.from_node] == where[row.to_node]
    assert (seg["length_km"] > 0).mean() > 0.999


@real
def test_real_rebuilt_length_matches_stated_length(real_check):
    ratio = real_check["length_ratio"]
    assert ratio["cables"] > 400
    assert 0.85 < ratio["median"] < 1.1
    assert ratio["p10"] > 0.6 and ratio["p90"] < 1.4
