"""Static images: route and risk figures on the real snapshot, saving, hostile names."""

from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from cablemap.analysis.query import trace_routes
from cablemap.errors import UnknownPlaceError, UserError
from cablemap.policy.flags import policy_flags
from cablemap.render.static import (
    PNG_DPI,
    WORLD_LATITUDES,
    central_longitude,
    figure_bytes,
    into_window,
    load_basemap,
    merge_nearby,
    risk_figure,
    route_figure,
    save_figure,
    short_cable,
    short_name,
    world_centre,
    wrap_into,
)
from cablemap.render.static.frame import standard_parallel
from cablemap.render.static.status import OUT_OF_SERVICE
from cablemap.render.style import ALTERNATIVE_COLOURS, FLAGGED
from cablemap.resources import geodata_dir

PIXELS = (1500, 900)
HOSTILE = "Gamma $x^{2}$ \\frac $5 \\frac{$ <script>alert(\"x\")</script> & 'Strait'"
"""A cable name that mathtext would render as math, or fail on (``\\frac{`` unclosed)."""


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def us_japan(network):
    report = trace_routes(network, "United States", "Japan", k=3, policy="clean-network-2020")
    assert report.routes[0].flagged  # JUS, under clean-network-2020
    assert not report.routes[1].flagged
    return report


def pixels_of(image: Image.Image, colour: str, tolerance: int = 12) -> np.ndarray:
    """Boolean mask of the pixels within ``tolerance`` (per channel) of ``colour``."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    target = np.array(to_rgb(colour)) * 255
    return np.abs(rgb - target).max(axis=2) <= tolerance


def distinct_colours(image: Image.Image) -> int:
    return len(image.convert("RGB").getcolors(maxcolors=1 << 24))


# --------------------------------------------------------------------------- route images


def test_route_png_is_sized_coloured_and_whole_across_the_pacific(network, us_japan, tmp_path):
    fig = route_figure(us_japan, network)
    ax = fig.axes[0]
    west, east = ax.get_xlim()
    assert east - west < 180  # centred on the routes, not a world map
    turns = np.arange(np.ceil((west - 180) / 360), np.floor((east - 180) / 360) + 1)
    assert len(turns) == 1  # the antimeridian lies inside the window...
    meridian = 180 + 360 * turns[0]
    x_pixel, _ = ax.transData.transform((meridian, 30.0))
    assert 0.2 * PIXELS[0] < x_pixel < 0.8 * PIXELS[0]  # ...well inside the image
    texts = {t.get_text() for t in fig.findobj(Text)}
    best = us_japan.routes[0]
    policy = us_japan.policy
    assert f"United States to Japan under {policy.name}, as of {policy.as_of}" in texts
    assert any(
        t.startswith(f"3 routes, best {best.km:,.0f} km, {best.latency_ms:.1f} ms one way")
        for t in texts
    )
    assert not any("->" in t or "clean-network-2020" in t for t in texts)
    assert {"Makaha", "Shima"} <= texts
    path = save_figure(fig, tmp_path / "us-jp.png")
    with Image.open(path) as image:
        assert image.size == PIXELS
        assert image.info["dpi"] == pytest.approx((PNG_DPI, PNG_DPI), abs=0.01)
        assert distinct_colours(image) > 500
        red = pixels_of(image, FLAGGED)
        assert red.sum() > 2000  # route 1 (JUS) is flagged
        assert pixels_of(image, ALTERNATIVE_COLOURS[1]).sum() > 1000  # route 2, clean
        column = red[:, int(x_pixel) - 3 : int(x_pixel) + 4]
        assert column.any()  # JUS crosses 180 degrees in the middle of the image


def test_route_svg_is_well_formed(network, us_japan, tmp_path):
    path = save_figure(route_figure(us_japan, network), tmp_path / "us-jp.SVG")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert root.get("width") == "540pt"  # 7.5 in
    text = path.read_text(encoding="utf-8")
    assert "<dc:date>" not in text  # no timestamp: same input, same file


def test_station_ends_are_named_and_every_text_fits_the_page(network):
    report = trace_routes(network, "makaha-hi-united-states", "shima-japan")
    fig = route_figure(report, network)
    texts = [t.get_text() for t in fig.texts]
    km = report.routes[0].km
    assert "Makaha, HI, United States to Shima, Japan" in texts  # no policy, no "under"
    assert any(t.startswith(f"1 route, best {km:,.0f} km") for t in texts)
    renderer = fig.canvas.get_renderer()
    for text in fig.texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= PIXELS[0]


def test_figure_bytes_keeps_the_figure_open(network, us_japan):
    fig = route_figure(us_japan, network)
    svg = figure_bytes(fig, "svg")
    assert svg.lstrip().startswith(b"<?xml")
    png = figure_bytes(fig, "png", compact=True)
    assert png.startswith(b"\x89PNG") and len(png) < 400_000
    assert fig.axes  # still drawable
    with pytest.raises(UserError, match="png, svg"):
        figure_bytes(fig, "jpeg")


def test_route_with_backhaul_and_many_cables(network, tmp_path):
    report = trace_routes(network, "GB", "SG", k=3, policy="clean-network-2020")
    assert any(hop.kind == "backhaul" for hop in report.routes[0].hops)
    fig = route_figure(report, network)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Assumed terrestrial link (backhaul, border)" in legend
    assert all(len(label) < 90 for label in legend)
    with Image.open(save_figure(fig, tmp_path / "gb-sg.png")) as image:
        assert pixels_of(image, FLAGGED).sum() > 1000


def test_route_without_policy_has_no_flagged_red(network, tmp_path):
    report = trace_routes(network, "Australia", "United States", k=2)
    fig = route_figure(report, network)
    west, east = fig.axes[0].get_xlim()
    assert east - west < 180
    with Image.open(save_figure(fig, tmp_path / "au-us.png")) as image:
        assert pixels_of(image, FLAGGED, tolerance=4).sum() == 0
        assert pixels_of(image, ALTERNATIVE_COLOURS[0]).sum() > 1000


def test_pairs_are_said_in_words_in_the_table_and_the_repr(network, us_japan):
    from cablemap.render.text import route_table

    first = route_table(us_japan, network).splitlines()[0]
    assert first.startswith("United States (US) to Japan (JP); cables in service now")
    assert repr(us_japan).startswith("<RouteReport United States to Japan: 3 routes")
    assert "->" not in first and "->" not in repr(us_japan)


def route_end_points(ax, report, network):
    """Display coordinates of every drawn route's two end stations."""
    centre = sum(ax.get_xlim()) / 2
    ends = {s for r in report.routes for s in (r.hops[0].from_station, r.hops[-1].to_station)}
    lons = wrap_into(np.array([network.stations[s].lon for s in ends]), centre)
    lats = np.array([network.stations[s].lat for s in ends])
    return ends, ax.transData.transform(np.column_stack([lons, lats]))


