"""Fixtures of the robustness tests: ``procreg`` run in memory on a private registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from procreg_runner import Outcome, Procreg, run_procreg


@pytest.fixture(autouse=True)
def _private_user_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep every per-user folder inside the test's own folder."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "user" / variable.lower()))
    for variable in ("PROCREG_DB", "PROCREG_REMOTE", "DISPLAY", "TMUX"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def procreg(registry_path: Path) -> Procreg:
    """Return a function running ``procreg --db REGISTRY ARGS...`` in memory."""

    def invoke(*argv: str, stdin: str = "", tty: bool = False) -> Outcome:
        return run_procreg(registry_path, *argv, stdin=stdin, tty=tty)

    return invoke
