"""The one-way data flow of DESIGN.md: no module imports a layer above its own.

Every import counts, including those inside functions and under ``TYPE_CHECKING``:
a lazy import upward is still a cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cablemap"

BASE = {"errors", "config", "resources", "files", "sanitize", "citation"}
"""Modules every layer may import."""

LAYERS = {
    "sources": 0,
    "snapshot": 0,
    "dataset": 1,
    "fetch": 1,
    "network": 2,
    "policy": 3,
    "analysis": 4,
    "render": 5,
    "cli": 6,
    "__init__": 6,
    "__main__": 6,
    "web": 6,
}
"""Each top-level module or package of ``cablemap`` and its layer (left to right in DESIGN.md)."""


def _layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "cablemap":  # `from cablemap import x`
                found.extend((node.lineno, f"cablemap.{a.name}") for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name.startswith("cablemap.")]


def test_every_module_has_a_layer():
    names = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _modules()}
    assert names - BASE - {"py"} <= set(LAYERS), names - BASE - set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_upward(path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    allowed = -1 if own in BASE else LAYERS[own]  # base modules import only base modules
    upward = []
    for line, name in _imports(path):
        target = _layer_of(name)
        if target in BASE or target == "__version__":
            continue
        if LAYERS.get(target, 99) > allowed:
            upward.append(f"line {line}: {name}")
    assert not upward, f"{path.name} imports a layer above its own: {upward}"
