"""The command line as a user runs it: real processes, exit codes, one-line errors."""

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import run_cablemap as run


def _one_line_error(result, code, *fragments):
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cablemap: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_import_then_info_json(open_root, isolated_cache):
    imported = run("data", "import", str(open_root), cache=isolated_cache)
    assert imported.returncode == 0, imported.stderr
    assert "521 cables, 1414 landing points" in imported.stdout
    info = json.loads(run("data", "info", "--format", "json", cache=isolated_cache).stdout)
    assert info["counts"]["cables"] == 521
    assert info["counts"]["landing_points"] == 1414
    assert info["counts"]["cable_landings"] == 2378
    # 180 country labels in the data, plus four codes placed by location: Puerto Rico
    # (labelled "United States"), Svalbard ("Norway"), Hong Kong and Macau ("China").
    assert info["counts"]["countries"] == 184
    assert info["layout"] == "v3" and info["source"]["kind"] == "directory"
    listed = json.loads(run("data", "list", "--format", "json", cache=isolated_cache).stdout)
    assert [row["id"] for row in listed] == [info["snapshot"]] and listed[0]["current"]
    used = run("data", "use", info["snapshot"], cache=isolated_cache)
    assert used.returncode == 0 and info["snapshot"] in used.stdout


def test_data_option_and_env_load_directly(v2_root, isolated_cache):
    by_option = run(
        "--data", str(v2_root), "data", "info", "--format", "json", cache=isolated_cache
    )
    by_env = run(
        "data",
        "info",
        "--format",
        "json",
        env={"CABLEMAP_DATA": str(v2_root)},
        cache=isolated_cache,
    )
    for result in (by_option, by_env):
        info = json.loads(result.stdout)
        assert info["snapshot"].startswith("direct:") and info["counts"]["cables"] == 484
        assert "138 duplicate-id" in result.stderr  # counted warning, one line
    assert not isolated_cache.exists()  # nothing was imported


def test_python_m_and_console_script_agree():
    version = run("--version")
    assert version.returncode == 0 and "cablemap, version" in version.stdout


def test_bad_data_path_is_a_user_error(tmp_path, isolated_cache):
    _one_line_error(
        run("--data", str(tmp_path / "missing"), "data", "info", cache=isolated_cache),
        2,
        "missing",
        "--data",
    )


def test_malformed_file_is_a_data_error(mini_root, isolated_cache):
    (mini_root / "cable" / "beta-south.json").write_text("{")
    _one_line_error(
        run("--data", str(mini_root), "data", "info", cache=isolated_cache),
        3,
        "cable/beta-south.json",
        "malformed JSON",
    )


def test_strict_flag(mini_root, isolated_cache):
    detail = json.loads((mini_root / "cable" / "beta-south.json").read_text())
    del detail["name"]
    (mini_root / "cable" / "beta-south.json").write_text(json.dumps(detail))
    assert run("--data", str(mini_root), "data", "info", cache=isolated_cache).returncode == 0
    _one_line_error(
        run("--data", str(mini_root), "--strict", "data", "info", cache=isolated_cache),
        3,
        "field 'name'",
    )


def test_network_failure_is_its_own_exit_code(isolated_cache):
    # Nothing listens on port 9 of the loopback: connection refused, retried, then exit 4.
    result = run("data", "fetch", "--source", "http://127.0.0.1:9/", cache=isolated_cache)
    _one_line_error(result, 4, "127.0.0.1:9/cable/cable-geo.json")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("data", "use", "../../x"), "malformed"),
        (("data", "fetch", "--source", "gopher://x"), "only https://"),
        (("data", "import", "/nonexistent/place"), "not an existing directory"),
    ],
)
def test_user_errors(args, fragment, isolated_cache):
    _one_line_error(run(*args, cache=isolated_cache), 2, fragment)


def test_data_list_empty(isolated_cache):
    result = run("data", "list", cache=isolated_cache)
    assert result.returncode == 0 and "no snapshots yet" in result.stdout


