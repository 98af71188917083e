"""The look-up commands as a user runs them: carriers list/show, search, cable by name."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import run_cablemap as run

from cablemap.policy.carriers import default_registry


def _one_line_error(result, code, *fragments):
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cablemap: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    """One cache for this module's commands: the network is built by the first, reused."""
    return tmp_path_factory.mktemp("lookups-cache")


@pytest.fixture
def cablemap(open_root, module_cache):
    """Run cablemap on the real open snapshot, as a user would (a real process)."""

    def call(*args: str):
        return run("--data", str(open_root), *args, cache=module_cache)

    return call


def test_carriers_list_in_three_formats(cablemap):
    listing = json.loads(
        cablemap("carriers", "list", "--policy", "clean-network-2020", "--format", "json").stdout
    )
    rows = listing["carriers"]
    assert listing["policy"] == "clean-network-2020"
    assert len(rows) == len(default_registry().entities)
    by_id = {row["id"]: row for row in rows}
    assert by_id["hmn-tech"]["supplied"] == 35  # supplier/hmn-tech.json lists 35 cables
    assert "clean-cable-supplier" in by_id["hmn-tech"]["selected_by"]
    assert by_id["chunghwa-telecom"]["selected_by"] == []
    reason = next(v for v in by_id["china-mobile"]["verdicts"] if v["rule"] == "clean-carrier")
    assert reason["selected"] and "headquartered in HK" in reason["reason"]
    table = cablemap("carriers", "list").stdout.splitlines()
    assert table[0].startswith(f"{len(rows)} registry entities")
    assert table[2].split()[:6] == ["id", "HQ", "state", "covered", "owned", "supplied"]
    assert table[3].split()[0] == rows[0]["id"]
    parsed = list(
        csv.DictReader(io.StringIO(cablemap("carriers", "list", "--format", "csv").stdout))
    )
    assert [r["id"] for r in parsed] == [r["id"] for r in rows]
    assert {r["id"]: int(r["owned"]) for r in parsed}["china-mobile"] == by_id["china-mobile"][
        "owned"
    ]


def test_carriers_show_china_mobile_and_hmn_tech(cablemap):
    shown = cablemap("carriers", "show", "China Mobile")
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert text.startswith("China Mobile Limited (china-mobile)\n")
    assert "China Mobile Limited (china-mobile, HQ HK)  <- this entity" in text
    assert "parent chain: China Mobile Communications Group Co., Ltd." in text
    assert "owner  RFS" in text and "2Africa (2africa), as 'China Mobile'" in text
    assert "[family: hkbn-enterprise-solutions]" in text
    for policy in ("clean-network-2020", "fcc-covered-list", "fcc-2025-submarine-cable"):
        assert any(
            line.startswith(f"    {policy} (as of ") and line.endswith("): SELECTED")
            for line in text.splitlines()
        )
    assert "[hq_country, parent, state_control, name] China Mobile Limited" in text
    hmn = json.loads(
        cablemap(
            "carriers", "show", "HMN", "--policy", "fcc-covered-list", "--format", "json"
        ).stdout
    )
    assert hmn["entity"]["id"] == "hmn-tech" and hmn["entity"]["hq_country"] == "CN"
    assert [p["policy"] for p in hmn["policies"]] == ["fcc-covered-list"]
    supplied = [c for c in hmn["cables"] if c["role"] == "supplier"]
    assert len(supplied) == 35 and {c["named_as"] for c in supplied} == {"HMN Tech"}


def test_carriers_verdicts_follow_the_policy_date(cablemap):
    """PCCW is a Covered List affiliate by equity only from the date its stake is attested."""

    def verdict(date: str) -> dict:
        shown = cablemap(
            "carriers",
            "show",
            "PCCW",
            "--policy",
            "fcc-covered-list",
            "--policy-date",
            date,
            "--format",
            "json",
        )
        assert shown.returncode == 0, shown.stderr
        return json.loads(shown.stdout)["policies"][0]

    before, after = verdict("2024-01-01"), verdict("2026-01-01")
    assert (before["policy_date"], before["selected"]) == ("2024-01-01", False)
    assert (after["policy_date"], after["selected"]) == ("2026-01-01", True)
    owner = next(v for v in after["verdicts"] if v["rule"] == "covered-owner")
    assert "PCCW ← China Unicom 18.4% equity" in owner["reason"]
    listed = cablemap(
        "carriers",
        "list",
        "--policy",
        "fcc-covered-list",
        "--policy-date",
        "2024-01-01",
        "--format",
        "json",
    )
    document = json.loads(listed.stdout)
    assert document["policy_date"] == "2024-01-01"
    pccw = next(row for row in document["carriers"] if row["id"] == "pccw")
    assert pccw["selected_by"] == []


