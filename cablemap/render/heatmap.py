"""The country matrix as a heatmap: one row per origin, one column per destination.

Countries are ordered so that neighbours sit together (``order="cluster"``, the default):
by average-linkage clustering of the route distances themselves, with the leaves put in
optimal order, so regions (the Caribbean, West Africa, the Pacific islands, ...) show as
blocks along the diagonal without a table of regions. ``order="name"`` sorts by country
name instead.

The figure is 7.5 inches wide, like every static image, so that it prints at the width
of an A4 page with every text at 6 points or more: each country is labelled with its ISO
code at :data:`LABEL_PT`, one code per cell. That leaves room for about 65 countries in
one panel and 40 in each of two; a larger matrix is shown for its best-connected
countries (:func:`shown_countries`) and the caption says how many of how many.

With a policy, a second panel shows what avoiding flagged routes costs: the detour in km
for flagged pairs, pale blue where the best route is clean, dark red where no clean route
exists.

Save the figure with :func:`cablemap.render.static.save_figure` (PNG or SVG).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import StrMethodFormatter

from cablemap.dataset.provenance import provenance_from_dict
from cablemap.errors import UserError
from cablemap.render.static.save import describe_figure
from cablemap.render.style import ATTRIBUTION

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

VALUES = {
    "km": "Best route (km)",
    "latency_ms": "One-way latency of the best route (ms)",
    "clean_km": "Best clean route (km)",
    "detour_km": "Detour to avoid flagged routes (km)",
    "detour_ms": "Detour to avoid flagged routes (ms)",
    "disjoint_routes": "Routes that share no cable",
}
"""Columns a heatmap can show, with their titles."""

ORDERS = ("cluster", "name")

NO_ROUTE = "#d9d9d9"
NO_CLEAN_ROUTE = "#3f007d"
CLEAN_PAIR = "#d1e5f0"
DETOUR_FLOOR_KM = 10.0
"""Detours shorter than this share the lowest colour of the log scale."""
COUNT_STEPS = 10
"""Disjoint-route counts above this share the darkest colour."""
DISJOINT_CAP = 30
"""Most disjoint routes a pair counts for when choosing countries: above any pair joined
only by cables (25 in the open snapshot), so only pairs joined over land are capped."""
_TEXT = "#222222"
_MUTED = "#555555"
PAGE_WIDTH_IN = 7.5
"""Width of the figure: the text width of an A4 page, as every static image."""
A4_WIDTH_IN = 8.27
LABEL_PT = 5.6
"""Font size of the country codes: 6.2 points when the figure is printed A4 wide."""
_CELL_PER_LABEL = 1.06
"""Side of a cell per point of label size: one code per cell, a little air between."""
_SIDE_IN = 0.4
"""Room beside a panel: row labels and the axis name on the left, a gap on the right."""
_PANEL_IN = {1: 5.4, 2: (PAGE_WIDTH_IN - 0.1) / 2 - _SIDE_IN}
"""Side of one square panel (inches), by the number of panels."""
_TOP_IN, _BOTTOM_IN = 1.1, 0.95
"""Room above the panels (title, subtitle, panel title, column labels) and below
(colour bar, its label, the legend, the note)."""


def matrix_heatmap(frame: pd.DataFrame, value: str = "km", *, order: str = "cluster") -> Figure:
    """Draw a country matrix (:func:`~cablemap.analysis.matrix.compute_matrix`) as a heatmap.

    Parameters
    ----------
    frame
        The matrix, as computed or as read back from CSV or Parquet.
    value
        The column to colour by (one of :data:`VALUES`).
    order
        ``"cluster"`` (countries near each other by route distance together) or
        ``"name"`` (by country name).

    Returns
    -------
    matplotlib.figure.Figure
        A figure on the Agg canvas: one panel, or two (``value``, then the detour) when
        the matrix has a policy and ``value`` is a route length or latency.

    Raises
    ------
    UserError
        An unknown ``value`` or ``order``, or a column the matrix does not have.
    """
    _check(frame, value, order)
    every = sorted(set(frame["from_iso2"]) | set(frame["to_iso2"]))
    with_policy = bool(frame["flagged"].notna().any()) if "flagged" in frame else False
    detour_panel = with_policy and value in ("km", "latency_ms", "clean_km")
    panels = 2 if detour_panel else 1
    codes = shown_countries(frame, fitting_countries(panels))
    names = _names(frame, codes)
    codes = _ordered(codes, names, _square(frame, codes, "km"), order)
    with mpl.rc_context({"text.parse_math": False, "text.usetex": False}):
        side = _PANEL_IN[panels]
        fig = Figure(figsize=(PAGE_WIDTH_IN, _TOP_IN + side + _BOTTOM_IN), dpi=200)
        FigureCanvasAgg(fig)
        fig.set_label(f"cablemap matrix: {VALUES[value]}")
        axes = [fig.add_axes(_panel_box(fig, i, panels)) for i in range(panels)]
        _draw_value(fig, axes[0], frame, codes, value)
        if detour_panel:
            _panel_title(axes[0], VALUES[value])
            _draw_detour(fig, axes[1], frame, codes)
        _captions(fig, frame, value, (len(codes), len(every)), order)
    return fig


def fitting_countries(panels: int) -> int:
    """How many countries a panel labels legibly: one code of :data:`LABEL_PT` per cell.

    Parameters
    ----------
    panels
        1 or 2 panels side by side on the page.

    Returns
    -------
    int
        65 for one panel, 40 for each of two.
    """
    return int(_PANEL_IN[panels] * 72 / (LABEL_PT * _CELL_PER_LABEL))


def shown_countries(frame: pd.DataFrame, limit: int) -> list[str]:
    """The countries a heatmap shows: all of them, or ``limit`` chosen as below.

    With the ``resilience`` column, the best connected: the most cable-disjoint routes to
    all the others, each pair counted up to :data:`DISJOINT_CAP` (a pair joined over land
    has "unlimited" routes and would otherwise outweigh all the rest); ties by code.
    Without it, one country for each of ``limit`` groups of countries near each other by
    route distance (the clusters of ``order="cluster"``): in each group, the one whose
    best routes to all countries are shortest on average.

    Parameters
    ----------
    frame
        The matrix.
    limit
        The most countries to show.

    Returns
    -------
    list of str
        ISO codes, sorted.
    """
    codes = sorted(set(frame["from_iso2"]) | set(frame["to_iso2"]))
    if len(codes) <= limit:
        return codes
    if _has_resilience(frame):
        counts = frame["disjoint_routes"].astype("float64").fillna(0.0).clip(upper=DISJOINT_CAP)
        score = counts.groupby(frame["from_iso2"]).sum().reindex(codes).fillna(0.0)
        return sorted(sorted(codes, key=lambda code: (-float(score[code]), code))[:limit])
    from scipy.cluster.hierarchy import fcluster

    km = _square(frame, codes, "km")
    groups = fcluster(_tree(km), t=limit, criterion="maxclust")
    far = np.where(np.isfinite(km), km, np.nanmax(km) * 2)
    np.fill_diagonal(far, np.nan)
    mean_km = np.nanmean(far, axis=1)
    chosen: dict[int, str] = {}
    for index in np.argsort(mean_km, kind="stable"):
        chosen.setdefault(int(groups[index]), codes[index])
    return sorted(chosen.values())


def shown_rule(frame: pd.DataFrame) -> str:
    """How :func:`shown_countries` chose, in words for a caption."""
    if _has_resilience(frame):
        return "with the most cable-disjoint routes to the others"
    return "one for each group of countries near each other by route (its most central)"


def _has_resilience(frame: pd.DataFrame) -> bool:
    return "disjoint_routes" in frame and bool(frame["disjoint_routes"].notna().any())


def _check(frame: pd.DataFrame, value: str, order: str) -> None:
    if value not in VALUES:
        raise UserError(f"heatmap value {value!r}: use one of {', '.join(VALUES)}")
    if order not in ORDERS:
        raise UserError(f"heatmap order {order!r}: use one of {', '.join(ORDERS)}")
    missing = {"from_iso2", "to_iso2", "km", value} - set(frame.columns)
    if missing:
        hint = " (compute the matrix with resilience)" if value == "disjoint_routes" else ""
        raise UserError(f"the matrix has no column {', '.join(sorted(missing))}{hint}")
    needs_policy = value not in ("km", "latency_ms", "disjoint_routes")
    if needs_policy and ("flagged" not in frame or not frame["flagged"].notna().any()):
        raise UserError(f"heatmap value {value!r} needs a matrix computed with a policy")


def _names(frame: pd.DataFrame, codes: list[str]) -> dict[str, str]:
    known = frame.attrs.get("country_names") or {}
    return {code: known.get(code) or code for code in codes}


def _square(frame: pd.DataFrame, codes: list[str], column: str) -> np.ndarray:
    """A column as an origin x destination array (NaN on the diagonal and where missing).

    Pairs of countries not in ``codes`` are left out.
    """
    position = {code: i for i, code in enumerate(codes)}
    out = np.full((len(codes), len(codes)), np.nan)
    rows = frame["from_iso2"].map(position)
    cols = frame["to_iso2"].map(position)
    inside = (rows.notna() & cols.notna()).to_numpy()
    values = frame[column].to_numpy(dtype="float64", na_value=np.nan)[inside]
    out[rows[inside].to_numpy(dtype=int), cols[inside].to_numpy(dtype=int)] = values
    return out


def _ordered(codes: list[str], names: dict[str, str], km: np.ndarray, order: str) -> list[str]:
    """Countries in display order (see the module docstring)."""
    if order == "name" or len(codes) < 3:
        return sorted(codes, key=lambda code: names[code].casefold())
    from scipy.cluster.hierarchy import leaves_list

    return [codes[i] for i in leaves_list(_tree(km))]


def _tree(km: np.ndarray) -> np.ndarray:
    """Average-linkage clustering of countries by route km, leaves in optimal order."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    both = np.fmax(km, km.T)  # one distance per pair; NaN only when neither way has a route
    finite = both[np.isfinite(both)]
    far = (finite.max() if finite.size else 1.0) * 1.5
    distance = np.where(np.isfinite(both), both, far)
    np.fill_diagonal(distance, 0.0)
    return np.asarray(
        linkage(squareform(distance, checks=False), method="average", optimal_ordering=True)
    )


