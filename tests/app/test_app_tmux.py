"""The real ``procreg`` in tmux at 80x24 without a display, driven by keys."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The tmux helpers are shared with the terminal tests.
sys.path.insert(0, str(Path(__file__).parents[1] / "terminal"))

from tmux_harness import (
    COMMAND,
    Tmux,
    environment,
    in_shell,
    procreg_script,
    skip_unless_installed,
    tmux_server,
    wait_for_file,
)

from procreg_tui.registry import Registry

pytestmark = pytest.mark.tmux

skip_unless_installed("tmux")


@pytest.fixture
def tmux(
    tmp_path: Path, example_definitions: list[dict[str, Any]]
) -> Iterator[tuple[Tmux, Path]]:
    """A tmux server running ``procreg --db`` on the examples in an 80x24 window."""
    database = tmp_path / "registry.json"
    with Registry.open(database) as registry:
        registry.create_many(example_definitions)
    status = tmp_path / "status"
    command = in_shell([str(procreg_script()), "--db", str(database)], status=status)
    with tmux_server(env=environment({"TERM": "xterm-256color"})) as server:
        server.start(command, width=80, height=24)
        yield server, status


def test_procreg_in_tmux(tmux: tuple[Tmux, Path]) -> None:
    """Command line shown, c fills tmux's buffer, ? shows help, q exits with 0."""
    server, status = tmux

    screen = server.wait_for(lambda s: "/tmp/procreg/output" in s, "the command line")
    assert "ffmpeg-to-mp3" in screen
    assert "timeout 600 /usr/local/bin/ffmpeg -i" in screen

    server.send("c")
    server.wait_for(lambda s: "paste buffer" in s, "the copy notification")
    assert server("show-buffer") == COMMAND

    server.send("?")
    help_screen = server.wait_for(lambda s: "procreg keys" in s, "the help")
    assert "Copy the resolved command line" in help_screen
    server.send("Escape")
    server.wait_for(lambda s: "procreg keys" not in s, "the help closing")

    server.send("q")
    assert wait_for_file(status, "the exit status") == "0"
