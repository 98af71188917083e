"""Errors that cablemap reports to its users.

Every error the user can cause or meet is a subclass of :class:`CablemapError`. Each class
carries the process exit code the command line uses for it, so scripts can tell a bad
argument from bad data from a network failure. Messages are one line: what was wrong
(file, record, field, value) and what to do.
"""

from __future__ import annotations


class CablemapError(Exception):
    """Base class of every error cablemap reports; ``exit_code`` is the CLI's exit status."""

    exit_code = 1


class UserError(CablemapError):
    """A bad argument, option, path or setting given by the user."""

    exit_code = 2


class DataError(CablemapError):
    """Input data that cannot be used: malformed files, missing fields, hostile ids."""

    exit_code = 3


class NetworkError(CablemapError):
    """A download that failed after its retries (HTTP error, timeout, truncated body)."""

    exit_code = 4


class CacheError(CablemapError):
    """The local snapshot cache is unusable (unreadable manifest, missing snapshot)."""

    exit_code = 5


class UnknownPlaceError(UserError):
    """A route end that is neither a known country nor a landing-station id."""

    exit_code = 6


class SamePlaceError(UserError):
    """A route asked from a country to itself."""

    exit_code = 7


class NoLandingStationError(UserError):
    """A real country with no landing station in the data (for example a landlocked one)."""

    exit_code = 8


class NoRouteError(CablemapError):
    """No route joins the two ends under the chosen filters."""

    exit_code = 9


MAX_ECHO = 200
"""Longest user argument an error line repeats; longer ones are cut with an ellipsis."""


def clip(value: object, limit: int = MAX_ECHO) -> str:
    """Quote a user-given value for an error line, cut to ``limit`` characters.

    Parameters
    ----------
    value
        What the user typed (a path, URL, id, name).
    limit
        Longest text kept from it.

    Returns
    -------
    str
        ``repr`` of the value, or of its first ``limit`` characters followed by ``...``.
    """
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text)} characters)"


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters (with ``...``), unquoted, for URLs in errors."""
    return text if len(text) <= limit else text[:limit] + "..."


INTERRUPTED_EXIT_CODE = 130
"""Exit status after Ctrl-C, the shell convention (128 + SIGINT)."""
