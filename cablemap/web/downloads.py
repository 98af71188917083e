"""Download links: every answer as the files the command line writes.

Each download takes the same query parameters as its page, so a page's links are its
own URL with the file's name in the path. The files come from the project's renderers
(reports, images, GIS export, JSON contracts, CSV tables); nothing is formatted here.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from cablemap.errors import UserError
from cablemap.web.offers import (
    CARRIER_FILES,
    COUNTRY_FILES,
    ROUTE_FILES,
    STATION_FILES,
    WORLD_FILES,
)
from cablemap.web.pages import (
    CARRIER_PARAMS,
    COUNTRY_PARAMS,
    STATION_PARAMS,
    WORLD_PARAMS,
    engine_of,
    query_of,
    world_question,
)
from cablemap.web.params import Query
from cablemap.web.questions import ROUTE_PARAMS, PolicyChoice, RouteQuestion, Service
from cablemap.web.responses import answering, download

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.network.graph import Network


def _file(request: Request, files: dict[str, str]) -> tuple[str, str]:
    name = str(request.path_params["name"])
    if name not in files:
        raise UserError(f"no download {name[:60]!r} here; offered: {', '.join(files)}")
    return name, files[name]


@answering
def route_file(request: Request) -> Response:
    """One file of a route answer (report, image, GeoPackage, CSV, JSON, GeoJSON)."""
    name, media = _file(request, ROUTE_FILES)
    question = RouteQuestion.read(query_of(request, ROUTE_PARAMS))
    engine = engine_of(request)
    content: str | bytes
    if name.startswith("report"):
        files = engine.route_report(question, ".html" if name == "report.html" else ".md")
        content = files["report.html"] if name == "report.html" else _zip(files)
    elif name in ("route.png", "route.svg"):
        content = engine.route_image(question, name[-4:])
    elif name == "routes.gpkg":
        content = engine.route_gis(question)
    else:
        report = engine.route(question)
        content = engine.run(lambda: _route_text(report, engine.network, name))
    stem = f"cablemap-{question.origin}-{question.destination}"
    return download(content, f"{stem}-{name}", media)


def _route_text(report: RouteReport, network: Network, name: str) -> str:
    from cablemap.render.geojson import route_geojson

    if name == "route.json":
        return json.dumps(report.as_dict(), indent=2)
    if name == "route.geojson":
        return json.dumps(route_geojson(report, network))
    from cablemap.render.tables import data_line
    from cablemap.sanitize import csv_comment, csv_safe_frame

    frame = csv_safe_frame(report.to_frame())
    line = data_line(report.provenance, report.policy)
    return csv_comment(line) + frame.to_csv(index=False)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()


def _lookup_file(
    request: Request,
    files: dict[str, str],
    allowed: tuple[str, ...],
    answer: Callable[[Query, str], str],
    stem: Callable[[Query], str],
) -> Response:
    name, media = _file(request, files)
    query = query_of(request, allowed)
    return download(answer(query, name), f"cablemap-{stem(query)}-{name}", media)


@answering
def country_file(request: Request) -> Response:
    """A country answer as JSON or CSV (``cablemap country --format``)."""
    from cablemap.render import country as render

    engine = engine_of(request)

    def answer(query: Query, name: str) -> str:
        place = str(query.text("place", required=True))
        report = engine.country(place, PolicyChoice.read(query), Service.read(query))
        if name == "country.csv":
            return engine.run(lambda: render.country_csv(report))
        return json.dumps(render.country_json(report), indent=2)

    return _lookup_file(
        request, COUNTRY_FILES, COUNTRY_PARAMS, answer, lambda q: str(q.text("place"))
    )


@answering
def carrier_file(request: Request) -> Response:
    """A carrier profile as JSON (``cablemap carriers show --format json``)."""
    engine = engine_of(request)

    def answer(query: Query, name: str) -> str:
        entity = str(query.text("entity", required=True))
        profile = engine.carrier(entity, PolicyChoice.read(query))
        return json.dumps(profile.as_dict(), indent=2)

    return _lookup_file(
        request, CARRIER_FILES, CARRIER_PARAMS, answer, lambda q: str(q.text("entity"))
    )


@answering
def stations_file(request: Request) -> Response:
    """The station ranking as CSV, JSON or GeoJSON (``cablemap stations --format``)."""
    from cablemap.render.tables import stations_output

    engine = engine_of(request)

    def answer(query: Query, name: str) -> str:
        choice = PolicyChoice.read(query)
        risky = query.flag("risky")
        if risky and choice.policy is None:
            raise UserError("risky needs policy (risky under which policy?)")
        ranking = engine.stations(query.texts("country"), choice, Service.read(query), risky)
        return engine.run(lambda: stations_output(ranking, name.rsplit(".", 1)[1]))

    return _lookup_file(request, STATION_FILES, STATION_PARAMS, answer, lambda q: "stations")


@answering
def world_file(request: Request) -> Response:
    """The risk map as a self-contained HTML page, PNG or SVG (``cablemap map``)."""
    name, media = _file(request, WORLD_FILES)
    choice, countries, service = world_question(query_of(request, WORLD_PARAMS))
    engine = engine_of(request)
    content: str | bytes
    if name == "world.html":
        content = engine.world_map(choice, countries, service)
    else:
        content = engine.world_image(choice, countries, service, name[-4:])
    return download(content, f"cablemap-{choice.policy}-{name}", media)
