"""What changed between two snapshots: cables and landing points added, removed, changed.

The comparison is made on the loaded model (:class:`~cablemap.dataset.load.Dataset`),
not on the raw JSON, so a v2 and a v3 snapshot compare field by field: owners, suppliers,
RFS year, planned flag, stated length, name and the landing points of each cable.

Cables and landing points are matched by id. Ids are slugs, and the data renames some
of them between releases (v2's ``gtt-express`` is v3's ``exa-express``; ``agat-gu-united-
states`` is ``agat-guam``), so two conservative rules pair an id that disappeared with one
that appeared instead of reporting a removal and an addition:

- a landing point: the new one lies within :data:`SAME_PLACE_KM` of the old one;
- a cable: the new one has the same RFS year and exactly the same landing points (after
  the landing-point pairing), and it is the only such cable both ways.

Every pairing is listed (``*_id_changed``), so none is hidden.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.config import Settings
from cablemap.errors import UserError, clip

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.dataset.load import Dataset

SAME_PLACE_KM = 1.0
"""Two landing points with different ids this close are one place whose id changed."""
FIELDS = ("name", "owners", "suppliers", "rfs_year", "planned", "length_km", "landings")
"""What is compared for a cable in both snapshots, in report order."""
_LISTS = ("owners", "suppliers", "landings")
ROW_COLUMNS = ("change", "id", "name", "field", "before", "after")
"""The columns of :meth:`SnapshotDiff.to_frame` (and of ``--format csv``)."""


@dataclass(frozen=True)
class SnapshotDiff:
    """The changes from snapshot ``before`` to snapshot ``after``.

    Attributes
    ----------
    before, after
        Each side: ``snapshot`` (id or ``direct:PATH``), ``layout`` and ``counts``.
    cables_added, cables_removed
        One dict per cable: ``id``, ``name``, ``owners``, ``rfs_year``, ``planned``.
    cables_id_changed
        ``{"from", "to", "name"}`` for each cable paired across an id change.
    cables_changed
        ``{"id", "name", "changes"}`` (and ``previous_id`` for a cable whose id changed);
        ``changes`` maps a field of :data:`FIELDS` to ``{"from", "to"}`` (a value) or
        ``{"removed", "added"}`` (names; landing points as ``{"id", "name"}``).
    landing_points_added, landing_points_removed
        ``{"id", "name", "country"}`` for each landing point.
    landing_points_id_changed
        ``{"from", "to", "name", "km"}`` for each landing point paired by place.
    notes
        What was not compared, and why.
    """

    before: dict[str, Any]
    after: dict[str, Any]
    cables_added: tuple[dict[str, Any], ...]
    cables_removed: tuple[dict[str, Any], ...]
    cables_id_changed: tuple[dict[str, Any], ...]
    cables_changed: tuple[dict[str, Any], ...]
    landing_points_added: tuple[dict[str, Any], ...]
    landing_points_removed: tuple[dict[str, Any], ...]
    landing_points_id_changed: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]

    @property
    def summary(self) -> dict[str, Any]:
        """Counts of every kind of change, and of changed cables by field."""
        by_field = {f: sum(f in c["changes"] for c in self.cables_changed) for f in FIELDS}
        return {
            "cables_added": len(self.cables_added),
            "cables_removed": len(self.cables_removed),
            "cables_id_changed": len(self.cables_id_changed),
            "cables_changed": len(self.cables_changed),
            "cables_changed_by_field": {f: n for f, n in by_field.items() if n},
            "landing_points_added": len(self.landing_points_added),
            "landing_points_removed": len(self.landing_points_removed),
            "landing_points_id_changed": len(self.landing_points_id_changed),
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract of ``cablemap data diff --format json``."""
        return {
            "before": self.before,
            "after": self.after,
            "summary": self.summary,
            "notes": list(self.notes),
            "cables_added": list(self.cables_added),
            "cables_removed": list(self.cables_removed),
            "cables_id_changed": list(self.cables_id_changed),
            "cables_changed": list(self.cables_changed),
            "landing_points_added": list(self.landing_points_added),
            "landing_points_removed": list(self.landing_points_removed),
            "landing_points_id_changed": list(self.landing_points_id_changed),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per change: ``change``, ``id``, ``name``, ``field``, ``before``, ``after``.

        ``change`` is ``cable-added``, ``cable-removed``, ``cable-id-changed``,
        ``cable-changed``, ``landing-point-added``, ``landing-point-removed`` or
        ``landing-point-id-changed``. A changed list (owners, suppliers, landings) gives one
        row per name: ``before`` holds a removed one, ``after`` an added one.
        """
        import pandas as pd

        return pd.DataFrame(list(_rows(self)), columns=list(ROW_COLUMNS))

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.summary.items() if isinstance(v, int))
        return f"SnapshotDiff({self.before['snapshot']} -> {self.after['snapshot']}: {counts})"


def _rows(diff: SnapshotDiff) -> Iterable[tuple[Any, ...]]:
    """The rows of :meth:`SnapshotDiff.to_frame`, in report order."""
    for kind, cables in (
        ("cable-added", diff.cables_added),
        ("cable-removed", diff.cables_removed),
    ):
        yield from ((kind, c["id"], c["name"], "", "", "") for c in cables)
    for pair in diff.cables_id_changed:
        yield ("cable-id-changed", pair["to"], pair["name"], "id", pair["from"], pair["to"])
    for cable in diff.cables_changed:
        for field, change in cable["changes"].items():
            head = ("cable-changed", cable["id"], cable["name"], field)
            if "from" in change:
                yield (*head, change["from"], change["to"])
                continue
            for side, items in (("removed", change["removed"]), ("added", change["added"])):
                for item in items:
                    value = item["id"] if isinstance(item, dict) else item
                    yield (*head, value, "") if side == "removed" else (*head, "", value)
    for kind, points in (
        ("landing-point-added", diff.landing_points_added),
        ("landing-point-removed", diff.landing_points_removed),
    ):
        yield from ((kind, p["id"], p["name"], "", "", "") for p in points)
    for pair in diff.landing_points_id_changed:
        yield ("landing-point-id-changed", pair["to"], pair["name"], "id", pair["from"], pair["to"])


def resolve_side(spec: str, *, settings: Settings) -> tuple[str | None, Settings]:
    """Check one side of a diff before anything is loaded; say how to load it.

    Parameters
    ----------
    spec
        A snapshot id as ``cablemap data list`` shows it, or a path (as for ``--data``).
    settings
        Where the cache is; its ``--data`` and ``--snapshot`` choices are not used.

    Returns
    -------
    tuple
        The path to load directly (``None`` for a snapshot), and the settings to load with.

    Raises
    ------
    UserError
        If ``spec`` is neither a stored snapshot nor an existing path (the message lists
        the stored ids).
    """
    from cablemap.snapshot import SnapshotStore, is_snapshot_id

    store = SnapshotStore(settings.cache_dir)
    if is_snapshot_id(spec):
        store.get(spec)  # a stored, undamaged snapshot, else the error listing the ids
        return None, settings.with_changes(data_path=None, snapshot_id=spec)
    try:
        exists = Path(spec).expanduser().exists()
    except OSError:  # ENAMETOOLONG and the like: not a path
        exists = False
    if not exists:
        raise UserError(
            f"{clip(spec)} is neither a stored snapshot nor a directory or archive; "
            f"{store.known_ids()}"
        )
    return spec, settings.with_changes(data_path=None, snapshot_id=None)


def load_side(spec: str, *, settings: Settings, strict: bool = False) -> Dataset:
    """Load one side of a diff: a stored snapshot id, or a v3/v2 directory or archive.

    See :func:`resolve_side` for ``spec`` and ``settings``; ``strict`` fails on any
    skipped record.
    """
    from cablemap.dataset.load import load_dataset

    path, chosen = resolve_side(spec, settings=settings)
    return load_dataset(path, settings=chosen, strict=strict)


def diff_datasets(before: Dataset, after: Dataset) -> SnapshotDiff:
    """Compare two loaded datasets (see the module's description for the matching rules)."""
    stations_a, stations_b = _stations(before), _stations(after)
    renamed = _pair_stations(stations_a, stations_b)
    moved = {old: new for old, new, _km in renamed}
    cables_a, cables_b = _cables(before, moved), _cables(after, {})
    cable_pairs = _pair_cables(cables_a, cables_b)
    fields = [f for f in FIELDS if f != "suppliers" or "v2" not in (before.layout, after.layout)]
    common = sorted((i, i) for i in cables_a.keys() & cables_b.keys())
    changed = []
    for old, new in sorted(common + sorted(cable_pairs.items()), key=lambda p: p[1]):
        changes = _cable_changes(cables_a[old], cables_b[new], fields, stations_a, stations_b)
        if changes:
            entry = {"id": new, "name": cables_b[new]["name"], "changes": changes}
            changed.append(entry if old == new else {**entry, "previous_id": old})
    paired_new = set(cable_pairs.values())
    new_points = set(stations_b) - set(stations_a) - set(moved.values())
    return SnapshotDiff(
        before=_side(before),
        after=_side(after),
        cables_added=_cable_list(cables_b, set(cables_b) - set(cables_a) - paired_new),
        cables_removed=_cable_list(cables_a, set(cables_a) - set(cables_b) - set(cable_pairs)),
        cables_id_changed=tuple(
            {"from": old, "to": new, "name": cables_b[new]["name"]}
            for old, new in sorted(cable_pairs.items())
        ),
        cables_changed=tuple(changed),
        landing_points_added=_station_list(stations_b, new_points),
        landing_points_removed=_station_list(
            stations_a, set(stations_a) - set(stations_b) - set(moved)
        ),
        landing_points_id_changed=tuple(
            {"from": old, "to": new, "name": stations_b[new]["name"], "km": round(km, 3)}
            for old, new, km in renamed
        ),
        notes=_notes(before, after),
    )


def _side(dataset: Dataset) -> dict[str, Any]:
    return {"snapshot": dataset.snapshot_id, "layout": dataset.layout, "counts": dataset.counts}


def _notes(before: Dataset, after: Dataset) -> tuple[str, ...]:
    v2 = [d.snapshot_id for d in (before, after) if d.layout == "v2"]
    if not v2:
        return ()
    return (f"suppliers not compared: {', '.join(v2)} is in the v2 layout, which has none",)


def _stations(dataset: Dataset) -> dict[str, dict[str, Any]]:
    frame = dataset.stations
    return {
        sid: {
            "name": name,
            "country": iso2 if isinstance(iso2, str) and iso2 else None,  # NaN: unresolved
            "lon": point.x,
            "lat": point.y,
        }
        for sid, name, iso2, point in zip(
            frame["id"], frame["name"], frame["country_iso2"], frame.geometry, strict=True
        )
    }


def _cables(dataset: Dataset, moved: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every cable's compared fields; landing ids translated through ``moved``."""
    landings: dict[str, set[str]] = {}
    for cable_id, station_id in zip(
        dataset.landings["cable_id"], dataset.landings["station_id"], strict=True
    ):
        landings.setdefault(cable_id, set()).add(moved.get(station_id, station_id))
    frame = dataset.cables
    cables = {}
    columns = ["id", "name", "owners", "suppliers", "rfs_year", "planned", "length_km"]
    for row in frame[columns].itertuples(index=False):
        cables[row.id] = {
            "name": row.name,
            "owners": list(row.owners),
            "suppliers": list(row.suppliers),
            "rfs_year": _plain(row.rfs_year),
            "planned": bool(row.planned),
            "length_km": _plain(row.length_km),
            "landings": landings.get(row.id, set()),
        }
    return cables


def _plain(value: Any) -> Any:
    """A JSON value: ``None`` for a missing one, ``int`` / ``float`` for numbers."""
    import pandas as pd

    if value is None or pd.isna(value):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _pair_stations(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> list[tuple[str, str, float]]:
    """Landing points that vanished, each paired with the nearest new one within range."""
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    pairs = []
    for old in gone:
        distances = [(_km(before[old], after[n]), n) for n in new]
        if distances:
            km, nearest = min(distances)
            if km <= SAME_PLACE_KM:
                pairs.append((old, nearest, km))
    return pairs


def _km(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Great-circle distance in km (haversine, mean Earth radius)."""
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _pair_cables(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> dict[str, str]:
    """Cables that vanished paired one-to-one with new ones of the same year and landings."""

    def key(cable: dict[str, Any]) -> tuple[Any, frozenset[str]]:
        return cable["rfs_year"], frozenset(cable["landings"])

    gone = {i: key(before[i]) for i in set(before) - set(after) if before[i]["landings"]}
    new = {i: key(after[i]) for i in set(after) - set(before) if after[i]["landings"]}
    pairs = {}
    for old, signature in gone.items():
        matches = [n for n, other in new.items() if other == signature]
        twins = [o for o, other in gone.items() if other == signature]
        if len(matches) == 1 and len(twins) == 1:
            pairs[old] = matches[0]
    return pairs


def _cable_changes(
    old: dict[str, Any],
    new: dict[str, Any],
    fields: Iterable[str],
    stations_a: dict[str, dict[str, Any]],
    stations_b: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """What differs between two versions of one cable (landings as ids with names)."""
    changes: dict[str, Any] = {}
    for field in fields:
        if field in _LISTS:
            removed = sorted(set(old[field]) - set(new[field]))
            added = sorted(set(new[field]) - set(old[field]))
            if field == "landings":  # ids in old are already translated to new ones
                named = {**stations_a, **stations_b}
                removed = [{"id": i, "name": named[i]["name"]} for i in removed]
                added = [{"id": i, "name": stations_b[i]["name"]} for i in added]
            if removed or added:
                changes[field] = {"removed": removed, "added": added}
        elif old[field] != new[field]:
            changes[field] = {"from": old[field], "to": new[field]}
    return changes


def _cable_list(cables: dict[str, dict[str, Any]], ids: set[str]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "id": i,
            "name": cables[i]["name"],
            "owners": cables[i]["owners"],
            "rfs_year": cables[i]["rfs_year"],
            "planned": cables[i]["planned"],
        }
        for i in sorted(ids)
    )


def _station_list(stations: dict[str, dict[str, Any]], ids: set[str]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"id": i, "name": stations[i]["name"], "country": stations[i]["country"]}
        for i in sorted(ids)
    )
