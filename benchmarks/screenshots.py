"""Screenshots of the interactive maps for the docs (``docs/images/``).

Builds, from the real open snapshot with clean-network-2020, the route maps United States
- Japan and United Kingdom - Singapore (k=3, full pages), Philippines - United States
(k=3, an ``--embed`` fragment in a 900 px column of a report page), the world risk map
and Vietnam's, writes them as self-contained pages, opens them in headless Chromium
(Debian's ``/usr/bin/chromium`` driven by Playwright) with every request but ``file:``
refused, as a reader offline would see them (the land comes from the shipped basemap,
the tiles are missing), and saves PNG screenshots reduced to a 256-colour palette (the
fragment: just its box).

Run: ``python benchmarks/screenshots.py [--out docs/images] [--chromium /usr/bin/chromium]``
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from bench_load import DEFAULT_DATA

from cablemap.analysis.query import trace_routes
from cablemap.policy.flags import policy_flags

REPO = Path(__file__).resolve().parents[1]
POLICY = "clean-network-2020"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1100, "height": 680}
COLUMN_PX = 900
"""The text column the embedded map is shown in, as in a report."""
EMBEDDED = "route-map-embed-ph-us.png"


def pages(data: Path, folder: Path) -> dict[str, Path]:
    """Write the self-contained pages; their screenshot names -> paths."""
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.policy.rules import load_policy
    from cablemap.render import interactive

    network = build_network(load_dataset(data))
    flags = policy_flags(network, load_policy(POLICY))

    def route(origin: str, destination: str) -> Any:
        report = trace_routes(network, origin, destination, k=3, policy=POLICY)
        return interactive.route_map(report, network)

    maps = {
        "route-map-us-jp.png": route("United States", "Japan"),
        "route-map-gb-sg.png": route("United Kingdom", "Singapore"),
        EMBEDDED: route("Philippines", "United States"),
        "risk-map.png": interactive.risk_map(network, flags),
        "risk-map-vn.png": interactive.risk_map(network, flags, country="Vietnam"),
    }
    out = {}
    for name, folium_map in maps.items():
        path = folder / name.replace(".png", ".html")
        if name == EMBEDDED:
            fragment = interactive.to_embed(folium_map, self_contained=True)
            text = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>brief</title>'
                f'</head><body><main style="width: {COLUMN_PX}px; margin: 16px auto">'
                f"{fragment}</main></body></html>"
            )
        else:
            text = interactive.to_html(folium_map, self_contained=True)
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def shoot(chromium: Path, sources: dict[str, Path], target: Path) -> None:
    """Open each page offline and save a palette PNG of it into ``target``."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        for name, source in sources.items():
            page = context.new_page()
            page.goto(source.as_uri())
            page.wait_for_selector(".cablemap-legend")
            page.wait_for_timeout(500)
            shot = (
                page.locator(".cablemap-embed").screenshot()
                if name == EMBEDDED
                else page.screenshot()
            )
            image = Image.open(io.BytesIO(shot)).convert("RGB")
            image.quantize(colors=256).save(target / name, optimize=True)  # a third the size
            size = (target / name).stat().st_size
            print(f"{target / name}: {image.width}x{image.height}, {size / 1e3:.0f} kB")
            page.close()
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # xyzservices' notes about tile providers
    if not args.chromium.exists():
        print(
            f"screenshots: {args.chromium} is missing (apt-get install chromium)", file=sys.stderr
        )
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shoot(args.chromium, pages(args.data, Path(tmp)), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
