"""The risk map: every cable segment coloured by its flags, stations sized by exposure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import folium
import numpy as np

from cablemap.analysis.places import resolve_scope
from cablemap.analysis.stations import ServiceYear, service_year
from cablemap.policy.stations import StationExposure, station_exposure
from cablemap.render import style
from cablemap.render.interactive.basemap import _finish, _Map
from cablemap.render.interactive.classes import (
    CABLE_CLASS,
    CUT_CLASS,
    FLAGGED_CLASS,
    NOT_ROUTED_CLASS,
    PLANNED_CLASS,
)
from cablemap.render.interactive.elements import _encode, _Features
from cablemap.render.interactive.geometry import (
    COUNTRY_MARGIN,
    COUNTRY_MIN_SPAN,
    WORLD_BOUNDS,
    _framed,
    _simplified,
    _window_parts,
    _wrap_lon,
    centre_longitude,
)
from cablemap.render.interactive.layers import PLANNED_DASH, _stations_layer
from cablemap.render.interactive.layout import Label
from cablemap.render.interactive.markup import (
    _e,
    _flags_html,
    _legend_html,
    _link,
    _listed,
    _popup,
    _web_url,
)
from cablemap.render.interactive.names import station_city

LABELLED = 10
"""A place's risk map names its most exposed stations, up to this many."""

if TYPE_CHECKING:
    from cablemap.analysis.cuts import Cuts
    from cablemap.network.graph import Network
    from cablemap.policy.flags import Flag, PolicyFlags


def _cable_rows(network: Network, excluded: frozenset[str]) -> dict[str, dict[str, Any]]:
    from cablemap.network.status import load_status_overlay

    cables = network.dataset.cables
    columns = ("name", "owners", "suppliers", "rfs_year", "url")
    overlay = load_status_overlay()
    rows = {
        row["id"]: row
        for row in cables[["id", *columns]].to_dict("records")  # type: ignore[misc]
    }
    for cable_id, row in rows.items():
        entry = overlay.get(cable_id)
        out = cable_id in excluded and entry is not None
        row["status"] = (entry.status, entry.reason) if out and entry else None
    return rows


def _segment_popup(
    row: dict[str, Any],
    cable_flags: tuple[Flag, ...],
    segment_flags: tuple[Flag, ...],
    policy: str | None,
) -> str:
    """A segment's cable (name, RFS, owners, suppliers, link), its flags and the cable's."""
    year = row.get("rfs_year")
    owners = [str(o) for o in (row.get("owners") or ())]
    suppliers = [str(s) for s in (row.get("suppliers") or ())]
    own = {(f.rule, f.entity) for f in segment_flags}
    rest = [f for f in cable_flags if (f.rule, f.entity) not in own]
    url = row.get("url")
    verdict = "flagged" if segment_flags else "no flag"
    return _popup(
        f"<b>{_e(row['name'])}</b>"
        + (f" (RFS {int(year)})" if year is not None and _known(year) else ""),
        f"<div>Owners: {_listed(owners)}</div>" if owners else "",
        f"<div>Suppliers: {_listed(suppliers)}</div>" if suppliers else "",
        f"<div>{_link(url, 'Cable web page')}</div>" if _web_url(url) else "",
        f"<div>This segment: <b>{verdict}</b>{' under ' + _e(policy) if policy else ''}</div>",
        (
            f"<div>Not routed over (status overlay): <b>{_e(row['status'][0])}</b>, "
            f"{_e(row['status'][1])}</div>"
            if row.get("status")
            else ""
        ),
        _flags_html(segment_flags, "Segment flags"),
        _flags_html(rest, "Other flags on this cable (not on this segment)"),
    )


