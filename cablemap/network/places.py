"""Route ends as people say them -> the landing stations they stand for.

A place is, tried in this order:

- a landing-station id ("chikura-japan");
- an ISO 3166-2 subdivision cablemap places stations in ("US-HI", "ES-CN");
- a name of ``geodata/place-names.toml`` ("UK", "Ivory Coast", "Hawaii");
- a country or territory by ISO name or code, any case ("Japan", "jp", "JPN", "PR");
- a group of ``geodata/groups.toml`` ("EU", "ASEAN", "Five Eyes");
- a city with landing stations ("Marseille"; "San Juan, Puerto Rico" where a city name
  is in several countries).

Anything else is an error with the closest names ("did you mean").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from cablemap.errors import NoLandingStationError, UnknownPlaceError
from cablemap.resources import geodata_dir, load_geodata_toml


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
    group: str | None = None
    """``group:ID`` or ``city:KEY`` for a named group or a city of several stations."""

    @property
    def key(self) -> str:
        """The code whose source / sink nodes stand for this place in the graph."""
        return self.group or self.subdivision or self.iso2

    @property
    def countries(self) -> frozenset[str]:
        """The ISO codes of the countries the place's stations are in."""
        return frozenset(self.iso2.split("+")) if self.group else frozenset({self.iso2})

    def as_dict(self) -> dict[str, str]:
        """The JSON form: ``{"iso2", "name"}`` plus ``station``, ``subdivision`` or ``group``."""
        out = {"iso2": self.iso2, "name": self.name}
        if self.station is not None:
            out["station"] = self.station
        if self.subdivision is not None:
            out["subdivision"] = self.subdivision
        if self.group is not None:
            out["group"] = self.group
        return out


