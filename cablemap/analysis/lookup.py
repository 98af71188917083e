"""Name a cable as people write it: its id, its display name, or its abbreviation.

"SEA-US", "AAG", "2Africa", "japan-u-s-cable-network-jus" and "Japan-U.S. Cable Network
(JUS)" all name one cable each. Matching ignores case, spaces and punctuation. A name
that fits several cables is an error listing them; one that fits none suggests the
closest.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cablemap.errors import UserError

if TYPE_CHECKING:
    from cablemap.network.graph import Network


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _abbreviations(name: str) -> list[str]:
    """Every parenthesised part of a name: "Asia-America Gateway (AAG) Cable System"."""
    return re.findall(r"\(([^()]+)\)", name)


def match_key(text: str) -> str:
    """The form names are compared in: case folded, letters and digits only.

    "SEA-US", "sea us" and "Sea-Us" all become ``"seaus"``.
    """
    return _key(text)


def cable_labels(cable_id: str, name: str) -> list[tuple[str, str]]:
    """Every ``(kind, text)`` a cable is named by: id, name, bare name, abbreviations.

    The bare name is the display name without its parenthesised parts; each
    parenthesised part is an abbreviation ("AAG" of "Asia-America Gateway (AAG) Cable
    System"). Empty texts are left out.
    """
    bare = re.sub(r"\s*\([^()]+\)", "", name)
    labels = [("id", cable_id), ("name", name), ("name", bare)]
    labels += [("abbreviation", part) for part in _abbreviations(name)]
    return [(kind, text) for kind, text in labels if text]


def cable_names(network: Network) -> dict[str, set[str]]:
    """Normalised key -> ids of the cables it names.

    Each cable is named by its id, its display name, the name without its parenthesised
    parts, and each parenthesised part ("AAG" of "Asia-America Gateway (AAG) Cable
    System").
    """
    names: dict[str, set[str]] = {}
    for cable in network.cables.values():
        for _, text in cable_labels(cable.id, cable.name):
            names.setdefault(_key(text), set()).add(cable.id)
    return names


def resolve_cable(network: Network, text: str, *, option: str = "--cut") -> str:
    """The id of the one cable ``text`` names.

    Raises
    ------
    UserError
        No cable or several cables fit (the message lists them, or the closest names).
    """
    if text in network.cables:
        return text
    memo = network._memo
    names = memo.get("cable-names")
    if names is None:
        names = memo["cable-names"] = cable_names(network)
    found = names.get(_key(text), set())
    if len(found) == 1:
        return next(iter(found))
    if found:
        listed = ", ".join(f"{network.cables[c].name} ({c})" for c in sorted(found))
        raise UserError(f"{option}: {text!r} names several cables: {listed}; give the id")
    labels = [*network.cables, *(cable.name for cable in network.cables.values())]
    import difflib  # only for suggestions after a miss

    close = difflib.get_close_matches(text, labels, n=3, cutoff=0.6)
    hint = (
        f"did you mean {', '.join(repr(c) for c in close)}?"
        if close
        else "give a cable id (as `cablemap cable ID` takes it), display name or abbreviation"
    )
    raise UserError(f"{option}: no cable named {text[:80]!r}; {hint}")