def _known(value: object) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _risk_cables(
    network: Network,
    flags: PolicyFlags | None,
    centre: float,
    cable_ids: frozenset[str] | None,
    cuts: Cuts | None = None,
    service: ServiceYear | None = None,
    planned: frozenset[str] = frozenset(),
) -> tuple[folium.FeatureGroup, np.ndarray]:
    """Segments coloured by their flags; also returns every drawn (lon, lat) for bounds.

    Segments of one cable with the same flag reasons share one popup. Cables not yet in
    service in the year (``service.not_built``) are not drawn; those in ``planned``
    (drawn because planned cables were asked for) are dashed.
    """
    segments = network.topology.segments
    if cable_ids is not None:
        segments = segments[segments["cable_id"].isin(cable_ids)]
    if service is not None:
        segments = segments[~segments["cable_id"].isin(service.not_built)]
    parts = _window_parts(_simplified(segments.geometry), centre)
    cut_segments = {s for c in cuts.cuts for s in c.segments} if cuts is not None else set()
    cut_cables = cuts.cables if cuts is not None else frozenset()
    rows = _cable_rows(network, service.excluded if service else network.cables_out_of_service())
    popups: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, tuple[Flag, ...]]] = {}
    tooltips = {cable_id: i for i, cable_id in enumerate(rows)}
    items: list[list[Any]] = []
    for encoded, segment_id, cable_id in zip(
        _encode(parts), segments["segment_id"], segments["cable_id"], strict=True
    ):
        found = flags.segments.get(segment_id, ()) if flags is not None else ()
        if not encoded or cable_id not in rows:
            continue
        key = (cable_id, tuple((f.rule, f.reason) for f in found))
        number = popups.setdefault(key, (len(popups), found))[0]
        kind = 2 if rows[cable_id]["status"] else int(bool(found))
        if segment_id in cut_segments or cable_id in cut_cables:
            kind = 3
        elif kind < 2 and cable_id in planned:
            kind += 4
        items.append([kind, number, tooltips[cable_id], encoded])
    items.sort(key=lambda item: (item[0] in (1, 3, 5), item[0]))  # flagged and cut on top
    policy = flags.policy.label if flags is not None else None
    texts = [
        _segment_popup(rows[c], flags.cables.get(c, ()) if flags else (), found, policy)
        for (c, _), (_, found) in popups.items()
    ]
    names = [_e(row["name"]) for row in rows.values()]
    clean = {"color": style.CLEAN, "weight": style.CABLE_WEIGHT, "opacity": 0.55}
    flagged = {"color": style.FLAGGED, "weight": style.CABLE_WEIGHT + 0.8, "opacity": 0.9}
    out_of_service = {
        "color": style.NOT_ROUTED,
        "weight": style.CABLE_WEIGHT,
        "opacity": 0.8,
        "dashArray": style.NOT_ROUTED_DASH,
    }
    styles = [
        {**clean, "className": CABLE_CLASS},
        {**flagged, "className": f"{CABLE_CLASS} {FLAGGED_CLASS}"},
        {**out_of_service, "className": f"{CABLE_CLASS} {NOT_ROUTED_CLASS}"},
        {
            "color": style.CUT,
            "weight": style.CABLE_WEIGHT + 1.5,
            "opacity": 0.95,
            "dashArray": style.BACKHAUL_DASH,
            "className": f"{CABLE_CLASS} {CUT_CLASS}",
        },
        {**clean, "dashArray": PLANNED_DASH, "className": f"{CABLE_CLASS} {PLANNED_CLASS}"},
        {
            **flagged,
            "dashArray": PLANNED_DASH,
            "className": f"{CABLE_CLASS} {FLAGGED_CLASS} {PLANNED_CLASS}",
        },
    ]
    group = folium.FeatureGroup(name="Cables (red: flagged segment)")
    group.add_child(_Features(items, styles, texts, names))
    drawn = [part for lines in parts for part in lines]
    return group, np.concatenate(drawn) if drawn else np.empty((0, 2))


def _risk_scope(
    network: Network, country: str | Sequence[str] | None
) -> tuple[str, frozenset[str] | None]:
    """The places' names and their stations (``None`` for the world)."""
    scope = resolve_scope(network.places, [country] if isinstance(country, str) else country or ())
    if scope is None:
        return "the world", None
    return scope.name, scope.station_ids


def _risk_legend(
    flags: PolicyFlags | None,
    where: str,
    exposures: Sequence[StationExposure],
    flagged_cables: int,
    cables: int,
    snapshot: str,
    cut: str | None = None,
    service: ServiceYear | None = None,
    planned: bool = False,
) -> str:
    risky = sum(1 for e in exposures if e.risky)
    title = f"{flags.policy.label}: {where}" if flags is not None else f"No policy: {where}"
    entries = [
        ("Flagged segment (policy)", style.FLAGGED, "solid"),
        ("Segment with no flag", style.CLEAN, "solid"),
        ("Not routed over: retired, military, ... (status overlay)", style.NOT_ROUTED, "dotted"),
        ("Station with flagged cables (size: exposure)", style.FLAGGED, "dot-filled"),
        ("Station with nothing flagged", style.STATION, "dot"),
    ]
    if planned:
        entries.insert(2, ("Planned cable (not in service yet)", style.CLEAN, "dashed"))
    if cut is not None:
        entries.insert(3, (f"Cut: {cut}", style.CUT, "dashed"))
    notes = [
        f"{flagged_cables} of {cables} cables flagged; "
        f"{risky} of {len(exposures)} stations exposed",
        "Exposure: flagged cables / cables in service at a station",
        "Click a cable or station for the reasons and sources",
        f"Data: {snapshot}",
    ]
    if service is not None:
        notes.insert(0, service.describe())
    return _legend_html(title, notes, entries)


