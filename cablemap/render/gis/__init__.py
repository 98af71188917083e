"""GIS export of the model: cables, segments, stations, terrestrial links, flags, routes.

- :func:`export_layers` builds the layers (GeoDataFrames valid in EPSG:4326, one
  geometry type each, lines cut at the antimeridian; ``flags`` is a table) with their
  metadata (source, data date, snapshot, policy, attribution).
- :func:`write_export` writes them as one GeoPackage (``.gpkg``), or as a folder of one
  GeoParquet (``.parquet``) or GeoJSON (``.geojson``) file per layer, with the same
  field names and types in every format; see ``docs/gis.md``.
"""

from cablemap.render.gis.build import GisExport, export_layers
from cablemap.render.gis.write import FORMATS, check_export_path, write_export

__all__ = ["FORMATS", "GisExport", "check_export_path", "export_layers", "write_export"]
