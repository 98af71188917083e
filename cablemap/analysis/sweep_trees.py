"""Which country pairs a failure can change: the baseline's search trees, indexed.

The all-country matrix is one Dijkstra tree per origin country. A failure only raises
edge weights (an edge becomes unusable), so a pair whose best route uses none of the
failed edges keeps its best route and its cost: only pairs whose route in the baseline
tree passes a failed edge need a new search. :class:`TreeIndex` answers "which pairs
pass one of these edges" with one sparse-matrix row selection:

- row ``o * N + v`` stands for the tree edge into node ``v`` in origin ``o``'s tree
  (from its predecessor ``pred[o, v]``; N nodes in the graph);
- column ``o * n + d`` for the pair (origin ``o``, destination ``d``) of the n countries;
- an entry means that tree edge lies on the route from ``o`` to ``d``.

Parallel edges between the same two nodes are treated as one (the search takes the
cheapest), so a failed parallel edge may recompute a pair that did not need it: the
index errs towards recomputing, never towards missing a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scipy.sparse import csr_matrix


@dataclass(frozen=True)
class TreeIndex:
    """The baseline's search trees and the pairs routed over each tree edge."""

    predecessors: np.ndarray
    """Predecessor of every node in each origin's tree (origins x nodes; < 0 at the root)."""
    on_path: csr_matrix
    """Tree edges (rows ``o * N + v``) x pairs (columns ``o * n + d``)."""
    tails: np.ndarray
    heads: np.ndarray
    """Tail and head node of every graph edge."""

    def affected_pairs(self, edges: np.ndarray) -> np.ndarray:
        """Pair indices (``o * n + d``, sorted) whose baseline route uses one of ``edges``.

        Parameters
        ----------
        edges
            Graph edge indices whose weight rose (failed edges).
        """
        if len(edges) == 0:
            return np.zeros(0, dtype=np.int64)
        u = self.tails[edges]
        v = self.heads[edges]
        origins, which = np.nonzero(self.predecessors[:, v] == u[np.newaxis, :])
        if len(origins) == 0:
            return np.zeros(0, dtype=np.int64)
        nodes = self.predecessors.shape[1]
        rows = np.unique(origins.astype(np.int64) * nodes + v[which])
        return np.unique(self.on_path[rows].indices).astype(np.int64)


def build_tree_index(
    predecessors: np.ndarray, sinks: Sequence[int], tails: np.ndarray, heads: np.ndarray
) -> TreeIndex:
    """Index the routes of every origin's tree to every sink by the tree edges they use.

    Parameters
    ----------
    predecessors
        ``shortest_trees(...)[2]``: origins x nodes.
    sinks
        The sink node of each destination country, in the matrix's order.
    tails, heads
        Tail and head node of every graph edge.
    """
    from scipy.sparse import csr_matrix

    origins, nodes = predecessors.shape
    sink_nodes = np.asarray(sinks, dtype=np.int64)
    n = len(sink_nodes)
    o = np.repeat(np.arange(origins, dtype=np.int64), n)
    d = np.tile(np.arange(n, dtype=np.int64), origins)
    current = sink_nodes[d]
    alive = predecessors[o, current] >= 0
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    while alive.any():
        rows.append(o[alive] * nodes + current[alive])
        columns.append(o[alive] * n + d[alive])
        current = np.where(alive, predecessors[o, current], current)
        alive = alive & (predecessors[o, current] >= 0)
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    column = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    on_path = csr_matrix(
        (np.ones(len(row), dtype=bool), (row, column)), shape=(origins * nodes, origins * n)
    )
    return TreeIndex(predecessors, on_path, tails, heads)
