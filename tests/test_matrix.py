"""The country matrix on the real open snapshot: it agrees with one-pair route queries."""

from __future__ import annotations

import itertools
import math
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from cablemap.analysis.matrix import (
    COLUMNS,
    TIE_KM,
    _policy_columns,
    check_matrix_path,
    compute_matrix,
    disjoint_route_counts,
    read_matrix,
    write_matrix,
)
from cablemap.analysis.query import trace_routes
from cablemap.errors import NoLandingStationError, NoRouteError, UnknownPlaceError, UserError

POLICY = "clean-network-2020"
PAIRS = [
    ("US", "JP"),  # Pacific, across the antimeridian
    ("GB", "US"),  # North Atlantic
    ("FR", "SG"),  # Mediterranean, Red Sea, Indian Ocean
    ("BR", "ZA"),  # South Atlantic
    ("AU", "IN"),  # Indian Ocean
    ("CL", "PE"),  # along a coast
    ("EG", "IT"),  # Mediterranean
    ("NZ", "US"),  # South Pacific
    ("NG", "PT"),  # West Africa
    ("KR", "TW"),  # East Asia
    ("IS", "GB"),  # North Atlantic, short
    ("AE", "IN"),  # Arabian Sea
    ("JP", "HK"),  # into an excluded jurisdiction: no clean route
    ("FJ", "TO"),  # Pacific islands, one cable
    ("NA", "BR"),  # Namibia: an ISO code that CSV readers take for "missing"
    ("VN", "US"),  # South China Sea and Pacific
]
COUNTRIES = sorted({code for pair in PAIRS for code in pair})


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def full(network):
    """Every country, with the policy and resilience."""
    return compute_matrix(network, policy=POLICY, resilience=True)


def _row(frame, origin, destination):
    rows = frame[(frame.from_iso2 == origin) & (frame.to_iso2 == destination)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_every_ordered_pair_once_with_the_columns(network, full):
    count = len(network.places.stations_by_country)
    assert count > 150
    assert list(full.columns) == [*COLUMNS, "disjoint_routes"]
    assert len(full) == count * (count - 1)
    assert not (full.from_iso2 == full.to_iso2).any()
    assert not full.duplicated(["from_iso2", "to_iso2"]).any()
    assert full.latency_ms.to_numpy() == pytest.approx(
        full.km.to_numpy() / 204.218, rel=1e-4, nan_ok=True
    )
    assert full.attrs["policy"] == POLICY


@pytest.mark.parametrize(("origin", "destination"), PAIRS)
def test_matrix_agrees_with_the_route_query(network, full, origin, destination):
    row = _row(full, origin, destination)
    report = trace_routes(network, origin, destination, policy=POLICY)
    best = report.routes[0]
    assert row.km == pytest.approx(best.km, abs=1e-6)
    assert row.latency_ms == pytest.approx(best.latency_ms, abs=1e-6)
    clean = trace_routes(network, origin, destination, policy=POLICY, avoid_flagged=True).clean
    if best.flagged and not row.flagged:  # a tie: a clean route exactly as short
        assert clean["clean_route_exists"] and clean["detour_km"] == 0
    else:
        assert bool(row.flagged) == best.flagged
    if clean["clean_route_exists"]:
        assert row.clean_km == pytest.approx(clean["clean_km"], abs=0.05)
        assert row.detour_km == pytest.approx(clean["detour_km"], abs=0.05)
        assert row.detour_ms == pytest.approx(clean["detour_ms"], abs=0.005)
    else:
        assert row.flagged and math.isnan(row.clean_km) and math.isnan(row.detour_km)


def test_the_sample_covers_clean_flagged_and_no_clean_route(full):
    rows = [_row(full, a, b) for a, b in PAIRS]
    assert any(not r.flagged for r in rows)
    assert any(r.flagged and r.detour_km > 0 for r in rows)
    assert any(r.flagged and math.isnan(r.clean_km) for r in rows)


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("US", "JP"), ("IS", "GB"), ("FJ", "TO"), ("BR", "ZA"), ("CN", "US")],
)
def test_disjoint_routes_agree_with_the_route_query(network, full, origin, destination):
    expected = trace_routes(
        network, origin, destination, resilience=True
    ).resilience.disjoint_routes
    assert _row(full, origin, destination).disjoint_routes == expected
    assert _row(full, destination, origin).disjoint_routes == expected


def test_flow_tree_equals_one_max_flow_per_pair(network):
    """Gusfield's n - 1 flows give what a maximum flow per pair gives (symmetric)."""
    from scipy.sparse.csgraph import maximum_flow

    from cablemap.analysis.resilience import flow_capacity, flow_graph

    codes = [*COUNTRIES, "GU", "MV", "SC", "MU", "CV", "DJ", "OM", "PK"]
    excluded = network.cables_out_of_service()
    counts = disjoint_route_counts(network, codes, excluded)
    flow = network.flow_network
    graph = flow_graph(flow, flow_capacity(flow, excluded))
    for (i, a), (j, b) in itertools.combinations(enumerate(codes), 2):
        value = maximum_flow(graph, flow.hub_node[a], flow.hub_node[b]).flow_value
        assert counts[i, j] == counts[j, i] == value, (a, b)


