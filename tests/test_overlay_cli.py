"""Overlays on the command line: --overlay, `data overlay add|list|remove`, `data licences`.

The mini fixture plus the mini overlay (tests/fixtures/overlays): a cable and an
ownership change added by overlay are seen in route, cable, flags, maps and reports,
each with its provenance; a record without a source is refused in one line.
"""

from __future__ import annotations

import json
import shutil

from conftest import FIXTURES, MINI_V3
from conftest import run_cablemap as run

OVERLAY = FIXTURES / "overlays" / "mini.toml"
STAKE_URL = "https://example.org/alpha-stake"


def _mini(*args, cache, overlay=OVERLAY):
    return run("--data", str(MINI_V3), "--overlay", str(overlay), *args, cache=cache)


def test_added_cable_and_ownership_change_reach_route_cable_flags_maps_and_reports(
    isolated_cache, tmp_path
):
    # route: the added cable is a direct cable and the route, cited to its record
    answer = json.loads(_mini("route", "TW", "PH", "--format", "json", cache=isolated_cache).stdout)
    assert [c["id"] for c in answer["direct_cables"]] == ["delta-luzon"]
    assert answer["routes"][0]["cables"] == ["delta-luzon"]
    assert answer["routes"][0]["km"] == 1400.0  # the stated length, not the schematic path's
    facts = {(f["id"], f["field"]): f for f in answer["overlay_facts"]}
    assert facts[("delta-luzon", "geometry")]["approximate"] is True
    assert facts[("delta-luzon", "owners")]["record"] == "mini.toml:17"
    assert answer["data"]["overlays"][0]["id"] == "mini"
    assert answer["data"]["source"].endswith("+ overlay mini")
    # the ownership change makes a policy flag the cable, and says where it came from
    flagged = _mini(
        "route",
        "JP",
        "US",
        "--policy",
        "clean-network-2020",
        "--format",
        "json",
        cache=isolated_cache,
    )
    answer = json.loads(flagged.stdout)
    direct = answer["direct_cables"][0]
    assert direct["id"] == "alpha-pacific" and "China Mobile" in direct["owners"]
    assert any(f["rule"] == "clean-carrier" for f in direct["flags"])
    assert [f["source"]["url"] for f in answer["overlay_facts"]] == [STAKE_URL]
    unflagged = run(
        "--data",
        str(MINI_V3),
        "route",
        "JP",
        "US",
        "--policy",
        "clean-network-2020",
        "--format",
        "json",
        cache=isolated_cache,
    )
    before = json.loads(unflagged.stdout)
    assert before["direct_cables"][0]["flags"] == [] and "overlay_facts" not in before
    # cable: the facts from the overlay, with their sources, and the flag
    text = _mini("cable", "alpha-pacific", "--policy", "clean-network-2020", cache=isolated_cache)
    assert text.returncode == 0, text.stderr
    assert "[clean-carrier] owned in part by 'China Mobile'" in text.stdout
    assert "alpha-pacific: owners added: overlay mini (mini.toml:42, CC0-1.0)" in text.stdout
    assert STAKE_URL in text.stdout
    assert text.stdout.strip().splitlines()[-1].startswith("Data: ")
    assert "Overlay mini (" in text.stdout.strip().splitlines()[-1]
    schematic = _mini("cable", "delta-luzon", cache=isolated_cache).stdout
    assert "(schematic path, approximate; routes use the stated 1,400 km)" in schematic
    # maps and reports name the overlay in their data line
    map_path, report_path = tmp_path / "m.html", tmp_path / "r.html"
    made = _mini("map", "--policy", "clean-network-2020", "-o", str(map_path), cache=isolated_cache)
    assert made.returncode == 0, made.stderr
    drawn = map_path.read_text()
    assert "+ overlay mini" in drawn  # the legend's Data line
    assert "Overlay mini (" in drawn and "CC-BY-4.0, CC0-1.0, public-domain" in drawn  # credits
    made = _mini("report", "JP", "US", "-o", str(report_path), cache=isolated_cache)
    assert made.returncode == 0, made.stderr
    report = report_path.read_text()
    assert "+ overlay mini" in report and "Example News" in report


def test_a_record_without_a_source_is_refused_in_one_line(isolated_cache, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        OVERLAY.read_text()
        .replace('geometry = "mini.geojson"\n', "")
        .replace('source = { title = "China Mobile joins Alpha Pacific"', "# source = {")
    )
    result = _mini("route", "JP", "US", cache=isolated_cache, overlay=bad)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "cablemap: error: bad.toml:41: record 4 (change-cable 'alpha-pacific'): no source; "
        "every record needs source = {title, publisher, date, url} and a licence"
    )


def test_retired_cable_is_not_routed_over(isolated_cache):
    before = run(
        "--data", str(MINI_V3), "route", "CN", "TW", "--format", "json", cache=isolated_cache
    )
    assert json.loads(before.stdout)["routes"][0]["cables"] == ["gamma-strait"]
    after = _mini("route", "CN", "TW", cache=isolated_cache)
    assert after.returncode == 9 and "no route from China to Taiwan" in after.stderr
    back = json.loads(
        _mini(
            "route",
            "CN",
            "TW",
            "--include-status",
            "retired",
            "--format",
            "json",
            cache=isolated_cache,
        ).stdout
    )
    assert back["routes"][0]["cables"] == ["gamma-strait"]
    (fact,) = back["overlay_facts"]
    assert fact["value"] == "retired since 2024-01" and fact["record"] == "mini.toml:49"