def _panel_box(fig: Figure, index: int, panels: int) -> tuple[float, float, float, float]:
    """Axes rectangle (figure fractions) of panel ``index``, room left for labels and bar."""
    width_in, height_in = fig.get_figwidth(), fig.get_figheight()
    side = _PANEL_IN[panels]
    left_in = 0.05 + _SIDE_IN * 0.8 + index * (side + _SIDE_IN)
    if panels == 1:  # centred
        left_in = (width_in - side) / 2
    return (left_in / width_in, _BOTTOM_IN / height_in, side / width_in, side / height_in)


def _draw_value(fig: Figure, ax: Axes, frame: pd.DataFrame, codes: list[str], value: str) -> None:
    grid = _square(frame, codes, value)
    if value == "disjoint_routes":
        bar = _draw_counts(fig, ax, grid)
        legend = [(NO_ROUTE, "0: no route at all")]
    else:
        cmap = mpl.colormaps["viridis"].with_extremes(bad=NO_ROUTE)
        image = ax.imshow(grid, cmap=cmap, interpolation="nearest")
        bar = fig.colorbar(image, cax=_bar_axes(fig, ax), orientation="horizontal")
        bar.ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        legend = [(NO_ROUTE, "no route (or same country)")]
    _bar_style(bar, VALUES[value])
    _axis_labels(ax, codes)
    _legend(fig, ax, legend)


