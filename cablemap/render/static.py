"""Static images (PNG, SVG) of routes and policy risk, sized for a report page.

The images use the same colours and words as the interactive maps
(:mod:`cablemap.render.style`) over an offline basemap: Natural Earth 1:110m countries
(public domain), kept in ``geodata/basemap/``.

Projection
----------
Plate carrée (longitude and latitude as x and y, one degree the same length on both
axes), with its **central meridian chosen from the data**: the seam of the map (the
meridian opposite the centre) is put in the widest stretch of longitude the drawing does
not use, so a trans-Pacific route is drawn in one piece instead of being cut at 180°.
Every coordinate, basemap included, is moved into the window
``[centre - 180, centre + 180]``; polygons and lines that cross the seam are cut there.
A world map puts its seam where it crosses the fewest cables.

Sizing
------
Every figure is 7.5 x 4.5 inches: 1500 x 900 pixels at :data:`PNG_DPI` (200 dpi), the
width of an A4 page less small margins, with fonts of 5.5 to 10 points.

All strings from the data (cable and station names) are drawn as plain text: mathtext is
off (``text.parse_math``), so a ``$`` in a name prints as a dollar sign.

matplotlib is imported here, and this module is imported only when an image is asked for.
Figures are created without pyplot, on the non-interactive Agg canvas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
import orjson
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.ticker import FuncFormatter, MultipleLocator

from cablemap.errors import DataError, UserError
from cablemap.render.output import write_with
from cablemap.render.style import (
    ATTRIBUTION,
    BACKHAUL,
    BASEMAP_ATTRIBUTION,
    CLEAN,
    FLAGGED,
    LEGEND,
    OTHER_CABLE,
    STATION,
    route_colour,
)
from cablemap.resources import geodata_dir

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.transforms import Bbox

    from cablemap.network.graph import Network
    from cablemap.network.query import RouteReport
    from cablemap.network.routing import Route
    from cablemap.policy.flags import PolicyFlags

FIGURE_SIZE_IN = (7.5, 4.5)
"""Width and height of every figure, in inches (fits an A4 page)."""
PNG_DPI = 200
"""Resolution of PNG output: 1500 x 900 pixels."""
IMAGE_FORMATS = {".png": "png", ".svg": "svg"}
"""File suffixes :func:`save_figure` writes, and their matplotlib formats."""
BASEMAP_FILE = "basemap/ne_110m_countries.geojson"
"""The basemap, relative to ``geodata/``."""

LAND = "#e1e1e1"
LAND_HIGHLIGHT = "#c8c8c8"
LAND_EDGE = "#ffffff"
OCEAN = "#f6f9fc"
GRATICULE = "#e3e9ef"
TEXT = "#222222"
MUTED_TEXT = "#555555"

_AXES_BOX = (0.06, 0.075, 0.925, 0.80)
"""Map axes in figure fractions: left, bottom, width, height."""
_BACKHAUL_DASHES = (0, (4, 4))
_HALO = (withStroke(linewidth=2.2, foreground="white"),)
_LEGEND_LABEL = {colour: label for label, colour, _ in LEGEND}
_LINESTRING, _LINEARRING, _POLYGON = 1, 2, 3


# --------------------------------------------------------------------------- basemap


@dataclass(frozen=True)
class Basemap:
    """Country polygons: names, ISO alpha-2 codes (``None`` where ISO has none), shapes."""

    names: tuple[str, ...]
    iso2: tuple[str | None, ...]
    geometries: np.ndarray


@cache
def load_basemap() -> Basemap:
    """Load the Natural Earth 1:110m countries from ``geodata/basemap`` (once).

    Raises
    ------
    DataError
        If the file is missing or unreadable.
    """
    path = geodata_dir() / BASEMAP_FILE
    try:
        features = orjson.loads(path.read_bytes())["features"]
        geometries = [shapely.geometry.shape(f["geometry"]) for f in features]
        names = tuple(str(f["properties"]["name"]) for f in features)
        iso2 = tuple(f["properties"].get("iso_a2") for f in features)
    except (OSError, ValueError, KeyError, TypeError, shapely.errors.GEOSException) as exc:
        raise DataError(f"{path}: cannot read the basemap ({exc}); reinstall cablemap") from exc
    return Basemap(names, iso2, np.array(geometries, dtype=object))


# --------------------------------------------------------------------------- projection


def wrap_into(lons: np.ndarray | float, centre: float) -> np.ndarray:
    """Longitudes moved by whole turns into ``[centre - 180, centre + 180)``."""
    return (np.asarray(lons, dtype=float) - centre + 180.0) % 360.0 - 180.0 + centre


def central_longitude(lons: Iterable[float]) -> float:
    """The centre of the shortest arc of longitude holding every value.

    The map's seam (``centre + 180``) then falls in the widest gap between the values, so
    nothing drawn from them is cut. Densify lines first (their vertices may be far apart).
    """
    values = np.unique(np.mod(np.fromiter(lons, dtype=float), 360.0))
    if len(values) == 0:
        return 0.0
    gaps = np.diff(np.append(values, values[0] + 360.0))
    widest = int(np.argmax(gaps))
    start = values[(widest + 1) % len(values)]
    arc = 360.0 - float(gaps[widest])
    return float(wrap_into(start + arc / 2.0, 0.0))


def world_centre(geometries: np.ndarray, *, step: float = 5.0) -> float:
    """The central longitude of a world map whose seam cuts the fewest lines and least land.

    Each candidate seam (every ``step`` degrees) scores the lines it crosses (judged by
    their bounding boxes) plus the degrees of latitude of land it runs over (a seam
    through a continent cuts few cables but splits the continent); ties go to the seam
    nearest 180°, the usual one.
    """
    bounds = shapely.bounds(np.asarray(geometries, dtype=object))
    bounds = bounds[~np.isnan(bounds[:, 0])]
    land = load_basemap().geometries
    seams = np.arange(-180.0, 180.0, step)
    meridians = shapely.linestrings([[[s, -85.0], [s, 85.0]] for s in seams])
    scores = []
    for seam, meridian in zip(seams, meridians, strict=True):
        crossed = np.floor((bounds[:, 2] - seam) / 360) > np.floor((bounds[:, 0] - seam) / 360)
        on_land = float(shapely.length(shapely.intersection(meridian, land)).sum())
        scores.append(int(np.count_nonzero(crossed)) + on_land)
    distance = np.abs(wrap_into(seams - 180.0, 0.0))
    best = min(range(len(seams)), key=lambda i: (round(scores[i], 3), distance[i]))
    return float(wrap_into(seams[best] + 180.0, 0.0))


def into_window(geometries: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    """Move geometries into ``[centre - 180, centre + 180]``, cutting them at the seam.

    Parameters
    ----------
    geometries
        Lines or polygons in degrees; longitudes may be unwrapped (beyond ±180).
    centre
        The map's central longitude.

    Returns
    -------
    tuple of numpy.ndarray
        The pieces inside the window, and for each the index of the geometry it came from.
    """
    geoms = np.asarray(geometries, dtype=object)
    bounds = shapely.bounds(geoms)
    if len(geoms) == 0 or np.all(np.isnan(bounds[:, 0])):
        return np.empty(0, dtype=object), np.empty(0, dtype=int)
    west = centre - 180.0
    first = math.floor((np.nanmin(bounds[:, 0]) - west) / 360.0)
    last = math.floor((np.nanmax(bounds[:, 2]) - west) / 360.0)
    pieces, owners = [], []
    for lap in range(first, last + 1):
        offset = 360.0 * lap
        window = shapely.box(west + offset, -95.0, west + offset + 360.0, 95.0)
        cut = shapely.intersection(geoms, window)
        keep = np.flatnonzero(~shapely.is_empty(cut))
        shift = np.array([offset, 0.0])
        pieces.append(shapely.transform(cut[keep], lambda xy, d=shift: xy - d))
        owners.append(keep)
    return np.concatenate(pieces), np.concatenate(owners)


def _simple_parts(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Single lines and polygons of (multi)geometries and collections, with their owners."""
    parts, owners = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
    inner, again = shapely.get_parts(parts, return_index=True)
    return inner, owners[again]