def test_stored_network_follows_the_overlays_content(isolated_cache, tmp_path):
    folder = tmp_path / "o"
    folder.mkdir()
    for name in ("mini.toml", "mini.geojson"):
        shutil.copy(OVERLAY.parent / name, folder / name)
    first = _mini(
        "route", "JP", "US", "--format", "json", cache=isolated_cache, overlay=folder / "mini.toml"
    )
    owners = json.loads(first.stdout)["direct_cables"][0]["owners"]
    assert "China Mobile" in owners
    changed = (folder / "mini.toml").read_text().replace('["China Mobile"]', '["Example Two"]')
    (folder / "mini.toml").write_text(changed)
    second = _mini(
        "route", "JP", "US", "--format", "json", cache=isolated_cache, overlay=folder / "mini.toml"
    )
    owners = json.loads(second.stdout)["direct_cables"][0]["owners"]
    assert "Example Two" in owners and "China Mobile" not in owners
    stored = sorted(p.name for p in (isolated_cache / "networks").glob("*.json"))
    assert len(stored) == 2 and all("-overlays-" in name for name in stored)


def test_data_overlay_add_list_remove_and_licences(isolated_cache):
    env = {"CABLEMAP_DATA": str(MINI_V3)}
    empty = run("data", "overlay", "list", cache=isolated_cache, env=env)
    assert empty.returncode == 0 and "no overlays in use" in empty.stdout
    added = run("data", "overlay", "add", str(OVERLAY), cache=isolated_cache, env=env)
    assert added.returncode == 0, added.stderr
    assert "stored overlay mini (5 records" in added.stdout
    listed = json.loads(
        run("data", "overlay", "list", "--format", "json", cache=isolated_cache, env=env).stdout
    )
    assert [(o["id"], o["origin"]) for o in listed] == [("mini", "stored")]
    records = listed[0]["records"]
    assert len(records) == 5
    assert all(
        r["source"]["url"].startswith("https://") and r["date"] and r["licence"] for r in records
    )
    assert records[3]["record"] == "mini.toml:42" and records[3]["add_owners"] == ["China Mobile"]
    # a stored overlay applies to every command without --overlay
    cable = run("cable", "alpha-pacific", "--format", "json", cache=isolated_cache, env=env)
    assert any(o["name"] == "China Mobile" for o in json.loads(cable.stdout)["owners"])
    licences = run("data", "licences", cache=isolated_cache, env=env).stdout
    assert licences.splitlines()[0] == (
        "Licences that apply: CC-BY-NC-SA-3.0, CC-BY-4.0, CC0-1.0, public-domain."
    )
    assert "Non-commercial use only (CC-BY-NC-SA-3.0)." in licences
    assert "overlay mini: CC-BY-4.0, CC0-1.0, public-domain (cablemap tests)" in licences
    # a stored overlay damaged in the cache: every command says which and how to remove it
    stored = isolated_cache / "overlays" / "mini" / "mini.toml"
    intact = stored.read_bytes()
    stored.write_bytes(intact.replace(b'licence = "CC0-1.0"', b'licence = "mine"', 1))
    damaged = run("route", "JP", "US", cache=isolated_cache, env=env)
    assert damaged.returncode == 3 and damaged.stderr.count("\n") == 1
    assert "mini.toml:42: record 4" in damaged.stderr
    assert damaged.stderr.strip().endswith("`cablemap data overlay remove mini` removes it)")
    stored.write_bytes(intact)
    removed = run("data", "overlay", "remove", "mini", cache=isolated_cache, env=env)
    assert removed.returncode == 0 and "removed overlay mini" in removed.stdout
    again = run("data", "overlay", "remove", "mini", cache=isolated_cache, env=env)
    assert again.returncode == 2 and "no stored overlay 'mini' (stored: none)" in again.stderr
    missing = run("data", "overlay", "add", "nope", cache=isolated_cache, env=env)
    assert missing.returncode == 2
    assert missing.stderr.startswith("cablemap: error: overlay 'nope': no such file")
    cable = run("cable", "alpha-pacific", "--format", "json", cache=isolated_cache, env=env)
    assert not any(o["name"] == "China Mobile" for o in json.loads(cable.stdout)["owners"])


def test_images_name_the_overlays_licences_and_keep_their_sources_in_the_metadata(
    isolated_cache, tmp_path
):
    """A route image and a risk image drawn with an overlay say its licences on the image
    (the corner attribution) and keep its whole attribution, sources included, in the
    file's metadata; without the overlay they do not."""
    from PIL import Image

    route_png, risk_svg, plain_png = tmp_path / "r.png", tmp_path / "w.svg", tmp_path / "p.png"
    made = _mini("route", "TW", "PH", "--image", str(route_png), cache=isolated_cache)
    assert made.returncode == 0, made.stderr
    made = _mini(
        "map",
        "--policy",
        "clean-network-2020",
        "-o",
        str(tmp_path / "w.html"),
        "--image",
        str(risk_svg),
        cache=isolated_cache,
    )
    assert made.returncode == 0, made.stderr
    rights = Image.open(route_png).text["Copyright"]
    assert "Overlay mini (" in rights and "Example News" in rights
    assert "CC-BY-4.0, CC0-1.0, public-domain" in rights
    svg = risk_svg.read_text()
    assert "Overlay mini (CC-BY-4.0, CC0-1.0, public-domain). Basemap" in svg  # the corner
    assert "Example News" in svg  # the metadata's Rights
    plain = run(
        "--data", str(MINI_V3), "route", "JP", "US", "--image", str(plain_png), cache=isolated_cache
    )
    assert plain.returncode == 0, plain.stderr
    assert "overlay" not in Image.open(plain_png).text["Copyright"].lower()
