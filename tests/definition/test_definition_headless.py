"""The core is headless: importing and using it never loads Textual."""

from __future__ import annotations

import subprocess
import sys

_PROGRAM = """
import sys
import tempfile
from pathlib import Path

import procreg_tui.definition as definition
from procreg_tui.adapters import adapter_problems, kind_for, Direction
from procreg_tui.export import ExportFormat, engine_export, export_text
from procreg_tui.registry import Registry
from procreg_tui.resolve import command_line, resolve, wiring

document = definition.load_text('{"exec": "a", "exce": 1,}')
problems = definition.validate(document.value, document=document)
assert [p.code for p in problems] == ["unknown-key"], problems

tr = {"exec": "/usr/bin/tr", "argv": ["-d", "x"], "input_adapter": {
    "input_type": "file",
    "input_parameters": {"file_type": "stream", "stream_name": "STDIN"}}}
assert adapter_problems(tr) == [] and kind_for(Direction.INPUT, "file")
line = command_line(resolve(tr, {"input_file": "/in"}))
assert line == "/usr/bin/tr -d x < /in", line
assert wiring(tr, {}).to_text()[0] == "message bus"
with Registry.open(Path(tempfile.mkdtemp()) / "r.json") as registry:
    record = registry.create(tr)
    assert export_text([record], ExportFormat.SH).startswith("#!/bin/sh")
    assert engine_export([record], ExportFormat.SLURM).text.startswith("#!")
print(sorted(name for name in sys.modules if name.split(".")[0] == "textual"))
"""


def test_the_core_never_imports_textual() -> None:
    """Loading, validating, resolving, drawing the wiring, storing and
    exporting in a fresh interpreter leave textual unimported."""
    finished = subprocess.run(
        [sys.executable, "-c", _PROGRAM],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert finished.stderr == ""
    assert finished.stdout == "[]\n"
