"""Carrier registry, policy files and flags, on hand-made fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cablemap.analysis.query import trace_routes
from cablemap.errors import DataError
from cablemap.policy.carriers import load_registry, normalise_name
from cablemap.policy.rules import PolicyError, load_policy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_REGISTRY = FIXTURES / "registry" / "carriers"
OK_POLICY = FIXTURES / "policies" / "ok.toml"


@pytest.fixture
def registry():
    return load_registry(TEST_REGISTRY)


@pytest.fixture
def use_test_registry(monkeypatch, registry):
    """Make the policy code use the test registry instead of the shipped one."""
    monkeypatch.setattr("cablemap.policy.flags.default_registry", lambda: registry)
    monkeypatch.setattr("cablemap.policy.rules.default_registry", lambda: registry)
    return registry


@pytest.fixture
def mini(mini_root):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.topology import build_topology

    dataset = load_dataset(mini_root)
    return dataset, build_topology(dataset)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("  China   Telecom ", "china telecom"),
        ("***Retelit*** (acquired)", "retelit (acquired)"),
        ("Orange Cote d\u2019Ivoire", "orange cote d'ivoire"),
        ("\uff23\uff34\uff2d", "ctm"),
    ],
)
def test_normalise_name(text, normal):
    assert normalise_name(text) == normal


def test_exact_alias_matching_never_substrings(registry):
    assert registry.match("china telecom").id == "china-telecom"
    assert registry.match("China Telecom Global").id == "china-telecom"
    assert registry.match("Chunghwa Telecom").hq_country == "TW"
    for near_miss in ("China", "Telecom", "China Telecom Globalx", "China Telecommunications"):
        assert registry.match(near_miss) is None


def test_family(registry):
    assert registry.root("covered-us-arm") == "state-telecom-group"
    family = {e.id for e in registry.family("china-telecom")}
    assert family == {"state-telecom-group", "china-telecom", "covered-us-arm"}


def _broken_registry(tmp_path: Path, old: str, new: str) -> Path:
    directory = tmp_path / "carriers"
    shutil.copytree(TEST_REGISTRY, directory)
    path = directory / "test.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return directory


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('aliases = ["Singtel"]', 'aliases = ["China Telecom"]', "already an alias"),
        ('parent = "china-telecom"', 'parent = "nobody"', "parent 'nobody' is not in the registry"),
        (
            'claims = ["hq_country", "state_control"]\ntitle = "Test source"\ndate = "2024-01-01"\n'
            'url = "https://example.org/singtel"',
            'claims = ["hq_country"]\ntitle = "Test source"\n'
            'date = "2024-01-01"\nurl = "https://example.org/singtel"',
            "no source lists the claim 'state_control'",
        ),
        ('hq_country = "TW"', 'hq_country = "Taiwan"', "not an ISO alpha-2"),
        ('roles = ["supplier"]', 'roles = ["vendor"]', "roles must be"),
        ('id = "singtel"', 'id = "singtel"\nwebsite = "x"', "unknown key 'website'"),
        ('date = "2022-03-25"\nurl', 'date = "March 2022"\nurl', "not YYYY"),
    ],
)
def test_registry_errors_name_file_line_and_entity(tmp_path, old, new, message):
    directory = _broken_registry(tmp_path, old, new)
    with pytest.raises(DataError, match=message) as caught:
        load_registry(directory)
    assert "test.toml:" in str(caught.value) and "\n" not in str(caught.value)


def test_shipped_policies_load_and_cite(use_test_registry):
    from cablemap.policy.rules import shipped_policies

    assert set(shipped_policies()) == {
        "clean-network-2020",
        "fcc-covered-list",
        "fcc-2025-submarine-cable",
    }
    for name in shipped_policies():
        policy = load_policy(name)
        for rule in policy.rules:
            assert rule.citations and all(c.url.startswith("https://") for c in rule.citations)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


BASE = OK_POLICY.read_text()


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (BASE.replace('id = "test-policy"', 'id = "test-policy'), "invalid TOML", "line 1"),
        (
            BASE.replace('applies_to = "owner"', 'applies_to = "owner"\nseverity = 3'),
            "unknown key 'severity'",
            ":8:",
        ),
        (
            BASE.replace('entities = ["china-telecom"]', 'entities = ["china-telcom"]'),
            "unknown entity 'china-telcom'",
            ":8:",
        ),
        (
            BASE.replace('countries = ["TW"]', 'countries = ["Taiwan"]'),
            "is not an ISO alpha-2 code",
            ":17:",
        ),
        (
            BASE.replace('applies_to = "owner"', 'applies_to = "owners"'),
            "applies_to must be",
            ":7:",
        ),
        (BASE.split("[[rule.citations]]")[0] + "\n", "has no citation", ":6:"),
    ],
)
def test_bad_policy_files_name_the_line(use_test_registry, tmp_path, text, message, line):
    path = _write(tmp_path, text)
    with pytest.raises(PolicyError, match=message) as caught:
        load_policy(str(path))
    assert str(path) in str(caught.value) and line in str(caught.value)


def test_unknown_policy_name(use_test_registry):
    with pytest.raises(PolicyError, match="cablemap policies"):
        load_policy("no-such-policy")


def test_flags_on_the_mini_fixture(use_test_registry, mini):
    from cablemap.policy.flags import apply_policy

    dataset, topology = mini
    flags = apply_policy(load_policy("clean-network-2020"), dataset, topology)
    beta = flags.cables["beta-south"]
    rules = {f.rule for f in beta}
    assert rules == {"clean-carrier", "clean-cable-landing"}
    carrier = next(f for f in beta if f.rule == "clean-carrier")
    assert "'China Telecom'" in carrier.reason and "headquartered in CN" in carrier.reason
    assert carrier.entity == "china-telecom" and carrier.citations[0].url.startswith("https://")
    assert flags.cables["alpha-pacific"] == ()
    assert {f.rule for f in flags.cables["gamma-strait"]} == {"clean-cable-landing"}
    assert flags.flagged_stations() == {"cape-daguilar-china", "shanghai-china"}
    beta_segments = topology.segments[topology.segments.cable_id == "beta-south"].segment_id
    assert all(any(f.rule == "clean-carrier" for f in flags.segments[s]) for s in beta_segments)


def test_covered_list_family_reason(use_test_registry, mini):
    from cablemap.policy.flags import apply_policy

    dataset, topology = mini
    flags = apply_policy(load_policy("fcc-covered-list"), dataset, topology)
    (flag,) = flags.cables["beta-south"]
    assert "corporate family of China Telecom (Americas) Corp. (test)" in flag.reason
    assert "FCC Covered List" in flag.reason


def test_user_policy_and_unverified_entities(use_test_registry, mini):
    from cablemap.policy.flags import apply_policy

    dataset, topology = mini
    flags = apply_policy(load_policy(str(OK_POLICY)), dataset, topology)
    assert flags.flagged_stations() == {"toucheng-taiwan"}
    assert {f.rule for f in flags.cables["beta-south"]} == {"named-owner"}


def test_routes_carry_flags_and_avoid_flagged(use_test_registry, mini_root):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    network = build_network(load_dataset(mini_root))
    flagged = trace_routes(
        network, "Hong Kong", "Singapore", policy="clean-network-2020", include_planned=True
    )
    (route,) = flagged.routes
    assert route.flagged and {f.rule for f in route.hops[0].flags} == {
        "clean-carrier",
        "clean-cable-landing",
    }
    data = flagged.as_dict()
    assert data["routes"][0]["flagged"] is True
    assert data["routes"][0]["hops"][0]["flags"][0]["citations"][0]["url"].startswith("https://")
    none_clean = trace_routes(
        network, "HK", "SG", policy="clean-network-2020", avoid_flagged=True, include_planned=True
    )
    assert none_clean.routes == () and none_clean.clean["clean_route_exists"] is False
    assert none_clean.as_dict()["clean"]["best_route"]["flagged"] is True
    clean = trace_routes(
        network, "US", "JP", policy="clean-network-2020", avoid_flagged=True, resilience=True
    )
    assert not clean.routes[0].flagged and clean.clean["detour_km"] == 0
    assert clean.as_dict()["resilience"]["cables_to_fail_before_all_flagged"] == 1


def test_avoid_flagged_needs_a_policy(mini_root):
    from cablemap.dataset.load import load_dataset
    from cablemap.errors import UserError
    from cablemap.network.graph import build_network

    network = build_network(load_dataset(mini_root))
    with pytest.raises(UserError, match="needs --policy"):
        trace_routes(network, "US", "JP", avoid_flagged=True)


def test_station_exposure_ranking(use_test_registry, mini):
    from cablemap.policy.flags import apply_policy
    from cablemap.policy.stations import station_exposure

    dataset, topology = mini
    flags = apply_policy(load_policy("clean-network-2020"), dataset, topology)
    rows = station_exposure(dataset, flags)
    assert [r.id for r in rows[:2]] == ["cape-daguilar-china", "shanghai-china"]
    tuas = next(r for r in rows if r.id == "tuas-singapore")
    assert tuas.exposure == 1.0 and tuas.flagged_cables == ("beta-south",)
    assert any("China Telecom" in reason for reason in tuas.reasons)
    chikura = next(r for r in rows if r.id == "chikura-japan")
    assert chikura.exposure == 0.0 and not chikura.risky
    assert [r.iso2 for r in station_exposure(dataset, flags, country="SG")] == ["SG"]


def test_segment_ownership_override(use_test_registry, mini):
    from cablemap.policy.flags import apply_policy
    from cablemap.policy.overrides import load_overrides

    dataset, topology = mini
    overrides = load_overrides(use_test_registry, FIXTURES / "registry" / "segment-ownership.toml")
    flags = apply_policy(load_policy("clean-network-2020"), dataset, topology, overrides=overrides)
    assert flags.cables["alpha-pacific"] == ()  # the cable's own owners are clean
    segments = topology.segments[topology.segments.cable_id == "alpha-pacific"]
    held = {
        s: flags.segments[s]
        for s, a, b in zip(segments.segment_id, segments.from_node, segments.to_node, strict=True)
        if "chikura-japan" in (a, b)
    }
    assert held and all(held.values())
    reason = next(iter(held.values()))[0].reason
    assert reason.startswith("segment held by China Telecom Corporation (test)")
    assert "https://example.org/segment" in reason
    others = set(segments.segment_id) - set(held)
    assert all(flags.segments[s] == () for s in others)


def test_override_with_unknown_owner_is_refused(registry, tmp_path):
    from cablemap.policy.overrides import load_overrides

    path = tmp_path / "segment-ownership.toml"
    text = (FIXTURES / "registry" / "segment-ownership.toml").read_text()
    path.write_text(text.replace('"china-telecom"', '"nobody"'))
    with pytest.raises(DataError, match=r"segment-ownership.toml:3: .*unknown: \['nobody'\]"):
        load_overrides(registry, path)


@pytest.mark.parametrize(
    ("share", "controlled"),
    [
        ("100%", "CN"),
        ("majority", "CN"),
        (None, "CN"),
        ("~28%", None),
        ("minority", None),
        ("~52%", "CN"),
        ("10%", None),
    ],
)
def test_state_control_needs_a_controlling_stake(registry, share, controlled):
    from dataclasses import replace

    entity = registry.entities["singtel"]
    control = {"state": "CN"} | ({"share": share} if share else {})
    changed = replace(entity, state_control=control)
    assert changed.state_controlled == controlled
    assert ("controlled by the state of CN" in changed.describe()) == bool(controlled)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('entities = ["china-telecom"]', 'entities = ["china-telecom"]\nroles = "carrier"'),
            "roles must be a list of strings",
        ),
        (
            ('entities = ["china-telecom"]', 'entities = ["china-telecom"]\nroles = ["carier"]'),
            "unknown role 'carier'",
        ),
        (
            (
                'entities = ["china-telecom"]',
                'entities = ["china-telecom"]\ncovered_list = "false"',
            ),
            "covered_list must be true or false",
        ),
        (
            ('entities = ["china-telecom"]', 'entities = "china-telecom"'),
            "entities must be a list of strings",
        ),
    ],
)
def test_wrong_types_in_a_policy_are_refused(use_test_registry, tmp_path, change, message):
    path = _write(tmp_path, BASE.replace(*change))
    with pytest.raises(PolicyError, match=message):
        load_policy(str(path))


def test_rule_not_a_table_and_not_utf8(use_test_registry, tmp_path):
    path = _write(tmp_path, 'id = "p"\nname = "P"\nrule = "x"\n')
    with pytest.raises(PolicyError, match=r"rules must be \[\[rule\]\] tables"):
        load_policy(str(path))
    path.write_bytes(b'\xff\xfeid = "p"')
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(str(path))


def test_flags_kept_with_a_network_are_bounded_and_the_recent_ones_reused(mini_root):
    """A server asked about many policy dates keeps at most FLAGS_KEPT flag sets, the
    most recently used: asking again for a kept date returns the same object, an evicted
    one is computed afresh (and equal)."""
    from cablemap import build_network, load_dataset
    from cablemap.policy.flags import FLAGS_KEPT, policy_flags

    network = build_network(load_dataset(mini_root))
    days = [f"2026-01-{day:02d}" for day in range(1, FLAGS_KEPT + 5)]
    first = policy_flags(network, load_policy("clean-network-2020", as_of=days[0]))
    kept = {}
    for day in days[1:]:
        kept[day] = policy_flags(network, load_policy("clean-network-2020", as_of=day))
        assert len(network._flags) <= FLAGS_KEPT
    assert len(network._flags) == FLAGS_KEPT
    last = days[-1]
    assert policy_flags(network, load_policy("clean-network-2020", as_of=last)) is kept[last]
    again = policy_flags(network, load_policy("clean-network-2020", as_of=days[0]))
    assert again is not first and again.cables == first.cables  # evicted, then recomputed
