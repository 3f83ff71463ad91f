"""The code stays ruff-clean and the layers keep pointing one way."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "inventory_desktop"


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it comes with the [test] extra)")
    result = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# Qt lives in ui/ (the window) and documents/ (printable pages): nowhere else.
QT_PACKAGES = ("ui", "documents")


def _modules_outside_ui() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py"))
            if not set(QT_PACKAGES) & set(path.relative_to(PACKAGE).parts)]


def test_nothing_below_the_ui_imports_qt():
    for path in _modules_outside_ui():
        if path.name == "__main__.py":
            continue  # starts the window lazily, by importing ui.app inside a function
        assert not re.search(r"^\s*(from|import) PySide6", path.read_text(), re.M), path


def test_importing_every_module_below_the_ui_loads_no_qt():
    names = [".".join(path.relative_to(ROOT).with_suffix("").parts)
             for path in _modules_outside_ui()]
    probe = ("import importlib, sys\n"
             f"for name in {names!r}: importlib.import_module(name)\n"
             "sys.exit(3 if 'PySide6' in sys.modules else 0)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr or "PySide6 was imported"


def test_documents_are_loaded_only_when_asked_for():
    # The command line starts without Qt: it imports documents/ inside the
    # one command that writes a PDF; the services never import it.
    for path in sorted((PACKAGE / "cli").rglob("*.py")) + sorted(
            (PACKAGE / "services").rglob("*.py")):
        assert not re.search(r"^(from|import) .*documents", path.read_text(), re.M), path
    for path in sorted((PACKAGE / "documents").rglob("*.py")):
        assert not re.search(r"^\s*from \.\.(ui|cli)", path.read_text(), re.M), path


def test_cli_and_ui_never_import_each_other():
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        assert not re.search(r"^\s*from \.\.ui|^\s*import inventory_desktop\.ui",
                             path.read_text(), re.M), path
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        assert not re.search(r"^\s*from \.\.cli", path.read_text(), re.M), path


def test_only_paths_imports_platformdirs():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "paths.py":
            assert not re.search(r"^\s*(from|import) platformdirs", path.read_text(), re.M), path