def _draw_counts(fig: Figure, ax: Axes, grid: np.ndarray) -> Any:
    """Disjoint-route counts in steps of one: 0 grey, then light to dark, the top open."""
    top = int(np.nanmax(grid)) if np.isfinite(grid).any() else 1
    steps = min(max(top, 1), COUNT_STEPS)
    colours = [NO_ROUTE, *mpl.colormaps["YlGnBu"](np.linspace(0.12, 1.0, steps))]
    cmap = ListedColormap(colours).with_extremes(bad="white")
    norm = BoundaryNorm(np.arange(-0.5, steps + 1.5), cmap.N)
    image = ax.imshow(np.minimum(grid, steps), cmap=cmap, norm=norm, interpolation="nearest")
    bar = fig.colorbar(
        image, cax=_bar_axes(fig, ax), orientation="horizontal", ticks=range(steps + 1)
    )
    if top > steps:
        bar.ax.set_xticklabels([*map(str, range(steps)), f"{steps}+"])
    return bar


def _draw_detour(fig: Figure, ax: Axes, frame: pd.DataFrame, codes: list[str]) -> None:
    """Detour km for flagged pairs (log scale); clean pairs pale blue, no clean route dark."""
    flagged = _square(frame, codes, "flagged")
    detour = _square(frame, codes, "detour_km")
    shown = np.where((flagged == 1.0) & (detour > 0), detour, np.nan)
    finite = shown[np.isfinite(shown)]
    top = max(float(finite.max()) if finite.size else 10.0, 100.0)
    norm = LogNorm(vmin=DETOUR_FLOOR_KM, vmax=top, clip=True)
    cmap = mpl.colormaps["YlOrRd"].with_extremes(bad=NO_ROUTE)
    image = ax.imshow(shown, cmap=cmap, norm=norm, interpolation="nearest")
    _mask(ax, flagged == 0.0, CLEAN_PAIR)
    _mask(ax, (flagged == 1.0) & np.isnan(detour), NO_CLEAN_ROUTE)
    bar = fig.colorbar(image, cax=_bar_axes(fig, ax), orientation="horizontal", extend="min")
    bar.ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    _bar_style(
        bar,
        f"Detour of the best clean route (km, log; under {DETOUR_FLOOR_KM:.0f} km: lowest)",
    )
    _axis_labels(ax, codes)
    _panel_title(ax, "Cost of avoiding flagged routes (flagged pairs)")
    _legend(
        fig,
        ax,
        [
            (CLEAN_PAIR, "best route is clean"),
            (NO_CLEAN_ROUTE, "no clean route"),
            (NO_ROUTE, "no route at all"),
        ],
    )


