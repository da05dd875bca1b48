"""How fast the app opens and filters a large registry, and what memory it takes.

Run with ``python benchmarks/bench_app.py [COUNT]`` (100,000 definitions by
default). Each figure is measured in a fresh process driven headless by
Textual's pilot, next to its floor measured in the same run: a bare Textual app
for time to first screen, the parsed registry alone for memory.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Label

from procreg_tui.app import create_app
from procreg_tui.registry import Registry

SIZE = (80, 24)
QUERIES = ["f", "ff", "ffm", "ffmp", "ffmpe", "ffmpeg", "ffmpeg-1", "ffmpeg-12"]


def _definition(number: int) -> dict[str, Any]:
    """Return a varied definition, numbered so labels are distinct."""
    kind = ("ffmpeg", "sort", "tr", "gzip", "ingest")[number % 5]
    return {
        "name": f"{kind}-{number}",
        "exec": f"/usr/bin/{kind}",
        "argv": ["-i", "${input_file}", "--level", str(number % 9), "${output_file}"],
        "application": f"app-{number % 37}",
        "process_type": "single",
        "timeout": 60 + number % 600,
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": "${input_file}"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_path": "${output_file}"},
        },
    }


def _peak_mib() -> float:
    """Return this process's peak resident memory in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _phase_registry(path: Path) -> dict[str, float]:
    """Parse the registry and list its records, nothing else."""
    start = time.perf_counter()
    registry = Registry.open(path)
    records = registry.records()
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "records": len(records), "peak_mib": _peak_mib()}


class _Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("hello")


async def _bare() -> dict[str, float]:
    start = time.perf_counter()
    async with _Bare().run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = time.perf_counter() - start
        latencies = []
        for query in QUERIES:
            before = time.perf_counter()
            await pilot.press(query[-1])
            latencies.append(time.perf_counter() - before)
    return {
        "first_screen": shown,
        "press_median": statistics.median(latencies),
        "peak_mib": _peak_mib(),
    }


async def _app(path: Path) -> dict[str, Any]:
    start = time.perf_counter()
    app = create_app(lambda: Registry.open(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first_screen = time.perf_counter() - start
        while not app.loaded:
            await pilot.pause(0.005)
        usable = time.perf_counter() - start

        await pilot.press("slash")
        latencies = []
        narrowing = []
        for query in QUERIES:
            before = time.perf_counter()
            await pilot.press(query[-1])
            latencies.append(time.perf_counter() - before)
            before = time.perf_counter()
            app._list.show(app._filter.reset(app._entries))
            narrowing.append(time.perf_counter() - before)
        shown = len(app._list.rows)

        await pilot.press("escape")
        before = time.perf_counter()
        await pilot.press("j")
        move = time.perf_counter() - before
    return {
        "first_screen": first_screen,
        "usable": usable,
        "filter_median": statistics.median(latencies),
        "filter_max": max(latencies),
        "filter_first": latencies[0],
        "narrow_median": statistics.median(narrowing),
        "rows_after_filter": shown,
        "move": move,
        "peak_mib": _peak_mib(),
    }


def _run_phase(phase: str, path: Path) -> dict[str, Any]:
    """Run one phase in a fresh process and return its figures."""
    output = subprocess.run(
        [sys.executable, __file__, "--phase", phase, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(output.splitlines()[-1]))


def main(count: int) -> None:
    """Build a registry of ``count`` definitions and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.json"
        started = time.perf_counter()
        # Built in a child: a parent's peak memory would be inherited by the
        # measuring processes it starts.
        _run_phase(f"build:{count}", path)
        print(f"built {count:,} definitions in {time.perf_counter() - started:.1f} s")

        bare = _run_phase("bare", path)
        alone = _run_phase("registry", path)
        app = _run_phase("app", path)

    print(f"bare Textual app, first screen      {bare['first_screen'] * 1000:8.0f} ms")
    print(f"registry alone: parse + records()   {alone['seconds'] * 1000:8.0f} ms")
    print(f"procreg app, first screen           {app['first_screen'] * 1000:8.0f} ms")
    print(
        f"procreg app, list usable            {app['usable'] * 1000:8.0f} ms"
        f"  (target 1500 ms; {app['usable'] / bare['first_screen']:.1f}x bare app)"
    )
    print(
        f"filter keystroke, median / max      {app['filter_median'] * 1000:5.1f} /"
        f" {app['filter_max'] * 1000:.1f} ms  (target 50 ms;"
        f" {app['rows_after_filter']} rows left)"
    )
    print(
        f"  pilot key press floor (bare app)  {bare['press_median'] * 1000:8.1f} ms;"
        f" filtering all rows alone {app['narrow_median'] * 1000:.1f} ms"
    )
    print(f"cursor move                         {app['move'] * 1000:8.1f} ms")
    print(
        f"peak memory: app {app['peak_mib']:.0f} MiB, registry alone "
        f"{alone['peak_mib']:.0f} MiB, bare app {bare['peak_mib']:.0f} MiB"
    )
    print(
        f"app / registry alone (both with Textual imported): "
        f"{app['peak_mib'] / alone['peak_mib']:.2f}x  (target 1.5x)"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        phase, target = sys.argv[2], Path(sys.argv[3])
        if phase.startswith("build:"):
            with Registry.open(target) as registry:
                registry.create_many(_definition(n) for n in range(int(phase[6:])))
            figures = {}
        elif phase == "registry":
            figures = _phase_registry(target)
        elif phase == "bare":
            figures = asyncio.run(_bare())
        else:
            figures = asyncio.run(_app(target))
        print(json.dumps(figures))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
