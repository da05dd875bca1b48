"""Listing stored definitions loads neither jsonschema nor the text reader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from procreg_tui.registry import Registry

PROBE = """\
import io, json, sys
from procreg_tui.cli import run

out, err = io.StringIO(), io.StringIO()
status = run(sys.argv[1:], stdin=io.StringIO(), stdout=out, stderr=err, environ={})
watched = json.loads(sys.stdin.read())
print(json.dumps({
    "status": status,
    "listed": len(out.getvalue().splitlines()),
    "loaded": [name for name in watched if name in sys.modules],
}))
"""

HEAVY = [
    "jsonschema",
    "importlib.metadata",
    "procreg_tui.definition.document",
    "procreg_tui.definition.parser",
    "procreg_tui.cli._sources",
    "difflib",
]
"""Modules that checking stored, valid definitions with built-in kinds never needs."""


def _listing(db: Path, *argv: str) -> dict[str, Any]:
    """Return the exit status, line count and heavy modules of a fresh ``procreg``."""
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db), *argv],
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def test_list_of_valid_definitions_loads_no_heavy_module(
    registry_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """`procreg list` of the examples runs without the modules that explain errors."""
    Registry.open(registry_path).create_many(example_definitions)

    result = _listing(registry_path, "list")

    assert result == {"status": 0, "listed": len(example_definitions), "loaded": []}


def test_list_takes_the_problems_the_registry_kept(registry_path: Path) -> None:
    """The problems of a stored invalid definition were worked out when it was
    written: listing it loads no validator at all."""
    registry = Registry.open(registry_path)
    registry.create({"exec": "x", "timeout": "60"})

    result = _listing(registry_path, "list", "--json")

    assert result == {"status": 0, "listed": result["listed"], "loaded": []}


def test_list_of_a_definition_edited_by_hand_explains_it_afresh(
    registry_path: Path,
) -> None:
    """A definition changed in the file by hand no longer matches its kept
    problems, so it is checked again, which needs jsonschema to explain it."""
    registry = Registry.open(registry_path)
    registry.create({"exec": "x", "timeout": 60})
    stored = json.loads(registry_path.read_text(encoding="utf-8"))
    stored["definitions"]["1"]["definition"]["timeout"] = "60"
    registry_path.write_text(json.dumps(stored), encoding="utf-8")

    result = _listing(registry_path, "list", "--json")

    assert result["status"] == 0
    assert "jsonschema" in result["loaded"]
