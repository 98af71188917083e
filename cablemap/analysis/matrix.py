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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap.errors import UserError
from cablemap.network.graph import DEFAULT_CHANGE_COST_KM, FIBRE_KM_PER_MS
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
    change_cost: float = DEFAULT_CHANGE_COST_KM,
    cut: Iterable[str] = (),
    cut_near: Iterable[str] = (),
    cut_in: Iterable[str] = (),
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
    terrestrial, include_status, change_cost, cut, cut_near, cut_in
        As for :func:`cablemap.analysis.query.trace_routes`: km are those of the routes
        ``cablemap route`` finds under the same options.

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
    from cablemap.analysis.cuts import resolve_cuts
    from cablemap.analysis.query import RouteFilters

    codes = _country_codes(network, countries)
    kinds = tuple(dict.fromkeys(include_status))
    cuts = resolve_cuts(network, cut=tuple(cut), near=tuple(cut_near), regions=tuple(cut_in))
    excluded = network.cables_out_of_service(
        as_of=as_of, include_planned=include_planned, include_status=kinds
    )
    excluded = excluded | cuts.cables
    weights = _without(
        network.weights(excluded, change_cost),
        network.blocked_terrestrial(excluded, terrestrial) | cuts.edges,
    )
    cost, km = _distances(network, codes, weights)
    rules = _load_policy(policy)
    clean = None
    if rules is not None:
        from cablemap.policy.exclusions import flagged_edges

        blocked = flagged_edges(network, policy_flags(network, rules))
        clean = _distances(network, codes, _without(weights, blocked))
    borders = terrestrial == "borders"
    disjoint = (
        disjoint_route_counts(network, codes, excluded, borders=borders) if resilience else None
    )
    frame = _frame(codes, (cost, km), clean, disjoint)
    frame.attrs = {
        "snapshot": network.snapshot_id,
        "data": network.provenance.as_dict(),
        "policy": rules.id if rules is not None else None,
        "policy_name": rules.name if rules is not None else None,
        "policy_date": rules.as_of.isoformat() if rules is not None else None,
        "filters": RouteFilters(
            as_of, include_planned, tuple(sorted(cuts.cables)), terrestrial, kinds, change_cost
        ).as_dict(),
        "cuts": cuts.as_list(),
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
            if (
                place.station is not None
                or place.subdivision is not None
                or (place.group is not None and place.group.startswith("city:"))
            ):
                raise UserError(
                    f"{text!r} is not a country; the matrix is between countries "
                    f"(use {place.iso2} for {place.name}, or a group such as EU)"
                )
            if place.group is not None:  # a named group: each member with stations
                codes.extend(sorted(place.countries))
            else:
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


def _distances(
    network: Network, codes: Sequence[str], weights: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Cost and km of the cheapest route from each country to each (inf: no route).

    One Dijkstra search per origin country over the query's costs (km plus change
    costs), all in one call of scipy's csgraph; the km of each cheapest route are then
    summed along its tree of predecessors by pointer jumping (vectorised, log-depth),
    so the matrix reports km of the same routes ``cablemap route`` finds.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    tails, heads = _endpoints(network)
    cost = np.asarray(weights, dtype=float)
    km = np.asarray(network.edges.km, dtype=float)
    usable = np.isfinite(cost)
    # One edge per (tail, head): the cheapest of any parallel edges.
    order = np.lexsort((cost[usable], heads[usable], tails[usable]))
    t, h, c, k = (a[usable][order] for a in (tails, heads, cost, km))
    first = np.ones(len(t), dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    t, h, c, k = t[first], h[first], c[first], k[first]
    size = network.graph.num_nodes()
    graph = csr_matrix((c + 1e-9, (t, h)), shape=(size, size))  # explicit 0 is no edge
    edge_km = csr_matrix((k + 1e-12, (t, h)), shape=(size, size))
    sources = [network.country_source[code] for code in codes]
    costs, predecessors = dijkstra(graph, indices=sources, return_predecessors=True)
    along = _km_along_tree(predecessors, edge_km)
    sinks = [network.country_sink[code] for code in codes]
    out = along[:, sinks]
    out[predecessors[:, sinks] < 0] = np.inf
    return costs[:, sinks], out


def _endpoints(network: Network) -> tuple[np.ndarray, np.ndarray]:
    """Tail and head node of every edge, as arrays (computed once per network)."""
    cached = network._memo.get("edge-endpoints")
    if cached is None:
        ends = np.asarray(network.graph.edge_list(), dtype=np.int64).reshape(-1, 2)
        cached = network._memo["edge-endpoints"] = (ends[:, 0].copy(), ends[:, 1].copy())
    return cached  # type: ignore[no-any-return]


def _km_along_tree(predecessors: np.ndarray, edge_km: Any) -> np.ndarray:
    """For every source (row) and node, the km from the source along the search tree.

    Pointer jumping: each node holds the km to an ancestor and that ancestor; every
    round adds the ancestor's km and jumps to the ancestor's ancestor, so the depth
    halves each round.
    """
    nodes = np.broadcast_to(np.arange(predecessors.shape[1]), predecessors.shape)
    jump = np.where(predecessors >= 0, predecessors, -1)
    reached = jump >= 0
    acc = np.zeros(predecessors.shape)
    acc[reached] = np.asarray(edge_km[jump[reached], nodes[reached]]).ravel()
    while (jump >= 0).any():
        alive = jump >= 0
        safe = np.where(alive, jump, 0)
        acc = np.where(alive, acc + np.take_along_axis(acc, safe, axis=1), acc)
        jump = np.where(alive, np.take_along_axis(jump, safe, axis=1), -1)
    return acc


def disjoint_route_counts(
    network: Network,
    codes: Sequence[str],
    excluded: frozenset[str] = frozenset(),
    *,
    borders: bool = True,
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
    graph = flow_graph(flow, flow_capacity(flow, excluded, borders=borders))
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
    best_route: tuple[np.ndarray, np.ndarray],
    clean: tuple[np.ndarray, np.ndarray] | None,
    disjoint: np.ndarray | None,
) -> pd.DataFrame:
    """The (cost, km) matrices as one row per ordered pair of distinct countries."""
    n = len(codes)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    cost, km = best_route
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
    data.update(
        _policy_columns(
            best,
            reachable,
            None if clean is None else clean[1][rows, cols],
            cost[rows, cols],
            None if clean is None else clean[0][rows, cols],
        )
    )
    frame = pd.DataFrame(data)
    if disjoint is not None:
        frame["disjoint_routes"] = disjoint[rows, cols].astype(np.int64)
    return frame


def _policy_columns(
    best: np.ndarray,
    reachable: np.ndarray,
    clean: np.ndarray | None,
    best_cost: np.ndarray | None = None,
    clean_cost: np.ndarray | None = None,
) -> dict[str, object]:
    """``flagged``, ``clean_km``, ``detour_km``, ``detour_ms`` (NA without a policy).

    Flagged: no clean route, or the clean route dearer than the best by more than
    :data:`TIE_KM` (a tie counts as clean, with a detour of 0). Routes are ranked by
    cost (km plus change costs; km alone when no costs are given), so a flagged pair's
    detour in km may be negative: the clean route is shorter but changes cable more.
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
    ranked, ranked_clean = best, clean
    if best_cost is not None and clean_cost is not None:
        ranked, ranked_clean = best_cost, clean_cost
    flagged = reachable & ~(has_clean & (ranked_clean <= ranked + TIE_KM))
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

    CSV starts with one ``#`` line naming the data, the policy and the attribution,
    then keeps lengths to the metre and times to the microsecond (3 decimals), with NA
    as an empty field (read it back with :func:`read_matrix`); Parquet keeps full
    precision, the column types and ``attrs``. Text cells that a spreadsheet would run
    as a formula get a leading ``'`` in CSV (:func:`cablemap.sanitize.csv_cell`). The
    file is written to a temporary name beside ``path`` and moved into place, so a
    failed run leaves no partial file.

    Raises
    ------
    UserError
        Another suffix (nothing is written), Parquet without pyarrow installed, or a
        directory that does not exist.
    """
    from cablemap.files import write_atomically

    target = check_matrix_path(path)
    return write_atomically(target, matrix_bytes(frame, target))


def matrix_bytes(frame: pd.DataFrame, path: str | Path) -> bytes:
    """The matrix encoded as :func:`write_matrix` writes it to ``path`` (CSV or Parquet).

    Raises
    ------
    UserError
        Another suffix, or Parquet without pyarrow installed.
    """
    import io

    from cablemap.sanitize import csv_safe_frame

    target = check_matrix_path(path)
    if target.suffix.lower() == ".csv":
        text = csv_safe_frame(frame).to_csv(index=False, float_format="%.3f")
        return (_csv_comment(frame) + text).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _csv_comment(frame: pd.DataFrame) -> str:
    """The first line of a CSV matrix: the data's provenance and the policy's name."""
    from cablemap.dataset.provenance import provenance_from_dict
    from cablemap.policy.rules import policy_label

    if "data" not in frame.attrs:
        return ""
    name, date = frame.attrs.get("policy_name"), frame.attrs.get("policy_date")
    return provenance_from_dict(frame.attrs["data"]).csv_comment(policy_label(name, date))


def read_matrix(path: str | Path) -> pd.DataFrame:
    """Read a matrix written by :func:`write_matrix`, with its column types restored.

    Text cells get back the values they were written from: the leading ``'`` that
    :func:`cablemap.sanitize.csv_cell` adds against formulas is removed.
    The first line of a CSV matrix, a ``#`` comment naming the data, is skipped.
    """
    source = Path(path).expanduser()
    suffix = source.suffix.lower()
    if suffix == ".parquet":
        _require_pyarrow()
        return pd.read_parquet(source)
    if suffix != ".csv":
        raise UserError(f"cannot read {source}: expected a .csv or .parquet matrix")
    with source.open("rb") as file:
        comments = 1 if file.read(1) == b"#" else 0
    frame = pd.read_csv(
        source,
        skiprows=comments,
        dtype={"from_iso2": str, "to_iso2": str, "flagged": "boolean"},
        keep_default_na=False,
        na_values={c: [""] for c in COLUMNS[2:]},
    )
    if "disjoint_routes" in frame:
        frame["disjoint_routes"] = frame["disjoint_routes"].astype(np.int64)
    from cablemap.sanitize import csv_values_frame

    return csv_values_frame(frame)


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UserError(
            "Parquet needs the pyarrow package, which is not installed: "
            "`pip install pyarrow`, or write .csv instead"
        ) from None