@pytest.mark.parametrize(
    ("origin", "destination", "end"),
    [("Philippines", "United States", "davao-philippines"), ("United States", "Japan", None)],
)
def test_legend_covers_no_route_end_and_uses_short_names(network, origin, destination, end):
    report = trace_routes(network, origin, destination, k=3, policy="clean-network-2020")
    fig = route_figure(report, network)
    ax = fig.axes[0]
    legend = ax.get_legend()
    box = legend.get_window_extent(fig.canvas.get_renderer())
    ends, points = route_end_points(ax, report, network)
    assert end is None or end in ends  # SEA-US lands at Davao, in the south-west
    for x, y in points:
        assert not box.contains(x, y)
    frame = ax.get_window_extent(fig.canvas.get_renderer())
    assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
    labels = [t.get_text() for t in legend.get_texts()]
    long_names = {h.cable_name for r in report.routes for h in r.hops if h.kind == "cable"}
    assert not any(name in label for name in long_names if len(name) > 20 for label in labels)
    if origin == "Philippines":
        assert any(label.startswith("2  AAG: ") for label in labels)
        assert not any("Gatewa" in label for label in labels)
    texts = {t.get_text() for t in fig.findobj(Text)}
    assert {"Davao", "El Segundo"} <= texts if end else {"Makaha", "Shima"} <= texts


