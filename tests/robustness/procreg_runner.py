"""``procreg`` run in memory on a private registry, as the robustness tests use it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from procreg_tui.cli import run


@dataclass(frozen=True)
class Outcome:
    """What one ``procreg`` run returned and wrote."""

    status: int
    stdout: str
    stderr: str


class TerminalStream(io.StringIO):
    """A text stream that says it is a terminal, as a user's screen is."""

    def isatty(self) -> bool:
        return True


Procreg = Callable[..., Outcome]


def run_procreg(
    registry_path: Path, *argv: str, stdin: str = "", tty: bool = False
) -> Outcome:
    """Run ``procreg --db REGISTRY ARGV...`` in memory and return what it did.

    With ``tty`` standard output and standard error say they are terminals.
    """
    stdout = TerminalStream() if tty else io.StringIO()
    stderr = TerminalStream() if tty else io.StringIO()
    status = run(
        ["--db", str(registry_path), *argv],
        stdin=io.StringIO(stdin),
        stdout=stdout,
        stderr=stderr,
        environ={},
    )
    return Outcome(int(status), stdout.getvalue(), stderr.getvalue())
