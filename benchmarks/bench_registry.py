"""Time the registry against the floors the JSON libraries set on the same file.

Run: ``python benchmarks/bench_registry.py`` (10k and 100k definitions) or
``--quick`` (10k only). Each size runs in a fresh interpreter so that its peak
memory is its own. Printed ratios are procreg's time over the floor's time,
both measured in the same run:

- list: a fresh process opens the registry, takes its records, builds the
  list document and serialises it; floor: a fresh process doing ``json.loads``
  + ``json.dumps`` of the same file. Target: within 1.3x.
- update: one ``Registry.update`` on an open registry; floor: ``orjson.dumps``
  of the same data + write + fsync of a file. Target: within 2x.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from procreg_tui.registry import Registry
from procreg_tui.registry._storage import serialise

LIST_TARGET = 1.3
UPDATE_TARGET = 2.0


def _definition(number: int) -> dict[str, Any]:
    """Return a definition of the size and shape found in real registries."""
    return {
        "exec": f"/opt/tools/bin/tool-{number % 97}",
        "argv": [
            "--quiet",
            "--threads",
            str(number % 8 + 1),
            "${input_file}",
            "-o",
            "${output_file}",
        ],
        "application": f"app-{number % 13}",
        "process_type": "single" if number % 3 else "service",
        "timeout": 60 + number % 600,
        "cwd": f"/srv/work/{number % 31}",
        "environment": {"LC_ALL": "C", "TOOL_LEVEL": str(number % 5)},
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": "${input_file}"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_path": "${output_file}"},
        },
    }


# A list is what ``procreg list --json`` does: a fresh process each time, so
# that neither side profits from a warm heap. Both floors and procreg pay the
# same interpreter start.
_STDLIB_LIST = """
import json, resource, sys
json.dumps(json.loads(open(sys.argv[1], "rb").read()))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
_PROCREG_LIST = """
import resource, sys, orjson
from procreg_tui.registry import Registry, list_document
orjson.dumps(list_document(Registry.open(sys.argv[1], read_only=True).records()))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
_LIST_PEAKS: dict[str, int] = {}


def _run_python(code: str, path: Path) -> None:
    """Run ``code`` on ``path`` in a fresh interpreter; keep its peak RSS (KiB)."""
    output = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _LIST_PEAKS[code] = max(_LIST_PEAKS.get(code, 0), int(output))


def _best(action: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _measure(size: int) -> dict[str, float]:
    """Build a registry of ``size`` definitions and time list and update."""
    directory = Path(tempfile.mkdtemp(prefix="procreg-bench-"))
    path = directory / "registry.json"
    with Registry.open(path) as registry:
        registry.create_many(_definition(number) for number in range(size))
    repeat = 5 if size <= 20_000 else 3

    def stdlib_list() -> None:
        _run_python(_STDLIB_LIST, path)

    def procreg_list() -> None:
        _run_python(_PROCREG_LIST, path)

    list_floor = _best(stdlib_list, repeat)
    list_time = _best(procreg_list, repeat)

    registry = Registry.open(path)
    tables = orjson.loads(path.read_bytes())
    target = directory / "floor.json"

    def floor_update() -> None:
        payload = serialise(tables)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)

    revision = {"value": registry.get(1).revision}

    def procreg_update() -> None:
        record = registry.update(
            1, _definition(revision["value"]), base_revision=revision["value"]
        )
        revision["value"] = record.revision

    update_floor = _best(floor_update, repeat * 2)
    update_time = _best(procreg_update, repeat * 2)
    registry.close()
    gc.collect()

    for leftover in directory.iterdir():
        leftover.unlink()
    directory.rmdir()

    return {
        "size": size,
        "file_mib": len(serialise(tables)) / 2**20,
        "list_floor": list_floor,
        "list": list_time,
        "update_floor": update_floor,
        "update": update_time,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "list_peak_mib": _LIST_PEAKS[_PROCREG_LIST] / 1024,
        "list_floor_peak_mib": _LIST_PEAKS[_STDLIB_LIST] / 1024,
    }


def _report(result: dict[str, float]) -> bool:
    list_ratio = result["list"] / result["list_floor"]
    update_ratio = result["update"] / result["update_floor"]
    print(
        f"{int(result['size']):>7} definitions, {result['file_mib']:.1f} MiB file; "
        f"peak RSS: list {result['list_peak_mib']:.0f} MiB (json "
        f"{result['list_floor_peak_mib']:.0f} MiB), building + updating "
        f"{result['peak_rss_mib']:.0f} MiB"
    )
    print(
        f"  list   {result['list'] * 1000:8.1f} ms  vs json parse+dump "
        f"{result['list_floor'] * 1000:8.1f} ms  ratio {list_ratio:.2f} "
        f"(target <= {LIST_TARGET})"
    )
    print(
        f"  update {result['update'] * 1000:8.1f} ms  vs orjson dump+write+fsync "
        f"{result['update_floor'] * 1000:8.1f} ms  ratio {update_ratio:.2f} "
        f"(target <= {UPDATE_TARGET})"
    )
    return list_ratio <= LIST_TARGET and update_ratio <= UPDATE_TARGET


def main() -> int:
    """Run the benchmark; exit 1 if a ratio misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 10k definitions")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.child:
        print(json.dumps(_measure(options.child)))
        return 0

    sizes = [10_000] if options.quick else [10_000, 100_000]
    within = True
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        within = _report(json.loads(output)) and within

    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
