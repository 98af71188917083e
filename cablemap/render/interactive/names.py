"""Short names for labels and legends: a station's city, a cable's abbreviation.

The data has no short-name field, but most long cable names end with their usual
abbreviation in brackets ("Asia-America Gateway (AAG) Cable System" is the exception:
its brackets sit inside), and every station name starts with its city
("Hermosa Beach, CA, United States").
"""

from __future__ import annotations

import re

CABLE_NAME_LIMIT = 24
"""A cable name longer than this is shown by its abbreviation, or cut."""
CITY_LIMIT = 22

_BRACKETED = re.compile(r"\(([^()]{1,14})\)")


def short_cable_name(name: str, *, limit: int = CABLE_NAME_LIMIT) -> str:
    """A cable's name as a legend shows it: whole when short, else its abbreviation.

    Parameters
    ----------
    name
        The cable's name in the data.
    limit
        Names up to this many characters are kept whole.

    Returns
    -------
    str
        ``name``; or, when longer than ``limit``, the last bracketed abbreviation in it
        ("Pacific Light Cable Network (PLCN)" -> "PLCN"); or failing that the name cut
        before ``limit`` characters (at a word's end where it can) with an ellipsis.
    """
    stripped = " ".join(name.split())
    if len(stripped) <= limit:
        return stripped
    found = _BRACKETED.findall(stripped)
    if found and found[-1].strip():
        return found[-1].strip()
    cut = stripped[: limit - 1]
    word = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
    return word.rstrip(" -,") + "\u2026"


def station_city(name: str, *, limit: int = CITY_LIMIT) -> str:
    """A landing station's city: its name up to the first comma, cut at ``limit``."""
    city = name.split(",")[0].strip() or name.strip()
    return city if len(city) <= limit else city[: limit - 1].rstrip() + "\u2026"
