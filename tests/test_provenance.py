"""Every deliverable names its data by source and date, never by a local path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cablemap as run

from cablemap.dataset.provenance import (
    ATTRIBUTION,
    RULE_CREATED,
    RULE_NEWEST_RFS,
    RULE_UNKNOWN,
    SOURCE_TITLES,
    data_as_of,
    provenance_from_dict,
    provenance_of,
)
from cablemap.dataset.read import directory_getter, read_root

OPEN_AS_OF = "2022-09"
"""Newest in-service RFS of the open copy: Hronn and Oman Australia Cable, 2022 September."""


@pytest.fixture(scope="module")
def open_raw():
    from conftest import OPEN_ROOT, _require

    return read_root(directory_getter(_require(OPEN_ROOT)))


def test_open_copy_is_recognised_and_dated_by_its_newest_service_date(open_raw):
    data = provenance_of(open_raw, "direct:open-undersea-cable-map")
    assert data.source == SOURCE_TITLES["open"]
    assert (data.as_of, data.as_of_rule) == (OPEN_AS_OF, RULE_NEWEST_RFS)
    in_service = [c for c in open_raw.cables if not c.planned]
    newest = [c.id for c in in_service if (c.rfs_year, c.rfs_month) == (2022, 9)]
    assert sorted(newest) == ["hronn", "oman-australia-cable-oac"]
    assert not any(c.rfs_year > 2022 for c in in_service if c.rfs_year)


def test_v2_copy_is_dated_by_its_creation_time(v2_root):
    raw = read_root(directory_getter(v2_root))
    data = provenance_of(raw, "direct:telegeography-v2-2021-06")
    assert data.source == SOURCE_TITLES["telegeography-v2"]
    assert (data.as_of, data.as_of_rule) == ("2021-06", RULE_CREATED)  # config.json: 2021-06-28


def test_changed_copy_is_not_taken_for_a_known_one(mini_root):
    raw = read_root(directory_getter(mini_root))
    data = provenance_of(raw, "direct:mini-v3")
    assert data.source == "submarine cable data in the v3 layout (source not recognised)"
    assert data.as_of_rule == RULE_NEWEST_RFS
    undated = read_root(directory_getter(mini_root))
    for cable in undated.cables:
        cable.rfs_year = None
    assert data_as_of(undated) == ("unknown", RULE_UNKNOWN)
    # a snapshot fetched from a named source keeps that source's name
    named = provenance_of(raw, "20261201T000000Z-0123456789ab", "telegeography")
    assert named.source == SOURCE_TITLES["telegeography"]


def test_provenance_round_trips_and_rejects_other_shapes(open_raw):
    data = provenance_of(open_raw, "direct:x")
    assert provenance_from_dict(data.as_dict()) == data
    for bad in ({}, {**data.as_dict(), "source": 3}, [1], {**data.as_dict(), "extra": "x"}):
        with pytest.raises(ValueError):
            provenance_from_dict(bad)
    line = data.line("Clean Network 2020")
    assert line.startswith(f"Data: {SOURCE_TITLES['open']}, data as of {OPEN_AS_OF}")
    assert "Policy: Clean Network 2020." in line and line.endswith(f"{ATTRIBUTION}.")
    assert data.csv_comment().startswith("# Data: ") and data.csv_comment().count("\n") == 1


POLICY = ("--policy", "clean-network-2020")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """Every command that writes or prints something, on the open copy by absolute path."""
    from conftest import OPEN_ROOT, _require

    root = _require(OPEN_ROOT).resolve()
    out = tmp_path_factory.mktemp("deliverables")
    cache = tmp_path_factory.mktemp("cache")
    printed: dict[str, bytes] = {}

    def cablemap(name: str, *args: str) -> None:
        result = run("--data", str(root), *args, cache=cache)
        assert result.returncode == 0, result.stderr
        printed[name] = result.stdout.encode()

    def path(name: str) -> str:
        return str(out / name)

    cablemap("route.txt", "route", "US", "JP", *POLICY)
    cablemap("route.json", "route", "US", "JP", *POLICY, "--format", "json")
    cablemap("route.geojson", "route", "US", "JP", "--format", "geojson")
    cablemap("-", "route", "GB", "SG", *POLICY, "--map", path("map.html"), "--image", path("i.png"))
    cablemap("-", "route", "US", "JP", "--image", path("route.svg"))
    cablemap("-", "map", *POLICY, "--country", "JP", "-o", path("risk.html"))
    cablemap("-", "map", *POLICY, "-o", path("risk-embed.html"), "--embed")
    cablemap("-", "report", "US", "JP", *POLICY, "-o", path("report.html"))
    cablemap("-", "report", "US", "JP", *POLICY, "-o", path("report.md"))
    cablemap("-", "report", "VN", "SG", "-o", path("no-policy.md"))
    cablemap("-", "report", "US", "JP", *POLICY, "-o", path("report.pdf"))
    cablemap("stations.txt", "stations", "--country", "JP", *POLICY)
    cablemap("stations.csv", "stations", "--country", "JP", *POLICY, "--format", "csv")
    cablemap("stations.json", "stations", "--country", "JP", "--format", "json")
    cablemap("stations.geojson", "stations", "--country", "JP", "--format", "geojson")
    cablemap("-", "matrix", "--countries", "US,JP,GB", *POLICY, "-o", path("m.csv"))
    cablemap("-", "matrix", "--countries", "US,JP", "-o", path("m2.csv"), "--image", path("h.svg"))
    cablemap("cable.txt", "cable", "faster", *POLICY)
    cablemap("cable.json", "cable", "faster", "--format", "json")
    cablemap("country.txt", "country", "VN", *POLICY)
    cablemap("country.json", "country", "VN", *POLICY, "--format", "json")
    cablemap("country.csv", "country", "VN", "--format", "csv")
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"report.png", "report-map.html", "no-policy.png", "no-policy-map.html"} <= set(written)
    printed.pop("-")
    written["report.pdf"] = _pdf_text(written["report.pdf"])
    return root, {**printed, **written}


def _pdf_text(pdf: bytes) -> bytes:
    """A PDF's text and metadata (its streams are compressed and its text font-encoded)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return f"{pages} {reader.metadata.title} {reader.metadata.subject}".encode()


