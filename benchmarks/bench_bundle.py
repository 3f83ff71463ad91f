"""The built bundle: its size on disk and how fast it starts to a painted window.

    scripts/build.sh && python -m benchmarks.bench_bundle
    python -m benchmarks.bench_bundle --runs 11 --no-cold

Each run starts the bundled program with --self-test (offscreen, on a scratch
data file with one item) and records two figures: the program's own, from
the kernel's start time of the process to the main window's first paint, and
the wall time of the whole process (start, paint, checks, close, exit).

Warm runs follow one another, the bundle's files in the page cache; the first
of them is also reported alone (right after a build it is the "first start",
though the files just written are still cached). Cold runs drop the page cache
first (`echo 3 > /proc/sys/vm/drop_caches`: root only, and it slows every other
process on the machine for a moment), as on the first start after a reboot;
they are skipped, with the reason, where that is not permitted.
Targets (issue 9): at most 120 MB on disk, a median of at most 1 s to the
painted window. Writes benchmarks/results/bench_bundle.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ._common import machine, publish

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "inventory-desktop"
DROP_CACHES = Path("/proc/sys/vm/drop_caches")
PAINTED = re.compile(r"window painted (\d+) ms after the process started")


def main(argv: list[str] | None = None) -> int:
    """Measure and print the JSON report; 1 if the bundle is missing or fails to start."""
    args = _parser().parse_args(argv)
    program = args.bundle / "inventory-desktop"
    if not program.is_file():
        print(f"no bundle at {args.bundle}; build it first: scripts/build.sh", file=sys.stderr)
        return 1
    report: dict[str, object] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "bundle": str(args.bundle),
        "size_mb": round(_du_mb(args.bundle), 1),
        "largest_files_mb": _largest(args.bundle),
        "targets": {"size_mb": 120, "start_to_paint_median_ms": 1000},
    }
    try:
        warm = [_start_once(program) for _ in range(args.runs)]
        report["first_run"] = warm[0]
        report["warm"] = _summary(warm)
        report["cold"] = _cold(program, args.runs) if args.cold else {"skipped": "--no-cold"}
    except RuntimeError as failure:
        print(failure, file=sys.stderr)
        return 1
    report["machine"] = machine(args.bundle)
    publish("bench_bundle", report)
    return 0


def _start_once(program: Path) -> dict[str, float]:
    """One start of the bundled self-test: its own paint figure and the process's wall time."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    done = subprocess.run([str(program), "--self-test"], capture_output=True, text=True,
                          env=env, timeout=120)
    wall_ms = (time.perf_counter() - started) * 1000
    painted = PAINTED.search(done.stdout)
    if done.returncode != 0 or painted is None:
        raise RuntimeError(f"the self-test failed (exit {done.returncode}):\n"
                           f"{done.stdout}{done.stderr}")
    return {"paint_ms": float(painted.group(1)), "wall_ms": round(wall_ms, 1)}


def _cold(program: Path, runs: int) -> dict[str, object]:
    results = []
    for _ in range(runs):
        try:
            os.sync()
            DROP_CACHES.write_text("3\n")
        except OSError as error:
            return {"skipped": f"cannot drop the page cache here ({error.strerror})"}
        results.append(_start_once(program))
    return _summary(results)


def _summary(results: list[dict[str, float]]) -> dict[str, object]:
    summary: dict[str, object] = {"runs": len(results)}
    for figure in ("paint_ms", "wall_ms"):
        values = [result[figure] for result in results]
        summary[figure] = {"median": round(statistics.median(values), 1),
                           "min": min(values), "max": max(values)}
    return summary


def _du_mb(folder: Path) -> float:
    out = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0]) / 1024


def _largest(folder: Path, count: int = 8) -> dict[str, float]:
    files = [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]
    files.sort(key=lambda path: path.stat().st_size, reverse=True)
    return {str(path.relative_to(folder)): round(path.stat().st_size / 2**20, 1)
            for path in files[:count]}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_bundle",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=BUNDLE,
                        help="the built bundle folder (default: dist/inventory-desktop)")
    parser.add_argument("--runs", type=int, default=9, help="starts per series (default 9)")
    parser.add_argument("--no-cold", dest="cold", action="store_false",
                        help="skip the cold series (it drops the machine's page cache)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
