"""The country exposure matrix: the best route between every two countries, at once.

For every ordered pair of countries (origin, destination): the best route's length and
one-way latency, and with a policy whether that route is flagged, the best clean route
and the detour it costs; with ``resilience`` the number of cable-disjoint routes.

How it is computed (never by node-level all-pairs searches):

- **Routes**: one Dijkstra search per origin, from the helper node ``source:XX`` that
  feeds every station of XX, gives the distance to every ``sink:YY`` at once: the same
  numbers :func:`~cablemap.analysis.routing.find_routes` finds one pair at a time.
- **Policy**: a second search per origin on weights where every edge a clean route may
  not use (:func:`~cablemap.policy.exclusions.flagged_edges`) costs infinity gives the clean
  distances. A pair is **flagged** when the clean distance is longer than the best one
  by more than :data:`TIE_KM`, or no clean route exists. A tie counts as clean: when a
  clean route is as short as the best route, the best route is taken to be clean, even
  if a flagged route of the same length exists. So ``flagged`` is false exactly when the
  detour is 0.
- **Resilience**: the number of cable-disjoint routes is the maximum flow between the
  two countries' hubs in the cable-level flow network, as
  :func:`~cablemap.analysis.resilience.analyse_resilience` computes it. Cuts in that
  network are symmetric (a cut of cable spans separates both directions alike) and
  submodular, so the values for all pairs are found with n - 1 maximum flows (Gusfield's
  algorithm for an equivalent flow tree) instead of one per pair.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import rustworkx as rx

from cablemap.errors import UserError
from cablemap.network.graph import FIBRE_KM_PER_MS
from cablemap.policy.flags import policy_flags

if TYPE_CHECKING:
    from cablemap.network.graph import Network
    from cablemap.policy.rules import Policy

TIE_KM = 1e-6
"""Two route lengths closer than this (km) are equal: a clean route this close to the best
route makes the pair unflagged."""

COLUMNS = (
    "from_iso2",
    "to_iso2",
    "km",
    "latency_ms",
    "flagged",
    "clean_km",
    "detour_km",
    "detour_ms",
)
"""The matrix's columns, in order; ``disjoint_routes`` follows with ``resilience``."""

MATRIX_FORMATS = (".csv", ".parquet")


def compute_matrix(
    network: Network,
    *,
    countries: Iterable[str] | None = None,
    policy: Policy | str | None = None,
    resilience: bool = False,
    as_of: int | None = None,
    include_planned: bool = False,
    terrestrial: str = "borders",
    include_status: Iterable[str] = (),
) -> pd.DataFrame:
    """Best route, latency, policy exposure and resilience for every ordered country pair.

    Parameters
    ----------
    network
        A built network.
    countries
        Countries to include (names or ISO codes, as ``cablemap route`` takes them);
        default: every country with a landing station.
    policy
        A policy (loaded, or a name or path): adds ``flagged``, ``clean_km``,
        ``detour_km`` and ``detour_ms``. Without one those columns are NA.
    resilience
        Add ``disjoint_routes``: how many routes share no cable span.
    as_of
        Use only cables in service in this year (default: the current year).
    include_planned
        Also use cables the data marks as planned.
    terrestrial, include_status
        As for :func:`cablemap.analysis.query.trace_routes`.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of distinct countries (origin-major, in the order of
        ``countries``, else by ISO code), with the columns of :data:`COLUMNS` (and
        ``disjoint_routes``). Pairs with no route have ``km`` NaN; pairs with no clean
        route have ``flagged`` true and ``clean_km`` NaN. ``attrs`` records the
        snapshot, policy and filters.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        A country that is unknown or has no landing station.
    UserError
        A landing-station id instead of a country, or fewer than two countries.
    """
    from cablemap.analysis.query import RouteFilters

    codes = _country_codes(network, countries)
    kinds = tuple(dict.fromkeys(include_status))
    excluded = network.cables_out_of_service(
        as_of=as_of, include_planned=include_planned, include_status=kinds
    )
    weights = _without(
        network.weights(excluded), network.blocked_terrestrial(excluded, terrestrial)
    )
    km = _distances(network, codes, weights)
    rules = _load_policy(policy)
    clean = None
    if rules is not None:
        from cablemap.policy.exclusions import flagged_edges

        blocked = flagged_edges(network, policy_flags(network, rules))
        clean = _distances(network, codes, _without(weights, blocked))
    disjoint = disjoint_route_counts(network, codes, excluded) if resilience else None
    frame = _frame(codes, km, clean, disjoint)
    frame.attrs = {
        "snapshot": network.snapshot_id,
        "policy": rules.id if rules is not None else None,
        "policy_name": rules.name if rules is not None else None,
        "filters": RouteFilters(as_of, include_planned, (), terrestrial, kinds).as_dict(),
        "country_names": {code: network.places.country_names[code] for code in codes},
    }
    return frame


