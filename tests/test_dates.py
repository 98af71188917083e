"""Policies on a date: rule dates, the policy date, bad dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cablemap.policy.carriers import load_registry
from cablemap.policy.dates import PolicyDateError, parse_policy_date, today_utc
from cablemap.policy.rules import PolicyError, load_policy, shipped_policies

STAKES = Path(__file__).resolve().parent / "fixtures" / "registry-stakes"


def _policy(tmp_path: Path, dates: str, when: str | None = None):
    path = tmp_path / "p.toml"
    path.write_text(
        'id = "p"\nname = "P"\n[[rule]]\nid = "r"\napplies_to = "landing"\ncountries = ["CN"]\n'
        f"{dates}\n"
        '[[rule.citations]]\ntitle = "T"\ndate = "2025-01-01"\nurl = "https://example.org/t"\n'
    )
    return load_policy(str(path), load_registry(STAKES), as_of=when)


def test_parse_policy_date():
    assert parse_policy_date("2025-11-26") == date(2025, 11, 26)
    assert parse_policy_date(date(2020, 1, 1)) == date(2020, 1, 1)
    assert parse_policy_date(None) == today_utc()
    for bad in ("2025-02-30", "26/11/2025", "2025-11", "today", ""):
        with pytest.raises(PolicyDateError, match="is not a date; give YYYY-MM-DD"):
            parse_policy_date(bad)


def test_a_rule_fires_from_effective_until_ends(tmp_path):
    dated = 'effective = "2025-11-26"\nends = "2027-01-01"'
    assert not _policy(tmp_path, dated, "2025-11-25").rules_in_force()
    assert _policy(tmp_path, dated, "2025-11-26").rules_in_force()
    assert _policy(tmp_path, dated, "2026-12-31").rules_in_force()
    assert not _policy(tmp_path, dated, "2027-01-01").rules_in_force()
    undated = _policy(tmp_path, "", "1990-01-01")
    assert undated.rules_in_force() and undated.rules[0].effective is None


def test_the_policy_says_its_date(tmp_path):
    policy = _policy(tmp_path, "", "2025-12-01")
    assert policy.as_of == date(2025, 12, 1) and policy.date_label == "as of 2025-12-01"
    assert policy.on("2024-01-01").as_of == date(2024, 1, 1)
    assert policy.on(None).as_of == today_utc()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ('effective = "26 Nov 2025"', "effective '26 Nov 2025' is not a YYYY-MM-DD date"),
        ('effective = "2025-11-26"\nends = "2025-11-26"', "ends 2025-11-26 must come after"),
        ("ends = 2025", "ends 2025 is not a YYYY-MM-DD date"),
    ],
)
def test_bad_rule_dates(tmp_path, dates, message):
    with pytest.raises(PolicyError, match=message) as caught:
        _policy(tmp_path, dates)
    assert "p.toml:" in str(caught.value) and "\n" not in str(caught.value)


def test_bad_policy_date_in_the_api(tmp_path):
    with pytest.raises(PolicyDateError):
        _policy(tmp_path, "", "yesterday")


def test_every_shipped_rule_has_an_effective_date():
    for name in shipped_policies():
        for rule in load_policy(name).rules:
            assert rule.effective is not None, (name, rule.id)
