"""Careless or hostile inputs: empty-string options, hostile policy files."""

import os
import subprocess
import sys

import pytest

from cablemap.policy.rules import PolicyError, load_policy
from cablemap.policy.toml_errors import MAX_TOML_BYTES, MAX_TOML_DEPTH

POLICY = """id = "mine"
name = "Mine"

[[rule]]
id = "hq"
applies_to = "owner"
hq_countries = {codes}
[[rule.citations]]
title = "Test citation"
date = "2024-01-01"
url = "https://example.org/policy"
"""


from conftest import run_cablemap as run  # noqa: E402


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


# Item 15: policy files --------------------------------------------------------------


def test_unknown_country_code_in_a_policy_names_file_and_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(POLICY.format(codes='["CN", "XX"]'), encoding="utf-8")
    with pytest.raises(PolicyError, match=rf"{path}:7: .*'XX' is not a known ISO 3166-1"):
        load_policy(str(path))


def test_unknown_country_code_on_the_command_line(mini_root, isolated_cache, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(POLICY.format(codes='["XX"]'), encoding="utf-8")
    result = run("--data", str(mini_root), "policies", "show", str(path), cache=isolated_cache)
    one_line_error(result, 2, f"{path}:7:", "'XX'")


def test_known_codes_and_a_bom_are_accepted(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_bytes(b"\xef\xbb\xbf" + POLICY.format(codes='["CN", "HK"]').encode())
    policy = load_policy(str(path))
    assert policy.rules[0].hq_countries == frozenset({"CN", "HK"})


def test_oversized_policy_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(POLICY.format(codes='["CN"]') + "#" * MAX_TOML_BYTES, encoding="utf-8")
    with pytest.raises(PolicyError, match="over the 1,048,576-byte limit"):
        load_policy(str(path))


@pytest.mark.parametrize(
    "nested",
    [
        "x = " + "[" * 5000 + "]" * 5000,  # deep enough for a RecursionError in tomllib
        "x = " + "{a = " * 40 + "1" + "}" * 40,
        "[" + ".".join(["a"] * (MAX_TOML_DEPTH + 2)) + "]\nb = 1",
    ],
)
def test_deeply_nested_policy_is_a_one_line_error(nested, mini_root, isolated_cache, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(POLICY.format(codes='["CN"]') + nested + "\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="nested more than"):
        load_policy(str(path))
    result = run("--data", str(mini_root), "policies", "show", str(path), cache=isolated_cache)
    one_line_error(result, 2, "nested more than 16 levels")
