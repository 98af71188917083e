"""Writing figures: PNG (200 dpi, optionally 256 colours) or SVG, atomically, with metadata."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.errors import UserError
from cablemap.files import write_with
from cablemap.render.static.frame import PNG_DPI
from cablemap.render.style import ATTRIBUTION, BASEMAP_ATTRIBUTION

if TYPE_CHECKING:
    from matplotlib.figure import Figure

IMAGE_FORMATS = {".png": "png", ".svg": "svg"}
"""File suffixes :func:`save_figure` writes, and their matplotlib formats."""

_DESCRIPTIONS: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()
_RIGHTS: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def describe_figure(fig: Figure, text: str, rights: str | None = None) -> None:
    """Keep ``text`` (the data's provenance) for the image's metadata (``Description``).

    The caption under the map may be set smaller or cut short to fit; the metadata keeps
    the whole text, so the file itself still says where its data came from. ``rights``,
    if given, replaces the default attribution in the metadata (``Copyright``/``Rights``):
    the data's own, with its overlays.
    """
    _DESCRIPTIONS[fig] = " ".join(text.split())
    if rights is not None:
        _RIGHTS[fig] = " ".join(rights.split())


def save_figure(fig: Figure, path: str | Path, *, compact: bool = False) -> Path:
    """Write a figure as PNG (200 dpi) or SVG, chosen by the file suffix, then close it.

    The file is written to a temporary name beside ``path`` and moved into place, so a
    failed run leaves no partial file and keeps any file already there.

    Parameters
    ----------
    fig
        From :func:`route_figure` or :func:`risk_figure` (or any matplotlib figure).
    path
        Where to write; the suffix (``.png`` or ``.svg``, any case) picks the format.
    compact
        PNG only: store a 256-colour palette image, about a third of the size (for web
        pages and documentation; the colours of lines and dots are kept, anti-aliased
        edges lose some shades).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UserError
        If the suffix is not ``.png`` or ``.svg`` (nothing is written and the figure stays
        open), or the directory does not exist.
    """
    target = Path(path).expanduser()
    image_format = _format_for(target)
    try:
        if compact and image_format == "png":
            data = figure_bytes(fig, "png", compact=True)
            return write_with(target, lambda tmp: tmp.write_bytes(data))
        return write_with(target, lambda tmp: fig.savefig(tmp, **_save_options(fig, image_format)))
    finally:
        _close(fig)


def image_bytes(fig: Figure, path: str | Path) -> bytes:
    """The figure encoded as :func:`save_figure` would write it to ``path``, then closed.

    For commands that write several files all or none
    (:func:`cablemap.files.write_all`): render every file first, then write them.

    Raises
    ------
    UserError
        If the suffix of ``path`` is not ``.png`` or ``.svg`` (the figure stays open).
    """
    image_format = _format_for(Path(path).expanduser())
    try:
        return figure_bytes(fig, image_format)
    finally:
        _close(fig)


def _format_for(target: Path) -> str:
    """The matplotlib format for ``target``'s suffix, or a user error."""
    image_format = IMAGE_FORMATS.get(target.suffix.lower())
    if image_format is None:
        allowed = ", ".join(IMAGE_FORMATS)
        raise UserError(
            f"cannot write {target}: images are written as {allowed} "
            f"(not {target.suffix or 'a file without suffix'}); change the file name"
        )
    return image_format


def figure_bytes(fig: Figure, image_format: str = "png", *, compact: bool = False) -> bytes:
    """The figure encoded as PNG or SVG, as :func:`save_figure` writes it (fig stays open).

    For embedding an image in a page (e.g. base64 in HTML); ``compact`` as in
    :func:`save_figure`.

    Raises
    ------
    UserError
        If ``image_format`` is not ``"png"`` or ``"svg"``.
    """
    import io

    if image_format not in IMAGE_FORMATS.values():
        raise UserError(f"image format {image_format!r}: use one of png, svg")
    options = _save_options(fig, image_format)
    buffer = io.BytesIO()
    if not (compact and image_format == "png"):
        fig.savefig(buffer, **options)
        return buffer.getvalue()
    fig.savefig(buffer, **{**options, "metadata": None})
    return _palette_png(buffer, options["metadata"])


def _save_options(fig: Figure, image_format: str) -> dict[str, Any]:
    _xml_safe_texts(fig)
    options: dict[str, Any] = {
        "format": image_format,
        "dpi": PNG_DPI,
        "facecolor": "white",
        "metadata": _metadata(fig, image_format),
    }
    return options


def _xml_safe_texts(fig: Figure) -> None:
    """Remove the characters XML 1.0 forbids (NUL, most C0) from every text of ``fig``.

    Names from the data reach titles, labels and legends; the SVG writer copies them
    into the file (as text and as comments), where one NUL makes the image unreadable.
    Every figure passes here before it is encoded, PNG included, so both formats agree.
    """
    from matplotlib.text import Text

    from cablemap.sanitize import xml_text

    for artist in fig.findobj(Text):
        text = artist.get_text()
        if text != xml_text(text):
            artist.set_text(xml_text(text))
    fig.set_label(xml_text(str(fig.get_label())))


def _palette_png(rendered_png: Any, metadata: dict[str, str | None]) -> bytes:
    """A rendered PNG (file-like) reduced to 256 colours, with the given text metadata."""
    import io

    from PIL import Image, PngImagePlugin

    rendered_png.seek(0)
    with Image.open(rendered_png) as rendered:
        palette = rendered.convert("RGB").quantize(
            256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        if value is not None:
            info.add_text(key, value)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True, pnginfo=info, dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()


def _metadata(fig: Figure, image_format: str) -> dict[str, str | None]:
    from cablemap import __version__

    rights = _RIGHTS.get(fig, f"{ATTRIBUTION}. {BASEMAP_ATTRIBUTION}.")
    title = str(fig.get_label())
    description = _DESCRIPTIONS.get(fig)
    if image_format == "png":
        return {
            "Title": title,
            "Software": f"cablemap {__version__}",
            "Copyright": rights,
            "Description": description,
        }
    return {
        "Title": title,
        "Creator": f"cablemap {__version__}",
        "Rights": rights,
        "Description": description,
        "Date": None,
    }


def _close(fig: Figure) -> None:
    """Release a figure: pyplot's own figures through pyplot, ours by clearing them."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and getattr(fig.canvas, "manager", None) is not None:
        pyplot.close(fig)
    else:
        fig.clear()
