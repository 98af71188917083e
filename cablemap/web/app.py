"""The ASGI application: the pages, their downloads, the stylesheet; nothing else.

Static files are served from the package's own ``static`` folder only. Requests whose
``Host`` is not the address the server was started on (or ``localhost``) are refused,
so a web page elsewhere cannot reach the app through DNS rebinding.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cablemap.web import downloads, pages
from cablemap.web.engine import Engine
from cablemap.web.responses import error_page
from cablemap.web.security import page_headers

if TYPE_CHECKING:
    from cablemap.network.graph import Network

STATIC = Path(__file__).resolve().parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class OwnStaticFiles(StaticFiles):
    """The package's static files, with the pages' security headers."""

    async def get_response(self, path: str, scope: object) -> Response:  # type: ignore[override]
        """Serve ``path`` as Starlette does, adding the headers."""
        response = await super().get_response(path, scope)  # type: ignore[arg-type]
        response.headers.update(page_headers())
        return response


async def not_found(request: Request, exc: Exception) -> Response:
    """A page that does not exist: the error page, not Starlette's plain text."""
    return error_page(f"no page at {request.url.path[:100]}; start at /", 404, "Not found")


async def not_allowed(request: Request, exc: Exception) -> Response:
    """A method other than GET (every page is read-only)."""
    message = f"{request.method[:20]} is not allowed here; the app answers GET requests only"
    return error_page(message, 405, "Not allowed")


def create_app(network: Network, *, hosts: Iterable[str] = ()) -> Starlette:
    """The web app answering from ``network``.

    Parameters
    ----------
    network
        A built network; the app reads it and never changes it.
    hosts
        Host names the app answers to besides the local ones (the ``--host`` it was
        started on).

    Returns
    -------
    starlette.applications.Starlette
        The ASGI application.
    """
    routes = [
        Route("/", pages.home),
        Route("/route", pages.route),
        Route("/route/map", pages.route_map),
        Route("/route/download/{name}", downloads.route_file),
        Route("/country", pages.country),
        Route("/country/download/{name}", downloads.country_file),
        Route("/carrier", pages.carrier),
        Route("/carrier/download/{name}", downloads.carrier_file),
        Route("/stations", pages.stations),
        Route("/stations/download/{name}", downloads.stations_file),
        Route("/world", pages.world),
        Route("/world/map", pages.world_map),
        Route("/world/download/{name}", downloads.world_file),
        Mount("/static", app=OwnStaticFiles(directory=STATIC), name="static"),
    ]
    allowed = sorted({*LOCAL_HOSTS, *hosts})
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed)],
        exception_handlers={404: not_found, 405: not_allowed},
    )
    app.state.engine = Engine(network)
    return app
