"""Fixtures of the command line tests: running ``procreg`` on a temporary registry."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Procreg, Result, Terminal

from procreg_tui.cli import run
from procreg_tui.registry import Registry


@pytest.fixture(autouse=True)
def _private_user_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the per-user data, configuration and log folders into the test's folder."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "user" / variable.lower()))
    monkeypatch.delenv("PROCREG_DB", raising=False)


@pytest.fixture
def procreg(registry_path: Path) -> Procreg:
    """Return a function running ``procreg --db REGISTRY ARGS...`` in memory.

    ``stdin`` is the text on standard input; ``tty=True`` makes standard output
    a terminal; ``db=False`` leaves ``--db`` out; ``environ`` replaces the empty
    environment.
    """

    def invoke(
        *argv: str,
        stdin: str = "",
        tty: bool = False,
        db: bool = True,
        environ: dict[str, str] | None = None,
    ) -> Result:
        stdout = Terminal() if tty else io.StringIO()
        stderr = io.StringIO()
        full: Sequence[str] = ["--db", str(registry_path), *argv] if db else list(argv)
        status = run(
            full,
            stdin=io.StringIO(stdin),
            stdout=stdout,
            stderr=stderr,
            environ=environ or {},
        )
        return Result(status, stdout.getvalue(), stderr.getvalue())

    return invoke


@pytest.fixture
def seeded(registry_path: Path, example_definitions: list[dict[str, Any]]) -> Path:
    """The registry file holding the shipped examples as ids 1 to 6, by file name.

    1 ffmpeg-to-mp3, 2 full-format-service, 3 iconv-output-argument,
    4 sort-lines, 5 tr-strip-x, 6 wc-input-argument.
    """
    with Registry.open(registry_path) as registry:
        registry.create_many(example_definitions)
    return registry_path
