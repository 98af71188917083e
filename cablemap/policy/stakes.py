"""Stakes: who holds how much of a registry entity, since when, according to whom.

A stake is listed on the entity that is *held* (``[[entity.stakes]]`` in
``geodata/carriers/*.toml``, schema in its README)::

    [[entity.stakes]]
    holder = "china-unicom-group"   # id of another registry entity
    share = 18.4                    # percent: a number, or a range "15-20"
    kind = "equity"                 # equity | voting
    since = "2025-10-15"            # first date the sources attest the share
    until = "2026-01-01"            # optional: the stake ended (exclusive)
    note = "free text"              # optional
    [[entity.stakes.sources]]
    title = "..."; publisher = "..."; date = "YYYY-MM-DD"; url = "https://..."

A range keeps what the sources say ("between 15 and 20 %"); when a range is compared
with a threshold its lower bound decides (see :meth:`Stake.meets`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from cablemap.policy.citation import Citation
from cablemap.policy.dates import in_force, iso_date
from cablemap.policy.toml_errors import check_table

KINDS = ("equity", "voting")
STAKE_KEYS = frozenset({"holder", "share", "kind", "since", "until", "note", "sources"})
STAKE_SOURCE_KEYS = frozenset({"title", "publisher", "date", "url", "note"})
_RANGE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:-|\u2013|to)\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*")
_NUMBER = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*")
_SOURCE_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


@dataclass(frozen=True)
class StakeSource(Citation):
    """A document that states a stake (a citation named shorter in a flag's chain)."""

    def short(self) -> str:
        """``title, date``: how a flag's chain names the source."""
        return f"{self.title}, {self.date}"


@dataclass(frozen=True)
class Stake:
    """A share of one entity held by another, with its dates and sources."""

    holder: str
    low: float
    high: float
    kind: str
    since: date
    sources: tuple[StakeSource, ...]
    until: date | None = None
    note: str = ""

    @property
    def share(self) -> str:
        """The share as the sources give it: ``"18.4%"`` or ``"15-20%"``."""
        if self.low == self.high:
            return f"{self.low:g}%"
        return f"{self.low:g}-{self.high:g}%"

    def in_force(self, on: date) -> bool:
        """Whether the stake is attested on ``on`` (from ``since``, before ``until``)."""
        return in_force(on, self.since, self.until)

    def meets(self, threshold: float, *, strict: bool = False) -> bool:
        """Whether the share reaches ``threshold`` percent (``strict``: exceeds it).

        The lower bound of a range decides: "8-12%" does not reach 10 %, "10-15%" does.
        A stake that only *might* reach the threshold selects nothing.
        """
        return self.low > threshold if strict else self.low >= threshold

    def describe(self, held: str, holder: str) -> str:
        """``"PCCW ← China Unicom 18.4% equity (title, date)"``."""
        cited = f" ({self.sources[0].short()})" if self.sources else ""
        return f"{held} ← {holder} {self.share} {self.kind}, counted from {self.since}{cited}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "holder": self.holder,
            "share": self.share,
            "share_min": self.low,
            "share_max": self.high,
            "kind": self.kind,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "sources": [s.as_dict() for s in self.sources],
        }


def parse_share(value: Any) -> tuple[float, float] | None:
    """``(low, high)`` percent from ``18.4``, ``"18.4%"`` or ``"15-20"``; ``None`` if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), float(value)
    if not isinstance(value, str):
        return None
    ranged = _RANGE.fullmatch(value)
    if ranged:
        return float(ranged.group(1)), float(ranged.group(2))
    number = _NUMBER.fullmatch(value)
    return (float(number.group(1)),) * 2 if number else None


def parse_stake(raw: Any, fail: Any) -> Stake:
    """One ``[[entity.stakes]]`` table, checked; ``fail(message, *needles)`` builds the error.

    The holder's existence is checked by the registry loader, once every entity is known.
    """
    check_table(raw, STAKE_KEYS, ("holder",), fail, "stake")
    holder = raw["holder"]
    share = parse_share(raw.get("share"))
    if share is None:
        raise fail(
            f"stake of {holder!r}: share {raw.get('share')!r} is not a percentage "
            '(a number such as 18.4, or a range such as "15-20")',
            "share",
        )
    low, high = share
    if not 0 <= low <= high <= 100:
        raise fail(
            f"stake of {holder!r}: share {raw['share']!r} must lie between 0 and 100 "
            "(low bound first)",
            "share",
        )
    kind = raw.get("kind", "equity")
    if kind not in KINDS:
        raise fail(f"stake of {holder!r}: kind must be one of {', '.join(KINDS)}", "kind")
    since, until = _dates(raw, holder, fail)
    sources = tuple(_stake_source(s, fail) for s in raw.get("sources", ()))
    if not sources:
        raise fail(f"stake of {holder!r} has no sources; cite the document that states it")
    note = str(raw.get("note", ""))
    return Stake(holder, low, high, kind, since, sources, until, note)


def _dates(raw: dict[str, Any], holder: str, fail: Any) -> tuple[date, date | None]:
    since = iso_date(raw.get("since"))
    if since is None:
        raise fail(
            f"stake of {holder!r}: since {raw.get('since')!r} is not a YYYY-MM-DD date",
            "since" if "since" in raw else "holder",
        )
    until = iso_date(raw["until"]) if "until" in raw else None
    if "until" in raw and (until is None or until <= since):
        raise fail(
            f"stake of {holder!r}: until {raw['until']!r} must be a YYYY-MM-DD date after since",
            "until",
        )
    return since, until


def _stake_source(raw: Any, fail: Any) -> StakeSource:
    check_table(raw, STAKE_SOURCE_KEYS, ("title", "url"), fail, "stake source")
    when = str(raw.get("date", ""))
    if not _SOURCE_DATE.fullmatch(when):
        raise fail(f"stake source date {when!r} is not YYYY, YYYY-MM or YYYY-MM-DD", "date")
    return StakeSource(
        raw["title"], str(raw.get("publisher", "")), when, raw["url"], str(raw.get("note", ""))
    )
