"""Reports a person can send: summary, map, image, hop tables, citations, data licence.

``build_report`` turns one route question (its answer with a policy, and the answer when
avoiding flagged hops) into HTML or Markdown. The interactive map and the static image
are passed in already rendered, so this module only lays out and escapes text: every
string from the data or the registry goes through :func:`html.escape` in HTML, and
through :mod:`cablemap.render.markdown` in Markdown (which backslashes only what would
be read as markup, so the raw text stays readable).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap import __version__
from cablemap.analysis.query import trace_routes
from cablemap.errors import UserError
from cablemap.render.markdown import md_block, md_link_target, md_table, md_text
from cablemap.render.shown import shown_routes
from cablemap.render.style import BASEMAP_ATTRIBUTION

if TYPE_CHECKING:
    from cablemap.analysis.direct import DirectCable
    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Hop, Route
    from cablemap.network.graph import Network
    from cablemap.policy.carriers import Registry
    from cablemap.policy.flags import Flag
    from cablemap.policy.rules import Citation


@dataclass(frozen=True)
class ReportParts:
    """What a report is made of."""

    main: RouteReport
    """Routes with the policy's flags (and resilience)."""
    clean: RouteReport | None
    """The same question avoiding flagged hops (``None`` without a policy)."""
    network: Network
    registry: Registry
    map_html: str = ""
    """A self-contained map fragment (HTML reports)."""
    image_png: bytes = b""
    """The static image (HTML: inlined; Markdown: written beside, see ``image_name``)."""
    image_name: str = ""
    map_name: str = ""
    """File name of the full map page written beside a Markdown report."""


def build_report(parts: ReportParts, fmt: str) -> str:
    """Render a report as ``"html"`` or ``"md"``."""
    sections = _sections(parts)
    if fmt == "md":
        return _markdown(parts, sections)
    return _html(parts, sections)


@dataclass(frozen=True)
class _Sections:
    title: str
    summary: list[str]
    direct: list[list[str]]
    routes: list[tuple[str, list[list[str]]]]
    citations: list[Citation]
    why: dict[str, list[str]]
    """The reasons behind each flagged cable's short flag note, by cable name."""
    data: list[str]


def _sections(parts: ReportParts) -> _Sections:
    main = parts.main
    policy = main.policy
    title = f"Routes from {main.origin.name} to {main.destination.name}"
    if policy:
        title += f" under {policy.label}"
    table = parts.network.dataset.cables
    parties = {
        cable_id: (_parties(owners, parts.registry), _parties(suppliers, parts.registry))
        for cable_id, owners, suppliers in zip(
            table["id"], table["owners"], table["suppliers"], strict=True
        )
    }
    notes = _Notes(
        parts.registry,
        {
            cable_id: [*owners, *suppliers]
            for cable_id, owners, suppliers in zip(
                table["id"], table["owners"], table["suppliers"], strict=True
            )
        },
    )
    direct = [_direct_row(cable, parts, parties, notes) for cable in main.direct_cables]
    routes = []
    clean = main.clean_route.cables if main.clean_route is not None else None
    for route in shown_routes(main):
        rows = [_hop_row(n, hop, parts, parties, notes) for n, hop in enumerate(route.hops, 1)]
        heading = _route_heading(route)
        if route.cables == clean and route.note != "best clean route":
            heading = heading.replace(", clean", ", clean (the best clean route)")
        routes.append((heading, rows))
    why = {cable: list(reasons.values()) for cable, reasons in notes.why.items()}
    citations = list(notes.citations.values())
    return _Sections(title, _summary(parts), direct, routes, citations, why, _data_lines(parts))


def _route_heading(route: Route) -> str:
    state = "flagged" if route.flagged else "clean"
    label = "Best clean route" if route.note == "best clean route" else f"Route {route.rank}"
    via = f", via {', '.join(route.transit_countries)}" if route.transit_countries else ""
    return (
        f"{label}: {route.km:,.0f} km, {route.latency_ms:.1f} ms one way, "
        f"{len(route.cables)} cable(s){via}, {state}"
    )


