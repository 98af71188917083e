"""The country matrix as a heatmap: one row per origin, one column per destination.

Countries are ordered so that neighbours sit together (``order="cluster"``, the default):
by average-linkage clustering of the route distances themselves, with the leaves put in
optimal order, so regions (the Caribbean, West Africa, the Pacific islands, ...) show as
blocks along the diagonal without a table of regions. ``order="name"`` sorts by country
name instead. Every country is labelled with its ISO code in a small font (about 2 points
for 180 countries): readable when the PNG is zoomed, or at any size in SVG.

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
_TEXT = "#222222"
_MUTED = "#555555"
_PANEL_IN = 6.4
"""Side of one square panel, in inches."""


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
    codes = sorted(set(frame["from_iso2"]) | set(frame["to_iso2"]))
    names = _names(frame, codes)
    km = _square(frame, codes, "km")
    codes = _ordered(codes, names, km, order)
    with_policy = bool(frame["flagged"].notna().any()) if "flagged" in frame else False
    detour_panel = with_policy and value in ("km", "latency_ms", "clean_km")
    panels = 2 if detour_panel else 1
    with mpl.rc_context({"text.parse_math": False, "text.usetex": False}):
        fig = Figure(figsize=(_PANEL_IN * panels + 0.9 * panels, _PANEL_IN + 1.3), dpi=200)
        FigureCanvasAgg(fig)
        fig.set_label(f"cablemap matrix: {VALUES[value]}")
        axes = [fig.add_axes(_panel_box(i, panels)) for i in range(panels)]
        _draw_value(fig, axes[0], frame, codes, value)
        if detour_panel:
            _panel_title(axes[0], VALUES[value])
            _draw_detour(fig, axes[1], frame, codes)
        _captions(fig, frame, value, len(codes), order)
    return fig


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
    """A column as an origin x destination array (NaN on the diagonal and where missing)."""
    position = {code: i for i, code in enumerate(codes)}
    out = np.full((len(codes), len(codes)), np.nan)
    rows = frame["from_iso2"].map(position).to_numpy()
    cols = frame["to_iso2"].map(position).to_numpy()
    values = frame[column].to_numpy(dtype="float64", na_value=np.nan)
    out[rows, cols] = values
    return out


def _ordered(codes: list[str], names: dict[str, str], km: np.ndarray, order: str) -> list[str]:
    """Countries in display order (see the module docstring)."""
    if order == "name" or len(codes) < 3:
        return sorted(codes, key=lambda code: names[code].casefold())
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    both = np.fmax(km, km.T)  # one distance per pair; NaN only when neither way has a route
    finite = both[np.isfinite(both)]
    far = (finite.max() if finite.size else 1.0) * 1.5
    distance = np.where(np.isfinite(both), both, far)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average", optimal_ordering=True)
    return [codes[i] for i in leaves_list(tree)]


def _panel_box(index: int, panels: int) -> tuple[float, float, float, float]:
    """Axes rectangle (figure fractions) of panel ``index``, leaving room for a colour bar."""
    width_in = _PANEL_IN * panels + 0.9 * panels
    height_in = _PANEL_IN + 1.3
    left_in = 0.3 + index * (_PANEL_IN + 0.9)
    return (left_in / width_in, 0.55 / height_in, _PANEL_IN / width_in, _PANEL_IN / height_in)


def _draw_value(fig: Figure, ax: Axes, frame: pd.DataFrame, codes: list[str], value: str) -> None:
    grid = _square(frame, codes, value)
    if value == "disjoint_routes":
        bar = _draw_counts(fig, ax, grid)
        legend = [(NO_ROUTE, "0: no route at all")]
    else:
        cmap = mpl.colormaps["viridis"].with_extremes(bad=NO_ROUTE)
        image = ax.imshow(grid, cmap=cmap, interpolation="nearest")
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.015, format="{x:,.0f}")
        legend = [(NO_ROUTE, "no route (or same country)")]
    _bar_style(bar, VALUES[value])
    _axis_labels(ax, codes)
    _legend(ax, legend)


def _draw_counts(fig: Figure, ax: Axes, grid: np.ndarray) -> Any:
    """Disjoint-route counts in steps of one: 0 grey, then light to dark, the top open."""
    top = int(np.nanmax(grid)) if np.isfinite(grid).any() else 1
    steps = min(max(top, 1), COUNT_STEPS)
    colours = [NO_ROUTE, *mpl.colormaps["YlGnBu"](np.linspace(0.12, 1.0, steps))]
    cmap = ListedColormap(colours).with_extremes(bad="white")
    norm = BoundaryNorm(np.arange(-0.5, steps + 1.5), cmap.N)
    image = ax.imshow(np.minimum(grid, steps), cmap=cmap, norm=norm, interpolation="nearest")
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.015, ticks=range(steps + 1))
    if top > steps:
        bar.ax.set_yticklabels([*map(str, range(steps)), f"{steps}+"])
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
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.015, extend="min")
    bar.ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    _bar_style(
        bar,
        f"Detour of the best clean route (km, log scale; under {DETOUR_FLOOR_KM:.0f} km: lowest)",
    )
    _axis_labels(ax, codes)
    _panel_title(ax, "Cost of avoiding flagged routes (flagged pairs)")
    _legend(
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


def _axis_labels(ax: Axes, codes: list[str]) -> None:
    """Every ISO code on both axes, in a font sized to the cells (2 to 6 points).

    Drawn as plain texts rather than tick labels: 180 ticks per axis cost seconds.
    """
    size = float(np.clip(0.85 * _PANEL_IN * 72 / max(len(codes), 1), 2.0, 6.0))
    ax.set_xticks([])
    ax.set_yticks([])
    style: dict[str, Any] = {"fontsize": size, "fontfamily": "monospace", "color": _MUTED}
    top = ax.get_xaxis_transform()  # x in data, y in axes fraction
    left = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for i, code in enumerate(codes):
        ax.text(i, 1.002, code, transform=top, rotation=90, ha="center", va="bottom", **style)
        ax.text(-0.002, i, code, transform=left, ha="right", va="center", **style)
    ax.set_xlabel("destination", fontsize=6, color=_MUTED, labelpad=2)
    ax.set_ylabel("origin", fontsize=6, color=_MUTED, labelpad=8)
    for spine in ax.spines.values():
        spine.set_linewidth(0.4)
        spine.set_color("#9a9a9a")


def _panel_title(ax: Axes, text: str) -> None:
    ax.set_title(text, fontsize=8, color=_TEXT, loc="left", pad=14)


def _bar_style(bar: Any, label: str) -> None:
    bar.ax.tick_params(labelsize=5.5, length=2, width=0.4, colors=_MUTED)
    bar.outline.set_linewidth(0.4)
    bar.set_label(label, fontsize=6, color=_MUTED)


def _legend(ax: Axes, entries: list[tuple[str, str]]) -> None:
    handles = [Patch(facecolor=c, edgecolor="#9a9a9a", linewidth=0.3, label=t) for c, t in entries]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.005),
        ncols=len(handles),
        fontsize=5.5,
        frameon=False,
        handlelength=1.2,
        handleheight=1.0,
        borderaxespad=0.2,
        columnspacing=1.2,
    )


def _captions(fig: Figure, frame: pd.DataFrame, value: str, count: int, order: str) -> None:
    """Title, subtitle (what was computed), data note and attribution."""
    attrs = frame.attrs
    policy = attrs.get("policy_name") or attrs.get("policy")
    filters = attrs.get("filters") or {}
    parts = [f"{count} countries", f"{len(frame):,} ordered pairs"]
    year = filters.get("as_of")
    parts.append(f"cables in service in {year}" if year else "cables in service now")
    if filters.get("include_planned"):
        parts.append("planned cables included")
    if policy:
        when = f" as of {attrs['policy_date']}" if attrs.get("policy_date") else ""
        parts.append(f"policy: {policy}{when}")
    ordering = "ordered by route-distance clustering" if order == "cluster" else "ordered by name"
    note = f"Rows: origin; columns: destination; countries {ordering}."
    width_pt = fig.get_figwidth() * 72 * 0.96
    title = f"Country matrix: {VALUES[value]}"
    fig.text(0.02, 0.985, title, fontsize=10, weight="bold", color=_TEXT, va="top")
    subtitle = textwrap.fill("; ".join(parts), width=int(width_pt / (6.5 * 0.55)))
    if attrs.get("data"):
        from cablemap.policy.rules import policy_label

        data = provenance_from_dict(attrs["data"])
        subtitle += f"\ndata: {data.short()}"
        name, date = attrs.get("policy_name"), attrs.get("policy_date")
        describe_figure(fig, data.line(policy_label(name, date)))
    elif attrs.get("snapshot"):
        subtitle += f"\ndata: {attrs['snapshot']}"
    fig.text(0.02, 0.96, subtitle, fontsize=6.5, color=_MUTED, va="top", linespacing=1.4)
    fig.text(0.02, 0.012, note, fontsize=5, color=_MUTED, va="bottom")
    fig.text(0.98, 0.012, f"{ATTRIBUTION}.", fontsize=5, color=_MUTED, va="bottom", ha="right")
