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


def _start(
    server: Tmux, database: Path, status: Path, env: dict[str, str] | None = None
) -> None:
    """Start ``procreg --db database`` in the server's 80x24 window."""
    command = in_shell(
        [str(procreg_script()), "--db", str(database)], status=status, env=env
    )
    server.start(command, width=80, height=24)


SCROLLBAR = str.maketrans("", "", "▁▂▃▄▅▆▇█")
"""The glyphs of a scrollbar's thumb, which may share a row with a notification."""


def _toasts(screen: str) -> str:
    """Return the text of the notifications on ``screen`` without white space.

    A long word (a path) is cut anywhere when the notification wraps it, so
    the text is compared with all white space taken out.
    """
    parts = [
        line.rsplit("▌", 1)[1].translate(SCROLLBAR)
        for line in screen.splitlines()
        if "▌" in line
    ]
    return "".join("".join(parts).split())


def test_an_editor_that_cannot_start_gives_the_screen_back(
    tmp_path: Path, example_definitions: list[dict[str, Any]]
) -> None:
    """e with an editor that is not installed, or that fails to start once the
    screen is handed over, leaves the app on screen, saying why."""
    database = tmp_path / "registry.json"
    with Registry.open(database) as registry:
        registry.create_many(example_definitions)
    # Executable but not a program: the system refuses to start it.
    junk = tmp_path / "junk-editor"
    junk.write_bytes(b"\x7fELF\x00\x00 not a program\n")
    junk.chmod(0o755)

    for editor, message in (
        (
            "/nonexistent-editor",
            "Cannot run the editor '/nonexistent-editor': not found; set VISUAL",
        ),
        (str(junk), f"Cannot run the editor '{junk}': [Errno 8] Exec format error"),
    ):
        status = tmp_path / "status"
        status.unlink(missing_ok=True)
        with tmux_server(env=environment({"TERM": "xterm-256color"})) as server:
            _start(server, database, status, {"EDITOR": editor})
            server.wait_for(lambda s: "ffmpeg-to-mp3" in s, "the list")

            server.send("e")
            wanted = "".join(message.split())
            screen = server.wait_for(
                lambda s, m=wanted: m in _toasts(s), "the editor's failure"
            )
            assert "ffmpeg-to-mp3" in screen
            server.send("q")
            assert wait_for_file(status, "the exit status") == "0"
    with Registry.open(database) as registry:
        assert [record.revision for record in registry.records()] == [1] * 6
