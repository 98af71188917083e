"""Running sweeps: executors and Dask agree, interrupted sweeps resume, bad input is one line."""

from __future__ import annotations

import dataclasses
import itertools
import sys

import numpy as np
import pandas as pd
import pytest

from cablemap.analysis.sweep import (
    ScenarioSpec,
    SweepInterruptedError,
    plan_sweep,
    rank_scenarios,
    run_sweep,
)
from cablemap.analysis.sweep_scenarios import random_scenarios
from cablemap.analysis.sweep_store import SweepStore
from cablemap.errors import UserError

COUNTRIES = ["GB", "US", "JP", "SG", "FR", "IN", "SL", "GM", "NG", "PT", "ZA", "EG", "FJ", "BR"]


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def plan(network):
    """The first 100 single cables (ACE among them) between 14 countries, with a policy."""
    spec = ScenarioSpec(single=("cables",))
    whole = plan_sweep(
        network, spec, countries=COUNTRIES, policy="clean-network-2020", batch_size=20
    )
    return dataclasses.replace(whole, scenarios=whole.scenarios[:100])


@pytest.fixture(scope="module")
def reference(network, plan, tmp_path_factory):
    """The sweep run in this process: what every other way of running it must give."""
    out = tmp_path_factory.mktemp("sweep") / "reference.parquet"
    run_sweep(network, plan, out, jobs=1)
    return _read(out)


def _read(out):
    store = SweepStore(out)
    return store.read_rows(), store.read_scenarios()


def _same(result, reference):
    rows, scenarios = result
    ref_rows, ref_scenarios = reference
    pd.testing.assert_frame_equal(rows, ref_rows)
    pd.testing.assert_frame_equal(scenarios, ref_scenarios)


def test_reference_covers_every_scenario_once(plan, reference):
    rows, scenarios = reference
    assert list(scenarios["scenario"]) == [s.id for s in plan.scenarios]
    assert not rows.duplicated(["scenario", "from_iso2", "to_iso2"]).any()
    assert rows["scenario"].isin(scenarios["scenario"]).all()
    ace = scenarios.set_index("scenario").loc["cable:africa-coast-to-europe-ace"]
    assert {"SL", "GM"} <= set(ace["cut_off"].split(","))


def test_the_output_reads_as_one_parquet_dataset(plan, reference, tmp_path, network):
    out = tmp_path / "again.parquet"
    run_sweep(network, plan, out)
    whole = pd.read_parquet(out)  # part files only: the _ files are not rows
    assert len(whole) == len(reference[0])
    baseline = pd.read_parquet(out / "_baseline.parquet")
    assert len(baseline) == len(COUNTRIES) * (len(COUNTRIES) - 1)


def test_local_processes_equal_this_process(network, plan, reference, tmp_path):
    out = tmp_path / "processes.parquet"
    run_sweep(network, plan, out, jobs=2)
    _same(_read(out), reference)


