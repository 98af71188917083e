"""Careless or hostile inputs: empty-string options, hostile policy files."""

import os
import subprocess
import sys

import pytest


def run(*args, cache):
    return subprocess.run(
        [sys.executable, "-m", "cablemap", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CABLEMAP_CACHE_DIR": str(cache)},
        timeout=120,
    )


def one_line_error(result, code, *fragments):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cablemap: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# Item 14: empty strings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("--data", "", "data", "info"), "--data"),
        (("data", "fetch", "--source", ""), "--source"),
        (("matrix", "--countries", "", "-o", "m.csv"), "--countries"),
        (("stations", "--country", ""), "--country"),
        (("stations", "--policy", ""), "--policy"),
        (("route", "US", "JP", "--policy", ""), "--policy"),
        (("route", "US", "JP", "--cut", "x", "--cut", ""), "--cut"),
        (("route", "US", "JP", "--cut-in", " "), "--cut-in"),
        (("route", "US", "JP", "--map", ""), "--map"),
        (("route", "", "JP"), "FROM"),
        (("report", "US", "JP", "-o", ""), "--output"),
        (("data", "import", ""), "PATH"),
        (("policies", "show", ""), "NAME"),
    ],
)
def test_empty_string_options_are_one_line_errors(args, name, mini_root, isolated_cache, tmp_path):
    result = run("--data", str(mini_root), *args, cache=isolated_cache)
    one_line_error(result, 2, f"{name} is empty")


def test_countries_of_only_commas_is_an_error(mini_root, isolated_cache, tmp_path):
    result = run(
        "--data",
        str(mini_root),
        "matrix",
        "--countries",
        " , ",
        "-o",
        str(tmp_path / "m.csv"),
        cache=isolated_cache,
    )
    one_line_error(result, 2, "names no country")
    assert not (tmp_path / "m.csv").exists()


def test_empty_data_does_not_scan_the_current_directory(isolated_cache, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cablemap", "--data", "", "data", "info"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "CABLEMAP_CACHE_DIR": str(isolated_cache)},
        timeout=60,
    )
    one_line_error(result, 2, "--data is empty")
