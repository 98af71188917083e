"""How answers show themselves in Jupyter, without the analysis layer importing the renderers.

Rendering sits above analysis, so an answer cannot import it. The interface layer
(:mod:`cablemap`, on import) registers a function here that renders an answer as HTML;
an answer's ``_repr_html_`` asks this module, and shows nothing when no renderer is
registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_renderers: list[Callable[[Any], str | None]] = []


def register_html(renderer: Callable[[Any], str | None]) -> None:
    """Register the function that turns an answer into notebook HTML (once is enough)."""
    if renderer not in _renderers:
        _renderers.append(renderer)


def html(answer: Any) -> str | None:
    """The HTML of ``answer`` from the registered renderer, or ``None`` without one."""
    for renderer in _renderers:
        shown = renderer(answer)
        if shown is not None:
            return shown
    return None
