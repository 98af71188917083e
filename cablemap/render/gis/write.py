"""Write an export: one GeoPackage, or a folder of GeoParquet or GeoJSON files.

Where each format keeps the metadata (checked by reading it back with GDAL/pyogrio and
pyarrow; ``docs/gis.md``):

- **GeoPackage**: every key as GDAL layer and dataset metadata (``gpkg_metadata``), and a
  one-line description per layer (``gpkg_contents.description``).
- **GeoParquet**: every key as JSON under ``cablemap`` in each file's schema metadata,
  beside the ``geo`` metadata; and ``metadata.json`` in the folder.
- **GeoJSON**: GDAL keeps only a collection's ``name`` and ``description`` (other
  collection members are dropped on reading), so each file carries the one-line
  description, and the folder's ``metadata.json`` carries every key.

Files are written all or none (:mod:`cablemap.files`); an existing export is replaced
only with ``force``.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.errors import UserError
from cablemap.files import check_output_path, write_all, write_with
from cablemap.render.gis.build import LAYER_DESCRIPTIONS

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.render.gis.build import GisExport

FORMATS = {".gpkg": "GeoPackage", ".parquet": "GeoParquet", ".geojson": "GeoJSON"}
"""Output suffix -> format; ``.parquet`` and ``.geojson`` name a folder of files."""
SIDECAR = "metadata.json"


def check_export_path(path: str | Path, *, force: bool = False) -> Path:
    """Check, before any work, that an export can be written at ``path``.

    Raises
    ------
    UserError
        An unknown suffix, a missing parent directory, a file where a folder is meant
        (or the reverse), or an existing export without ``force``.
    """
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(
            f"cannot write {target}: an export is .gpkg (one file), .parquet or .geojson "
            f"(a folder of one file per layer), not {target.suffix or 'a name without suffix'}"
        )
    if suffix == ".parquet":
        _require_pyarrow(target)
    if suffix == ".gpkg":
        target = check_output_path(target)
        if target.exists() and not force:
            raise UserError(f"{target} exists; give --force to replace it")
        return target
    check_output_path(target / SIDECAR) if target.is_dir() else check_output_path(target)
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UserError(f"{target} exists and is not empty; give --force to replace its layers")
    return target


def _require_pyarrow(target: Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UserError(
            f"cannot write {target}: GeoParquet needs pyarrow; pip install 'cablemap[parquet]'"
        ) from None


def write_export(export: GisExport, path: str | Path, *, force: bool = False) -> list[Path]:
    """Write every layer of ``export`` to ``path``, in the format its suffix names.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    UserError
        See :func:`check_export_path`; or a file that cannot be written (then none is).
    """
    target = check_export_path(path, force=force)
    layers = {name: _typed(frame) for name, frame in export.layers.items()}
    if target.suffix.lower() == ".gpkg":
        with tempfile.TemporaryDirectory(prefix="cablemap-export-") as scratch:
            built = _geopackage(export, layers, Path(scratch) / "export.gpkg")
            return [write_with(target, lambda tmp: tmp.write_bytes(built.read_bytes()))]
    render = _parquet if target.suffix.lower() == ".parquet" else _geojson
    files: dict[Path, str | bytes] = {
        target / f"{name}{target.suffix.lower()}": render(export, name, frame)
        for name, frame in layers.items()
    }
    files[target / SIDECAR] = json.dumps(export.metadata, indent=2, ensure_ascii=False) + "\n"
    return _write_folder(target, files)


def _write_folder(target: Path, files: dict[Path, str | bytes]) -> list[Path]:
    """Write the files into ``target`` (made if missing), all or none; drop stale layers."""
    created = not target.exists()
    try:
        target.mkdir(exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        written = write_all(files)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                target.rmdir()
        raise
    for name in LAYER_DESCRIPTIONS:  # a layer of an earlier export that this one has not
        stale = target / f"{name}{target.suffix.lower()}"
        if stale not in files:
            stale.unlink(missing_ok=True)
    return written


def _geopackage(export: GisExport, layers: dict[str, pd.DataFrame], path: Path) -> Path:
    import pyogrio

    metadata = _as_strings(export.metadata)
    for name, frame in layers.items():
        pyogrio.write_dataframe(
            frame,
            path,
            layer=name,
            driver="GPKG",
            layer_metadata=metadata,
            dataset_metadata=metadata,
            layer_options={"DESCRIPTION": export.description(name), "IDENTIFIER": name},
        )
    return path


def _parquet(export: GisExport, name: str, frame: pd.DataFrame) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    table = pq.read_table(io.BytesIO(buffer.getvalue()))
    extra = {b"cablemap": json.dumps({**export.metadata, "layer": name}).encode("utf-8")}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _geojson(export: GisExport, name: str, frame: pd.DataFrame) -> bytes:
    import pyogrio

    options = {"DESCRIPTION": export.description(name)}
    if getattr(frame, "_geometry_column_name", None) is not None:
        options["RFC7946"] = "YES"  # WGS84 lon/lat, 7 decimals; a table has no geometry
    with tempfile.TemporaryDirectory(prefix="cablemap-export-") as scratch:
        path = Path(scratch) / f"{name}.geojson"
        pyogrio.write_dataframe(frame, path, layer=name, driver="GeoJSON", layer_options=options)
        return path.read_bytes()


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its geometry column last, and columns of only missing text as text.

    GDAL writes the geometry apart from the fields; putting it last in GeoParquet too
    gives every format the same field order.
    """
    empty = [
        column
        for column in frame.columns
        if frame[column].dtype == object and frame[column].isna().all()
    ]
    frame = frame.astype(dict.fromkeys(empty, "str")) if empty else frame
    geometry = getattr(frame, "_geometry_column_name", None)
    if geometry is None:
        return frame
    return frame[[c for c in frame.columns if c != geometry] + [geometry]]


def _as_strings(metadata: dict[str, Any]) -> dict[str, str]:
    """GDAL metadata values are text: strings as they are, the rest as JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in metadata.items()
        if value is not None
    }
