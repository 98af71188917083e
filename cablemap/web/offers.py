"""The files each page offers for download, by name, with their media types."""

from __future__ import annotations

ROUTE_FILES = {
    "report.html": "text/html; charset=utf-8",
    "report-md.zip": "application/zip",
    "route.png": "image/png",
    "route.svg": "image/svg+xml",
    "routes.gpkg": "application/geopackage+sqlite3",
    "routes.csv": "text/csv; charset=utf-8",
    "route.json": "application/json",
    "route.geojson": "application/geo+json",
}
"""What the route page offers, by file name."""
COUNTRY_FILES = {"country.json": "application/json", "country.csv": "text/csv; charset=utf-8"}
CARRIER_FILES = {"carrier.json": "application/json"}
STATION_FILES = {
    "stations.csv": "text/csv; charset=utf-8",
    "stations.json": "application/json",
    "stations.geojson": "application/geo+json",
}
WORLD_FILES = {
    "world.html": "text/html; charset=utf-8",
    "world.png": "image/png",
    "world.svg": "image/svg+xml",
}
