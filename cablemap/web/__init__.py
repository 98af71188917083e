"""A local web app over cablemap's analysis and renderers (``cablemap serve``).

Pages for routes, countries, carriers, landing stations and the world risk map, each
answer at a shareable URL with download links. The app holds no logic of its own: it
reads query parameters, calls the analysis and render layers and fills Jinja2
templates. It needs the ``web`` extra (Starlette, uvicorn, Jinja2); importing this
package does not import them, :func:`cablemap.web.serve.require_web` checks for them.

Modules
-------
- :mod:`~cablemap.web.serve`: start the server (bind, warn, open a browser).
- :mod:`~cablemap.web.app`: the ASGI application and its routes.
- :mod:`~cablemap.web.engine`: the read-only network and every call into it.
- :mod:`~cablemap.web.params`, :mod:`~cablemap.web.questions`: query parameters, checked.
- :mod:`~cablemap.web.pages`, :mod:`~cablemap.web.downloads`: the handlers.
- :mod:`~cablemap.web.views`: results arranged for the templates.
- :mod:`~cablemap.web.responses`, :mod:`~cablemap.web.security`: responses and headers.
"""
