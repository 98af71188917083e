"""The distances that decide how a cable's hand-drawn lines connect.

The defaults sit in empty ranges of distributions measured on the real data (the Open
Undersea Cable Map, v3 layout, 521 cables, 2378 cable landings); ``docs/topology.md``
lists the figures and says how they were measured. In short: what a tolerance should
catch lies well below it, and the nearest thing it must not catch lies well above it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Tolerances:
    """Distances deciding joins and attachments (all in km except ``antimeridian_deg``).

    Attributes
    ----------
    antimeridian_deg
        A loose line end within this many degrees of longitude from +/-180 is an
        antimeridian end, to be stitched to one on the other side. Measured: the data's
        antimeridian ends lie at abs(lon) >= 179.9997, bar two at 179.978 (Polar
        Express); the next line end lies at 179.55 and the landing station nearest to
        the antimeridian is Savusavu, Fiji, at 179.35. 0.05 takes every antimeridian end
        and nothing else.
    station_end_km
        A loose line end lands at the nearest of its cable's own stations within this
        distance. Measured on the 1798 loose ends left after noding and stitching: 1728
        lie within 1 km of one of their cable's stations, 52 more within 26.6 km, and
        none between 26.6 and 73 km (the ends at 73 km and beyond are out at sea and
        belong to joins or dead ends). 30 km sits in that empty range.
    gap_km
        A loose end not landed at a station joins the nearest other line of its cable
        within this distance (that line's end: a gap; its middle: a T-junction with a
        branching unit); antimeridian pairs are stitched within it too. Measured on the
        loose ends left after landing: eight lie within 0.06 km of another line, one at
        1.0 km (the Batam branch of Hawaiki Nui, drawn towards its trunk), one at 7.5 km
        (Africa-1), three at 2.2 to 3.1 km are overshoots past their own junction (see
        ``stub_km``), and the next lies 139 km away (a dead end of Alaska United
        Southeast); antimeridian pairs are at most 1.2 km apart. 25 km sits in the empty
        range from 7.5 to 139 km.
    station_line_km
        A station that no line end reached attaches to the nearest point of its cable's
        geometry within this distance, the line being split there. Measured: 605
        stations attach this way, at median 0.005 km, p99 2.8 km, max 9.6 km (Batam,
        whose point lies inland); over all 2378 landings the largest station-to-geometry
        distance is 26.6 km (Djibouti on MENA). 30 km attaches every landing of the data.
    station_span_km
        A station also joins any *separate* span of its cable passing within this
        distance (a trunk drawn through a station at which a separate branch ends).
        Measured: the 39 candidates within 30 km lie 2.9 to 29.3 km off, and every one
        inspected (Tinos and Mykonos on Thetis, Sydney on Southern Cross, Kinmen on the
        Cross-Straits network) is a separate span reaching a *different* station of the
        same island or city: a link over land, which is backhaul, not cable. 1 km, the
        drawing's precision, keeps all of them out.
    stub_km
        A dead-end piece shorter than this, hanging off a junction or a station and
        leading to no station, is an overshoot of the drawing and is dropped. Measured:
        three such stubs of 2.2, 2.6 and 3.1 km (the Sri Lanka branches of SEA-ME-WE 3,
        SEA-ME-WE 4 and BBG, drawn past their trunk); the six other dead ends lead 256 km
        or more out (unfinished or planned extensions such as LION2's) and are kept as
        ``end`` nodes.
    snap_km
        A join or attachment whose nearest point lies this close to an existing point
        (a line end or a junction) uses that point rather than splitting the line beside
        it, which would leave a sliver shorter than the drawing's precision.
    """

    antimeridian_deg: float = 0.05
    station_end_km: float = 30.0
    gap_km: float = 25.0
    station_line_km: float = 30.0
    station_span_km: float = 1.0
    stub_km: float = 25.0
    snap_km: float = 1.0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int | float) or not value >= 0:
                raise ValueError(f"tolerance {item.name} must be a number >= 0, got {value!r}")
        if self.antimeridian_deg >= 180:
            raise ValueError(
                f"tolerance antimeridian_deg must be < 180, got {self.antimeridian_deg!r}"
            )


DEFAULT_TOLERANCES = Tolerances()
"""The tolerances :func:`~cablemap.network.topology.build_topology` uses by default."""