def test_dask_local_cluster_equals_the_local_executor(network, plan, reference, tmp_path):
    from distributed import Client, LocalCluster

    out = tmp_path / "dask.parquet"
    with (
        LocalCluster(
            n_workers=2,
            processes=False,
            protocol="tcp://",  # the payload crosses a real connection, on 127.0.0.1
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        run_sweep(network, plan, out, client=client)
    _same(_read(out), reference)


def test_an_interrupted_sweep_resumes_without_duplicates(network, plan, reference, tmp_path):
    out = tmp_path / "interrupted.parquet"
    seen = []

    def stop_after_two(count):
        seen.append(count)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(network, plan, out, progress=stop_after_two)
    assert len(SweepStore(out).done()) == 2
    with pytest.raises(UserError, match="--resume"):
        run_sweep(network, plan, out)
    result = run_sweep(network, plan, out, resume=True)
    assert result.batches_skipped == 2
    assert result.batches_run == len(plan.batches()) - 2
    _same(_read(out), reference)


def test_a_resumed_sweep_must_ask_the_same(network, plan, tmp_path):
    out = tmp_path / "changed.parquet"
    small = plan_sweep(network, ScenarioSpec(regions=True), countries=COUNTRIES[:4])
    run_sweep(network, small, out)
    with pytest.raises(UserError, match="other settings"):
        run_sweep(network, plan, out, resume=True)


def test_output_that_is_not_a_sweep_is_refused(network, plan, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not a sweep"):
        run_sweep(network, plan, tmp_path / "busy")
    (tmp_path / "file.parquet").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        run_sweep(network, plan, tmp_path / "file.parquet")


def test_ranking_puts_countries_cut_off_first(reference):
    ranked = rank_scenarios(reference[1])
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    keys = ranked[["countries_cut_off", "pairs_disconnected", "pairs_degraded"]].to_numpy()
    assert all(tuple(a) >= tuple(b) for a, b in itertools.pairwise(keys))
    assert ranked.iloc[0]["scenario"] == "cable:africa-coast-to-europe-ace"


def test_random_draws_are_reproducible_and_weighted(network, plan):
    excluded = plan.setup.excluded
    first = random_scenarios(network, excluded, count=30, failures=3, seed=7)
    again = random_scenarios(network, excluded, count=30, failures=3, seed=7)
    other = random_scenarios(network, excluded, count=30, failures=3, seed=8)
    assert first == again and first != other
    assert all(len(s.cables) == 3 and not s.cables & excluded for s in first)
    long = random_scenarios(network, excluded, count=400, failures=1, seed=1, weight="length")
    plain = random_scenarios(network, excluded, count=400, failures=1, seed=1)
    drawn = [c for s in long for c in s.cables]
    uniform = [c for s in plain for c in s.cables]
    from cablemap.analysis.sweep_scenarios import _cable_km

    assert np.mean([_cable_km(network, c) for c in drawn]) > 2 * np.mean(
        [_cable_km(network, c) for c in uniform]
    )
    with pytest.raises(UserError, match="--failures"):
        random_scenarios(network, excluded, count=1, failures=100_000, seed=1)


def test_owners_withdraw_every_cable_they_own(network, plan):
    from cablemap.analysis.sweep import build_scenarios

    owners = build_scenarios(network, ScenarioSpec(owners=True), plan.setup.excluded)
    by_id = {s.id: s for s in owners}
    assert all(s.kind == "owner" and s.cables for s in owners)
    google = next(s for key, s in by_id.items() if key.startswith("owner:google"))
    assert {"curie", "dunant"} <= google.cables
    assert not any(s.cables & plan.setup.excluded for s in owners)


def test_pairs_are_every_unordered_pair(network, plan):
    from cablemap.analysis.sweep import build_scenarios
    from cablemap.analysis.sweep_scenarios import in_service_cables

    cables = in_service_cables(network, plan.setup.excluded)
    pairs = build_scenarios(network, ScenarioSpec(pairs=True), plan.setup.excluded)
    assert len(pairs) == len(cables) * (len(cables) - 1) // 2
    assert len({s.cables for s in pairs}) == len(pairs)


def test_without_pyarrow_one_line_says_what_to_install(network, plan, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(UserError, match=r"cablemap\[sweep\]"):
        run_sweep(network, plan, tmp_path / "x.parquet")


def test_without_dask_one_line_says_what_to_install(network, plan, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UserError, match=r"cablemap\[sweep\]"):
        run_sweep(network, plan, tmp_path / "x.parquet", workers=1)


def test_interrupt_error_says_how_to_continue():
    assert SweepInterruptedError.exit_code == 130


def test_the_public_api_names_the_sweep():
    import cablemap

    assert cablemap.run_sweep is run_sweep and cablemap.plan_sweep is plan_sweep
    assert cablemap.ScenarioSpec is ScenarioSpec and cablemap.rank_scenarios is rank_scenarios
