"""The GUI benchmark script still runs end to end (at a small size; figures not checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_gui_runs_and_reports_every_figure() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_gui", "--items", "300", "--movements", "3000",
         "--regenerate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["items_listed"] == 300
    for figure in ("open_to_first_paint_ms", "open_to_items_painted_ms",
                   "history_open_to_first_paint_ms", "peak_memory_mb"):
        assert report[figure] > 0, figure
    assert report["filter_keystroke_ms"]["keystrokes"] == 16
