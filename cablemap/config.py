"""Validated settings: where the cache lives, what to load, how to download.

Settings come from keyword arguments first, then environment variables, then defaults.
They are an immutable object (the options pattern of geopandas) rather than module
globals, so a test or a library caller can use its own settings without touching anyone
else's.

Environment variables
---------------------
``CABLEMAP_CACHE_DIR``  where snapshots are stored (default: the user cache directory).
``CABLEMAP_DATA``       a directory or archive in the v3/v2 layout to load directly.
``CABLEMAP_SOURCE``     the default source for ``data fetch`` (a name, URL or path).
``CABLEMAP_FETCH_DEADLINE``  the total deadline of one fetch, in seconds.
``CABLEMAP_OVERLAY``    overlay files (or shipped overlay names) to apply, separated by
                        the platform's path separator (``:`` on POSIX).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from cablemap.errors import UserError, clip

DEFAULT_SOURCE = "open"


def _default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("cablemap", appauthor=False)


@dataclass(frozen=True)
class Settings:
    """Every tunable of cablemap in one validated, immutable object.

    Parameters
    ----------
    cache_dir
        Directory that holds the snapshot cache.
    data_path
        A directory or archive to load directly instead of the current snapshot.
    snapshot_id
        A stored snapshot to load instead of the current one (which stays current);
        exclusive with ``data_path``.
    source
        Default source for fetching: a source name, an ``https://`` root or a path.
    timeout_s
        Connect/read timeout of one HTTP request, in seconds.
    deadline_s
        Total time one fetch may take, retries and every file included, in seconds; a
        server that sends slowly but steadily cannot keep a fetch alive past it.
    concurrency
        How many files are downloaded at once.
    retries
        How many times a failed request is retried (connection errors, 429, 5xx).
    backoff_s
        First wait between retries; it doubles on every retry (with jitter).
    max_backoff_s
        Longest wait between two retries, including a server's ``Retry-After``.
    max_response_bytes
        Largest response body accepted; a bigger one fails the download.
    max_total_bytes
        Largest snapshot accepted in all (a hostile root could list endless cables).
    progress
        Show a progress bar: ``None`` decides by whether stderr is a terminal.
    overlays
        Overlay files (or names of shipped overlays) to apply after those stored in the
        cache (see :mod:`cablemap.dataset.overlay.store`).
    """

    cache_dir: Path = field(default_factory=_default_cache_dir)
    data_path: Path | None = None
    snapshot_id: str | None = None
    source: str = DEFAULT_SOURCE
    timeout_s: float = 30.0
    deadline_s: float = 900.0
    concurrency: int = 8
    retries: int = 4
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    max_response_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024
    progress: bool | None = None
    overlays: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        checks = {
            "timeout_s": self.timeout_s > 0,
            "deadline_s": self.deadline_s > 0,
            "concurrency": 1 <= self.concurrency <= 64,
            "retries": 0 <= self.retries <= 20,
            "backoff_s": self.backoff_s >= 0,
            "max_backoff_s": self.max_backoff_s >= 0,
            "max_response_bytes": self.max_response_bytes > 0,
            "max_total_bytes": self.max_total_bytes > 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise UserError(f"setting {name}={getattr(self, name)!r} is out of range")
        check_data_choice(self.data_path, self.snapshot_id)
        if isinstance(self.overlays, str) or not all(isinstance(o, str) for o in self.overlays):
            raise UserError("setting overlays must be a sequence of file paths or names")
        object.__setattr__(self, "overlays", tuple(self.overlays))  # frozen: set once here

    def with_changes(self, **changes: object) -> Settings:
        """Return a copy with some settings replaced (and validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def check_data_choice(data_path: object, snapshot_id: str | None) -> None:
    """Refuse ``--data`` (or ``CABLEMAP_DATA``) together with ``--snapshot``.

    Raises
    ------
    UserError
        If both are given: each chooses the data to answer from.
    """
    if snapshot_id is not None and data_path is not None:
        raise UserError(
            f"--snapshot {clip(snapshot_id)} and --data {clip(data_path)} (or CABLEMAP_DATA) "
            "both choose the data; give one of them"
        )


def settings_from_env(**overrides: object) -> Settings:
    """Build settings from the environment, then apply explicit overrides.

    Parameters
    ----------
    **overrides
        Settings given explicitly (for example from command-line options); a value of
        ``None`` means "not given" and leaves the environment's or default value.

    Returns
    -------
    Settings
        The validated settings.
    """
    values: dict[str, object] = {}
    if cache := os.environ.get("CABLEMAP_CACHE_DIR"):
        values["cache_dir"] = Path(cache).expanduser()
    if data := os.environ.get("CABLEMAP_DATA"):
        values["data_path"] = Path(data).expanduser()
    if source := os.environ.get("CABLEMAP_SOURCE"):
        values["source"] = source
    if deadline := os.environ.get("CABLEMAP_FETCH_DEADLINE"):
        try:
            values["deadline_s"] = float(deadline)
        except ValueError:
            raise UserError(
                f"CABLEMAP_FETCH_DEADLINE={clip(deadline)} is not a number of seconds"
            ) from None
    if overlays := os.environ.get("CABLEMAP_OVERLAY"):
        values["overlays"] = tuple(p for p in overlays.split(os.pathsep) if p)
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("cache_dir", "data_path"):
        if isinstance(values.get(key), str):
            values[key] = Path(str(values[key])).expanduser()
    return Settings(**values)  # type: ignore[arg-type]
