"""Stakes, affiliation by equity and policy dates on the real open snapshot.

Checks against the real world, with their sources:

- FCC, Order to Show Cause on HKT (International) Ltd et al., DA 25-928, 15 Oct 2025:
  HKT, a PCCW subsidiary, is "an affiliate of China Unicom", which holds about 18.4 % of
  PCCW (Hong Kong Free Press, 17 Oct 2025, citing Bloomberg). JUPITER is owned in part
  by PCCW, so the Covered List flags it through that affiliation.
- stc (controlled by Saudi Arabia's PIF) holds 9.97 % of Telefonica since the Spanish
  government's authorisation of 29 Nov 2024 (Libre Mercado, 29 Nov 2024), 4.9 % before:
  under a 10 % test, cables owned by Telefonica alone are not flagged.
- 90 FR 48648 (27 Oct 2025): the FCC's submarine cable rules take effect on 26 Nov 2025.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import run_cablemap


@pytest.fixture(scope="module")
def real():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.topology import build_topology

    dataset = load_dataset(_require(OPEN_ROOT))
    return dataset, build_topology(dataset)


def _flags(real, policy: str, when: str):
    from cablemap.policy.flags import apply_policy
    from cablemap.policy.rules import load_policy

    dataset, topology = real
    return apply_policy(load_policy(policy, as_of=when), dataset, topology)


def test_jupiter_is_flagged_through_pccw_and_china_unicom(real):
    flags = _flags(real, "fcc-covered-list", "2025-12-01")
    (flag,) = [f for f in flags.cables["jupiter"] if f.entity == "pccw"]
    assert flag.rule == "covered-owner"
    assert "PCCW ← China Unicom 18.4% equity, counted from 2025-10-15" in flag.reason
    assert "DA 25-928" in flag.reason  # the FCC source, in words
    chain = flag.as_dict()["chain"]
    assert [(link["relation"], link["entity"], link.get("other")) for link in chain] == [
        ("equity", "pccw", "china-unicom-group"),
        ("family", "china-unicom-group", "china-unicom-americas"),
        ("covered-list", "china-unicom-americas", None),
    ]
    assert chain[0]["share"] == "18.4%"
    urls = [source["url"] for source in chain[0]["sources"]]
    assert urls[0] == "https://docs.fcc.gov/public/attachments/DA-25-928A1.pdf"
    assert chain[2]["since"] == "2022-09-20"
    # every segment of the cable carries the flag and its chain (ownership is per cable)
    assert all(any(f.chain == flag.chain for f in flags.segments[s]) for s in _segments(real))
    # the same owner puts the same flag on WACS, another PCCW cable
    assert any(f.entity == "pccw" for f in flags.cables["west-africa-cable-system-wacs"])


def _segments(real) -> list[str]:
    _, topology = real
    table = topology.segments
    return [
        s for s, c in zip(table["segment_id"], table["cable_id"], strict=True) if c == "jupiter"
    ]


def test_before_the_stake_is_attested_jupiter_is_not_flagged(real):
    flags = _flags(real, "fcc-covered-list", "2025-10-14")
    assert flags.cables["jupiter"] == ()
    assert flags.policy.as_of == date(2025, 10, 14)


def test_a_state_stake_under_the_threshold_flags_nothing(real, tmp_path: Path):
    from cablemap.policy.flags import apply_policy
    from cablemap.policy.rules import load_policy

    dataset, topology = real
    only_telefonica = [
        cable
        for cable, owners in zip(dataset.cables["id"], dataset.cables["owners"], strict=True)
        if owners == ["Telefonica"]
    ]
    assert "candalta" in only_telefonica and len(only_telefonica) >= 10

    def policy(threshold: float, when: str):
        path = tmp_path / f"sa-{threshold}.toml"
        path.write_text(
            'id = "saudi-state-stakes"\nname = "Saudi state stakes"\n'
            '[[rule]]\nid = "sa-owner"\napplies_to = "owner"\n'
            f'state_controlled_by = ["SA"]\nequity_threshold = {threshold}\n'
            'effective = "2020-01-01"\n'
            '[[rule.citations]]\ntitle = "Test reading of a 10% equity test"\n'
            'date = "2025-10-27"\nurl = "https://www.govinfo.gov/content/pkg/FR-2025-10-27/html/'
            '2025-19658.htm"\n'
        )
        return apply_policy(load_policy(str(path), as_of=when), dataset, topology)

    at_ten = policy(10, "2025-12-01")
    assert all(at_ten.cables[c] == () for c in only_telefonica)  # stc holds 9.97%
    assert any(f.entity == "stc" for f in at_ten.cables["seamewe-3"])  # stc owns it itself
    lower = policy(9.9, "2025-12-01")  # the same stake does pass a 9.9% test
    assert all(any(f.entity == "telefonica" for f in lower.cables[c]) for c in only_telefonica)
    assert "Telefonica ← Saudi Telecom 9.97% voting" in lower.cables["candalta"][0].reason
    earlier = policy(9.9, "2024-06-01")  # 4.9% then
    assert all(earlier.cables[c] == () for c in only_telefonica)


def test_rules_dated_after_the_policy_date_do_not_fire(real):
    before = _flags(real, "fcc-2025-submarine-cable", "2025-11-25")
    assert not any(before.cables.values())
    assert not any(before.segments.values()) and not any(before.stations.values())
    after = _flags(real, "fcc-2025-submarine-cable", "2025-11-26")
    assert any(f.rule == "foreign-adversary-owner" for f in after.cables["jupiter"])
    assert after.flagged_stations()


def test_cli_policy_date_in_json_and_the_flag_chain():
    from conftest import OPEN_ROOT, _require

    data = str(_require(OPEN_ROOT))
    common = ("--data", data, "cable", "jupiter", "--policy", "fcc-2025-submarine-cable")
    import json

    before = run_cablemap(*common, "--policy-date", "2025-11-25", "--format", "json")
    after = run_cablemap(*common, "--policy-date", "2025-11-26", "--format", "json")
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    old, new = json.loads(before.stdout), json.loads(after.stdout)
    assert (old["policy_date"], old["flags"]) == ("2025-11-25", [])
    assert new["policy_date"] == "2025-11-26"
    by_rule = {flag["rule"]: flag for flag in new["flags"]}
    assert by_rule["covered-list-affiliate"]["chain"][0]["other"] == "china-unicom-group"


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "01/12/2025"])
def test_cli_bad_policy_date_is_one_line_exit_2(bad):
    from conftest import OPEN_ROOT, _require

    result = run_cablemap(
        "--data",
        str(_require(OPEN_ROOT)),
        "route",
        "US",
        "JP",
        "--policy",
        "fcc-covered-list",
        "--policy-date",
        bad,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"--policy-date {bad!r} is not a date" in result.stderr
    assert "Traceback" not in result.stderr


def test_reports_cite_the_sources_of_the_stakes_once(real):
    from cablemap.policy.carriers import default_registry
    from cablemap.render.report import _Notes

    flags = _flags(real, "fcc-covered-list", "2025-12-01")
    dataset, _ = real
    owners = dataset.cables.set_index("id").loc["jupiter", "owners"]
    notes = _Notes(default_registry(), {"jupiter": list(owners)})
    note = notes.note("jupiter", "JUPITER", flags.cables["jupiter"])
    urls = [citation.url for citation in notes.citations.values()]
    why = " ".join(notes.why["JUPITER"].values())
    assert "PCCW ← China Unicom 18.4% equity" in why
    assert (
        "https://hongkongfp.com/2025/10/17/hong-kong-telecom-carefully-reviewing-order-seeking-to-bar-firm-from-operating-in-us"
        in urls
    )
    assert urls.count("https://docs.fcc.gov/public/attachments/DA-25-928A1.pdf") == 1
    assert note.endswith(f"[{', '.join(str(n) for n in range(1, len(urls) + 1))}]")
