"""Time the start of headless commands against a bare ``import tinydb``.

Run: ``python benchmarks/bench_cli.py`` (``--repeat N`` for more rounds).

A registry of 10 definitions (the shipped examples, then copies) is made in a
temporary folder. Each round starts, in turn, ``python -c "import tinydb"``
(the floor: an interpreter that loads the storage library), ``python -c
pass`` (the interpreter alone) and each command, from process start to exit,
with procreg's bytecode compiled as an installed package has it; each keeps
its best round, so a busy spell of a shared machine slows them alike.
Printed: milliseconds and the ratio over the floor, and the heavy modules
each command loaded.

Target: ``procreg list`` within 3x of ``import tinydb``.

Then, for each size of ``--sizes`` (default 10,000; ``--sizes 10000 100000``
for both), ``procreg list``, ``list --json`` and ``export`` run on a registry
of that many definitions, against a fresh ``python`` that does ``json.loads``
+ ``json.dumps`` of the same file (the registry benchmark's floor; target
1.3x). ``--sizes`` with no number skips them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procreg_tui.registry import Registry
from procreg_tui.resources import examples_dir

LIST_TARGET = 3.0
LARGE_TARGET = 1.3
HEAVY_MODULES = (
    "jsonschema",
    "platformdirs",
    "fasteners",
    "procreg_tui.export._schedulers",
    "procreg_tui.server._serve",
    "procreg_tui.remote._http",
    "textual",
)


def _registry(folder: Path, count: int) -> Path:
    """Return the path of a new registry holding ``count`` definitions."""
    examples = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(examples_dir().glob("*.json"))
    ]
    path = folder / "registry.json"
    registry = Registry.open(path)
    registry.create_many(
        [
            {**examples[number % len(examples)], "name": f"definition-{number}"}
            for number in range(count)
        ]
    )
    return path


def _seconds(command: list[str], environ: dict[str, str]) -> float:
    """Return how long ``command`` took from start to exit; stop if it failed.

    What the command says on standard error is shown only when it failed.
    """
    start = time.perf_counter()
    finished = subprocess.run(
        command,
        check=False,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    if finished.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{finished.stderr}")
    return seconds


def _loaded(arguments: list[str], environ: dict[str, str]) -> list[str]:
    """Return which of the heavy modules running procreg with ``arguments`` loads."""
    probe = (
        "import sys\n"
        "from procreg_tui.cli import run\n"
        f"run({arguments!r}, stdin=sys.stdin, stdout=open('/dev/null', 'w'),"
        " stderr=sys.stderr, environ=dict(__import__('os').environ))\n"
        f"print(' '.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        env=environ,
        capture_output=True,
        text=True,
    ).stdout
    return output.split()


def main(argv: list[str] | None = None) -> int:
    """Print the timings; return 1 when ``procreg list`` misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        db = _registry(Path(folder), options.count)
        # An installed procreg has its bytecode compiled, as the standard
        # library and tinydb have: keep it in a folder of this run, written by
        # a first round that is not counted.
        environ = {
            **os.environ,
            "PROCREG_DB": str(db),
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode"),
        }
        environ.pop("PYTHONDONTWRITEBYTECODE", None)
        environ.pop("PYTHONPROFILEIMPORTTIME", None)
        python = [sys.executable]
        procreg = [*python, "-m", "procreg_tui"]
        contenders = {
            'python -c "import tinydb"': [*python, "-c", "import tinydb"],
            "python -c pass": [*python, "-c", "pass"],
            "procreg --help": [*procreg, "--help"],
            "procreg paths": [*procreg, "paths"],
            "procreg list": [*procreg, "list"],
            "procreg list --json": [*procreg, "list", "--json"],
            "procreg show 1": [*procreg, "show", "1"],
            "procreg validate 1": [*procreg, "validate", "1"],
            "procreg render 1": [*procreg, "render", "1"],
            "procreg export": [*procreg, "export"],
        }
        for command in contenders.values():
            _seconds(command, environ)
        best = dict.fromkeys(contenders, float("inf"))
        for _ in range(options.repeat):
            for name, command in contenders.items():
                best[name] = min(best[name], _seconds(command, environ))
        loaded = {
            name: _loaded(command[3:], environ)
            for name, command in contenders.items()
            if name.startswith("procreg")
        }

    floor = best['python -c "import tinydb"']
    print(f"{options.count} definitions, best of {options.repeat} rounds")
    print(f"{'command':<28} {'ms':>7} {'÷ tinydb':>9}  heavy modules loaded")
    for name, seconds in best.items():
        heavy = " ".join(loaded.get(name, [])) or "-"
        print(f"{name:<28} {seconds * 1e3:7.1f} {seconds / floor:9.2f}  {heavy}")

    ratio = best["procreg list"] / floor
    print(f"\nprocreg list / import tinydb: {ratio:.2f}x (target {LIST_TARGET}x)")
    missed = ratio > LIST_TARGET
    for size in options.sizes:
        missed |= _large(size, max(5, options.repeat // 3))
    return 1 if missed else 0


_FLOOR = (
    "import json, sys\n"
    "with open(sys.argv[1], encoding='utf-8') as source:\n"
    "    text = json.dumps(json.load(source))\n"
)


def _large(size: int, repeat: int) -> bool:
    """Print the commands' times on ``size`` definitions; return whether one missed."""
    with tempfile.TemporaryDirectory() as folder:
        db = _registry(Path(folder), size)
        environ = {
            **os.environ,
            "PROCREG_DB": str(db),
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode"),
        }
        environ.pop("PYTHONDONTWRITEBYTECODE", None)
        procreg = [sys.executable, "-m", "procreg_tui"]
        contenders = {
            "json.load + json.dumps": [sys.executable, "-c", _FLOOR, str(db)],
            "procreg list": [*procreg, "list"],
            "procreg list --json": [*procreg, "list", "--json"],
            "procreg export": [*procreg, "export"],
        }
        for command in contenders.values():
            _seconds(command, environ)
        best = dict.fromkeys(contenders, float("inf"))
        for _ in range(repeat):
            for name, command in contenders.items():
                best[name] = min(best[name], _seconds(command, environ))

    floor = best["json.load + json.dumps"]
    print(f"\n{size:,} definitions, best of {repeat} rounds")
    print(f"{'command':<28} {'ms':>7} {'÷ json':>9}")
    for name, seconds in best.items():
        print(f"{name:<28} {seconds * 1e3:7.0f} {seconds / floor:9.2f}")
    return any(best[name] / floor > LARGE_TARGET for name in contenders)


if __name__ == "__main__":
    sys.exit(main())
