"""Markdown escaping: raw text stays readable, rendered text is the text given."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from cablemap.render.markdown import md_block, md_cell, md_table, md_text

RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _seen(markdown: str) -> str:
    """What a reader sees: rendered, tags dropped, entities decoded."""
    rendered = RENDER.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize(
    "text",
    [
        "42.2 ms one way",
        "SEA-US",
        "AT&T (US); BT (GB)",
        "Unity/EAC-Pacific",
        "PCCW Limited (HQ HK; the state of CN holds ~18%)",
        "snake_case_name",
        "Telia Eesti (formerly Eesti Telekom, Elion)",
        "https://2017-2021.state.gov/announcing-the-expansion/",
    ],
)
def test_ordinary_text_is_written_as_it_is(text):
    assert md_text(text) == text
    assert _seen(md_block(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "1. No flags",
        "2) two",
        "# not a heading",
        "- not a list",
        "+ not a list",
        "* not a list",
        "> not a quote",
        "---",
        "[1]: https://evil.example/ definition",
        "Gamma <script>alert(\"x\")</script> & 'Strait'",
        "[click](https://evil.example/phish) ![t](https://evil.example/p.png)",
        "*bold* and _em_ and ~~gone~~ and `code` and $x$",
        "a &amp; b &#169; c",
        "back\\slash \\* and end \\",
        "O'Brien & Sons <b>Telecom</b>",
    ],
)
def test_markup_in_the_data_renders_as_the_text_given(text):
    assert _seen(md_block(text)) == text
    assert "<a " not in RENDER.render(md_block(text))
    assert "<img" not in RENDER.render(md_block(text))


def test_a_list_item_never_starts_another_block():
    for text in ("1. No flags", "# h", "> q", "- x", "[1]: https://evil.example/"):
        rendered = RENDER.render(f"- {md_block(text)}")
        assert rendered.count("<li>") == 1 and "<ol" not in rendered and "<h1" not in rendered
        assert _seen(f"- {md_block(text)}") == text


def test_a_pipe_stays_inside_its_cell():
    table = "\n".join(md_table(["a", "b"], [["x | y", "z"], ["", "w"]]))
    rendered = RENDER.render(table)
    assert rendered.count("<tr>") == 3
    assert "<td>x | y</td>\n<td>z</td>" in rendered and "<td></td>\n<td>w</td>" in rendered
    assert md_cell("x | y") == "x \\| y"


def test_line_breaks_fold_to_spaces():
    assert md_text("two\nlines\r\n  here") == "two lines here"
