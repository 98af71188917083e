"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright.

The ``browser`` fixture (in ``conftest.py``) launches it once per module; :func:`opened`
loads a local file with every network request refused, collecting console errors (only
remote resources, i.e. map tiles, may fail) and dialogs (an injected ``alert`` would
show up there).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cablemap.render import interactive

CHROMIUM = Path(os.environ.get("CABLEMAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)  # CI must run the browser tests, never skip them
    pytest.skip(message)


def launch_browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A page loaded with the network refused, and what went wrong in it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    def console(self, message: Any) -> None:
        url = (message.location or {}).get("url", "")
        if message.type == "error" and not url.startswith(("http://", "https://")):
            self.errors.append(message.text)  # only tiles (remote) may fail


@contextmanager
def opened(browser: Any, path: Path, wait_for: str | None = None) -> Iterator[Opened]:
    context = browser.new_context(viewport={"width": 1200, "height": 760})
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
    )
    page = context.new_page()
    result = Opened(page)
    page.on("console", result.console)
    page.on("pageerror", lambda error: result.errors.append(str(error)))
    page.on("dialog", lambda dialog: (result.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(wait_for or f".{interactive.LEGEND_CLASS}", timeout=15_000)
        page.wait_for_timeout(300)
        yield result
    finally:
        context.close()


def assert_not_blank(png: bytes) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    pixels = image.width * image.height
    assert len(colours) > 300, len(colours)
    assert max(count for count, _ in colours) < 0.9 * pixels
