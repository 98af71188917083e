"""What differs between the v3 and v2 layouts, in one place.

Both layouts are read by the same code (:mod:`cablemap.dataset.read`); this module says
where each keeps a record's id, a station's country and a cable's facts:

================  =============================  ===================================
                  v3                             v2
================  =============================  ===================================
feature id        ``properties.id``              ``properties.slug``
station country   ``country`` of the cable's     last comma part(s) of the name
                  landing-point entries          ``"City, Country"``
owners            ``"A, B"``                     ``"A,  B"`` (double spaces)
suppliers         ``"ASN"`` or null              absent
RFS year          ``rfs_year`` (int)             year inside ``rfs`` ("1996 September")
planned           ``is_planned`` (bool)          absent: RFS year after the data's year
booleans          JSON booleans / null           strings ``"true"`` / ``"false"``
================  =============================  ===================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cablemap.dataset.records import (
    CableRecord,
    DataWarning,
    parse_bool,
    parse_length_km,
    parse_month,
    parse_year,
    split_names,
    text_or_none,
)
from cablemap.sources.layout import Layout, is_slug

REQUIRED_CABLE_FIELDS = ("id", "name", "landing_points")


@dataclass
class CableDetail:
    """A cable record plus what its landing-point entries say about the stations."""

    cable: CableRecord
    country_labels: dict[str, str]
    tbd_station_ids: set[str]


def feature_id_key(layout: Layout) -> str:
    """The property that holds a feature's id."""
    return "id" if layout == "v3" else "slug"


def read_cable_detail(
    doc: Any,
    *,
    layout: Layout,
    file: str,
    cable_id: str,
    data_year: int | None,
    warnings: list[DataWarning],
) -> CableDetail | None:
    """Turn one parsed cable detail file into a :class:`CableDetail`.

    Returns ``None`` (with a warning) when the record lacks a required field or its id
    does not match its file name.
    """
    record = f"cable {cable_id!r}"
    if not isinstance(doc, dict):
        warnings.append(DataWarning("missing-field", file, record, "*", "not a JSON object"))
        return None
    for name in REQUIRED_CABLE_FIELDS:
        if doc.get(name) is None:
            warnings.append(
                DataWarning("missing-field", file, record, name, "required field is missing")
            )
            return None
    if doc["id"] != cable_id:
        warnings.append(
            DataWarning(
                "bad-value", file, record, "id", f"{doc['id']!r} differs from the file name"
            )
        )
        return None
    if not isinstance(doc["landing_points"], list):
        warnings.append(DataWarning("bad-value", file, record, "landing_points", "is not a list"))
        return None
    landing_ids, labels, tbd = _read_landings(doc["landing_points"], layout, file, record, warnings)
    _check_text_fields(doc, file, record, warnings)
    if layout == "v3":
        rfs_year = parse_year(doc.get("rfs_year")) or parse_year(doc.get("rfs"))
        planned = parse_bool(doc.get("is_planned"))
    else:
        rfs_year = parse_year(doc.get("rfs"))
        planned = rfs_year is not None and data_year is not None and rfs_year > data_year
    cable = CableRecord(
        id=cable_id,
        name=text_or_none(doc["name"]) or cable_id,
        owners=_names(doc.get("owners")),
        suppliers=_names(doc.get("suppliers")),
        rfs_year=rfs_year,
        planned=planned,
        length_km=parse_length_km(doc.get("length")),
        url=text_or_none(doc.get("url")),
        notes=text_or_none(doc.get("notes")),
        landing_ids=landing_ids,
        rfs_month=parse_month(doc.get("rfs")),
    )
    return CableDetail(cable, labels, tbd)


TEXT_FIELDS = ("name", "owners", "suppliers", "length", "rfs", "url", "notes")
"""Fields the layouts give as text (``null`` allowed)."""


def _check_text_fields(
    doc: dict[str, Any], file: str, record: str, warnings: list[DataWarning]
) -> None:
    """Warn (an error with ``--strict``) for every text field of another type.

    Owners or suppliers given as a JSON list of strings are still used (one name per
    item); any other wrong type is dropped, never silently: the cable's flags depend on
    its owners, so a reader must know when they could not be read.
    """
    for name in TEXT_FIELDS:
        value = doc.get(name)
        if value is None or isinstance(value, str):
            continue
        listed = isinstance(value, list) and all(isinstance(v, str) for v in value)
        used = listed and name in ("owners", "suppliers")
        what = "used as a list of names" if used else "dropped"
        warnings.append(
            DataWarning(
                "bad-value",
                file,
                record,
                name,
                f"is a JSON {type(value).__name__}, not text; {what}",
            )
        )


def _names(value: Any) -> list[str]:
    """Owner or supplier names from the layout's text, or from a list of strings."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [name for v in value for name in split_names(v)]
    return split_names(value)


def _read_landings(
    entries: list[Any], layout: Layout, file: str, record: str, warnings: list[DataWarning]
) -> tuple[list[str], dict[str, str], set[str]]:
    landing_ids: list[str] = []
    labels: dict[str, str] = {}
    tbd: set[str] = set()
    for position, entry in enumerate(entries):
        station_id = entry.get("id") if isinstance(entry, dict) else None
        if not is_slug(station_id):
            warnings.append(
                DataWarning(
                    "bad-value",
                    file,
                    record,
                    f"landing_points[{position}].id",
                    f"{station_id!r} is not a valid landing-point id; landing skipped",
                )
            )
            continue
        assert isinstance(station_id, str) and isinstance(entry, dict)
        if station_id in landing_ids:
            continue
        landing_ids.append(station_id)
        if layout == "v3" and isinstance(entry.get("country"), str):
            labels[station_id] = entry["country"]
        if parse_bool(entry.get("is_tbd")):
            tbd.add(station_id)
    return landing_ids, labels, tbd