def _mask(ax: Axes, where: np.ndarray, colour: str) -> None:
    """Paint the cells where ``where`` holds in one colour, over the image."""
    if not where.any():
        return
    layer = np.zeros((*where.shape, 4))
    layer[where] = mpl.colors.to_rgba(colour)
    ax.imshow(layer, interpolation="nearest")


def _bar_axes(fig: Figure, ax: Axes) -> Axes:
    """A thin horizontal colour-bar axes under a panel, clear of its axis name."""
    box = ax.get_position()
    height = 0.07 / fig.get_figheight()
    below = 0.2 / fig.get_figheight()
    bar = fig.add_axes((box.x0, box.y0 - below - height, box.width, height))
    bar.set_label("<colorbar>")
    return bar


def _axis_labels(ax: Axes, codes: list[str]) -> None:
    """Every ISO code on both axes at :data:`LABEL_PT`, one per cell.

    Drawn as plain texts rather than tick labels: many ticks per axis cost seconds.
    """
    ax.set_xticks([])
    ax.set_yticks([])
    style: dict[str, Any] = {"fontsize": LABEL_PT, "fontfamily": "monospace", "color": _MUTED}
    top = ax.get_xaxis_transform()  # x in data, y in axes fraction
    left = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for i, code in enumerate(codes):
        ax.text(i, 1.004, code, transform=top, rotation=90, ha="center", va="bottom", **style)
        ax.text(-0.004, i, code, transform=left, ha="right", va="center", **style)
    ax.set_xlabel("destination", fontsize=6, color=_MUTED, labelpad=1)
    ax.set_ylabel("origin", fontsize=6, color=_MUTED, labelpad=12)
    for spine in ax.spines.values():
        spine.set_linewidth(0.4)
        spine.set_color("#9a9a9a")


