"""Starting the web app: check the extra, bind the address, serve until Ctrl-C.

The socket is bound here, before uvicorn starts, so a busy port or a bad address is a
one-line :class:`~cablemap.errors.UserError` and port 0 picks a free port whose URL is
then printed.
"""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from cablemap.errors import UserError

if TYPE_CHECKING:
    from cablemap.network.graph import Network

LOCAL_BINDS = ("127.0.0.1", "localhost", "::1")
"""Addresses only this machine can reach."""
ANY_HOST = ("0.0.0.0", "::", "")
"""Addresses that listen on every interface: any Host header is then expected."""
WEB_HINT = "pip install 'cablemap[web]'"


def require_web() -> None:
    """Check that the web extra is installed.

    Raises
    ------
    UserError
        Naming the missing package and the install command.
    """
    for module in ("starlette", "uvicorn", "jinja2"):
        try:
            __import__(module)
        except ImportError:
            raise UserError(f"cablemap serve needs {module} (the web extra): {WEB_HINT}") from None


def exposure_warning(host: str) -> str | None:
    """A warning if ``host`` lets other machines reach the app, else ``None``."""
    if host in LOCAL_BINDS:
        return None
    return (
        f"warning: serving on {host}: other machines on the network can reach this app "
        "(it has no login); use the default --host 127.0.0.1 to keep it on this machine"
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one).

    Raises
    ------
    UserError
        If the address cannot be used (port in use, unknown host, not allowed).
    """
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, reuse_port=False)
    except OSError as exc:
        raise UserError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port "
            "or --host"
        ) from None


def url_of(sock: socket.socket) -> str:
    """The address a browser opens for the app listening on ``sock``."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    network: Network,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = False,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the app for ``network`` on ``host:port`` until interrupted.

    Parameters
    ----------
    network
        The network every page answers from (loaded once, read-only).
    host, port
        Where to listen; a host other than a local one draws a warning.
    open_browser
        Open the start page in the default browser once the server is up.
    say
        Where to print the address and the warning (the CLI's ``echo``).
    """
    require_web()
    import uvicorn

    from cablemap.web.app import create_app

    sock = bind(host, port)
    warning = exposure_warning(host)
    if warning:
        say(warning)
    url = url_of(sock)
    app = create_app(network, hosts=["*"] if host in ANY_HOST else [host])
    app.state.engine.warm()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    say(f"cablemap web app at {url} (Ctrl-C to stop)")
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    server.run(sockets=[sock])


def _open_when_started(server: object, url: str) -> None:
    import time

    for _ in range(200):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)


@contextmanager
def running(network: Network, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the app in a background thread for the ``with`` block; yields its URL.

    For tests, benchmarks and notebooks: the server listens on ``host`` (port 0: a free
    port) and stops when the block ends.

    Raises
    ------
    UserError
        If the address cannot be used, or the server does not start within 10 s.
    """
    require_web()
    import time

    import uvicorn

    from cablemap.web.app import create_app

    sock = bind(host, port)
    app = create_app(network)
    app.state.engine.warm()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise UserError(f"the web app did not start on {url_of(sock)}")
            time.sleep(0.02)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
