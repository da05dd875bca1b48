"""The code reads as the project says it does: formatted, linted, typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SOURCE_TREE = Path(__file__).resolve().parents[1]
TOOLS = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "format", "--check", "."],
        ["ruff", "check", "."],
        ["mypy", "--cache-dir", "{tmp}/mypy"],
    ],
    ids=["ruff-format", "ruff-check", "mypy-strict"],
)
def test_the_tree_is_clean(command: list[str], tmp_path: Path) -> None:
    """Each tool of pyproject.toml's configuration finds nothing to report."""
    program, *arguments = command
    completed = subprocess.run(
        [str(TOOLS / program), *(a.format(tmp=tmp_path) for a in arguments)],
        cwd=SOURCE_TREE,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
