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


@pytest.mark.parametrize("layer", ["services", "cli", "models.py", "db.py", "errors.py"])
def test_only_the_ui_imports_qt(layer):
    files = [PACKAGE / layer] if layer.endswith(".py") else sorted((PACKAGE / layer).rglob("*.py"))
    for path in files:
        assert not re.search(r"^\s*(from|import) PySide6", path.read_text(), re.M), path


def test_cli_and_ui_never_import_each_other():
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        assert not re.search(r"^\s*from \.\.ui|^\s*import inventory_desktop\.ui",
                             path.read_text(), re.M), path
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        assert not re.search(r"^\s*from \.\.cli", path.read_text(), re.M), path


def test_only_paths_imports_platformdirs():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "paths.py":
            assert "import platformdirs" not in path.read_text(), path
