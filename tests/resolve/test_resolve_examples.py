"""Golden files of every shipped example: its command lines and its wiring.

The golden files live in ``tests/golden/examples/``, one per example. After a
deliberate change, regenerate them with::

    PROCREG_UPDATE_GOLDEN=1 pytest tests/resolve/test_resolve_examples.py

and review the difference before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from procreg_tui import resources
from procreg_tui.adapters import adapter_problems
from procreg_tui.resolve import (
    command_line,
    resolve,
    sample_bindings,
    variable_problems,
    wiring,
)

GOLDEN = Path(__file__).parent.parent / "golden" / "examples"
UPDATE = os.environ.get("PROCREG_UPDATE_GOLDEN") == "1"
EXAMPLES = sorted(resources.examples_dir().glob("*.json"))


def rendered(path: Path) -> str:
    """Return what the golden file of the example at ``path`` holds."""
    definition = json.loads(path.read_text(encoding="utf-8"))
    bindings = sample_bindings(definition)
    sections = [
        "# bindings",
        *(f"{name}={value}" for name, value in bindings.items()),
        "# command line",
        command_line(resolve(definition, bindings)),
        "# command line without bindings",
        command_line(resolve(definition)),
        "# wiring",
        *wiring(definition, bindings).to_text(),
        "# wiring as JSON",
        json.dumps(wiring(definition, bindings).to_json(), indent=2),
    ]
    return "\n".join(sections) + "\n"


def test_there_is_one_golden_file_per_example() -> None:
    """Every example has a golden file and every golden file an example."""
    assert sorted(path.stem for path in GOLDEN.glob("*.txt")) == [
        path.stem for path in EXAMPLES
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_the_example_renders_as_its_golden_file(path: Path) -> None:
    """The example's command lines and wiring match its golden file exactly."""
    golden = GOLDEN / f"{path.stem}.txt"
    text = rendered(path)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")

    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_the_example_has_no_adapter_or_variable_problem(path: Path) -> None:
    """The shipped examples are clean: no adapter or variable warning."""
    definition = json.loads(path.read_text(encoding="utf-8"))

    assert adapter_problems(definition) + variable_problems(definition) == []
