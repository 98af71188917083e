"""Screenshots of the interactive maps for the docs (``docs/images/``).

Builds, from the real open snapshot with clean-network-2020, the United States - Japan
route map (k=3) and the world risk map, writes them as self-contained pages, opens them in
headless Chromium (Debian's ``/usr/bin/chromium`` driven by Playwright) with every
request but ``file:`` refused, as a reader offline would see them (the land comes from
the shipped basemap, the tiles are missing), and saves PNG screenshots reduced to a
256-colour palette.

Run: ``python benchmarks/screenshots.py [--out docs/images] [--chromium /usr/bin/chromium]``
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import warnings
from pathlib import Path

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


def pages(data: Path, folder: Path) -> dict[str, Path]:
    """Write the two self-contained pages; their screenshot names -> paths."""
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.policy.rules import load_policy
    from cablemap.render import interactive

    network = build_network(load_dataset(data))
    report = trace_routes(network, "United States", "Japan", k=3, policy=POLICY)
    flags = policy_flags(network, load_policy(POLICY))
    maps = {
        "route-map-us-jp.png": interactive.route_map(report, network),
        "risk-map.png": interactive.risk_map(network, flags),
    }
    out = {}
    for name, folium_map in maps.items():
        path = folder / name.replace(".png", ".html")
        path.write_text(interactive.to_html(folium_map, self_contained=True), encoding="utf-8")
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
            image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
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
