"""Route ends typed by a user -> a country's landing stations, or one landing station.

A place is a country (English name, ISO alpha-2 or alpha-3, any case: "Japan", "jp",
"JPN", "South Korea", "Hong Kong"), an ISO 3166-2 subdivision that cablemap places
stations in ("US-HI", "ES-CN", see ``geodata/areas.toml``) or a landing-station id
("chikura-japan").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from cablemap.dataset.countries import resolve_country
from cablemap.errors import NoLandingStationError, UnknownPlaceError


@dataclass(frozen=True)
class Place:
    """One end of a route: the stations it stands for, and how to name it."""

    iso2: str
    name: str
    station_ids: tuple[str, ...]
    station: str | None = None
    """The station id when the user named a single station, else ``None``."""
    subdivision: str | None = None
    """The ISO 3166-2 code when the user named a subdivision, else ``None``."""

    @property
    def key(self) -> str:
        """The code whose source / sink nodes stand for this place in the graph."""
        return self.subdivision or self.iso2

    def as_dict(self) -> dict[str, str]:
        """The JSON form: ``{"iso2", "name"}`` plus ``"station"`` or ``"subdivision"``."""
        out = {"iso2": self.iso2, "name": self.name}
        if self.station is not None:
            out["station"] = self.station
        if self.subdivision is not None:
            out["subdivision"] = self.subdivision
        return out


@dataclass(frozen=True)
class PlaceIndex:
    """What can be named: countries with their stations, and station ids.

    Parameters
    ----------
    stations_by_country
        ISO alpha-2 code -> ids of the landing stations in the network.
    country_names
        ISO alpha-2 code -> display name.
    station_country
        Station id -> ISO alpha-2 code.
    """

    stations_by_country: dict[str, tuple[str, ...]]
    country_names: dict[str, str]
    station_country: dict[str, str]
    stations_by_subdivision: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """ISO 3166-2 code -> ids of the landing stations placed in it."""

    def resolve(self, text: str) -> Place:
        """Resolve what the user typed.

        Raises
        ------
        UnknownPlaceError
            Neither a country nor a station id; the message lists the closest matches.
        NoLandingStationError
            A real country without landing stations (for example a landlocked one).
        """
        query = " ".join(text.split())
        if query in self.station_country:
            iso2 = self.station_country[query]
            return Place(iso2, self.country_names[iso2], (query,), station=query)
        subdivision = query.upper()
        if subdivision in self.stations_by_subdivision:
            iso2 = subdivision.split("-")[0]
            return Place(
                iso2,
                _subdivision_name(subdivision),
                self.stations_by_subdivision[subdivision],
                subdivision=subdivision,
            )
        code = self._country_code(query)
        if code is None:
            raise UnknownPlaceError(self._unknown_message(query))
        iso2 = code
        if iso2 not in self.stations_by_country:
            name = _iso_name(iso2)
            raise NoLandingStationError(
                f"{name} ({iso2}) has no landing station in the data (landlocked, or no cable "
                "lands there); route from a neighbouring coastal country instead"
            )
        return Place(iso2, self.country_names[iso2], self.stations_by_country[iso2])

    def _country_code(self, query: str) -> str | None:
        lowered = query.casefold()
        for iso2, name in self.country_names.items():
            if lowered in (iso2.casefold(), name.casefold()):
                return iso2
        country = resolve_country(query)
        if country is not None:
            return country.iso2
        return None

    def _unknown_message(self, query: str) -> str:
        names = list(self.country_names.values())
        lowered = {name.casefold(): name for name in names}
        close = difflib.get_close_matches(query.casefold(), list(lowered), n=3, cutoff=0.6)
        close_ids = difflib.get_close_matches(query, list(self.station_country), n=2, cutoff=0.75)
        suggestions = [lowered[c] for c in close] + close_ids
        hint = (
            f"did you mean {', '.join(repr(s) for s in suggestions)}?"
            if suggestions
            else ("give a country name, an ISO code (JP, JPN) or a landing-station id")
        )
        return f"unknown country or landing station {query!r}: {hint}"


def _iso_name(iso2: str) -> str:
    """The common (else official ISO) English name of a country code."""
    import pycountry

    record = pycountry.countries.get(alpha_2=iso2)
    if record is None:
        return iso2
    return str(getattr(record, "common_name", None) or record.name)


def _subdivision_name(code: str) -> str:
    """The ISO 3166-2 name of a subdivision code (via pycountry), else the code."""
    import pycountry

    record = pycountry.subdivisions.get(code=code)
    return str(record.name) if record is not None else code
