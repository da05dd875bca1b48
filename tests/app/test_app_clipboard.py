"""Copying the command line: system clipboard, OSC 52, tmux's buffer, honestly told."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pyperclip
import pytest
from app_helpers import settle, until_loaded
from textual.geometry import Region
from textual.widgets import Static, TextArea
from textual.widgets._toast import Toast

from procreg_tui.app import clipboard, create_app
from procreg_tui.app._dialogs import TextScreen
from procreg_tui.app.clipboard import CopyOutcome, copy_text
from procreg_tui.registry import Registry

COMMAND = (
    "timeout 600 /usr/local/bin/ffmpeg -i /tmp/procreg/input -q:a 2 /tmp/procreg/output"
)


def _no_system_clipboard(text: str) -> None:
    raise pyperclip.PyperclipException("no clipboard mechanism found")


class _Tmux:
    """Records tmux commands and answers with the given status."""

    def __init__(self, status: int = 0) -> None:
        self.status = status
        self.calls: list[tuple[list[str], bytes]] = []

    def __call__(
        self, command: list[str], **kw: Any
    ) -> subprocess.CompletedProcess[bytes]:
        self.calls.append((command, kw["input"]))
        return subprocess.CompletedProcess(command, self.status, b"", b"no server")


def test_system_clipboard_is_tried_first() -> None:
    """Where pyperclip works, the text goes there alone and the copy is certain."""
    copied: list[str] = []
    sent: list[str] = []

    outcome = copy_text(
        "a b", send_osc52=sent.append, environ={}, system_copy=copied.append
    )

    assert outcome == CopyOutcome((clipboard.SYSTEM,), certain=True)
    assert copied == ["a b"]
    assert sent == []
    assert outcome.describe("command line") == (
        "Copied the command line to the system clipboard."
    )


def test_without_a_display_osc52_is_sent_and_not_claimed() -> None:
    """Without a system clipboard or tmux, OSC 52 is sent and called uncertain."""
    sent: list[str] = []

    outcome = copy_text(
        "x", send_osc52=sent.append, environ={}, system_copy=_no_system_clipboard
    )

    assert sent == ["x"]
    assert outcome.routes == (clipboard.TERMINAL,)
    assert outcome.certain is False
    assert outcome.describe("command line") == (
        "Sent the command line to the terminal clipboard (OSC 52); whether the "
        "terminal accepted it cannot be known."
    )


def test_inside_tmux_the_paste_buffer_is_loaded() -> None:
    """Inside tmux the text is also loaded into tmux's buffer, which is certain."""
    tmux = _Tmux()

    outcome = copy_text(
        "ls -l",
        send_osc52=lambda text: None,
        environ={"TMUX": "/tmp/tmux-0/default,1,0"},
        system_copy=_no_system_clipboard,
        run=tmux,
    )

    assert tmux.calls == [(["tmux", "load-buffer", "-w", "-"], b"ls -l")]
    assert outcome.routes == (clipboard.TERMINAL, clipboard.TMUX)
    assert outcome.certain is True
    assert outcome.describe("command line") == (
        "Copied the command line to tmux's paste buffer (paste it with the tmux "
        "prefix, then ]), and sent it to the terminal clipboard (OSC 52)."
    )


def test_a_failing_tmux_is_reported() -> None:
    """When tmux refuses the buffer, the copy stays uncertain and says why."""
    outcome = copy_text(
        "ls",
        send_osc52=lambda text: None,
        environ={"TMUX": "x"},
        system_copy=_no_system_clipboard,
        run=_Tmux(status=1),
    )

    assert outcome.routes == (clipboard.TERMINAL,)
    assert outcome.certain is False
    assert outcome.notes == ("tmux: no server.",)


def test_long_text_skips_osc52_and_huge_text_is_not_copied() -> None:
    """Past the OSC 52 limit only tmux gets the text; past the cap nothing does."""
    sent: list[str] = []
    long_text = "a" * (clipboard.MAX_OSC52_BYTES + 1)

    outcome = copy_text(
        long_text,
        send_osc52=sent.append,
        environ={"TMUX": "x"},
        system_copy=_no_system_clipboard,
        run=_Tmux(),
    )
    huge = copy_text(
        "a" * (clipboard.MAX_COPY_CHARS + 1),
        send_osc52=sent.append,
        environ={},
        system_copy=_no_system_clipboard,
    )

    assert sent == []
    assert outcome.routes == (clipboard.TMUX,)
    assert outcome.notes == (
        "Too long for the terminal clipboard (over 56,245 bytes).",
    )
    assert huge.routes == ()
    assert huge.describe("command line").startswith(
        "Could not copy the command line: no clipboard is reachable. It is "
        "1,000,001 characters long; the limit is 1,000,000."
    )


