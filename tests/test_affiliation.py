"""Selection by control and by equity, on a date, with the chain behind each selection."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cablemap.policy.carriers import load_registry
from cablemap.policy.rules import PolicyError, load_policy

STAKES = Path(__file__).resolve().parent / "fixtures" / "registry-stakes"
DAY = date(2025, 12, 1)


@pytest.fixture
def registry():
    return load_registry(STAKES)


def _rule(registry, tmp_path: Path, extra: str, when: date = DAY):
    path = tmp_path / "p.toml"
    path.write_text(
        'id = "p"\nname = "P"\n[[rule]]\nid = "r"\napplies_to = "owner"\n'
        f"{extra}\n"
        '[[rule.citations]]\ntitle = "T"\ndate = "2025-01-01"\nurl = "https://example.org/t"\n'
    )
    policy = load_policy(str(path), registry, as_of=when)
    return policy, policy.rules[0]


COVERED_AFFILIATES = (
    "covered_list = true\ninclude_affiliates = true\n"
    'equity_threshold = 10\nequity_test = "more-than"'
)


def _selected(rule, registry, entity_id: str, when: date = DAY) -> bool:
    return rule.select(registry.entities[entity_id], registry, when) is not None


def test_equity_affiliate_of_a_covered_family_with_its_chain(registry, tmp_path):
    _, rule = _rule(registry, tmp_path, COVERED_AFFILIATES)
    selection = rule.select(registry.entities["bigco"], registry, DAY)
    assert selection is not None
    assert "BigCo ← Group X 18.4% equity, counted from 2025-10-15 (Order on BigCo, 2025-10-15)" in (
        selection.reason
    )
    relations = [(link.relation, link.entity, link.other) for link in selection.chain]
    assert relations == [
        ("equity", "bigco", "group-x"),
        ("family", "group-x", "x-us"),
        ("covered-list", "x-us", None),
    ]
    equity = selection.chain[0].as_dict()
    assert equity["share"] == "18.4%" and equity["since"] == "2025-10-15"
    assert equity["sources"][0]["url"] == "https://example.org/order"


def test_a_stake_counts_only_from_its_date(registry, tmp_path):
    _, rule = _rule(registry, tmp_path, COVERED_AFFILIATES)
    assert _selected(rule, registry, "bigco", date(2025, 10, 15))
    assert not _selected(rule, registry, "bigco", date(2025, 10, 14))


def test_equity_reaches_down_the_control_chain_never_up(registry, tmp_path):
    _, rule = _rule(registry, tmp_path, COVERED_AFFILIATES)
    sub = rule.select(registry.entities["bigco-sub"], registry, DAY)
    assert sub is not None and sub.chain[0].relation == "control"
    assert sub.reason.startswith("is controlled by BigCo, and is an affiliate by equity")
    assert not _selected(rule, registry, "bigco-parent")  # BigCo's controlling parent


def test_stakes_of_one_holder_family_add_up_while_both_last(registry, tmp_path):
    _, rule = _rule(registry, tmp_path, COVERED_AFFILIATES)
    # X Americas 6% + X Hong Kong 5-6% (both Group X): 11% until 30 Jun 2024, then 6%
    assert _selected(rule, registry, "split-co", date(2024, 1, 1))
    assert not _selected(rule, registry, "split-co", date(2024, 7, 1))


def test_ranges_and_the_comparison(registry, tmp_path):
    _, strict = _rule(registry, tmp_path, COVERED_AFFILIATES)
    assert not _selected(strict, registry, "range-co")  # 8-12%: the lower bound decides
    assert not _selected(strict, registry, "ten-co")  # exactly 10%: not "more than 10"
    _, at_least = _rule(
        registry, tmp_path, "covered_list = true\ninclude_affiliates = true\nequity_threshold = 10"
    )
    assert _selected(at_least, registry, "ten-co")  # 10% voting: "10% or more"
    assert not _selected(at_least, registry, "range-co")
    _, eight = _rule(
        registry, tmp_path, "covered_list = true\ninclude_affiliates = true\nequity_threshold = 8"
    )
    assert _selected(eight, registry, "range-co")


def test_without_affiliates_only_selected_holders_count(registry, tmp_path):
    _, rule = _rule(registry, tmp_path, "covered_list = true\nequity_threshold = 10")
    assert not _selected(rule, registry, "bigco")  # Group X itself is not on the list
    assert not _selected(rule, registry, "split-co", date(2024, 1, 1))  # only X Americas' 6%
    _, control_only = _rule(registry, tmp_path, "covered_list = true\ninclude_affiliates = true")
    assert _selected(control_only, registry, "x-hk")
    assert not _selected(control_only, registry, "bigco")  # no equity test, no equity affiliates


def test_covered_list_entries_count_from_their_added_date(registry, tmp_path):
    _, rule = _rule(registry, tmp_path, "covered_list = true")
    assert _selected(rule, registry, "x-us", date(2022, 9, 20))
    assert not _selected(rule, registry, "x-us", date(2022, 9, 19))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("covered_list = true\nequity_threshold = 0", "above 0 and at most 100"),
        ("covered_list = true\nequity_threshold = 120", "above 0 and at most 100"),
        ('covered_list = true\nequity_threshold = "10"', "above 0 and at most 100"),
        ('covered_list = true\nequity_test = "more-than"', "needs an equity_threshold"),
        ('covered_list = true\nequity_threshold = 10\nequity_test = "over"', "equity_test must"),
    ],
)
def test_bad_equity_settings(registry, tmp_path, extra, message):
    with pytest.raises(PolicyError, match=message) as caught:
        _rule(registry, tmp_path, extra)
    assert "p.toml:" in str(caught.value) and "\n" not in str(caught.value)
