"""Short names for the HTML maps' labels and legends (the rules: :mod:`cablemap.render.wording`)."""

from __future__ import annotations

from cablemap.render.wording import short_cable, station_city

CABLE_NAME_LIMIT = 24
"""A cable name longer than this is shown by its abbreviation, or cut."""

__all__ = ["CABLE_NAME_LIMIT", "short_cable_name", "station_city"]


def short_cable_name(name: str, *, limit: int = CABLE_NAME_LIMIT) -> str:
    """A cable's name as a legend shows it: whole when short, else its short name.

    Parameters
    ----------
    name
        The cable's name in the data.
    limit
        Names up to this many characters are kept whole.

    Returns
    -------
    str
        ``name``; or, when longer than ``limit``, the rule of
        :func:`cablemap.render.wording.short_cable` (the bracketed abbreviation, else
        generic words dropped and the name cut at a word).
    """
    stripped = " ".join(name.split())
    return stripped if len(stripped) <= limit else short_cable(stripped, limit=limit)
