"""Outputs: text tables, GeoJSON (and later maps, images and reports)."""
