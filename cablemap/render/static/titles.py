"""The text around the map: title, subtitle, data note and attribution."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cablemap.render.static.frame import AXES_BOX, MUTED_TEXT, TEXT, agg_renderer
from cablemap.render.style import ATTRIBUTION, BASEMAP_ATTRIBUTION

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

    from cablemap.network.graph import Network


def decorate(
    fig: Figure, title: str, subtitle: str, note: str, network: Network | None = None
) -> None:
    """Title, subtitle, data note (bottom left) and attribution (bottom right).

    Text too wide for the page is set smaller (down to 5 points), then cut short; the
    note is also kept whole in the image's metadata (:func:`describe_figure`). With
    ``network``, the attribution names the licences of the overlays laid over its data
    (:func:`image_rights`) and the metadata keeps their full attribution.
    """
    from cablemap.render.static.save import describe_figure

    corner, rights = image_rights(network)
    describe_figure(fig, note, rights)
    left, width = AXES_BOX[0], AXES_BOX[2]
    page = fig.get_figwidth() * fig.dpi
    attribution = fig.text(
        left + width,
        0.012,
        corner,
        fontsize=5,
        color=MUTED_TEXT,
        ha="right",
        va="bottom",
    )
    renderer = agg_renderer(fig)
    spare = attribution.get_window_extent(renderer).x0 - left * page - 0.02 * page
    lines = (
        (0.975, title, 10.0, "bold", TEXT, "top", width * page),
        (0.915, subtitle, 6.5, "normal", MUTED_TEXT, "top", width * page),
        (0.012, note, 5.0, "normal", MUTED_TEXT, "bottom", spare),
    )
    for y, text, size, weight, colour, va, room in lines:
        artist = fig.text(left, y, text, fontsize=size, weight=weight, color=colour, va=va)
        _fit_width(artist, renderer, room)


def _fit_width(artist: Any, renderer: RendererBase, room: float) -> None:
    """Shrink a text's font (to 5 points at least), then cut it, until it fits ``room`` px."""
    while artist.get_window_extent(renderer).width > room and artist.get_fontsize() > 5.0:
        artist.set_fontsize(max(5.0, artist.get_fontsize() - 0.5))
    lines = artist.get_text().split("\n")
    cut = [False] * len(lines)
    while artist.get_window_extent(renderer).width > room and max(map(len, lines)) > 1:
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))  # cut the widest line
        lines[longest], cut[longest] = lines[longest][:-2], True
        artist.set_text("\n".join(t + ("…" if c else "") for t, c in zip(lines, cut, strict=True)))


def image_rights(network: Network | None) -> tuple[str, str]:
    """``(corner, rights)``: the attribution drawn on an image, and the one in its metadata.

    The corner keeps to two short lines: the cable data's licence, then each overlay's
    licences (by id) and the basemap's. The metadata (PNG ``Copyright``, SVG ``Rights``)
    keeps the whole attribution, with each overlay's title, records and sources
    (:func:`cablemap.dataset.provenance.with_overlays`).
    """
    overlays = network.provenance.overlays if network is not None else ()
    second = "".join(f"Overlay {note.id} ({', '.join(note.licences)}). " for note in overlays)
    corner = f"{ATTRIBUTION}.\n{second}{BASEMAP_ATTRIBUTION}."
    whole = network.provenance.attribution if network is not None else ATTRIBUTION
    return corner, f"{whole.rstrip('.')}. {BASEMAP_ATTRIBUTION}."


def data_note(network: Network) -> str:
    """The note under the map: the data's source and date, snapshot, cablemap version."""
    from cablemap import __version__

    data = network.provenance
    source, plus, overlays = data.source.partition(" + ")  # overlays start the second line
    more = f"+ {overlays}; " if plus else ""
    return (
        f"Data as of {data.as_of}: {source}\n{more}snapshot {data.snapshot}; cablemap {__version__}"
    )
