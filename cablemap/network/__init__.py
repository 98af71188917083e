"""The cable network: topology from the drawn geometry, the routable graph, routes.

Names are imported lazily so that loading a persisted network (the command line's
route path) does not pay for geopandas and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "topology_check": "cablemap.network.checks",
    "Topology": "cablemap.network.tables",
    "DEFAULT_TOLERANCES": "cablemap.network.tolerances",
    "Tolerances": "cablemap.network.tolerances",
    "build_topology": "cablemap.network.topology",
    "Network": "cablemap.network.graph",
    "build_network": "cablemap.network.graph",
    "load_or_build_network": "cablemap.network.persist",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cablemap.network' has no attribute {name!r}")
