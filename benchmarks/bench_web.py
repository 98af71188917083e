"""Benchmark: the web app's pages, over HTTP, as a browser asks for them.

Loads the real open snapshot, serves the app on 127.0.0.1 (a free port) in this process
and times HTTP GETs with httpx: the first route page under a policy (its flags are
computed then), then route pages for several pairs of countries (each question new, so
nothing is served from a cache), the same page again, the route map page (rendered,
then cached), and the other pages. Prints the median and the slowest of each.

Run: ``PYTHONPATH=. python benchmarks/bench_web.py [--runs 5] [--data PATH]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "open-undersea-cable-map"
POLICY = "clean-network-2020"
PAIRS = [("US", "JP"), ("GB", "SG"), ("FR", "IN"), ("PH", "US"), ("BR", "PT"), ("AU", "NZ")]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import machine  # noqa: E402


def timed(http: httpx.Client, url: str) -> float:
    """Seconds for one GET of ``url`` (which must answer 200)."""
    start = time.perf_counter()
    response = http.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed


def row(label: str, seconds: list[float]) -> str:
    """One line: median and slowest in milliseconds."""
    median, worst = statistics.median(seconds) * 1000, max(seconds) * 1000
    return f"{label:<44} median {median:6.0f} ms   max {worst:6.0f} ms   ({len(seconds)} GETs)"


def main() -> None:
    """Serve the app and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from cablemap.network.persist import load_or_build_network
    from cablemap.web.serve import running

    start = time.perf_counter()
    network = load_or_build_network(args.data)
    loaded = time.perf_counter() - start
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    print(f"data: {args.data}; network loaded in {loaded:.1f} s (before serving)")
    start = time.perf_counter()
    with running(network) as base, httpx.Client(base_url=base, timeout=120) as http:
        print(f"server up in {time.perf_counter() - start:.1f} s (tables and registry read)")
        route = "/route?from={}&to={}&policy=" + POLICY
        first = timed(http, route.format(*PAIRS[0]))
        print(row("first route page (the policy's flags computed)", [first]))
        fresh = [timed(http, route.format(a, b)) for a, b in PAIRS[1:]]
        print(row("route page, a new question each time", fresh))
        again = [timed(http, route.format(*PAIRS[0])) for _ in range(args.runs)]
        print(row("route page, US-JP again", again))
        maps = "/route/map?from={}&to={}&policy=" + POLICY
        rendered = [timed(http, maps.format(a, b)) for a, b in PAIRS[1:]]
        print(row("route map page, first time (rendered)", rendered))
        cached = [timed(http, maps.format(*PAIRS[1])) for _ in range(args.runs)]
        print(row("route map page, again (cached)", cached))
        pages = {
            "country page (VN)": f"/country?place=VN&policy={POLICY}",
            "carrier page (China Mobile)": "/carrier?entity=China+Mobile",
            "risky stations page (US)": f"/stations?country=US&policy={POLICY}&risky=1",
        }
        for label, url in pages.items():
            print(row(label, [timed(http, url) for _ in range(args.runs)]))


if __name__ == "__main__":
    main()