def test_planned_cables_are_dashed_and_cables_out_of_service_dotted(network):
    report = trace_routes(network, "Philippines", "United States", k=3, include_planned=True)
    planned = [
        h.cable_id
        for r in report.routes
        for h in r.hops
        if h.kind == "cable"
        if network.cables[h.cable_id].planned
    ]
    assert "bifrost" in planned  # planned in the data (RFS 2024)
    fig = route_figure(report, network)
    ax = fig.axes[0]
    route_colours = [to_rgba(c) for c in (*ALTERNATIVE_COLOURS[:3], FLAGGED)]
    route_lines = [
        c
        for c in ax.collections
        if isinstance(c, LineCollection)
        and any(np.allclose(c.get_colors()[0], colour) for colour in route_colours)
    ]
    dashed = [c for c in route_lines if c.get_linestyle()[0][1]]
    solid = [c for c in route_lines if not c.get_linestyle()[0][1]]
    assert dashed and solid  # the planned cable is drawn unlike the cables in service
    assert sum(len(c.get_segments()) for c in dashed) < sum(len(c.get_segments()) for c in solid)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Planned cable (dashed)" in labels
    assert "Planned or not in service (dotted)" in labels  # retired, planned ones in view
    grey = [
        c
        for c in ax.collections
        if isinstance(c, LineCollection)
        and np.allclose(c.get_colors()[0][:3], to_rgb(OUT_OF_SERVICE))
    ]
    assert grey and len(grey[0].get_segments()) > 0 and grey[0].get_linestyle()[0][1]


# --------------------------------------------------------------------------- risk images


def test_risk_world_png(network, tmp_path):
    from cablemap.policy.rules import load_policy

    flags = policy_flags(network, load_policy("clean-network-2020"))
    fig = risk_figure(network, flags)
    west, east = fig.axes[0].get_xlim()
    assert east - west == pytest.approx(360)
    path = save_figure(fig, tmp_path / "world.png", compact=True)
    assert path.stat().st_size < 400_000
    with Image.open(path) as image:
        assert image.size == PIXELS
        assert pixels_of(image, FLAGGED, tolerance=20).sum() > 5000
        assert distinct_colours(image) > 50


def test_risk_country_frames_its_stations(network, tmp_path):
    from cablemap.policy.rules import load_policy

    flags = policy_flags(network, load_policy("clean-network-2020"))
    fig = risk_figure(network, flags, country="jp")
    (west, east), (south, north) = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    assert west < 127 and east > 146 and south < 24 and north > 45  # Okinawa to Hokkaido
    assert east - west < 90
    assert save_figure(fig, tmp_path / "jp.svg").stat().st_size > 0
    with pytest.raises(UnknownPlaceError):
        risk_figure(network, flags, country="Atlantis")


def test_world_frame_leaves_out_antarctica_and_fills_the_page(network):
    from cablemap.policy.rules import load_policy

    policy = load_policy("clean-network-2020")
    fig = risk_figure(network, policy_flags(network, policy))
    ax = fig.axes[0]
    assert ax.get_ylim() == pytest.approx(WORLD_LATITUDES)
    assert WORLD_LATITUDES[0] >= -60 and WORLD_LATITUDES[1] <= 80  # no Antarctica
    lats = [s.lat for s in network.stations.values()]
    assert WORLD_LATITUDES[0] < min(lats) and max(lats) < WORLD_LATITUDES[1]
    assert 35 < standard_parallel(ax) < 45  # equirectangular, standard parallels near 40°
    frame = ax.get_window_extent(fig.canvas.get_renderer())
    assert frame.width > 0.9 * PIXELS[0] and frame.height > 0.75 * PIXELS[1]
    texts = [t.get_text() for t in fig.texts]
    assert f"Cables and landing stations flagged under {policy.name}, as of {policy.as_of}" in texts
    assert not any("->" in t or policy.id in t for t in texts)


def test_world_dots_stay_apart_in_east_asia(network):
    from cablemap.policy.rules import load_policy

    fig = risk_figure(network, policy_flags(network, load_policy("clean-network-2020")))
    ax = fig.axes[0]
    dots = next(
        c for c in ax.collections if isinstance(c, PathCollection) and c.get_sizes().size > 100
    )
    red = np.all(np.isclose(dots.get_facecolors()[:, :3], to_rgb(FLAGGED), atol=0.01), axis=1)
    centres = ax.transData.transform(dots.get_offsets())[red]
    radius = np.sqrt(dots.get_sizes()[red]) / 2 * fig.dpi / 72  # pixels
    gaps = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    touching = gaps < (radius[:, None] + radius[None, :]) * 0.99
    np.fill_diagonal(touching, False)
    assert not touching.any()  # no two flagged dots overlap
    lon, lat = ax.transData.inverted().transform(centres).T
    east_asia = (lon > 100) & (lon < 150) & (lat > 0) & (lat < 45)
    assert east_asia.sum() >= 20  # still a dot per place (27 in the open snapshot), no blob


