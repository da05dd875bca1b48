"""Run every benchmark of procreg, one after another, and sum up their targets.

Run: ``python benchmarks/run_all.py`` (``--quick`` for smaller sizes where a
benchmark offers them; ``--only validate cli`` or ``--skip app server`` to
choose). Each ``bench_*.py`` runs in its own interpreter, its report printed
as it goes; a benchmark exits non-zero when it misses a target. The summary
lists each one with its time and whether its targets were met. The machine
should be otherwise idle: each benchmark compares against a floor measured in
the same run, but a busy machine still blurs the figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

QUICK_ARGUMENTS = {
    "validate": ["--count", "3000"],
    "resolve": ["--count", "3000"],
    "registry": ["--quick"],
    "cli": ["--repeat", "7"],
    "server": ["--seconds", "1"],
}
"""Arguments that make a benchmark smaller under ``--quick``."""

FULL_ARGUMENTS = {
    "cli": ["--sizes", "10000", "100000"],
}
"""Arguments that give a benchmark every size its targets name, by default."""


def _benchmarks() -> dict[str, Path]:
    """Return every benchmark script by its short name, ``bench_cli.py`` as ``cli``."""
    return {
        path.stem.removeprefix("bench_"): path
        for path in sorted(HERE.glob("bench_*.py"))
    }


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; return 1 when one missed a target or failed."""
    found = _benchmarks()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", nargs="+", choices=sorted(found), default=[])
    parser.add_argument("--skip", nargs="+", choices=sorted(found), default=[])
    options = parser.parse_args(argv)

    chosen = [
        name
        for name in found
        if (not options.only or name in options.only) and name not in options.skip
    ]
    outcomes: list[tuple[str, int, float]] = []
    for name in chosen:
        arguments = (
            QUICK_ARGUMENTS.get(name, [])
            if options.quick
            else FULL_ARGUMENTS.get(name, [])
        )
        print(f"=== {name}: {found[name].name} {' '.join(arguments)}", flush=True)
        start = time.perf_counter()
        status = subprocess.run(
            [sys.executable, str(found[name]), *arguments], check=False
        ).returncode
        outcomes.append((name, status, time.perf_counter() - start))
        print(flush=True)

    print(f"{'benchmark':<12} {'seconds':>8}  targets")
    for name, status, seconds in outcomes:
        verdict = {0: "met", 1: "missed"}.get(status, f"failed (exit {status})")
        print(f"{name:<12} {seconds:8.1f}  {verdict}")
    return 0 if all(status == 0 for _, status, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
