"""Synthetic scaling: the real dataset grown 10x, 100x, ... for benchmarks only.

Copy ``i`` (1 <= i < factor) of every real cable is a new cable ``<id>-x<i>`` whose drawn
geometry is the original's, jittered, landing at the same stations, so that copies are
joined to the real cables and to each other at shared landing stations. The geometry is
first noded per cable (the same :func:`shapely.node` split the topology build makes), so
that every line end, junction and T-junction of the drawing is the end of a piece; piece
ends are kept exactly where they are (copies still land, join and branch where the
original does) and only interior vertices move, by a smooth random offset field of up
to ``jitter_deg`` in longitude and latitude (a few random plane waves, so that lines bend
without crossing), tapered to zero within ``taper_deg`` of the cable's own stations and
piece ends so that stations attached to the middle of a line stay attached.

With ``station_fraction`` > 0 (default 0.1; 0 turns it off) copy ``i`` also gets
jittered copies of a random share of the stations (``<id>-x<i>``, same country, moved by up to
``station_jitter_deg``); that copy's cables land at those instead of the originals, which
grows the station count and the backhaul between stations of a country.

Everything is drawn from a seeded :class:`numpy.random.Generator` per copy
(``default_rng([seed, i])``), so a run is reproducible and the 10x data is a subset of the
100x data. The result is a plain :class:`~cablemap.dataset.records.RawData`;
:func:`build_dataset` makes the validated tables from it as ``load_dataset`` does.

Run ``python benchmarks/synthetic.py [--factors 1 10] [--check]`` to print the sizes
(and, with ``--check``, the topology's attachment and connectivity figures) per factor.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import time
from pathlib import Path

import numpy as np
from bench_load import DEFAULT_DATA

from cablemap.dataset.load import Dataset, load_raw
from cablemap.dataset.records import CableRecord, RawData, StationRecord
from cablemap.network.topology import node_lines

JITTER_DEG = 0.3
TAPER_DEG = 1.0
STATION_FRACTION = 0.1
STATION_JITTER_DEG = 0.05
WAVES = 3


@dataclasses.dataclass(frozen=True)
class _Template:
    """Every cable's noded pieces, flattened, with how far each vertex may move."""

    coords: np.ndarray  # (n, 2) lon, lat of every vertex of every piece
    weight: np.ndarray  # (n,) 0 at piece ends and at stations, 1 from taper_deg on
    piece_bounds: list[list[int]]  # per cable: the offsets of its pieces in ``coords``


def _template(raw: RawData, taper_deg: float) -> _Template:
    """Node every cable's lines once and weigh each vertex's freedom to move."""
    station_xy = {s.id: (s.lon, s.lat) for s in raw.stations}
    noded = node_lines([raw.lines.get(c.id, []) for c in raw.cables])
    coords, weights, bounds, offset = [], [], [], 0
    for cable, pieces in zip(raw.cables, noded, strict=True):
        own = [station_xy[s] for s in cable.landing_ids if s in station_xy]
        ends = [tuple(piece[i]) for piece in pieces for i in (0, -1)]
        anchors = np.array(own + ends, dtype=float).reshape(-1, 2)
        cable_bounds = [offset]
        for piece in pieces:
            weight = _taper(piece, anchors, taper_deg)
            weight[0] = weight[-1] = 0.0
            coords.append(piece)
            weights.append(weight)
            offset += len(piece)
            cable_bounds.append(offset)
        bounds.append(cable_bounds)
    return _Template(np.concatenate(coords), np.concatenate(weights), bounds)


def _taper(piece: np.ndarray, anchors: np.ndarray, taper_deg: float) -> np.ndarray:
    """0 at an anchor, rising linearly to 1 at ``taper_deg`` (degrees, lon wrapped)."""
    if not len(anchors) or taper_deg <= 0:
        return np.ones(len(piece))
    dlon = np.abs((piece[:, None, 0] - anchors[None, :, 0] + 180.0) % 360.0 - 180.0)
    dlat = piece[:, None, 1] - anchors[None, :, 1]
    nearest = np.sqrt(dlon**2 + dlat**2).min(axis=1)
    return np.clip(nearest / taper_deg, 0.0, 1.0)


def scale_raw(
    raw: RawData,
    factor: int,
    *,
    seed: int = 0,
    jitter_deg: float = JITTER_DEG,
    taper_deg: float = TAPER_DEG,
    station_fraction: float = STATION_FRACTION,
    station_jitter_deg: float = STATION_JITTER_DEG,
) -> RawData:
    """The real records plus ``factor - 1`` jittered copies of every cable.

    Parameters
    ----------
    raw
        The real records (from :func:`cablemap.dataset.load.load_raw`); not modified.
    factor
        How many times the cables: 1 returns the real records' lists unchanged.
    seed
        Seed of the generator; copy ``i`` draws from ``default_rng([seed, i])``.
    jitter_deg
        Largest offset of an interior vertex, in degrees of longitude and of latitude.
    taper_deg
        Vertices closer than this to one of their cable's stations move proportionally
        less (not at all at the station).
    station_fraction
        Share of the stations copied (jittered, same country) for each cable copy.
    station_jitter_deg
        Largest offset of a station copy, in degrees.

    Returns
    -------
    RawData
        Cables, stations and lines of the grown dataset (no warnings).
    """
    if factor < 1:
        raise ValueError(f"factor must be >= 1, got {factor}")
    template = _template(raw, taper_deg) if factor > 1 else None
    cables: list[CableRecord] = list(raw.cables)
    stations: list[StationRecord] = list(raw.stations)
    lines = {c.id: list(raw.lines.get(c.id, [])) for c in raw.cables}
    for copy in range(1, factor):
        assert template is not None
        rng = np.random.default_rng([seed, copy])
        moved = _jittered(template, rng, jitter_deg)
        renamed = _station_copies(raw.stations, copy, rng, station_fraction, station_jitter_deg)
        stations.extend(renamed.values())
        for cable, bounds in zip(raw.cables, template.piece_bounds, strict=True):
            new_id = f"{cable.id}-x{copy}"
            cables.append(
                dataclasses.replace(
                    cable,
                    id=new_id,
                    name=f"{cable.name} (copy {copy})",
                    owners=list(cable.owners),
                    suppliers=list(cable.suppliers),
                    landing_ids=[renamed[s].id if s in renamed else s for s in cable.landing_ids],
                )
            )
            lines[new_id] = [moved[a:b] for a, b in itertools.pairwise(bounds)]
    return RawData(
        layout=raw.layout,
        cables=cables,
        stations=stations,
        lines=lines,
        warnings=[],
        counts_read={"cables": len(cables), "landing_points": len(stations)},
    )


