"""Compare modelled round trips with published measured ones (tests/real_world/measured_rtt.toml).

Prints, for each pair, the route km city to city, the modelled RTT and the ratio to the
measured RTT; then the median and spread of the ratios for the fit and check sets, and
the path inflation that would make the fit set's median ratio exactly 1.

    python benchmarks/calibrate_latency.py [--data ../shared/data/open-undersea-cable-map]
"""

from __future__ import annotations

import argparse
import statistics
import tomllib
from pathlib import Path

from cablemap.analysis.points import Point, point_to_point_km
from cablemap.dataset.load import load_dataset
from cablemap.network import calibration
from cablemap.network.graph import build_network

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "tests" / "real_world" / "measured_rtt.toml"


def modelled(network, pairs):
    rows = []
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        km = point_to_point_km(
            network, Point(a["lon"], a["lat"], a["iso2"]), Point(b["lon"], b["lat"], b["iso2"])
        )
        rows.append((pair, km))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/open-undersea-cable-map"))
    args = parser.parse_args()
    network = build_network(load_dataset(args.data))
    pairs = tomllib.loads(FACTS.read_text())["pair"]
    rows = modelled(network, pairs)
    ratios: dict[str, list[float]] = {"fit": [], "check": []}
    propagation = []
    for pair, km in rows:
        if km is None:
            print(f"{pair['a']['city']} - {pair['b']['city']}: no route")
            continue
        rtt = calibration.round_trip_ms(km)
        ratio = rtt / pair["rtt_ms"]
        ratios[pair["set"]].append(ratio)
        if pair["set"] == "fit":
            propagation.append(
                (pair["rtt_ms"] - calibration.RTT_EQUIPMENT_MS)
                / (2 * km / calibration.FIBRE_KM_PER_MS)
            )
        print(
            f"{pair['kind']:8} {pair['a']['city'][:30]:30} {pair['b']['city'][:30]:30} "
            f"{km:8.0f} km  model {rtt:6.1f} ms  measured {pair['rtt_ms']:6.1f}  ratio {ratio:.2f}"
        )
    for name, values in ratios.items():
        q = statistics.quantiles(values, n=10)
        print(
            f"{name}: {len(values)} pairs, median ratio {statistics.median(values):.3f}, "
            f"p10 {q[0]:.2f}, p90 {q[-1]:.2f}, min {min(values):.2f}, max {max(values):.2f}"
        )
    print(
        f"path inflation that makes the fit median 1: {statistics.median(propagation):.3f} "
        f"(in use: {calibration.RTT_PATH_INFLATION})"
    )


if __name__ == "__main__":
    main()
