"""The carrier registry: companies behind the cables, matched to the data's owner names.

Entities come from the TOML files in ``geodata/carriers/`` (schema in its README). Each
says where the company is headquartered, who controls it and which sources say so.
Owner and supplier strings from the cable data are matched to entities by **normalised
exact alias** only (case, white space and surrounding markup ignored), never by
substring or fuzzy score, so "Chunghwa Telecom" (Taiwan) can never match a Chinese
carrier by accident.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from cablemap.errors import DataError
from cablemap.policy.dates import in_force, iso_date
from cablemap.policy.stakes import Stake, parse_stake
from cablemap.policy.toml_errors import check_table, read_toml, where, where_after
from cablemap.resources import geodata_dir

ROLES = frozenset({"carrier", "investor", "supplier"})
CLAIMS = frozenset({"hq_country", "parent", "state_control", "roles", "covered_list", "name"})
ENTITY_KEYS = frozenset(
    {
        "id",
        "name",
        "aliases",
        "parent",
        "hq_country",
        "state_control",
        "roles",
        "verified",
        "notes",
        "sources",
        "covered_list",
        "stakes",
    }
)
COVERED_LIST_KEYS = frozenset({"entry", "added", "removed", "note"})
SOURCE_KEYS = frozenset({"claims", "title", "publisher", "date", "url", "note"})
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_MARKUP = re.compile(r"^[\s*_`#~]+|[\s*_`#~]+$")


def normalise_name(text: str) -> str:
    """Return the form names are compared in.

    NFKC, case folded, white space collapsed, markup such as ``***Retelit***`` stripped,
    typographic apostrophes made plain.
    """
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\*+([^*]+)\*+", r"\1", text)
    return " ".join(_MARKUP.sub("", text).split()).casefold()


@dataclass(frozen=True)
class Source:
    """A document behind one or more claims of an entity."""

    claims: tuple[str, ...]
    title: str
    publisher: str
    date: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "claims": list(self.claims),
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "url": self.url,
        }


@dataclass(frozen=True)
class Entity:
    """A company (or a state acting as an investor) in the registry."""

    id: str
    name: str
    aliases: tuple[str, ...]
    hq_country: str
    roles: tuple[str, ...]
    sources: tuple[Source, ...]
    parent: str | None = None
    state_control: dict[str, str] | None = None
    covered_list: dict[str, str] | None = None
    verified: bool = True
    notes: str = ""
    file: str = ""
    stakes: tuple[Stake, ...] = ()

    def covered_on(self, on: date) -> bool:
        """Whether the entity is on the FCC Covered List on ``on`` (from ``added``)."""
        if not self.covered_list:
            return False
        added = iso_date(self.covered_list.get("added"))
        removed = iso_date(self.covered_list.get("removed"))
        return in_force(on, added, removed)

    def stakes_on(self, on: date) -> tuple[Stake, ...]:
        """The stakes in this entity attested on ``on``."""
        return tuple(stake for stake in self.stakes if stake.in_force(on))

    @property
    def state_controlled(self) -> str | None:
        """The state that *controls* the entity (a majority or controlling stake), if any.

        A ``state_control`` entry whose ``share`` is a number under 50 % ("~28%") or says
        "minority" records a minority stake, which is not control.
        """
        if not self.state_control:
            return None
        share = str(self.state_control.get("share", "")).lower()
        number = re.search(r"[0-9]+(?:\.[0-9]+)?", share)
        if "minority" in share or (number and float(number.group()) < 50):
            return None
        return self.state_control.get("state")

    def sources_for(self, claim: str) -> tuple[Source, ...]:
        """The sources that support one claim (``hq_country``, ``state_control``...)."""
        return tuple(s for s in self.sources if claim in s.claims)

    def describe(self) -> str:
        """One line: name, headquarters, state control, Covered List."""
        parts = [f"{self.name} (HQ {self.hq_country}"]
        if self.state_control:
            share = self.state_control.get("share")
            state = self.state_control["state"]
            if self.state_controlled:
                parts.append(
                    f"; controlled by the state of {state}" + (f", {share}" if share else "")
                )
            else:
                parts.append(f"; the state of {state} holds {share or 'a minority stake'}")
        if self.covered_list:
            parts.append(f"; FCC Covered List since {self.covered_list.get('added', '?')}")
        if not self.verified:
            parts.append("; UNVERIFIED")
        return "".join(parts) + ")"


@dataclass(frozen=True)
class Registry:
    """All entities, indexed by id and by normalised alias."""

    entities: dict[str, Entity]
    by_alias: dict[str, str] = field(default_factory=dict)

    def match(self, name: str) -> Entity | None:
        """The entity a data owner/supplier string names, or ``None`` if unknown."""
        entity_id = self.by_alias.get(normalise_name(name))
        return self.entities[entity_id] if entity_id else None

    def ancestors(self, entity_id: str) -> list[Entity]:
        """The entity's parent, grandparent... (nearest first)."""
        chain, seen = [], {entity_id}
        parent = self.entities[entity_id].parent
        while parent and parent not in seen:
            seen.add(parent)
            chain.append(self.entities[parent])
            parent = self.entities[parent].parent
        return chain

    def root(self, entity_id: str) -> str:
        """The ultimate parent's id (the entity itself when it has none)."""
        chain = self.ancestors(entity_id)
        return chain[-1].id if chain else entity_id

    def family(self, entity_id: str) -> list[Entity]:
        """Every entity under the same ultimate parent (its corporate family)."""
        root = self.root(entity_id)
        return [e for e in self.entities.values() if self.root(e.id) == root]