def test_unreachable_pairs_have_no_km(network):
    # Without border links, countries reached only by planned cables are cut off.
    domestic = compute_matrix(network, resilience=True, terrestrial="domestic")
    missing = domestic[domestic.km.isna()]
    assert len(missing) > 0
    row = missing.iloc[0]
    assert pd.isna(row.flagged) and math.isnan(row.latency_ms) and math.isnan(row.clean_km)
    assert row.disjoint_routes == 0
    with pytest.raises(NoRouteError):
        trace_routes(network, row.from_iso2, row.to_iso2, terrestrial="domestic")
    borders = trace_routes(network, row.from_iso2, row.to_iso2)  # the default: over land
    assert any(hop.kind == "border" for hop in borders.routes[0].hops)


def test_countries_subset_matches_the_full_matrix(network, full):
    subset = compute_matrix(network, countries=["Japan", "usa", "GBR", "Singapore", "JP"])
    assert list(subset.from_iso2.unique()) == ["JP", "US", "GB", "SG"]
    assert len(subset) == 12
    assert subset.flagged.isna().all() and subset.clean_km.isna().all()
    assert "disjoint_routes" not in subset
    merged = subset.merge(full, on=["from_iso2", "to_iso2"], suffixes=("", "_full"))
    assert len(merged) == 12
    assert merged.km.to_numpy() == pytest.approx(merged.km_full.to_numpy())


def test_filters_apply(network):
    # Retired cables (status overlay) carried traffic in 2000, so compare with them kept:
    # an earlier year then only removes cables.
    now = compute_matrix(network, countries=COUNTRIES, include_status=["retired"])
    then = compute_matrix(network, countries=COUNTRIES, as_of=2000)
    both = now.merge(then, on=["from_iso2", "to_iso2"], suffixes=("", "_2000"))
    reached = both.km_2000.notna()
    assert (both.km_2000[reached] >= both.km[reached] - 1e-6).all()
    assert then.km.isna().sum() > now.km.isna().sum()
    route = trace_routes(network, "US", "JP", as_of=2000).routes[0]
    assert _row(then, "US", "JP").km == pytest.approx(route.km)


@pytest.mark.parametrize(
    ("countries", "error", "message"),
    [
        (["Japan", "Atlantis"], UnknownPlaceError, "unknown country"),
        (["Japan", "Switzerland"], NoLandingStationError, "no landing station"),
        (["Japan", "chikura-japan"], UserError, "is not a country"),
        (["Japan", "Marseille"], UserError, "is not a country"),
        (["Japan", "US-HI"], UserError, "is not a country"),
        (["Japan", "JPN"], UserError, "at least two countries"),
    ],
)
def test_bad_countries(network, countries, error, message):
    with pytest.raises(error, match=message):
        compute_matrix(network, countries=countries)


def test_tie_counts_as_clean():
    best = np.array([100.0, 100.0, 100.0, 100.0, np.inf])
    clean = np.array([100.0 + TIE_KM / 2, 100.0 + 10 * TIE_KM, 150.0, np.inf, np.inf])
    reachable = np.isfinite(best)
    columns = _policy_columns(np.where(reachable, best, np.nan), reachable, clean)
    assert list(columns["flagged"]) == [False, True, True, True, pd.NA]
    detour = columns["detour_km"]
    assert detour[0] == 0.0 and detour[1] > 0 and detour[2] == pytest.approx(50.0)
    assert np.isnan(detour[3]) and np.isnan(detour[4])


def test_csv_round_trip(full, tmp_path):
    path = write_matrix(full, tmp_path / "matrix.csv")
    back = read_matrix(path)
    assert list(back.columns) == list(full.columns)
    assert back.from_iso2.tolist() == full.from_iso2.tolist()
    assert "NA" in set(back.from_iso2)  # Namibia stays a country code
    assert back.flagged.isna().sum() == full.flagged.isna().sum()
    assert (back.flagged.fillna(False) == full.flagged.fillna(False)).all()
    for column in ("km", "latency_ms", "clean_km", "detour_km", "detour_ms"):
        assert back[column].to_numpy() == pytest.approx(
            full[column].to_numpy(), abs=1e-3, nan_ok=True
        )
    assert (back.disjoint_routes == full.disjoint_routes).all()
    assert [p.name for p in tmp_path.iterdir()] == ["matrix.csv"]  # no temporary file left


