"""Search cables, landing stations and carriers by what people type.

"SEA-US", "sea us" and "seaus" find the SEA-US cable; "Marseille" its landing station;
"HMN" the supplier HMN Tech. Texts are compared as :func:`~cablemap.analysis.lookup.match_key`
makes them (case folded, letters and digits only). A hit is exact, a prefix or a
substring of one of the names of a thing:

- a cable: its id, display name, name without parenthesised parts, each abbreviation;
- a landing station: its id, name, country name, and its ISO code (exactly);
- a registry entity: its id, canonical name and aliases.

Each thing is listed once, with its best match (its name before an abbreviation or
alias before its id). Hits are ordered: stations found only by their country after
every other hit; exact before prefix before substring; then cables, carriers,
stations; then by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from cablemap.analysis.carriers import entity_cables
from cablemap.analysis.lookup import cable_labels, match_key
from cablemap.errors import UserError, clip
from cablemap.policy.carriers import Registry, default_registry

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.network.graph import Network

KINDS = ("cable", "carrier", "station")
"""The kinds of things searched, in the order hits of equal quality are listed."""
QUALITY = ("exact", "prefix", "substring")
"""How well a hit matches, best first."""


@dataclass(frozen=True)
class SearchHit:
    """One thing found: what it is, which of its names matched, what to run next."""

    kind: str
    id: str
    name: str
    match: str
    """``exact``, ``prefix`` or ``substring``."""
    field: str
    """Which name matched: ``id``, ``name``, ``abbreviation``, ``alias``, ``country``..."""
    text: str
    """The name that matched, as written."""
    detail: str
    next: str
    """The command that shows more."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)


@dataclass(frozen=True)
class SearchResults:
    """The hits of one search, best first, and how many there were before the limit."""

    query: str
    snapshot: str
    total: int
    hits: tuple[SearchHit, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "query": self.query,
            "snapshot": self.snapshot,
            "total": self.total,
            "shown": len(self.hits),
            "hits": [hit.as_dict() for hit in self.hits],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per hit shown."""
        import pandas as pd

        return pd.DataFrame([hit.as_dict() for hit in self.hits], columns=list(SEARCH_COLUMNS))

    def __repr__(self) -> str:
        return f"SearchResults({self.query!r}: {len(self.hits)} of {self.total} hits)"


SEARCH_COLUMNS = ("kind", "id", "name", "match", "field", "text", "detail", "next")


def search(
    network: Network, text: str, *, limit: int | None = 20, registry: Registry | None = None
) -> SearchResults:
    """Find cables, landing stations and registry entities whose names match ``text``.

    Parameters
    ----------
    network
        A built network (its cables and stations).
    text
        What to look for; case, spaces and punctuation are ignored.
    limit
        Most hits to return (``None``: all); ``total`` still counts every hit.
    registry
        The carrier registry; default: the shipped one.

    Returns
    -------
    SearchResults
        Stations matched only by their country after every other hit; exact matches
        before prefixes before substrings; then cables, carriers, stations; then by
        name.

    Raises
    ------
    UserError
        ``text`` has no letter or digit, or ``limit`` is below 1.
    """
    key = match_key(text)
    if not key:
        raise UserError(f"search text {clip(text)} has no letter or digit; give part of a name")
    if limit is not None and limit < 1:
        raise UserError(f"limit {limit} is below 1; give a positive number of hits")
    registry = registry or default_registry()
    hits = [
        *_best(key, _cable_candidates(network)),
        *_best(key, _carrier_candidates(network, registry)),
        *_best(key, _station_candidates(network)),
    ]
    hits.sort(
        key=lambda h: (
            h.field == "country",
            QUALITY.index(h.match),
            KINDS.index(h.kind),
            h.name.casefold(),
            h.id,
        )
    )
    shown = hits if limit is None else hits[:limit]
    return SearchResults(text, network.snapshot_id, len(hits), tuple(shown))


Candidate = tuple[SearchHit, list[tuple[str, str, bool]]]
"""A thing (as a hit without its match) and its names: ``(field, text, exact_only)``."""


def _best(key: str, candidates: Iterator[Candidate]) -> Iterator[SearchHit]:
    """Each candidate whose names match ``key``, with its best-matching name."""
    for hit, names in candidates:
        best: tuple[int, str, str] | None = None
        for field, text, exact_only in names:
            name_key = match_key(text)
            if name_key == key:
                quality = 0
            elif exact_only or key not in name_key:
                continue
            else:
                quality = 1 if name_key.startswith(key) else 2
            if best is None or quality < best[0]:
                best = (quality, field, text)
        if best is not None:
            quality, field, text = best
            yield SearchHit(
                hit.kind, hit.id, hit.name, QUALITY[quality], field, text, hit.detail, hit.next
            )


def _cable_candidates(network: Network) -> Iterator[Candidate]:
    for cable in network.cables.values():
        facts = [f"RFS {cable.rfs_year}" if cable.rfs_year else "RFS unknown"]
        if cable.planned:
            facts.append("planned")
        if cable.status != "in-service":
            facts.append(cable.status)
        hit = SearchHit(
            "cable",
            cable.id,
            cable.name,
            "",
            "",
            "",
            ", ".join(facts),
            f"cablemap cable {cable.id}",
        )
        labels = cable_labels(cable.id, cable.name)
        names = [(field, text, False) for field, text in labels if field != "id"]
        yield hit, [*names, ("id", cable.id, False)]


def _station_candidates(network: Network) -> Iterator[Candidate]:
    for station in network.stations.values():
        landed = len(network.station_cables.get(station.id, ()))
        detail = f"{station.iso2}, {landed} cable{'s' * (landed != 1)}"
        hit = SearchHit(
            "station",
            station.id,
            station.name,
            "",
            "",
            "",
            detail,
            f"cablemap stations --country {station.iso2}",
        )
        names = [
            ("name", station.name, False),
            ("id", station.id, False),
            ("country", station.country_name, False),
            ("country", station.iso2, True),
        ]
        yield hit, names


def _carrier_candidates(network: Network, registry: Registry) -> Iterator[Candidate]:
    cables = entity_cables(network, registry)
    for entity in registry.entities.values():
        roles = cables.get(entity.id, [])
        owned = len({r.cable for r in roles if r.role == "owner"})
        supplied = len({r.cable for r in roles if r.role == "supplier"})
        detail = f"HQ {entity.hq_country}, owns {owned}, supplied {supplied} cables"
        hit = SearchHit(
            "carrier",
            entity.id,
            entity.name,
            "",
            "",
            "",
            detail,
            f"cablemap carriers show {entity.id}",
        )
        names = [("name", entity.name, False)]
        names += [("alias", alias, False) for alias in entity.aliases]
        names.append(("id", entity.id, False))
        yield hit, names
