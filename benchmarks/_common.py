"""What every benchmark shares: the machine it ran on, timing, raw connections."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from inventory_desktop import db

RESULTS_DIR = Path(__file__).with_name("results")


def machine(where: Path) -> dict[str, object]:
    """The machine the figures were measured on: cores, CPU, the disk under `where`."""
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
        "disk": _disk(where),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _disk(where: Path) -> str:
    try:
        out = subprocess.run(["df", "-T", str(where)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[-1].split()
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"
    device, fstype = out[0], out[1]
    rotational = Path(f"/sys/block/{Path(device).name}/queue/rotational")
    kind = ""
    if rotational.exists():
        kind = ", rotational" if rotational.read_text().strip() == "1" else ", non-rotational"
    return f"{device} ({fstype}{kind})"


def new_data_file(directory: Path, name: str) -> Path:
    """A fresh data file created by the program itself (schema, triggers, pragmas)."""
    path = directory / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db.open_database(path)
    db.close_database()
    return path


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same pragmas the program sets."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=60.0)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    assert mode == "wal", mode
    return connection


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` calls of `action`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def scratch_dir(base: Path | None) -> Path:
    """A fresh directory for the benchmark's files (on the project's disk by default)."""
    root = base or RESULTS_DIR / "scratch"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return root


def publish(name: str, summary: dict) -> None:
    """Print a benchmark's figures as JSON and keep them in results/NAME.json."""
    text = json.dumps(summary, indent=2)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(text + "\n")
