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
    equity_threshold = 10             # also entities in which a selected holder owns at
                                      # least 10 % of the equity or votes (or of a parent
                                      # that controls them); see cablemap.policy.affiliation
    equity_test = "at-least"          # at-least (>=, default) | more-than (>)
    effective = "2025-11-26"          # the rule fires from this date (optional for user
    ends = "2030-01-01"               # policies; shipped rules all have one); ends: it
                                      # stops firing on this date (optional)
    # landing rules select landing stations by country:
    countries = ["CN", "HK", "MO"]
    [[rule.citations]]
    title = "..."; publisher = "..."; date = "YYYY-MM-DD"; url = "https://..."
    note = "optional: how the rule reads the source"

Every rule needs at least one citation. Problems are reported with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from cablemap.dataset.countries import resolve_country
from cablemap.errors import UserError
from cablemap.policy.affiliation import Link, Selection, by_equity
from cablemap.policy.carriers import Entity, Registry, default_registry
from cablemap.policy.citation import Citation
from cablemap.policy.dates import in_force, iso_date, parse_policy_date, today_utc
from cablemap.policy.toml_errors import check_table, read_toml, where, where_after
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
        "equity_threshold",
        "equity_test",
        "effective",
        "ends",
    }
)
EQUITY_TESTS = ("at-least", "more-than")
CITATION_KEYS = frozenset({"title", "publisher", "date", "url", "note"})
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


class PolicyError(UserError):
    """A policy file that cannot be used (bad TOML, unknown key or entity)."""


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
    equity_threshold: float | None = None
    equity_strict: bool = False
    effective: date | None = None
    ends: date | None = None

    def in_force(self, on: date) -> bool:
        """Whether the rule fires on ``on`` (from ``effective``, before ``ends``)."""
        return in_force(on, self.effective, self.ends)

    def why_selected(
        self, entity: Entity, registry: Registry, on: date | None = None
    ) -> str | None:
        """Why this rule selects an entity, in words, or ``None`` if it does not.

        ``on`` is the policy date (default: today, UTC); the rule's own dates are not
        checked here (see :meth:`in_force`).
        """
        selection = self.select(entity, registry, on or today_utc())
        return selection.reason if selection else None

    def select(self, entity: Entity, registry: Registry, on: date) -> Selection | None:
        """Why this rule selects an entity on date ``on``, with the chain, or ``None``."""
        if self.roles and not self.roles & set(entity.roles):
            return None
        selected = self._by_control(entity, registry, on)
        if selected or self.equity_threshold is None:
            return selected
        return by_equity(
            entity,
            registry,
            on,
            self.equity_threshold,
            lambda e: self._by_control(e, registry, on),
            strict=self.equity_strict,
        )

    def _by_control(self, entity: Entity, registry: Registry, on: date) -> Selection | None:
        """Selected directly, or (``include_affiliates``) through its corporate family."""
        direct = self._direct(entity, on)
        if direct or not self.include_affiliates:
            return direct
        for relative in registry.family(entity.id):
            if relative.id == entity.id:
                continue
            reason = self._direct(relative, on)
            if reason:
                link = Link(
                    "family",
                    entity.id,
                    f"{entity.name} is in the corporate family of {relative.name}",
                    other=relative.id,
                    sources=entity.sources_for("parent") or relative.sources_for("parent"),
                )
                return Selection(
                    f"is in the corporate family of {relative.name}, which {reason.reason}",
                    (link, *reason.chain),
                )
        return None

    def _direct(self, entity: Entity, on: date) -> Selection | None:
        if entity.id in self.entities:
            return _one("named", entity, "is named by the rule", ())
        if entity.hq_country in self.hq_countries:
            text = f"is headquartered in {entity.hq_country}"
            return _one("headquarters", entity, text, entity.sources_for("hq_country"))
        control = entity.state_control or {}
        if entity.state_controlled and entity.state_controlled in self.state_controlled_by:
            share = f" ({control['share']})" if control.get("share") else ""
            text = f"is controlled by the state of {entity.state_controlled}{share}"
            return _one("state-control", entity, text, entity.sources_for("state_control"))
        if self.covered_list and entity.covered_on(on):
            entry = entity.covered_list or {}
            added = entry.get("added", "?")
            text = f"is on the FCC Covered List ({entry.get('entry', entity.name)}, added {added})"
            sources = entity.sources_for("covered_list")
            return _one("covered-list", entity, text, sources, since=str(added))
        return None