@dataclass(frozen=True)
class PlaceIndex:
    """What can be named: countries, subdivisions, groups, cities and station ids.

    Parameters
    ----------
    stations_by_country
        ISO alpha-2 code -> ids of the landing stations in the network.
    country_names
        ISO alpha-2 code -> display name.
    station_country
        Station id -> ISO alpha-2 code.
    stations_by_subdivision
        ISO 3166-2 code -> ids of the landing stations placed in it.
    stations_by_city
        Lower-cased city name -> ids of its landing stations (any country).
    """

    stations_by_country: dict[str, tuple[str, ...]]
    country_names: dict[str, str]
    station_country: dict[str, str]
    stations_by_subdivision: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stations_by_city: dict[str, tuple[str, ...]] = field(default_factory=dict)
    city_names: dict[str, str] = field(default_factory=dict)
    """Lower-cased city name -> the city as the data writes it."""
    everyday_names: dict[str, str] | None = None
    """Lower-cased everyday name -> ISO code, as :func:`place_names` read it when the
    network was built (a stored network carries it, so no TOML is parsed to answer a
    route); ``None``: read ``geodata/place-names.toml``."""

    def resolve(self, text: str) -> Place:
        """Resolve what the user typed.

        Raises
        ------
        UnknownPlaceError
            Nothing fits, or a city name fits several places; the message lists them.
        NoLandingStationError
            A real country without landing stations (for example a landlocked one).
        """
        query = " ".join(text.split())
        if not query:
            raise UnknownPlaceError("an empty place name; give a country, city or station id")
        if query in self.station_country:
            iso2 = self.station_country[query]
            return Place(iso2, self.country_names[iso2], (query,), station=query)
        code = self._everyday_names().get(query.casefold(), query)
        subdivision = code.upper()
        if subdivision in self.stations_by_subdivision:
            return Place(
                subdivision.split("-")[0],
                _subdivision_name(subdivision),
                self.stations_by_subdivision[subdivision],
                subdivision=subdivision,
            )
        country = self._country_code(code)
        if country is not None:
            return self._country(country)
        group = groups().get(query.casefold())
        if group is not None:
            return self._group(*group)
        return self._city(query)

    def _everyday_names(self) -> dict[str, str]:
        return self.everyday_names if self.everyday_names is not None else place_names()

    def _country(self, iso2: str) -> Place:
        if iso2 not in self.stations_by_country:
            raise NoLandingStationError(
                f"{_iso_name(iso2)} ({iso2}) has no landing station in the data (landlocked, "
                "or no cable lands there); route from a neighbouring coastal country instead"
            )
        return Place(iso2, self.country_names[iso2], self.stations_by_country[iso2])

    def _group(self, group_id: str, name: str, members: tuple[str, ...]) -> Place:
        present = [m for m in members if m in self.stations_by_country]
        stations = tuple(s for m in present for s in self.stations_by_country[m])
        return Place("+".join(present), name, stations, group=f"group:{group_id}")

    def _city(self, query: str) -> Place:
        city, _, country_text = query.rpartition(",") if "," in query else (query, "", "")
        if query.casefold() in self.stations_by_city:  # "Makaha, HI": a city with its state
            city, country_text = query, ""
        matches = self.stations_by_city.get(city.strip().casefold(), ())
        if country_text.strip():
            wanted = self._country_code(country_text.strip())
            matches = tuple(s for s in matches if self.station_country[s] == wanted)
        if not matches:
            raise UnknownPlaceError(self._unknown_message(query))
        countries = {self.station_country[s] for s in matches}
        if len(countries) > 1:
            options = ", ".join(
                f"'{self.city_names[city.strip().casefold()]}, {self.country_names[c]}'"
                for c in sorted(countries)
            )
            raise UnknownPlaceError(f"{query!r} is a city in several countries: say {options}")
        iso2 = next(iter(countries))
        name = f"{self.city_names[city.strip().casefold()]}, {self.country_names[iso2]}"
        if len(matches) == 1:
            return Place(iso2, name, matches, station=matches[0])
        return Place(iso2, name, matches, group=f"city:{city_key(city)}:{iso2}")

    def _country_code(self, query: str) -> str | None:
        lowered = query.casefold()
        for iso2, name in self.country_names.items():
            if lowered in (iso2.casefold(), name.casefold()):
                return iso2
        from cablemap.dataset.countries import resolve_country  # names the data does not use

        country = resolve_country(query)
        return country.iso2 if country is not None else None

    def _unknown_message(self, query: str) -> str:
        names = [*self.country_names.values(), *self.city_names.values()]
        names += [name for _, name, _ in groups().values()] + list(self._everyday_names())
        lowered = {name.casefold(): name for name in names}
        import difflib  # only for suggestions after a miss

        close = difflib.get_close_matches(query.casefold(), list(lowered), n=3, cutoff=0.6)
        close_ids = difflib.get_close_matches(query, list(self.station_country), n=2, cutoff=0.75)
        suggestions = [lowered[c] for c in close] + close_ids
        hint = (
            f"did you mean {', '.join(repr(s) for s in suggestions)}?"
            if suggestions
            else "give a country name or ISO code (JP, JPN), a city, a group (EU) or a "
            "landing-station id"
        )
        return f"unknown country, city or landing station {query[:80]!r}: {hint}"


def city_key(city: str) -> str:
    """A city's name as a node key: lower case, words joined by hyphens."""
    return re.sub(r"[^0-9a-z]+", "-", city.casefold()).strip("-")


@cache
def place_names() -> dict[str, str]:
    """Lower-cased everyday name -> ISO code (``geodata/place-names.toml``)."""
    names = load_geodata_toml("place-names.toml")["names"]
    return {name.casefold(): code for name, code in names.items()}


@cache
def groups() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Lower-cased alias -> (group id, name, ISO members) from ``geodata/groups.toml``."""
    if not (geodata_dir() / "groups.toml").is_file():
        return {}
    found: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for group_id, entry in load_geodata_toml("groups.toml")["groups"].items():
        value = (group_id, str(entry["name"]), tuple(entry["members"]))
        for alias in (group_id, entry["name"], *entry.get("aliases", ())):
            found[str(alias).casefold()] = value
    return found


def _subdivision_name(code: str) -> str:
    """The ISO 3166-2 name of a subdivision code (via pycountry), else the code."""
    import pycountry

    record = pycountry.subdivisions.get(code=code)
    return str(record.name) if record is not None else code


def _iso_name(iso2: str) -> str:
    """The common (else official ISO) English name of a country code."""
    import pycountry

    record = pycountry.countries.get(alpha_2=iso2)
    if record is None:
        return iso2
    return str(getattr(record, "common_name", None) or record.name)
