"""Load the dataset: from a path given directly, or from the current snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.config import Settings, settings_from_env
from cablemap.dataset.locate import DataLocation, locate_data
from cablemap.dataset.read import directory_getter, read_root
from cablemap.dataset.records import DataWarning, RawData, raise_if_any
from cablemap.dataset.summary import summarize
from cablemap.errors import UserError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from cablemap.dataset.overlay.apply import AppliedOverlays
    from cablemap.dataset.overlay.model import Overlay
    from cablemap.dataset.provenance import Provenance


@dataclass(frozen=True)
class Dataset:
    """The validated tables of one snapshot (or one directly loaded root).

    Attributes
    ----------
    cables
        GeoDataFrame (EPSG:4326): ``id``, ``name``, ``owners`` (list), ``suppliers``
        (list), ``rfs_year``, ``planned``, ``length_km`` (stated, may be missing), ``url``,
        ``notes``, ``geometry`` (MultiLineString).
    stations
        GeoDataFrame (EPSG:4326): ``id``, ``name``, ``city``, ``country_iso2``,
        ``country_iso3``, ``country_name``, ``country_label`` (as the data wrote it),
        ``is_tbd``, ``geometry`` (Point).
    landings
        DataFrame of ``(cable_id, station_id)`` pairs.
    snapshot_id
        The snapshot's id, or ``"direct:<name>"`` for a root loaded directly.
    layout
        ``"v3"`` or ``"v2"``.
    warnings
        Records skipped while reading, and why.
    summary
        Counts of what was read and skipped.
    """

    cables: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    landings: pd.DataFrame
    snapshot_id: str
    layout: str
    warnings: tuple[DataWarning, ...]
    summary: dict[str, Any]
    provenance: Provenance
    """Source, date, snapshot and attribution to print with anything made of the data."""
    overlays: AppliedOverlays | None = None
    """The overlays laid over the data, and every fact they put in it (with its source)."""

    @property
    def counts(self) -> dict[str, int]:
        """Counts of cables, landing points, cable-landings and countries."""
        return dict(self.summary["counts"])


def load_raw(
    path: str | Path | None = None, *, settings: Settings | None = None
) -> tuple[RawData, str]:
    """Read the records (no tables) and say where they came from.

    Order of precedence: ``path``, the ``data_path`` setting (``--data`` /
    ``CABLEMAP_DATA``), the ``snapshot_id`` setting (``--snapshot``), the current
    snapshot; with none of them, the default source is fetched first (first use).
    """
    settings = settings or settings_from_env()
    located = locate_data(path, settings=settings)
    return _read_located(located, settings), located.label


def _read_located(located: DataLocation, settings: Settings) -> RawData:
    if located.snapshot_dir is None:
        return _read_direct(located.direct, settings)
    return read_root(directory_getter(located.snapshot_dir))


def load_dataset(
    path: str | Path | None = None, *, settings: Settings | None = None, strict: bool = False
) -> Dataset:
    """Load the validated dataset as GeoDataFrames.

    Parameters
    ----------
    path
        A v3/v2 root directory or archive to load directly; default: see :func:`load_raw`.
    settings
        Settings to use; default: from the environment.
    strict
        Raise a :class:`DataError` instead of skipping bad records with warnings.

    Returns
    -------
    Dataset
        Cables, stations and cable-landings, with the snapshot id and any warnings.
    """
    settings = settings or settings_from_env()
    return load_located(locate_data(path, settings=settings), settings=settings, strict=strict)


def load_located(location: DataLocation, *, settings: Settings, strict: bool = False) -> Dataset:
    """Load the dataset found by :func:`~cablemap.dataset.locate.locate_data`."""
    from cablemap.dataset.overlay.store import load_overlays

    overlays = load_overlays(settings)  # checked before the data is read
    raw = _read_located(location, settings)
    if strict:
        raise_if_any(raw.warnings)
    return dataset_from_raw(
        raw, location.label, source_name=location.source_name, overlays=overlays
    )


def dataset_from_raw(
    raw: RawData,
    snapshot_id: str,
    *,
    source_name: str | None = None,
    overlays: tuple[Overlay, ...] = (),
) -> Dataset:
    """Build the tables of records already read (or made, as the benchmarks do).

    ``source_name`` is the recorded name of the snapshot's source (see
    :func:`cablemap.dataset.provenance.provenance_of`). ``overlays`` are laid over the
    records first (:mod:`cablemap.dataset.overlay`); the provenance names them, and the
    date the data is as of stays the base data's.
    """
    from cablemap.dataset.overlay.apply import apply_overlays
    from cablemap.dataset.overlay.model import overlay_note
    from cablemap.dataset.provenance import provenance_of, with_overlays
    from cablemap.dataset.tables import cables_table, landings_table, stations_table

    provenance = provenance_of(raw, snapshot_id, source_name)  # as of: the base data's
    applied = None
    if overlays:
        raw, applied = apply_overlays(raw, overlays)
        notes = tuple(overlay_note(o, applied.approximate) for o in overlays)
        provenance = with_overlays(provenance, notes)
    return Dataset(
        cables=cables_table(raw),
        stations=stations_table(raw),
        landings=landings_table(raw),
        snapshot_id=snapshot_id,
        layout=raw.layout,
        warnings=tuple(raw.warnings),
        summary=summarize(raw),
        provenance=provenance,
        overlays=applied,
    )


def _read_direct(path: Path, settings: Settings) -> RawData:
    from cablemap.sources.files import ArchiveReader, find_layout_root, is_archive

    if path.is_dir():
        return read_root(directory_getter(find_layout_root(path, label=str(path))))
    if path.is_file() and is_archive(path):
        reader = ArchiveReader(path, max_bytes=settings.max_response_bytes)
        try:
            return read_root(directory_getter(reader.root))
        finally:
            reader.close()
    raise UserError(
        f"data path {str(path)!r} is not a directory or a .zip/.tar.gz archive; "
        "check --data / CABLEMAP_DATA"
    )
