"""The package layout by capability (docs/architecture.md): imports run downward only, and each folder's
public names resolve."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from backcourse import REPO_ROOT

PACKAGE = REPO_ROOT / "backcourse"
FOLDERS = ("library", "routine", "diary", "book", "teach")
SHARED = ("style", "files", "evidence", "safety", "words")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every backcourse module a file imports (absolute or relative), as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("backcourse"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("backcourse"):
                found.add(mod)
                found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def folder_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else None


def all_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_layout_matches_docs():
    for folder in FOLDERS:
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
    for shared in SHARED:
        assert (PACKAGE / f"{shared}.py").is_file(), shared
    flat = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "_lazy"))
    assert flat == sorted(SHARED), f"only the shared modules sit at the top: {flat}"


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downward(path):
    mine = folder_of(module_name(path))
    targets = {folder_of(m) for m in imported_modules(path)} - {None, mine}
    if mine is None and path.parent == PACKAGE:
        assert not targets, f"a shared module imports a capability folder: {targets}"
    if mine == "library":
        assert not targets, f"library/ must not import {targets}"
    if mine == "diary":
        assert not targets & {"routine", "book", "teach"}, targets
    if mine == "routine":
        assert not targets & {"book", "teach"}, targets
    if path.stem != "widgets":
        widget_imports = {m for m in imported_modules(path) if m.split(".")[-1] == "widgets"}
        assert not widget_imports, f"only widgets import widgets: {widget_imports}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_public_names_resolve(folder):
    package = importlib.import_module(f"backcourse.{folder}")
    assert package.__all__, folder
    for name in package.__all__:
        assert getattr(package, name) is not None
        assert f"``{name}``" in package.__doc__, f"{folder}/__init__ docstring does not name {name}"
    with pytest.raises(AttributeError):
        getattr(package, "no_such_name")


def test_engine_import_is_light():
    """Building a plan must not drag in the notebook stack (widgets, charts)."""
    code = ("import sys; from backcourse.routine import build_plan; "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_notebooks_import_only_public_names():
    import json

    for nb_path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse("".join(cell["source"]))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("backcourse"):
                    depth = node.module.count(".")
                    top = node.module.split(".")[1] if depth else None
                    assert depth <= 1 and (top is None or top in FOLDERS or top in SHARED), (
                        f"{nb_path.name} imports {node.module}: notebooks use the folders' public names")
