"""Read a v3 or v2 root into layout-free records, validating as it goes.

Structural problems stop the read with a :class:`~cablemap.errors.DataError` naming the
file: a file that is missing or not valid JSON, an index file of the wrong shape, an
unsafe cable id. A single bad record is skipped with a :class:`DataWarning` naming the
file, the record and the field: a missing required field, an empty or out-of-range
geometry, a duplicate id, a landing at an unknown landing point.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from cablemap.dataset.countries import (
    Country,
    locate_special_region,
    resolve_country,
    split_city_country,
    strip_country_suffix,
)
from cablemap.dataset.geojson import read_lines, read_point
from cablemap.dataset.layouts import CableDetail, feature_id_key, read_cable_detail
from cablemap.dataset.placement import place_stations
from cablemap.dataset.records import (
    CableRecord,
    Coordinates,
    DataWarning,
    RawData,
    StationRecord,
    parse_bool,
    text_or_none,
)
from cablemap.errors import DataError
from cablemap.sources.layout import (
    CABLE_GEO,
    CABLE_INDEX,
    LANDING_POINT_GEO,
    Layout,
    cable_detail_path,
    cable_ids_from_geo,
    cable_ids_from_index,
    detect_layout,
    is_slug,
    require_slug,
)

FileGetter = Callable[[str], bytes | None]
"""Returns a file's bytes by its path relative to the root, or ``None`` if it is absent."""


MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest single file read from a source (the same cap downloads have)."""
MAX_SOURCE_BYTES = 1024 * 1024 * 1024
"""Largest total read from one source directory (the same cap snapshots have)."""


def directory_getter(root: Path) -> FileGetter:
    """A :data:`FileGetter` reading files below a directory, within the size caps.

    ``--data`` paths are read through this, so a local copy is bounded like a download:
    :data:`MAX_FILE_BYTES` per file, :data:`MAX_SOURCE_BYTES` in all.
    """
    total = [0]

    def get(relpath: str) -> bytes | None:
        path = root / relpath
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise DataError(
                    f"{path}: {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte cap for one file"
                )
            total[0] += size
            if total[0] > MAX_SOURCE_BYTES:
                raise DataError(f"{root}: over {MAX_SOURCE_BYTES:,} bytes read; not a cable source")
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DataError(f"{path}: cannot read ({exc})") from exc

    return get


def parse_json(content: bytes | None, file: str) -> Any:
    """Parse one JSON file, or raise a :class:`DataError` naming it and the position."""
    if content is None:
        raise DataError(f"{file}: required file is missing from the source")
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise DataError(f"{file}: {_json_problem(content, exc)}; re-fetch or fix the file") from exc


def _json_problem(content: bytes, exc: Exception) -> str:
    """What is wrong, with the right place: orjson puts every UTF-8 error at char 0."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = content.count(b"\n", 0, bad.start) + 1
        return f"invalid UTF-8 at byte {bad.start} (line {line})"
    return f"malformed JSON ({exc})"


def read_root(get: FileGetter) -> RawData:
    """Read every file of one root into :class:`RawData`.

    Parameters
    ----------
    get
        Returns the bytes of a file by its relative path (``None`` when absent).

    Returns
    -------
    RawData
        Cables, stations (countries resolved) and drawn lines, plus the warnings.
    """
    warnings: list[DataWarning] = []
    get, digests = _hashing(get)
    cable_geo = parse_json(get(CABLE_GEO), CABLE_GEO)
    layout = detect_layout(cable_geo)
    cable_ids = cable_ids_from_geo(cable_geo, layout)
    _cross_check_index(get, cable_ids, warnings)
    landing_geo = parse_json(get(LANDING_POINT_GEO), LANDING_POINT_GEO)
    stations = _read_stations(landing_geo, layout, warnings)
    created = _created(get)
    data_year = int(created[:4]) if created else dt.datetime.now(dt.UTC).year
    details: dict[str, CableDetail] = {}
    for cable_id in cable_ids:
        file = cable_detail_path(cable_id)
        detail = read_cable_detail(
            parse_json(get(file), file),
            layout=layout,
            file=file,
            cable_id=cable_id,
            data_year=data_year,
            warnings=warnings,
        )
        if detail is not None:
            details[cable_id] = detail
    lines = _read_cable_lines(cable_geo, layout, warnings)
    cables = _link_cables(details, lines, stations, warnings)
    _resolve_station_countries(stations, details, warnings)
    return RawData(
        layout=layout,
        cables=cables,
        stations=list(stations.values()),
        lines={cable.id: lines[cable.id] for cable in cables},
        warnings=warnings,
        counts_read={
            "cable_details": len(cable_ids),
            "cable_features": len(cable_geo["features"]),
            "landing_point_features": len(landing_geo["features"]),
        },
        created=created,
        content_sha256=_combined(digests),
    )