def test_parquet_round_trip(full, tmp_path):
    pytest.importorskip("pyarrow")
    back = read_matrix(write_matrix(full, tmp_path / "matrix.parquet"))
    pd.testing.assert_frame_equal(back, full, check_like=False)


def test_parquet_without_pyarrow_says_how_to_fix(full, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import fails
    with pytest.raises(UserError, match="pip install pyarrow"):
        write_matrix(full, tmp_path / "matrix.parquet")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["matrix.xlsx", "matrix", "matrix.json"])
def test_bad_suffix(full, tmp_path, name):
    with pytest.raises(UserError, match=r"\.csv or \.parquet"):
        check_matrix_path(tmp_path / name)  # what the command checks before any work
    with pytest.raises(UserError, match=r"\.csv or \.parquet"):
        write_matrix(full, tmp_path / name)
    assert not list(tmp_path.iterdir())


def test_heatmap_with_policy_and_resilience(full, tmp_path):
    from cablemap.render.heatmap import matrix_heatmap
    from cablemap.render.static import save_figure

    figure = matrix_heatmap(full)
    assert len([ax for ax in figure.axes if ax.get_label() != "<colorbar>"]) == 2
    path = save_figure(figure, tmp_path / "heatmap.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    counts = matrix_heatmap(full, "disjoint_routes", order="name")
    assert len([ax for ax in counts.axes if ax.get_label() != "<colorbar>"]) == 1
    save_figure(counts, tmp_path / "disjoint.svg")


def country_labels(figure):
    """The ISO-code texts of each heatmap panel (two letters), by panel."""
    panels = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    return [[t for t in ax.texts if len(t.get_text()) == 2] for ax in panels]


def test_heatmap_labels_are_legible_at_a4(full):
    from cablemap.render.heatmap import A4_WIDTH_IN, fitting_countries, matrix_heatmap

    every = set(full.from_iso2)
    for value, panels in (("km", 2), ("disjoint_routes", 1)):
        figure = matrix_heatmap(full, value)
        scale = A4_WIDTH_IN / figure.get_figwidth()  # printed A4 wide
        renderer = figure.canvas.get_renderer()
        for labels in country_labels(figure):
            assert len(labels) == 2 * fitting_countries(panels) < 2 * len(every)
            assert min(t.get_fontsize() for t in labels) * scale >= 6.0
            rows = sorted(
                (t.get_window_extent(renderer) for t in labels if t.get_rotation() == 0),
                key=lambda box: box.y0,
            )
            assert all(a.y1 <= b.y0 + 0.5 for a, b in itertools.pairwise(rows))  # no overlap
        every_text = [t for t in figure.findobj(Text) if t.get_text().strip()]
        assert min(t.get_fontsize() for t in every_text) * scale >= 6.0
        subtitle = " ".join(t.get_text() for t in figure.texts)
        shown = fitting_countries(panels)
        assert f"the {shown} of {len(every)} countries with the most cable-disjoint" in subtitle
        assert "Clean Network 2020" in subtitle and POLICY not in subtitle
    two = {t.get_text() for t in country_labels(matrix_heatmap(full))[0]}
    assert {"US", "GB", "JP", "SG", "CN", "FR", "IN"} <= two  # hubs, not land neighbours


def test_heatmap_without_resilience_shows_one_country_per_group(full):
    from cablemap.render.heatmap import fitting_countries, shown_countries

    codes = shown_countries(full.drop(columns=["disjoint_routes"]), 40)
    assert len(codes) == 40 == len(set(codes))
    assert {"US", "AU", "BR", "IN"} <= set(codes)  # one for each region
    small = full[full.from_iso2.isin(COUNTRIES) & full.to_iso2.isin(COUNTRIES)]
    assert shown_countries(small, fitting_countries(2)) == sorted(COUNTRIES)  # all fit


def test_heatmap_of_a_matrix_read_back(network, tmp_path):
    from cablemap.render.heatmap import matrix_heatmap

    frame = compute_matrix(network, countries=COUNTRIES)
    back = read_matrix(write_matrix(frame, tmp_path / "m.csv"))
    figure = matrix_heatmap(back, "latency_ms")
    labels = {text.get_text() for text in figure.axes[0].texts}
    assert set(COUNTRIES) <= labels
    with pytest.raises(UserError, match="needs a matrix computed with a policy"):
        matrix_heatmap(back, "detour_km")
    with pytest.raises(UserError, match="no column disjoint_routes"):
        matrix_heatmap(back, "disjoint_routes")
    with pytest.raises(UserError, match="heatmap value"):
        matrix_heatmap(back, "speed")


def test_a_group_stands_for_its_member_countries(network):
    frame = compute_matrix(network, countries=["Five Eyes", "JP"])
    assert set(frame.from_iso2) == {"US", "GB", "CA", "AU", "NZ", "JP"}
