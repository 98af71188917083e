"""Query parameters of the web app, checked as the command line checks its options.

Every page's question is its URL's query string, so a result can be shared by copying
the address. Each parameter is read here once: an unknown name, a repeated single value,
a number out of range or a choice not offered is a :class:`~cablemap.errors.UserError`
whose one line names the parameter and what to give instead, as the CLI's would.
Policies and regions are limited to the shipped ones: a URL never names a local file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from cablemap.errors import UserError, clip

MAX_VALUE = 200
"""Longest value any parameter may have (place names, cable ids and dates are shorter)."""
MAX_REPEATS = 20
"""Most values a repeatable parameter (cuts, countries) may have."""
STATUS_KINDS = ("retired", "military", "non-commercial", "occupied-territory", "cancelled")
"""What ``include_status`` accepts (the CLI's ``--include-status`` choices)."""
TERRESTRIAL = ("none", "domestic", "borders")
"""What ``terrestrial`` accepts (the CLI's ``--terrestrial`` choices)."""


@dataclass(frozen=True)
class Query:
    """A page's query parameters: ``name -> values`` in the order given.

    Parameters
    ----------
    values
        Every value of every parameter, as the URL gave them.
    allowed
        The names this page accepts; any other name is an error.
    """

    values: Mapping[str, Sequence[str]]
    allowed: frozenset[str]

    @classmethod
    def of(cls, items: Iterable[tuple[str, str]], allowed: Iterable[str]) -> Query:
        """Group ``(name, value)`` pairs and refuse names the page does not know.

        Raises
        ------
        UserError
            An unknown parameter, a value too long or too many values of one name.
        """
        names = frozenset(allowed)
        grouped: dict[str, list[str]] = {}
        for name, value in items:
            if name not in names:
                known = ", ".join(sorted(names))
                raise UserError(f"unknown parameter {clip(name, 40)}; this page takes {known}")
            if len(value) > MAX_VALUE:
                raise UserError(f"{name} is longer than {MAX_VALUE} characters")
            grouped.setdefault(name, []).append(value)
            if len(grouped[name]) > MAX_REPEATS:
                raise UserError(f"{name} is given more than {MAX_REPEATS} times")
        return cls(grouped, names)

    def text(self, name: str, *, required: bool = False) -> str | None:
        """The one value of ``name``, stripped; ``None`` if absent or empty."""
        values = [v.strip() for v in self.values.get(name, ()) if v.strip()]
        if len(values) > 1:
            raise UserError(f"{name} is given {len(values)} times; give it once")
        if not values:
            if required:
                raise UserError(f"{name} is missing; give a value")
            return None
        return values[0]

    def texts(self, name: str) -> tuple[str, ...]:
        """Every non-empty value of a repeatable ``name``; commas also separate values."""
        parts = (p.strip() for v in self.values.get(name, ()) for p in v.split(","))
        return tuple(p for p in parts if p)

    def integer(self, name: str, low: int, high: int, default: int | None) -> int | None:
        """The one value of ``name`` as an integer in ``[low, high]``, or ``default``."""
        text = self.text(name)
        if text is None:
            return default
        try:
            value = int(text)
        except ValueError:
            raise UserError(f"{name} {clip(text, 40)} is not a whole number") from None
        if not low <= value <= high:
            raise UserError(f"{name} {value} is not in the range {low} to {high}")
        return value

    def number(self, name: str, low: float, high: float, default: float) -> float:
        """The one value of ``name`` as a number in ``[low, high]``, or ``default``."""
        text = self.text(name)
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            raise UserError(f"{name} {clip(text, 40)} is not a number") from None
        if not low <= value <= high:  # also refuses nan
            raise UserError(f"{name} {clip(text, 40)} is not in the range {low:g} to {high:g}")
        return value

    def flag(self, name: str) -> bool:
        """Whether a check box ``name`` is on (``1``, ``on``, ``true`` or ``yes``)."""
        text = self.text(name)
        if text is None or text.lower() in ("0", "off", "false", "no"):
            return False
        if text.lower() in ("1", "on", "true", "yes"):
            return True
        raise UserError(f"{name} {clip(text, 40)} is not on or off; give 1 or 0")

    def choice(self, name: str, choices: Sequence[str], default: str | None) -> str | None:
        """The one value of ``name``, which must be one of ``choices``; else ``default``."""
        text = self.text(name)
        if text is None:
            return default
        return check_choice(name, text, choices)

    def choices(self, name: str, choices: Sequence[str]) -> tuple[str, ...]:
        """Every value of a repeatable ``name``, each one of ``choices``."""
        return tuple(check_choice(name, text, choices) for text in self.texts(name))


def check_choice(name: str, text: str, choices: Sequence[str]) -> str:
    """``text`` if it is one of ``choices``.

    Raises
    ------
    UserError
        Naming the parameter, the value and the choices.
    """
    if text not in choices:
        raise UserError(f"{name} {clip(text, 60)} is not one of {', '.join(choices)}")
    return text


def query_string(values: Mapping[str, object]) -> str:
    """A canonical query string: empty and false values left out, lists repeated.

    Two URLs that ask the same question get the same string, so caches key on it.
    """
    pairs: list[tuple[str, str]] = []
    for name in sorted(values):
        value = values[name]
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if item is None or item is False or item == "":
                continue
            pairs.append((name, "1" if item is True else str(item)))
    return urlencode(pairs)