def test_risk_with_planned_cables_draws_them_dashed(network):
    from cablemap.policy.rules import load_policy

    flags = policy_flags(network, load_policy("clean-network-2020"))
    fig = risk_figure(network, flags, country="PH", include_planned=True)
    ax = fig.axes[0]
    lines = [c for c in ax.collections if isinstance(c, LineCollection) and len(c.get_segments())]
    dashed = [c for c in lines if c.get_linestyle()[0][1] and c.get_colors()[0][2] > 0.5]
    assert any(not c.get_linestyle()[0][1] for c in lines)  # cables in service: solid
    assert dashed  # Bifrost and other planned cables into the Philippines
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Planned cable (dashed)" in labels


# --------------------------------------------------------------------------- saving


def small_figure() -> Figure:
    fig = Figure(figsize=(2, 1))
    fig.add_axes((0, 0, 1, 1)).plot([0, 1], [0, 1])
    return fig


@pytest.mark.parametrize("name", ["map.jpg", "map", "map.png.txt", "map.pdf"])
def test_bad_suffix_is_refused(tmp_path, name):
    target = tmp_path / name
    with pytest.raises(UserError) as caught:
        save_figure(small_figure(), target)
    message = str(caught.value)
    assert str(target) in message and ".png, .svg" in message
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_no_file_and_keeps_an_existing_one(tmp_path, monkeypatch):
    def fail(path, **options):
        Path(path).write_bytes(b"half an image")
        raise RuntimeError("disk full")

    existing = tmp_path / "kept.png"
    existing.write_bytes(b"the old image")
    for target in (existing, tmp_path / "new.svg"):
        fig = small_figure()
        monkeypatch.setattr(fig, "savefig", fail)
        with pytest.raises(RuntimeError, match="disk full"):
            save_figure(fig, target)
    assert existing.read_bytes() == b"the old image"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.png"]


def test_save_replaces_an_existing_file_and_compact_uses_a_palette(tmp_path):
    target = tmp_path / "plot.png"
    target.write_bytes(b"old")
    save_figure(small_figure(), target)
    with Image.open(target) as image:
        assert image.mode == "RGBA"
    save_figure(small_figure(), target, compact=True)
    with Image.open(target) as image:
        assert image.mode == "P"
        assert "cablemap" in image.info["Software"]
        assert "Natural Earth" in image.info["Copyright"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.png"]


def test_missing_directory_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        save_figure(small_figure(), tmp_path / "nowhere" / "map.png")


# --------------------------------------------------------------------------- hostile names


def make_hostile(root: Path) -> None:
    """Put mathtext and TeX syntax into the fixture's already hostile cable name."""
    for name in ("cable/all.json", "cable/gamma-strait.json"):
        path = root / name
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data if isinstance(data, list) else [data]:
            if record["id"] == "gamma-strait":
                record["name"] = HOSTILE
        path.write_text(json.dumps(data), encoding="utf-8")


def test_hostile_names_render_as_plain_text(mini_root, tmp_path):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.policy.rules import load_policy

    make_hostile(mini_root)
    network = build_network(load_dataset(mini_root))
    report = trace_routes(network, "China", "Taiwan", policy="clean-network-2020")
    assert report.routes[0].hops[0].cable_name == HOSTILE
    fig = route_figure(report, network)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith("1  Gamma $x^{2}$ \\frac") for label in legend)
    assert not any(t.get_parse_math() for t in fig.findobj(Text) if "$" in t.get_text())
    svg = save_figure(route_figure(report, network), tmp_path / "route.svg")
    assert "<script" not in svg.read_text(encoding="utf-8")
    with Image.open(save_figure(fig, tmp_path / "route.png")) as image:
        assert pixels_of(image, FLAGGED).sum() > 500  # lands in China: flagged
    flags = policy_flags(network, load_policy("clean-network-2020"))
    save_figure(risk_figure(network, flags), tmp_path / "risk.png")
    save_figure(risk_figure(network, flags, country="China"), tmp_path / "risk-cn.svg")


def test_route_across_the_antimeridian_on_the_fixture(mini_root, tmp_path):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    network = build_network(load_dataset(mini_root))
    fig = route_figure(trace_routes(network, "Japan", "United States"), network)
    west, east = fig.axes[0].get_xlim()
    assert east - west < 180
    mid = (west + east) / 2
    chikura, los_angeles = (
        wrap_into(network.stations[s].lon, mid)
        for s in ("chikura-japan", "los-angeles-ca-united-states")
    )
    assert west < chikura < wrap_into(180.0, mid) < los_angeles < east  # whole, in order


