"""Where a sweep's results go: a Parquet dataset directory, written batch by batch.

Layout of ``OUT.parquet/`` (a directory that pandas, pyarrow, DuckDB and Spark read as
one table; files starting with ``_`` are not part of it)::

    part-000000.parquet ...     the changed pairs of each batch (one file per batch)
    _scenarios/part-000000.parquet ...   one summary row per scenario of each batch
    _baseline.parquet           every pair with nothing failed
    _sweep.json                 what was asked (kinds, filters, policy, data, code)

Each file is written to a temporary name and renamed, and a batch counts as done when
its ``_scenarios`` file exists (written after its rows), so an interrupted sweep
continues with the first batch not done, and a batch run twice replaces its own files:
no row is ever written twice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "_sweep.json"
BASELINE = "_baseline.parquet"
SCENARIOS = "_scenarios"


def require_parquet() -> None:
    """Fail with one line if pyarrow (the ``sweep`` extra) is missing."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UserError(
            "cablemap sweep writes Parquet and needs pyarrow: pip install 'cablemap[sweep]'"
        ) from None


class SweepStore:
    """The output directory of one sweep (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()

    def open(self, manifest: dict[str, Any], *, resume: bool) -> set[int]:
        """Prepare the directory and return the batches already done.

        Parameters
        ----------
        manifest
            What the sweep asks (JSON values); a resumed sweep must ask the same.
        resume
            Continue a sweep found in the directory (else it must be new or empty).

        Raises
        ------
        UserError
            A file (not a directory) at the path, a directory holding another sweep or
            other files, or a resumed sweep that asks something else.
        """
        require_parquet()
        if self.path.exists() and not self.path.is_dir():
            raise UserError(f"{self.path} is a file; a sweep writes a directory: choose another -o")
        stored = self._manifest()
        if stored is not None and stored != manifest:
            changed = sorted(k for k in manifest if stored.get(k) != manifest[k])
            raise UserError(
                f"{self.path} holds a sweep with other settings ({', '.join(changed) or 'format'})"
                "; give another -o, or delete the directory to start again"
            )
        if stored is not None and not resume:
            raise UserError(
                f"{self.path} already holds this sweep; add --resume to continue it, "
                "or delete the directory to start again"
            )
        if stored is None and self.path.is_dir() and any(self.path.iterdir()):
            raise UserError(f"{self.path} is a directory that is not a sweep; choose another -o")
        (self.path / SCENARIOS).mkdir(parents=True, exist_ok=True)
        if stored is None:
            self._write(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        return self.done()

    def _manifest(self) -> dict[str, Any] | None:
        target = self.path / MANIFEST
        if not target.is_file():
            return None
        try:
            value = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UserError(f"{target} is unreadable; delete {self.path} to start again") from None
        return value if isinstance(value, dict) else None

    def done(self) -> set[int]:
        """Numbers of the batches whose results are complete."""
        found = set()
        for file in (self.path / SCENARIOS).glob("part-*.parquet"):
            number = file.stem.removeprefix("part-")
            if number.isdigit():
                found.add(int(number))
        return found

    def write_batch(self, number: int, rows: pd.DataFrame, scenarios: pd.DataFrame) -> None:
        """Store one batch: its rows, then its scenario summaries (which mark it done)."""
        self._write(f"part-{number:06d}.parquet", _parquet(rows))
        self._write(f"{SCENARIOS}/part-{number:06d}.parquet", _parquet(scenarios))

    def write_baseline(self, frame: pd.DataFrame) -> None:
        """Store the baseline (every pair with nothing failed)."""
        self._write(BASELINE, _parquet(frame))

    def read_scenarios(self) -> pd.DataFrame:
        """Every stored scenario summary, in scenario order."""
        import pandas as pd

        files = sorted((self.path / SCENARIOS).glob("part-*.parquet"))
        if not files:
            return pd.DataFrame()
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        return frame.sort_values("order", kind="stable").reset_index(drop=True)

    def read_rows(self) -> pd.DataFrame:
        """Every stored row (the changed pairs of every scenario), in batch order."""
        import pandas as pd

        files = sorted(self.path.glob("part-*.parquet"))
        if not files:
            return pd.DataFrame()
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)

    def _write(self, name: str, payload: bytes) -> None:
        from cablemap.files import write_atomically

        write_atomically(self.path / name, payload)


def _parquet(frame: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
