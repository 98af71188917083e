"""The app's pages: a form, and with a question in the URL, its answer.

Each handler reads its query parameters (:mod:`cablemap.web.questions`), asks the
engine (:mod:`cablemap.web.engine`) and fills a template; nothing is computed here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from cablemap.web.engine import Engine
from cablemap.web.params import Query, query_string
from cablemap.web.questions import (
    POLICY_PARAMS,
    ROUTE_PARAMS,
    SERVICE_PARAMS,
    PolicyChoice,
    RouteQuestion,
    Service,
    policy_choices,
    region_choices,
)
from cablemap.web.responses import answering, map_page, page
from cablemap.web.views import country_view, route_view

STATIONS_SHOWN = 300
"""Most stations listed on the page (the downloads have them all)."""

COUNTRY_PARAMS = ("place", *POLICY_PARAMS, *SERVICE_PARAMS)
CARRIER_PARAMS = ("entity", *POLICY_PARAMS)
STATION_PARAMS = ("country", "risky", *POLICY_PARAMS, *SERVICE_PARAMS)
WORLD_PARAMS = ("country", *POLICY_PARAMS, *SERVICE_PARAMS)


def engine_of(request: Request) -> Engine:
    """The engine the app was made with."""
    engine: Engine = request.app.state.engine
    return engine


def query_of(request: Request, allowed: tuple[str, ...]) -> Query:
    """The request's query parameters, refusing any this page does not take."""
    return Query.of(request.query_params.multi_items(), allowed)


def common(request: Request, title: str, **context: Any) -> dict[str, Any]:
    """What every page's template needs: title, choices, the data line, its own query."""
    network = engine_of(request).network
    provenance = network.provenance
    return {
        "title": title,
        "policies": policy_choices(),
        "regions": region_choices(),
        "data_line": provenance.line() if provenance is not None else network.snapshot_id,
        "values": {},
        **context,
    }


@answering
def home(request: Request) -> Response:
    """The start page: every question's form."""
    query_of(request, ())
    return page("home.html", common(request, "cablemap"))


@answering
def route(request: Request) -> Response:
    """What connects two places: map, direct cables, routes, flags, the clean route."""
    query = query_of(request, ROUTE_PARAMS)
    if not query.values:
        return page("route.html", common(request, "Route", result=None))
    question = RouteQuestion.read(query)
    engine = engine_of(request)
    report = engine.route(question)
    view = engine.run(lambda: route_view(report.as_dict(), engine.network))
    title = f"{report.origin.name} to {report.destination.name}"
    return page(
        "route.html",
        common(request, title, result=view, query=question.query(), values=query.values),
    )


@answering
def route_map(request: Request) -> Response:
    """The interactive route map page, shown in the route page's frame."""
    question = RouteQuestion.read(query_of(request, ROUTE_PARAMS))
    return map_page(engine_of(request).route_map(question))


@answering
def country(request: Request) -> Response:
    """One country, territory or subdivision: cables, stations, exposure, cut-off."""
    query = query_of(request, COUNTRY_PARAMS)
    if not query.values:
        return page("country.html", common(request, "Country", result=None))
    place = str(query.text("place", required=True))
    choice, service = PolicyChoice.read(query), Service.read(query)
    engine = engine_of(request)
    from cablemap.render.country import country_json

    report = engine.country(place, choice, service)
    view = engine.run(lambda: country_view(country_json(report), engine.network))
    params = {"place": place, **choice.__dict__, **service.params()}
    context = common(
        request, view["place"]["name"], result=view, query=query_string(params), values=query.values
    )
    return page("country.html", context)


@answering
def carrier(request: Request) -> Response:
    """One carrier: its family, its cables, each policy's verdict, its sources."""
    query = query_of(request, CARRIER_PARAMS)
    if not query.values:
        return page("carrier.html", common(request, "Carrier", result=None))
    entity = str(query.text("entity", required=True))
    choice = PolicyChoice.read(query)
    profile = engine_of(request).carrier(entity, choice).as_dict()
    params = {"entity": entity, **choice.__dict__}
    context = common(
        request,
        profile["entity"]["name"],
        result=profile,
        query=query_string(params),
        values=query.values,
    )
    return page("carrier.html", context)


@answering
def stations(request: Request) -> Response:
    """Landing stations, ranked by how many of their cables a policy flags."""
    from cablemap.errors import UserError
    from cablemap.render.tables import stations_output

    query = query_of(request, STATION_PARAMS)
    countries = query.texts("country")
    choice, service = PolicyChoice.read(query), Service.read(query)
    risky = query.flag("risky")
    if risky and choice.policy is None:
        raise UserError("risky needs policy (risky under which policy?)")
    engine = engine_of(request)
    ranking = engine.stations(countries, choice, service, risky)
    import json

    result = json.loads(engine.run(lambda: stations_output(ranking, "json")))
    params = {"country": list(countries), "risky": risky, **choice.__dict__, **service.params()}
    context = common(
        request,
        "Landing stations",
        result=result,
        shown=STATIONS_SHOWN,
        query=query_string(params),
        values=query.values,
    )
    return page("stations.html", context)


def world_question(query: Query) -> tuple[PolicyChoice, tuple[str, ...], Service]:
    """The risk map question: a policy (required), some countries, the service year."""
    return PolicyChoice.read(query, required=True), query.texts("country"), Service.read(query)


@answering
def world(request: Request) -> Response:
    """The world (or some countries') risk map under a policy."""
    query = query_of(request, WORLD_PARAMS)
    if not query.values:
        return page("world.html", common(request, "World risk map", result=None))
    choice, countries, service = world_question(query)
    engine_of(request).world_map(choice, countries, service)  # renders (and checks) it once
    params = {"country": list(countries), **choice.__dict__, **service.params()}
    title = f"Risk map under {choice.policy}"
    context = common(request, title, result=True, query=query_string(params), values=query.values)
    return page("world.html", context)


@answering
def world_map(request: Request) -> Response:
    """The interactive risk map page, shown in the world page's frame."""
    choice, countries, service = world_question(query_of(request, WORLD_PARAMS))
    return map_page(engine_of(request).world_map(choice, countries, service))
