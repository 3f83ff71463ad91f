"""`inventory-desktop --self-test` from source: the check the bundle smoke test runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSED = re.compile(r"^self-test ok: window painted (\d+) ms after the process started "
                    r"\(offscreen; 1 item in the table, its text and the SVG icon drawn\)$", re.M)

pytestmark = pytest.mark.gui


def _self_test(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "inventory_desktop", "--self-test"],
                          cwd=ROOT, env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **env),
                          capture_output=True, text=True, timeout=120)


def test_the_self_test_opens_the_window_and_reports_its_first_paint(tmp_path: Path) -> None:
    done = _self_test()
    assert done.returncode == 0, done.stderr
    assert PASSED.search(done.stdout), done.stdout
    assert int(PASSED.search(done.stdout).group(1)) > 0


def test_the_self_test_leaves_the_users_files_and_settings_alone(tmp_path: Path) -> None:
    done = _self_test()
    assert done.returncode == 0, done.stderr
    # conftest points the data file, XDG folders and HOME into tmp_path.
    assert not Path(os.environ["INVENTORY_DB"]).exists()
    assert not (tmp_path / "xdg-config").exists()
    assert not (tmp_path / "xdg-data").exists()


def test_without_fonts_the_self_test_fails_with_a_sentence(tmp_path: Path) -> None:
    # A fontconfig that knows no font folder: Qt then draws text as empty boxes.
    no_fonts = tmp_path / "fonts.conf"
    no_fonts.write_text('<?xml version="1.0"?>\n<fontconfig>'
                        f"<dir>{tmp_path / 'none'}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
                        "</fontconfig>\n")
    done = _self_test(FONTCONFIG_FILE=str(no_fonts))
    assert done.returncode == 1
    assert "self-test failed: no font with letters was found" in done.stderr
    assert "Traceback" not in done.stderr
    assert "self-test ok" not in done.stdout


def test_an_unknown_option_after_self_test_is_a_usage_error_not_a_window() -> None:
    done = subprocess.run([sys.executable, "-m", "inventory_desktop", "--self-test", "--bogus"],
                          cwd=ROOT, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
