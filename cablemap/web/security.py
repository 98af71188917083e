"""The headers every answer carries: a Content-Security-Policy and its companions.

The app's own pages run no script at all: forms are plain HTML ``GET`` forms, so their
policy allows only the app's stylesheet, its own images and its own map frames. A map
page (folium/Leaflet, self-contained) runs exactly the inline scripts it was rendered
with: the policy lists each one's SHA-256 hash, so no other script (say, one a hostile
name smuggled in past the renderer's escaping) would run. Its styles are inline (folium
writes ``style`` attributes), its images are Leaflet's ``data:`` icons and the basemap
tiles, the one remote resource a map uses.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from urllib.parse import urlsplit

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
"""The policy of the app's own pages: no script, only its own files. They may be framed
by the app itself only (an error answering a map frame is one of its pages)."""

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""Headers every answer carries, whatever its kind."""

_INLINE_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script>", re.DOTALL | re.IGNORECASE)


@cache
def tile_origin() -> str:
    """The scheme and host of the basemap tiles the maps load (OpenStreetMap's)."""
    import folium

    from cablemap.render.interactive import TILES

    template = str(folium.TileLayer(TILES).tiles)
    parts = urlsplit(template.replace("{s}.", ""))
    return f"{parts.scheme}://{parts.netloc}"


def script_hashes(page: str) -> list[str]:
    """The CSP source of each inline ``<script>`` of ``page``: ``'sha256-...'``."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(page):
        attributes = match.group(1) or ""
        if "src=" in attributes.lower():
            continue
        digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


def map_csp(page: str) -> str:
    """The policy of one rendered map page: its own scripts, inline styles, tiles."""
    scripts = " ".join(script_hashes(page)) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
        f"img-src data: {tile_origin()}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'"
    )


def page_headers() -> dict[str, str]:
    """Headers of an app page (and of downloads and static files)."""
    return {**COMMON_HEADERS, "Content-Security-Policy": PAGE_CSP}


def map_headers(page: str) -> dict[str, str]:
    """Headers of a map page shown in the app's frame."""
    return {**COMMON_HEADERS, "Content-Security-Policy": map_csp(page)}
