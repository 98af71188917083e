"""Hostile text and careless runs meeting the outputs: CSV cells, terminals, SVG, files."""

import csv
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from cablemap.sanitize import csv_cell, csv_safe_frame, terminal_text, xml_text

HOSTILE = '=HYPERLINK("http://evil.example")\x1b]0;pwned\x07\x1b[31mChikura\x00\x9b2J\r'


from conftest import run_cablemap as run  # noqa: E402


def rename_station(root: Path, old: str, new: str) -> None:
    """Give a landing station of the mini fixture a new name, in every file naming it."""
    for path in root.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        if old in text:
            # through json.dumps so control characters are valid JSON escapes
            path.write_text(text.replace(json.dumps(old), json.dumps(new)), encoding="utf-8")


# Item 4: CSV formula injection ------------------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cell_neutralises_each_formula_prefix(prefix):
    assert csv_cell(f"{prefix}1+1") == f"'{prefix}1+1"


def test_csv_cell_keeps_numbers_and_plain_text():
    assert csv_cell(-268.5) == -268.5
    assert csv_cell(-3) == -3
    assert csv_cell("Chikura, Japan") == "Chikura, Japan"
    assert csv_cell(None) is None


def test_stations_csv_neutralises_a_formula_name(mini_root, isolated_cache):
    rename_station(mini_root, "Chikura, Japan", '=HYPERLINK("http://evil.example"), Japan')
    result = run("--data", str(mini_root), "stations", "--format", "csv", cache=isolated_cache)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# ")  # the terms come first (issue 12)
    rows = list(csv.reader(line for line in lines if not line.startswith("# ")))
    names = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example"), Japan' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_comment_lines_hold_no_formula():
    from cablemap.sanitize import csv_comment

    line = csv_comment("data /tmp/x,=HYPERLINK(1), +2,-3, plain")
    assert line == "# data /tmp/x,'=HYPERLINK(1), '+2,'-3, plain\n"
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in line.split(","))


def test_matrix_csv_neutralises_text_and_keeps_negative_numbers(tmp_path):
    from cablemap.analysis.matrix import write_matrix

    frame = pd.DataFrame(
        {"from": ["=cmd|' /C calc'!A0", "@SUM(1)"], "to": ["JP", "-x"], "km": [-268.5, 12.0]}
    )
    path = write_matrix(frame, tmp_path / "m.csv")
    back = pd.read_csv(path)
    assert list(back["from"]) == ["'=cmd|' /C calc'!A0", "'@SUM(1)"]
    assert list(back["to"]) == ["JP", "'-x"]
    assert list(back["km"]) == [-268.5, 12.0]  # numbers stay numbers
    assert list(frame["from"]) == ["=cmd|' /C calc'!A0", "@SUM(1)"]  # input not mutated


def test_matrix_csv_reads_back_the_values_it_was_written_from(tmp_path):
    """Issue 11: the quote that neutralises a formula is removed again on reading."""
    from cablemap.analysis.matrix import read_matrix, write_matrix

    names = ['=HYPERLINK("http://evil.example")', "+1", "-x", "@a", "'s-Hertogenbosch", "''"]
    frame = pd.DataFrame(
        {"from": names, "to": ["JP", "'Ewa Beach", "\tTab", "Plain", "=1", "US"]}
    ).assign(km=[-268.5, 12.0, 0.0, 1.5, -3.25, 7.0])
    path = write_matrix(frame, tmp_path / "m.csv")
    written = pd.read_csv(path, keep_default_na=False)
    assert list(written["from"]) == ["'" + name for name in names]  # every one quoted
    assert written.loc[4, "to"] == "'=1" and written.loc[3, "to"] == "Plain"
    back = read_matrix(path)
    assert list(back["from"]) == names
    assert list(back["to"]) == list(frame["to"])
    assert list(back["km"]) == list(frame["km"])


def test_csv_cell_quotes_a_leading_quote_so_reading_back_is_exact():
    from cablemap.sanitize import csv_value

    for text in ("'s-Hertogenbosch", "'", "=1", "plain", "''=x"):
        assert csv_value(csv_cell(text)) == text
    assert csv_cell("'s-Hertogenbosch") == "''s-Hertogenbosch"
    assert csv_value(-1.5) == -1.5 and csv_value(None) is None


def test_csv_safe_frame_leaves_numeric_columns_alone():
    frame = pd.DataFrame({"n": [-1, 2], "x": [-0.5, 1.5], "s": ["-a", "b"]})
    safe = csv_safe_frame(frame)
    assert safe["n"].dtype == frame["n"].dtype and list(safe["n"]) == [-1, 2]
    assert list(safe["x"]) == [-0.5, 1.5]
    assert list(safe["s"]) == ["'-a", "b"]


# Item 8: terminal escapes and XML-invalid characters --------------------------------


def test_terminal_text_strips_escape_sequences_and_controls():
    cleaned = terminal_text(HOSTILE + "\nnext\tcolumn\x7f")
    assert cleaned == '=HYPERLINK("http://evil.example")Chikura\nnext\tcolumn'
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in cleaned)


def test_xml_text_removes_only_xml_invalid_characters():
    assert xml_text("a\x00b\x1bc\x0bd\te\nf\rg\ufffe") == "abcd\te\nf\rg"


def test_station_table_reaches_the_terminal_without_controls(mini_root, isolated_cache):
    rename_station(mini_root, "Chikura, Japan", HOSTILE + ", Japan")
    for args in (("stations",), ("stations", "--format", "csv"), ("route", "JP", "US")):
        result = run("--data", str(mini_root), *args, cache=isolated_cache)
        assert result.returncode == 0, result.stderr
        out = result.stdout + result.stderr
        assert "Chikura" in out
        for bad in ("\x1b", "\x07", "\x00", "\x9b", "\r"):
            assert bad not in out, (args, bad)