def test_route_json_on_real_data(open_root, isolated_cache):
    result = run(
        "--data",
        str(open_root),
        "route",
        "United States",
        "Japan",
        "--k",
        "3",
        "--format",
        "json",
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["from"]["iso2"] == "US" and data["to"]["iso2"] == "JP"
    assert 1 <= len(data["routes"]) <= 3 and data["resilience"] is None
    assert data["snapshot"].startswith("direct:")


def test_route_resilience_table_and_geojson(open_root, isolated_cache):
    table = run("--data", str(open_root), "route", "US", "JP", "--resilience", cache=isolated_cache)
    assert table.returncode == 0 and "Resilience:" in table.stdout and "Route 1:" in table.stdout
    geo = json.loads(
        run(
            "--data",
            str(open_root),
            "route",
            "US",
            "JP",
            "--format",
            "geojson",
            cache=isolated_cache,
        ).stdout
    )
    assert geo["type"] == "FeatureCollection"
    lines = [f for f in geo["features"] if f["geometry"]["type"] == "MultiLineString"]
    assert lines and all(
        -180 <= x <= 180 for f in lines for part in f["geometry"]["coordinates"] for x, _ in part
    )
    assert "TeleGeography" in geo["properties"]["attribution"]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("Japn", "US"), 6, "did you mean 'Japan'"),
        (("Japan", "jp"), 7, "both ends are in Japan"),
        (("Austria", "US"), 8, "has no landing station"),
        (("Tonga", "Fiji", "--avoid-cable", "tonga-cable"), 9, "no route from Tonga to Fiji"),
        (("US", "JP", "--avoid-cable", "nope"), 2, "no cable named 'nope'"),
    ],
)
def test_route_errors_have_their_own_exit_codes(open_root, isolated_cache, args, code, fragment):
    _one_line_error(
        run("--data", str(open_root), "route", *args, cache=isolated_cache), code, fragment
    )


def test_route_across_the_antimeridian_on_the_mini_fixture(mini_root, isolated_cache):
    data = json.loads(
        run(
            "--data", str(mini_root), "route", "US", "JP", "--format", "json", cache=isolated_cache
        ).stdout
    )
    (route,) = data["routes"]
    assert route["cables"] == ["alpha-pacific"]
    assert 8000 < route["km"] < 10500  # the Pacific, not the long way round the world


def test_data_check_prints_the_figures(open_root, isolated_cache):
    table = run("--data", str(open_root), "data", "check", cache=isolated_cache)
    assert table.returncode == 0, table.stderr
    assert "landings attached:      100.0% of 2378" in table.stdout
    assert "trans-Pacific cables connected: 29 of 29" in table.stdout
    figures = json.loads(
        run(
            "--data", str(open_root), "data", "check", "--format", "json", cache=isolated_cache
        ).stdout
    )
    connectivity = figures["connectivity"]
    assert connectivity["cables_checked"] == 519
    not_connected = connectivity["cables_checked"] - connectivity["connected"]
    assert len(connectivity["exceptions"]) == not_connected
    assert all(e["reason"] for e in connectivity["exceptions"])


