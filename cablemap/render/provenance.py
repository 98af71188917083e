"""Where the data of an output came from, in words fit to publish (never a local path).

:func:`data_provenance` is the one place that turns a snapshot id into the source name,
date and attribution that exports (and reports) carry. A snapshot stored from a remote
source is named by that source; data imported from, or loaded directly off, a local
directory or archive is named only as such: its path stays on the machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cablemap import __version__
from cablemap.dataset.provenance import ATTRIBUTION

if TYPE_CHECKING:
    from cablemap.config import Settings
    from cablemap.dataset.provenance import Provenance
    from cablemap.policy.rules import Policy
SOURCE_NAMES = {
    "open": "Open Undersea Cable Map (TeleGeography Submarine Cable Map data, late 2022)",
    "telegeography": "TeleGeography Submarine Cable Map (live v3 API)",
}
"""Display names of the named sources of ``cablemap data fetch --source``."""


def data_provenance(
    snapshot_id: str,
    *,
    layout: str | None = None,
    policy: Policy | None = None,
    settings: Settings | None = None,
    provenance: Provenance | None = None,
) -> dict[str, Any]:
    """Source name, data date, snapshot id, policy and attribution of an output.

    Parameters
    ----------
    snapshot_id
        The data's snapshot id (``direct:<path>`` for data given with ``--data``).
    layout
        ``v3`` or ``v2``, if known.
    policy
        The policy the output applies, if any.
    settings
        Where the snapshot cache is (default: from the environment).
    provenance
        The data's provenance as every other output names it
        (:mod:`cablemap.dataset.provenance`): gives ``source`` and ``data_as_of`` (the
        date the data describes, which ``data_date``, the fetch date, is not).

    Returns
    -------
    dict
        ``source``, ``source_url`` (remote sources only), ``data_date`` (when the snapshot
        was fetched; ``None`` for data loaded directly), ``snapshot`` (``None`` for data
        loaded directly), ``data_as_of``, ``layout``, ``policy``, ``policy_name``,
        ``policy_date``, ``attribution`` (with the overlays' sentences, if any),
        ``overlays`` (each overlay in use, with its sources and licences) and
        ``generator``. No value holds a local path.
    """
    source: dict[str, str | None] = {
        "source": "a local copy given with --data (not a stored snapshot)",
        "source_url": None,
        "data_date": None,
        "snapshot": None,
    }
    if not snapshot_id.startswith("direct:"):
        source = {**_stored_source(snapshot_id, settings), "snapshot": snapshot_id}
    if provenance is not None:
        source["source"] = provenance.source
    return {
        **source,
        "data_as_of": provenance.as_of if provenance is not None else None,
        "layout": layout,
        "policy": policy.id if policy is not None else None,
        "policy_name": policy.name if policy is not None else None,
        "policy_date": policy.as_of.isoformat() if policy is not None else None,
        "attribution": provenance.attribution if provenance is not None else ATTRIBUTION,
        "overlays": [n.as_dict() for n in provenance.overlays] if provenance is not None else [],
        "generator": f"cablemap {__version__}",
    }


def _stored_source(snapshot_id: str, settings: Settings | None) -> dict[str, str | None]:
    """Name, URL and date of a stored snapshot, from its manifest."""
    from cablemap.config import settings_from_env
    from cablemap.errors import CablemapError
    from cablemap.snapshot import SnapshotStore

    settings = settings or settings_from_env()
    try:
        manifest = SnapshotStore(settings.cache_dir).get(snapshot_id).manifest
    except CablemapError:
        return {"source": "a stored snapshot", "source_url": None, "data_date": None}
    origin = manifest.get("source") or {}
    kind, name = origin.get("kind"), origin.get("name")
    if kind == "remote":
        label = SOURCE_NAMES.get(str(name), str(name) if name else "a remote v3/v2 source")
        url = str(origin.get("location") or "") or None
    else:
        label, url = f"a local {kind or 'copy'} imported into the cache", None
    return {"source": label, "source_url": url, "data_date": manifest.get("fetched_at")}
