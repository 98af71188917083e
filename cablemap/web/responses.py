"""Turning answers into HTTP responses: pages, map pages, downloads and error pages.

Every handler goes through :func:`answering`, so an error the user caused (a
:class:`~cablemap.errors.CablemapError`) becomes an error page with the CLI's one line
and a status that says what kind it was; any other failure becomes a one-line internal
error page, never a traceback in the browser.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from cablemap import __version__
from cablemap.errors import CablemapError, NoRouteError, UnknownPlaceError, UserError
from cablemap.web.security import map_headers, page_headers

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOG = logging.getLogger("cablemap.web")

Handler = Callable[[Request], Response]


@functools.cache
def environment() -> Any:
    """The Jinja2 environment: the package's templates, autoescaping every value."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def page(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The template ``name`` rendered with ``context``, with the pages' headers."""
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=page_headers())


def map_page(html: str) -> HTMLResponse:
    """A rendered map page, allowed to run exactly its own inline scripts."""
    return HTMLResponse(html, headers=map_headers(html))


def download(content: str | bytes, filename: str, media_type: str) -> Response:
    """A file to save: ``Content-Disposition: attachment`` with a safe file name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "cablemap"
    headers = {**page_headers(), "Content-Disposition": f'attachment; filename="{safe}"'}
    return Response(content, media_type=media_type, headers=headers)


def status_of(error: CablemapError) -> int:
    """The HTTP status of an error: 404 for a place or route not found, else 400 or 500."""
    if isinstance(error, UnknownPlaceError | NoRouteError):
        return 404
    if isinstance(error, UserError):
        return 400
    return 500


def error_page(message: str, status: int, kind: str) -> HTMLResponse:
    """The error page: one line saying what was wrong and what to do."""
    return page("error.html", {"message": message, "kind": kind, "title": kind}, status)


def answering(handler: Handler) -> Handler:
    """Wrap ``handler`` so every failure is an error page (see the module docstring)."""

    @functools.wraps(handler)
    def wrapped(request: Request) -> Response:
        from cablemap.sanitize import one_line

        try:
            return handler(request)
        except CablemapError as exc:
            status = status_of(exc)
            kind = "Not found" if status == 404 else "Cannot answer that"
            return error_page(one_line(str(exc)), status, kind)
        except Exception as exc:  # a bug: one line here, the traceback in the server log
            LOG.exception("internal error on %s", request.url.path)
            message = (
                f"internal error: {type(exc).__name__} (this is a bug; the server's log has "
                "the details; please report it)"
            )
            return error_page(message, 500, "Internal error")

    return wrapped