@pytest.mark.asyncio
async def test_c_without_display_shows_the_text_to_select(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """c with only OSC 52 at hand opens a dialog holding the command line."""
    monkeypatch.setattr(pyperclip, "copy", _no_system_clipboard)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("c")
        for _ in range(200):
            if isinstance(app.screen, TextScreen):
                break
            await pilot.pause(0.02)

        assert isinstance(app.screen, TextScreen)
        assert app.screen.query_one("#text").text == COMMAND  # type: ignore[attr-defined]
        assert app.clipboard == COMMAND
        assert app.last_copy is not None
        assert app.last_copy.routes == (clipboard.TERMINAL,)


@pytest.mark.asyncio
async def test_c_with_a_system_clipboard_notifies(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """c with a working system clipboard copies the real command line and says so."""
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("c")
        for _ in range(200):
            if copied:
                break
            await pilot.pause(0.02)
        await pilot.pause()

        assert copied == [COMMAND]
        messages = [note.message for note in app._notifications]
        assert messages == ["Copied the command line to the system clipboard."]


COPIED = (
    "Copied the command line to tmux's paste buffer (paste it with the tmux "
    "prefix, then ]), and sent it to the terminal clipboard (OSC 52)."
)


@pytest.mark.asyncio
async def test_notifications_leave_the_command_line_readable(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80x24 the notification after c takes four rows, a repeated one replaces
    the one shown, and notifications never cover the command line: the oldest
    give way to the newest."""
    monkeypatch.setattr(pyperclip, "copy", _no_system_clipboard)
    monkeypatch.setattr(clipboard, "_load_tmux_buffer", lambda text, run: None)
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = create_app(registry)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until_loaded(pilot)
        await pilot.press("j")
        await settle(pilot)
        command = app.query_one("#command-line")
        assert command.region == Region(30, 13, 48, 3)

        async def copy() -> None:
            app.last_copy = None
            await pilot.press("c")
            for _ in range(200):
                if app.last_copy is not None:
                    break
                await pilot.pause(0.02)
            await pilot.pause()

        def messages() -> list[str]:
            return [note.message for note in app._notifications]

        def covered() -> set[tuple[int, int]]:
            region = command.region
            return {
                (x, y)
                for y in range(region.y, region.bottom)
                for x in range(region.x, region.right)
                if app.screen.get_widget_at(x, y)[0] is not command
            }

        await copy()
        (toast,) = app.query(Toast)
        assert toast.region == Region(29, 19, 49, 4)
        assert toast.render().plain == COPIED

        await copy()
        assert messages() == [COPIED]
        await pilot.press("s")
        await pilot.pause(0.1)
        shown_now = "Secret-looking values are shown in the editor and the panel."
        assert messages() == [COPIED, shown_now]
        assert [toast.region for toast in app.query(Toast)] == [
            Region(29, 16, 49, 4),
            Region(29, 20, 49, 3),
        ]
        assert covered() == set()

        await pilot.press("s", "r")
        await pilot.pause(0.3)
        assert messages() == [
            "Secret-looking values are masked in the editor and the panel.",
            "Read the registry again: 6 definitions.",
        ]
        assert covered() == set()


PYPERCLIP_MESSAGE = (
    "Pyperclip could not find a copy/paste mechanism for your system. For more "
    "information, please visit https://pyperclip.readthedocs.io/en/latest/"
    "index.html#not-implemented-error\nOn Linux, you can run `sudo apt-get install "
    "xclip`, `sudo apt-get install xselect` (on X11) or `sudo apt-get install "
    "wl-clipboard` (on Wayland) to install a copy/paste mechanism."
)
"""What pyperclip raises where it finds no clipboard program."""


def _pyperclip_finds_nothing(text: str) -> None:
    raise pyperclip.PyperclipException(PYPERCLIP_MESSAGE)


@pytest.mark.parametrize(
    ("environ", "note"),
    [
        ({}, "There is no system clipboard: no display is set."),
        (
            {"DISPLAY": ":0"},
            "The system clipboard cannot be reached: it needs xclip, xsel or "
            "wl-clipboard installed.",
        ),
    ],
    ids=["no-display", "display"],
)
def test_pyperclip_advice_is_one_plain_sentence(
    environ: dict[str, str], note: str
) -> None:
    """pyperclip's several lines of advice become one sentence of the reason."""
    outcome = copy_text(
        "a" * (clipboard.MAX_OSC52_BYTES + 1),
        send_osc52=lambda text: None,
        environ=environ,
        system_copy=_pyperclip_finds_nothing,
    )

    assert outcome.notes[0] == note


def test_other_clipboard_failures_keep_their_first_line() -> None:
    """Another failure is told by its first line, as one sentence."""
    outcome = copy_text(
        "a" * (clipboard.MAX_OSC52_BYTES + 1),
        send_osc52=lambda text: None,
        environ={},
        system_copy=lambda text: (_ for _ in ()).throw(
            pyperclip.PyperclipException("Error calling xclip.\nTraceback...")
        ),
    )

    assert outcome.notes[0] == "The system clipboard failed: Error calling xclip."


@pytest.mark.asyncio
async def test_a_long_command_line_is_shown_cut_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no clipboard, a command line too long to show whole is shown cut,
    and the dialog says so and how long it is; pyperclip's advice is told in
    one plain sentence."""
    monkeypatch.setattr(pyperclip, "copy", _pyperclip_finds_nothing)
    word = "a" * 150_000
    with Registry.open(tmp_path / "registry.json") as registry:
        registry.create({"exec": "/bin/echo", "argv": [word]})
        app = create_app(registry)
        async with app.run_test(size=(80, 24)) as pilot:
            await until_loaded(pilot)
            await settle(pilot)
            await pilot.press("c")
            for _ in range(300):
                if isinstance(app.screen, TextScreen):
                    break
                await pilot.pause(0.02)

            assert isinstance(app.screen, TextScreen)
            message = str(app.screen.query_one(".dialog-body", Static).content)
            text = app.screen.query_one("#text", TextArea).text

    full = f"/bin/echo {word}"
    assert message == (
        "Could not copy the command line: no clipboard is reachable. There is "
        "no system clipboard: no display is set. Too long for the terminal "
        "clipboard (over 56,245 bytes). Below are the first 100,000 of its "
        f"{len(full):,} characters, the rest cut; procreg render prints it whole."
    )
    assert text == full[:100_000]
