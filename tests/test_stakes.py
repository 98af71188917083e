"""Stakes in the carrier registry: schema, checks, shares and ranges, dates."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cablemap.errors import DataError
from cablemap.policy.carriers import load_registry
from cablemap.policy.stakes import parse_share

STAKES = Path(__file__).resolve().parent / "fixtures" / "registry-stakes"


@pytest.fixture
def registry():
    return load_registry(STAKES)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (18.4, (18.4, 18.4)),
        (10, (10.0, 10.0)),
        ("18.4%", (18.4, 18.4)),
        ("15-20", (15.0, 20.0)),
        ("15 - 20 %", (15.0, 20.0)),
        ("15\u201320", (15.0, 20.0)),
        ("about 18", None),
        (True, None),
        (None, None),
    ],
)
def test_parse_share(value, expected):
    assert parse_share(value) == expected


def test_stakes_load_with_their_dates_and_sources(registry):
    (stake,) = registry.entities["bigco"].stakes
    assert (stake.holder, stake.share, stake.kind) == ("group-x", "18.4%", "equity")
    assert stake.since == date(2025, 10, 15) and stake.until is None
    assert stake.sources[0].title == "Order on BigCo"
    assert not stake.in_force(date(2025, 10, 14)) and stake.in_force(date(2025, 10, 15))
    split = registry.entities["split-co"]
    assert [s.share for s in split.stakes] == ["6%", "5-6%"]
    assert [s.share for s in split.stakes_on(date(2024, 6, 30))] == ["6%"]  # until is exclusive
    assert registry.entities["ten-co"].stakes[0].kind == "voting"


def test_a_range_is_judged_by_its_lower_bound(registry):
    (stake,) = registry.entities["range-co"].stakes
    assert not stake.meets(10) and stake.meets(8)
    (ten,) = registry.entities["ten-co"].stakes
    assert ten.meets(10) and not ten.meets(10, strict=True)


def test_entities_without_stakes_still_load(registry):
    assert registry.entities["group-x"].stakes == ()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    directory = tmp_path / "carriers"
    shutil.copytree(STAKES, directory)
    path = directory / "stakes.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return directory


@pytest.mark.parametrize(
    ("old", "new", "message", "line_text"),
    [
        (
            'holder = "x-hk"',
            'holder = "x-hongkong"',
            "stake holder 'x-hongkong' is not in the registry",
            'holder = "x-hongkong"',
        ),
        ('share = "5-6"', 'share = "5-106"', "must lie between 0 and 100", 'share = "5-106"'),
        ('share = "5-6"', 'share = "6-5"', "low bound first", 'share = "6-5"'),
        ('share = "5-6"', "share = -3", "between 0 and 100", "share = -3"),
        ('share = "8-12"', 'share = "some"', "not a percentage", 'share = "some"'),
        ('until = "2024-06-30"', 'until = "2019-06-30"', "after since", 'until = "2019-06-30"'),
        ('share = 10\nkind = "voting"', 'share = 10\nkind = "votes"', "kind must be", "votes"),
        (
            'holder = "x-us"\nshare = 6\nsince = "2020-01-01"',
            'holder = "x-us"\nshare = 6',
            "since None",
            'holder = "x-us"',
        ),
        (
            '[[entity.stakes.sources]]\ntitle = "Filing C"\ndate = "2020-01-01"\n'
            'url = "https://example.org/c"',
            "",
            "stake of 'group-x' has no sources",
            'holder = "group-x"',
        ),
        (
            'holder = "group-x"\nshare = 18.4',
            'holder = "bigco"\nshare = 18.4',
            "the entity itself",
            'holder = "bigco"',
        ),
        (
            'added = "2022-09-20"',
            'added = "Sept 2022"',
            "covered_list added",
            'added = "Sept 2022"',
        ),
        (
            'added = "2022-09-20"',
            'added = "2022-09-20"\nremoved = "2021-01-01"',
            "after added",
            "removed",
        ),
    ],
)
def test_bad_stakes_are_one_line_errors_on_their_line(tmp_path, old, new, message, line_text):
    directory = _broken(tmp_path, old, new)
    with pytest.raises(DataError, match=message) as caught:
        load_registry(directory)
    text = str(caught.value)
    assert "\n" not in text
    file_line = text.split(": ")[0]
    assert file_line.startswith(str(directory / "stakes.toml") + ":")
    number = int(file_line.rsplit(":", 1)[1])
    assert line_text in (directory / "stakes.toml").read_text().splitlines()[number - 1]