def _direct_row(
    cable: DirectCable,
    parts: ReportParts,
    parties: dict[str, tuple[str, str]],
    notes: _Notes,
) -> list[str]:
    owners, suppliers = parties.get(cable.id, ("", ""))
    stations = parts.network.stations
    return [
        cable.name,
        str(cable.rfs_year or "?"),
        "; ".join(stations[s].name for s in cable.from_stations),
        "; ".join(stations[s].name for s in cable.to_stations),
        owners,
        suppliers,
        notes.note(cable.id, cable.name, cable.flags),
    ]


@dataclass
class _Notes:
    """What the flag notes collect while the tables are laid out, in reading order."""

    registry: Registry
    parties: dict[str, list[str]]
    """Owner and supplier names as the data gives them, by cable id."""
    citations: dict[tuple[str, str], Citation] = field(default_factory=dict)
    """Every source cited, by (title, URL); its number is its position plus one."""
    why: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    """Full reasons by cable name, once per (rule, entity or reason)."""

    def note(self, cable_id: str | None, label: str, flags: tuple[Flag, ...]) -> str:
        """A short note per rule ("clean-carrier: China Telecom; PCCW [1]")."""
        named = {
            entity.id: name
            for name in self.parties.get(cable_id or "", ())
            if (entity := self.registry.match(name)) is not None
        }
        by_rule: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
        for flag in flags:
            numbers = [self._cite(citation) for citation in flag.citations]
            numbers += [self._cite(c) for c in _stake_citations(flag, self.citations)]
            numbers = list(dict.fromkeys(numbers))
            subjects, cited = by_rule.setdefault(flag.rule, ({}, {}))
            subjects[named.get(flag.entity or "", "excluded landing")] = None
            cited.update(dict.fromkeys(numbers))
            key = (flag.rule, flag.entity or flag.reason)
            self.why.setdefault(label, {}).setdefault(key, f"{flag.reason} [{', '.join(numbers)}]")
        notes = [
            f"{rule}: {_short_list(list(subjects))} [{', '.join(cited)}]"
            for rule, (subjects, cited) in by_rule.items()
        ]
        return "; ".join(notes) or "-"

    def _cite(self, citation: Citation) -> str:
        key = (citation.title, citation.url)
        self.citations.setdefault(key, citation)
        return str(list(self.citations).index(key) + 1)


OWNERS_SHOWN = 5
"""Owners (or suppliers) listed in a table cell before "and N more"."""


def _short_list(items: list[str], limit: int = OWNERS_SHOWN) -> str:
    """``a; b; c`` or, past ``limit + 1`` items, the first ``limit`` and "and N more"."""
    if len(items) <= limit + 1:
        return "; ".join(items)
    return "; ".join(items[:limit]) + f"; and {len(items) - limit} more"


def _stake_citations(flag: Flag, cited: dict[tuple[str, str], Citation]) -> list[Citation]:
    """The sources of the stakes in a flag's chain (PCCW ← China Unicom 18.4 %: the FCC order).

    A document already cited under another title (a rule citing the same order) is
    referred to by that entry rather than listed twice.
    """
    from cablemap.policy.rules import Citation

    by_url = {url: cited[(title, url)] for title, url in cited}
    out = []
    for link in flag.chain:
        for source in link.sources if link.relation == "equity" else ():
            out.append(
                by_url.get(source.url)
                or Citation(source.title, source.publisher, source.date, source.url)
            )
    return out


