"""Issue 12 item 5: `stations` and `map` count cables as `route` does, take places alike.

Real data: the Open Undersea Cable Map snapshot (late 2022), where Quy Nhon, Vietnam has
two cables, both planned (ADC and SJC2): before, `stations` called it "2/2 flagged".
"""

import csv
import io
import json
import re

import pytest
from conftest import run_cablemap


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """One cache for the module: the network is built once, not once per command."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def run(shared_cache):
    def cablemap(*args, cache=None):
        return run_cablemap(*args, cache=shared_cache)

    return cablemap


def _json(run, open_root, *args):
    result = run("--data", str(open_root), "stations", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _one_line_error(result, code, fragment):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cablemap: error: ") and fragment in lines[0]


def test_planned_cables_are_left_out_unless_asked_for(run, open_root):
    policy = ("--policy", "clean-network-2020", "--country", "VN")
    now = _json(run, open_root, *policy)
    assert (
        now["include_planned"] is False
        and "planned cables left out" in (now["exposure_definition"])
    )
    assert "quy-nhon-vietnam" not in {s["id"] for s in now["stations"]}
    assert now["stations_left_out"] == 1
    planned = _json(run, open_root, *policy, "--include-planned")
    quy_nhon = next(s for s in planned["stations"] if s["id"] == "quy-nhon-vietnam")
    assert quy_nhon["cables"] == quy_nhon["flagged"] == 2
    # Back in 2010 neither APG (2016) nor AAE-1 (2017) was there: fewer cables counted.
    then = _json(run, open_root, *policy, "--as-of", "2010")
    cables = {s["id"]: s["cables"] for s in then["stations"]}
    assert then["as_of"] == 2010 and "danang-vietnam" in cables
    assert sum(cables.values()) < sum(s["cables"] for s in now["stations"]) + 1


def test_country_is_repeatable_and_takes_comma_lists(run, open_root):
    def countries(*args):
        return {s["country"] for s in _json(run, open_root, *args)["stations"]}

    assert countries("--country", "JP", "--country", "TW") == {"JP", "TW"}
    assert countries("--country", "JP,TW", "--country", "KR") == {"JP", "TW", "KR"}
    # A name with a comma in it is read whole first.
    assert countries("--country", "Congo, Dem. Rep.") == {"CD"}
    _one_line_error(
        run("--data", str(open_root), "stations", "--country", "JP,Atlantis"),
        6,
        "Atlantis",
    )
    _one_line_error(
        run("--data", str(open_root), "stations", "--country", " , "),
        2,
        "names no country",
    )


def test_no_policy_shows_no_exposure(run, open_root):
    data = _json(run, open_root, "--country", "SG")
    assert data["policy"] is None and data["exposure_definition"] is None
    assert "--policy" in data["note"]
    assert data["stations"] and all(
        "exposure" not in s and "flagged" not in s for s in data["stations"]
    )
    table = run("--data", str(open_root), "stations", "--country", "SG")
    assert "exposure" not in table.stdout.replace("no exposure", "")
    assert "add --policy NAME" in table.stdout
    csv_text = run(
        "--data",
        str(open_root),
        "stations",
        "--country",
        "SG",
        "--format",
        "csv",
    ).stdout
    header = next(line for line in csv_text.splitlines() if not line.startswith("#"))
    assert header == "rank,station,name,country,cables"


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "geojson"])
def test_every_output_says_what_exposure_means(run, open_root, fmt):
    out = run(
        "--data",
        str(open_root),
        "stations",
        "--policy",
        "clean-network-2020",
        "--country",
        "JP",
        "--format",
        fmt,
    ).stdout
    assert "exposure = cables clean-network-2020 flags / cables in service at the station" in out
    assert "most flagged cables first, then highest flagged share" in out
    if fmt == "csv":
        body = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
        rows = list(csv.DictReader(io.StringIO(body)))
        assert {"cables", "flagged_cables", "exposure"} <= set(rows[0])
        assert all(
            float(r["exposure"]) == pytest.approx(int(r["flagged_cables"]) / int(r["cables"]), 1e-3)
            or r["excluded_jurisdiction"] == "True"
            for r in rows
        )
    if fmt == "table":
        assert "cables flagged, exposure" in out


def test_hubs_with_many_flagged_cables_come_first(run, open_root):
    rows = _json(run, open_root, "--policy", "clean-network-2020")["stations"]
    order = [(-r["flagged"], -r["exposure"], -r["cables"], r["name"]) for r in rows]
    assert order == sorted(order)
    # A hub (many cables, many flagged) outranks a one-cable station flagged 100%.
    first = rows[0]
    lone = next(r for r in rows if r["cables"] == 1 and r["exposure"] == 1.0)
    assert first["flagged"] >= 5 and rows.index(first) < rows.index(lone)


def test_map_takes_several_countries_and_the_year(run, open_root, tmp_path):
    def legend(*args):
        out = tmp_path / "map.html"
        where = ("--country", "JP,TW", "--country", "KR")
        result = run(
            "--data",
            str(open_root),
            "map",
            "--policy",
            "clean-network-2020",
            *where,
            *args,
            "-o",
            str(out),
        )
        assert result.returncode == 0, result.stderr
        page = out.read_text()
        assert "Japan (JP), Taiwan (TW), South Korea (KR)" in page
        assert "Busan" in page and "Toucheng" in page and "Shima" in page
        flagged, total = re.search(r"(\d+) of (\d+) cables flagged;", page).groups()
        return page, int(flagged), int(total)

    then, _, cables_then = legend("--as-of", "2015")
    now, _, cables_now = legend()
    assert "cables in service in 2015" in then and "planned cables left out" in now
    # FASTER (JP-TW-US, 2016) and NCP (2018) were not there in 2015.
    assert cables_then < cables_now


def test_matrix_countries_are_repeatable_with_comma_lists(run, open_root, tmp_path):
    out = tmp_path / "m.csv"
    result = run(
        "--data",
        str(open_root),
        "matrix",
        "--countries",
        "JP,TW",
        "--country",
        "KR",
        "--countries",
        "Congo, Dem. Rep.",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    comment, _, table = out.read_text().partition("\n")  # the first line names the data
    assert comment.startswith("# Data: ")
    rows = list(csv.DictReader(io.StringIO(table)))
    pairs = {(r["from_iso2"], r["to_iso2"]) for r in rows}
    assert len(pairs) == 12 and {o for o, _ in pairs} == {"JP", "TW", "KR", "CD"}
