"""The criticality map: each element of a sweep coloured by the impact of its failure.

Impact is the number of ordered country pairs a scenario disconnects or degrades
(``pairs_disconnected + pairs_degraded`` of the sweep's summary). Cable and segment
scenarios colour the cable's (or the segment's) drawn lines; station scenarios draw a
dot per station; region scenarios colour every segment crossing the region by the
region's impact. Elements with no impact, and cables no scenario failed alone, are drawn
thin and grey. Pairs, owners and random draws fail several cables at once and have no
one place on a map; they are left out of the figure (their ranking is in the summary).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm, to_rgba

from cablemap.errors import UserError
from cablemap.render.static.frame import draw_basemap, draw_graticule, fit_world, new_figure
from cablemap.render.static.labels import plain_text
from cablemap.render.static.projection import in_view, world_centre, wrap_into
from cablemap.render.static.shapes import line_arrays
from cablemap.render.static.titles import data_note, decorate

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cablemap.network.graph import Network

MAPPED_KINDS = ("cable", "segment", "station", "region")
"""Scenario kinds the map can place."""
COLOURS = "inferno_r"
QUIET = "#b8b8b8"


def impact(summaries: pd.DataFrame) -> pd.Series:
    """Pairs disconnected or degraded by each scenario (the map's colour)."""
    return (summaries["pairs_disconnected"] + summaries["pairs_degraded"]).astype(float)


def criticality_figure(network: Network, summaries: pd.DataFrame, *, title: str = "") -> Figure:
    """Draw a sweep's cables, segments, stations or regions by the impact of their failure.

    Parameters
    ----------
    network
        The network the sweep ran on (its topology gives the drawn lines).
    summaries
        The sweep's scenario summaries (``_scenarios`` of the output, or ranked).
    title
        The figure's title (default: says what was swept).

    Raises
    ------
    UserError
        No scenario of a kind the map can place.
    """
    chosen = summaries[summaries["kind"].isin(MAPPED_KINDS)]
    if chosen.empty:
        raise UserError(
            "--image maps --single cables|segments|stations or --regions scenarios; "
            "this sweep has none (its ranking is in the summary)"
        )
    segments = network.topology.segments
    seg_score = _segment_scores(network, chosen, segments)
    stations = chosen[chosen["kind"] == "station"]
    geometries = np.asarray(segments.geometry.values, dtype=object)
    centre = world_centre(geometries)
    scores = np.concatenate([seg_score[seg_score > 0], impact(stations).to_numpy()])
    top = float(scores.max()) if len(scores) and scores.max() > 0 else 1.0
    norm = LogNorm(vmin=1.0, vmax=max(top, 10.0))
    kinds = ", ".join(sorted(set(chosen["kind"])))
    title = title or f"Criticality: country pairs disconnected or degraded when each {kinds} fails"
    subtitle = _subtitle(chosen)
    with plain_text():
        fig, ax = new_figure(title)
        fit_world(ax, centre)
        draw_graticule(ax)
        draw_basemap(ax, centre)
        _draw_lines(ax, geometries, seg_score, norm, centre)
        _draw_stations(ax, network, stations, norm, centre)
        _colour_key(fig, ax, norm)
        decorate(fig, title, subtitle, data_note(network), network)
    return fig


def _top(norm: LogNorm) -> float:
    return float(norm.vmax if norm.vmax is not None else 10.0)


def _colour_key(fig: Figure, ax: Axes, norm: LogNorm) -> None:
    """A horizontal colour bar inside the map, lower left (over the Southern Ocean)."""
    inset = ax.inset_axes((0.03, 0.07, 0.2, 0.022), zorder=10)  # clear of Chile
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=COLOURS), cax=inset, orientation="horizontal")
    bar.set_label("pairs disconnected or degraded (log)", fontsize=5.5, labelpad=1.5)
    bar.ax.tick_params(labelsize=5, length=1.5, width=0.4, pad=1)
    bar.outline.set_linewidth(0.3)


def _segment_scores(network: Network, chosen: pd.DataFrame, segments: pd.DataFrame) -> np.ndarray:
    """The impact to colour each drawn segment with (the highest scenario that covers it)."""
    score = np.zeros(len(segments))
    ids = segments["segment_id"].astype(str).to_numpy()
    cables = segments["cable_id"].astype(str).to_numpy()
    values = impact(chosen).to_numpy()
    for scenario, kind, value in zip(chosen["scenario"], chosen["kind"], values, strict=True):
        name = str(scenario).split(":", 1)[1]
        if kind == "cable":
            mask = cables == name
        elif kind == "segment":
            mask = ids == name
        elif kind == "region":
            mask = np.isin(ids, _region_segments(network, name))
        else:
            continue
        score[mask] = np.maximum(score[mask], value)
    return score


def _region_segments(network: Network, region: str) -> list[str]:
    from cablemap.analysis.cuts import resolve_cuts

    return list(resolve_cuts(network, regions=(region,)).cuts[0].segments)


def _draw_lines(
    ax: Axes, geometries: np.ndarray, score: np.ndarray, norm: LogNorm, centre: float
) -> None:
    quiet = score <= 0
    lines, _ = line_arrays(in_view(ax, geometries[quiet], centre)[0])
    ax.add_collection(
        LineCollection(lines, colors=QUIET, linewidths=0.3, alpha=0.7, zorder=3), autolim=False
    )
    order = np.argsort(score)  # the most critical drawn last, on top
    order = order[score[order] > 0]
    pieces, owner = in_view(ax, geometries[order], centre)
    lines, parts = line_arrays(pieces)
    values = score[order][owner[parts]]
    colours = ScalarMappable(norm=norm, cmap=COLOURS).to_rgba(values)
    widths = 0.5 + 1.3 * (np.log10(np.maximum(values, 1.0)) / np.log10(_top(norm)))
    ax.add_collection(
        LineCollection(lines, colors=colours, linewidths=widths, zorder=4), autolim=False
    )


def _draw_stations(
    ax: Axes, network: Network, stations: pd.DataFrame, norm: LogNorm, centre: float
) -> None:
    if stations.empty:
        return
    values = impact(stations).to_numpy()
    order = np.argsort(values)
    ids = [str(s).split(":", 1)[1] for s in stations["scenario"].to_numpy()[order]]
    xs = wrap_into(np.array([network.stations[s].lon for s in ids]), centre)
    ys = np.array([network.stations[s].lat for s in ids])
    shown = values[order]
    ax.scatter(
        xs,
        ys,
        s=4.0 + 30.0 * np.log10(np.maximum(shown, 1.0)) / np.log10(_top(norm)),
        c=_colours(shown, norm),
        edgecolors="white",
        linewidths=0.2,
        zorder=8,
    )


def _colours(values: np.ndarray, norm: LogNorm) -> np.ndarray:
    """RGBA of each value on the colour scale; grey for no impact."""
    colours = ScalarMappable(norm=norm, cmap=COLOURS).to_rgba(np.maximum(values, 1.0))
    colours[values <= 0] = to_rgba(QUIET)
    return np.asarray(colours)


def _subtitle(chosen: pd.DataFrame) -> str:
    values = impact(chosen)
    worst = chosen.loc[values.idxmax()]
    return (
        f"{len(chosen):,} scenarios; {int((values > 0).sum()):,} disconnect or degrade a pair; "
        f"worst: {worst['label']} ({int(values.max()):,} pairs, "
        f"{int(worst['countries_cut_off'])} countries cut off)"
    )
