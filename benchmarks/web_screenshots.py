"""Screenshots of every page of the web app, for docs/web.md (headless Chromium).

Run from the repository root (the real snapshot beside it)::

    PYTHONPATH=. python benchmarks/web_screenshots.py [OUT_DIR]

It serves the app on 127.0.0.1 (a free port) and saves ``web-*.png`` in OUT_DIR
(default ``docs/images``). Map tiles are refused, as in the tests: the maps show the
land the app draws itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cablemap.network.persist import load_or_build_network
from cablemap.web.serve import running

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "open-undersea-cable-map"
PAGES = {
    "web-home": ("/", None),
    "web-route": ("/route?from=United+States&to=Japan&policy=clean-network-2020", "iframe.map"),
    "web-country": ("/country?place=Vietnam&policy=clean-network-2020", None),
    "web-carrier": ("/carrier?entity=China+Mobile&policy=clean-network-2020", None),
    "web-stations": ("/stations?country=US&policy=clean-network-2020&risky=1", None),
    "web-world": ("/world?policy=clean-network-2020", "iframe.map"),
    "web-error": ("/route?from=United+States&to=Narnia", None),
}


def main(out: Path) -> None:
    """Serve the app and save one screenshot per page in ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    network = load_or_build_network(DATA)
    with running(network) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort()
        )
        page = context.new_page()
        for name, (path, frame) in PAGES.items():
            page.goto(url + path.lstrip("/"))
            if frame:
                page.frame_locator(frame).locator(".leaflet-container").wait_for(timeout=60_000)
                page.wait_for_timeout(1500)
            page.screenshot(path=str(out / f"{name}.png"), full_page=False)
            print(f"wrote {out / f'{name}.png'}")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