def load_registry(directory: Path | None = None) -> Registry:
    """Load and validate every ``*.toml`` in the carriers directory.

    ``unmatched*.toml`` files list names deliberately left out of the registry and are
    read by :mod:`cablemap.policy.unmatched`, not here.

    Raises
    ------
    DataError
        Naming the file, the line and the entity for any schema problem.
    """
    directory = directory or geodata_dir() / "carriers"
    entities: dict[str, Entity] = {}
    by_alias: dict[str, str] = {}
    texts: dict[str, tuple[Path, str]] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.match("unmatched*.toml"):  # names deliberately left out: policy/unmatched.py
            continue
        doc, text = read_toml(path)
        for raw in doc.get("entity", []):
            entity = _entity(raw, path, text)
            if entity.id in entities:
                raise DataError(
                    f"{where(path, text, entity.id)}: entity id {entity.id!r} is already "
                    f"used in {entities[entity.id].file}"
                )
            entities[entity.id] = entity
            texts[entity.id] = (path, text)
            for alias in entity.aliases:
                key = normalise_name(alias)
                if key in by_alias and by_alias[key] != entity.id:
                    raise DataError(
                        f"{where(path, text, alias)}: alias {alias!r} of {entity.id!r} is "
                        f"already an alias of {by_alias[key]!r}; one name, one company"
                    )
                by_alias[key] = entity.id
    for entity in entities.values():
        if entity.parent and entity.parent not in entities:
            path, text = texts[entity.id]
            raise DataError(
                f"{where(path, text, 'parent', entity.parent)}: entity {entity.id!r}: parent "
                f"{entity.parent!r} is not in the registry"
            )
        for stake in entity.stakes:
            if stake.holder not in entities or stake.holder == entity.id:
                path, text = texts[entity.id]
                itself = stake.holder == entity.id
                what = "is the entity itself" if itself else "is not in the registry"
                raise DataError(
                    f"{_stake_line(path, text, entity.id, stake.holder)}: entity {entity.id!r}: "
                    f"stake holder {stake.holder!r} {what}"
                )
    return Registry(entities, by_alias)


def _stake_line(path: Path, text: str, entity_id: str, holder: str, *needles: str) -> str:
    """Where one stake of one entity stands (its ``holder =`` line, or a key after it)."""
    anchors = ((f'"{entity_id}"',), ("holder", f'"{holder}"'))
    return where_after(path, text, anchors, *needles)


@cache
def default_registry() -> Registry:
    """The registry shipped in ``geodata/carriers`` (loaded once)."""
    return load_registry()