def _country_codes(network: Network, countries: Iterable[str] | None) -> list[str]:
    """ISO codes of the requested countries (deduplicated, in order), or all of them."""
    if countries is None:
        codes = sorted(network.places.stations_by_country)
    else:
        codes = []
        for text in countries:
            place = network.places.resolve(text)
            if place.station is not None:
                raise UserError(
                    f"{text!r} is a landing station; the matrix is between countries "
                    f"(use {place.iso2} for {place.name})"
                )
            codes.append(place.iso2)
        codes = list(dict.fromkeys(codes))
    if len(codes) < 2:
        raise UserError("the matrix needs at least two countries with landing stations")
    return codes


def _load_policy(policy: Policy | str | None) -> Policy | None:
    if policy is None or not isinstance(policy, str):
        return policy
    from cablemap.policy.rules import load_policy

    return load_policy(policy)


def _without(weights: list[float], edges: Iterable[int]) -> list[float]:
    """A copy of ``weights`` with these edges at infinity."""
    out = list(weights)
    for edge in edges:
        out[edge] = math.inf
    return out


def _distances(network: Network, codes: Sequence[str], weights: list[float]) -> np.ndarray:
    """Shortest km from each country to each, one search per origin (inf: no route).

    A search from ``source:XX`` reaches every ``sink:YY``; the helper nodes have no
    edges in (sources) or out (sinks), so no route passes through one.
    """
    sinks = [network.country_sink[code] for code in codes]
    cost = weights.__getitem__
    out = np.full((len(codes), len(codes)), np.inf)
    for i, code in enumerate(codes):
        lengths = rx.dijkstra_shortest_path_lengths(
            network.graph, network.country_source[code], edge_cost_fn=cost
        )
        # PathLengthMapping has no .get()
        out[i] = [lengths[sink] if sink in lengths else math.inf for sink in sinks]  # noqa: SIM401
    return out


def disjoint_route_counts(
    network: Network, codes: Sequence[str], excluded: frozenset[str] = frozenset()
) -> np.ndarray:
    """Cable-disjoint routes between every two of these countries (a symmetric matrix).

    Each value is the maximum flow between the countries' hubs in the network's flow
    network (:mod:`cablemap.analysis.resilience`), with the ``excluded`` cables failed,
    as :func:`~cablemap.analysis.resilience.analyse_resilience` counts it. All values come
    from ``len(codes) - 1`` maximum flows (Gusfield's equivalent flow tree): the flow
    value between two countries is the smallest value on the tree path joining them.
    The diagonal is 0.
    """
    from scipy.sparse.csgraph import maximum_flow

    from cablemap.analysis.resilience import flow_capacity, flow_graph, source_side

    flow = network.flow_network
    graph = flow_graph(flow, flow_capacity(flow, excluded))
    hubs = [flow.hub_node[code] for code in codes]
    n = len(hubs)
    parent = [0] * n
    value = [0] * n
    for s in range(1, n):
        t = parent[s]
        result = maximum_flow(graph, hubs[s], hubs[t])
        value[s] = int(result.flow_value)
        side = source_side(flow, graph, result.flow, hubs[s])
        for j in range(s + 1, n):
            if parent[j] == t and side[hubs[j]]:
                parent[j] = s
    return _tree_minima(parent, value)


def _tree_minima(parent: list[int], value: list[int]) -> np.ndarray:
    """For a tree given as parent links with edge values, the least value on every path."""
    n = len(parent)
    neighbours: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for node in range(1, n):
        neighbours[node].append((parent[node], value[node]))
        neighbours[parent[node]].append((node, value[node]))
    out = np.zeros((n, n), dtype=np.int64)
    for root in range(n):
        stack = [(root, -1, np.iinfo(np.int64).max)]
        while stack:
            node, came_from, least = stack.pop()
            if node != root:
                out[root, node] = least
            for other, edge_value in neighbours[node]:
                if other != came_from:
                    stack.append((other, node, min(least, edge_value)))
    return out


