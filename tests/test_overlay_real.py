"""The shipped overlay (geodata/overlays/post-2022.toml) on the open snapshot.

Its records apply cleanly to the open copy, and the post-2022 changes they carry alter
answers: Bifrost (in service since October 2025 by its source) gives Singapore a clean
direct cable to the United States where the data has only AAG, which Clean Network 2020
flags, and shortens the best route; ADC and SJC2 join the direct cables between Japan and
Singapore or Taiwan, flagged; every such fact cites its record's source.
"""

from __future__ import annotations

import json

from conftest import run_cablemap as run

from cablemap.dataset.overlay.parse import read_overlay
from cablemap.dataset.overlay.store import shipped_overlays

BIFROST_SOURCE = (
    "https://www.businesstimes.com.sg/companies-markets/"
    "keppel-secures-25-year-fibre-pair-deal-bifrost-cable-system-global-telco"
)


def _route(open_root, cache, *args):
    result = run("--data", str(open_root), *args, cache=cache)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_shipped_record_carries_source_date_and_licence():
    overlay = read_overlay(shipped_overlays()["post-2022"])
    assert overlay.id == "post-2022" and len(overlay.records) == 8
    for record in overlay.records:
        assert record.source.url.startswith("https://") and record.source.date[:2] == "20"
        assert record.licence == "CC0-1.0" and record.note  # each says what it rests on


def test_bifrost_gives_singapore_a_clean_direct_cable_to_the_us(open_root, isolated_cache):
    args = ("route", "SG", "US", "--policy", "clean-network-2020", "--format", "json")
    before = _route(open_root, isolated_cache, *args)
    after = _route(open_root, isolated_cache, "--overlay", "post-2022", *args)
    assert [(c["id"], bool(c["flags"])) for c in before["direct_cables"]] == [
        ("asia-america-gateway-aag-cable-system", True)
    ]
    clean_direct = [c["id"] for c in after["direct_cables"] if not c["flags"]]
    assert clean_direct == ["bifrost"]
    assert "bifrost" in after["routes"][0]["cables"]
    assert after["routes"][0]["km"] < before["routes"][0]["km"] - 1000
    cited = {(f["id"], f["field"]): f for f in after["overlay_facts"]}
    assert cited[("bifrost", "status")]["source"]["url"] == BIFROST_SOURCE
    assert cited[("bifrost", "status")]["record"] == "post-2022.toml:42"
    assert after["data"]["overlays"][0]["id"] == "post-2022"


def test_adc_and_sjc2_join_japan_singapore_flagged_citing_their_sources(open_root, isolated_cache):
    args = ("route", "JP", "SG", "--policy", "clean-network-2020", "--format", "json")
    before = {c["id"] for c in _route(open_root, isolated_cache, *args)["direct_cables"]}
    after = _route(open_root, isolated_cache, "--overlay", "post-2022", *args)
    added = {c["id"]: c for c in after["direct_cables"]}.keys() - before
    assert added == {"asia-direct-cable-adc", "southeast-asia-japan-cable-2-sjc2"}
    assert all(c["flags"] for c in after["direct_cables"] if c["id"] in added)
    text = run(
        "--data",
        str(open_root),
        "--overlay",
        "post-2022",
        "cable",
        "asia-direct-cable-adc",
        "--policy",
        "clean-network-2020",
        cache=isolated_cache,
    ).stdout
    assert "ready for service: 2024;" in text and "(planned)" not in text.splitlines()[1]
    assert "asia-direct-cable-adc: status, rfs: overlay post-2022 (post-2022.toml:24" in text
    assert "https://www.ukfcf.org.uk/heavily-delayed-adc-submarine-cable" in text
    assert "[clean-cable-landing]" in text


def test_overlay_list_json_lists_every_record_in_use(open_root, isolated_cache):
    listed = _route(
        open_root,
        isolated_cache,
        "--overlay",
        "post-2022",
        "data",
        "overlay",
        "list",
        "--format",
        "json",
    )
    assert [(o["id"], o["origin"]) for o in listed] == [("post-2022", "shipped")]
    records = listed[0]["records"]
    assert [r["id"] for r in records] == [
        "asia-direct-cable-adc",
        "southeast-asia-japan-cable-2-sjc2",
        "bifrost",
        "echo",
        "seamewe-6",
        "africa-1",
        "santander-spain",
        "anjana",
    ]
    assert all(r["source"]["url"] and r["date"] and r["licence"] == "CC0-1.0" for r in records)


def test_anjana_is_drawn_schematically_and_measured_by_its_stated_length(open_root, isolated_cache):
    text = run(
        "--data",
        str(open_root),
        "--overlay",
        "post-2022",
        "cable",
        "anjana",
        cache=isolated_cache,
    ).stdout
    assert "Santander, Spain [ES]" in text
    assert "(schematic path, approximate; routes use the stated 7,121 km)" in text
    assert "schematic paths (approximate): anjana" in text.splitlines()[-1]