def test_carriers_show_bad_names(cablemap):
    _one_line_error(
        cablemap("carriers", "show", "china"),
        2,
        "names several carriers",
        "China Mobile Limited (china-mobile)",
        "China Telecom Corporation Limited (china-telecom)",
    )
    _one_line_error(
        cablemap("carriers", "show", "Chna Mobile"),
        2,
        "no carrier named 'Chna Mobile'",
        "did you mean 'China Mobile'",
        "`cablemap carriers list`",
        "`cablemap search TEXT`",
    )
    _one_line_error(cablemap("carriers", "show", "hmn", "--policy", "nope"), 2, "policy 'nope'")
    _one_line_error(cablemap("carriers", "show", ""), 2, "is empty")


def test_search_finds_sea_us_and_says_what_to_run(cablemap):
    for args in (("SEA-US",), ("sea", "us"), ("sea us",)):
        result = cablemap("search", *args)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].startswith("1 match for ")
        assert lines[3].split() == [
            "cable",
            "SEA-US",
            "exact",
            "name",
            "'SEA-US'",
            "RFS",
            "2017",
            "cablemap",
            "cable",
            "sea-us",
        ]
    found = json.loads(
        cablemap("search", "hong", "kong", "--format", "json", "--limit", "3").stdout
    )
    assert found["query"] == "hong kong" and found["shown"] == 3 and found["total"] > 3
    rows = list(csv.DictReader(io.StringIO(cablemap("search", "HMN", "--format", "csv").stdout)))
    assert [(r["kind"], r["id"], r["next"]) for r in rows] == [
        ("carrier", "hmn-tech", "cablemap carriers show hmn-tech")
    ]
    # what a hit says to run next works
    assert cablemap(*rows[0]["next"].split()[1:]).stdout.startswith("HMN Technologies")
    nothing = cablemap("search", "qqqzzzxxx")
    assert nothing.returncode == 0 and nothing.stdout.startswith("nothing matches 'qqqzzzxxx'")
    _one_line_error(cablemap("search", "!!"), 2, "no letter or digit")
    hostile = cablemap("search", "\x1b]0;pwned\x07SEA-US")
    assert "\x1b" not in hostile.stdout and "\x07" not in hostile.stdout


def test_cable_by_name_or_abbreviation(cablemap):
    for name in ("SEA-US", "sea us", "Asia-America Gateway (AAG) Cable System", "AAG"):
        result = cablemap("cable", name, "--format", "json")
        assert result.returncode == 0, result.stderr
    assert json.loads(cablemap("cable", "AAG", "--format", "json").stdout)["id"] == (
        "asia-america-gateway-aag-cable-system"
    )
    _one_line_error(
        cablemap("cable", "BSCS"),
        2,
        "names several cables",
        "boriken-submarine-cable-system-bscs",
        "batam-singapore-cable-system-bscs",
    )
    _one_line_error(cablemap("cable", "SEA-USS"), 2, "no cable named 'SEA-USS'", "did you mean")


def test_hostile_names_reach_csv_and_terminal_defused(mini_root, isolated_cache):
    from test_output_safety import HOSTILE, rename_station

    rename_station(mini_root, "Chikura, Japan", HOSTILE + ", Japan")
    table = run("--data", str(mini_root), "search", "chikura", cache=isolated_cache)
    assert table.returncode == 0, table.stderr
    assert "Chikura" in table.stdout
    for bad in ("\x1b", "\x07", "\x00", "\x9b", "\r"):
        assert bad not in table.stdout + table.stderr
    found = run(
        "--data", str(mini_root), "search", "chikura", "--format", "csv", cache=isolated_cache
    )
    rows = list(csv.DictReader(io.StringIO(found.stdout)))
    assert [r["name"][:12] for r in rows] == ["'=HYPERLINK("]
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