def test_public_api_is_lazy_and_complete():
    code = (
        "import sys, cablemap; assert 'geopandas' not in sys.modules; "
        "print(sorted(n for n in cablemap.__all__ if not n.startswith('_')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "build_network" in result.stdout and "load_dataset" in result.stdout


def test_route_with_policy_avoid_flagged(open_root, isolated_cache):
    result = run(
        "--data",
        str(open_root),
        "route",
        "United States",
        "Japan",
        "--policy",
        "clean-network-2020",
        "--avoid-flagged",
        "--resilience",
        "--format",
        "json",
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["policy"]["id"] == "clean-network-2020"
    assert all(not r["flagged"] and all(not h["flags"] for h in r["hops"]) for r in data["routes"])
    clean = data["clean"]
    assert clean["clean_route_exists"] and clean["best_route_flagged"]
    assert clean["detour_km"] > 0 and clean["detour_ms"] > 0
    best_flags = [f for h in clean["best_route"]["hops"] for f in h["flags"]]
    assert best_flags and all(f["reason"] and f["citations"][0]["url"] for f in best_flags)
    assert data["resilience"]["cables_to_fail_before_all_flagged"] >= 1


def test_stations_risky_csv_and_json(open_root, isolated_cache):
    args = (
        "--data",
        str(open_root),
        "stations",
        "--risky",
        "--policy",
        "clean-network-2020",
        "--country",
        "United States",
    )
    rows = json.loads(run(*args, "--format", "json", cache=isolated_cache).stdout)["stations"]
    assert rows and all(r["country"] == "US" and r["reasons"] for r in rows)
    order = [(-r["flagged"], -r["exposure"], -r["cables"], r["name"]) for r in rows]
    assert order == sorted(order)
    csv_lines = run(*args, "--format", "csv", cache=isolated_cache).stdout.splitlines()
    comments = [line for line in csv_lines if line.startswith("# ")]
    assert comments[0].startswith("# Data: ")
    assert csv_lines[len(comments)].startswith("rank,station,name,country")
    assert len(csv_lines) == len(comments) + len(rows) + 1
    table = run(*args, cache=isolated_cache).stdout
    assert "Sources:" in table and "TeleGeography" in table


def test_stations_risky_needs_a_policy(open_root, isolated_cache):
    _one_line_error(
        run("--data", str(open_root), "stations", "--risky", cache=isolated_cache),
        2,
        "--risky needs --policy",
    )


def test_cable_and_policies_commands(open_root, isolated_cache):
    info = json.loads(
        run(
            "--data",
            str(open_root),
            "cable",
            "new-cross-pacific-ncp-cable-system",
            "--policy",
            "fcc-2025-submarine-cable",
            "--format",
            "json",
            cache=isolated_cache,
        ).stdout
    )
    assert {o["name"]: o["hq_country"] for o in info["owners"]}["Chunghwa Telecom"] == "TW"
    assert {f["rule"] for f in info["flags"]} >= {
        "foreign-adversary-owner",
        "foreign-adversary-landing",
    }
    listed = run("policies", cache=isolated_cache)
    assert listed.returncode == 0 and "fcc-covered-list" in listed.stdout
    shown = run("policies", "show", "clean-network-2020", cache=isolated_cache).stdout
    assert "rule clean-carrier" in shown and "source: US Department of State" in shown
    _one_line_error(
        run("--data", str(open_root), "cable", "ncpx", cache=isolated_cache),
        2,
        "no cable named 'ncpx'",
    )


def test_bad_user_policy_file_names_the_line(open_root, isolated_cache, tmp_path):
    policy = tmp_path / "mine.toml"
    policy.write_text(
        'id = "mine"\nname = "Mine"\n[[rule]]\nid = "r"\napplies_to = "owner"\n'
        'entities = ["china-telcom"]\n'
    )
    result = run(
        "--data", str(open_root), "route", "US", "JP", "--policy", str(policy), cache=isolated_cache
    )
    _one_line_error(result, 2, f"{policy}:6:", "unknown entity 'china-telcom'")


def test_carriers_unmatched(open_root, isolated_cache):
    rows = json.loads(
        run(
            "--data",
            str(open_root),
            "carriers",
            "unmatched",
            "--format",
            "json",
            cache=isolated_cache,
        ).stdout
    )
    assert rows and all(r["cables"] <= 2 for r in rows if r["role"] == "owner")
    assert [r["name"] for r in rows if r["role"] == "supplier"] == ["CCSI"]
    assert all(r["cables"] == len(set(r["cable_ids"])) for r in rows)  # distinct cables
    assert not any(r["listed"] for r in rows)  # deliberately unmatched names need --listed


def test_carriers_unmatched_listed_table_and_csv(open_root, isolated_cache):
    def unmatched(*options):
        args = ("--data", str(open_root), "carriers", "unmatched", *options)
        return run(*args, cache=isolated_cache).stdout

    table = unmatched()
    hidden = int(table.splitlines()[-1].split()[0])
    assert hidden > 0 and "not shown; --listed shows them" in table
    shown = unmatched("--listed").splitlines()
    header = next(i for i, line in enumerate(shown) if "deliberately unmatched (geodata" in line)
    assert len(shown) - header - 1 == hidden and all(" -- " in line for line in shown[header + 1 :])
    rows = list(csv.DictReader(io.StringIO(unmatched("--format", "csv", "--listed"))))
    assert sum(r["listed"] == "true" for r in rows) == hidden
    assert all(r["reason"] for r in rows if r["listed"] == "true")
    counts = {r["name"]: int(r["cables"]) for r in rows}
    assert counts.get("Lda.") is None  # a legal form, not an owner (issue 12)


def test_route_map_and_image_files(open_root, isolated_cache, tmp_path):
    html_path, png_path = tmp_path / "route.html", tmp_path / "route.png"
    result = run(
        "--data",
        str(open_root),
        "route",
        "US",
        "JP",
        "--k",
        "2",
        "--policy",
        "clean-network-2020",
        "--map",
        str(html_path),
        "--self-contained",
        "--image",
        str(png_path),
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    text = html_path.read_text()
    assert '<script src="http' not in text and "TeleGeography" in text
    assert png_path.read_bytes()[:4] == b"\x89PNG"
    fragment = tmp_path / "fragment.html"
    run(
        "--data",
        str(open_root),
        "route",
        "US",
        "JP",
        "--map",
        str(fragment),
        "--embed",
        cache=isolated_cache,
    )
    assert not fragment.read_text().lstrip().lower().startswith("<!doctype")


def test_risk_map_command(open_root, isolated_cache, tmp_path):
    out = tmp_path / "risk.html"
    result = run(
        "--data",
        str(open_root),
        "map",
        "--policy",
        "clean-network-2020",
        "--country",
        "Japan",
        "-o",
        str(out),
        "--self-contained",
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size < 3_000_000 and "Shima" in out.read_text()


def test_report_command_and_failed_run_keeps_existing_file(open_root, isolated_cache, tmp_path):
    out = tmp_path / "report.md"
    result = run(
        "--data",
        str(open_root),
        "report",
        "GB",
        "SG",
        "--policy",
        "fcc-2025-submarine-cable",
        "-o",
        str(out),
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    assert "# Routes from United Kingdom to Singapore" in out.read_text()
    assert (tmp_path / "report.png").exists() and (tmp_path / "report-map.html").exists()
    out.write_text("my notes")
    png = (tmp_path / "report.png").read_bytes()
    failed = run(
        "--data",
        str(open_root),
        "report",
        "Atlantis",
        "SG",
        "-o",
        str(out),
        "--force",
        cache=isolated_cache,
    )  # --force: the image and map beside it exist (without it: exit 2 before any work)
    assert failed.returncode == 6 and out.read_text() == "my notes"
    assert (tmp_path / "report.png").read_bytes() == png


def test_matrix_csv_agrees_with_route(open_root, isolated_cache, tmp_path):
    import csv

    out = tmp_path / "matrix.csv"
    result = run(
        "--data",
        str(open_root),
        "matrix",
        "--countries",
        "US,JP,GB,BR,ZA",
        "--policy",
        "clean-network-2020",
        "-o",
        str(out),
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    with out.open() as file:
        assert file.readline().startswith("# Data: ")  # the provenance line
        rows = {(r["from_iso2"], r["to_iso2"]): r for r in csv.DictReader(file)}
    assert len(rows) == 20
    for origin, destination in [("US", "JP"), ("GB", "US"), ("BR", "ZA")]:
        routed = json.loads(
            run(
                "--data",
                str(open_root),
                "route",
                origin,
                destination,
                "--policy",
                "clean-network-2020",
                "--format",
                "json",
                cache=isolated_cache,
            ).stdout
        )
        best = routed["routes"][0]
        row = rows[(origin, destination)]
        assert float(row["km"]) == pytest.approx(best["km"], abs=0.1)
        assert (row["flagged"] == "True") == best["flagged"]


def test_matrix_bad_output_suffix(open_root, isolated_cache, tmp_path):
    _one_line_error(
        run(
            "--data", str(open_root), "matrix", "-o", str(tmp_path / "m.xlsx"), cache=isolated_cache
        ),
        2,
        ".csv or .parquet",
    )


def test_output_paths_are_checked_before_any_work(open_root, isolated_cache, tmp_path):
    missing = run(
        "--data",
        str(open_root),
        "route",
        "US",
        "JP",
        "--map",
        str(tmp_path / "nodir" / "x.html"),
        cache=isolated_cache,
    )
    _one_line_error(missing, 2, "does not exist")
    assert missing.stdout == ""
    _one_line_error(
        run(
            "--data",
            str(open_root),
            "route",
            "US",
            "JP",
            "--image",
            str(tmp_path / "x.jpg"),
            cache=isolated_cache,
        ),
        2,
        ".png or .svg",
    )
    (tmp_path / "dir.csv").mkdir()
    _one_line_error(
        run(
            "--data",
            str(open_root),
            "matrix",
            "--countries",
            "US,JP",
            "-o",
            str(tmp_path / "dir.csv"),
            cache=isolated_cache,
        ),
        2,
        "is a directory",
    )
    (tmp_path / "dir.html").mkdir()
    _one_line_error(
        run(
            "--data",
            str(open_root),
            "report",
            "US",
            "JP",
            "-o",
            str(tmp_path / "dir.html"),
            cache=isolated_cache,
        ),
        2,
        "is a directory",
    )


def _import_mini(mini_root, cache):
    imported = run("data", "import", str(mini_root), cache=cache)
    assert imported.returncode == 0, imported.stderr
    return json.loads(run("data", "list", "--format", "json", cache=cache).stdout)[0]["id"]


def test_data_verify_and_remove(mini_root, isolated_cache):
    """Issue 11 item 6: verify prints one line per problem and exits 3; remove is guarded."""
    snapshot = _import_mini(mini_root, isolated_cache)
    ok = run("data", "verify", cache=isolated_cache)
    assert ok.returncode == 0 and ok.stdout.strip() == "1 snapshots intact", ok.stderr
    damaged = isolated_cache / "snapshots" / snapshot / "files" / "cable" / "gamma-strait.json"
    damaged.chmod(0o644)
    damaged.write_bytes(damaged.read_bytes()[:-1] + b" ")
    bad = run("data", "verify", snapshot, cache=isolated_cache)
    assert bad.stdout.strip() == (
        f"{snapshot}: cable/gamma-strait.json: sha256 does not match the manifest"
    )
    _one_line_error(bad, 3, "1 problems", "fetch or import the source again")
    refused = run("data", "remove", snapshot, cache=isolated_cache)
    _one_line_error(refused, 2, "is the current one", "fetch or import another snapshot first")
    repaired = run("data", "import", str(mini_root), cache=isolated_cache)
    assert repaired.stdout.startswith("stored new snapshot"), repaired.stdout
    assert run("data", "verify", cache=isolated_cache).returncode == 0


def test_damaged_manifest_is_listed_and_removable(mini_root, isolated_cache):
    snapshot = _import_mini(mini_root, isolated_cache)
    manifest = isolated_cache / "snapshots" / snapshot / "manifest.json"
    manifest.chmod(0o644)
    doc = json.loads(manifest.read_text())
    del doc["counts"]
    manifest.write_text(json.dumps(doc))
    listed = run("data", "list", cache=isolated_cache)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith(f"! {snapshot}  damaged: ") and "lacks counts" in listed.stdout
    verify = run("data", "verify", cache=isolated_cache)
    _one_line_error(verify, 3, "1 problems")
    info = run("data", "info", snapshot, cache=isolated_cache)
    _one_line_error(info, 5, "lacks counts", f"cablemap data remove {snapshot}")
    removed = run("data", "remove", snapshot, cache=isolated_cache)
    assert removed.returncode == 0 and removed.stdout.strip() == f"removed snapshot {snapshot}"
    assert "no snapshots yet" in run("data", "list", cache=isolated_cache).stdout


def test_forged_manifest_path_is_damage_on_the_command_line(mini_root, isolated_cache):
    """Issue 11: a manifest naming ../../../secret.txt is damage; other snapshots work."""
    forged = _import_mini(mini_root, isolated_cache)
    manifest = isolated_cache / "snapshots" / forged / "manifest.json"
    manifest.chmod(0o644)
    doc = json.loads(manifest.read_text())
    doc["files"]["../../../secret.txt"] = doc["files"].pop("cable/gamma-strait.json")
    manifest.write_text(json.dumps(doc))
    detail = mini_root / "cable" / "beta-south.json"
    detail.write_text(json.dumps({**json.loads(detail.read_text()), "owners": "Someone Else"}))
    assert run("data", "import", str(mini_root), cache=isolated_cache).returncode == 0
    listed = run("data", "list", cache=isolated_cache).stdout.splitlines()
    assert listed[0].startswith("* ") and forged not in listed[0]
    assert listed[1].startswith(f"! {forged}  damaged: ") and "'../../../secret.txt'" in listed[1]
    for args in (("data", "verify"), ("data", "verify", forged)):
        verify = run(*args, cache=isolated_cache)
        _one_line_error(verify, 3, "1 problems")
        [line] = verify.stdout.splitlines()
        assert line.startswith(f"{forged}: ") and "'../../../secret.txt'" in line
        assert "outside the snapshot directory" in line
    current = listed[0].split()[1]
    assert run("data", "verify", current, cache=isolated_cache).returncode == 0
    assert run("cable", "beta-south", cache=isolated_cache).returncode == 0


def test_damaged_current_file_and_long_arguments(mini_root, isolated_cache):
    """Issue 11 items 10 and 16: a garbage `current` file; a 5,000-character id."""
    snapshot = _import_mini(mini_root, isolated_cache)
    (isolated_cache / "current").write_bytes(b"\xff\xfe\x00\x01")
    listed = run("data", "list", cache=isolated_cache)
    assert listed.returncode == 0 and listed.stdout.startswith(f"* {snapshot}"), listed.stderr
    long_id = run("data", "use", "z" * 5000, cache=isolated_cache)
    _one_line_error(long_id, 2, "(5000 characters)", "data list")
    assert len(long_id.stderr) < 400
    long_source = run("data", "fetch", "--source", "/" + "d" * 5000, cache=isolated_cache)
    _one_line_error(long_source, 2, "cannot use this path")
    assert len(long_source.stderr) < 400


@pytest.mark.parametrize(
    ("args", "fragment", "help_hint"),
    [
        (["route", "US"], "Missing argument 'TO'", "cablemap route --help"),
        (["route", "US", "JP", "--k", "abc"], "'--k'", "cablemap route --help"),
        (["no-such-command"], "No such command", "cablemap --help"),
        (["data", "use"], "Missing argument 'SNAPSHOT_ID'", "cablemap data use --help"),
    ],
)
def test_usage_errors_are_one_line_with_the_help_to_read(args, fragment, help_hint):
    """A usage mistake is one line naming what was wrong and which help to read (exit 2)."""
    result = run(*args)
    _one_line_error(result, 2, fragment, f"(see '{help_hint}')")
