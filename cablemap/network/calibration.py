"""Calibrated distance and latency: laid cable length, and a round-trip model.

**Length.** The drawn lines are smoothed, so a cable rebuilt from them is shorter than
laid (about 5 % at the median on the open snapshot, up to 30 % on high-latitude cables).
Where the data states a cable's length and the ratio of stated to rebuilt length lies in
[:data:`LENGTH_SCALE_MIN`, :data:`LENGTH_SCALE_MAX`], every segment of the cable is
scaled by that ratio; outside those bounds the stated figure likely counts parts that are
not drawn (or is a typo), and the cable is left as drawn and counted.

**Latency.** One-way latency is propagation in fibre over the route's km
(:data:`FIBRE_KM_PER_MS`). A measured round trip between two cities also pays for the
terrestrial path from each city to its landing station, for routes that are not
great circles on land, and for equipment. cablemap models it as::

    rtt_ms = 2 * km / FIBRE_KM_PER_MS * RTT_PATH_INFLATION + RTT_EQUIPMENT_MS

with the two constants calibrated against published measured round trips
(``tests/real_world/measured_rtt.toml``; figures in ``docs/model.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset
    from cablemap.network.tables import Topology

SPEED_OF_LIGHT_KM_S = 299_792.458
FIBRE_REFRACTIVE_INDEX = 1.468
"""Group index of standard single-mode fibre (ITU-T G.652) near 1550 nm: light covers
about 204 km per millisecond in fibre."""
FIBRE_KM_PER_MS = SPEED_OF_LIGHT_KM_S / FIBRE_REFRACTIVE_INDEX / 1000.0

LENGTH_SCALE_MIN = 0.67
LENGTH_SCALE_MAX = 1.5
"""Bounds on stated / rebuilt length within which a cable is scaled to its stated length."""

RTT_PATH_INFLATION = 1.10
"""Measured round trips / modelled propagation over the route (calibrated, see module)."""
RTT_EQUIPMENT_MS = 2.0
"""Fixed round-trip cost of equipment, switching and last-mile hops (assumed)."""


def round_trip_ms(km: float) -> float:
    """Modelled round-trip time of a route of ``km`` (see the module docstring)."""
    return 2.0 * km / FIBRE_KM_PER_MS * RTT_PATH_INFLATION + RTT_EQUIPMENT_MS


def length_scales(topology: Topology, dataset: Dataset) -> dict[str, float]:
    """Scale factor per cable id: stated / rebuilt length where plausible, else 1.

    Parameters
    ----------
    topology
        The rebuilt topology (segment lengths).
    dataset
        The dataset (stated lengths).

    Returns
    -------
    dict
        Every cable with segments; 1.0 where the data states no length or the ratio lies
        outside [:data:`LENGTH_SCALE_MIN`, :data:`LENGTH_SCALE_MAX`].
    """
    rebuilt = topology.segments.groupby("cable_id")["length_km"].sum()
    stated = dict(zip(dataset.cables["id"], dataset.cables["length_km"], strict=True))
    scales = {}
    for cable_id, km in rebuilt.items():
        value = _known(stated.get(str(cable_id)))
        ratio = value / float(km) if value is not None and km > 0 else 1.0
        inside = LENGTH_SCALE_MIN <= ratio <= LENGTH_SCALE_MAX
        scales[str(cable_id)] = ratio if inside else 1.0
    return scales


def _known(value: object) -> float | None:
    """A stated length as a positive float, or ``None`` (missing, NA or not a number)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
