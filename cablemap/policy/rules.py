"""Policies: named sets of rules, each with its citation, loaded from TOML.

Shipped policies live in ``geodata/policies/``; a user policy is a TOML file with the same
schema, given by path. Schema::

    id = "my-policy"                  # slug
    name = "Readable name"
    summary = "What the policy is and where it comes from."

    [[rule]]
    id = "no-prc-owners"              # slug, unique in the policy
    applies_to = "owner"              # owner | supplier | landing
    description = "Why the rule exists, in words."
    # owner / supplier rules select entities of the carrier registry by any of:
    hq_countries = ["CN", "HK", "MO"] # headquartered in these countries
    state_controlled_by = ["CN"]      # controlled by these states
    entities = ["china-telecom"]      # these entity ids
    covered_list = true               # on the FCC Covered List
    roles = ["carrier"]               # optional: only entities with one of these roles
    include_affiliates = true         # also every entity in a selected one's family
    # landing rules select landing stations by country:
    countries = ["CN", "HK", "MO"]
    [[rule.citations]]
    title = "..."; publisher = "..."; date = "YYYY-MM-DD"; url = "https://..."
    note = "optional: how the rule reads the source"

Every rule needs at least one citation. Problems are reported with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cablemap.dataset.countries import resolve_country
from cablemap.errors import UserError
from cablemap.policy.carriers import Entity, Registry, default_registry
from cablemap.policy.toml_errors import check_table, read_toml, where
from cablemap.resources import geodata_dir

APPLIES_TO = ("owner", "supplier", "landing")
POLICY_KEYS = frozenset({"id", "name", "summary", "rule"})
RULE_KEYS = frozenset(
    {
        "id",
        "applies_to",
        "description",
        "hq_countries",
        "state_controlled_by",
        "entities",
        "covered_list",
        "roles",
        "include_affiliates",
        "countries",
        "citations",
    }
)
CITATION_KEYS = frozenset({"title", "publisher", "date", "url", "note"})
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


class PolicyError(UserError):
    """A policy file that cannot be used (bad TOML, unknown key or entity)."""


@dataclass(frozen=True)
class Citation:
    """The document a rule rests on."""

    title: str
    publisher: str
    date: str
    url: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        """The JSON form."""
        out = {"title": self.title, "publisher": self.publisher, "date": self.date, "url": self.url}
        if self.note:
            out["note"] = self.note
        return out

    def short(self) -> str:
        """One line: publisher, title, date, URL."""
        who = f"{self.publisher}, " if self.publisher else ""
        return f"{who}{self.title} ({self.date}) {self.url}"


@dataclass(frozen=True)
class Rule:
    """One rule of a policy (see the module docstring for the fields)."""

    id: str
    applies_to: str
    description: str
    citations: tuple[Citation, ...]
    hq_countries: frozenset[str] = frozenset()
    state_controlled_by: frozenset[str] = frozenset()
    entities: frozenset[str] = frozenset()
    covered_list: bool = False
    roles: frozenset[str] = frozenset()
    include_affiliates: bool = False
    countries: frozenset[str] = frozenset()

    def why_selected(self, entity: Entity, registry: Registry) -> str | None:
        """Why this rule selects an entity, in words, or ``None`` if it does not."""
        if self.roles and not self.roles & set(entity.roles):
            return None
        direct = self._direct_reason(entity)
        if direct or not self.include_affiliates:
            return direct
        for relative in registry.family(entity.id):
            if relative.id != entity.id:
                reason = self._direct_reason(relative)
                if reason:
                    return f"is in the corporate family of {relative.name}, which {reason}"
        return None

    def _direct_reason(self, entity: Entity) -> str | None:
        if entity.id in self.entities:
            return "is named by the rule"
        if entity.hq_country in self.hq_countries:
            return f"is headquartered in {entity.hq_country}"
        control = entity.state_control or {}
        if entity.state_controlled and entity.state_controlled in self.state_controlled_by:
            share = f" ({control['share']})" if control.get("share") else ""
            return f"is controlled by the state of {entity.state_controlled}{share}"
        if self.covered_list and entity.covered_list:
            entry = entity.covered_list
            return (
                f"is on the FCC Covered List ({entry.get('entry', entity.name)}, added "
                f"{entry.get('added', '?')})"
            )
        return None


@dataclass(frozen=True)
class Policy:
    """A named set of rules."""

    id: str
    name: str
    summary: str
    rules: tuple[Rule, ...]
    path: str


def shipped_policies() -> dict[str, Path]:
    """The policies shipped in ``geodata/policies``, by id."""
    return {path.stem: path for path in sorted((geodata_dir() / "policies").glob("*.toml"))}


def load_policy(name_or_path: str, registry: Registry | None = None) -> Policy:
    """Load a shipped policy by name, or a user policy file by path.

    Raises
    ------
    PolicyError
        Unknown policy name, unreadable file, invalid TOML, unknown key, unknown entity,
        bad country code or a rule without citation, naming the file and line.
    """
    registry = registry or default_registry()
    shipped = shipped_policies()
    if name_or_path in shipped:
        path = shipped[name_or_path]
    else:
        path = Path(name_or_path).expanduser()
        if not path.is_file():
            raise PolicyError(
                f"policy {name_or_path!r}: not a shipped policy ({', '.join(shipped)}) and no "
                "such file; `cablemap policies` lists them"
            )
    doc, text = read_toml(path, PolicyError)
    return _policy(doc, path, text, registry)


def _policy(doc: dict[str, Any], path: Path, text: str, registry: Registry) -> Policy:
    unknown = set(doc) - POLICY_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise PolicyError(
            f"{where(path, text, key)}: unknown key {key!r} (allowed: "
            f"{', '.join(sorted(POLICY_KEYS))})"
        )
    for key in ("id", "name"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise PolicyError(f"{path}: missing required key {key!r}")
    if not _SLUG.fullmatch(doc["id"]):
        raise PolicyError(f"{where(path, text, 'id')}: policy id {doc['id']!r} is not a slug")
    raw_rules = doc.get("rule", [])
    if not isinstance(raw_rules, list) or not all(isinstance(r, dict) for r in raw_rules):
        raise PolicyError(f"{where(path, text, 'rule')}: rules must be [[rule]] tables")
    rules = [_rule(raw, path, text, registry) for raw in raw_rules]
    if not rules:
        raise PolicyError(f"{path}: the policy has no [[rule]]")
    ids = [rule.id for rule in rules]
    for rule_id in ids:
        if ids.count(rule_id) > 1:
            raise PolicyError(f"{where(path, text, rule_id)}: rule id {rule_id!r} is used twice")
    return Policy(doc["id"], doc["name"], str(doc.get("summary", "")), tuple(rules), str(path))


def _rule(raw: dict[str, Any], path: Path, text: str, registry: Registry) -> Rule:
    rule_id = raw.get("id")

    def fail(message: str, *needles: str) -> PolicyError:
        location = where(path, text, *needles) if needles else where(path, text, str(rule_id))
        return PolicyError(f"{location}: rule {rule_id!r}: {message}")

    if not isinstance(rule_id, str) or not _SLUG.fullmatch(rule_id):
        raise fail("'id' must be a slug (a-z, 0-9, hyphens)")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(f"unknown key {key!r} (allowed: {', '.join(sorted(RULE_KEYS))})", key)
    if raw.get("applies_to") not in APPLIES_TO:
        raise fail(f"applies_to must be one of {', '.join(APPLIES_TO)}", "applies_to")
    _check_types(raw, fail)
    for entity_id in raw.get("entities", []):
        if entity_id not in registry.entities:
            raise fail(
                f"unknown entity {entity_id!r} (not in the carrier registry)", f'"{entity_id}"'
            )
    for key in ("hq_countries", "state_controlled_by", "countries"):
        for code in raw.get(key, []):
            if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)):
                raise fail(f"{key}: {code!r} is not an ISO alpha-2 code", key)
            if resolve_country(code) is None:
                raise fail(
                    f"{key}: {code!r} is not a known ISO 3166-1 country code (like CN, HK, RU)",
                    f'"{code}"',
                )
    selectors = ("hq_countries", "state_controlled_by", "entities", "covered_list")
    if raw["applies_to"] == "landing" and not raw.get("countries"):
        raise fail("a landing rule needs 'countries'")
    if raw["applies_to"] != "landing" and not any(raw.get(k) for k in selectors):
        raise fail(f"an {raw['applies_to']} rule needs one of {', '.join(selectors)}")
    citations = tuple(_citation(c, fail) for c in raw.get("citations", []))
    if not citations:
        raise fail("has no citation; every rule cites its source")
    return Rule(
        id=rule_id,
        applies_to=raw["applies_to"],
        description=str(raw.get("description", "")),
        citations=citations,
        hq_countries=frozenset(raw.get("hq_countries", [])),
        state_controlled_by=frozenset(raw.get("state_controlled_by", [])),
        entities=frozenset(raw.get("entities", [])),
        covered_list=bool(raw.get("covered_list")),
        roles=frozenset(raw.get("roles", [])),
        include_affiliates=bool(raw.get("include_affiliates")),
        countries=frozenset(raw.get("countries", [])),
    )


LIST_KEYS = ("hq_countries", "state_controlled_by", "entities", "roles", "countries")
BOOL_KEYS = ("covered_list", "include_affiliates")


def _check_types(raw: dict[str, Any], fail: Any) -> None:
    """Lists must be lists of strings, flags true or false, roles known ones.

    A string where a list belongs would otherwise be read letter by letter, and
    ``"false"`` where a boolean belongs would read as true: the rule would silently flag
    the wrong things.
    """
    from cablemap.policy.carriers import ROLES

    for key in LIST_KEYS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f'{key} must be a list of strings, like {key} = ["..."]', key)
    for key in BOOL_KEYS:
        if key in raw and not isinstance(raw[key], bool):
            raise fail(f"{key} must be true or false (without quotes)", key)
    unknown_roles = sorted(set(raw.get("roles", [])) - ROLES)
    if unknown_roles:
        raise fail(
            f"unknown role {unknown_roles[0]!r} (roles: {', '.join(sorted(ROLES))})", "roles"
        )


def _citation(raw: Any, fail: Any) -> Citation:
    check_table(raw, CITATION_KEYS, ("title", "url", "date"), fail, "citation")
    return Citation(
        raw["title"],
        str(raw.get("publisher", "")),
        raw["date"],
        raw["url"],
        str(raw.get("note", "")),
    )