def _panel_title(ax: Axes, text: str) -> None:
    ax.set_title(text, fontsize=8, color=_TEXT, loc="left", pad=16)


def _bar_style(bar: Any, label: str) -> None:
    bar.ax.tick_params(labelsize=5.5, length=2, width=0.4, colors=_MUTED, pad=1.5)
    bar.outline.set_linewidth(0.4)
    bar.set_label(label, fontsize=6, color=_MUTED, labelpad=2)


def _legend(fig: Figure, ax: Axes, entries: list[tuple[str, str]]) -> None:
    """Patches for the colours the bar does not show, under the bar (0.62 in below the panel)."""
    handles = [Patch(facecolor=c, edgecolor="#9a9a9a", linewidth=0.3, label=t) for c, t in entries]
    panel_in = ax.get_position().height * fig.get_figheight()
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.62 / panel_in),
        ncols=len(handles),
        fontsize=5.5,
        frameon=False,
        handlelength=1.2,
        handleheight=1.0,
        borderaxespad=0.2,
        columnspacing=1.2,
    )


def _captions(
    fig: Figure, frame: pd.DataFrame, value: str, counts: tuple[int, int], order: str
) -> None:
    """Title, subtitle (what was computed and shown), data note and attribution."""
    from cablemap.policy.rules import policy_label

    attrs = frame.attrs
    filters = attrs.get("filters") or {}
    shown, every = counts
    if shown < every:
        parts = [
            f"the {shown} of {every} countries {shown_rule(frame)} "
            f"({shown * (shown - 1):,} of {len(frame):,} ordered pairs; "
            "choose others with --countries)"
        ]
    else:
        parts = [f"{every} countries", f"{len(frame):,} ordered pairs"]
    year = filters.get("as_of")
    parts.append(f"cables in service in {year}" if year else "cables in service now")
    if filters.get("include_planned"):
        parts.append("planned cables included")
    label = policy_label(attrs.get("policy_name") or attrs.get("policy"), attrs.get("policy_date"))
    if label:
        parts.append(f"policy: {label}")
    ordering = "ordered by route-distance clustering" if order == "cluster" else "ordered by name"
    note = f"Rows: origin; columns: destination; countries {ordering}."
    chars = int(fig.get_figwidth() * 72 * 0.96 / (6.5 * 0.55))
    subtitle = textwrap.fill("; ".join(parts), width=chars)
    if attrs.get("data"):
        data = provenance_from_dict(attrs["data"])
        subtitle += "\n" + textwrap.fill(f"data: {data.short()}", width=chars)
        describe_figure(fig, data.line(label))
    elif attrs.get("snapshot"):
        subtitle += f"\ndata: {attrs['snapshot']}"
    height = fig.get_figheight()
    title = f"Country matrix: {VALUES[value]}"
    fig.text(0.02, 1 - 0.08 / height, title, fontsize=10, weight="bold", color=_TEXT, va="top")
    fig.text(0.02, 1 - 0.3 / height, subtitle, fontsize=6.5, color=_MUTED, va="top")
    fig.text(0.02, 0.04 / height, note, fontsize=5.5, color=_MUTED, va="bottom")
    attribution = f"{ATTRIBUTION}."
    fig.text(0.98, 0.04 / height, attribution, fontsize=5.5, color=_MUTED, va="bottom", ha="right")