def line_arrays(geometries: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The ``(n, 2)`` vertex arrays of every line in ``geometries``, and their owners."""
    parts, owners = _simple_parts(geometries)
    is_line = np.isin(shapely.get_type_id(parts), (_LINESTRING, _LINEARRING))
    parts, owners = parts[is_line], owners[is_line]
    if len(parts) == 0:
        return [], owners
    coords, which = shapely.get_coordinates(parts, return_index=True)
    return np.split(coords, np.flatnonzero(np.diff(which)) + 1), owners


def polygon_paths(geometries: np.ndarray) -> list[MplPath]:
    """One matplotlib path per polygon (holes included) of ``geometries``."""
    parts, _ = _simple_parts(geometries)
    paths = []
    for polygon in parts[shapely.get_type_id(parts) == _POLYGON]:
        rings = [polygon.exterior, *polygon.interiors]
        vertices, codes = [], []
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0], ring_codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
        paths.append(MplPath(np.concatenate(vertices), np.concatenate(codes)))
    return paths


# --------------------------------------------------------------------------- figure frame


def _plain_text() -> Any:
    """A context in which text is never read as mathtext or TeX (for names from the data)."""
    return mpl.rc_context({"text.parse_math": False, "text.usetex": False})


def _renderer(fig: Figure) -> RendererBase:
    """The figure's Agg renderer, to measure text before saving."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def _new_figure(label: str) -> tuple[Figure, Axes]:
    """An empty A4-sized figure on the Agg canvas, with a map axes."""
    fig = Figure(figsize=FIGURE_SIZE_IN, dpi=PNG_DPI, facecolor="white")
    FigureCanvasAgg(fig)
    fig.set_label(label)
    ax = fig.add_axes(_AXES_BOX)
    ax.set_facecolor(OCEAN)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color("#9a9a9a")
    ax.tick_params(labelsize=5.5, length=2, width=0.4, colors=MUTED_TEXT, pad=1.5)
    return fig, ax


def _in_view(ax: Axes, geometries: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`into_window`, then cut to the axes' limits (set them first) plus a margin.

    Nothing outside the view is drawn, so an SVG of a small area stays small.
    """
    pieces, owners = into_window(geometries, centre)
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    pad = 0.02 * (east - west)
    view = shapely.box(west - pad, south - pad, east + pad, north + pad)
    cut = shapely.intersection(pieces, view)
    keep = ~shapely.is_empty(cut)
    return cut[keep], owners[keep]


def _draw_basemap(ax: Axes, centre: float, *, highlight: str | None = None) -> None:
    """Land in light grey (``highlight``, an ISO alpha-2 code, a shade darker).

    Draw it after the limits are set: only what is in view is drawn.
    """
    basemap = load_basemap()
    pieces, owners = _in_view(ax, basemap.geometries, centre)
    chosen = np.array(
        [highlight is not None and basemap.iso2[i] == highlight for i in owners], dtype=bool
    )
    for mask, colour in ((~chosen, LAND), (chosen, LAND_HIGHLIGHT)):
        paths = polygon_paths(pieces[mask])
        if paths:
            ax.add_collection(
                PathCollection(
                    paths, facecolor=colour, edgecolor=LAND_EDGE, linewidth=0.3, zorder=1
                ),
                autolim=False,
            )


def _box_ratio(ax: Axes) -> float:
    """Width / height of the axes box on the page."""
    box = ax.get_position()
    width_in, height_in = FIGURE_SIZE_IN
    return float(width_in * box.width / (height_in * box.height))


def _fit_extent(
    ax: Axes, xs: np.ndarray, ys: np.ndarray, centre: float, *, margin: float, min_span: float
) -> None:
    """Limits that hold every point with a margin, filling the axes at equal aspect."""
    west, east = float(np.min(xs)), float(np.max(xs))
    south, north = float(np.min(ys)), float(np.max(ys))
    width = max(east - west, min_span) * (1 + 2 * margin)
    height = max(north - south, min_span / 2) * (1 + 2 * margin)
    ratio = _box_ratio(ax)
    width, height = max(width, height * ratio), max(height, width / ratio)
    height = min(height, 180.0)
    width = min(max(width, height * ratio), 360.0)
    mid_x = min(max((west + east) / 2, centre - 180 + width / 2), centre + 180 - width / 2)
    mid_y = min(max((south + north) / 2, -90 + height / 2), 90 - height / 2)
    ax.set_xlim(mid_x - width / 2, mid_x + width / 2)
    ax.set_ylim(mid_y - height / 2, mid_y + height / 2)
    ax.set_aspect("equal", adjustable="box")


def _graticule(ax: Axes) -> None:
    """Degree ticks (longitudes named in ``[-180, 180]``) and a faint grid."""
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    steps = (1, 2, 5, 10, 15, 20, 30, 45, 60)
    ax.xaxis.set_major_locator(MultipleLocator(next(s for s in steps if (east - west) / s <= 9)))
    ax.yaxis.set_major_locator(MultipleLocator(next(s for s in steps if (north - south) / s <= 7)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _degrees(x, "E", "W", wrap=True)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _degrees(y, "N", "S", wrap=False)))
    ax.grid(True, color=GRATICULE, linewidth=0.4)


def _degrees(value: float, positive: str, negative: str, *, wrap: bool) -> str:
    """``150°E``, ``30°S``, ``0°``, ``180°``."""
    if wrap:
        value = float(wrap_into(value, 0.0))
        if math.isclose(value, -180.0):
            return "180°"
    number = f"{abs(value):g}°"
    if math.isclose(value, 0.0, abs_tol=1e-9):
        return number
    return number + (positive if value > 0 else negative)


def _decorate(fig: Figure, title: str, subtitle: str, note: str) -> None:
    """Title, subtitle, data note (bottom left) and attribution (bottom right).

    Text too wide for the page is set smaller (down to 5 points), then cut short.
    """
    left, width = _AXES_BOX[0], _AXES_BOX[2]
    page = fig.get_figwidth() * fig.dpi
    attribution = fig.text(
        left + width,
        0.012,
        f"{ATTRIBUTION}. {BASEMAP_ATTRIBUTION}.",
        fontsize=5,
        color=MUTED_TEXT,
        ha="right",
        va="bottom",
    )
    renderer = _renderer(fig)
    spare = attribution.get_window_extent(renderer).x0 - left * page - 0.02 * page
    lines = (
        (0.975, title, 10.0, "bold", TEXT, "top", width * page),
        (0.915, subtitle, 6.5, "normal", MUTED_TEXT, "top", width * page),
        (0.012, note, 5.0, "normal", MUTED_TEXT, "bottom", spare),
    )
    for y, text, size, weight, colour, va, room in lines:
        artist = fig.text(left, y, text, fontsize=size, weight=weight, color=colour, va=va)
        _fit_width(artist, renderer, room)


def _fit_width(artist: Any, renderer: RendererBase, room: float) -> None:
    """Shrink a text's font (to 5 points at least), then cut it, until it fits ``room`` px."""
    while artist.get_window_extent(renderer).width > room and artist.get_fontsize() > 5.0:
        artist.set_fontsize(max(5.0, artist.get_fontsize() - 0.5))
    text = artist.get_text()
    while artist.get_window_extent(renderer).width > room and len(text) > 1:
        text = text[:-2]
        artist.set_text(text + "…")


def _quietest_corner(ax: Axes, xs: np.ndarray, ys: np.ndarray) -> str:
    """The legend location ("upper left", ...) whose corner holds the fewest points."""
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    fx, fy = (xs - west) / (east - west), (ys - south) / (north - south)
    corners = {
        "lower left": (fx < 0.42) & (fy < 0.45),
        "lower right": (fx > 0.58) & (fy < 0.45),
        "upper left": (fx < 0.42) & (fy > 0.55),
        "upper right": (fx > 0.58) & (fy > 0.55),
    }
    return min(corners, key=lambda name: int(np.count_nonzero(corners[name])))


def _legend(ax: Axes, handles: list[Line2D], loc: Any) -> None:
    legend = ax.legend(
        handles=handles,
        loc=loc,
        fontsize=6,
        frameon=True,
        framealpha=0.92,
        edgecolor="#bbbbbb",
        borderpad=0.6,
        handlelength=2.4,
        labelspacing=0.45,
    )
    legend.set_zorder(20)
    legend.get_frame().set_linewidth(0.4)


def _line_handle(label: str, colour: str, width: float, *, dashed: bool = False) -> Line2D:
    style: Any = _BACKHAUL_DASHES if dashed else "solid"
    return Line2D([], [], color=colour, linewidth=width, linestyle=style, label=label)


def _marker_handle(label: str, colour: str, area: float) -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=math.sqrt(area),
        markerfacecolor=colour,
        markeredgecolor="white",
        markeredgewidth=0.4,
        label=label,
    )


# --------------------------------------------------------------------------- labels


_LABEL_POSITIONS = (
    (4, 3, "left", "bottom"),
    (-4, 3, "right", "bottom"),
    (4, -3, "left", "top"),
    (-4, -3, "right", "top"),
)
"""Label offsets (points) and alignments, in order of preference: NE, NW, SE, SW."""


@dataclass
class _Labeller:
    """Places short labels beside points, never over another label or a blocked artist.

    Among the four corners around a point, the first that also keeps clear of the
    ``avoid`` points (display coordinates, e.g. densified route lines) wins; failing
    that, the first clear of labels; failing that, the label is left out.
    """

    ax: Axes
    renderer: RendererBase
    avoid: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    taken: list[Bbox] = field(default_factory=list)

    def block(self, artist: Any) -> None:
        """Keep labels off an artist already drawn (the legend, a marker)."""
        self.taken.append(artist.get_window_extent(self.renderer).expanded(1.05, 1.1))

    def place(self, text: str, x: float, y: float, *, size: float = 6.0) -> bool:
        """Label the point ``(x, y)`` (data coordinates); return whether it was placed."""
        frame = self.ax.get_window_extent(self.renderer)
        candidates = []
        for dx, dy, ha, va in _LABEL_POSITIONS:
            label = self.ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=size,
                color=TEXT,
                zorder=15,
                path_effects=_HALO,
            )
            box = label.get_window_extent(self.renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in self.taken):
                candidates.append((self._crossed(box), label, box))
            else:
                label.remove()
        if not candidates:
            return False
        _, label, box = min(candidates, key=lambda c: c[0])
        for _, other, _ in candidates:
            if other is not label:
                other.remove()
        self.taken.append(box)
        return True

    def _crossed(self, box: Bbox) -> bool:
        """Whether any point to avoid lies inside the box."""
        if len(self.avoid) == 0:
            return False
        x, y = self.avoid[:, 0], self.avoid[:, 1]
        return bool(np.any((x > box.x0) & (x < box.x1) & (y > box.y0) & (y < box.y1)))


