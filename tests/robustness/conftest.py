"""Fixtures of the robustness tests: ``procreg`` run in memory on a private registry."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

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


@pytest.fixture(autouse=True)
def _private_user_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep every per-user folder inside the test's own folder."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "user" / variable.lower()))
    for variable in ("PROCREG_DB", "PROCREG_REMOTE", "DISPLAY", "TMUX"):
        monkeypatch.delenv(variable, raising=False)


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


@pytest.fixture
def procreg(registry_path: Path) -> Procreg:
    """Return a function running ``procreg --db REGISTRY ARGS...`` in memory."""

    def invoke(*argv: str, stdin: str = "", tty: bool = False) -> Outcome:
        return run_procreg(registry_path, *argv, stdin=stdin, tty=tty)

    return invoke
