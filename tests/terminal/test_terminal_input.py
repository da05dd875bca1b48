"""What a terminal may send that is not a key: bytes that are not UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest
from tmux_harness import (
    in_shell,
    procreg_script,
    skip_unless_installed,
    tmux_server,
    wait_for_file,
)

pytestmark = pytest.mark.tmux

skip_unless_installed("tmux")


@pytest.mark.parametrize(
    "raw", ["ff", "9b", "e9 20 61"], ids=["0xff", "C1 CSI 0x9b", "Latin-1 é"]
)
def test_bytes_that_are_not_utf8_keep_the_app_and_the_unsaved_edit(
    registry_file: Path, tmp_path: Path, raw: str
) -> None:
    """An invalid byte arrives as U+FFFD in the editor; the app goes on.

    The unsaved edit typed before it is still there, and q then asks about it
    rather than the app having ended.
    """
    status = tmp_path / "status"
    with tmux_server("procreg-input") as tmux:
        command = in_shell(
            [str(procreg_script()), "--db", str(registry_file)], status=status
        )
        tmux.start(command, width=80, height=24)
        tmux.wait_for(lambda screen: "/tmp/procreg/output" in screen, "the app")

        tmux.send("Enter")
        # Keys typed before the editor has the focus would go to the list.
        tmux.wait_for(lambda screen: "esc List" in screen, "the editor's keys")
        tmux.send("-l", "zz")
        tmux.wait_for(lambda screen: "(unsaved)" in screen, "the unsaved edit")
        tmux.send("-H", *raw.split())
        tmux.wait_for(lambda screen: " 1  zz\ufffd" in screen, "the replacement")
        tmux.send("Escape")
        tmux.wait_for(lambda screen: "? Help" in screen, "the list's keys")
        tmux.send("q")

        screen = tmux.wait_for(
            lambda screen: "Quit and lose them?" in screen, "the quit question"
        )
        assert "Definition 1 has unsaved edits." in screen
        assert not status.exists()
        tmux.send("y")
        assert wait_for_file(status, "the exit status") == "0"
