"""A terminal that goes away, as a dropped SSH connection takes it, loses no edit."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tmux_harness import (
    DEADLINE,
    in_shell,
    procreg_script,
    skip_unless_installed,
    tmux_server,
    wait_for_file,
)

from procreg_tui.registry import Registry

pytestmark = pytest.mark.tmux

skip_unless_installed("tmux")


def _wait_until_ended(pid: int) -> None:
    """Wait until process ``pid`` has ended (a hung-up app takes a moment)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"procreg (pid {pid}) did not end after its terminal closed")


def test_edits_survive_a_closed_terminal(registry_file: Path, tmp_path: Path) -> None:
    """Type, then kill the tmux session (SIGHUP, as a dropped connection does):
    the next procreg on the registry shows the edit, unsaved; quitting without
    it gives it up for good."""
    command = [str(procreg_script()), "--db", str(registry_file)]
    with tmux_server("procreg-hangup") as tmux:
        tmux.start(in_shell(command, status=tmp_path / "first"), width=80, height=24)
        tmux.wait_for(lambda screen: "/tmp/procreg/output" in screen, "the app")
        tmux.send("Enter")
        tmux.wait_for(lambda screen: "esc List" in screen, "the editor's keys")
        tmux.send("-l", "KEPT")
        tmux.wait_for(lambda screen: "(unsaved)" in screen, "the unsaved edit")
        # Kept within a poll of the registry; wait a little longer than one.
        drafts = tmp_path / "state" / "procreg" / "drafts"
        tmux.wait_for(lambda _: any(drafts.glob("*.json")), "the kept edit")
        (kept,) = drafts.glob("*.json")
        tmux.kill()
    _wait_until_ended(int(kept.stem.rsplit("-", 1)[1]))

    status = tmp_path / "second"
    with tmux_server("procreg-after") as tmux:
        tmux.start(in_shell(command, status=status), width=80, height=24)
        screen = tmux.wait_for(lambda s: "Recovered" in s, "the recovered edit")
        assert "#1 ffmpeg-to-mp3 (unsaved)" in screen
        assert " 1  KEPT{" in screen

        tmux.send("q")
        tmux.wait_for(lambda s: "Quit and lose them?" in s, "the quit question")
        tmux.send("y")
        assert wait_for_file(status, "the exit status") == "0"

    with Registry.open(registry_file) as registry:
        assert registry.get(1).revision == 1
    assert list(drafts.glob("*.json")) == []
