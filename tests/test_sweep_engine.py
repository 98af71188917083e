"""The sweep's inner loop: baseline, incremental searches, and agreement with `route --cut`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cablemap.analysis.matrix import compute_matrix
from cablemap.analysis.query import trace_routes
from cablemap.analysis.sweep import ScenarioSpec, build_scenarios, plan_sweep
from cablemap.analysis.sweep_engine import compute_baseline, run_scenario
from cablemap.analysis.sweep_scenarios import Scenario
from cablemap.analysis.sweep_weights import fast_weights, scenario_weights
from cablemap.errors import NoRouteError

POLICY = "clean-network-2020"
COUNTRIES = ["GB", "US", "JP", "SG", "FR", "IN", "SL", "GM", "GN", "NG", "PT", "ZA", "EG", "FJ"]


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def plan(network):
    spec = ScenarioSpec(single=("cables",))
    return plan_sweep(network, spec, policy=POLICY)


@pytest.fixture(scope="module")
def baseline(network, plan):
    return compute_baseline(network, plan.setup)


def test_baseline_is_the_matrix(network, plan, baseline):
    matrix = compute_matrix(network, policy=POLICY)
    frame = baseline.as_frame(plan.setup.codes)
    assert list(frame.from_iso2) == list(matrix.from_iso2)
    assert list(frame.to_iso2) == list(matrix.to_iso2)
    np.testing.assert_allclose(frame.km, matrix.km, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(frame.clean_km, matrix.clean_km, rtol=1e-9, atol=1e-6)
    assert frame.connected.sum() == matrix.km.notna().sum()


def test_fast_weights_equal_the_full_computation(network, plan, baseline):
    """Every single cable, and pairs that include a country's last cables."""
    scenarios = [s for s in plan.scenarios]
    scenarios.append(Scenario("pair", "pair", frozenset({"sierra-leone-cable", "seacom"})))
    scenarios.append(Scenario("all-ace", "pair", frozenset({"africa-coast-to-europe-ace"})))
    for scenario in scenarios:
        fast = fast_weights(network, plan.setup, baseline.best.weights, scenario)
        full = scenario_weights(network, plan.setup, scenario.cables, scenario.edges)
        assert np.array_equal(fast, full), scenario.id


def _sample(network, plan):
    """Scenarios of every kind: whole cables, segments, stations, a region, a pair."""
    cables = [
        s
        for s in plan.scenarios
        if s.id
        in {
            "cable:africa-coast-to-europe-ace",
            "cable:seamewe-5",
            "cable:sea-us",
            "cable:greenland-connect",
            "cable:marea",
        }
    ]
    others = build_scenarios(
        network, ScenarioSpec(single=("segments", "stations"), regions=True), plan.setup.excluded
    )
    picked = [s for s in others if s.kind != "segment" or s.id.startswith("segment:seamewe-5:")]
    stations = [s for s in picked if s.kind == "station"][::97]
    regions = [s for s in picked if s.kind == "region"][:3]
    segments = [s for s in picked if s.kind == "segment"][:4]
    pair = Scenario("pair:x", "pair", frozenset({"seamewe-5", "asia-africa-europe-1-aae-1"}))
    return cables + stations + regions + segments + [pair]


def test_incremental_search_equals_naive_recomputation(network, plan):
    """Between 14 countries (naive recomputation of all 184 is slow), with the policy."""
    small = plan_sweep(
        network, ScenarioSpec(single=("cables",)), policy=POLICY, countries=COUNTRIES
    )
    baseline = compute_baseline(network, small.setup)
    for scenario in _sample(network, plan):
        fast, fast_summary = run_scenario(network, small.setup, baseline, scenario)
        slow, slow_summary = run_scenario(network, small.setup, baseline, scenario, naive=True)
        pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-9, atol=1e-6)
        assert fast_summary["pairs_searched"] <= slow_summary["pairs_searched"]
        for key in ("countries_cut_off", "pairs_disconnected", "pairs_degraded"):
            assert fast_summary[key] == slow_summary[key], (scenario.id, key)


