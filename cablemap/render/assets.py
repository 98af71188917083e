"""The Leaflet files a map page needs: links to a CDN, or the files themselves, inlined.

A *self-contained* map must display with no network access (only the basemap tiles may
be missing), so Leaflet's JavaScript and CSS are inlined into the page. They come from
an installed package, never from copies kept in this repository: **XStatic-Leaflet**
(``xstatic.pkg.leaflet``, PyPI ``XStatic-Leaflet``), which ships Leaflet's ``dist``
files and nothing else. Its Leaflet version is the one folium links to (1.9.3), so a
map behaves the same linked or inlined. The CSS's images (the layer-control icon,
the default marker) become ``data:`` URIs, so nothing is fetched relative to the page.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from cablemap.errors import UserError

LEAFLET_VERSION = "1.9.3"
"""The Leaflet release folium 0.20 links to, and the one XStatic-Leaflet ships."""
LEAFLET_JS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
LEAFLET_CSS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"

_INSTALL_HINT = "install it with `pip install XStatic-Leaflet` (or reinstall cablemap)"


def leaflet_dir() -> Path:
    """The directory of Leaflet's ``dist`` files in the installed XStatic-Leaflet package.

    Raises
    ------
    UserError
        If the package is not installed or its files are missing.
    """
    try:
        from xstatic.pkg import leaflet
    except ImportError as exc:
        raise UserError(f"self-contained maps need XStatic-Leaflet; {_INSTALL_HINT}") from exc
    base = Path(leaflet.BASE_DIR)
    if not (base / "leaflet.js").is_file() or not (base / "leaflet.css").is_file():
        raise UserError(f"XStatic-Leaflet at {base} has no leaflet.js/leaflet.css; {_INSTALL_HINT}")
    return base


@cache
def leaflet_js() -> str:
    """Leaflet's minified JavaScript, safe to place inside a ``<script>`` element."""
    text = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    text = re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)
    return text.replace("</script", "<\\/script")


@cache
def leaflet_css() -> str:
    """Leaflet's CSS with every ``url(images/...)`` turned into a ``data:`` URI."""
    base = leaflet_dir()
    text = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        path = base / match.group(1)
        if not path.is_file():
            return "none"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    text = re.sub(r"url\((images/[A-Za-z0-9_.-]+\.png)\)", inline, text)
    return text.replace("</style", "<\\/style")


def leaflet_tags(*, self_contained: bool) -> str:
    """The ``<link>``/``<script>`` tags (CDN) or inline ``<style>``/``<script>`` for Leaflet.

    Inline Leaflet is loaded only once per page (``window.L`` is checked), so several
    self-contained fragments can share a page.
    """
    if not self_contained:
        return (
            f'<link rel="stylesheet" href="{LEAFLET_CSS_URL}">\n'
            f'<script src="{LEAFLET_JS_URL}"></script>\n'
        )
    return (
        f"<style>\n{leaflet_css()}\n</style>\n"
        f"<script>\nif (!window.L) {{\n{leaflet_js()}\n}}\n</script>\n"
    )