def _hashing(get: FileGetter) -> tuple[FileGetter, dict[str, str]]:
    """Wrap a getter so that it records the SHA-256 of every file it returns."""
    digests: dict[str, str] = {}

    def hashing_get(relpath: str) -> bytes | None:
        content = get(relpath)
        if content is not None:
            digests[relpath] = hashlib.sha256(content).hexdigest()
        return content

    return hashing_get, digests


def _combined(digests: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for relpath in sorted(digests):
        digest.update(f"{relpath}\0{digests[relpath]}\n".encode())
    return digest.hexdigest()


def _cross_check_index(get: FileGetter, cable_ids: list[str], warnings: list[DataWarning]) -> None:
    """Warn about cables ``cable/all.json`` lists that are not drawn (and so not loaded)."""
    content = get(CABLE_INDEX)
    if content is None:
        return
    drawn = set(cable_ids)
    for cable_id in cable_ids_from_index(parse_json(content, CABLE_INDEX)):
        if cable_id not in drawn:
            warnings.append(
                DataWarning(
                    "unknown-reference",
                    CABLE_INDEX,
                    f"cable {cable_id!r}",
                    "id",
                    f"listed, but not drawn in {CABLE_GEO}; cable skipped",
                )
            )


def _features(doc: Any, file: str) -> list[Any]:
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError(f"{file}: not a GeoJSON FeatureCollection (no 'features' list)")
    return features


def _read_stations(
    doc: Any, layout: Layout, warnings: list[DataWarning]
) -> dict[str, StationRecord]:
    key = feature_id_key(layout)
    stations: dict[str, StationRecord] = {}
    for position, feature in enumerate(_features(doc, LANDING_POINT_GEO)):
        props = feature.get("properties") if isinstance(feature, dict) else None
        station_id = props.get(key) if isinstance(props, dict) else None
        record = f"feature {position}" + (f" ({station_id!r})" if station_id else "")
        if not is_slug(station_id):
            message = "missing" if station_id is None else f"{station_id!r} is not a valid id"
            warnings.append(DataWarning("missing-field", LANDING_POINT_GEO, record, key, message))
            continue
        assert isinstance(station_id, str) and isinstance(props, dict)
        if station_id in stations:
            warnings.append(
                DataWarning(
                    "duplicate-id",
                    LANDING_POINT_GEO,
                    record,
                    key,
                    f"landing point {station_id!r} appears again; the later record is skipped",
                )
            )
            continue
        point = read_point(
            feature.get("geometry"), file=LANDING_POINT_GEO, record=record, warnings=warnings
        )
        if point is None:
            continue
        name = text_or_none(props.get("name")) or station_id
        is_tbd = parse_bool(props.get("is_tbd")) or name.lower().startswith("t.b.d")
        stations[station_id] = StationRecord(station_id, name, name, is_tbd, point[0], point[1])
    return stations


MAX_LINES = 50_000
MAX_POSITIONS = 2_000_000
"""Bounds on the drawn geometry (after identical lines are dropped). The open snapshot
has 1,443 lines and about 120,000 positions; topology building grows faster than
linearly, and a source far over these bounds would exhaust memory before finishing."""


def _read_cable_lines(
    doc: Any, layout: Layout, warnings: list[DataWarning]
) -> dict[str, list[Coordinates]]:
    """Every cable's drawn lines, identical repeats dropped, within the size bounds.

    Raises
    ------
    DataError
        More than :data:`MAX_LINES` lines or :data:`MAX_POSITIONS` positions.
    """
    key = feature_id_key(layout)
    lines: dict[str, list[Coordinates]] = {}
    seen: set[tuple[str, bytes]] = set()
    repeats = positions = count = 0
    for position, feature in enumerate(_features(doc, CABLE_GEO)):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or props.get(key) is None:
            warnings.append(
                DataWarning("missing-field", CABLE_GEO, f"feature {position}", key, "missing")
            )
            continue
        cable_id = require_slug(props[key], file=CABLE_GEO, record=f"feature {position}", field=key)
        record = f"feature {position} ({cable_id!r})"
        drawn = read_lines(
            feature.get("geometry"), file=CABLE_GEO, record=record, warnings=warnings
        )
        for line in drawn or ():
            fingerprint = (cable_id, line.tobytes())
            if fingerprint in seen:
                repeats += 1
                continue
            seen.add(fingerprint)
            lines.setdefault(cable_id, []).append(line)
            count, positions = count + 1, positions + len(line)
            if count > MAX_LINES or positions > MAX_POSITIONS:
                raise DataError(
                    f"{CABLE_GEO}: more than {MAX_LINES:,} distinct lines or {MAX_POSITIONS:,} "
                    "positions; this source is too large for the topology (or not cable data)"
                )
    if repeats:
        warnings.append(
            DataWarning(
                "duplicate-id",
                CABLE_GEO,
                f"{repeats} line(s)",
                "geometry",
                "identical to a line already read for the same cable; dropped",
            )
        )
    return lines


def _link_cables(
    details: dict[str, CableDetail],
    lines: dict[str, list[Coordinates]],
    stations: dict[str, StationRecord],
    warnings: list[DataWarning],
) -> list[CableRecord]:
    cables: list[CableRecord] = []
    for cable_id, detail in details.items():
        file, record = cable_detail_path(cable_id), f"cable {cable_id!r}"
        if cable_id not in lines:
            warnings.append(
                DataWarning(
                    "bad-geometry",
                    CABLE_GEO,
                    record,
                    "geometry",
                    "the cable has no valid drawn geometry; cable skipped",
                )
            )
            continue
        known = []
        for station_id in detail.cable.landing_ids:
            if station_id in stations:
                known.append(station_id)
            else:
                warnings.append(
                    DataWarning(
                        "unknown-reference",
                        file,
                        record,
                        "landing_points",
                        f"landing point {station_id!r} is not in {LANDING_POINT_GEO}; "
                        "landing skipped",
                    )
                )
        detail.cable.landing_ids = known
        cables.append(detail.cable)
    return cables


def _resolve_station_countries(
    stations: dict[str, StationRecord],
    details: dict[str, CableDetail],
    warnings: list[DataWarning],
) -> None:
    labels: dict[str, str] = {}
    for detail in details.values():
        for station_id, stated in detail.country_labels.items():
            labels.setdefault(station_id, stated)
        for station_id in detail.tbd_station_ids & stations.keys():
            stations[station_id].is_tbd = True
    resolved: dict[str, Country | None] = {}
    for station in stations.values():
        label = labels.get(station.id)
        if label is not None:
            country = resolve_country(label)
            station.city = strip_country_suffix(station.name, label)
        else:
            station.city, country = split_city_country(station.name)
        station.country_label = label or (country.name if country else None)
        if country is not None:
            country = locate_special_region(country, station.lon, station.lat)
        resolved[station.id] = country
    _place(stations, resolved, warnings)


def _place(
    stations: dict[str, StationRecord],
    resolved: dict[str, Country | None],
    warnings: list[DataWarning],
) -> None:
    """Final country and subdivision of every station, by label and location."""
    import pycountry

    order = list(stations.values())
    placements = place_stations(
        [c.iso2 if (c := resolved[s.id]) else None for s in order],
        [s.lon for s in order],
        [s.lat for s in order],
    )
    for station, placement in zip(order, placements, strict=True):
        if placement is None:
            warnings.append(
                DataWarning(
                    "unknown-country",
                    LANDING_POINT_GEO,
                    f"landing point {station.id!r}",
                    "country",
                    f"no ISO 3166 country for {station.country_label or station.name!r}, "
                    "and the point lies on no country's land",
                )
            )
            continue
        labelled = resolved[station.id]
        if labelled is not None and labelled.iso2 == placement.iso2:
            country = labelled
        else:
            record = pycountry.countries.get(alpha_2=placement.iso2)
            name = getattr(record, "common_name", None) or record.name if record else placement.iso2
            country = Country(placement.iso2, record.alpha_3 if record else "", name)
        station.iso2, station.iso3, station.country_name = country.iso2, country.iso3, country.name
        station.subdivision = placement.subdivision


def _created(get: FileGetter) -> str | None:
    """The date the data was made (v2 ``config.json``, ``YYYY-MM-DD``), else ``None``."""
    content = get("config.json")
    if content:
        try:
            created = json.loads(content).get("creation_time", "")
            return dt.datetime.fromisoformat(created).date().isoformat()
        except (ValueError, AttributeError, TypeError):
            pass
    return None