# --------------------------------------------------------------------------- geometry


def test_central_longitude_puts_the_seam_in_the_widest_gap():
    assert central_longitude([170.0, -170.0]) == pytest.approx(-180.0)
    assert central_longitude([-10.0, 10.0]) == pytest.approx(0.0)
    assert central_longitude([139.0, 200.0, -122.0]) == pytest.approx(-171.5)
    assert central_longitude([]) == 0.0


def test_into_window_cuts_at_the_seam_only():
    line = shapely.LineString([(170, 0), (190, 10)])  # unwrapped across 180
    whole, owners = into_window(np.array([line]), 180.0)
    assert len(whole) == 1 and owners.tolist() == [0]
    assert shapely.get_coordinates(whole[0])[:, 0].tolist() == [170, 190]
    cut, owners = into_window(np.array([line]), 0.0)
    assert owners.tolist() == [0, 0]
    xs = np.concatenate([shapely.get_coordinates(g)[:, 0] for g in cut])
    assert xs.min() >= -180 and xs.max() <= 180
    assert sum(shapely.length(g) for g in cut) == pytest.approx(shapely.length(line))


def test_world_centre_avoids_cutting_continents():
    lines = np.array([shapely.LineString([(-10, 0), (10, 0)])])
    centre = world_centre(lines)
    assert abs(centre) < 60  # the seam goes through the Pacific, not Europe or Africa


def test_short_names():
    assert short_name("Makaha, HI, United States") == "Makaha"
    assert short_name("A very long station name without commas") == "A very long station n…"
    assert short_cable("Japan-U.S. Cable Network (JUS)") == "JUS"
    assert short_cable("Middle East North Africa (MENA) Cable System") == "MENA"
    assert short_cable("Asia-America Gateway (AAG) Cable System") == "AAG"  # not at the end
    assert short_cable("HICS (Hawaii Inter-Island Cable System)") == "HICS"
    assert short_cable("Alaska United East (AU-East)") == "AU-East"
    # a bracket that tells two cables apart is no abbreviation
    assert short_cable("Pan European Crossing (UK-Belgium)") == "Pan European…"
    # a clean cut: generic words first, then at a word, keeping a final number
    assert short_cable("Bharat Lanka Cable System") == "Bharat Lanka"
    assert short_cable("Scotland-Northern Ireland 1") == "Scotland-Northern… 1"
    assert short_cable("Scotland-Northern Ireland 4") == "Scotland-Northern… 4"


def test_merge_nearby_keeps_the_first_by_priority_and_spaces_kept_points():
    points = np.array([[0.0, 0.0], [3.0, 0.0], [20.0, 0.0], [24.0, 0.0], [100.0, 0.0]])
    owner = merge_nearby(points, np.array([0.2, 0.9, 0.5, 0.5, 0.1]), spacing=5.0)
    assert owner.tolist() == [1, 1, 2, 2, 4]  # the higher priority stands for its neighbour
    kept = points[owner == np.arange(len(points))]
    gaps = np.hypot(*(kept[:, None, :] - kept[None, :, :]).transpose(2, 0, 1))
    assert gaps[~np.eye(len(kept), dtype=bool)].min() >= 5.0


# --------------------------------------------------------------------------- basemap


def test_basemap_is_small_valid_and_rounded():
    path = geodata_dir() / "basemap" / "ne_110m_countries.geojson"
    assert path.stat().st_size < 250_000
    basemap = load_basemap()
    assert len(basemap.names) == 177
    assert shapely.is_valid(basemap.geometries).all()
    coords = shapely.get_coordinates(basemap.geometries)
    assert np.allclose(coords, np.round(coords, 3))
    assert {"JP", "US", "FR", "NO", "TW"} <= set(basemap.iso2)


def test_basemap_regenerates_identically(tmp_path, monkeypatch):
    script = geodata_dir() / "basemap" / "make_basemap.py"
    spec = importlib.util.spec_from_file_location("make_basemap", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.SOURCE.is_file():
        pytest.skip("pyogrio's Natural Earth fixture is not installed")
    monkeypatch.setattr(module, "TARGET", tmp_path / "out.geojson")
    module.main()
    assert (tmp_path / "out.geojson").read_bytes() == script.with_name(
        "ne_110m_countries.geojson"
    ).read_bytes()
