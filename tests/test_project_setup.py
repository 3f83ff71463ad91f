"""How the project is built and tested says what it does, without noise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_license_is_an_spdx_expression_for_a_setuptools_that_reads_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    # A table ({ text = "MIT" }) makes setuptools print a deprecation warning on every build.
    assert project["project"]["license"] == "MIT"
    assert "setuptools>=77" in project["build-system"]["requires"]


def test_the_default_run_says_the_slow_tests_were_left_out_and_how_to_run_them():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
         "tests/test_race.py"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert re.search(r"\b\d+ slow tests? (?:was|were) not run", done.stdout), done.stdout[-2000:]
    assert "run them with: scripts/test.sh -m slow" in done.stdout


@pytest.mark.slow
def test_building_the_package_prints_no_deprecation_warning(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "deprecated" not in (done.stdout + done.stderr).lower()
