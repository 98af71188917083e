"""Rebuild docs/images/gis-export.png: export the open snapshot to a GeoPackage, draw it.

Run from the repository root: ``python benchmarks/gis_screenshot.py``. It reads the real
snapshot in ``../shared/data`` and writes the export to a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pyogrio

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "open-undersea-cable-map"
IMAGE = REPO / "docs" / "images" / "gis-export.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "model.gpkg"
        subprocess.run(
            [sys.executable, "-m", "cablemap", "--data", str(DATA), "export", "-o", str(path),
             "--policy", "clean-network-2020", "--route", "United States", "Japan"],
            check=True,
        )  # fmt: skip
        layers = {
            n: pyogrio.read_dataframe(path, layer=n) for n in ("segments", "stations", "routes")
        }
    segments, stations, routes = layers["segments"], layers["stations"], layers["routes"]
    fig, ax = plt.subplots(figsize=(15, 6.6), dpi=100)
    segments[~segments.flagged].plot(ax=ax, color="#4a78b5", linewidth=0.5)
    segments[segments.flagged].plot(ax=ax, color="#d62728", linewidth=0.7)
    routes.plot(ax=ax, color="black", linewidth=2.2)
    clean = stations[stations.flagged_cables == 0]
    clean.plot(ax=ax, color="white", edgecolor="#555", markersize=4, linewidth=0.3)
    risky = stations[stations.flagged_cables > 0]
    risky.plot(ax=ax, color="#d62728", markersize=4 + 40 * risky.exposure, alpha=0.7)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_aspect("equal")
    ax.set_title(
        "model.gpkg drawn with geopandas: segments flagged by clean-network-2020 (red), "
        "US-Japan routes (black), stations by exposure",
        fontsize=11,
    )
    ax.text(
        -179, -58, "Cable data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0)", fontsize=9
    )
    fig.tight_layout()
    fig.savefig(IMAGE)
    print(f"wrote {IMAGE}")


if __name__ == "__main__":
    main()
