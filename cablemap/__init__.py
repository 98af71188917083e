"""cablemap: undersea cables, their landing stations and the carriers behind them.

The public API is imported lazily, so that ``import cablemap`` (and the command line)
stays fast and only pays for geopandas when tables are actually built::

    import cablemap
    ds = cablemap.load_dataset()            # the current snapshot (fetched on first use)
    ds.cables, ds.stations, ds.landings     # GeoDataFrames / DataFrame
    cablemap.fetch_snapshot("open")         # refresh the cache from a source
    network = cablemap.build_network(ds)    # build once, query many times
    cablemap.trace_routes(network, "United States", "Japan", k=3, resilience=True).as_dict()
    cablemap.describe_carrier(network, "China Mobile").cables   # what a company owns, built
    cablemap.list_carriers(network, policy="clean-network-2020").to_frame()
    cablemap.search(network, "sea us").hits                   # cables, stations, carriers
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Dataset": "cablemap.dataset.load",
    "load_dataset": "cablemap.dataset.load",
    "fetch_snapshot": "cablemap.fetch",
    "import_snapshot": "cablemap.fetch",
    "FetchResult": "cablemap.fetch",
    "SnapshotStore": "cablemap.snapshot",
    "SnapshotInfo": "cablemap.snapshot",
    "build_network": "cablemap.network.graph",
    "Network": "cablemap.network.graph",
    "trace_routes": "cablemap.analysis.query",
    "diff_datasets": "cablemap.analysis.diff",
    "SnapshotDiff": "cablemap.analysis.diff",
    "policy_flags": "cablemap.policy.flags",
    "load_policy": "cablemap.policy.rules",
    "RouteReport": "cablemap.analysis.query",
    "StationList": "cablemap.policy.stations",
    "export_layers": "cablemap.render.gis",
    "write_export": "cablemap.render.gis",
    "GisExport": "cablemap.render.gis",
    "data_provenance": "cablemap.render.provenance",
    "describe_country": "cablemap.analysis.country",
    "CountryReport": "cablemap.analysis.country",
    "build_topology": "cablemap.network.topology",
    "list_carriers": "cablemap.analysis.carriers",
    "describe_carrier": "cablemap.analysis.carriers",
    "CarrierList": "cablemap.analysis.carriers",
    "CarrierProfile": "cablemap.analysis.carriers",
    "search": "cablemap.analysis.search",
    "SearchResults": "cablemap.analysis.search",
    "ScenarioSpec": "cablemap.analysis.sweep",
    "plan_sweep": "cablemap.analysis.sweep",
    "run_sweep": "cablemap.analysis.sweep",
    "rank_scenarios": "cablemap.analysis.sweep",
    "Settings": "cablemap.config",
    "settings_from_env": "cablemap.config",
    "CablemapError": "cablemap.errors",
    "DataError": "cablemap.errors",
    "UserError": "cablemap.errors",
    "NetworkError": "cablemap.errors",
    "CacheError": "cablemap.errors",
}

__all__ = ["__version__", *_LAZY]


def _route_report_html(answer: Any) -> str | None:
    """Jupyter: a route answer as a self-contained interactive map (built on display)."""
    network = getattr(answer, "network", None)
    if network is None or not hasattr(answer, "routes"):
        return None
    from cablemap.render.interactive import notebook_html, route_map

    return notebook_html(route_map(answer, network))


def _register_display() -> None:
    # The interface layer wires rendering to answers; analysis never imports render.
    from cablemap.analysis import display

    display.register_html(_route_report_html)


_register_display()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cablemap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