def _summary(parts: ReportParts) -> list[str]:
    main, clean = parts.main, parts.clean
    best = main.routes[0]
    lines = [
        f"Best route: {best.km:,.0f} km, {best.latency_ms:.1f} ms one way, via "
        + ", ".join(parts.network.cables[c].name for c in best.cables)
        + (" (flagged)" if best.flagged else "")
    ]
    if clean is not None and clean.clean is not None:
        info = clean.clean
        if not info["clean_route_exists"] or clean.clean_route is None:
            lines.append("Best clean route: none. Every route uses a flagged hop.")
        else:
            route = clean.clean_route
            lines.append(
                f"Best clean route: {route.km:,.0f} km, {route.latency_ms:.1f} ms, via "
                + ", ".join(parts.network.cables[c].name for c in route.cables)
                + f"; detour +{info['detour_km']:,.0f} km, +{info['detour_ms']:.1f} ms"
            )
    if main.cuts.cuts:
        lines.append(
            "Cuts: "
            + "; ".join(
                f"{cut.kind} {cut.spec} ("
                + (", ".join(cut.cables) if cut.cables else f"{len(cut.segments)} segments")
                + ")"
                for cut in main.cuts.cuts
            )
            + " (routes and direct cables avoid them; resilience counts whole-cable cuts only)"
        )
    if main.resilience is not None:
        outcome = main.resilience
        lines.append(
            f"Resilience: {outcome.disjoint_routes} routes that share no cable; "
            f"cables every route depends on: "
            f"{', '.join(outcome.critical_cables) or 'none'}"
        )
        if main.clean_resilience is not None:
            lines.append(
                f"Cable failures before every remaining route is flagged: "
                f"{main.clean_resilience.disjoint_routes}"
            )
    return lines


def _hop_row(
    number: int,
    hop: Hop,
    parts: ReportParts,
    parties: dict[str, tuple[str, str]],
    notes: _Notes,
) -> list[str]:
    owners, suppliers = parties[hop.cable_id] if hop.cable_id is not None else ("", "")
    cable = hop.cable_name or f"assumed link ({hop.kind})"
    flagged = notes.note(hop.cable_id, cable, hop.flags)
    stations = parts.network.stations
    return [
        str(number),
        hop.kind,
        cable,
        stations[hop.from_station].name,
        stations[hop.to_station].name,
        f"{hop.km:,.0f}",
        owners,
        suppliers,
        flagged,
    ]


def _parties(names: list[str], registry: Registry) -> str:
    out = []
    for name in names:
        entity = registry.match(name)
        out.append(f"{name} ({entity.hq_country})" if entity else f"{name} (not in registry)")
    return _short_list(out)


GLOSSARY = (
    (
        "not in registry",
        "the owner or supplier is not in cablemap's carrier registry, so its headquarters "
        "and state control are unknown and no policy rule could select it. It means "
        '"unknown", not "checked and found clean".',
    ),
    (
        "assumed link",
        "a terrestrial backhaul hop between two landing stations that cablemap assumes over "
        "land (geodesic km x 1.5); it is not a cable in the data.",
    ),
    (
        "flagged",
        "a cable or hop that a rule of the policy selects; the short note names the rule "
        'and what it matched, "Why flagged" gives the reasons, the numbers the sources.',
    ),
    ("direct cable", "a cable that lands in both places."),
)
"""Words of the report a reader could take for something else: (term, meaning)."""


def _data_lines(parts: ReportParts) -> list[str]:
    data = parts.network.provenance
    policy = parts.main.policy
    lines = [
        f"Data: {data.source}; data as of {data.as_of} ({data.as_of_rule}); "
        f"snapshot {data.snapshot}.",
    ]
    if policy is not None:
        lines.append(f"Policy: {policy.name}.")
    return [
        *lines,
        f"{data.attribution}. {BASEMAP_ATTRIBUTION}.",
        "Backhaul between stations of one country is assumed (geodesic x 1.5); latency is "
        "propagation in fibre only (c / 1.468).",
        f"Made with cablemap {__version__} on {dt.datetime.now(dt.UTC):%Y-%m-%d}.",
    ]


HEADERS = ["#", "kind", "cable", "from", "to", "km", "owners (HQ)", "suppliers (HQ)", "flags"]


def _direct_headers(parts: ReportParts) -> list[str]:
    main = parts.main
    ends = [f"stations in {main.origin.name}", f"stations in {main.destination.name}"]
    return ["cable", "RFS", *ends, "owners (HQ)", "suppliers (HQ)", "flags"]


CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f2f2f2}.flagged{color:#d7301f}.note{color:#555;font-size:12px}
img.static{max-width:100%;border:1px solid #ccc}
dt{font-weight:bold}dd{margin:0 0 0.5em 1.5em}
"""


def _html_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    e = html.escape
    out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in rows]
    return [*out, "</table>"]


def _html(parts: ReportParts, s: _Sections) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta name='description' content='{e(parts.network.provenance.line())}'>",
        f"<meta name='generator' content='cablemap {e(__version__)}'>",
        f"<title>{e(s.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(s.title)}</h1><h2>Summary</h2><ul>",
    ]
    out += [f"<li>{e(line)}</li>" for line in s.summary]
    out.append("</ul>")
    if parts.map_html:
        out += ["<h2>Map</h2>", parts.map_html]
    if parts.image_png:
        data = base64.b64encode(parts.image_png).decode("ascii")
        out += [
            "<h2>Image</h2>",
            f"<img class='static' alt='{e(s.title)}' src='data:image/png;base64,{data}'>",
        ]
    out.append("<h2>Direct cables</h2>")
    out += _html_table(_direct_headers(parts), s.direct) if s.direct else [f"<p>{NO_DIRECT}</p>"]
    out.append("<h2>Routes</h2>")
    for heading, rows in s.routes:
        css = " class='flagged'" if heading.endswith("flagged") else ""
        out.append(f"<h3{css}>{e(heading)}</h3>")
        out += _html_table(HEADERS, rows)
    out += _html_why(s.why)
    out.append("<h2>Sources of the flags</h2>")
    if s.citations:
        out += ["<ol>", *(f"<li>{e(c.short())}</li>" for c in s.citations), "</ol>"]
    else:
        out.append(f"<p>{e(_no_flags(parts))}</p>")
    out.append("<h2>Glossary</h2><dl>")
    out += [f"<dt>{e(term)}</dt><dd>{e(meaning)}</dd>" for term, meaning in GLOSSARY]
    out.append("</dl><h2>Data</h2>")
    out += [f"<p class='note'>{e(line)}</p>" for line in s.data]
    out.append("</body></html>")
    return "\n".join(out)


def _html_why(why: dict[str, list[str]]) -> list[str]:
    if not why:
        return []
    e = html.escape
    out = ["<h2>Why flagged</h2><ul>"]
    out += [
        f"<li><b>{e(cable)}</b>: {e('; '.join(reasons))}</li>" for cable, reasons in why.items()
    ]
    return [*out, "</ul>"]


NO_DIRECT = "No cable lands in both places under these filters and cuts."


def _no_flags(parts: ReportParts) -> str:
    if parts.main.policy is None:
        return "No policy was applied, so nothing is flagged."
    return f"No flags: {parts.main.policy.name} selects nothing in this report."


def _markdown(parts: ReportParts, s: _Sections) -> str:
    out = [f"# {md_text(s.title)}", "", "## Summary", ""]
    out += [f"- {md_block(line)}" for line in s.summary]
    if parts.image_name:
        target = md_link_target(parts.image_name)
        out += ["", "## Map", "", f"![{md_text(s.title)}]({target})"]
    if parts.map_name:
        target = md_link_target(parts.map_name)
        out += ["", f"Interactive map: [{md_text(parts.map_name)}]({target})"]
    out += ["", "## Direct cables", ""]
    out += md_table(_direct_headers(parts), s.direct) if s.direct else [md_block(NO_DIRECT)]
    out += ["", "## Routes"]
    for heading, rows in s.routes:
        out += ["", f"### {md_text(heading)}", "", *md_table(HEADERS, rows)]
    if s.why:
        out += ["", "## Why flagged", ""]
        out += [
            f"- **{md_text(cable)}**: {md_text('; '.join(reasons))}"
            for cable, reasons in s.why.items()
        ]
    out += ["", "## Sources of the flags", ""]
    out += [f"{n}. {md_text(c.short())}" for n, c in enumerate(s.citations, 1)] or [
        md_block(_no_flags(parts))
    ]
    out += ["", "## Glossary", ""]
    out += [f"- **{md_text(term)}**: {md_text(meaning)}" for term, meaning in GLOSSARY]
    out += ["", "## Data", ""] + [f"- {md_block(line)}" for line in s.data]
    return "\n".join(out) + "\n"


REPORT_SUFFIXES = (".html", ".htm", ".md", ".pdf")
"""File suffixes a report is written as."""


def report_companions(path: Path) -> list[Path]:
    """The files a report at ``path`` writes beside itself: for ``.md``, its image and map."""
    path = Path(path)
    if path.suffix.lower() != ".md":
        return []
    return [path.with_suffix(".png"), path.with_name(f"{path.stem}-map.html")]


def check_report_paths(path: Path, *, force: bool = False) -> list[Path]:
    """Check, before any work, every file a report at ``path`` would write.

    Returns
    -------
    list of pathlib.Path
        ``path`` and its companions (see :func:`report_companions`).

    Raises
    ------
    UserError
        For a bad suffix or directory, or when a companion file the user did not name
        already exists and ``force`` is false (it would be silently replaced).
    """
    from cablemap.files import check_output_path

    check_output_path(path, REPORT_SUFFIXES)
    if path.suffix.lower() == ".pdf":
        from cablemap.render.pdf import require_pdf

        require_pdf()
    companions = report_companions(path)
    for companion in companions:
        check_output_path(companion)
    existing = [str(p) for p in companions if p.exists() or p.is_symlink()]
    if existing and not force:
        raise UserError(
            f"report {path} would replace {' and '.join(existing)} (a .md report writes "
            "its image and map beside it); pass --force to replace them, or choose another "
            "report name"
        )
    return [path, *companions]


def write_report(
    network: Network,
    origin: str,
    destination: str,
    path: Path,
    *,
    policy: str | None = None,
    k: int = 3,
    force: bool = False,
    **filters: Any,
) -> list[Path]:
    """Answer a route question and write its report (``.html``, ``.md`` or ``.pdf``).

    A Markdown report also writes its static image (``<stem>.png``) and its interactive
    map (``<stem>-map.html``, self-contained) beside it, and links them; it refuses to
    replace those two if they exist, unless ``force``. Everything is rendered first,
    then all files are written or none (:func:`cablemap.files.write_all`). A PDF report
    is the HTML report with the static image in place of the interactive map
    (:mod:`cablemap.render.pdf`). Returns the files written.

    Raises
    ------
    UserError
        For a suffix other than ``.html``, ``.htm``, ``.md`` or ``.pdf``, an existing image
        or map beside a ``.md`` report without ``force``, or a PDF without WeasyPrint.
    """
    from cablemap.files import write_all
    from cablemap.policy.carriers import default_registry
    from cablemap.render import interactive, static

    check_report_paths(path, force=force)
    fmt = {".html": "html", ".htm": "html", ".md": "md", ".pdf": "pdf"}[path.suffix.lower()]
    main = trace_routes(
        network, origin, destination, k=k, resilience=True, policy=policy, **filters
    )
    clean = main if policy else None
    image = static.figure_bytes(static.route_figure(main, network), "png", compact=True)
    route_map = interactive.route_map(main, network)
    parts = ReportParts(main, clean, network, default_registry(), image_png=image)
    files: dict[Path, str | bytes] = {}
    if fmt == "html":
        parts = replace(parts, map_html=interactive.to_embed(route_map, self_contained=True))
        files[path] = build_report(parts, fmt)
    elif fmt == "pdf":
        from cablemap.render.pdf import html_to_pdf

        files[path] = html_to_pdf(build_report(parts, "html"))
    else:
        png, page = report_companions(path)
        image_only = replace(parts, image_png=b"", image_name=png.name, map_name=page.name)
        files[path] = build_report(image_only, fmt)
        files[png] = parts.image_png
        files[page] = interactive.to_html(route_map, self_contained=True)
    return write_all(files)
