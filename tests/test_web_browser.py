"""The web app in a real browser: Debian's Chromium driven by Playwright, network refused.

The app is served on 127.0.0.1 by the test (:func:`cablemap.web.serve.running`); every
request to anywhere else (map tiles) is refused, as in the other browser tests. Console
errors, page errors and dialogs are collected: a Content-Security-Policy violation or
an injected ``alert`` would show up there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cablemap.analysis.query import trace_routes
from cablemap.dataset.load import load_dataset
from cablemap.network.graph import Network, build_network
from cablemap.render import interactive
from cablemap.web.serve import running

pytestmark = pytest.mark.browser

POLICY = "clean-network-2020"
HOSTILE_NAME = "Gamma <script>alert(\"x\")</script> & 'Strait'"


@pytest.fixture(scope="module")
def real() -> Network:
    from conftest import OPEN_ROOT, _require

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def real_url(real: Network) -> Iterator[str]:
    with running(real) as url:
        yield url


@pytest.fixture(scope="module")
def mini_url() -> Iterator[str]:
    from conftest import MINI_V3

    with running(build_network(load_dataset(MINI_V3))) as url:
        yield url


class Seen:
    """What went wrong in a page: console errors, page errors, dialogs."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    def problems(self) -> list[str]:
        """Everything but the refused map tiles."""
        local = [m for m in self.console if "Failed to load resource" not in m]
        return local + self.errors + self.dialogs


@contextmanager
def browsing(browser: Any, base: str) -> Iterator[tuple[Any, Seen]]:
    """A page that may load only from ``base``; downloads accepted."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    page = context.new_page()
    seen = Seen()
    page.on("console", lambda m: seen.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        yield page, seen
    finally:
        context.close()


def test_route_form_map_direct_cables_carrier_and_report(
    browser: Any, real: Network, real_url: str, tmp_path: Path
) -> None:
    report = trace_routes(real, "United States", "Japan", k=3, policy=POLICY)
    with browsing(browser, real_url) as (page, seen):
        page.goto(real_url)
        form = page.locator("form[action='/route']")
        form.locator("input[name='from']").fill("United States")
        form.locator("input[name='to']").fill("Japan")
        form.locator("select[name='policy']").select_option(POLICY)
        form.locator("button").click()
        page.wait_for_url("**/route?*")
        assert "from=United+States" in page.url and f"policy={POLICY}" in page.url
        assert page.locator("h1").inner_text() == "Routes from United States to Japan"

        frame = page.frame_locator("iframe.map")
        frame.locator(f"path.{interactive.ROUTE_CLASS}").first.wait_for(timeout=60_000)
        assert frame.locator(f"path.{interactive.ROUTE_CLASS}").count() >= len(report.routes)
        assert frame.locator(f"path.{interactive.FLAGGED_CLASS}").count() > 0
        assert frame.locator(f".{interactive.LEGEND_CLASS}").is_visible()

        rows = page.locator("table.direct tbody tr")
        assert rows.count() == len(report.direct_cables) > 0
        names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
        assert names == [cable.name for cable in report.direct_cables]

        with page.expect_download() as pending:
            page.locator("a[href^='/route/download/report.html']").click()
        saved = tmp_path / "report.html"
        pending.value.save_as(saved)
        assert "<h1>Routes from United States to Japan under Clean Network 2020" in (
            saved.read_text(encoding="utf-8")
        )

        link = page.locator("table.direct a[href^='/carrier?entity=']").first
        carrier_name = link.inner_text()
        link.click()
        page.wait_for_url("**/carrier?entity=*")
        assert page.locator("h1").inner_text()  # the entity's registry name
        cables = page.locator("table").last.inner_text()
        assert any(name in cables for name in names), carrier_name
        assert seen.problems() == []


def test_world_country_and_stations_pages_render(browser: Any, real_url: str) -> None:
    with browsing(browser, real_url) as (page, seen):
        page.goto(f"{real_url}world?policy={POLICY}")
        frame = page.frame_locator("iframe.map")
        frame.locator(f"path.{interactive.RISKY_STATION_CLASS}").first.wait_for(timeout=60_000)
        page.goto(f"{real_url}country?place=Vietnam&policy={POLICY}")
        assert page.locator("h1").inner_text() == "Vietnam"
        page.locator("a", has_text="Its landing stations ranked").click()
        page.wait_for_url("**/stations?*")
        assert page.locator("table.stations tbody tr").count() > 0
        assert seen.problems() == []


def test_hostile_names_show_as_text(browser: Any, mini_url: str) -> None:
    with browsing(browser, mini_url) as (page, seen):
        page.goto(f"{mini_url}route?from=China&to=Taiwan&policy={POLICY}")
        cell = page.locator("table.direct tbody tr td").first
        assert cell.inner_text() == HOSTILE_NAME
        assert page.locator("main script, main b, main img").count() == 0
        frame = page.frame_locator("iframe.map")
        frame.locator(f"path.{interactive.ROUTE_CLASS}").first.wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        assert seen.problems() == []  # no alert ran, no CSP violation


def test_bad_parameters_show_a_clear_error_page(browser: Any, mini_url: str) -> None:
    with browsing(browser, mini_url) as (page, seen):
        page.goto(mini_url + "route")
        form = page.locator("form[action='/route']")
        form.locator("input[name='from']").fill("China")
        form.locator("input[name='to']").fill("Narnia")
        form.locator("button").click()
        page.wait_for_url("**/route?*")
        assert page.locator("h1").inner_text() == "Not found"
        alert = page.get_by_role("alert")
        assert alert.inner_text().startswith("unknown country, city or landing station 'Narnia'")
        response = page.goto(mini_url + "route?from=China&to=Taiwan&k=0")
        assert response is not None and response.status == 400
        assert page.get_by_role("alert").inner_text() == "k 0 is not in the range 1 to 10"
        assert [m for m in seen.problems() if "status of 40" not in m] == []
