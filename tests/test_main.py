"""The entry point: runs the command line with the garbage collector as it found it."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from cablemap.__main__ import run


def test_python_m_cablemap_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "cablemap", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "cablemap, version" in result.stdout


def test_run_restores_the_collector_and_leaves_frozen_objects_frozen(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["cablemap", "--version"])
    with pytest.raises(SystemExit) as ended:
        run()
    assert ended.value.code == 0 and "version" in capsys.readouterr().out
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with pytest.raises(SystemExit):
            run()
        assert gc.get_freeze_count() > 0  # a caller's gc.freeze() is kept (unfreeze: 0)
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        with pytest.raises(SystemExit):
            run()
        assert not gc.isenabled()  # a caller that paused the collector keeps it paused
    finally:
        gc.enable()
