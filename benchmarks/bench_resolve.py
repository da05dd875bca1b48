"""Time resolution and rendering of definitions against joining their argv.

Run: ``python benchmarks/bench_resolve.py`` (``--count N`` for another size).

Definitions are generated from the shipped examples with variations: longer
argument lists with variables and hostile characters, environments, working
directories, every adapter kind. Printed per definition, with ratios over a
baseline measured in the same run (``shlex.join`` of the same argv, which is
what the simplest possible renderer would do):

- ``resolve``;
- ``command_line`` of the resolution;
- ``wiring`` and its ``to_text()``;
- ``variable_problems`` and ``adapter_problems``;
- all of them together, and with ``validate`` as the app runs on a keystroke.

Target: validate + resolve + render of one definition under 2 ms.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import random
import shlex
import sys
import time
from collections.abc import Callable
from typing import Any

from procreg_tui import resources
from procreg_tui.adapters import adapter_problems
from procreg_tui.definition import validate
from procreg_tui.resolve import (
    command_line,
    resolve,
    sample_bindings,
    variable_problems,
    wiring,
)

HOSTILE = ["$HOME", "a b", "it's", "`id`", "x;y", "-v", "", "é", "${input_file}", "$${"]
ADAPTERS = [
    {"input_type": "tcp", "input_parameters": {"tcp_port": 8090, "chunk_size": "1MiB"}},
    {"input_type": "pipe", "input_parameters": {"pipe_path": "${fifo}"}},
    {"input_type": "append", "input_params": {"file_path": "/var/log/in.log"}},
    {"input_type": "zmq", "input_parameters": {"socket": "${sock}"}},
]


def generate(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Return ``count`` definitions varied from the shipped examples."""
    random.seed(seed)
    examples = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(resources.examples_dir().glob("*.json"))
    ]
    definitions = []
    for index in range(count):
        definition = copy.deepcopy(examples[index % len(examples)])
        extra = random.choices(HOSTILE, k=random.randint(0, 12))
        definition["argv"] = [*definition.get("argv", []), *extra]
        if random.random() < 0.5:
            definition["environment"] = {f"V{n}": f"value {n}" for n in range(3)}
        if random.random() < 0.3:
            definition["cwd"] = f"/srv/work {index}"
        if random.random() < 0.3:
            definition["input_adapter"] = copy.deepcopy(random.choice(ADAPTERS))
        definitions.append(definition)
    return definitions


def per_definition(
    work: Callable[[dict[str, Any]], object], definitions: list[dict[str, Any]]
) -> float:
    """Return the best of three runs of ``work`` over ``definitions``, in µs each."""
    best = float("inf")
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        for definition in definitions:
            work(definition)
        best = min(best, time.perf_counter() - start)
    return best / len(definitions) * 1e6


KEYSTROKE_TARGET_US = 2000.0


def main() -> int:
    """Print the cost of each step per definition; return 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count

    definitions = generate(count)
    bindings = {id(d): sample_bindings(d) for d in definitions}

    def baseline(definition: dict[str, Any]) -> object:
        return shlex.join([definition["exec"], *definition["argv"]])

    def rendered(definition: dict[str, Any]) -> object:
        values = bindings[id(definition)]
        line = command_line(resolve(definition, values))
        return line, wiring(definition, values).to_text()

    def keystroke(definition: dict[str, Any]) -> object:
        values = sample_bindings(definition)
        return validate(definition, bindings=values), rendered(definition)

    resolutions = {id(d): resolve(d, bindings[id(d)]) for d in definitions}
    steps: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
        ("resolve", lambda d: resolve(d, bindings[id(d)])),
        ("command_line", lambda d: command_line(resolutions[id(d)])),
        ("wiring + to_text", lambda d: wiring(d, bindings[id(d)]).to_text()),
        ("variable_problems", lambda d: variable_problems(d, bindings[id(d)])),
        ("adapter_problems", adapter_problems),
        ("validate", lambda d: validate(d, bindings=bindings[id(d)])),
        ("resolve + command_line + wiring", rendered),
        ("validate + resolve + render", keystroke),
    ]

    keystroke(definitions[0])
    base = per_definition(baseline, definitions)
    print(f"{count:,} definitions; per definition, best of 3 runs")
    print(f"{'baseline: shlex.join of argv':<34} {base:9.1f} µs   1.0x")
    costs = {}
    for name, work in steps:
        costs[name] = per_definition(work, definitions)
        print(f"{name:<34} {costs[name]:9.1f} µs {costs[name] / base:6.1f}x")
    print(f"target: validate + resolve + render under {KEYSTROKE_TARGET_US:,.0f} µs")
    return 1 if costs["validate + resolve + render"] > KEYSTROKE_TARGET_US else 0


if __name__ == "__main__":
    sys.exit(main())
