r"""HTML text for popups, tooltips and legends: escaping, links, JSON for scripts.

Every string from the data or the registry is HTML-escaped (:func:`html.escape`) and
reaches the page only inside JSON string literals (:func:`_js`) whose ``<``, ``>`` and
``&`` are written as ``\u003c``, ``\u003e``, ``\u0026``. Links are kept only for
``http(s)`` URLs (:func:`_link`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cablemap.render import style

if TYPE_CHECKING:
    from cablemap.policy.flags import Flag

MAX_LISTED = 12
"""Cables or reasons listed in one popup before "and N more"."""


def _js(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside an HTML ``<script>``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("{{", "{\\u007b")  # never JSON syntax, so only inside strings:
        .replace("{%", "{\\u0025")  # no Jinja opener survives, whatever renders it
        .replace("{#", "{\\u0023")
    )


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _web_url(url: object) -> str | None:
    """``url`` if it is an http(s) address, else ``None`` (``javascript:``, data, junk)."""
    href = str(url).strip() if isinstance(url, str) else ""
    parts = urlsplit(href)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return href


def _link(url: object, text: object) -> str:
    """An escaped link if ``url`` is http(s); otherwise just the escaped text."""
    href = _web_url(url)
    if href is None:
        return _e(text)
    return f'<a href="{_e(href)}" target="_blank" rel="noopener noreferrer">{_e(text)}</a>'


def _listed(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    """Escaped items joined by commas, with "and N more" past ``limit``."""
    shown = ", ".join(_e(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _flags_html(flags: Iterable[Flag], heading: str) -> str:
    """A heading, the distinct reasons (with their rules) and the cited sources."""
    reasons: dict[tuple[str, str], None] = {}
    sources: dict[str, str] = {}
    for flag in flags:
        reasons[(flag.rule, flag.reason)] = None
        for citation in flag.citations:
            sources.setdefault(citation.url or citation.title, _link(citation.url, citation.title))
    if not reasons:
        return ""
    items = list(reasons)
    lines = "".join(f"<li>[{_e(rule)}] {_e(reason)}</li>" for rule, reason in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        lines += f"<li>and {len(items) - MAX_LISTED} more</li>"
    cited = "; ".join(sources.values())
    return f"<div><b>{_e(heading)}</b><ul>{lines}</ul>" + (
        f"<div>Sources: {cited}</div></div>" if cited else "</div>"
    )


def _popup(*parts: str) -> str:
    return '<div class="cablemap-popup">' + "".join(p for p in parts if p) + "</div>"


def _swatch(colour: str, kind: str) -> str:
    """A legend symbol for ``kind``.

    ``solid``/``dashed``/``dotted`` draw a line, ``dot``/``dot-filled``/``dot-end`` a
    marker (white, light, dark), ``flagged-route``
    the route's colour and the flagged colour side by side.
    """
    if kind in ("dot", "dot-filled", "dot-end"):
        fill = f";background-color:{colour}73" if kind == "dot-filled" else ""
        fill = f";background-color:{colour}" if kind == "dot-end" else fill
        return f'<span class="cm-dot" style="border-color:{_e(colour)}{fill}"></span>'
    if kind == "flagged-route":
        return (
            f'<span class="cm-line cm-half" style="border-top:4px solid {_e(colour)}"></span>'
            f'<span class="cm-line cm-half" style="border-top:4px solid {style.FLAGGED}"></span>'
        )
    return f'<span class="cm-line" style="border-top:4px {kind} {_e(colour)}"></span>'


def _legend_html(title: str, notes: Sequence[str], entries: Sequence[tuple[str, str, str]]) -> str:
    """Legend HTML: a ``<details>`` holding the title, the entries and the notes.

    The summary is the escaped title; then the (label, colour, kind) entries and the
    notes. ``kind`` is one of the symbols of :func:`_swatch`. The legend opens or closes by a
    click on its title; the map's layout script decides how it starts (see
    :mod:`~cablemap.render.interactive.layout`).
    """
    rows = [f"<div>{_swatch(colour, kind)}{_e(label)}</div>" for label, colour, kind in entries]
    rows += [f'<div class="cm-note">{_e(note)}</div>' for note in notes]
    return (
        f'<details class="cm-details" open><summary class="cm-title">{_e(title)}</summary>'
        f'<div class="cm-body">{"".join(rows)}</div></details>'
    )
