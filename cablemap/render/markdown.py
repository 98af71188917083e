r"""Text from the data made inert in Markdown, escaping only what would be misread.

A report's Markdown must read cleanly as raw text and render to the same words in
CommonMark and GitHub-flavoured Markdown. So a name such as ``SEA-US`` or ``AT&T`` or a
figure such as ``42.2 ms`` is written as it is, and a backslash goes only before a
character that would start markup where it stands:

- ``[`` and ``]`` where the text holds ``](``, ``][`` or ``]:`` (a link or an image);
  our own citation numbers ``[1]`` stay as they are (no link definitions are written);
- ``*``, ``_``, ``~``, ``$`` and backticks when the text holds two or more of one of
  them (emphasis, GFM strikethrough, GitHub's math, code spans need a pair), except an
  ``_`` inside a word (``snake_case_name``);
- ``<`` before a letter, ``/``, ``!`` or ``?`` (raw HTML, autolinks); ``&`` where it
  would start an entity such as ``&amp;``; ``\`` before punctuation or at the end;
- at the start of a block (a list item's text, a paragraph): what would make a heading
  (``# ``), a quote (``>``), a list (``- ``, ``+ ``, ``* ``, ``1. ``, ``1) ``), a rule
  or underline (``---``, ``===``) or a link definition (``[``);
- in a table cell: ``|``.

Line breaks become spaces. The tests render reports with markdown-it-py and compare
the visible text with the original strings.
"""

from __future__ import annotations

import re

_ALWAYS = re.compile(r"\\(?=[!-/:-@\[-`{-~]|$)|<(?=[A-Za-z/!?])|&(?=#?[0-9A-Za-z]+;)")
_PAIRED = "*_~$`"
_LINK = re.compile(r"\]\s*[(\[:]")
_BLOCK_START = re.compile(
    r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|[-=_*]{3,}|=+\s*$|\[|\d{1,9}(?=[.)](?:\s|$)))"
)


def md_text(text: str) -> str:
    """Inline text: markup characters backslashed, line breaks folded to spaces."""
    flat = " ".join(str(text).split())
    marks = {c for c in _PAIRED if flat.count(c) >= 2}
    if _LINK.search(flat):
        marks |= {"[", "]"}
    out = []
    for position, char in enumerate(flat):
        if (char in marks and not _intraword(flat, position)) or _ALWAYS.match(flat, position):
            out.append("\\")
        out.append(char)
    return "".join(out)


def _intraword(text: str, position: int) -> bool:
    """An ``_`` between two letters or digits, which never makes emphasis."""
    if text[position] != "_" or position == 0 or position == len(text) - 1:
        return False
    return text[position - 1].isalnum() and text[position + 1].isalnum()


def md_block(text: str) -> str:
    """Text that starts a block (a paragraph, a list item's text)."""
    escaped = md_text(text)
    match = _BLOCK_START.match(escaped)
    if match is None:
        return escaped
    if match.group(1).isdigit():  # "1. No flags" would be an ordered list
        return escaped[: match.end()] + "\\" + escaped[match.end() :]
    return "\\" + escaped


def md_cell(text: str) -> str:
    """A table cell: inline text with ``|`` escaped."""
    return md_text(text).replace("|", "\\|")


def md_link_target(name: str) -> str:
    """A relative link target that survives spaces and parentheses in file names."""
    return "<" + name.replace("<", "%3C").replace(">", "%3E") + ">"


def md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A GitHub-flavoured table, one line per row."""
    out = ["| " + " | ".join(md_cell(h) for h in headers) + " |"]
    out.append("|" + "|".join("---" for _ in headers) + "|")
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return out
