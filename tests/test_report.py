"""Reports: HTML and Markdown, escaping of hostile strings, nothing lost on failure."""

from __future__ import annotations

import re

import pytest

from cablemap.analysis.query import trace_routes


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


def test_html_report_on_real_data(network, tmp_path):
    from cablemap.render.report import write_report

    path = tmp_path / "report.html"
    (written,) = write_report(
        network, "United States", "Japan", path, policy="clean-network-2020", k=3
    )
    text = written.read_text()
    assert "<h1>Routes from United States to Japan under Clean Network 2020" in text
    clean = trace_routes(
        network, "United States", "Japan", policy="clean-network-2020", avoid_flagged=True
    ).clean
    assert f"Best clean route: {clean['clean_km']:,.0f} km" in text
    assert f"detour +{clean['detour_km']:,.0f} km" in text
    assert "data:image/png;base64," in text
    assert "Sources of the flags" in text and "2017-2021.state.gov" in text
    assert "TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0)" in text
    assert "China Telecom (CN)" in text and "Chunghwa Telecom (TW)" in text
    # self-contained: no external scripts or styles
    assert not re.search(r"<script[^>]+src=['\"]https?://", text)
    assert not re.search(r"<link[^>]+href=['\"]https?://", text)


def test_markdown_report_writes_image_and_map_beside_it(network, tmp_path):
    from cablemap.render.report import write_report

    path = tmp_path / "us-jp.md"
    written = write_report(network, "US", "JP", path, policy="clean-network-2020", k=2)
    assert [p.name for p in written] == ["us-jp.md", "us-jp.png", "us-jp-map.html"]
    text = path.read_text()
    assert "![Routes from United States to Japan" in text and "(<us-jp.png>)" in text
    assert "| # | kind | cable |" in text
    assert (tmp_path / "us-jp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _rendered(markdown: str) -> str:
    """Markdown as GitHub would show it (CommonMark, tables, strikethrough, raw HTML on)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def _visible(rendered_html: str) -> str:
    """The text a reader sees in rendered HTML: tags dropped, entities decoded."""
    import html

    inline = re.sub(r"</?(?:strong|em|a|code)\b[^>]*>", "", rendered_html)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def test_report_escapes_hostile_strings(mini_root, tmp_path):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.render.report import write_report

    network = build_network(load_dataset(mini_root))
    hostile = "Gamma <script>alert(\"x\")</script> & 'Strait'"
    for suffix in (".html", ".md"):
        path = tmp_path / f"r{suffix}"
        write_report(network, "shanghai-china", "toucheng-taiwan", path, k=1)
        text = path.read_text()
        if suffix == ".html":
            assert "<script>alert" not in text
            assert (
                "Gamma &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Strait&#x27;"
            ) in text
            assert "O&#x27;Brien &amp; Sons &lt;b&gt;Telecom&lt;/b&gt;" in text
        else:
            # raw: readable, with a backslash only before the "<" that would open a tag
            assert "Gamma \\<script>alert(\"x\")\\</script> & 'Strait'" in text
            assert "O'Brien & Sons \\<b>Telecom\\</b>" in text
            rendered = _rendered(text)
            assert "<script" not in rendered and "<b>Telecom" not in rendered
            assert hostile in _visible(rendered)
            assert "O'Brien & Sons <b>Telecom</b>" in _visible(rendered)


def test_markdown_report_reads_as_written_raw_and_rendered(network, tmp_path):
    from cablemap.render.report import write_report

    path = tmp_path / "us-jp.md"
    write_report(network, "US", "JP", path, policy="clean-network-2020", k=3)
    raw = path.read_text()
    for misread in ("\\.", "\\-", "\\(", "&amp;", "\\[1\\]"):
        assert misread not in raw, misread
    assert "36.9 ms" in raw and "Japan-U.S. Cable Network (JUS)" in raw and "AT&T (US)" in raw
    rendered = _rendered(raw)
    seen = _visible(rendered)
    assert "\\" not in seen and "&amp;" not in seen
    report = trace_routes(network, "US", "JP", k=3, policy="clean-network-2020")
    stations = network.stations
    for cable in report.direct_cables:
        assert cable.name in seen
        assert all(stations[s].name in seen for s in cable.from_stations)
    for hop in (h for route in report.routes for h in route.hops):
        assert hop.cable_name in seen and stations[hop.to_station].name in seen
    # owners: five, then "and N more" (JUS has 24); every table row stays one row
    assert "Chunghwa Telecom (TW); and 19 more" in seen
    assert rendered.count("<tr>") == sum(1 + len(rows) for rows in _tables(raw))
    assert "not in registry: the owner or supplier is not in cablemap's carrier registry" in seen
    assert "assumed link: a terrestrial backhaul hop" in seen
    assert "Data: TeleGeography Submarine Cable Map, open copy" in seen
    assert "Policy: Clean Network 2020: Clean Carrier and Clean Cable." in seen


def _tables(raw: str) -> list[list[str]]:
    """The body rows of each pipe table in raw Markdown."""
    tables: list[list[str]] = []
    lines = raw.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            rows = []
            for row in lines[i + 1 :]:
                if not row.startswith("| "):
                    break
                rows.append(row)
            tables.append(rows)
    return tables


def test_no_flags_is_a_sentence_not_a_list_item(mini_root, tmp_path):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.render.report import write_report

    network = build_network(load_dataset(mini_root))
    for suffix in (".md", ".html"):
        path = tmp_path / f"r{suffix}"
        write_report(network, "shanghai-china", "toucheng-taiwan", path, k=1)
        text = path.read_text()
        shown = _rendered(text) if suffix == ".md" else text
        assert "<p>No policy was applied, so nothing is flagged.</p>" in shown
        assert "<ol>" not in shown


def test_bad_suffix_and_existing_file_kept(network, tmp_path):
    from cablemap.errors import UserError
    from cablemap.render.report import write_report

    with pytest.raises(UserError, match=r"must end in \.html or \.htm or \.md or \.pdf"):
        write_report(network, "US", "JP", tmp_path / "report.docx")
    existing = tmp_path / "report.html"
    existing.write_text("keep me")
    with pytest.raises(Exception, match="unknown country"):
        write_report(network, "Atlantis", "JP", existing)
    assert existing.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.browser
def test_html_report_in_a_browser(browser, network, tmp_path):
    from browser import assert_not_blank, opened

    from cablemap.render import interactive
    from cablemap.render.report import write_report

    path = tmp_path / "report.html"
    write_report(network, "United States", "Japan", path, policy="clean-network-2020", k=3)
    report = trace_routes(network, "United States", "Japan", k=3, policy="clean-network-2020")
    pieces = sum(
        len(h.segment_ids) if h.kind == "cable" else 1
        for route in report.routes
        for h in route.hops
    )
    with opened(browser, path) as page:
        assert page.errors == [] and page.dialogs == []
        drawn = page.page.locator(f"path.{interactive.ROUTE_CLASS}").count()
        assert drawn == pieces
        assert page.page.locator(f".{interactive.LEGEND_CLASS}").is_visible()
        assert page.page.locator("img.static").evaluate("img => img.naturalWidth") > 1000
        assert page.page.locator("h2", has_text="Sources of the flags").count() == 1
        assert_not_blank(page.page.screenshot(full_page=False))


def test_markdown_report_defuses_markdown_in_the_data(mini_root, tmp_path):
    import json

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.render.report import write_report

    detail = mini_root / "cable" / "gamma-strait.json"
    doc = json.loads(detail.read_text())
    doc["name"] = "[click](https://evil.example/phish) ![t](https://evil.example/p.png)"
    detail.write_text(json.dumps(doc))
    network = build_network(load_dataset(mini_root))
    path = tmp_path / "my report.md"
    write_report(network, "shanghai-china", "toucheng-taiwan", path, k=1)
    text = path.read_text()
    assert "![t]" not in text and "!\\[t\\](https://evil.example/p.png)" in text
    assert "\\[click\\](https://evil.example/phish)" in text
    rendered = _rendered(text)
    assert (
        "<a " not in rendered.split("Interactive map")[0]
        and '<img src="https://evil' not in rendered
    )
    assert doc["name"] in _visible(rendered)
    assert "(<my report.png>)" in text