def _one(
    relation: str, entity: Entity, text: str, sources: tuple[Any, ...], since: str | None = None
) -> Selection:
    link = Link(relation, entity.id, f"{entity.name} {text}", sources=sources, since=since)
    return Selection(text, (link,))


def policy_label(name: str | None, as_of: str | None) -> str | None:
    """``"Name, as of YYYY-MM-DD"``, as :attr:`Policy.label`, from stored fields.

    For outputs that keep the name and date apart (a matrix's attrs); ``None`` without a
    policy.
    """
    return f"{name}, as of {as_of}" if name else None


@dataclass(frozen=True)
class Policy:
    """A named set of rules."""

    id: str
    name: str
    summary: str
    rules: tuple[Rule, ...]
    path: str
    as_of: date = field(default_factory=today_utc)
    """The date the policy is evaluated on (rules, Covered List entries and stakes)."""

    def on(self, when: date | str | None) -> Policy:
        """The same policy evaluated on another date (``None``: today, UTC)."""
        return replace(self, as_of=parse_policy_date(when))

    @property
    def date_label(self) -> str:
        """``"as of 2025-12-01"``: how outputs say which date a policy was evaluated on."""
        return f"as of {self.as_of.isoformat()}"

    @property
    def label(self) -> str:
        """The policy's name and date, as data lines and captions name it."""
        return f"{self.name}, {self.date_label}"

    def rules_in_force(self) -> tuple[Rule, ...]:
        """The rules that fire on the policy date."""
        return tuple(rule for rule in self.rules if rule.in_force(self.as_of))


def shipped_policies() -> dict[str, Path]:
    """The policies shipped in ``geodata/policies``, by id."""
    return {path.stem: path for path in sorted((geodata_dir() / "policies").glob("*.toml"))}


def load_policy(
    name_or_path: str, registry: Registry | None = None, *, as_of: date | str | None = None
) -> Policy:
    """Load a shipped policy by name, or a user policy file by path.

    Parameters
    ----------
    name_or_path
        A shipped policy's id or a TOML file.
    registry
        The carrier registry rules are checked against; default: the shipped one.
    as_of
        The date to evaluate the policy on (a ``date`` or ``YYYY-MM-DD``); default today
        in UTC. Rules not yet effective or ended, Covered List entries added later and
        stakes not attested on that date do not count.

    Raises
    ------
    PolicyError
        Unknown policy name, unreadable file, invalid TOML, unknown key, unknown entity,
        bad country code, bad date or a rule without citation, naming the file and line.
    PolicyDateError
        ``as_of`` is not a date.
    """
    when = parse_policy_date(as_of)
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
    return _policy(doc, path, text, registry).on(when)


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
        anchor = ((f'"{rule_id}"',),)
        if needles:
            location = where_after(path, text, anchor, *needles)
        else:
            location = where(path, text, str(rule_id))
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
    threshold, strict = _equity(raw, fail)
    effective, ends = _rule_dates(raw, fail)
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
        equity_threshold=threshold,
        equity_strict=strict,
        effective=effective,
        ends=ends,
    )


def _equity(raw: dict[str, Any], fail: Any) -> tuple[float | None, bool]:
    """``equity_threshold`` (percent, 0 < t <= 100) and ``equity_test``."""
    value = raw.get("equity_threshold")
    test = raw.get("equity_test", "at-least")
    if test not in EQUITY_TESTS:
        raise fail(f"equity_test must be one of {', '.join(EQUITY_TESTS)}", "equity_test")
    if value is None:
        if "equity_test" in raw:
            raise fail("equity_test needs an equity_threshold", "equity_test")
        return None, False
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise fail(
            f"equity_threshold {value!r} must be a percentage above 0 and at most 100, "
            "like equity_threshold = 10",
            "equity_threshold",
        )
    if raw["applies_to"] == "landing":
        raise fail("a landing rule takes no equity_threshold", "equity_threshold")
    return float(value), test == "more-than"


def _rule_dates(raw: dict[str, Any], fail: Any) -> tuple[date | None, date | None]:
    """``effective`` and ``ends``: YYYY-MM-DD, ``ends`` after ``effective``."""
    dates = {}
    for key in ("effective", "ends"):
        if key in raw:
            dates[key] = iso_date(raw[key])
            if dates[key] is None:
                raise fail(f"{key} {raw[key]!r} is not a YYYY-MM-DD date", key)
    effective, ends = dates.get("effective"), dates.get("ends")
    if effective and ends and ends <= effective:
        raise fail(f"ends {ends} must come after effective {effective}", "ends")
    return effective, ends


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
