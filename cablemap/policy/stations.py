"""Landing stations ranked by exposure to what a policy flags.

Exposure is the share of the cables in service at a station (as of a year; planned
cables left out unless asked for) that the policy flags, 1.0 at a station in a
jurisdiction the policy excludes. Stations are ranked by :data:`ORDER`: the flagged
count first, so that a hub with many flagged cables comes before a one-cable station
whose only cable is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from cablemap.dataset.load import Dataset
    from cablemap.policy.flags import Flag, PolicyFlags

ORDER = "most flagged cables first, then highest flagged share, then most cables, then name"
"""How :func:`station_exposure` ranks stations (stated in every stations output)."""


@dataclass(frozen=True)
class StationExposure:
    """One landing station: its cables, how many a policy flags, and why."""

    id: str
    name: str
    iso2: str
    country_name: str
    lon: float
    lat: float
    cables: tuple[str, ...]
    flagged_cables: tuple[str, ...]
    station_flags: tuple[Flag, ...]
    reasons: tuple[str, ...]

    @property
    def exposure(self) -> float:
        """Flagged cables / all cables landing here (1.0 in an excluded jurisdiction)."""
        if self.station_flags:
            return 1.0
        return len(self.flagged_cables) / len(self.cables) if self.cables else 0.0

    @property
    def risky(self) -> bool:
        """Whether anything here is flagged."""
        return bool(self.station_flags or self.flagged_cables)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "id": self.id,
            "name": self.name,
            "country": self.iso2,
            "country_name": self.country_name,
            "lon": self.lon,
            "lat": self.lat,
            "cables": len(self.cables),
            "flagged": len(self.flagged_cables),
            "flagged_cables": list(self.flagged_cables),
            "exposure": round(self.exposure, 3),
            "excluded_jurisdiction": bool(self.station_flags),
            "reasons": list(self.reasons),
            "flags": [f.as_dict() for f in self.station_flags],
        }


class StationList(tuple[StationExposure, ...]):
    """Landing stations ranked by exposure: a tuple, with tables for pandas and GIS."""

    __slots__ = ()

    def __repr__(self) -> str:
        risky = sum(s.risky for s in self)
        return f"<StationList: {len(self)} stations, {risky} with something flagged>"

    def to_frame(self) -> pd.DataFrame:
        """One row per station, in rank order: the JSON fields, counts instead of lists.

        ``flagged_cables`` is a count (as in the CSV); the flagged cables' ids are in
        ``flagged_cable_ids`` and the reasons in ``reasons``, each joined with ``"; "``.
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "rank": range(1, len(self) + 1),
                "station_id": [s.id for s in self],
                "name": [s.name for s in self],
                "country": [s.iso2 for s in self],
                "country_name": [s.country_name for s in self],
                "lon": [s.lon for s in self],
                "lat": [s.lat for s in self],
                "cables": [len(s.cables) for s in self],
                "flagged_cables": [len(s.flagged_cables) for s in self],
                "exposure": [s.exposure for s in self],
                "excluded_jurisdiction": [bool(s.station_flags) for s in self],
                "flagged_cable_ids": ["; ".join(s.flagged_cables) or None for s in self],
                "reasons": ["; ".join(s.reasons) or None for s in self],
            }
        )

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """:meth:`to_frame` with a Point per station (EPSG:4326)."""
        import geopandas as gpd

        frame = self.to_frame()
        return gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
        )


def station_exposure(
    dataset: Dataset,
    flags: PolicyFlags | None,
    *,
    country: str | None = None,
    excluded: frozenset[str] = frozenset(),
) -> StationList:
    """Every landing station with a usable cable (of one country, if given), ranked.

    A cable counts as flagged at a station when the policy flags the cable for any
    reason: an owner, a supplier, or a landing in an excluded jurisdiction (traffic on it
    reaches that jurisdiction).

    Parameters
    ----------
    dataset
        The data.
    flags
        A policy's flags, or ``None`` (nothing flagged).
    country
        Only stations in this ISO alpha-2 country.
    excluded
        Cables not counted (not in service in the year asked about, planned, retired):
        a station whose cables are all excluded is left out.

    Returns
    -------
    list of StationExposure
        In the order of :data:`ORDER`: flagged count, then share, then cables (all
        descending), then name.
    """
    cable_names = dict(zip(dataset.cables["id"], dataset.cables["name"], strict=True))
    at_station: dict[str, list[str]] = {}
    for cable_id, station_id in zip(
        dataset.landings["cable_id"], dataset.landings["station_id"], strict=True
    ):
        if cable_id not in excluded:
            at_station.setdefault(station_id, []).append(cable_id)
    out = []
    for row in dataset.stations.itertuples():
        if row.id not in at_station or (country and row.country_iso2 != country):
            continue
        cables = tuple(at_station[row.id])
        cable_flags = {c: (flags.cables.get(c, ()) if flags else ()) for c in cables}
        flagged = tuple(c for c in cables if cable_flags[c])
        own = flags.stations.get(row.id, ()) if flags else ()
        reasons = [f.reason for f in own] + [
            f"{cable_names[c]}: "
            + "; ".join(dict.fromkeys(f"[{f.rule}] {f.reason}" for f in cable_flags[c]))
            for c in flagged
        ]
        out.append(
            StationExposure(
                row.id,
                row.name,
                row.country_iso2,
                row.country_name,
                row.geometry.x,
                row.geometry.y,
                cables,
                flagged,
                tuple(own),
                tuple(reasons),
            )
        )
    out.sort(key=lambda s: (-len(s.flagged_cables), -s.exposure, -len(s.cables), s.name))
    return StationList(out)
