"""The registry is part of the headless core."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_registry_never_imports_textual() -> None:
    """A fresh interpreter that imports the registry has no textual module."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, procreg_tui.registry; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout == "[]\n"
