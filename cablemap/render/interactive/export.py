"""Writing a map out: a full page, a fragment to paste into a page, a Jupyter frame.

Leaflet is linked from a CDN or inlined (self-contained); see :mod:`cablemap.render.assets`.
"""

from __future__ import annotations

import html
import re

import folium
from branca.element import CssLink, Figure, JavascriptLink

from cablemap.errors import UserError
from cablemap.render.assets import leaflet_tags
from cablemap.render.interactive.classes import EMBED_CLASS
from cablemap.render.interactive.markup import _e

EMBED_HEIGHT = "520px"

_CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|%)$")


def _parts(m: folium.Map, *, self_contained: bool) -> tuple[str, str, str]:
    """Render ``m`` into (head, body, script): Leaflet tags, then the map's own pieces.

    Raises
    ------
    UserError
        For a self-contained page, if something added to the map links another script
        or stylesheet (a folium plugin) that cannot be inlined.
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):
        raise UserError("the map is not attached to a folium Figure; build it with route_map()")
    # a fresh render each time: folium adds new "addTo" statements on every render
    figure.script._children.clear()
    figure.html._children.clear()
    for name in [n for n in figure.header._children if n != "meta_http"]:
        del figure.header._children[name]
    for child in list(figure._children.values()):
        child.render()
    head = [leaflet_tags(self_contained=self_contained)]
    for name, child in figure.header._children.items():
        if name in ("meta_http", "leaflet", "leaflet_css"):
            continue
        if isinstance(child, JavascriptLink | CssLink) and self_contained:
            raise UserError(
                f"cannot make a self-contained map: it links {child.url} (from {name}); "
                "remove that plugin or write the map with self_contained=False"
            )
        head.append(child.render())
    return "\n".join(head), figure.html.render(), figure.script.render()


def to_html(m: folium.Map, *, self_contained: bool) -> str:
    """A complete HTML page showing the map full-window.

    Parameters
    ----------
    m
        A map from :func:`route_map` or :func:`risk_map`.
    self_contained
        Inline Leaflet (from the installed XStatic-Leaflet package) so that the page
        needs no network; only the basemap tiles are then missing offline. Otherwise
        Leaflet is linked from a CDN (a smaller file).

    Returns
    -------
    str
        The page, UTF-8 text.
    """
    head, body, script = _parts(m, self_contained=self_contained)
    title = _e(getattr(m, "cablemap_title", "cablemap map"))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        "<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>\n"
        f"{head}\n</head>\n<body>\n{body}\n<script>\n{script}\n</script>\n</body>\n</html>\n"
    )


def to_embed(m: folium.Map, *, self_contained: bool, height: str = EMBED_HEIGHT) -> str:
    """An HTML fragment to paste into a page: one ``<div>`` holding the map.

    Its styles are scoped to its own ids (Leaflet's stylesheet only styles ``leaflet-*``
    classes), its ids come from the map's unique name, and its script runs in its own
    function scope, so fragments of different maps can share one page. Make one fragment
    per map object.

    Parameters
    ----------
    m
        A map from :func:`route_map` or :func:`risk_map`.
    self_contained
        Inline Leaflet (loaded once per page, whatever the number of fragments).
    height
        CSS height of the map (``px``, ``em``, ``rem``, ``vh`` or ``%``).

    Returns
    -------
    str
        ``<div class="cablemap-embed" id="cablemap-embed-...">...</div>``.

    Raises
    ------
    UserError
        If ``height`` is not a plain CSS length.
    """
    if not _CSS_LENGTH.match(height):
        raise UserError(f"map height {height!r} is not a CSS length such as 520px or 60vh")
    head, body, script = _parts(m, self_contained=self_contained)
    return (
        f'<div class="{EMBED_CLASS}" id="cablemap-embed-{m.get_name()}" '
        f'style="position: relative; width: 100%; height: {height};">\n'
        f"{head}\n{body}\n<script>\n(function () {{\n{script}\n}})();\n</script>\n</div>\n"
    )


def notebook_html(m: folium.Map, *, height: str = EMBED_HEIGHT) -> str:
    """The map for a Jupyter output: a sandboxed ``<iframe>`` holding a self-contained page.

    The frame keeps the map's scripts and styles apart from the notebook's, and the
    notebook displays it with no network access (except for the basemap tiles). It is
    wrapped in a ``<div class="cablemap-notebook">``: ``IPython.display.HTML`` warns
    ("Consider using IPython.display.IFrame instead") on a bare ``<iframe>``, and
    ``IFrame`` can only link to a URL, not hold the page.
    """
    if not _CSS_LENGTH.match(height):
        raise UserError(f"map height {height!r} is not a CSS length such as 520px or 60vh")
    page = html.escape(to_html(m, self_contained=True), quote=True)
    title = _e(getattr(m, "cablemap_title", "cablemap map"))
    return (
        '<div class="cablemap-notebook">'
        f'<iframe srcdoc="{page}" title="{title}" sandbox="allow-scripts allow-popups" '
        f'style="width: 100%; height: {height}; border: 0;"></iframe></div>'
    )
