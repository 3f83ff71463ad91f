"""Run the benchmarks and print one JSON summary.

    python -m benchmarks.run            # full: scale up to 10^6 movements
    python -m benchmarks.run --quick    # up to 10^5 movements, fewer rounds
    python -m benchmarks.run --only write_path,contention

The summary is also written to benchmarks/results/latest.json (and a copy
named after the time it ran). Benchmarks are not tests: they report figures
and never fail the build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
from pathlib import Path

from . import contention, scale, write_path
from ._common import RESULTS_DIR, machine, scratch_dir

PARTS = ("write_path", "contention", "scale")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts; prints the JSON summary and returns 0."""
    args = _parser().parse_args(argv)
    parts = args.only.split(",") if args.only else list(PARTS)
    directory = scratch_dir(args.dir)
    summary: dict[str, object] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": machine(directory),
    }
    for part in parts:
        started = time.perf_counter()
        summary[part] = _run_part(part, directory, args.quick)
        print(f"{part}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    text = json.dumps(summary, indent=2)
    print(text)
    _save(text, summary["when"])
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)  # the 10^6 file alone is ~800 MB
    return 0


def _run_part(part: str, directory: Path, quick: bool) -> dict:
    if part == "write_path":
        rounds, per_round = (20, 100) if quick else (40, 200)
        return {
            "no_op_key": write_path.run(directory, rounds=rounds, per_round=per_round),
            "with_op_key": write_path.run(directory, rounds=rounds, per_round=per_round,
                                          with_key=True),
        }
    if part == "contention":
        return contention.run(directory, processes=8, ops=500)
    if part == "scale":
        sizes = [10**3, 10**4, 10**5] if quick else [10**3, 10**4, 10**5, 10**6]
        return scale.run(directory, sizes=sizes)
    raise SystemExit(f"unknown part {part!r}; choose from {', '.join(PARTS)}")


def _save(text: str, when: object) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(text + "\n", encoding="utf-8")
    stamp = str(when).replace(":", "").replace("+0000", "Z")
    (RESULTS_DIR / f"run-{stamp}.json").write_text(text + "\n", encoding="utf-8")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds")
    parser.add_argument("--only", help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the scratch data files go (default: "
                             "benchmarks/results/scratch, on the project's disk)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch data files afterwards (to inspect them)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
