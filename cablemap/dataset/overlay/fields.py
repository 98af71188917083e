"""The value of each field of an overlay record, checked (see :mod:`.parse`).

Every check raises through ``fail``, the record's error maker, so a bad value is one
line naming the overlay file, the record's line and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cablemap.dataset.overlay.licences import LICENCES, known_licence
from cablemap.dataset.overlay.model import Source

MAX_TEXT = 500
"""Longest string value (names, titles, notes); URLs may be up to 2,000 characters."""
MAX_LIST = 200
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")
DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?")
URL = re.compile(r"https?://[^\s<>\"']{3,2000}")
CABLE_STATUSES = ("in-service", "planned")
NAME_LISTS = (
    "owners",
    "add_owners",
    "remove_owners",
    "suppliers",
    "add_suppliers",
    "remove_suppliers",
)


def check_source(value: Any, fail: Any) -> Source:
    """The record's source: title, publisher, a date and an http(s) URL, all required."""
    how = "every record needs source = {title, publisher, date, url} and a licence"
    if not isinstance(value, dict):
        raise fail(f"no source; {how}")
    unknown = set(value) - {"title", "publisher", "date", "url"}
    if unknown:
        raise fail(f"source has unknown fields {sorted(unknown)}")
    for key in ("title", "publisher"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise fail(f"source {key} is missing; {how}")
    date = check_date(value.get("date"))
    if date is None:
        raise fail("source date is missing or not YYYY, YYYY-MM or YYYY-MM-DD")
    url = value.get("url")
    if not isinstance(url, str) or not URL.fullmatch(url):
        raise fail("source url is missing or not an http(s) URL")
    return Source(clean_text(value["title"]), clean_text(value["publisher"]), date, url)


def check_licence(value: Any, fail: Any) -> str:
    """The record's licence, one of :data:`~cablemap.dataset.overlay.licences.LICENCES`."""
    licence = known_licence(value) if isinstance(value, str) else None
    if licence is None:
        raise fail(f"licence is missing or unknown; one of {', '.join(LICENCES)}")
    return licence.id


def check_date(value: Any) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a TOML date too), else ``None``."""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, int) and 1800 <= value <= 2999:
        return str(value)
    if isinstance(value, str) and DATE.fullmatch(value.strip()):
        return value.strip()
    return None


def check_value(key: str, value: Any, fail: Any) -> Any:
    """The value of field ``key`` of a record, checked and cleaned."""
    if key in NAME_LISTS:
        return _names(key, value, fail)
    if key == "landing_points":
        if not isinstance(value, list) or len(value) > MAX_LIST:
            raise fail(f"landing_points must be a list of at most {MAX_LIST} station ids")
        if not all(isinstance(v, str) and SLUG.fullmatch(v) for v in value):
            raise fail("landing_points must be station ids (slugs)")
        if len(set(value)) != len(value):
            raise fail("landing_points lists a station twice")
        return list(value)
    if key == "links":
        if (
            not isinstance(value, list)
            or len(value) > MAX_LIST
            or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p)
                for p in value
            )
        ):
            raise fail("links must be a list of [station, station] pairs")
        return [list(p) for p in value]
    if key in {"rfs", "since"}:
        date = check_date(value)
        if date is None:
            raise fail(f"{key} must be YYYY, YYYY-MM or YYYY-MM-DD")
        return date
    if key == "status":
        if value not in CABLE_STATUSES:
            raise fail(f"status must be one of {', '.join(CABLE_STATUSES)} (retire-cable retires)")
        return value
    if key in {"length_km", "lon", "lat"}:
        return _number(key, value, fail)
    if key == "url":
        if not isinstance(value, str) or not URL.fullmatch(value):
            raise fail("url must be an http(s) URL")
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise fail(f"{key} must be a non-empty string of at most {MAX_TEXT} characters")
    return clean_text(value)


def _names(key: str, value: Any, fail: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise fail(f"{key} must be a list of at most {MAX_LIST} names")
    if not all(isinstance(v, str) and v.strip() and len(v) <= MAX_TEXT for v in value):
        raise fail(f"{key} must hold non-empty names of at most {MAX_TEXT} characters")
    return [clean_text(v) for v in value]


def _number(key: str, value: Any, fail: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(f"{key} must be a number")
    limits = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0), "length_km": (0.001, 100_000.0)}
    low, high = limits[key]
    if not low <= float(value) <= high:
        raise fail(f"{key} must lie in {low:g}..{high:g}")
    return float(value)


def clean_text(value: str) -> str:
    """Fold white space and drop control characters (names reach terminals and HTML)."""
    cleaned = "".join(ch for ch in value if ch.isprintable() or ch in " \t")
    return " ".join(cleaned.split())[:MAX_TEXT]
