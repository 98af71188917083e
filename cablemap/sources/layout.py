"""The v3 and v2 file layouts: which files make a dataset and how to tell them apart.

Both layouts keep the same three index files; they differ in the property names inside
(v3 ``id``/``feature_id``, v2 ``slug``) and in the per-cable detail files. The layout is
detected from ``cable/cable-geo.json``, never configured.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from cablemap.errors import DataError

Layout = Literal["v3", "v2"]

CABLE_GEO = "cable/cable-geo.json"
CABLE_INDEX = "cable/all.json"
LANDING_POINT_GEO = "landing-point/landing-point-geo.json"
INDEX_FILES = (CABLE_GEO, LANDING_POINT_GEO)
OPTIONAL_FILES = (CABLE_INDEX, "config.json")
"""``cable/all.json`` lists the cables (only cross-checked: in the v2 data it names a cable
whose file has another name); v2 roots publish ``config.json`` with the data's creation
time (used for ``planned``)."""

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")


def is_slug(value: object) -> bool:
    """Tell whether a value is a safe id: lower-case letters, digits and hyphens only."""
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None


def require_slug(value: object, *, file: str, record: str, field: str = "id") -> str:
    """Return ``value`` if it is a safe slug, else raise a :class:`DataError` naming it.

    Ids end up in URLs and file paths, so anything else (``../../x``, ``a/b``, ``%2e``)
    is refused before it is used.
    """
    if not is_slug(value):
        raise DataError(
            f"{file}: {record}: field {field!r} has the unsafe id {value!r} (ids must be "
            "lower-case letters, digits and hyphens); the source is damaged or hostile: "
            "do not use it"
        )
    return str(value)


def cable_detail_path(cable_id: str) -> str:
    """Path of one cable's detail file relative to the root (``cable_id`` must be a slug)."""
    return f"cable/{cable_id}.json"


def detect_layout(cable_geo: Any, *, file: str = CABLE_GEO) -> Layout:
    """Tell the layout from the parsed ``cable/cable-geo.json``.

    Raises
    ------
    DataError
        If the document is not a GeoJSON FeatureCollection of either layout.
    """
    features = cable_geo.get("features") if isinstance(cable_geo, dict) else None
    if not isinstance(features, list):
        raise DataError(f"{file}: not a GeoJSON FeatureCollection (no 'features' list)")
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            if "id" in props:
                return "v3"
            if "slug" in props:
                return "v2"
    raise DataError(
        f"{file}: cannot tell the layout: no feature has an 'id' (v3) or 'slug' (v2) property"
    )


def cable_ids_from_geo(cable_geo: Any, layout: Layout, *, file: str = CABLE_GEO) -> list[str]:
    """The ids of the drawn cables, in order, each once, checked as slugs.

    The drawn cables are the dataset's cables: each has a detail file
    ``cable/<id>.json``. A cable has several features when it is drawn in pieces.
    Features without an id are left to the reader, which warns about them.
    """
    key = "id" if layout == "v3" else "slug"
    ids: dict[str, None] = {}
    for position, feature in enumerate(cable_geo["features"]):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict) and props.get(key) is not None:
            ids[require_slug(props[key], file=file, record=f"feature {position}", field=key)] = None
    return list(ids)


def cable_ids_from_index(index: Any, *, file: str = CABLE_INDEX) -> list[str]:
    """The ids listed in ``cable/all.json`` (a list of ``{id, name}``), checked as slugs."""
    if not isinstance(index, list):
        raise DataError(f"{file}: expected a JSON list of {{id, name}} records")
    ids: list[str] = []
    for position, entry in enumerate(index):
        record = f"record {position}"
        if not isinstance(entry, dict) or "id" not in entry:
            raise DataError(f"{file}: {record}: missing required field 'id'")
        ids.append(require_slug(entry["id"], file=file, record=record))
    return ids
