"""Definitions and helpers the scheduler export tests share."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from procreg_tui.cli import run
from procreg_tui.export import EngineExport, ExportFormat, engine_export
from procreg_tui.registry import Record, Registry

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PROCREG_UPDATE_GOLDEN") == "1"
"""Set PROCREG_UPDATE_GOLDEN=1 to rewrite the golden files; review the diff."""

HOSTILE = [
    "",
    "two words",
    "  padded  ",
    "  $(padded)  ",
    "it's",
    'say "hi"',
    "$HOME",
    "$(VAR)",
    "${VAR}",
    "$",
    "100%",
    "%h",
    "back\\slash",
    "tab\there",
    ";",
    "&& rm -rf /",
    "`id`",
    "*",
    "-n",
    "ünïcødé",
]
"""Arguments every target must pass through unchanged."""

DUMPER = (
    "import json, os, sys;"
    " print(json.dumps({'argv': sys.argv[1:], 'env': os.environ.get('HOSTILE')}))"
)
"""Prints the arguments it got and the variable HOSTILE as JSON."""


def hostile_definition(arguments: Sequence[str] = HOSTILE) -> dict[str, Any]:
    """Return a definition running the dumper with ``arguments``, written literally."""
    return {
        "name": "hostile",
        "exec": sys.executable,
        "argv": ["-c", DUMPER, *(a.replace("${", "$${") for a in arguments)],
        "process_type": "single",
        "environment": {"HOSTILE": "a b 'c' \"d\" $HOME $(VAR) %h \\ ;"},
    }


def dumped(arguments: Sequence[str] = HOSTILE) -> dict[str, Any]:
    """Return what the dumper prints when it gets ``arguments``."""
    environment = hostile_definition()["environment"]["HOSTILE"]
    return {"argv": list(arguments), "env": environment}


def store(path: Path, definitions: Sequence[dict[str, Any]]) -> list[Record]:
    """Store ``definitions`` in a new registry at ``path``; return their records."""
    with Registry.open(path) as registry:
        return registry.create_many(list(definitions))


def export_examples(
    path: Path, definitions: Sequence[dict[str, Any]], export_format: ExportFormat
) -> EngineExport:
    """Store the examples (ids 1-6) and export them in ``export_format``."""
    return engine_export(store(path, definitions), export_format)


def check_golden(export: EngineExport, folder: str) -> None:
    """Assert that every document equals its golden file, and no golden file is extra.

    With PROCREG_UPDATE_GOLDEN=1 the golden files are rewritten instead.
    """
    golden = GOLDEN / folder
    if UPDATE:
        golden.mkdir(parents=True, exist_ok=True)
        for stale in golden.iterdir():
            stale.unlink()
        export.write(golden)

    names = sorted(path.name for path in golden.iterdir())
    assert names == sorted(document.file_name for document in export.documents)
    for document in export.documents:
        assert document.text == (golden / document.file_name).read_text("utf-8")


def parse_dump(text: str) -> dict[str, Any]:
    """Return the JSON the dumper printed."""
    value: dict[str, Any] = json.loads(text)
    return value


def run_procreg(registry: Path, *argv: str) -> tuple[int, str, str]:
    """Run ``procreg --db REGISTRY ARGV...`` in memory; return status, stdout, stderr.

    The per-user folders are beside the registry.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    environ = {
        name: str(registry.parent / "user" / name.lower())
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")
    }
    status = run(
        ["--db", str(registry), *argv],
        stdin=io.StringIO(),
        stdout=stdout,
        stderr=stderr,
        environ=environ,
    )
    return status, stdout.getvalue(), stderr.getvalue()
