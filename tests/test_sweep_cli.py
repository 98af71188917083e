"""`cablemap sweep` as a user runs it: the table, the files, and its rows against `route --cut`."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import OPEN_ROOT, _require, run_cablemap

COUNTRIES = "FR,IN,EG,SG,GB,DJ,SA,KE"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One cache for the module: the network is built once, then reloaded."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def swept(tmp_path_factory, cache):
    out = tmp_path_factory.mktemp("out")
    result = run_cablemap(
        "--data", str(_require(OPEN_ROOT)), "sweep", "--regions", "--countries", COUNTRIES,
        "-o", str(out / "regions.parquet"), "--summary", str(out / "ranking.csv"),
        "--image", str(out / "regions.png"), "--jobs", "1",
        cache=cache,
    )  # fmt: skip
    return result, out


def test_the_table_and_the_files(swept):
    result, out = swept
    assert result.returncode == 0, result.stderr
    assert "Scenarios ranked by impact" in result.stdout
    assert "red-sea" in result.stdout
    ranking = pd.read_csv(out / "ranking.csv", skiprows=1)
    # Between these 8 countries the Red Sea and the Strait of Malacca each slow 14 pairs by
    # 5 ms or more; Malacca ranks first by its larger worst increase (57 ms against 15).
    assert list(ranking["scenario"][:2]) == ["region:strait-of-malacca", "region:red-sea"]
    assert list(ranking["pairs_degraded"][:3]) == [14, 14, 0]
    assert (out / "regions.png").stat().st_size > 50_000
    rows = pd.read_parquet(out / "regions.parquet")
    assert set(rows["scenario"]) <= set(ranking["scenario"])


def test_a_sampled_row_equals_route_with_the_region_cut(swept, cache):
    _, out = swept
    rows = pd.read_parquet(out / "regions.parquet")
    red_sea = rows[(rows.scenario == "region:red-sea") & rows.connected]
    row = red_sea[(red_sea.from_iso2 == "FR") & (red_sea.to_iso2 == "IN")].iloc[0]
    answer = run_cablemap(
        "--data", str(_require(OPEN_ROOT)), "route", "FR", "IN", "--cut-in", "red-sea",
        "--format", "json",
        cache=cache,
    )  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["routes"][0]["km"] == pytest.approx(row.km, abs=0.1)


def test_running_it_again_needs_resume(swept, cache):
    _, out = swept
    args = ["--data", str(_require(OPEN_ROOT)), "sweep", "--regions", "--countries", COUNTRIES]
    again = run_cablemap(*args, "-o", str(out / "regions.parquet"), "--jobs", "1", cache=cache)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "--resume" in again.stderr
    resumed = run_cablemap(
        *args, "-o", str(out / "regions.parquet"), "--resume", "--top", "0", cache=cache
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "0 batches run" in resumed.stdout and "found done" in resumed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "say what fails"),
        (["--regions", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "not both"),
        (["--regions", "--summary", "ranking.txt"], ".csv"),
        (["--single", "cables", "--image", "map.gif"], ".png or .svg"),
    ],
)
def test_bad_input_is_one_line(args, message, tmp_path):
    result = run_cablemap("sweep", *args, "-o", str(tmp_path / "x.parquet"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
