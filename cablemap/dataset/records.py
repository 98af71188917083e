"""Plain records read from the raw files, before they become tables.

Readers of both layouts produce these same records, so everything after reading is
layout-free. They hold only Python values and numpy arrays (no pandas, no shapely), which keeps
reading fast and lets later stages build exactly what they need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Coordinates = NDArray[np.float64]
"""One drawn line: an ``(n, 2)`` float array of (lon, lat) positions."""


@dataclass(frozen=True)
class DataWarning:
    """A record skipped (or a value dropped) while reading, and why.

    ``kind`` groups warnings for counting (``duplicate-id``, ``missing-field``,
    ``bad-geometry``, ``unknown-reference``, ``bad-value``, ``unknown-country``).
    """

    kind: str
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: field {self.field!r}: {self.message}"


def raise_if_any(warnings: Sequence[DataWarning]) -> None:
    """For strict mode: raise a :class:`DataError` naming the first skipped record."""
    if warnings:
        from cablemap.errors import DataError

        raise DataError(f"{warnings[0]} (and {len(warnings) - 1} more problems)")


@dataclass
class CableRecord:
    """One cable as read from its detail file."""

    id: str
    name: str
    owners: list[str]
    suppliers: list[str]
    rfs_year: int | None
    planned: bool
    length_km: float | None
    url: str | None
    notes: str | None
    landing_ids: list[str]
    rfs_month: int | None = None
    """The month inside ``rfs`` ("2022 September": 9; a quarter: its first month)."""


@dataclass
class StationRecord:
    """One landing point with its resolved country (``None`` until resolved)."""

    id: str
    name: str
    city: str
    is_tbd: bool
    lon: float
    lat: float
    country_label: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    country_name: str | None = None
    subdivision: str | None = None
    """ISO 3166-2 code of a non-contiguous part (US-HI, ES-CN, ...), else ``None``."""


@dataclass
class RawData:
    """Everything read from one root, in layout-free records."""

    layout: str
    cables: list[CableRecord]
    stations: list[StationRecord]
    lines: dict[str, list[Coordinates]]
    warnings: list[DataWarning] = field(default_factory=list)
    counts_read: dict[str, int] = field(default_factory=dict)
    created: str | None = None
    """The date the data says it was made (v2 ``config.json``), ``YYYY-MM-DD``."""
    content_sha256: str = ""
    """SHA-256 over the files read (name and hash of each): recognises a known copy."""


_LEGAL_FORM = (
    r"inc|incorporated|ltd|limited|llc|l\.l\.c|plc|corp|corporation|co|company|lda|ltda"
    r"|s\.?a|s\.?a\.?s|s\.?a\.?c|s\.?a\.? ?de ?c\.?v|s\.?l|s\.?r\.?l|s\.?p\.?a|sarl"
    r"|gmbh|ag|b\.?v|n\.?v|a/?s|asa|ab|oy|oyj|pte|pty|sdn|bhd|tbk|k\.?k|jsc|pjsc"
)
_CORPORATE_SUFFIX = re.compile(
    rf"^(?:{_LEGAL_FORM})\.?(?:,? ?(?:{_LEGAL_FORM})\.?)*(?: \([^()]*\))?$",
    re.IGNORECASE,
)
"""A comma part that is only a legal form: "Lda.", "Ltd.", "S.A. de C.V.", "Pty Ltd",
"Sdn Bhd", optionally followed by the company's abbreviation in parentheses, as in
"Ocean Specialists, Inc (OSI)". Such a part belongs to the name before it."""


def split_names(value: object) -> list[str]:
    """Split a comma-separated owners/suppliers string into names.

    White space is folded (the v2 layout separates names with two spaces), empty parts are
    dropped, commas inside parentheses do not split ("Telia Eesti (formerly Eesti Telekom,
    Elion)") and a part that is only a legal form ("Ltd.", "Inc.", "Lda.", "S.A.",
    "Pty Ltd"...) is joined back to the name before it, as in "Seren Juno Network Co.,
    Ltd." or "Kakike, Lda., KumoxiCom, Lda." (two companies, not four names).
    """
    if not isinstance(value, str):
        return []
    names: list[str] = []
    for part in _top_level_parts(value):
        part = " ".join(part.split())
        if not part:
            continue
        if names and _CORPORATE_SUFFIX.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def _top_level_parts(value: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(value[start:position])
            start = position + 1
    parts.append(value[start:])
    return parts


_LENGTH = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*km\s*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89][0-9]{2}|2[0-9]{3})\b")


def parse_length_km(value: object) -> float | None:
    """Parse a stated length such as ``"45,000 km"``; ``"n.a."`` or missing gives ``None``."""
    if not isinstance(value, str):
        return None
    match = _LENGTH.match(value)
    return float(match.group(1).replace(",", "")) if match else None


def parse_year(value: object) -> int | None:
    """Find the year in a free-text date such as ``"2023 March"`` or ``"2021 Q4"``."""
    if isinstance(value, int) and 1800 <= value <= 2999:
        return value
    if not isinstance(value, str):
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH = re.compile(r"\b(?:([A-Za-z]{3})[a-z]*|Q([1-4]))\b")


def parse_month(value: object) -> int | None:
    """Find the month in a free-text date: ``"2023 March"`` gives 3, ``"2021 Q4"`` 10."""
    if not isinstance(value, str):
        return None
    for match in _MONTH.finditer(value):
        if match.group(2):
            return 3 * int(match.group(2)) - 2
        if (month := _MONTHS.get(match.group(1).lower())) is not None:
            return month
    return None


def parse_bool(value: object) -> bool:
    """Read a flag that may be a JSON boolean, ``null`` or a string (``"true"``)."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value)


def text_or_none(value: object) -> str | None:
    """Return a non-empty string with folded white space, else ``None``."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