def risk_map(
    network: Network,
    flags: PolicyFlags | None,
    *,
    country: str | Sequence[str] | None = None,
    cuts: Cuts | None = None,
    as_of: int | None = None,
    include_planned: bool = False,
) -> folium.Map:
    """Map what a policy flags: cable segments by flag, stations by exposure.

    Parameters
    ----------
    network
        A built network.
    flags
        ``policy_flags(network, policy)``; ``None`` draws everything unflagged.
    country
        A place (country name or ISO code, subdivision, city, landing-station id), or
        several (each may be a comma list, as ``--country`` takes them): only their
        stations and the cables landing there, with the view fitted to them. Default:
        the world.
    cuts
        Cuts (:func:`cablemap.analysis.cuts.resolve_cuts`): their segments drawn black
        and dashed, with the cut named in the popup.
    as_of, include_planned
        Draw and count the cables in service in this year (default: this year), and the
        planned ones too if asked, as ``route`` uses them; station exposure counts the
        same cables.

    Returns
    -------
    folium.Map
        Layers "Cables (red: flagged segment)", "Risky stations" and "Other stations",
        with popups giving every flag's reason and sources, and a legend.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        If ``country`` names no place with landing stations.
    """
    where, scope = _risk_scope(network, country)
    service = service_year(network, as_of, include_planned)
    exposures = [
        e
        for e in station_exposure(network.dataset, flags, excluded=service.excluded)
        if scope is None or e.id in scope
    ]
    landings = network.dataset.landings
    cable_ids = (
        None
        if scope is None
        else frozenset(landings.loc[landings["station_id"].isin(scope), "cable_id"])
        - service.not_built
    )
    centre = 0.0
    if scope is not None:
        centre = centre_longitude([e.lon for e in exposures])
    m = _Map(f"cablemap: risk map of {where}", [20.0, centre])
    planned = service_year(network, as_of, False).not_built if include_planned else frozenset()
    cables, drawn = _risk_cables(network, flags, centre, cable_ids, cuts, service, planned)
    m.add_child(cables)
    risky = [e for e in exposures if e.risky]
    m.add_child(_stations_layer(risky, network, centre, name="Risky stations"))
    others = [e for e in exposures if not e.risky]
    m.add_child(_stations_layer(others, network, centre, name="Other stations"))
    points = np.array([[_wrap_lon(e.lon, centre), e.lat] for e in exposures]).reshape(-1, 2)
    every = points if len(points) else drawn
    world = scope is None or not len(every)
    bounds = (
        [list(b) for b in WORLD_BOUNDS]
        if world
        else _framed(every, margin=COUNTRY_MARGIN, min_span=COUNTRY_MIN_SPAN)
    )
    every_cable = set(network.dataset.cables["id"]) - service.not_built
    shown = set(cable_ids) if cable_ids is not None else every_cable
    flagged = sum(1 for c in shown if flags is not None and flags.cables.get(c))
    cut = ", ".join(c.spec for c in cuts.cuts) if cuts is not None and cuts.cuts else None
    data = network.provenance.short()
    drawn_planned = bool(planned & shown)
    legend = _risk_legend(
        flags, where, exposures, flagged, len(shown), data, cut, service, drawn_planned
    )
    labels = [] if world else _exposed_labels(exposures, centre)
    m.attributions[0] = network.provenance.attribution  # with overlays and licences
    return _finish(m, legend, bounds, labels=labels, avoid=[tuple(p) for p in points])


def _exposed_labels(exposures: Sequence[StationExposure], centre: float) -> list[Label]:
    """Labels for a place's most exposed stations: city, flagged / all cables.

    Up to :data:`LABELLED`, the most exposed first, as the static image labels them.
    """
    ranked = sorted((e for e in exposures if e.risky), key=lambda e: -e.exposure)
    return [
        Label(
            f"{station_city(e.name)} {len(e.flagged_cables)}/{len(e.cables)}",
            _wrap_lon(e.lon, centre),
            e.lat,
        )
        for e in ranked[:LABELLED]
    ]
