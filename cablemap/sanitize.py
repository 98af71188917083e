"""Make text from the data safe where it leaves the program.

Names and owners come from a data source that cablemap does not control. Three places
could turn such text into something other than text:

- a spreadsheet opening a CSV runs a cell starting with ``=``, ``+``, ``-`` or ``@``
  as a formula (:func:`csv_cell`, :func:`csv_safe_frame`);
- a terminal obeys escape sequences (colours, cursor moves, window titles) and other
  control characters (:func:`terminal_text`);
- an XML parser rejects an SVG holding characters XML 1.0 does not allow, such as NUL
  (:func:`xml_text`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is read as a formula (OWASP CSV injection)."""
_QUOTED_PREFIXES = (*FORMULA_PREFIXES, "'")

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erasing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula.

    A string starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    single quote in front (the OWASP guidance); so does a string that already starts
    with ``'``, so that :func:`csv_value` can undo it exactly. Numbers and every other
    value are returned unchanged, so ``-268.5`` stays a number.
    """
    if isinstance(value, str) and value.startswith(_QUOTED_PREFIXES):
        return "'" + value
    return value


def csv_comment(text: str) -> str:
    """``text`` as a ``# `` line before a CSV header, no part of it read as a formula.

    A spreadsheet splits the line at its commas; a part that would start with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return gets a quote in front, as
    :func:`csv_cell` does for cells.
    """
    parts = text.replace("\n", " ").split(",")
    safe = [parts[0]] + [
        part[: len(part) - len(part.lstrip(" "))] + csv_cell(part.lstrip(" ")) for part in parts[1:]
    ]
    return "# " + ",".join(safe) + "\n"


def csv_value(cell: Any) -> Any:
    """The value :func:`csv_cell` was given: one leading ``'`` removed from a string.

    Every string :func:`csv_cell` writes that starts with ``'`` got that quote from it,
    so removing one gives back the original text (``'=SUM(1)`` -> ``=SUM(1)``,
    ``''Ewa`` -> ``'Ewa``).
    """
    if isinstance(cell, str) and cell.startswith("'"):
        return cell[1:]
    return cell


def csv_values_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` read from CSV with :func:`csv_value` applied to its text cells."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(csv_value)
    return out


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`csv_cell` applied to its string cells.

    Only text columns are touched; numeric columns keep their dtype and values.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(csv_cell)
    return out


def terminal_text(text: str) -> str:
    """``text`` without escape sequences or control characters (newline and tab kept).

    Removes whole ESC sequences (CSI, OSC), then every other C0 control except newline
    and tab, DEL and C1 controls, so that data cannot recolour the terminal, move the
    cursor, set the window title or hide earlier lines with a carriage return.
    """
    return _TERMINAL_CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def one_line(text: str) -> str:
    """:func:`terminal_text` on one line: newlines and tabs become spaces."""
    return terminal_text(text).replace("\n", " ").replace("\t", " ")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (NUL and C0 except tab, LF, CR)."""
    return _XML_INVALID.sub("", text)