def _jittered(template: _Template, rng: np.random.Generator, jitter_deg: float) -> np.ndarray:
    """All vertices of one copy: interior vertices moved by a smooth field, piece ends kept.

    The offset is a sum of random plane waves over (lon, lat) (wavelengths of 5 to 20
    degrees), bounded by ``jitter_deg``; being smooth, and the same for every line at one
    place, it bends lines without making them cross themselves or each other (independent
    per-vertex noise would zigzag densely drawn coasts into hundreds of crossings).
    """
    xy = template.coords
    offsets = np.zeros_like(xy)
    for axis in range(2):
        wavelength = rng.uniform(5.0, 20.0, size=WAVES)
        direction = rng.uniform(0.0, 2.0 * np.pi, size=WAVES)
        phase = rng.uniform(0.0, 2.0 * np.pi, size=WAVES)
        amplitude = rng.uniform(0.5, 1.0, size=WAVES)
        amplitude *= jitter_deg / amplitude.sum()
        wavenumber = 2.0 * np.pi / wavelength
        kx, ky = wavenumber * np.cos(direction), wavenumber * np.sin(direction)
        waves = np.sin(xy[:, :1] * kx + xy[:, 1:] * ky + phase)
        offsets[:, axis] = waves @ amplitude
    moved = xy + offsets * template.weight[:, None]
    moved[:, 0] = np.clip(moved[:, 0], -180.0, 180.0)
    moved[:, 1] = np.clip(moved[:, 1], -89.9, 89.9)
    return moved


def _station_copies(
    stations: list[StationRecord],
    copy: int,
    rng: np.random.Generator,
    fraction: float,
    jitter_deg: float,
) -> dict[str, StationRecord]:
    """Jittered copies of a random share of the stations, by original id."""
    chosen = np.flatnonzero(rng.random(len(stations)) < fraction)
    offsets = rng.uniform(-jitter_deg, jitter_deg, size=(len(chosen), 2))
    copies = {}
    for index, (dlon, dlat) in zip(chosen.tolist(), offsets.tolist(), strict=True):
        station = stations[index]
        copies[station.id] = dataclasses.replace(
            station,
            id=f"{station.id}-x{copy}",
            name=f"{station.name} (copy {copy})",
            lon=float(np.clip(station.lon + dlon, -180.0, 180.0)),
            lat=float(np.clip(station.lat + dlat, -89.9, 89.9)),
        )
    return copies


def build_dataset(raw: RawData, *, snapshot_id: str = "synthetic") -> Dataset:
    """The validated tables of (synthetic) records, assembled as ``load_dataset`` does."""
    from cablemap.dataset.load import dataset_from_raw

    return dataset_from_raw(raw, snapshot_id)


def synthetic_dataset(
    factor: int, *, data: Path = DEFAULT_DATA, seed: int = 0, **options: float
) -> tuple[RawData, Dataset]:
    """Read the real data at ``data``, grow it ``factor`` times, build its tables."""
    raw, _ = load_raw(data)
    grown = scale_raw(raw, factor, seed=seed, **options)
    return grown, build_dataset(grown, snapshot_id=f"synthetic:{factor}x:seed{seed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--station-fraction", type=float, default=STATION_FRACTION)
    parser.add_argument("--check", action="store_true", help="also print topology figures")
    args = parser.parse_args()

    from cablemap.network.topology import build_topology, topology_check

    raw, _ = load_raw(args.data)
    for factor in args.factors:
        started = time.perf_counter()
        grown = scale_raw(raw, factor, seed=args.seed, station_fraction=args.station_fraction)
        made = time.perf_counter() - started
        dataset = build_dataset(grown)
        vertices = sum(len(line) for parts in grown.lines.values() for line in parts)
        print(
            f"{factor:>4}x: {len(grown.cables)} cables, {len(grown.stations)} stations, "
            f"{dataset.counts['cable_landings']} landings, {vertices} vertices "
            f"(generated in {made:.2f} s)"
        )
        if args.check:
            topology = build_topology(dataset)
            check = topology_check(topology, dataset)
            attachment, connected = check["attachment"], check["connectivity"]
            print(
                f"       segments {len(topology.segments)}, nodes {len(topology.nodes)}; "
                f"attached {attachment.get('share_attached')}; "
                f"connected {connected.get('share_connected')}; "
                f"repairs { {k: v['count'] for k, v in check['repairs'].items()} }"
            )


if __name__ == "__main__":
    main()