def test_no_deliverable_holds_the_data_path(outputs):
    root, files = outputs
    assert len(files) == 28
    for name, content in files.items():
        for form in (str(root), str(root).replace("/", "\\/"), root.name + "/cable"):
            assert form.encode() not in content, f"{name} holds the data path ({form})"


def test_every_deliverable_names_its_data_and_attribution(outputs):
    _, files = outputs
    for name, content in files.items():
        assert ATTRIBUTION.encode() in content, f"{name} lacks the attribution"
        assert f"as of {OPEN_AS_OF}".encode() in content or (
            f'"as_of": "{OPEN_AS_OF}"'.encode() in content
        ), f"{name} does not say how old the data is"


def test_policy_name_goes_with_the_policy(outputs):
    _, files = outputs
    name = b"Clean Network 2020: Clean Carrier and Clean Cable"
    for output in ("route.txt", "stations.txt", "stations.csv", "m.csv", "cable.txt"):
        assert name in files[output], output
    assert name in files["report.md"] and name in files["report.html"]
    assert json.loads(files["route.json"])["policy"]["name"] == name.decode()
    assert json.loads(files["cable.json"])["policy_name"] is None  # no policy asked


def test_json_outputs_carry_a_data_object(outputs):
    _, files = outputs
    for name in ("route.json", "stations.json", "cable.json"):
        data = json.loads(files[name])["data"]
        assert data["source"] == SOURCE_TITLES["open"] and data["as_of"] == OPEN_AS_OF
        assert data["snapshot"] == "direct:open-undersea-cable-map"
    for name in ("route.geojson", "stations.geojson"):
        assert json.loads(files[name])["properties"]["data"]["as_of"] == OPEN_AS_OF


def test_csv_starts_with_one_comment_line_that_readers_skip(outputs, tmp_path):
    import pandas as pd

    from cablemap.analysis.matrix import read_matrix

    _, files = outputs
    for name in ("stations.csv", "m.csv"):
        first, header = files[name].decode().splitlines()[:2]
        assert first.startswith("# Data: ") and "," in header and not header.startswith("#")
    (tmp_path / "m.csv").write_bytes(files["m.csv"])
    matrix = read_matrix(tmp_path / "m.csv")
    assert list(matrix["from_iso2"][:2]) == ["US", "US"] and len(matrix) == 6
    stations = pd.read_csv(tmp_path / "m.csv", skiprows=1)
    assert stations.columns[0] == "from_iso2"


def test_a_stored_snapshot_is_named_by_its_id(open_root, isolated_cache):
    imported = run("data", "import", str(open_root), cache=isolated_cache)
    assert imported.returncode == 0, imported.stderr
    snapshot = json.loads(run("data", "info", "--format", "json", cache=isolated_cache).stdout)
    result = run("route", "US", "JP", "--format", "json", cache=isolated_cache)
    data = json.loads(result.stdout)["data"]
    assert data["snapshot"] == snapshot["snapshot"] and data["as_of"] == OPEN_AS_OF
    assert data["source"] == SOURCE_TITLES["open"]  # recognised by content
    text = run("route", "US", "JP", cache=isolated_cache).stdout
    assert str(open_root) not in text and f"snapshot {snapshot['snapshot']}" in text
