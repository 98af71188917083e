"""Shortest-path trees for many weightings of one graph, without rebuilding it each time.

:func:`cablemap.analysis.matrix.compute_matrix` builds a sparse matrix from the edge
list for each question. A sweep asks thousands of questions of the same graph that
differ in a few edge weights, so :class:`SearchGraph` sorts the edges into the sparse
pattern once (parallel edges share one entry, the cheapest counts, as in the matrix),
and each question only fills in the values, runs scipy's Dijkstra from the origins it
needs and sums the km along the routes to the sinks it asks for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cablemap.network.graph import Network


class SearchGraph:
    """The network's graph as a fixed sparse pattern (see the module docstring)."""

    def __init__(self, network: Network) -> None:
        ends = np.asarray(network.graph.edge_list(), dtype=np.int64).reshape(-1, 2)
        self.tails = ends[:, 0].copy()
        self.heads = ends[:, 1].copy()
        self.size = network.graph.num_nodes()
        self.km = np.asarray(network.edges.km, dtype=float)
        self.order = np.lexsort((self.heads, self.tails))
        keys = self.tails[self.order] * self.size + self.heads[self.order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        self.starts = np.flatnonzero(first)
        self.keys = keys[self.starts]
        """Sorted ``tail * size + head`` of each entry of the pattern."""
        self.group = np.cumsum(first) - 1
        """The pattern entry of each edge, in ``order``."""
        entry_tails = self.keys // self.size
        self.indptr = np.searchsorted(entry_tails, np.arange(self.size + 1)).astype(np.int32)
        self.indices = (self.keys % self.size).astype(np.int32)

    def entries(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cost and km of each pattern entry: its cheapest parallel edge."""
        cost = weights[self.order]
        best = np.minimum.reduceat(cost, self.starts)
        km = np.where(cost == best[self.group], self.km[self.order], np.inf)
        return best, np.minimum.reduceat(km, self.starts)

    def search(
        self, weights: np.ndarray, sources: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dijkstra from each source over these edge costs.

        Returns
        -------
        tuple of numpy.ndarray
            The cost to every node (sources x nodes; infinity where unreached), the
            predecessors (sources x nodes; negative at the source and unreached nodes)
            and the km of each pattern entry (for :meth:`km_along`).
        """
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        cost, km = self.entries(weights)
        usable = np.isfinite(cost)
        # csgraph reads a stored 0 as "no edge"; unusable entries are dropped.
        data = np.where(usable, cost + 1e-9, 0.0)
        graph = csr_matrix(
            (data, self.indices.copy(), self.indptr.copy()), shape=(self.size, self.size)
        )
        graph.eliminate_zeros()  # in place: hence the copies of the fixed pattern
        costs, predecessors = dijkstra(graph, indices=list(sources), return_predecessors=True)
        return costs, predecessors, km

    def km_along(
        self, predecessors: np.ndarray, entry_km: np.ndarray, rows: np.ndarray, nodes: np.ndarray
    ) -> np.ndarray:
        """Km along source ``rows[i]``'s tree to node ``nodes[i]`` (infinity if unreached)."""
        current = np.asarray(nodes, dtype=np.int64).copy()
        total = np.zeros(len(current))
        parent = predecessors[rows, current].astype(np.int64)
        reached = parent >= 0
        alive = reached.copy()
        while alive.any():
            at = np.flatnonzero(alive)
            entry = np.searchsorted(self.keys, parent[at] * self.size + current[at])
            total[at] += entry_km[entry]
            current[at] = parent[at]
            parent[at] = predecessors[rows[at], current[at]]
            alive[at] = parent[at] >= 0
        total[~reached] = np.inf
        return total

    def trees(
        self, weights: np.ndarray, sources: Sequence[int], sinks: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cost and km from each source to each sink, and each source's tree.

        Returns
        -------
        tuple of numpy.ndarray
            ``cost`` and ``km`` (sources x sinks; infinity where no route) and the
            predecessors (sources x nodes).
        """
        costs, predecessors, entry_km = self.search(weights, sources)
        targets = np.asarray(sinks, dtype=np.int64)
        rows = np.repeat(np.arange(len(sources)), len(targets))
        km = self.km_along(predecessors, entry_km, rows, np.tile(targets, len(sources)))
        return costs[:, targets], km.reshape(len(sources), len(targets)), predecessors
