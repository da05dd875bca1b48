"""The definition area is headless: importing and using it never loads Textual."""

from __future__ import annotations

import subprocess
import sys

_PROGRAM = """
import sys
import procreg_tui.definition as definition

document = definition.load_text('{"exec": "a", "exce": 1,}')
problems = definition.validate(document.value, document=document)
assert [p.code for p in problems] == ["unknown-key"], problems
print(sorted(name for name in sys.modules if name.split(".")[0] == "textual"))
"""


def test_definition_never_imports_textual() -> None:
    """Loading and validating in a fresh interpreter leaves textual unimported."""
    finished = subprocess.run(
        [sys.executable, "-c", _PROGRAM],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert finished.stderr == ""
    assert finished.stdout == "[]\n"
