"""Country labels from the data -> ISO 3166 codes (alpha-2, alpha-3) and a display name.

The data labels countries with display names ("South Korea", "Congo, Dem. Rep.",
"Virgin Islands (U.K.)"). They are resolved with pycountry, by exact lookup; the few
names pycountry does not know are documented aliases in ``geodata/countries.toml``.
Hong Kong and Macau stations, which the data labels "China", are recognised by where they
are (the outlines in the same file) and get HK and MO.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cablemap.resources import load_geodata_toml


@dataclass(frozen=True)
class Country:
    """An ISO 3166-1 country or territory with the name cablemap shows for it."""

    iso2: str
    iso3: str
    name: str


@cache
def resolve_country(label: str) -> Country | None:
    """Resolve a country label from the data, or return ``None`` if it is unknown.

    Parameters
    ----------
    label
        A display name as the data writes it, or an ISO alpha-2/alpha-3 code.

    Returns
    -------
    Country or None
        The ISO codes, with ``label`` itself kept as the display name.
    """
    import pycountry

    label = " ".join(label.split())
    alias = load_geodata_toml("countries.toml")["aliases"].get(label)
    key = alias["iso2"] if alias else label
    try:
        record = pycountry.countries.lookup(key)
    except LookupError:
        return None
    return Country(record.alpha_2, record.alpha_3, label)


def split_city_country(name: str) -> tuple[str, Country | None]:
    """Split a v2 style ``"City, Country"`` name into the city and the resolved country.

    Country names may contain commas ("Congo, Dem. Rep."), so the longest comma-separated
    tail that resolves to a country wins; the rest is the city.
    """
    parts = [part.strip() for part in name.split(",")]
    for start in range(1, len(parts)):
        country = resolve_country(", ".join(parts[start:]))
        if country is not None:
            return ", ".join(parts[:start]), country
    return name.strip(), None


def strip_country_suffix(name: str, label: str) -> str:
    """Return the city part of ``"City, Country"`` given the country label."""
    suffix = ", " + label
    return name[: -len(suffix)].strip() if name.endswith(suffix) else name.strip()


@dataclass(frozen=True)
class _Region:
    country: Country
    labelled_as_iso2: str
    outline: object  # a prepared shapely Polygon


@cache
def _regions() -> tuple[_Region, ...]:
    import pycountry
    import shapely

    regions = []
    for entry in load_geodata_toml("countries.toml")["regions"]:
        record = pycountry.countries.get(alpha_2=entry["iso2"])
        polygon = shapely.Polygon(entry["outline"])
        shapely.prepare(polygon)
        labelled_as = resolve_country(entry["labelled_as"])
        assert labelled_as is not None, entry["labelled_as"]
        assert record is not None, entry["iso2"]
        region = Country(entry["iso2"], record.alpha_3, entry["name"])
        regions.append(_Region(region, labelled_as.iso2, polygon))
    return tuple(regions)


def locate_special_region(country: Country, lon: float, lat: float) -> Country:
    """Return HK or MO for a station labelled "China" inside their outline, else ``country``."""
    import shapely

    for region in _regions():
        if country.iso2 == region.labelled_as_iso2 and shapely.contains_xy(
            region.outline, lon, lat
        ):
            return region.country
    return country