def _frame(
    codes: Sequence[str],
    km: np.ndarray,
    clean: np.ndarray | None,
    disjoint: np.ndarray | None,
) -> pd.DataFrame:
    """The matrices as one row per ordered pair of distinct countries."""
    n = len(codes)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    best = km[rows, cols]
    reachable = np.isfinite(best)
    best = np.where(reachable, best, np.nan)
    labels = np.asarray(codes, dtype=object)
    data: dict[str, object] = {
        "from_iso2": labels[rows],
        "to_iso2": labels[cols],
        "km": best,
        "latency_ms": best / FIBRE_KM_PER_MS,
    }
    data.update(_policy_columns(best, reachable, None if clean is None else clean[rows, cols]))
    frame = pd.DataFrame(data)
    if disjoint is not None:
        frame["disjoint_routes"] = disjoint[rows, cols].astype(np.int64)
    return frame


def _policy_columns(
    best: np.ndarray, reachable: np.ndarray, clean: np.ndarray | None
) -> dict[str, object]:
    """``flagged``, ``clean_km``, ``detour_km``, ``detour_ms`` (NA without a policy).

    Flagged: no clean route, or the clean route longer than the best by more than
    :data:`TIE_KM` (a tie counts as clean, with a detour of 0).
    """
    size = len(best)
    if clean is None:
        nothing = np.full(size, np.nan)
        return {
            "flagged": pd.array([pd.NA] * size, dtype="boolean"),
            "clean_km": nothing,
            "detour_km": nothing.copy(),
            "detour_ms": nothing.copy(),
        }
    has_clean = np.isfinite(clean)
    flagged = reachable & ~(has_clean & (clean <= best + TIE_KM))
    clean_km = np.where(has_clean, clean, np.nan)
    detour_km = np.where(flagged, clean_km - best, np.where(has_clean, 0.0, np.nan))
    flags = pd.array(flagged, dtype="boolean")
    flags[~reachable] = pd.NA
    return {
        "flagged": flags,
        "clean_km": clean_km,
        "detour_km": detour_km,
        "detour_ms": detour_km / FIBRE_KM_PER_MS,
    }


def check_matrix_path(path: str | Path) -> Path:
    """Check, before any work, that a matrix can be written to ``path`` (by its suffix).

    Raises
    ------
    UserError
        A suffix other than ``.csv`` or ``.parquet``, or Parquet without pyarrow.
    """
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in MATRIX_FORMATS:
        raise UserError(
            f"cannot write {target}: a matrix is written as {' or '.join(MATRIX_FORMATS)} "
            f"(not {target.suffix or 'a file without suffix'}); change the file name"
        )
    if suffix == ".parquet":
        _require_pyarrow()
    from cablemap.files import check_output_path

    return check_output_path(target)


def write_matrix(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a matrix as CSV or Parquet, chosen by the suffix, atomically.

    CSV keeps lengths to the metre and times to the microsecond (3 decimals), with NA
    as an empty field (read it back with :func:`read_matrix`); Parquet keeps full
    precision, the column types and ``attrs``. The file is written to a temporary name
    beside ``path`` and moved into place, so a failed run leaves no partial file.

    Raises
    ------
    UserError
        Another suffix (nothing is written), Parquet without pyarrow installed, or a
        directory that does not exist.
    """
    from cablemap.files import write_with

    target = check_matrix_path(path)
    if target.suffix.lower() == ".csv":
        return write_with(target, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.3f"))
    return write_with(target, lambda tmp: frame.to_parquet(tmp, index=False))


def read_matrix(path: str | Path) -> pd.DataFrame:
    """Read a matrix written by :func:`write_matrix`, with its column types restored."""
    source = Path(path).expanduser()
    suffix = source.suffix.lower()
    if suffix == ".parquet":
        _require_pyarrow()
        return pd.read_parquet(source)
    if suffix != ".csv":
        raise UserError(f"cannot read {source}: expected a .csv or .parquet matrix")
    frame = pd.read_csv(
        source,
        dtype={"from_iso2": str, "to_iso2": str, "flagged": "boolean"},
        keep_default_na=False,
        na_values={c: [""] for c in COLUMNS[2:]},
    )
    if "disjoint_routes" in frame:
        frame["disjoint_routes"] = frame["disjoint_routes"].astype(np.int64)
    return frame


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UserError(
            "Parquet needs the pyarrow package, which is not installed: "
            "`pip install pyarrow`, or write .csv instead"
        ) from None
