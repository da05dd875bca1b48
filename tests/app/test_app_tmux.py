"""The real ``procreg`` in tmux at 80x24 without a display, driven by keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from procreg_tui.registry import Registry

pytestmark = pytest.mark.tmux

COMMAND = (
    "timeout 600 /usr/local/bin/ffmpeg -i /tmp/procreg/input -q:a 2 /tmp/procreg/output"
)

if shutil.which("tmux") is None and os.environ.get("CI") != "true":
    pytest.skip("tmux is not installed", allow_module_level=True)


class Tmux:
    """A tmux server of its own, so the test never touches the user's sessions."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        """Run a tmux command on this server and return what it printed."""
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return result.stdout

    def screen(self) -> str:
        """Return the text of the pane."""
        return self("capture-pane", "-p", "-t", "app")

    def wait_for(self, found: Callable[[str], bool], what: str) -> str:
        """Wait until the pane shows what ``found`` looks for; fail after 20 s."""
        deadline = time.monotonic() + 20
        while True:
            screen = self.screen()
            if found(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the pane never showed {what}:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def tmux(
    tmp_path: Path, example_definitions: list[dict[str, Any]]
) -> Iterator[tuple[Tmux, Path]]:
    """A tmux server running ``procreg --db`` on the examples in an 80x24 window."""
    database = tmp_path / "registry.json"
    with Registry.open(database) as registry:
        registry.create_many(example_definitions)
    status = tmp_path / "status"
    procreg = Path(sys.executable).with_name("procreg")
    shell = f"{procreg} --db {database}; echo $? > {status}; sleep 30"
    server = Tmux(f"procreg-test-{uuid.uuid4().hex[:8]}")
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "TMUX")}
    environment["TERM"] = "xterm-256color"
    subprocess.run(
        ["tmux", "-L", server.socket, "-f", "/dev/null", "new-session", "-d",
         "-s", "app", "-x", "80", "-y", "24", "env", "-u", "DISPLAY",
         "-u", "WAYLAND_DISPLAY", "sh", "-c", shell],
        env=environment,
        check=True,
        timeout=10,
    )  # fmt: skip
    try:
        yield server, status
    finally:
        subprocess.run(
            ["tmux", "-L", server.socket, "kill-server"],
            capture_output=True,
            timeout=10,
            check=False,
        )


def test_procreg_in_tmux(tmux: tuple[Tmux, Path]) -> None:
    """Command line shown, c fills tmux's buffer, ? shows help, q exits with 0."""
    server, status = tmux

    screen = server.wait_for(lambda s: "/tmp/procreg/output" in s, "the command line")
    assert "ffmpeg-to-mp3" in screen
    assert "timeout 600 /usr/local/bin/ffmpeg -i" in screen

    server("send-keys", "-t", "app", "c")
    server.wait_for(lambda s: "paste buffer" in s, "the copy notification")
    assert server("show-buffer") == COMMAND

    server("send-keys", "-t", "app", "?")
    help_screen = server.wait_for(lambda s: "procreg keys" in s, "the help")
    assert "Copy the resolved command line" in help_screen
    server("send-keys", "-t", "app", "Escape")
    server.wait_for(lambda s: "procreg keys" not in s, "the help closing")

    server("send-keys", "-t", "app", "q")
    deadline = time.monotonic() + 20
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status.read_text().strip() == "0"
