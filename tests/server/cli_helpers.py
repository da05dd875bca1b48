"""Running ``procreg`` in memory or as a process, for the server and remote tests."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass

from procreg_tui.cli import run


@dataclass(frozen=True)
class Outcome:
    """What one ``procreg`` run returned and wrote."""

    status: int
    stdout: str
    stderr: str


def procreg(
    *argv: str, stdin: str = "", environ: dict[str, str] | None = None
) -> Outcome:
    """Run ``procreg ARGV`` in this process with the given standard input."""
    stdout = io.StringIO()
    stderr = io.StringIO()
    status = run(
        list(argv),
        stdin=io.StringIO(stdin),
        stdout=stdout,
        stderr=stderr,
        environ=environ or {},
    )
    return Outcome(status, stdout.getvalue(), stderr.getvalue())


def process_environment(**extra: str) -> dict[str, str]:
    """Return this process's environment without procreg's variables, plus ``extra``."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PROCREG_")
    }
    environ.update(extra)
    return environ


PYTHON = sys.executable
