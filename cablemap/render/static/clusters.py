"""Nearby points as one: so that dots on a world map do not merge into a blob."""

from __future__ import annotations

import numpy as np


def merge_nearby(points: np.ndarray, priority: np.ndarray, spacing: float) -> np.ndarray:
    """For each point, the index of the point that stands for it (itself, or a nearby one).

    Points are taken by ``priority``, highest first (ties: the earlier point); a point
    within ``spacing`` of one already kept joins the nearest kept point, otherwise it is
    kept. Kept points are therefore at least ``spacing`` apart, and each stands for the
    points around it of equal or lower priority.

    Parameters
    ----------
    points
        Shape ``(n, 2)``, e.g. display coordinates in pixels.
    priority
        Shape ``(n,)``; e.g. a station's exposure, so the most exposed one is kept.
    spacing
        The least distance between two kept points (same unit as ``points``).

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, integer indexes into ``points``; ``out[i] == i`` where point ``i``
        is kept.
    """
    order = np.argsort(-np.asarray(priority, dtype=float), kind="stable")
    owner = np.empty(len(points), dtype=int)
    kept: list[int] = []
    kept_xy = np.empty((0, 2))
    for i in order:
        if len(kept):
            distance = np.hypot(*(kept_xy - points[i]).T)
            nearest = int(np.argmin(distance))
            if distance[nearest] < spacing:
                owner[i] = kept[nearest]
                continue
        owner[i] = i
        kept.append(int(i))
        kept_xy = np.vstack([kept_xy, points[i]])
    return owner
