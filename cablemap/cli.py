"""The command line: a thin layer over the public API, with no logic of its own.

Every error the user can cause ends as one line on stderr and a distinct exit status
(see :mod:`cablemap.errors`), never a traceback. Heavy libraries are imported inside the
commands that need them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from cablemap import __version__
from cablemap.errors import INTERRUPTED_EXIT_CODE, CablemapError

FORMAT = click.Choice(["table", "json"])


def reject_empty(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """Refuse an option or argument given as the empty string, before anything runs.

    ``--data ""`` would otherwise mean the current directory, ``--source ""`` the
    default source and ``--countries ""`` every country: a typo or an unset shell
    variable must not silently change the question.

    Raises
    ------
    UserError
        Naming the option (or argument) that is empty.
    """
    from cablemap.errors import UserError

    opts, _, _ = command.make_parser(ctx).parse_args(args=list(args))
    for param in command.get_params(ctx):
        value = opts.get(param.name) if param.name else None
        values = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, str) and not v.strip() for v in values):
            if isinstance(param, click.Option):
                name = max(param.opts, key=len)
            else:
                name = param.human_readable_name
            raise UserError(f"{name} is empty; give a value or leave it out")


class StrictCommand(click.Command):
    """A command that refuses empty-string options and arguments (see :func:`reject_empty`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Check for empty values, then parse as click does."""
        reject_empty(self, ctx, args)
        return super().parse_args(ctx, args)


class StrictGroup(click.Group):
    """A group whose options, commands and subgroups refuse empty-string values."""

    command_class = StrictCommand
    group_class = type

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Check for empty values, then parse as click does."""
        reject_empty(self, ctx, args)
        return super().parse_args(ctx, args)


class Context:
    """What the global options decided, handed to every command."""

    def __init__(
        self,
        data: Path | None,
        strict: bool,
        quiet: bool,
        snapshot: str | None = None,
        overlays: tuple[str, ...] = (),
    ) -> None:
        self.data = data
        self.strict = strict
        self.quiet = quiet
        self.snapshot = snapshot
        self.overlays = overlays

    def settings(self) -> Any:
        """Settings from the environment with the global options applied."""
        from cablemap.config import settings_from_env

        return settings_from_env(
            data_path=self.data, snapshot_id=self.snapshot, overlays=self.overlays or None
        )

    def report_warnings(self, warnings: Sequence[Any]) -> None:
        """Print a count of skipped records, by kind, and the first one, to stderr."""
        if self.quiet or not warnings:
            return
        kinds: dict[str, int] = {}
        for warning in warnings:
            kinds[warning.kind] = kinds.get(warning.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        echo(
            f"cablemap: warning: {len(warnings)} records skipped ({summary}); first: {warnings[0]}",
            err=True,
        )


pass_context = click.make_pass_decorator(Context)


def echo(text: str, *, err: bool = False) -> None:
    """Print ``text`` (which may hold names from the data) without terminal controls.

    Escape sequences and control characters are removed (newlines and tabs kept), so a
    hostile name cannot recolour the terminal, move the cursor or set its title. JSON
    output is unchanged: :func:`json.dumps` already escapes every control character.
    """
    from cablemap.sanitize import terminal_text

    click.echo(terminal_text(text), err=err)


def policy_option(help_text: str, *, required: bool = False) -> Any:
    """``--policy NAME|FILE`` (a shipped policy name or a TOML file) and ``--policy-date``."""
    option = click.option(
        "--policy", required=required, default=None, metavar="NAME|FILE", help=help_text
    )

    def decorate(function: Any) -> Any:
        return option(policy_date_option()(function))

    return decorate


def policy_date_option() -> Any:
    """``--policy-date YYYY-MM-DD``: the date a policy is evaluated on (default today, UTC)."""
    return click.option(
        "--policy-date",
        "policy_date",
        default=None,
        metavar="YYYY-MM-DD",
        help="Evaluate the policy as of this date: rules, Covered List entries and stakes "
        "in force then (default: today, UTC).",
    )


def _policy(name: str | None, policy_date: str | None) -> Any:
    """The policy ``--policy`` names, evaluated on ``--policy-date``; ``None`` without one."""
    from cablemap.policy.dates import parse_policy_date

    when = parse_policy_date(policy_date)
    if name is None:
        if policy_date is not None:
            from cablemap.errors import UserError

            raise UserError("--policy-date needs --policy (the date of which policy?)")
        return None
    from cablemap.policy.rules import load_policy

    return load_policy(name, as_of=when)


def output_option(help_text: str) -> Any:
    """``-o/--output FILE``, required."""
    return click.option(
        "-o", "--output", "output", type=click.Path(path_type=Path), required=True, help=help_text
    )


def image_option(help_text: str) -> Any:
    """``--image FILE.png|FILE.svg``."""
    return click.option(
        "--image", "image_path", type=click.Path(path_type=Path), default=None, help=help_text
    )


def filter_options(command: Any) -> Any:
    """``--as-of``, ``--include-planned``, ``--include-status``, ``--terrestrial``."""
    command = click.option(
        "--terrestrial",
        type=click.Choice(["none", "domestic", "borders"]),
        default="borders",
        show_default=True,
        help="Assumed terrestrial links routes may use: none, backhaul inside a country, "
        "or also across land borders.",
    )(command)
    command = click.option(
        "--include-status",
        multiple=True,
        type=click.Choice(
            ["retired", "military", "non-commercial", "occupied-territory", "cancelled"]
        ),
        help="Also route over cables of this status-overlay kind (repeatable).",
    )(command)
    command = click.option(
        "--include-planned", is_flag=True, help="Also use cables marked planned."
    )(command)
    return click.option(
        "--as-of",
        type=click.IntRange(1850, 2100),
        default=None,
        help="Use cables in service in this year [default: this year].",
    )(command)


def cut_options(command: Any) -> Any:
    """``--cut``, ``--cut-near``, ``--cut-in`` and ``--change-cost``."""
    command = click.option(
        "--change-cost",
        type=click.FloatRange(0, 100_000),
        default=300.0,
        show_default=True,
        metavar="KM",
        help="Km charged for every cable boarded and every land border crossed.",
    )(command)
    return cut_only_options(command)


def cut_only_options(command: Any) -> Any:
    """``--cut``, ``--cut-near``, ``--cut-in``: what fails."""
    command = click.option(
        "--cut-in",
        multiple=True,
        metavar="REGION",
        help="Cut every segment crossing a named region (red-sea, luzon-strait, ...) or "
        "the polygons of a .geojson file (repeatable).",
    )(command)
    command = click.option(
        "--cut-near",
        multiple=True,
        metavar="LON,LAT[,KM]",
        help="Cut every segment within KM (default 50) of a point (repeatable).",
    )(command)
    return click.option(
        "--cut",
        multiple=True,
        metavar="CABLE[:N]",
        help="Cut a cable (id, name or abbreviation) or one segment CABLE:N (repeatable).",
    )(command)


def map_options(command: Any) -> Any:
    """``--self-contained`` and ``--embed`` for map files."""
    command = click.option(
        "--embed", is_flag=True, help="Write an HTML fragment to paste into a page."
    )(command)
    return click.option(
        "--self-contained",
        is_flag=True,
        help="Needs no network to display (scripts and styles inlined).",
    )(command)


@click.group(cls=StrictGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cablemap")
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    envvar="CABLEMAP_DATA",
    help="Load this v3/v2 directory or .zip/.tar.gz directly (no import). Env: CABLEMAP_DATA.",
)
@click.option(
    "--snapshot",
    metavar="ID",
    default=None,
    help="Answer from this stored snapshot (`data list` shows them); the current one stays.",
)
@click.option(
    "--overlay",
    "overlays",
    multiple=True,
    metavar="FILE|NAME",
    help="Lay this overlay (a TOML file, or a shipped one's name) over the data (repeatable; "
    "after those stored with `data overlay add`). Env: CABLEMAP_OVERLAY.",
)
@click.option("--strict", is_flag=True, help="Fail on any bad record instead of skipping it.")
@click.option("-q", "--quiet", is_flag=True, help="Do not print warnings.")
@click.pass_context
def cli(
    ctx: click.Context,
    data: Path | None,
    snapshot: str | None,
    overlays: tuple[str, ...],
    strict: bool,
    quiet: bool,
) -> None:
    """Map undersea cables, their landing stations and the carriers behind them."""
    from cablemap.config import check_data_choice

    check_data_choice(data, snapshot)  # one line now, before any command runs
    ctx.obj = Context(data, strict, quiet, snapshot, overlays)


@cli.group()
def data() -> None:
    """Fetch, import, list and inspect data snapshots."""


@data.command("fetch")
@click.option(
    "--source",
    default=None,
    help="open (default), telegeography, an https:// root, a directory or an archive.",
)
@pass_context
def data_fetch(ctx: Context, source: str | None) -> None:
    """Download a source into a new snapshot and make it current."""
    from cablemap.fetch import fetch_snapshot

    result = fetch_snapshot(source, settings=ctx.settings())
    _report_fetch(ctx, result)


@data.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def data_import(ctx: Context, path: Path) -> None:
    """Store a local v3/v2 directory or archive as a new snapshot."""
    from cablemap.fetch import import_snapshot

    _report_fetch(ctx, import_snapshot(path, settings=ctx.settings()))


def _report_fetch(ctx: Context, result: Any) -> None:
    ctx.report_warnings(result.warnings)
    info = result.snapshot
    counts = info.counts
    state = "stored new snapshot" if result.changed else "unchanged; using stored snapshot"
    echo(
        f"{state} {info.id} ({info.manifest['layout']}, {counts['cables']} cables, "
        f"{counts['landing_points']} landing points) from {result.source.location}"
    )
    if result.revalidated:
        echo(f"{result.revalidated} files unchanged on the server (revalidated, not re-downloaded)")
    if result.source.terms:
        echo(f"terms: {result.source.terms}")


@data.command("list")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def data_list(ctx: Context, fmt: str) -> None:
    """List stored snapshots; the current one is marked with *."""
    from cablemap.snapshot import SnapshotStore

    store = SnapshotStore(ctx.settings().cache_dir)
    current = store.current_id()
    rows = [
        {
            "id": info.id,
            "current": info.id == current,
            "fetched_at": info.fetched_at,
            "layout": info.manifest["layout"],
            "source": info.manifest["source"]["name"] or info.manifest["source"]["location"],
            **info.counts,
        }
        for info in store.list()
    ]
    damaged = [{"id": d.id, "damaged": d.reason} for d in store.damaged()]
    if fmt == "json":
        echo(json.dumps(rows + damaged, indent=2))
    elif not rows and not damaged:
        echo("no snapshots yet: run `cablemap data fetch` or `cablemap data import PATH`")
    else:
        for row in rows:
            mark = "*" if row["current"] else " "
            echo(
                f"{mark} {row['id']}  {row['fetched_at']}  {row['layout']}  "
                f"{row['cables']} cables  {row['landing_points']} landing points  {row['source']}"
            )
        for bad in damaged:
            echo(f"! {bad['id']}  damaged: {bad['damaged']}")


@data.command("verify")
@click.argument("snapshot_id", required=False)
@pass_context
def data_verify(ctx: Context, snapshot_id: str | None) -> None:
    """Re-hash every file of SNAPSHOT_ID (default: all) against its manifest.

    Prints one line per problem and exits 3 if any snapshot is damaged.
    """
    from cablemap.errors import DataError
    from cablemap.snapshot import SnapshotStore

    store = SnapshotStore(ctx.settings().cache_dir)
    if snapshot_id is not None:
        damaged = {d.id: d.reason for d in store.damaged()}
        problems: list[str] = []
        if snapshot_id in damaged:  # reported like any damage: one line, exit 3
            infos, problems = [], [f"{snapshot_id}: {damaged[snapshot_id]}"]
        else:
            infos = [store.get(snapshot_id)]
    else:
        infos = store.list()
        problems = [f"{d.id}: {d.reason}" for d in store.damaged()]
    for info in infos:
        problems += store.verify(info)
    for line in problems:
        echo(line)
    if problems:
        raise DataError(
            f"{len(problems)} problems; fetch or import the source again to repair a snapshot, "
            "or `cablemap data remove ID`"
        )
    echo(f"{len(infos)} snapshots intact")


@data.command("remove")
@click.argument("snapshot_id")
@pass_context
def data_remove(ctx: Context, snapshot_id: str) -> None:
    """Delete the stored snapshot SNAPSHOT_ID (not the current one)."""
    from cablemap.snapshot import SnapshotStore

    SnapshotStore(ctx.settings().cache_dir).remove(snapshot_id)
    echo(f"removed snapshot {snapshot_id}")


@data.command("info")
@click.argument("snapshot_id", required=False)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def data_info(ctx: Context, snapshot_id: str | None, fmt: str) -> None:
    """Describe the data in use (or the snapshot SNAPSHOT_ID): source, time and counts."""
    info = _describe(ctx, snapshot_id)
    if fmt == "json":
        echo(json.dumps(info, indent=2))
        return
    echo(f"snapshot:        {info['snapshot']}")
    echo(f"source:          {info['source']['name'] or info['source']['location']}")
    echo(f"layout:          {info['layout']}")
    echo(f"fetched at:      {info['fetched_at'] or '(loaded directly, not stored)'}")
    for key, value in info["counts"].items():
        echo(f"{key.replace('_', ' ') + ':':<17}{value}")
    echo(f"records skipped: {info['warnings']['total']}")


def _describe(ctx: Context, snapshot_id: str | None) -> dict[str, Any]:
    from cablemap.snapshot import SnapshotStore

    settings = ctx.settings()
    snapshot_id = snapshot_id or settings.snapshot_id
    if snapshot_id is None and settings.data_path is None:
        store = SnapshotStore(settings.cache_dir)
        if store.current() is None:
            _load_raw(ctx)  # first use: fetches the default source
        snapshot = store.current()
        assert snapshot is not None
        snapshot_id = snapshot.id
    if snapshot_id is not None:
        manifest = SnapshotStore(settings.cache_dir).get(snapshot_id).manifest
        return {
            "snapshot": snapshot_id,
            **{k: manifest[k] for k in ("source", "layout", "fetched_at", "counts", "warnings")},
        }
    from cablemap.dataset.summary import summarize

    raw, label = _load_raw(ctx)
    summary = summarize(raw)
    location = str(Path(str(settings.data_path)).expanduser().resolve())
    kind = "directory" if Path(location).is_dir() else "archive"
    return {
        "snapshot": label,
        "source": {"kind": kind, "location": location, "name": None},
        "layout": raw.layout,
        "fetched_at": None,
        "counts": summary["counts"],
        "warnings": summary["warnings"],
    }


def _load_dataset(ctx: Context) -> Any:
    from cablemap.dataset.load import load_dataset

    dataset = load_dataset(settings=ctx.settings(), strict=ctx.strict)
    ctx.report_warnings(dataset.warnings)
    return dataset


def _load_network(ctx: Context) -> Any:
    """The network of the data in use: reloaded from the cache, or built and stored."""
    from cablemap.network.persist import load_or_build_network

    network = load_or_build_network(settings=ctx.settings(), strict=ctx.strict)
    ctx.report_warnings(network.warnings)
    note = network._memo.get("store-error")
    if note:
        echo(note, err=True)
    return network


def _load_raw(ctx: Context) -> Any:
    from cablemap.dataset.load import load_raw
    from cablemap.dataset.records import raise_if_any

    raw, label = load_raw(settings=ctx.settings())
    if ctx.strict:
        raise_if_any(raw.warnings)
    ctx.report_warnings(raw.warnings)
    return raw, label


@data.group("overlay")
def data_overlay() -> None:
    """Overlays: newer cables and ownership changes over the data, every record sourced."""


@data_overlay.command("add")
@click.argument("spec", metavar="FILE|NAME")
@pass_context
def data_overlay_add(ctx: Context, spec: str) -> None:
    """Check an overlay file (or a shipped one by NAME) and store it in the cache.

    Stored overlays apply to every command until removed.
    """
    from cablemap.dataset.overlay.store import add_overlay

    overlay = add_overlay(ctx.settings(), spec)
    echo(
        f"stored overlay {overlay.id} ({len(overlay.records)} records, "
        f"licences {', '.join(overlay.licences)}); it applies to every command until "
        f"`cablemap data overlay remove {overlay.id}`"
    )


@data_overlay.command("list")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def data_overlay_list(ctx: Context, fmt: str) -> None:
    """List the overlays in use (stored, then --overlay) and every record's source."""
    from cablemap.dataset.overlay.parse import read_overlay
    from cablemap.dataset.overlay.store import load_overlays, overlays_in_use
    from cablemap.render.overlays import overlay_list_text

    settings = ctx.settings()
    load_overlays(settings)  # every check (ids in use twice included) before listing
    entries = [(read_overlay(f.path), f.origin) for f in overlays_in_use(settings)]
    if fmt == "json":
        echo(json.dumps([{**o.as_dict(), "origin": how} for o, how in entries], indent=2))
    else:
        echo(overlay_list_text(entries))


@data_overlay.command("remove")
@click.argument("overlay_id", metavar="ID")
@pass_context
def data_overlay_remove(ctx: Context, overlay_id: str) -> None:
    """Delete the stored overlay ID."""
    from cablemap.dataset.overlay.store import remove_overlay

    remove_overlay(ctx.settings(), overlay_id)
    echo(f"removed overlay {overlay_id}")


@data.command("licences")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def data_licences(ctx: Context, fmt: str) -> None:
    """What you may do with an output made from the data and the overlays in use."""
    from cablemap.dataset.overlay.licences import BASE_LICENCE, LICENCES, combined_terms
    from cablemap.dataset.overlay.store import load_overlays
    from cablemap.render.overlays import licences_text

    overlays = load_overlays(ctx.settings())
    used = sorted({lic for o in overlays for lic in o.licences})
    terms = combined_terms(used)
    notes = [f"cable data: {BASE_LICENCE} ({LICENCES[BASE_LICENCE].url})"]
    notes += [f"overlay {o.id}: {', '.join(o.licences)} ({o.publisher})" for o in overlays]
    notes.append("This is a summary of the licences' conditions, not legal advice.")
    if fmt == "json":
        licences = [BASE_LICENCE, *[u for u in used if u != BASE_LICENCE]]
        payload = {
            "licences": [
                {"id": i, "name": LICENCES[i].name, "url": LICENCES[i].url} for i in licences
            ],
            "overlays": [{"id": o.id, "licences": list(o.licences)} for o in overlays],
            "terms": terms,
        }
        echo(json.dumps(payload, indent=2))
    else:
        echo(licences_text(terms, notes))


@data.command("use")
@click.argument("snapshot_id")
@pass_context
def data_use(ctx: Context, snapshot_id: str) -> None:
    """Make the stored snapshot SNAPSHOT_ID the current one."""
    from cablemap.snapshot import SnapshotStore

    info = SnapshotStore(ctx.settings().cache_dir).use(snapshot_id)
    echo(f"current snapshot: {info.id} (fetched {info.fetched_at})")


@data.command("diff")
@click.argument("before", metavar="A")
@click.argument("after", metavar="B")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@pass_context
def data_diff(ctx: Context, before: str, after: str, fmt: str) -> None:
    """What changed from A to B (stored snapshot ids, or v3/v2 directories or archives).

    Cables added and removed; for cables in both, changes of name, owners, suppliers, RFS
    year, planned flag, stated length and landing points; landing points added and removed.
    """
    from cablemap.analysis.diff import diff_datasets, load_side, resolve_side
    from cablemap.render.diff import diff_output

    settings = ctx.settings()
    for spec in (before, after):  # both checked before either is loaded
        resolve_side(spec, settings=settings)
    sides = []
    for spec in (before, after):
        dataset = load_side(spec, settings=settings, strict=ctx.strict)
        ctx.report_warnings(dataset.warnings)
        sides.append(dataset)
    echo(diff_output(diff_datasets(*sides), fmt))


@data.command("check")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def data_check(ctx: Context, fmt: str) -> None:
    """Check the topology rebuilt from the drawn geometry against the data."""
    from cablemap.network.checks import terrestrial_check, topology_check
    from cablemap.render.text import check_table

    network = _load_network(ctx)
    dataset = network.dataset
    figures = topology_check(network.topology, dataset)
    figures["terrestrial"] = terrestrial_check(network)
    if fmt == "json":
        echo(json.dumps({"snapshot": dataset.snapshot_id, **figures}, indent=2))
    else:
        echo(check_table(figures, dataset.snapshot_id))


@cli.command("route")
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option(
    "--k",
    "k",
    type=click.IntRange(1, 50),
    default=1,
    show_default=True,
    help="Up to K routes, each different in its main cables or transit countries.",
)
@click.option(
    "--resilience",
    is_flag=True,
    help="Count cable-disjoint routes; find the cables whose failure cuts the link.",
)
@click.option(
    "--avoid-cable",
    "avoid",
    multiple=True,
    metavar="ID",
    help="Do not use this cable (repeatable; the same as --cut CABLE).",
)
@cut_options
@filter_options
@policy_option("Mark the hops a policy flags (`cablemap policies` lists them).")
@click.option(
    "--avoid-flagged",
    is_flag=True,
    help="Only routes with no flagged hop; report the detour against the best route.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "geojson"]),
    default="table",
    show_default=True,
)
@click.option(
    "--map",
    "map_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write an interactive map (HTML) of the routes.",
)
@image_option("Also write a static image (.png or .svg) of the routes.")
@map_options
@pass_context
def route(
    ctx: Context,
    origin: str,
    destination: str,
    k: int,
    resilience: bool,
    avoid: tuple[str, ...],
    cut: tuple[str, ...],
    cut_near: tuple[str, ...],
    cut_in: tuple[str, ...],
    change_cost: float,
    as_of: int | None,
    include_planned: bool,
    terrestrial: str,
    include_status: tuple[str, ...],
    policy: str | None,
    policy_date: str | None,
    avoid_flagged: bool,
    fmt: str,
    map_path: Path | None,
    image_path: Path | None,
    self_contained: bool,
    embed: bool,
) -> None:
    """What connects two places: direct cables, cheapest routes, with a policy the clean one."""
    from cablemap.analysis.query import trace_routes
    from cablemap.files import check_output_path

    rules = _policy(policy, policy_date)
    if map_path is not None:
        check_output_path(map_path, (".html", ".htm"))
    if image_path is not None:
        check_output_path(image_path, (".png", ".svg"))
    network = _load_network(ctx)
    report = trace_routes(
        network,
        origin,
        destination,
        k=k,
        resilience=resilience,
        avoid_cables=avoid,
        cut=cut,
        cut_near=cut_near,
        cut_in=cut_in,
        change_cost=change_cost,
        as_of=as_of,
        include_planned=include_planned,
        terrestrial=terrestrial,
        include_status=include_status,
        policy=rules,
        avoid_flagged=avoid_flagged,
    )
    facts = _overlay_facts(ctx, report)
    if fmt == "json":
        answer = report.as_dict()
        if facts:
            answer["overlay_facts"] = [fact.as_dict() for fact in facts]
        echo(json.dumps(answer, indent=2))
    elif fmt == "geojson":
        from cablemap.render.geojson import route_geojson

        echo(json.dumps(route_geojson(report, network)))
    else:
        from cablemap.render.overlays import fact_lines
        from cablemap.render.text import route_table

        echo(route_table(report, network, notes=fact_lines(facts)))
    files: dict[Path, str | bytes] = {}
    if map_path is not None:
        from cablemap.render import interactive

        drawn = interactive.route_map(report, network)
        files[map_path] = _map_text(drawn, self_contained, embed)
    if image_path is not None:
        from cablemap.render import static

        files[image_path] = static.image_bytes(static.route_figure(report, network), image_path)
    _write_files(files)


def _overlay_facts(ctx: Context, report: Any) -> tuple[Any, ...]:
    """Facts overlay records gave about the cables a route answer names (none without)."""
    if not report.provenance or not report.provenance.overlays:
        return ()
    from cablemap.dataset.overlay.facts import facts_about
    from cablemap.dataset.overlay.store import load_overlays
    from cablemap.render.overlays import route_cable_ids

    cable_ids = route_cable_ids(report.as_dict())
    return facts_about(load_overlays(ctx.settings()), cable_ids)


def _map_text(folium_map: Any, self_contained: bool, embed: bool) -> str:
    from cablemap.render import interactive

    if embed:
        return interactive.to_embed(folium_map, self_contained=self_contained)
    return interactive.to_html(folium_map, self_contained=self_contained)


def _write_files(files: dict[Path, str | bytes]) -> None:
    """Write a command's rendered files, all or none, and name each one written."""
    from cablemap.files import write_all

    for path in write_all(files):
        echo(f"wrote {path}", err=True)


def country_option(help_text: str) -> Any:
    """``--country C``: repeatable, each value a place or a comma list (``JP,TW``)."""
    return click.option(
        "--country",
        "countries",
        multiple=True,
        metavar="C[,C...]",
        help=f"{help_text} Repeatable; a comma list also works (--country JP,TW).",
    )


def service_options(command: Any) -> Any:
    """``--as-of`` and ``--include-planned``, meaning what they mean on ``route``."""
    command = click.option(
        "--include-planned", is_flag=True, help="Also count cables marked planned."
    )(command)
    return click.option(
        "--as-of",
        type=click.IntRange(1850, 2100),
        default=None,
        help="Count cables in service in this year [default: this year].",
    )(command)


@cli.command("map")
@policy_option("Colour by this policy.", required=True)
@country_option("Only this country's stations and the cables landing there.")
@output_option("HTML file to write.")
@image_option("Also write a static image (.png or .svg).")
@cut_only_options
@map_options
@service_options
@pass_context
def risk_map(
    ctx: Context,
    policy: str,
    policy_date: str | None,
    countries: tuple[str, ...],
    output: Path,
    image_path: Path | None,
    cut: tuple[str, ...],
    cut_near: tuple[str, ...],
    cut_in: tuple[str, ...],
    self_contained: bool,
    embed: bool,
    as_of: int | None,
    include_planned: bool,
) -> None:
    """Write the world (or one country's) risk map: cables by flag status, stations by exposure."""
    from cablemap.files import check_output_path
    from cablemap.policy.flags import policy_flags
    from cablemap.render import interactive

    rules = _policy(policy, policy_date)
    check_output_path(output, (".html", ".htm"))
    if image_path is not None:
        check_output_path(image_path, (".png", ".svg"))
    from cablemap.analysis.cuts import resolve_cuts

    network = _load_network(ctx)
    flags = policy_flags(network, rules)
    cuts = resolve_cuts(network, cut=cut, near=cut_near, regions=cut_in)
    drawn = interactive.risk_map(
        network,
        flags,
        country=countries,
        cuts=cuts,
        as_of=as_of,
        include_planned=include_planned,
    )
    files: dict[Path, str | bytes] = {output: _map_text(drawn, self_contained, embed)}
    if image_path is not None:
        from cablemap.render import static

        figure = static.risk_figure(
            network, flags, country=countries, as_of=as_of, include_planned=include_planned
        )
        files[image_path] = static.image_bytes(figure, image_path)
    _write_files(files)


@cli.command("report")
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@policy_option("Policy to flag by.")
@output_option("Report file: .html (self-contained), .md (image and map beside it) or .pdf.")
@click.option("--k", "k", type=click.IntRange(1, 10), default=3, show_default=True)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the image and map a .md report writes beside itself if they exist.",
)
@cut_options
@filter_options
@pass_context
def report(
    ctx: Context,
    origin: str,
    destination: str,
    policy: str | None,
    policy_date: str | None,
    output: Path,
    k: int,
    as_of: int | None,
    include_planned: bool,
    terrestrial: str,
    include_status: tuple[str, ...],
    cut: tuple[str, ...],
    cut_near: tuple[str, ...],
    cut_in: tuple[str, ...],
    change_cost: float,
    force: bool,
) -> None:
    """Write a report: summary, map, image, hop tables, the flags' sources, the data licence.

    A .md report also writes FILE.png and FILE-map.html beside it; it refuses to replace
    them unless --force is given.
    """
    from cablemap.render.report import check_report_paths, write_report

    rules = _policy(policy, policy_date)
    check_report_paths(output, force=force)
    network = _load_network(ctx)
    for path in write_report(
        network,
        origin,
        destination,
        output,
        policy=rules,
        k=k,
        as_of=as_of,
        include_planned=include_planned,
        terrestrial=terrestrial,
        include_status=include_status,
        cut=cut,
        cut_near=cut_near,
        cut_in=cut_in,
        change_cost=change_cost,
        force=force,
    ):
        echo(f"wrote {path}")


@cli.command("matrix")
@policy_option("Add flagged, clean km and detour for every pair.")
@click.option(
    "--countries",
    "--country",
    "countries",
    multiple=True,
    metavar="C[,C...]",
    help="Countries (ISO codes, names or groups); repeatable, comma lists work too.",
)
@click.option(
    "--all",
    "all_countries",
    is_flag=True,
    help="Every country with a landing station (the default).",
)
@click.option("--resilience", is_flag=True, help="Add the number of cable-disjoint routes.")
@cut_options
@filter_options
@output_option("matrix.csv or matrix.parquet")
@image_option("Also write a heatmap (.png or .svg).")
@pass_context
def matrix(
    ctx: Context,
    policy: str | None,
    policy_date: str | None,
    countries: tuple[str, ...],
    all_countries: bool,
    resilience: bool,
    as_of: int | None,
    include_planned: bool,
    terrestrial: str,
    include_status: tuple[str, ...],
    cut: tuple[str, ...],
    cut_near: tuple[str, ...],
    cut_in: tuple[str, ...],
    change_cost: float,
    output: Path,
    image_path: Path | None,
) -> None:
    """Best route, latency, policy exposure (and resilience) for every pair of countries."""
    from cablemap.analysis.matrix import check_matrix_path, compute_matrix, matrix_bytes
    from cablemap.analysis.places import place_texts, split_values
    from cablemap.errors import UserError

    if countries and all_countries:
        raise UserError("give --countries or --all, not both")
    rules = _policy(policy, policy_date)
    check_matrix_path(output)
    if image_path is not None and image_path.suffix.lower() not in (".png", ".svg"):
        raise UserError(f"cannot write {image_path}: the heatmap is written as .png or .svg")
    split_values(countries)  # a value of only commas fails before any work
    network = _load_network(ctx)
    frame = compute_matrix(
        network,
        countries=place_texts(network.places, countries) if countries else None,
        policy=rules,
        resilience=resilience,
        as_of=as_of,
        include_planned=include_planned,
        terrestrial=terrestrial,
        include_status=include_status,
        cut=cut,
        cut_near=cut_near,
        cut_in=cut_in,
        change_cost=change_cost,
    )
    files: dict[Path, str | bytes] = {output: matrix_bytes(frame, output)}
    if image_path is not None:
        from cablemap.render.heatmap import matrix_heatmap
        from cablemap.render.static import image_bytes

        files[image_path] = image_bytes(matrix_heatmap(frame), image_path)
    from cablemap.files import write_all

    first, *others = write_all(files)
    echo(f"wrote {first} ({len(frame)} country pairs)")
    for path in others:
        echo(f"wrote {path}")


STATION_FORMAT = click.Choice(["table", "csv", "json", "geojson"])


@cli.command("stations")
@country_option("Only this country's stations (name, ISO code, subdivision, city).")
@click.option("--risky", is_flag=True, help="Only stations where the policy flags something.")
@policy_option("The policy to rank by.")
@service_options
@click.option("--format", "fmt", type=STATION_FORMAT, default="table", show_default=True)
@pass_context
def stations(
    ctx: Context,
    countries: tuple[str, ...],
    risky: bool,
    policy: str | None,
    policy_date: str | None,
    as_of: int | None,
    include_planned: bool,
    fmt: str,
) -> None:
    """List landing stations; with a policy, ranked by how many of their cables it flags.

    Exposure is the share of a station's cables in service that the policy flags; the
    order is most flagged cables first, then highest share, then most cables, then name.
    """
    from cablemap.analysis.stations import rank_stations
    from cablemap.errors import UserError
    from cablemap.render import tables

    if risky and policy is None:
        raise UserError("--risky needs --policy (risky under which policy?)")
    ranking = rank_stations(
        _load_network(ctx),
        countries=countries,
        policy=_policy(policy, policy_date),
        as_of=as_of,
        include_planned=include_planned,
        risky=risky,
    )
    echo(tables.stations_output(ranking, fmt))


@cli.command("cable")
@click.argument("cable_id")
@policy_option("Show this policy's flags.")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def cable(
    ctx: Context, cable_id: str, policy: str | None, policy_date: str | None, fmt: str
) -> None:
    """Show one cable: owners and suppliers resolved, stations, segments and flags."""
    from cablemap.policy.carriers import default_registry
    from cablemap.policy.describe import describe_cable
    from cablemap.policy.flags import policy_flags
    from cablemap.render import tables

    rules = _policy(policy, policy_date)
    network = _load_network(ctx)
    from cablemap.analysis.lookup import resolve_cable  # id, display name or abbreviation

    cable_id = resolve_cable(network, cable_id, option="cable")
    flags = policy_flags(network, rules) if rules is not None else None
    info = describe_cable(cable_id, network.dataset, network.topology, default_registry(), flags)
    info = {**info, "snapshot": network.snapshot_id}  # which data answered (see --snapshot)
    applied = network.dataset.overlays
    if applied is not None:  # which facts came from an overlay record, with its source
        about = [cable_id, *(s["id"] for s in info["stations"])]
        info["overlay_facts"] = [f.as_dict() for s in about for f in applied.facts_of(s)]
        info["approximate_geometry"] = cable_id in applied.approximate
    echo(json.dumps(info, indent=2) if fmt == "json" else tables.cable_text(info))


@cli.group(invoke_without_command=True)
@click.pass_context
def policies(click_ctx: click.Context) -> None:
    """List the shipped policies (and `policies show NAME` to explain one)."""
    if click_ctx.invoked_subcommand is None:
        from cablemap.policy.rules import load_policy, shipped_policies

        for name in shipped_policies():
            policy = load_policy(name)
            echo(f"{policy.id:<28} {len(policy.rules)} rules  {policy.name}")


@policies.command("show")
@click.argument("name")
@policy_date_option()
def policies_show(name: str, policy_date: str | None) -> None:
    """Explain one policy (a shipped name or a TOML file): its rules, dates and citations."""
    from cablemap.render import tables

    echo(tables.policy_text(_policy(name, policy_date)))


@cli.group()
def carriers() -> None:
    """Inspect the carrier registry."""


UNMATCHED_FORMAT = click.Choice(["table", "csv", "json"])


@carriers.command("unmatched")
@click.option("--format", "fmt", type=UNMATCHED_FORMAT, default="table", show_default=True)
@click.option(
    "--listed",
    "show_listed",
    is_flag=True,
    help="Also show the names listed as deliberately unmatched, with their reasons.",
)
@pass_context
def carriers_unmatched(ctx: Context, fmt: str, show_listed: bool) -> None:
    """Owner and supplier names in the data that the registry does not know.

    Counts distinct cables per name. Names listed in geodata/carriers/unmatched*.toml
    (deliberately unmatched, with a reason) are left out unless --listed.
    """
    from cablemap.analysis.coverage import name_uses, shipped_policy_countries
    from cablemap.policy.carriers import default_registry
    from cablemap.policy.unmatched import default_unmatched
    from cablemap.render.coverage import unmatched_output

    uses = name_uses(
        _load_dataset(ctx),
        default_registry(),
        default_unmatched(),
        countries=shipped_policy_countries(),
    )
    unknown = [use for use in uses if not use.covered]
    listed = [use for use in uses if use.entity is None and use.reason is not None]
    echo(unmatched_output(unknown, listed, fmt, show_listed=show_listed))


LOOKUP_FORMAT = click.Choice(["table", "json", "csv"])


@carriers.command("list")
@policy_option("Also say which of this policy's owner and supplier rules select each entity.")
@click.option("--format", "fmt", type=LOOKUP_FORMAT, default="table", show_default=True)
@pass_context
def carriers_list(ctx: Context, policy: str | None, policy_date: str | None, fmt: str) -> None:
    """Every registry entity with the cables it owns and supplied, most cables first."""
    from cablemap.analysis.carriers import list_carriers
    from cablemap.render.lookups import carriers_output

    rules = _policy(policy, policy_date)
    echo(carriers_output(list_carriers(_load_network(ctx), policy=rules), fmt))


@carriers.command("show")
@click.argument("entity")
@policy_option("Judge by this policy only [default: every shipped policy].")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@pass_context
def carriers_show(
    ctx: Context, entity: str, policy: str | None, policy_date: str | None, fmt: str
) -> None:
    """One entity (id, name, alias or unique prefix): family, cables, policy verdicts, sources."""
    from cablemap.analysis.carriers import describe_carrier
    from cablemap.policy.dates import parse_policy_date
    from cablemap.policy.rules import load_policy, shipped_policies
    from cablemap.render.lookups import carrier_text

    when = parse_policy_date(policy_date)  # --policy-date applies to every policy judged
    names = [policy] if policy else list(shipped_policies())
    chosen = [load_policy(name, as_of=when) for name in names]
    network = _load_network(ctx)
    profile = describe_carrier(network, entity, policies=chosen)
    echo(json.dumps(profile.as_dict(), indent=2) if fmt == "json" else carrier_text(profile))


@cli.command("search")
@click.argument("text", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--format", "fmt", type=LOOKUP_FORMAT, default="table", show_default=True)
@pass_context
def search(ctx: Context, text: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find cables, landing stations and carriers by name, id, abbreviation or alias."""
    from cablemap.analysis.search import search as search_names
    from cablemap.render.lookups import search_output

    echo(search_output(search_names(_load_network(ctx), " ".join(text), limit=limit), fmt))


@cli.command("export")
@output_option(
    "model.gpkg (one GeoPackage), model.parquet or model.geojson (a folder, one file per layer)."
)
@policy_option("Add flag columns and the flags table (`cablemap policies` lists them).")
@click.option(
    "--route",
    "route_ends",
    nargs=2,
    default=None,
    metavar="FROM TO",
    help="Also export the routes between two places (layer routes).",
)
@click.option(
    "--k", "k", type=click.IntRange(1, 10), default=3, show_default=True, help="Routes for --route."
)
@filter_options
@click.option("--force", is_flag=True, help="Replace an existing export.")
@pass_context
def export(
    ctx: Context,
    output: Path,
    policy: str | None,
    policy_date: str | None,
    route_ends: tuple[str, str] | None,
    k: int,
    as_of: int | None,
    include_planned: bool,
    terrestrial: str,
    include_status: tuple[str, ...],
    force: bool,
) -> None:
    """Export the model as GIS layers: cables, segments, stations, terrestrial links, flags."""
    from cablemap.render.gis import check_export_path, export_layers, write_export

    rules = _policy(policy, policy_date)
    check_export_path(output, force=force)
    network = _load_network(ctx)
    report = None
    if route_ends:
        from cablemap.analysis.query import trace_routes

        report = trace_routes(
            network,
            *route_ends,
            k=k,
            policy=rules,
            as_of=as_of,
            include_planned=include_planned,
            terrestrial=terrestrial,
            include_status=include_status,
        )
    exported = export_layers(
        network,
        policy=rules,
        report=report,
        as_of=as_of,
        include_planned=include_planned,
        settings=ctx.settings(),
    )
    written = write_export(exported, output, force=force)
    counts = ", ".join(f"{name} {n}" for name, n in exported.metadata["layers"].items())
    files = f"{len(written)} file{'s' if len(written) > 1 else ''}"
    echo(f"wrote {output} ({files}): {counts}")
    for note in exported.metadata["notes"]:
        echo(f"note: {note}", err=True)


@cli.command("country")
@click.argument("place", metavar="C")
@policy_option("Count the cables it flags.")
@service_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@pass_context
def country(
    ctx: Context,
    place: str,
    policy: str | None,
    policy_date: str | None,
    as_of: int | None,
    include_planned: bool,
    fmt: str,
) -> None:
    """Look up one country, territory or subdivision: its cables and how it is cut off.

    International cables in service and planned (domestic ones apart), landing stations,
    the share of cables a policy flags by role, the countries reached by a direct cable,
    and the cables whose loss cuts it off by sea.
    """
    from cablemap.analysis.country import describe_country
    from cablemap.render import country as render

    rules = _policy(policy, policy_date)
    report = describe_country(
        _load_network(ctx),
        place,
        policy=rules,
        as_of=as_of,
        include_planned=include_planned,
    )
    if fmt == "json":
        echo(json.dumps(render.country_json(report), indent=2))
    elif fmt == "csv":
        echo(render.country_csv(report))
    else:
        echo(render.country_text(report))


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with the status of what happened."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="cablemap",
            standalone_mode=False,
        )
    except CablemapError as exc:
        from cablemap.sanitize import one_line

        echo(f"cablemap: error: {one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        echo(_usage_error_line(exc), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        from cablemap.sanitize import one_line

        echo(f"cablemap: error: {one_line(exc.format_message())}", err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        echo("cablemap: interrupted; nothing was changed", err=True)
        _exit_now_if_downloads_linger(INTERRUPTED_EXIT_CODE)
        sys.exit(INTERRUPTED_EXIT_CODE)
    except OSError as exc:  # the machine said no (full disk, read-only, name too long)
        where = f"{str(exc.filename)[:200]}: " if exc.filename else ""
        echo(
            f"cablemap: error: {where}{exc.strerror or exc}; check that the path exists, is "
            "writable and its disk has room (the cache: CABLEMAP_CACHE_DIR)",
            err=True,
        )
        sys.exit(2)
    except Exception as exc:  # a bug: one line, with a way to get the details
        if os.environ.get("CABLEMAP_DEBUG"):
            raise
        echo(
            f"cablemap: internal error: {type(exc).__name__}: {exc} (this is a bug; rerun with "
            "CABLEMAP_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(1)
    sys.exit(0)


def _usage_error_line(exc: click.UsageError) -> str:
    """One line for a usage error: what was wrong and where the command's help is.

    click's own display takes four lines (usage, a hint, a blank line, the error); the
    project's rule is one line naming what was wrong and what to do.
    """
    from cablemap.sanitize import one_line

    command = exc.ctx.command_path if exc.ctx is not None else "cablemap"
    return f"cablemap: error: {one_line(exc.format_message())} (see '{command} --help')"


def _exit_now_if_downloads_linger(code: int) -> None:
    """End the process at once if download threads are still running.

    Cleanup (the staging directory, the current snapshot left as it was) has already
    happened on the way out; a normal exit would wait for each worker thread's request to
    end (up to the timeout), so Ctrl-C would take that long.
    """
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


@cli.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but a local one lets other machines in (warned).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the start page in a browser.")
@pass_context
def serve(ctx: Context, host: str, port: int, open_browser: bool) -> None:
    """Serve the local web app: route, country, carrier, station and risk map pages.

    Needs the web extra (pip install 'cablemap[web]'). The network is loaded once,
    before the server starts; every page reads it, none changes it.
    """
    from cablemap.web.serve import require_web
    from cablemap.web.serve import serve as serve_app

    require_web()  # before the network loads: a missing extra is one line at once
    serve_app(
        _load_network(ctx),
        host=host,
        port=port,
        open_browser=open_browser,
        say=lambda line: echo(line, err=True),
    )


@cli.command("sweep")
@click.option(
    "--single",
    multiple=True,
    type=click.Choice(["cables", "segments", "stations"]),
    help="Fail each cable, segment or landing station alone (repeatable).",
)
@click.option("--pairs", type=click.Choice(["cables"]), default=None, help="Every pair of cables.")
@click.option("--regions", is_flag=True, help="Every named region (--cut-in regions).")
@click.option("--owners", is_flag=True, help="Each registry entity's cables withdrawn.")
@click.option(
    "--random",
    "random_count",
    type=click.IntRange(1, 10_000_000),
    default=None,
    metavar="N",
    help="N random draws of --failures cables.",
)
@click.option("--failures", type=click.IntRange(1, 1000), default=2, show_default=True, metavar="K")
@click.option(
    "--weight",
    type=click.Choice(["length"]),
    default=None,
    help="Draw cables in proportion to their length.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--countries",
    "--country",
    "countries",
    multiple=True,
    metavar="C[,C...]",
    help="Only pairs of these countries (default: every country).",
)
@policy_option("Add the best clean route and whether a scenario loses it.")
@click.option("--resilience", is_flag=True, help="Add cable-disjoint routes (slow).")
@click.option(
    "--degraded-ms",
    type=click.FloatRange(0, 10_000),
    default=5.0,
    show_default=True,
    help="A pair is degraded when its one-way latency rises by this much.",
)
@cut_options
@filter_options
@output_option("Directory of Parquet results (OUT.parquet).")
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the ranking of every scenario as CSV.",
)
@image_option("Write a criticality map (.png or .svg).")
@click.option(
    "--top",
    type=click.IntRange(0, 100_000),
    default=20,
    show_default=True,
    help="Scenarios shown in the table.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 1024),
    default=None,
    help="Local processes [default: the number of cores].",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on this Dask scheduler (tcp://host:8786).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 1024),
    default=None,
    help="Run on a Dask LocalCluster of N worker processes.",
)
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=25, show_default=True)
@click.option("--resume", is_flag=True, help="Continue the sweep stored in -o.")
@pass_context
def sweep(ctx: Context, **options: Any) -> None:
    """Fail cables, segments, stations, regions or owners and rank them by impact."""
    from cablemap.analysis.sweep import ScenarioSpec, plan_sweep, rank_scenarios, run_sweep
    from cablemap.analysis.sweep_store import SweepStore, require_parquet
    from cablemap.errors import UserError

    o = options
    if o["scheduler"] is not None and o["workers"] is not None:
        raise UserError("give --scheduler or --workers, not both")
    for path, suffixes in ((o["summary_path"], (".csv",)), (o["image_path"], (".png", ".svg"))):
        if path is not None and path.suffix.lower() not in suffixes:
            raise UserError(f"cannot write {path}: give a {' or '.join(suffixes)} file")
    require_parquet()
    spec = ScenarioSpec(
        single=tuple(dict.fromkeys(o["single"])),
        pairs=o["pairs"] is not None,
        regions=o["regions"],
        owners=o["owners"],
        random=o["random_count"] or 0,
        failures=o["failures"],
        weight=o["weight"],
        seed=o["seed"],
    )
    if not (spec.single or spec.pairs or spec.regions or spec.owners or spec.random):
        raise UserError("say what fails: --single, --pairs, --regions, --owners or --random")
    rules = _policy(o["policy"], o["policy_date"])
    network = _load_network(ctx)
    if o["countries"]:
        from cablemap.analysis.places import place_texts

        countries = place_texts(network.places, o["countries"])
    plan = plan_sweep(
        network,
        spec,
        countries=countries if o["countries"] else None,
        policy=rules,
        resilience=o["resilience"],
        degraded_ms=o["degraded_ms"],
        as_of=o["as_of"],
        include_planned=o["include_planned"],
        terrestrial=o["terrestrial"],
        include_status=o["include_status"],
        change_cost=o["change_cost"],
        cut=o["cut"],
        cut_near=o["cut_near"],
        cut_in=o["cut_in"],
        batch_size=o["batch_size"],
    )
    _run_sweep_with_progress(network, plan, o, run_sweep)
    ranked = rank_scenarios(SweepStore(o["output"]).read_scenarios())
    _sweep_outputs(network, plan, ranked, o, rules)


def _run_sweep_with_progress(network: Any, plan: Any, o: dict[str, Any], run: Any) -> None:
    """Run a sweep with a progress bar on a terminal; Ctrl-C says how to continue."""
    from tqdm import tqdm

    from cablemap.analysis.sweep import SweepInterruptedError

    jobs = o["jobs"] or os.cpu_count() or 1
    with tqdm(total=len(plan.scenarios), unit="scenario", disable=None, file=sys.stderr) as bar:
        try:
            result = run(
                network,
                plan,
                o["output"],
                jobs=jobs,
                scheduler=o["scheduler"],
                workers=o["workers"],
                resume=o["resume"],
                progress=bar.update,
            )
        except KeyboardInterrupt:
            raise SweepInterruptedError(
                f"interrupted; the finished batches are stored in {o['output']}: run the same "
                "command with --resume to continue"
            ) from None
    echo(
        f"wrote {result.path} ({result.scenarios:,} scenarios; {result.batches_run} batches run"
        + (f", {result.batches_skipped} found done)" if result.batches_skipped else ")")
    )


def _sweep_outputs(network: Any, plan: Any, ranked: Any, o: dict[str, Any], rules: Any) -> None:
    """Print the ranking; write its CSV and the criticality map if asked for."""
    from cablemap.files import write_all
    from cablemap.render.sweep_summary import summary_csv, summary_text

    if o["top"]:
        degraded = plan.setup.degraded_ms
        echo(summary_text(ranked, top=o["top"], degraded_ms=degraded, policy=rules is not None))
    files: dict[Path, str | bytes] = {}
    if o["summary_path"] is not None:
        label = rules.label if rules is not None else None
        files[o["summary_path"]] = summary_csv(ranked, network.provenance.as_dict(), label)
    if o["image_path"] is not None:
        from cablemap.render.static import image_bytes
        from cablemap.render.static.criticality import criticality_figure

        files[o["image_path"]] = image_bytes(criticality_figure(network, ranked), o["image_path"])
    for path in write_all(files) if files else []:
        echo(f"wrote {path}")
