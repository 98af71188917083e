"""The cable network: topology from the drawn geometry (graph and routing build on it)."""

from cablemap.network.checks import topology_check
from cablemap.network.tables import Topology
from cablemap.network.tolerances import DEFAULT_TOLERANCES, Tolerances
from cablemap.network.topology import build_topology

__all__ = ["DEFAULT_TOLERANCES", "Tolerances", "Topology", "build_topology", "topology_check"]
