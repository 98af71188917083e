"""The web app (cablemap.web): parameters, errors, headers, escaping, downloads, serving.

The tests talk HTTP to the app served on 127.0.0.1 (a free port) by
:func:`cablemap.web.serve.running`, on the hand-made mini fixture whose cable
``gamma-strait`` has a ``<script>`` name and hostile owners. The browser tests (Chromium,
real data) live in ``test_web_browser.py``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from cablemap.analysis.query import trace_routes
from cablemap.dataset.load import load_dataset
from cablemap.errors import UserError
from cablemap.network.graph import Network, build_network
from cablemap.web.security import PAGE_CSP, script_hashes
from cablemap.web.serve import bind, exposure_warning, running

HOSTILE_NAME = "Gamma <script>alert(\"x\")</script> & 'Strait'"
POLICY = "clean-network-2020"
HOSTILE_ROUTE = f"/route?from=China&to=Taiwan&policy={POLICY}"


@pytest.fixture(scope="module")
def mini() -> Network:
    from conftest import MINI_V3

    return build_network(load_dataset(MINI_V3))


@pytest.fixture(scope="module")
def client(mini: Network) -> Iterator[Any]:
    with running(mini) as base, httpx.Client(base_url=base, timeout=120) as http:
        yield http


def alert_text(page: str) -> str:
    """The one-line message of an error page, unescaped."""
    import html

    match = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.DOTALL)
    assert match, page[-500:]
    return html.unescape(match.group(1))


# --- pages and their answers ---------------------------------------------------------


def test_route_page_shows_what_trace_routes_answers(client: Any, mini: Network) -> None:
    response = client.get(HOSTILE_ROUTE)
    assert response.status_code == 200
    report = trace_routes(mini, "China", "Taiwan", k=3, policy=POLICY)
    page = response.text
    assert f"Routes from {report.origin.name} to {report.destination.name}" in page
    best = report.routes[0]
    assert f"{best.km:,.0f} km, {best.latency_ms:.1f} ms one way" in page
    assert page.count('<tr class="flagged">') >= len(report.direct_cables) > 0
    assert "clean-cable-landing" in page  # the rule that flags the cable, with its reason
    assert 'id="source-1"' in page  # ... and its numbered source
    assert f'src="/route/map?from=China&amp;policy={POLICY}&amp;to=Taiwan"' in page


def test_cuts_and_resilience_are_part_of_the_answer(client: Any, mini: Network) -> None:
    query = "from=Japan&to=United+States&cut_in=red-sea&cut=beta-south&resilience=1"
    page = client.get(f"/route?{query}").text
    report = trace_routes(
        mini, "Japan", "United States", k=3, cut_in=["red-sea"], cut=["beta-south"], resilience=True
    )
    assert report.resilience is not None
    assert f"Resilience: {report.resilience.disjoint_routes} routes that share no cable" in page
    assert "red-sea (region: 0 cables, 0 segments)" in page
    assert "beta-south (cable: 1 cables, 0 segments)" in page


def test_hostile_names_are_escaped_everywhere(client: Any) -> None:
    page = client.get(HOSTILE_ROUTE).text
    assert "Gamma &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Strait&#39;" in page
    assert "<script" not in page  # the app's pages carry no script at all
    assert "<b>Telecom</b>" not in page and "O&#39;Brien &amp; Sons &lt;b&gt;" in page
    stations = client.get("/stations?country=CN,TW").text
    assert "<script" not in stations


def test_country_carrier_stations_and_world_pages_answer(client: Any) -> None:
    country = client.get(f"/country?place=Taiwan&policy={POLICY}")
    assert country.status_code == 200 and "<h1>Taiwan</h1>" in country.text
    carrier = client.get("/carrier?entity=China+Telecom")
    assert carrier.status_code == 200 and "China Telecom" in carrier.text
    stations = client.get(f"/stations?policy={POLICY}&risky=1")
    assert stations.status_code == 200 and "Shanghai, China" in stations.text
    world = client.get(f"/world?policy={POLICY}")
    assert world.status_code == 200
    assert f'src="/world/map?policy={POLICY}"' in world.text
    for path in ("/", "/route", "/country", "/carrier", "/world"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/route?from=China&to=Taiwan&k=0", 400, "k 0 is not in the range 1 to 10"),
        ("/route?from=China&to=Taiwan&k=two", 400, "k 'two' is not a whole number"),
        ("/route?from=China&to=Taiwan&bogus=1", 400, "unknown parameter 'bogus'"),
        ("/route?from=China", 400, "to is missing"),
        ("/route?from=China&to=Narnia", 404, "unknown country, city or landing station"),
        ("/route?from=China&to=China", 400, "both ends are in China (CN)"),
        ("/route?from=China&to=Taiwan&policy=../../etc/passwd", 400, "policy '../../etc"),
        ("/route?from=China&to=Taiwan&cut_in=/tmp/x.geojson", 400, "cut_in '/tmp/x.geojson'"),
        ("/route?from=China&to=Taiwan&policy_date=2025-01-01", 400, "policy_date needs policy"),
        (f"/route?from=China&to=Taiwan&policy={POLICY}&policy_date=2025-13-01", 400, "YYYY"),
        ("/route?from=China&to=Taiwan&avoid_flagged=1", 400, "avoid_flagged needs policy"),
        ("/route?from=China&to=Taiwan&planned=maybe", 400, "planned 'maybe' is not on or off"),
        ("/route?from=China&to=Taiwan&as_of=1200", 400, "as_of 1200 is not in the range"),
        (
            "/route?from=China&to=Taiwan&change_cost=nan",
            400,
            "change_cost 'nan' is not in the range 0 to 100000",
        ),
        ("/route?from=China&from=Japan&to=Taiwan", 400, "from is given 2 times"),
        ("/route?from=China&to=Taiwan&cut=no-such-cable", 400, "no-such-cable"),
        ("/stations?risky=1", 400, "risky needs policy"),
        ("/world?country=TW", 400, "policy is missing"),
        ("/carrier?entity=Nobody+At+All", 400, "Nobody At All"),
        ("/country?place=Atlantis", 404, "Atlantis"),
        ("/route/download/passwd?from=China&to=Taiwan", 400, "no download 'passwd' here"),
        ("/static/%2e%2e/templates/base.html", 404, "no page at"),
        ("/static/..%2fweb%2fapp.py", 404, "no page at"),
        ("/no/such/page", 404, "no page at /no/such/page"),
    ],
)
def test_bad_parameters_give_a_one_line_error_page(
    client: Any, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text[-300:]
    text = alert_text(response.text)
    assert message in text, text
    assert "\n" not in text and "Traceback" not in response.text


def test_an_overlong_value_is_refused(client: Any) -> None:
    response = client.get("/route?from=" + "x" * 500 + "&to=Taiwan")
    assert response.status_code == 400
    assert alert_text(response.text) == "from is longer than 200 characters"


def test_post_is_not_allowed(client: Any) -> None:
    response = client.post("/route", data={"from": "China"})
    assert response.status_code == 405
    assert "answers GET requests only" in alert_text(response.text)


def test_a_bug_is_a_one_line_page_not_a_traceback(client: Any, monkeypatch: Any) -> None:
    from cablemap.web import engine

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(engine.Engine, "route", broken)
    response = client.get(HOSTILE_ROUTE)
    assert response.status_code == 500
    assert alert_text(response.text).startswith("internal error: ZeroDivisionError")
    assert "boom" not in response.text and "Traceback" not in response.text


# --- headers -------------------------------------------------------------------------


def test_pages_send_a_policy_that_allows_no_script(client: Any) -> None:
    for url in (HOSTILE_ROUTE, "/", "/static/style.css", "/no/such/page"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == PAGE_CSP, url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in PAGE_CSP and "default-src 'none'" in PAGE_CSP


def test_a_map_page_may_run_exactly_its_own_two_scripts(client: Any) -> None:
    response = client.get(HOSTILE_ROUTE.replace("/route?", "/route/map?"))
    assert response.status_code == 200
    page = response.text
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert len(scripts) == 2  # Leaflet and the map's own; the hostile name is no script
    expected = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    ]
    csp = response.headers["content-security-policy"]
    assert f"script-src {' '.join(expected)};" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "img-src data: https://tile.openstreetmap.org;" in csp
    assert "frame-ancestors 'self'" in csp


def test_script_hashes_skip_scripts_with_a_source() -> None:
    page = '<script src="/x.js"></script><script type="module">a()</script>'
    digest = base64.b64encode(hashlib.sha256(b"a()").digest()).decode()
    assert script_hashes(page) == [f"'sha256-{digest}'"]


def test_a_foreign_host_header_is_refused(client: Any) -> None:
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400  # DNS rebinding: the page is not served


# --- downloads -----------------------------------------------------------------------


def download(client: Any, name: str, query: str = HOSTILE_ROUTE.split("?")[1]) -> Any:
    response = client.get(f"/route/download/{name}?{query}")
    assert response.status_code == 200, response.text[-300:]
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="cablemap-China-Taiwan-{name}"'
    return response


def test_route_json_is_the_cli_contract(client: Any, mini: Network) -> None:
    body = download(client, "route.json").json()
    expected = trace_routes(mini, "China", "Taiwan", k=3, policy=POLICY).as_dict()
    assert body == json.loads(json.dumps(expected))


def test_route_csv_geojson_and_images(client: Any) -> None:
    csv = download(client, "routes.csv").text
    assert csv.startswith("# ") and "Cable data: TeleGeography" in csv.splitlines()[0]
    assert csv.splitlines()[1].startswith("rank,")
    geojson = download(client, "route.geojson").json()
    assert geojson["type"] == "FeatureCollection" and geojson["features"]
    assert download(client, "route.png").content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = download(client, "route.svg").text
    assert "<svg" in svg and "<script" not in svg


def test_reports_download_as_html_and_as_markdown_with_its_files(client: Any) -> None:
    page = download(client, "report.html").text
    assert "<h1>Routes from China to Taiwan under Clean Network 2020" in page
    assert "Gamma &lt;script&gt;" in page
    archive = zipfile.ZipFile(io.BytesIO(download(client, "report-md.zip").content))
    assert sorted(archive.namelist()) == ["report-map.html", "report.md", "report.png"]
    assert "# Routes from China to Taiwan" in archive.read("report.md").decode()


def test_routes_download_as_a_geopackage(client: Any, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "routes.gpkg"
    path.write_bytes(download(client, "routes.gpkg").content)
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"cables", "segments", "stations", "routes"} <= layers
    routes = gpd.read_file(path, layer="routes")
    assert len(routes) >= 1 and routes.crs.to_epsg() == 4326


def test_lookup_downloads(client: Any) -> None:
    country = client.get(f"/country/download/country.json?place=Taiwan&policy={POLICY}")
    assert country.json()["place"]["iso2"] == "TW"
    csv = client.get("/country/download/country.csv?place=Taiwan").text
    assert csv.startswith("# ")
    carrier = client.get("/carrier/download/carrier.json?entity=China+Telecom").json()
    assert carrier["entity"]["id"] == "china-telecom"
    stations = client.get(f"/stations/download/stations.geojson?policy={POLICY}&risky=1")
    names = {f["properties"]["name"] for f in stations.json()["features"]}
    assert "Shanghai, China" in names
    world = client.get(f"/world/download/world.html?policy={POLICY}")
    assert world.status_code == 200 and "leaflet" in world.text.lower()
    assert world.headers["content-disposition"].endswith('world.html"')


# --- serving -------------------------------------------------------------------------


def test_concurrent_requests_all_get_their_own_answer(mini: Network) -> None:
    urls = [
        HOSTILE_ROUTE,
        "/route?from=Japan&to=United+States",
        f"/country?place=Taiwan&policy={POLICY}",
        "/carrier?entity=China+Telecom",
        f"/stations?policy={POLICY}",
        "/route/download/route.json?from=Japan&to=United+States",
        "/route?from=China&to=Narnia",
    ]
    with running(mini) as base, httpx.Client(base_url=base, timeout=60) as http:
        alone = {url: (http.get(url).status_code, http.get(url).text) for url in urls}
        with ThreadPoolExecutor(max_workers=8) as pool:
            together = list(pool.map(lambda u: (u, http.get(u)), urls * 3))
    assert len(together) == 21
    for url, response in together:
        assert (response.status_code, response.text) == alone[url], url
    assert alone["/route?from=China&to=Narnia"][0] == 404


def test_a_busy_port_is_a_one_line_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=rf"cannot listen on 127.0.0.1:{port}: .*--port"):
            bind("127.0.0.1", port)


def test_only_a_non_local_host_draws_a_warning() -> None:
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None and "other machines" in warning


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch: Any, capsys: Any) -> None:
    from cablemap.cli import main

    monkeypatch.setitem(sys.modules, "starlette", None)  # import starlette -> ImportError
    with pytest.raises(SystemExit) as stopped:
        main(["serve"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "cablemap: error: cablemap serve needs starlette (the web extra): "
        "pip install 'cablemap[web]'"
    )


def test_cablemap_serve_listens_on_localhost_and_answers(tmp_path: Path) -> None:
    from conftest import MINI_V3, REPO

    command = [sys.executable, "-m", "cablemap", "--data", str(MINI_V3), "serve", "--port", "0"]
    env = {"PYTHONPATH": str(REPO), "CABLEMAP_CACHE_DIR": str(tmp_path / "cache")}
    import os

    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}, cwd=REPO
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.fullmatch(
            r"cablemap web app at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)\n", line
        )
        assert match, line
        response = httpx.get(match.group(1) + "route?from=Japan&to=United+States", timeout=60)
        assert response.status_code == 200 and "Alpha Pacific" in response.text
    finally:
        process.terminate()
        process.wait(timeout=20)
