"""The list of deliberately unmatched names: loading, checks, and the entity loader skipping it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cablemap.errors import DataError
from cablemap.policy.carriers import default_registry, load_registry
from cablemap.policy.unmatched import default_unmatched, load_unmatched

GOOD = """\
[[unmatched]]
name = "Some Cable SPV"
role = "owner"
reason = "The cable's own special-purpose company; its shareholders are listed separately."

[[unmatched]]
name = "Acme Marine"
role = "supplier"
reason = "No public source names this supplier."
"""


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_every_unmatched_file(tmp_path):
    _write(tmp_path, "unmatched.toml", GOOD)
    _write(
        tmp_path,
        "unmatched-two-plus.toml",
        '[[unmatched]]\nname = "n.a."\nrole = "owner"\nreason = "Not a name."\n',
    )
    listed = load_unmatched(tmp_path, registry=default_registry())
    assert [(e.name, e.file) for e in listed.entries] == [
        ("n.a.", "unmatched-two-plus.toml"),
        ("Some Cable SPV", "unmatched.toml"),
        ("Acme Marine", "unmatched.toml"),
    ]
    assert listed.reason("  some CABLE spv ", "owner").startswith("The cable's own")
    assert listed.reason("Some Cable SPV", "supplier") is None  # listed for one role only
    assert listed.reason("Acme Marine", "supplier") == "No public source names this supplier."


NO_REASON = 'reason = "No public source names this supplier."'
PROBLEMS = {
    "unknown-key": (GOOD + 'note = "x"\n', 10, "unknown key 'note'"),
    "missing-reason": (GOOD.replace(NO_REASON + "\n", ""), 6, "'reason'"),
    "empty-reason": (GOOD.replace(NO_REASON, 'reason = " "'), 9, "'reason'"),
    "bad-role": (GOOD.replace('role = "supplier"', 'role = "builder"'), 8, "role 'builder'"),
    "duplicate": (
        GOOD.replace("Acme Marine", "Some Cable SPV").replace('"supplier"', '"owner"'),
        7,
        "already listed",
    ),
    "matched": (
        GOOD.replace("Acme Marine", "China Telecom"),
        7,
        "matched by registry entity 'china-telecom'",
    ),
    "entity": (GOOD + '[[entity]]\nid = "x"\n', 10, "unknown table or key 'entity'"),
}


@pytest.mark.parametrize(("text", "line", "message"), PROBLEMS.values(), ids=PROBLEMS.keys())
def test_problems_are_one_line_with_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, "unmatched.toml", text)
    with pytest.raises(DataError) as caught:
        load_unmatched(tmp_path, registry=default_registry())
    text = str(caught.value)
    assert text.startswith(f"{path}:{line}:"), text
    assert message in text and "\n" not in text


def test_duplicate_across_files_names_the_first_file(tmp_path):
    # Files are read in name order: unmatched-two-plus.toml before unmatched.toml.
    _write(tmp_path, "unmatched-two-plus.toml", GOOD.split("\n\n")[0] + "\n")
    path = _write(tmp_path, "unmatched.toml", GOOD)
    with pytest.raises(DataError, match=r"already listed in unmatched-two-plus\.toml") as caught:
        load_unmatched(tmp_path, registry=default_registry())
    assert str(caught.value).startswith(f"{path}:2:")


def test_the_entity_loader_does_not_read_unmatched_files(tmp_path):
    carriers = Path(__file__).resolve().parents[1] / "geodata" / "carriers"
    copy = tmp_path / "carriers"
    shutil.copytree(carriers, copy)
    # An unmatched file is no entity file, even one that (wrongly) holds an entity.
    _write(copy, "unmatched-extra.toml", '[[entity]]\nid = "not-read"\n')
    registry = load_registry(copy)
    assert "not-read" not in registry.entities
    assert len(registry.entities) == len(default_registry().entities)


def test_the_shipped_list_loads_and_matches_nothing_in_the_registry():
    listed = default_unmatched()
    registry = default_registry()
    assert listed.entries, "geodata/carriers/unmatched*.toml lists no names"
    for entry in listed.entries:
        assert registry.match(entry.name) is None, entry
        assert entry.reason and entry.role in ("owner", "supplier")
