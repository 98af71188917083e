"""How a cable is drawn by its status: in service, planned, or out of commercial service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.network.graph import Network

PLANNED_DASHES: Any = (0, (2.5, 1.5))
"""Line style of a planned cable (dashes of 2.5 points, gaps of 1.5), in any colour.

Assumed backhaul has longer dashes and gaps
(:data:`~cablemap.render.static.legend.BACKHAUL_DASHES`)."""
OUT_OF_SERVICE_DASHES: Any = (0, (1.0, 1.5))
"""Line style of a cable out of service in the year drawn (dotted): planned and not
yet built, retired, cancelled, military, non-commercial, built for an occupied territory."""
OUT_OF_SERVICE = "#b9b9b9"
"""Colour of such a cable: light grey, under everything else."""
PLANNED_LABEL = "Planned cable (dashed)"
OUT_OF_SERVICE_LABEL = "Planned or not in service (dotted)"
"""Legend words for those cables (the docs list the statuses: planned, retired, military, ...)."""


def planned_cables(network: Network, cable_ids: Iterable[str]) -> frozenset[str]:
    """Those of ``cable_ids`` the data marks planned, drawn dashed where a question counts them.

    A cable the status overlay says is in service is no longer planned.
    """
    return frozenset(c for c in cable_ids if c in network.cables and network.cables[c].planned)


def out_of_service_cables(
    network: Network,
    *,
    as_of: int | None,
    include_planned: bool,
    include_status: Iterable[str] = (),
) -> frozenset[str]:
    """The cables a question with these filters leaves out, as routing leaves them out.

    Parameters
    ----------
    network
        A built network.
    as_of, include_planned, include_status
        The question's filters (see :meth:`Network.cables_out_of_service`).

    Returns
    -------
    frozenset of str
        Cable ids: planned or not yet ready in ``as_of``, and those the status overlay
        keeps out (retired, cancelled, military, non-commercial, occupied territory).
    """
    return network.cables_out_of_service(
        as_of=as_of, include_planned=include_planned, include_status=include_status
    )
