"""Dates in policies and the registry: parse them, compare them, say which one was used.

A policy is evaluated *as of* one date (``--policy-date``, default today in UTC): a rule
fires only from its ``effective`` date and before its ``ends`` date, a Covered List entry
counts from its ``added`` date, a stake from its ``since`` date and before its ``until``
date. Dates in these fields are full ISO dates (``YYYY-MM-DD``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from cablemap.errors import UserError

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class PolicyDateError(UserError):
    """A ``--policy-date`` (or ``as_of``) that is not a calendar date."""


def today_utc() -> date:
    """Today's date in UTC (the default date a policy is evaluated on)."""
    return datetime.now(UTC).date()


def iso_date(value: object) -> date | None:
    """``value`` as a date if it is a ``YYYY-MM-DD`` string or a TOML date, else ``None``."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_policy_date(text: str | date | None) -> date:
    """The date a policy is evaluated on: ``text`` parsed, or today (UTC) for ``None``.

    Raises
    ------
    PolicyDateError
        ``text`` is not a real ``YYYY-MM-DD`` date.
    """
    if text is None:
        return today_utc()
    parsed = iso_date(text)
    if parsed is None:
        raise PolicyDateError(
            f"--policy-date {text!r} is not a date; give YYYY-MM-DD, like 2025-11-26"
        )
    return parsed


def in_force(on: date, start: date | None, end: date | None) -> bool:
    """Whether ``on`` falls in ``[start, end)``; a missing bound is open."""
    return (start is None or start <= on) and (end is None or on < end)
