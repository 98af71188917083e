"""The one network the app answers from, and every call the pages make into it.

The network is loaded once, before the server starts, and never changed. Calls into
the analysis and render layers hold one lock: the network fills some tables lazily on
first use and matplotlib's state is global, so two requests must not run them at once.
Requests still arrive and are answered concurrently; each waits its turn for the
computation only. Rendered map pages (the slowest answer, ~0.6 s) are kept in a small
cache keyed by their canonical query string.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.network.graph import Network
    from cablemap.web.questions import PolicyChoice, RouteQuestion, Service

T = TypeVar("T")

CACHED_MAPS = 16
"""Map pages kept rendered (each ~1 MB of HTML)."""


class Engine:
    """The app's read-only network and the questions it answers.

    Parameters
    ----------
    network
        A built network (:func:`cablemap.network.persist.load_or_build_network`).
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        self._lock = threading.RLock()
        self._maps: OrderedDict[str, str] = OrderedDict()

    def warm(self) -> None:
        """Read what the first question would otherwise load: dataset, topology, registry.

        Done once before serving (about 6 s on the open copy). A policy's flags are still
        computed by the first question under that policy and date (about 2.5 s), then
        kept with the network.
        """
        from cablemap.policy.carriers import default_registry

        self.run(lambda: (self.network.dataset, self.network.topology, default_registry()))

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` holding the engine's lock."""
        with self._lock:
            return work()

    def cached_map(self, key: str, render: Callable[[], str]) -> str:
        """The map page for ``key``, rendered by ``render`` on a miss."""
        with self._lock:
            if key in self._maps:
                self._maps.move_to_end(key)
                return self._maps[key]
            page = render()
            self._maps[key] = page
            while len(self._maps) > CACHED_MAPS:
                self._maps.popitem(last=False)
            return page

    # --- routes ---------------------------------------------------------------------

    def route(self, question: RouteQuestion) -> RouteReport:
        """:func:`~cablemap.analysis.query.trace_routes` for ``question``."""
        from cablemap.analysis.query import trace_routes

        def work() -> RouteReport:
            return trace_routes(
                self.network,
                question.origin,
                question.destination,
                k=question.k,
                resilience=question.resilience,
                policy=question.choice.load(),
                avoid_flagged=question.avoid_flagged,
                **question.filters(),
            )

        return self.run(work)

    def route_map(self, question: RouteQuestion) -> str:
        """The self-contained interactive map page of ``question``'s routes."""
        from cablemap.render import interactive

        def render() -> str:
            drawn = interactive.route_map(self.route(question), self.network)
            return interactive.to_html(drawn, self_contained=True)

        return self.cached_map("route?" + question.query(), render)

    def route_image(self, question: RouteQuestion, suffix: str) -> bytes:
        """The static route image as ``.png`` or ``.svg`` bytes."""
        from cablemap.render import static

        def work() -> bytes:
            figure = static.route_figure(self.route(question), self.network)
            return static.image_bytes(figure, Path(f"route{suffix}"))

        return self.run(work)

    def route_report(self, question: RouteQuestion, suffix: str) -> dict[str, bytes]:
        """The report files :func:`~cablemap.render.report.write_report` writes, by name.

        ``.html`` gives one file; ``.md`` gives the Markdown with its image and map.
        """
        from cablemap.render.report import write_report

        def work(folder: Path) -> dict[str, bytes]:
            written = write_report(
                self.network,
                question.origin,
                question.destination,
                folder / f"report{suffix}",
                policy=question.choice.load(),
                k=question.k,
                **question.filters(),
            )
            return {path.name: path.read_bytes() for path in written}

        with tempfile.TemporaryDirectory(prefix="cablemap-web-") as folder:
            return self.run(lambda: work(Path(folder)))

    def route_gis(self, question: RouteQuestion) -> bytes:
        """The model with the routes as one GeoPackage (:mod:`cablemap.render.gis`)."""
        from cablemap.render.gis import export_layers, write_export

        def work(target: Path) -> bytes:
            exported = export_layers(
                self.network,
                policy=question.choice.load(),
                report=self.route(question),
                as_of=question.service.as_of,
                include_planned=question.service.include_planned,
            )
            write_export(exported, target)
            return target.read_bytes()

        with tempfile.TemporaryDirectory(prefix="cablemap-web-") as folder:
            return self.run(lambda: work(Path(folder) / "routes.gpkg"))

    # --- look-ups -------------------------------------------------------------------

    def country(self, place: str, choice: PolicyChoice, service: Service) -> Any:
        """:func:`~cablemap.analysis.country.describe_country` for one place."""
        from cablemap.analysis.country import describe_country

        return self.run(
            lambda: describe_country(
                self.network,
                place,
                policy=choice.load(),
                as_of=service.as_of,
                include_planned=service.include_planned,
            )
        )

    def carrier(self, entity: str, choice: PolicyChoice) -> Any:
        """:func:`~cablemap.analysis.carriers.describe_carrier`, by one or every policy."""
        from cablemap.analysis.carriers import describe_carrier
        from cablemap.policy.dates import parse_policy_date
        from cablemap.policy.rules import load_policy, shipped_policies

        def work() -> Any:
            when = parse_policy_date(choice.policy_date)
            names = [choice.policy] if choice.policy else list(shipped_policies())
            chosen = [load_policy(name, as_of=when) for name in names]
            return describe_carrier(self.network, entity, policies=chosen)

        return self.run(work)

    def stations(
        self, countries: tuple[str, ...], choice: PolicyChoice, service: Service, risky: bool
    ) -> Any:
        """:func:`~cablemap.analysis.stations.rank_stations` for some places."""
        from cablemap.analysis.stations import rank_stations

        return self.run(
            lambda: rank_stations(
                self.network,
                countries=countries,
                policy=choice.load(),
                as_of=service.as_of,
                include_planned=service.include_planned,
                risky=risky,
            )
        )

    # --- the world risk map -----------------------------------------------------------

    def world_map(self, choice: PolicyChoice, countries: tuple[str, ...], service: Service) -> str:
        """The self-contained risk map page (``cablemap map``), cached."""
        from cablemap.policy.flags import policy_flags
        from cablemap.render import interactive

        def render() -> str:
            flags = policy_flags(self.network, choice.load())
            drawn = interactive.risk_map(
                self.network,
                flags,
                country=countries,
                as_of=service.as_of,
                include_planned=service.include_planned,
            )
            return interactive.to_html(drawn, self_contained=True)

        key = f"world?{choice}{countries}{service}"
        return self.cached_map(key, render)

    def world_image(
        self, choice: PolicyChoice, countries: tuple[str, ...], service: Service, suffix: str
    ) -> bytes:
        """The static risk map as ``.png`` or ``.svg`` bytes."""
        from cablemap.policy.flags import policy_flags
        from cablemap.render import static

        def work() -> bytes:
            flags = policy_flags(self.network, choice.load())
            figure = static.risk_figure(
                self.network,
                flags,
                country=countries,
                as_of=service.as_of,
                include_planned=service.include_planned,
            )
            return static.image_bytes(figure, Path(f"world{suffix}"))

        return self.run(work)
