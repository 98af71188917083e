"""A public document a fact rests on: a rule's, a stake's or an overlay record's source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    """The document a rule rests on (a stake's source is one too: ``StakeSource``)."""

    title: str
    publisher: str
    date: str
    url: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        """The JSON form."""
        out = {"title": self.title, "publisher": self.publisher, "date": self.date, "url": self.url}
        if self.note:
            out["note"] = self.note
        return out

    def short(self) -> str:
        """One line: publisher, title, date, URL."""
        who = f"{self.publisher}, " if self.publisher else ""
        return f"{who}{self.title} ({self.date}) {self.url}"
