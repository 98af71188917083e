"""Several places from a repeatable option: ``--country JP,TW --country KR``.

Every command that filters by country takes the option several times, each value one
place or a comma-separated list. A value is first read whole, so that a name with a
comma in it ("Congo, Dem. Rep.", "San Juan, Puerto Rico") still names one place; only
when the whole value names nothing is it split at its commas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cablemap.errors import UnknownPlaceError, UserError

if TYPE_CHECKING:
    from cablemap.network.places import Place, PlaceIndex


@dataclass(frozen=True)
class Scope:
    """The places a command is limited to, and their stations together."""

    places: tuple[Place, ...]

    @property
    def station_ids(self) -> frozenset[str]:
        """Every landing station of every place."""
        return frozenset(s for place in self.places for s in place.station_ids)

    @property
    def name(self) -> str:
        """The places as people read them: "Japan (JP), Taiwan (TW)"."""
        return ", ".join(
            place.station if place.station is not None else f"{place.name} ({place.iso2})"
            for place in self.places
        )

    @property
    def countries(self) -> frozenset[str]:
        """The ISO codes of the countries the places are in."""
        return frozenset(c for place in self.places for c in place.countries)


def split_values(values: Iterable[str]) -> list[str]:
    """Every comma-separated part of every value, stripped, empty parts dropped.

    Raises
    ------
    UserError
        When the values hold no part at all (``--country ","``).
    """
    given = list(values)
    parts = [part.strip() for value in given for part in value.split(",") if part.strip()]
    if given and not parts:
        listed = ", ".join(repr(v) for v in given)
        raise UserError(f"{listed} names no country; give ISO codes or names")
    return parts


def resolve_scope(index: PlaceIndex, values: Iterable[str]) -> Scope | None:
    """The places the values name (``None`` when no value is given: no limit).

    Parameters
    ----------
    index
        What can be named (``network.places``).
    values
        The option's values: each a place (as ``route`` takes it) or a comma list.

    Returns
    -------
    Scope or None
        The places in the order given, each once.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        A part names no place, or a country with no landing station.
    UserError
        A value with nothing but commas.
    """
    texts = place_texts(index, values)
    if not texts:
        return None
    found: dict[tuple[str, tuple[str, ...]], Place] = {}
    for text in texts:
        place = index.resolve(text)
        found.setdefault((place.key, place.station_ids), place)
    return Scope(tuple(found.values()))


def place_texts(index: PlaceIndex, values: Iterable[str]) -> list[str]:
    """The place names in the values: each value whole if it names a place, else its parts.

    Raises
    ------
    UserError
        A value with nothing but commas.
    """
    texts: list[str] = []
    for value in values:
        if "," not in value:
            texts.append(value)
            continue
        try:
            index.resolve(value)
        except UnknownPlaceError:
            texts.extend(split_values([value]))
        else:
            texts.append(value)
    return texts
