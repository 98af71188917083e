"""Where the raw files come from: named remote roots, other URLs, directories, archives.

A *source* is resolved from what the user typed (``open``, ``telegeography``, an
``https://`` root, a directory or a ``.zip``/``.tar.gz``) into a :class:`Source`, and opened
as a *reader* that hands out the bytes of files by their path relative to the root.
Only :mod:`cablemap.sources.remote` talks HTTP.
"""

from cablemap.sources.resolve import NAMED_SOURCES, Source, open_reader, resolve_source

__all__ = ["NAMED_SOURCES", "Source", "open_reader", "resolve_source"]
