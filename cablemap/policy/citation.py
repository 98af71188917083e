"""A public document a policy fact rests on (the class lives in :mod:`cablemap.citation`).

Kept here so that policy code imports it from its own layer; overlays (the dataset
layer) use the same class for their records' sources.
"""

from __future__ import annotations

from cablemap.citation import Citation

__all__ = ["Citation"]
