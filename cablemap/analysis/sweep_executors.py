"""Where a sweep's batches run: in this process, in local processes, or on Dask.

All three run the same function on the same :class:`WorkerPayload` (the stored network
as bytes and the sweep's setup), so a batch gives the same rows wherever it runs:

- ``jobs == 1``: in this process, on the network already loaded;
- ``jobs > 1``: a :class:`concurrent.futures.ProcessPoolExecutor`; each process gets
  the payload once, through the pool's initialiser;
- Dask distributed: an existing scheduler (``--scheduler ADDRESS``) or a
  ``LocalCluster`` started here (``--workers N``). The payload is scattered once to every
  worker (``Client.scatter(..., broadcast=True)``), each task names it, and a worker
  process rebuilds the network and its baseline once and keeps them for later batches.

Each yields ``(batch number, rows, scenario summaries)`` as batches finish, in any
order; the caller writes them (:mod:`cablemap.analysis.sweep_store`).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.analysis.sweep_engine import Baseline, SweepSetup, compute_baseline, run_batch
from cablemap.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pandas as pd

    from cablemap.analysis.sweep_scenarios import Scenario
    from cablemap.network.graph import Network

Batch = tuple[int, int, list["Scenario"]]
"""A batch: its number, the position of its first scenario, its scenarios."""
Result = tuple[int, "pd.DataFrame", "pd.DataFrame"]


@dataclass(frozen=True)
class WorkerPayload:
    """What a worker needs, sent once: the network (stored form) and the setup."""

    key: str
    network: bytes
    setup: SweepSetup


def make_payload(network: Network, setup: SweepSetup) -> WorkerPayload:
    """The payload of a sweep: the network as :mod:`cablemap.network.storage` writes it."""
    from cablemap.network.storage import network_to_bytes

    blob = network_to_bytes(network)
    key = hashlib.sha256(blob + repr(setup).encode()).hexdigest()[:16]
    return WorkerPayload(key, blob, setup)


_STATE: dict[str, tuple[Network, Baseline]] = {}
_LOCK = threading.Lock()


def _state(payload: WorkerPayload) -> tuple[Network, Baseline]:
    """The network and baseline of the payload in this process, built on first use."""
    with _LOCK:
        if payload.key not in _STATE:
            from cablemap.network.storage import network_from_bytes

            _STATE.clear()
            network = network_from_bytes(payload.network)
            _STATE[payload.key] = (network, compute_baseline(network, payload.setup))
        return _STATE[payload.key]


def run_payload_batch(
    payload: WorkerPayload, number: int, first: int, scenarios: list[Scenario]
) -> Result:
    """Run one batch on a worker (any process, any machine with cablemap installed)."""
    network, baseline = _state(payload)
    rows, summaries = run_batch(network, payload.setup, baseline, scenarios, first)
    return number, rows, summaries


def run_here(
    network: Network, setup: SweepSetup, baseline: Baseline, batches: Sequence[Batch]
) -> Iterator[Result]:
    """Run the batches one after another in this process."""
    for number, first, scenarios in batches:
        rows, summaries = run_batch(network, setup, baseline, scenarios, first)
        yield number, rows, summaries


_POOL_PAYLOAD: list[WorkerPayload] = []


def _initialise(payload: WorkerPayload) -> None:
    _POOL_PAYLOAD[:] = [payload]
    _state(payload)


def _pool_batch(number: int, first: int, scenarios: list[Scenario]) -> Result:
    return run_payload_batch(_POOL_PAYLOAD[0], number, first, scenarios)


def run_processes(payload: WorkerPayload, batches: Sequence[Batch], jobs: int) -> Iterator[Result]:
    """Run the batches on ``jobs`` local processes (the payload sent once to each)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_initialise, initargs=(payload,)
    ) as pool:
        futures = [pool.submit(_pool_batch, *batch) for batch in batches]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def run_dask(
    payload: WorkerPayload,
    batches: Sequence[Batch],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
) -> Iterator[Result]:
    """Run the batches on Dask distributed.

    Parameters
    ----------
    payload
        The network and setup, scattered once to every worker.
    batches
        The batches still to run.
    scheduler
        Address of a running scheduler (``tcp://host:8786``).
    workers
        Without a scheduler: start a ``LocalCluster`` of this many worker processes
        (one thread each) on 127.0.0.1, closed at the end.
    client
        A ``distributed.Client`` to use as it is (closed by its owner).

    Raises
    ------
    UserError
        Dask distributed not installed, or the scheduler cannot be reached.
    """
    distributed = _distributed()
    owned: list[Any] = []
    try:
        if client is None:
            client = _connect(distributed, scheduler, workers, owned)
        remote = client.scatter(payload, broadcast=True, hash=False)
        futures = [
            client.submit(run_payload_batch, remote, *batch, pure=False, retries=1)
            for batch in batches
        ]
        try:
            for future in distributed.as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
    finally:
        for item in reversed(owned):
            item.close()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UserError(
            "--scheduler and --workers need Dask distributed: pip install 'cablemap[sweep]'"
        ) from None
    return distributed


def _connect(distributed: Any, scheduler: str | None, workers: int | None, owned: list[Any]) -> Any:
    """A client of the scheduler, or of a new LocalCluster (added to ``owned``)."""
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise UserError(
                f"--scheduler {scheduler[:200]!r}: cannot reach the Dask scheduler "
                f"({type(exc).__name__}); check the address (tcp://HOST:8786) and that it runs"
            ) from None
        owned.append(client)
        return client
    import logging

    cluster = distributed.LocalCluster(
        n_workers=workers or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,  # not the nannies' notes on closing, amid our output
    )
    owned.append(cluster)
    client = distributed.Client(cluster)
    owned.append(client)
    return client