def _entity(raw: dict[str, Any], path: Path, text: str) -> Entity:
    entity_id = raw.get("id")
    here = where(path, text, f'"{entity_id}"') if entity_id else str(path)

    def fail(message: str, *needles: str) -> DataError:
        location = where(path, text, *needles) if needles else here
        return DataError(f"{location}: entity {entity_id!r}: {message}")

    if not isinstance(entity_id, str) or not _SLUG.fullmatch(entity_id):
        raise fail("'id' must be a slug (a-z, 0-9, hyphens)")
    unknown = set(raw) - ENTITY_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r}", sorted(unknown)[0])
    for key in ("name", "hq_country"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise fail(f"missing required field {key!r}")
    if not re.fullmatch(r"[A-Z]{2}", raw["hq_country"]):
        raise fail(f"hq_country {raw['hq_country']!r} is not an ISO alpha-2 code", "hq_country")
    roles = tuple(raw.get("roles", ()))
    if not roles or set(roles) - ROLES:
        raise fail(f"roles must be some of {sorted(ROLES)}, not {list(roles)}", "roles")
    sources = tuple(_source(s, fail) for s in raw.get("sources", ()))
    if not sources:
        raise fail("has no sources; every entity cites at least one")
    _check_covered_list(raw.get("covered_list"), fail)
    stakes = _stakes(raw.get("stakes", []), entity_id, path, text)
    entity = Entity(
        id=entity_id,
        name=raw["name"],
        aliases=tuple(raw.get("aliases", ())) or (raw["name"],),
        hq_country=raw["hq_country"],
        roles=roles,
        sources=sources,
        parent=raw.get("parent"),
        state_control=raw.get("state_control"),
        covered_list=raw.get("covered_list"),
        verified=bool(raw.get("verified", True)),
        notes=str(raw.get("notes", "")),
        file=path.name,
        stakes=stakes,
    )
    for claim in ("hq_country", "parent", "state_control", "covered_list"):
        needed = claim == "hq_country" or bool(raw.get(claim))
        if needed and not entity.sources_for(claim):
            raise fail(f"no source lists the claim {claim!r}; add it to a source's claims")
    return entity


def _source(raw: Any, fail: Any) -> Source:
    check_table(raw, SOURCE_KEYS, ("title", "url"), fail, "source")
    claims = tuple(raw.get("claims", ()))
    if not claims or set(claims) - CLAIMS:
        raise fail(f"source claims must be some of {sorted(CLAIMS)}, not {list(claims)}")
    date = str(raw.get("date", ""))
    if not _DATE.fullmatch(date):
        raise fail(f"source date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD", date or "date")
    return Source(claims, raw["title"], str(raw.get("publisher", "")), date, raw["url"])


def _check_covered_list(raw: Any, fail: Any) -> None:
    """A Covered List entry names the listed entry and the date it was added."""
    if raw is None:
        return
    check_table(raw, COVERED_LIST_KEYS, ("entry",), fail, "covered_list")
    added = iso_date(raw.get("added"))
    if added is None:
        raise fail(
            f"covered_list added {raw.get('added')!r} is not a YYYY-MM-DD date "
            "(the date the FCC added the entry)",
            "added",
        )
    if "removed" in raw:
        removed = iso_date(raw["removed"])
        if removed is None or removed <= added:
            raise fail(
                f"covered_list removed {raw['removed']!r} must be a YYYY-MM-DD date after added",
                "removed",
            )


def _stakes(raw: Any, entity_id: str, path: Path, text: str) -> tuple[Stake, ...]:
    if not isinstance(raw, list):
        location = where_after(path, text, ((f'"{entity_id}"',),), "stakes")
        raise DataError(
            f"{location}: entity {entity_id!r}: stakes must be [[entity.stakes]] tables"
        )
    stakes = []
    for item in raw:
        holder = str(item.get("holder", "")) if isinstance(item, dict) else ""

        def fail(message: str, *needles: str, holder: str = holder) -> DataError:
            location = _stake_line(path, text, entity_id, holder, *needles)
            return DataError(f"{location}: entity {entity_id!r}: {message}")

        stakes.append(parse_stake(item, fail))
    return tuple(stakes)