def test_unknown_place_error_with_escapes_is_one_clean_line(mini_root, isolated_cache):
    result = run(
        "--data", str(mini_root), "route", "\x1b[2Jnowhere\nland", "US", cache=isolated_cache
    )
    assert result.returncode == 6
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cablemap: error: ")
    assert "\x1b" not in result.stderr


def test_svg_image_is_well_formed_with_a_nul_in_a_name(mini_root, isolated_cache, tmp_path):
    rename_station(mini_root, "Chikura, Japan", "Chi\x00kura\x01\x1b, Japan")
    for path in mini_root.rglob("*.json"):  # the cable's name too
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"Alpha Pacific"', '"Alpha\\u0000 Pacific\\u0008"'))
    image = tmp_path / "route.svg"
    result = run(
        "--data", str(mini_root), "route", "JP", "US", "--image", str(image), cache=isolated_cache
    )
    assert result.returncode == 0, result.stderr
    text = image.read_text(encoding="utf-8")
    assert "\x00" not in text and "\x01" not in text and "\x08" not in text
    ET.fromstring(text)  # well-formed XML


def test_save_figure_svg_drops_nul_from_any_text(tmp_path):
    from matplotlib.figure import Figure

    from cablemap.render.static import save_figure

    fig = Figure()
    fig.set_label("title\x00")
    ax = fig.add_subplot()
    ax.set_title("bad\x00title")
    ax.plot([0, 1], [0, 1], label="line\x02")
    ax.legend()
    path = save_figure(fig, tmp_path / "f.svg")
    ET.parse(path)
    assert "\x00" not in path.read_text(encoding="utf-8")


# Item 12: output safety --------------------------------------------------------------


def test_write_all_writes_none_when_a_move_fails(tmp_path, monkeypatch):
    from cablemap import files
    from cablemap.errors import UserError

    mine = tmp_path / "mine.html"
    mine.write_text("the user's map")
    fresh = tmp_path / "fresh.png"
    last = tmp_path / "last.svg"
    real_replace = files.os.replace

    def failing_replace(src, dst):
        if Path(dst) == last:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(UserError, match=r"cannot write .*last\.svg: No space left .*no file"):
        files.write_all({mine: "new map", fresh: b"png", last: "svg"})
    assert mine.read_text() == "the user's map"  # put back
    assert not fresh.exists() and not last.exists()  # removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.html"]  # no temporaries


def test_write_all_writes_none_when_rendering_a_temporary_fails(tmp_path, monkeypatch):
    from cablemap import files
    from cablemap.errors import UserError

    first, second = tmp_path / "a.html", tmp_path / "b.png"
    calls = []
    real_write = Path.write_bytes

    def failing_write(self, data):
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(files.Path, "write_bytes", failing_write)
    with pytest.raises(UserError, match="No space left"):
        files.write_all({first: "a", second: b"b"})
    assert list(tmp_path.iterdir()) == []


def test_replaced_file_keeps_its_mode_and_a_new_file_gets_the_usual_one(tmp_path):

    from cablemap.files import write_all, write_atomically

    private = tmp_path / "private.csv"
    private.write_text("old")
    private.chmod(0o600)
    write_atomically(private, "new")
    assert private.read_text() == "new" and private.stat().st_mode & 0o777 == 0o600
    write_all({private: "newer"})
    assert private.stat().st_mode & 0o777 == 0o600
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = write_atomically(tmp_path / "fresh.csv", "x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


def test_symlinked_output_is_written_through_to_its_target(tmp_path):
    from cablemap.errors import UserError
    from cablemap.files import write_all, write_atomically

    target = tmp_path / "real" / "map.html"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(target)
    written = write_atomically(link, "new")
    assert link.is_symlink() and written == target.resolve()
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640
    dangling = tmp_path / "dangling.png"
    dangling.symlink_to(tmp_path / "real" / "made.png")
    write_all({dangling: b"png"})
    assert dangling.is_symlink() and (tmp_path / "real" / "made.png").read_bytes() == b"png"
    loop = tmp_path / "loop.html"
    loop.symlink_to(loop)
    with pytest.raises(UserError, match="cannot write .*loop"):
        write_atomically(loop, "x")


def test_report_md_refuses_to_replace_an_image_and_map_it_was_not_given(
    mini_root, isolated_cache, tmp_path
):
    out = tmp_path / "out"
    out.mkdir()
    report = out / "x.md"
    image = out / "x.png"
    image.write_bytes(b"my own picture")
    args = ("--data", str(mini_root), "report", "JP", "US", "-o", str(report))
    result = run(*args, cache=isolated_cache)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(image) in lines[0] and "--force" in lines[0]
    assert str(out / "x-map.html") not in lines[0]  # it does not exist: not named
    assert image.read_bytes() == b"my own picture"
    assert sorted(p.name for p in out.iterdir()) == ["x.png"]
    forced = run(*args, "--force", cache=isolated_cache)
    assert forced.returncode == 0, forced.stderr
    assert image.read_bytes().startswith(b"\x89PNG")
    assert (out / "x-map.html").exists() and "x.png" in report.read_text()


def test_route_map_and_image_are_written_together(mini_root, isolated_cache, tmp_path):
    page, image = tmp_path / "r.html", tmp_path / "r.svg"
    result = run(
        "--data",
        str(mini_root),
        "route",
        "JP",
        "US",
        "--map",
        str(page),
        "--image",
        str(image),
        cache=isolated_cache,
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {page}" in result.stderr and f"wrote {image}" in result.stderr
    assert page.read_text().lstrip().startswith("<!DOCTYPE html>")
    ET.parse(image)