def short_name(name: str, *, limit: int = 22) -> str:
    """A station's city: the name up to its first comma, at most ``limit`` characters."""
    city = name.split(",")[0].strip() or name.strip()
    return city if len(city) <= limit else city[: limit - 1].rstrip() + "…"


def short_cable(name: str, *, limit: int = 20) -> str:
    """A cable's short name: its abbreviation in final brackets, or the name cut short."""
    stripped = name.strip()
    if stripped.endswith(")") and "(" in stripped:
        inner = stripped[stripped.rindex("(") + 1 : -1].strip()
        if 0 < len(inner) <= 14:
            return inner
    return stripped if len(stripped) <= limit else stripped[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- route figure


@dataclass(frozen=True)
class _Stroke:
    """One drawn piece of a route: geometry (unwrapped degrees), colour, dashed or not."""

    rank: int
    geometry: shapely.Geometry
    colour: str
    dashed: bool


@dataclass
class _RouteStations:
    """The stations of the drawn routes, by role, in labelling priority."""

    ends: dict[str, None] = field(default_factory=dict)
    changes: dict[str, None] = field(default_factory=dict)
    passed: dict[str, None] = field(default_factory=dict)

    def add(self, route: Route) -> None:
        """Record a route's end stations, the stations where it changes, those it passes."""
        hops = route.hops
        self.ends.update(dict.fromkeys((hops[0].from_station, hops[-1].to_station)))
        self.changes.update(dict.fromkeys(hop.to_station for hop in hops[:-1]))
        self.passed.update(dict.fromkeys(s for hop in hops for s in hop.via))

    def ordered(self) -> list[tuple[str, str]]:
        """``(station id, role)`` pairs, each station once, ends first."""
        out: dict[str, str] = {}
        for role, group in (("end", self.ends), ("change", self.changes), ("via", self.passed)):
            for station_id in group:
                out.setdefault(station_id, role)
        return list(out.items())


def _route_width(rank: int) -> float:
    """Line width of route ``rank``.

    The best is widest and drawn lowest, so a narrower alternative on top of it shows
    both where they share a cable.
    """
    return max(0.8, 2.6 - 0.6 * (rank - 1))


def _drawable_routes(report: RouteReport) -> tuple[Route, ...]:
    if report.routes:
        return report.routes
    if report.best_route is not None:
        return (report.best_route,)
    raise UserError("this route report holds no route to draw")


def _flag_sets(network: Network, report: RouteReport) -> tuple[frozenset[str], frozenset[str]]:
    """Flagged segment ids and station ids under the report's policy (none without one)."""
    if report.policy is None:
        return frozenset(), frozenset()
    flags = network.policy_flags(report.policy)
    return flags.flagged_segments(), flags.flagged_stations()


def _route_strokes(route: Route, network: Network, flagged: frozenset[str]) -> list[_Stroke]:
    """Every piece of a route: cable segments (flagged red) and backhaul (dashed)."""
    geometry_of = _segment_geometries(network)
    strokes = []
    for hop in route.hops:
        if hop.kind == "cable":
            for segment_id in hop.segment_ids:
                colour = route_colour(route.rank, segment_id in flagged)
                strokes.append(_Stroke(route.rank, geometry_of[segment_id], colour, False))
        else:
            path = [network.stations[s] for s in (hop.from_station, *hop.via, hop.to_station)]
            lons = np.unwrap(np.radians([s.lon for s in path])) * 180.0 / math.pi
            line = shapely.LineString(np.column_stack([lons, [s.lat for s in path]]))
            strokes.append(_Stroke(route.rank, line, BACKHAUL, True))
    return strokes


def _segment_geometries(network: Network) -> dict[str, shapely.Geometry]:
    segments = network.topology.segments
    return dict(zip(segments["segment_id"], segments.geometry, strict=True))


def _draw_strokes(ax: Axes, strokes: Sequence[_Stroke], centre: float) -> list[np.ndarray]:
    """Draw route pieces grouped by (route, colour, dash); return the drawn vertex arrays."""
    pieces, owners = into_window(np.array([s.geometry for s in strokes], dtype=object), centre)
    lines, line_owner = line_arrays(pieces)
    source = owners[line_owner] if len(line_owner) else line_owner
    groups: dict[tuple[int, str, bool], list[np.ndarray]] = {}
    for xy, index in zip(lines, source, strict=True):
        stroke = strokes[int(index)]
        groups.setdefault((stroke.rank, stroke.colour, stroke.dashed), []).append(xy)
    for (rank, colour, dashed), group in groups.items():
        ax.add_collection(
            LineCollection(
                group,
                colors=colour,
                linewidths=1.0 if dashed else _route_width(rank),
                linestyles=_BACKHAUL_DASHES if dashed else "solid",
                capstyle="round",
                joinstyle="round",
                zorder=6 if dashed else 4 + rank * 0.1,
            ),
            autolim=False,
        )
    return lines


def _draw_context(ax: Axes, network: Network, centre: float, skip: set[str]) -> None:
    """Every other cable segment in view, faint, for context."""
    segments = network.topology.segments
    others = segments.geometry.values[~segments["segment_id"].isin(skip).to_numpy()]
    lines, _ = line_arrays(_in_view(ax, np.asarray(others, dtype=object), centre)[0])
    ax.add_collection(
        LineCollection(lines, colors=OTHER_CABLE, linewidths=0.35, alpha=0.9, zorder=2),
        autolim=False,
    )


def _rank_markers(
    ax: Axes, routes: Sequence[Route], strokes: Sequence[_Stroke], centre: float
) -> list[Any]:
    """A numbered circle on each route's longest cable piece (staggered along shared ones)."""
    markers = []
    for position, route in enumerate(routes):
        cable = [s.geometry for s in strokes if s.rank == route.rank and not s.dashed]
        if not cable:
            continue
        lines, _ = line_arrays(into_window(np.array(cable, dtype=object), centre)[0])
        if not lines:
            continue
        longest = shapely.LineString(
            max(lines, key=lambda xy: shapely.length(shapely.LineString(xy)))
        )
        step = (position + 1) // 2 * (1 if position % 2 else -1)
        point = shapely.line_interpolate_point(longest, 0.5 + 0.14 * step, normalized=True)
        markers.append(
            ax.text(
                point.x,
                point.y,
                str(route.rank),
                ha="center",
                va="center",
                fontsize=5.5,
                weight="bold",
                color=TEXT,
                zorder=12,
                bbox={
                    "boxstyle": "circle,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": _key_colour(route, strokes),
                    "linewidth": 1.0,
                },
            )
        )
    return markers


def _draw_route_stations(
    ax: Axes, network: Network, stations: _RouteStations, flagged: frozenset[str], centre: float
) -> tuple[np.ndarray, np.ndarray]:
    """Dots for the stations (ends larger, passed ones smaller); return their x and y."""
    size = {"end": 16.0, "change": 10.0, "via": 5.0}
    ordered = stations.ordered()
    infos = [network.stations[sid] for sid, _ in ordered]
    xs = wrap_into(np.array([s.lon for s in infos]), centre)
    ys = np.array([s.lat for s in infos])
    colours = [FLAGGED if sid in flagged else STATION for sid, _ in ordered]
    areas = [size[role] for _, role in ordered]
    ax.scatter(xs, ys, s=areas, c=colours, edgecolors="white", linewidths=0.5, zorder=10)
    return xs, ys


def _route_title(report: RouteReport, network: Network, routes: Sequence[Route]) -> str:
    def end(place: Any) -> str:
        return network.stations[place.station].name if place.station else place.name

    count = f"{len(routes)} route{'s' if len(routes) != 1 else ''}"
    best = min(routes, key=lambda r: r.km)
    return (
        f"{end(report.origin)} -> {end(report.destination)}: {count}, "
        f"best {best.km:,.0f} km, {best.latency_ms:.1f} ms"
    )


def _route_subtitle(report: RouteReport, routes: Sequence[Route]) -> str:
    filters = report.filters
    parts = [f"cables in service in {filters.as_of}" if filters.as_of else "cables in service now"]
    if filters.include_planned:
        parts.append("planned included")
    if filters.avoid_cables:
        parts.append(f"avoiding {', '.join(filters.avoid_cables)}")
    if report.policy is None:
        parts.append("no policy applied")
    else:
        flagged = [str(r.rank) for r in routes if r.flagged]
        if len(flagged) == len(routes) > 1:
            which = f"all {len(routes)} routes flagged"
        elif flagged:
            plural = "s" if len(flagged) > 1 else ""
            which = f"route{plural} {', '.join(flagged)} of {len(routes)} flagged"
        else:
            which = "no route flagged"
        parts.append(f"policy {report.policy.id}: {which} (red: flagged segments)")
        if not report.routes:
            parts.append("no clean route exists; the best route is shown")
    return "; ".join(parts)


def _key_colour(route: Route, strokes: Sequence[_Stroke]) -> str:
    """The colour standing for a route in the legend and on its marker.

    Red when every cable piece of the route is flagged, else the route's own colour.
    """
    drawn = {s.colour for s in strokes if s.rank == route.rank and not s.dashed}
    return FLAGGED if drawn == {FLAGGED} else route_colour(route.rank, False)


def _route_handles(
    routes: Sequence[Route], strokes: Sequence[_Stroke], *, context: bool
) -> list[Line2D]:
    handles = []
    for route in routes:
        names = list(
            dict.fromkeys(short_cable(h.cable_name or "") for h in route.hops if h.kind == "cable")
        )
        shown = names if len(names) <= 3 else [*names[:2], f"{len(names) - 2} more"]
        cables = " + ".join(shown)
        state = " (flagged)" if route.flagged else ""
        colour = _key_colour(route, strokes)
        label = f"{route.rank}  {cables}: {route.km:,.0f} km, {route.latency_ms:.1f} ms{state}"
        handles.append(_line_handle(label, colour, _route_width(route.rank)))
    colours = {s.colour for s in strokes}
    if FLAGGED in colours:
        handles.append(_line_handle(_LEGEND_LABEL[FLAGGED], FLAGGED, 2.0))
    if BACKHAUL in colours:
        handles.append(_line_handle(_LEGEND_LABEL[BACKHAUL], BACKHAUL, 1.0, dashed=True))
    if context:
        handles.append(_line_handle(_LEGEND_LABEL[OTHER_CABLE], OTHER_CABLE, 1.0))
    return handles


def route_figure(report: RouteReport, network: Network) -> Figure:
    """Draw a route report on a map: each route on its cables' real geometry.

    Segments a policy flags are red (``FLAGGED``), the rest in each route's colour
    (:func:`~cablemap.render.style.route_colour`); assumed backhaul is dashed; each
    route carries its rank in a circle; the stations the routes use are dots, their
    ends and changes labelled with short city names where labels do not collide.
    The map is plate carrée centred on the routes, so trans-Pacific routes stay whole.

    Parameters
    ----------
    report
        From :meth:`Network.route` (with ``policy=...`` to show flags).
    network
        The network the report was computed on.

    Returns
    -------
    matplotlib.figure.Figure
        7.5 x 4.5 in; save it with :func:`save_figure`.

    Raises
    ------
    UserError
        If the report holds no route.
    """
    routes = _drawable_routes(report)
    flagged_segments, flagged_stations = _flag_sets(network, report)
    strokes = [s for r in routes for s in _route_strokes(r, network, flagged_segments)]
    stations = _RouteStations()
    for route in routes:
        stations.add(route)
    sample = shapely.segmentize(np.array([s.geometry for s in strokes], dtype=object), 2.0)
    lons = shapely.get_coordinates(sample)[:, 0]
    centre = central_longitude(lons)
    with _plain_text():
        title = _route_title(report, network, routes)
        fig, ax = _new_figure(title)
        lines = _draw_strokes(ax, strokes, centre)
        xs, ys = _draw_route_stations(ax, network, stations, flagged_stations, centre)
        all_x = np.concatenate([xs, *(xy[:, 0] for xy in lines)])
        all_y = np.concatenate([ys, *(xy[:, 1] for xy in lines)])
        _fit_extent(ax, all_x, all_y, centre, margin=0.1, min_span=8.0)
        _graticule(ax)
        _draw_basemap(ax, centre)
        used = {seg for r in routes for h in r.hops for seg in h.segment_ids}
        _draw_context(ax, network, centre, used)
        markers = _rank_markers(ax, routes, strokes, centre) if len(routes) > 1 else []
        handles = _route_handles(
            routes, strokes, context=len(network.topology.segments) > len(used)
        )
        _legend(ax, handles, _quietest_corner(ax, all_x, all_y))
        labeller = _Labeller(ax, _renderer(fig), _display_points(ax, lines))
        for artist in (ax.get_legend(), *markers):
            labeller.block(artist)
        _label_route_stations(labeller, network, stations, xs, ys)
        _decorate(fig, title, _route_subtitle(report, routes), _note(network))
    return fig


def _display_points(ax: Axes, lines: Sequence[np.ndarray]) -> np.ndarray:
    """Points every few pixels along the lines, in display coordinates (for labels to avoid)."""
    if not lines:
        return np.empty((0, 2))
    step = (ax.get_xlim()[1] - ax.get_xlim()[0]) / 400.0
    strings = np.array([shapely.LineString(xy) for xy in lines if len(xy) > 1], dtype=object)
    dense = shapely.segmentize(strings, step)
    return np.asarray(ax.transData.transform(shapely.get_coordinates(dense)))


def _label_route_stations(
    labeller: _Labeller,
    network: Network,
    stations: _RouteStations,
    xs: np.ndarray,
    ys: np.ndarray,
) -> None:
    """Label ends and changes (never passed-through stations), skipping collisions."""
    for (station_id, role), x, y in zip(stations.ordered(), xs, ys, strict=True):
        if role != "via":
            labeller.place(short_name(network.stations[station_id].name), float(x), float(y))


def _note(network: Network) -> str:
    from cablemap import __version__

    return f"cablemap {__version__}; data {network.snapshot_id}"


# --------------------------------------------------------------------------- risk figure


def _exposure_area(exposure: float) -> float:
    """Marker area (points²) of a station by the share of its cables a policy flags."""
    return 7.0 + 55.0 * exposure


def risk_figure(network: Network, flags: PolicyFlags, *, country: str | None = None) -> Figure:
    """Draw what a policy flags: every cable segment by flag status, stations by exposure.

    Parameters
    ----------
    network
        A built network.
    flags
        ``network.policy_flags(policy)``.
    country
        A country (name or ISO code) to show only the cables landing there and its
        stations, framed on its stations; default: the world.

    Returns
    -------
    matplotlib.figure.Figure
        7.5 x 4.5 in; save it with :func:`save_figure`.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        If ``country`` is not a country with landing stations.
    """
    from cablemap.policy.stations import station_exposure

    place = network.places.resolve(country) if country is not None else None
    iso2 = place.iso2 if place is not None else None
    segments = _risk_segments(network, iso2)
    exposures = station_exposure(network.dataset, flags, country=iso2)
    geometries = np.asarray(segments.geometry.values, dtype=object)
    lons = np.array([s.lon for s in exposures])
    centre = central_longitude(lons) if place is not None else world_centre(geometries)
    flagged = segments["segment_id"].isin(flags.flagged_segments()).to_numpy()
    title = (
        f"{place.name}: cables and landing stations under {flags.policy.id}"
        if place is not None
        else f"Cables and landing stations flagged under {flags.policy.id}"
    )
    subtitle = _risk_subtitle(segments, flagged, exposures, labelled=place is not None)
    with _plain_text():
        fig, ax = _new_figure(title)
        xs, ys = _draw_exposure(ax, exposures, centre)
        if place is None:
            whole = np.array([centre - 180, centre + 180]), np.array([-90, 90])
            _fit_extent(ax, *whole, centre, margin=0.0, min_span=0.0)
            _graticule(ax)
            _legend(ax, _risk_handles(), "lower left")
        else:
            _fit_extent(ax, xs, ys, centre, margin=0.15, min_span=12.0)
            _graticule(ax)
            _legend(ax, _risk_handles(), _quietest_corner(ax, xs, ys))
            _label_exposed(fig, ax, exposures, xs, ys)
        _draw_basemap(ax, centre, highlight=iso2)
        _draw_flag_lines(ax, geometries, flagged, centre)
        _decorate(fig, title, subtitle, _note(network))
    return fig


def _risk_segments(network: Network, iso2: str | None) -> Any:
    """The topology's segments: all, or those of the cables landing in ``iso2``."""
    segments = network.topology.segments
    if iso2 is None:
        return segments
    landings = network.dataset.landings
    country_of = {sid: s.iso2 for sid, s in network.stations.items()}
    cables = {
        c
        for c, s in zip(landings["cable_id"], landings["station_id"], strict=True)
        if country_of.get(s) == iso2
    }
    return segments[segments["cable_id"].isin(cables)]


def _draw_flag_lines(ax: Axes, geometries: np.ndarray, flagged: np.ndarray, centre: float) -> None:
    for mask, colour, width, zorder in ((~flagged, CLEAN, 0.45, 3), (flagged, FLAGGED, 0.75, 4)):
        lines, _ = line_arrays(_in_view(ax, geometries[mask], centre)[0])
        ax.add_collection(
            LineCollection(lines, colors=colour, linewidths=width, alpha=0.85, zorder=zorder),
            autolim=False,
        )


def _draw_exposure(
    ax: Axes, exposures: Sequence[Any], centre: float
) -> tuple[np.ndarray, np.ndarray]:
    """Stations as dots, area by exposure, red when anything there is flagged."""
    ordered = sorted(exposures, key=lambda s: s.exposure)  # most exposed drawn on top
    xs = wrap_into(np.array([s.lon for s in ordered]), centre)
    ys = np.array([s.lat for s in ordered])
    ax.scatter(
        xs,
        ys,
        s=[_exposure_area(s.exposure) if s.risky else 3.0 for s in ordered],
        c=[FLAGGED if s.risky else STATION for s in ordered],
        alpha=0.75,
        edgecolors="white",
        linewidths=0.3,
        zorder=8,
    )
    back = {id(s): i for i, s in enumerate(ordered)}
    index = np.array([back[id(s)] for s in exposures], dtype=int)
    return xs[index], ys[index]


def _risk_handles() -> list[Line2D]:
    return [
        _line_handle(_LEGEND_LABEL[FLAGGED], FLAGGED, 1.5),
        _line_handle("Clean segment", CLEAN, 1.0),
        _marker_handle(
            "Station, all its cables flagged (or in an excluded place)",
            FLAGGED,
            _exposure_area(1.0),
        ),
        _marker_handle("Station, half its cables flagged", FLAGGED, _exposure_area(0.5)),
        _marker_handle("Station, no flagged cable", STATION, 3.0),
    ]


def _label_exposed(
    fig: Figure, ax: Axes, exposures: Sequence[Any], xs: np.ndarray, ys: np.ndarray
) -> None:
    """Label the most exposed stations (up to 10) with their flagged/total cables."""
    labeller = _Labeller(ax, _renderer(fig))
    legend = ax.get_legend()
    if legend is not None:
        labeller.block(legend)
    placed = 0
    for station, x, y in zip(exposures, xs, ys, strict=True):
        if placed >= 10 or not station.risky:
            break
        text = f"{short_name(station.name)} {len(station.flagged_cables)}/{len(station.cables)}"
        placed += labeller.place(text, float(x), float(y), size=5.5)


def _risk_subtitle(
    segments: Any, flagged: np.ndarray, exposures: Sequence[Any], *, labelled: bool
) -> str:
    km = segments["length_km"].to_numpy(dtype=float)
    risky = sum(1 for s in exposures if s.risky)
    labels = "; labels: flagged / all cables at a station" if labelled else ""
    return (
        f"{int(flagged.sum()):,} of {len(segments):,} cable segments flagged "
        f"({km[flagged].sum():,.0f} of {km.sum():,.0f} km); "
        f"{risky:,} of {len(exposures):,} landing stations have a flagged cable{labels}"
    )


# --------------------------------------------------------------------------- saving


def save_figure(fig: Figure, path: str | Path, *, compact: bool = False) -> Path:
    """Write a figure as PNG (200 dpi) or SVG, chosen by the file suffix, then close it.

    The file is written to a temporary name beside ``path`` and moved into place, so a
    failed run leaves no partial file and keeps any file already there.

    Parameters
    ----------
    fig
        From :func:`route_figure` or :func:`risk_figure` (or any matplotlib figure).
    path
        Where to write; the suffix (``.png`` or ``.svg``, any case) picks the format.
    compact
        PNG only: store a 256-colour palette image, about a third of the size (for web
        pages and documentation; the colours of lines and dots are kept, anti-aliased
        edges lose some shades).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UserError
        If the suffix is not ``.png`` or ``.svg`` (nothing is written and the figure stays
        open), or the directory does not exist.
    """
    target = Path(path).expanduser()
    image_format = IMAGE_FORMATS.get(target.suffix.lower())
    if image_format is None:
        allowed = ", ".join(IMAGE_FORMATS)
        raise UserError(
            f"cannot write {target}: images are written as {allowed} "
            f"(not {target.suffix or 'a file without suffix'}); change the file name"
        )
    try:
        if compact and image_format == "png":
            data = figure_bytes(fig, "png", compact=True)
            return write_with(target, lambda tmp: tmp.write_bytes(data))
        return write_with(target, lambda tmp: fig.savefig(tmp, **_save_options(fig, image_format)))
    finally:
        _close(fig)


def figure_bytes(fig: Figure, image_format: str = "png", *, compact: bool = False) -> bytes:
    """The figure encoded as PNG or SVG, as :func:`save_figure` writes it (fig stays open).

    For embedding an image in a page (e.g. base64 in HTML); ``compact`` as in
    :func:`save_figure`.

    Raises
    ------
    UserError
        If ``image_format`` is not ``"png"`` or ``"svg"``.
    """
    import io

    if image_format not in IMAGE_FORMATS.values():
        raise UserError(f"image format {image_format!r}: use one of png, svg")
    options = _save_options(fig, image_format)
    buffer = io.BytesIO()
    if not (compact and image_format == "png"):
        fig.savefig(buffer, **options)
        return buffer.getvalue()
    fig.savefig(buffer, **{**options, "metadata": None})
    return _palette_png(buffer, options["metadata"])


def _save_options(fig: Figure, image_format: str) -> dict[str, Any]:
    options: dict[str, Any] = {
        "format": image_format,
        "dpi": PNG_DPI,
        "facecolor": "white",
        "metadata": _metadata(fig, image_format),
    }
    return options


def _palette_png(rendered_png: Any, metadata: dict[str, str | None]) -> bytes:
    """A rendered PNG (file-like) reduced to 256 colours, with the given text metadata."""
    import io

    from PIL import Image, PngImagePlugin

    rendered_png.seek(0)
    with Image.open(rendered_png) as rendered:
        palette = rendered.convert("RGB").quantize(
            256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        if value is not None:
            info.add_text(key, value)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True, pnginfo=info, dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()


def _metadata(fig: Figure, image_format: str) -> dict[str, str | None]:
    from cablemap import __version__

    rights = f"{ATTRIBUTION}. {BASEMAP_ATTRIBUTION}."
    title = str(fig.get_label())
    if image_format == "png":
        return {
            "Title": title,
            "Software": f"cablemap {__version__}",
            "Copyright": rights,
        }
    return {
        "Title": title,
        "Creator": f"cablemap {__version__}",
        "Rights": rights,
        "Date": None,
    }


def _close(fig: Figure) -> None:
    """Release a figure: pyplot's own figures through pyplot, ours by clearing them."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and getattr(fig.canvas, "manager", None) is not None:
        pyplot.close(fig)
    else:
        fig.clear()