def _scenario(plan, scenario_id):
    return next(s for s in plan.scenarios if s.id == scenario_id)


@pytest.mark.parametrize(
    ("scenario_id", "cut", "cut_in"),
    [
        ("cable:africa-coast-to-europe-ace", ["africa-coast-to-europe-ace"], []),
        ("cable:seamewe-5", ["seamewe-5"], []),
        ("region:red-sea", [], ["red-sea"]),
    ],
)
def test_sampled_rows_equal_route_with_the_cut(network, plan, baseline, scenario_id, cut, cut_in):
    if scenario_id.startswith("region:"):
        scenario = next(
            s
            for s in build_scenarios(network, ScenarioSpec(regions=True), plan.setup.excluded)
            if s.id == scenario_id
        )
    else:
        scenario = _scenario(plan, scenario_id)
    rows, _ = run_scenario(network, plan.setup, baseline, scenario)
    assert len(rows) > 0
    wanted = rows[rows.from_iso2.isin(COUNTRIES) & rows.to_iso2.isin(COUNTRIES)]
    sample = pd.concat([wanted[~wanted.connected].head(3), wanted[wanted.connected].head(6)])
    assert len(sample) >= 3, scenario_id
    for row in sample.itertuples():
        if not row.connected:
            with pytest.raises(NoRouteError):
                trace_routes(network, row.from_iso2, row.to_iso2, cut=cut, cut_in=cut_in)
            continue
        report = trace_routes(
            network, row.from_iso2, row.to_iso2, cut=cut, cut_in=cut_in, policy=POLICY
        )
        assert report.routes[0].km == pytest.approx(row.km, abs=0.01), (row.from_iso2, row.to_iso2)
        clean = report.clean_route
        if clean is None:
            assert np.isnan(row.clean_km)
        else:
            assert clean.km == pytest.approx(row.clean_km, abs=0.01)


def test_ace_cuts_off_sierra_leone_and_the_gambia(network, plan, baseline):
    """ACE is the only international cable of several West African countries in the data."""
    _, summary = run_scenario(
        network, plan.setup, baseline, _scenario(plan, "cable:africa-coast-to-europe-ace")
    )
    cut_off = set(summary["cut_off"].split(","))
    assert {"SL", "GM"} <= cut_off
    assert summary["countries_cut_off"] == len(cut_off)
    assert summary["pairs_disconnected"] >= len(cut_off) * 2 * (
        len(plan.setup.codes) - len(cut_off)
    )


def test_a_cable_no_route_uses_changes_nothing(network, plan, baseline):
    unused = next(
        s
        for s in plan.scenarios
        if run_scenario(network, plan.setup, baseline, s)[1]["pairs_searched"] == 0
    )
    rows, summary = run_scenario(network, plan.setup, baseline, unused)
    assert rows.empty and summary["pairs_changed"] == 0


def test_resilience_counts_equal_the_matrix_with_the_cable_cut(network):
    """Cable-disjoint routes per pair after a cable fails, as `matrix --resilience --cut`."""
    small = plan_sweep(
        network, ScenarioSpec(single=("cables",)), countries=COUNTRIES, resilience=True
    )
    baseline = compute_baseline(network, small.setup)
    scenario = _scenario(small, "cable:seamewe-5")
    rows, summary = run_scenario(network, small.setup, baseline, scenario)
    matrix = compute_matrix(network, countries=COUNTRIES, resilience=True, cut=["seamewe-5"])
    merged = rows.merge(matrix, on=["from_iso2", "to_iso2"], suffixes=("", "_matrix"))
    assert len(merged) == len(rows) > 0
    assert (merged.disjoint_routes == merged.disjoint_routes_matrix).all()
    assert summary["pairs_fewer_routes"] > 0
