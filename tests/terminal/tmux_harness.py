"""The real ``procreg`` in a tmux server of its own, read back as the screen's text.

Shared by the terminal tests and the app's tmux test. Every wait here is a
deadline, not a pause: it returns as soon as the screen shows what is looked
for, and fails with the screen after :data:`DEADLINE` seconds.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

DEADLINE = 30.0
"""Seconds a wait may take; an app start takes 1-3 s, much more on a loaded machine."""

COMMAND = (
    "timeout 600 /usr/local/bin/ffmpeg -i /tmp/procreg/input -q:a 2 /tmp/procreg/output"
)
"""The command line of definition 1 of the examples, ffmpeg-to-mp3."""

SESSION = "app"
"""The name of the one session of every server."""

_LEFT_OUT = (
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "TMUX",
    "TMUX_PANE",
    "TMUX_TMPDIR",
    "COLUMNS",
    "LINES",
)
"""Variables never handed to tmux: no display, never the user's own tmux, and no
terminal size but the window's (pytest-xdist's workers set COLUMNS and LINES)."""


def procreg_script() -> Path:
    """Return the ``procreg`` console script of the running Python."""
    return Path(sys.executable).with_name("procreg")


def missing_programs(*programs: str) -> list[str]:
    """Return those of ``programs`` (names on PATH or absolute paths) not installed."""
    missing = []
    for program in programs:
        if os.path.isabs(program):
            found = os.access(program, os.X_OK)
        else:
            found = any(
                os.access(Path(folder) / program, os.X_OK)
                for folder in os.environ.get("PATH", os.defpath).split(os.pathsep)
            )
        if not found:
            missing.append(program)
    return missing


def skip_unless_installed(*programs: str) -> None:
    """Skip the calling module when a program is missing, except in CI.

    In CI (``CI=true``) a missing program is a broken machine: the tests run
    and fail instead of hiding behind a skip.
    """
    missing = missing_programs(*programs)
    if missing and os.environ.get("CI") != "true":
        pytest.skip(f"not installed: {', '.join(missing)}", allow_module_level=True)


def environment(
    overrides: Mapping[str, str] | None = None, *, without: Sequence[str] = ()
) -> dict[str, str]:
    """Return this process's environment for tmux, with ``overrides``.

    A display, the user's own tmux and the variables ``without`` are left out.
    """
    left_out = {*_LEFT_OUT, *without}
    base = {name: value for name, value in os.environ.items() if name not in left_out}
    base.update(overrides or {})
    return base


def wait_for_file(path: Path, what: str) -> str:
    """Wait until a shell has written one line to ``path``; return it, stripped."""
    deadline = time.monotonic() + DEADLINE
    while True:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if text.endswith("\n"):
            return text.strip()
        if time.monotonic() > deadline:
            pytest.fail(f"{what} was never written to {path}")
        time.sleep(0.1)


class Tmux:
    """A tmux server of its own, so a test never touches the user's sessions."""

    def __init__(self, socket: str, env: Mapping[str, str] | None = None) -> None:
        self.socket = socket
        """The server's name, as given to ``tmux -L``."""
        self.env = dict(environment() if env is None else env)
        """The environment of every tmux command of this server (:func:`environment`
        unless given); the server hands it to the panes it starts."""

    def __call__(self, *args: str) -> str:
        """Run a tmux command on this server and return what it printed."""
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            encoding="utf-8",
            env=self.env,
            check=True,
            timeout=10,
        )
        return result.stdout

    def start(self, command: Sequence[str], *, width: int, height: int) -> None:
        """Start the server with one detached ``width`` x ``height`` window."""
        self(
            "new-session", "-d", "-s", SESSION, "-x", str(width), "-y", str(height),
            *command,
        )  # fmt: skip

    def screen(self, *, escapes: bool = False) -> str:
        """Return the text of the pane; ``escapes`` keeps colours and attributes."""
        return self("capture-pane", "-p", *(["-e"] if escapes else []), "-t", SESSION)

    def send(self, *keys: str) -> None:
        """Press ``keys`` (tmux key names such as ``q`` or ``Escape``)."""
        self("send-keys", "-t", SESSION, *keys)

    def scroll_down(self, column: int, row: int) -> None:
        """Turn the mouse wheel one notch down over the cell ``column``, ``row``.

        Both count from 0. The app asks for SGR mouse reports; this is the one a
        terminal sends for one notch of the wheel.
        """
        self("send-keys", "-t", SESSION, "-l", f"\x1b[<65;{column + 1};{row + 1}M")

    def wait_for(self, found: Callable[[str], bool], what: str) -> str:
        """Wait until the pane shows what ``found`` looks for; return the screen."""
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if found(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the pane never showed {what}:\n{screen}")
            time.sleep(0.1)

    def scroll_until(
        self, found: Callable[[str], bool], what: str, *, column: int, row: int
    ) -> str:
        """Turn the mouse wheel down over a cell until the pane shows what is wanted.

        Returns the screen; fails after :data:`DEADLINE` seconds.
        """
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if found(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"scrolling never showed {what}:\n{screen}")
            self.scroll_down(column, row)
            time.sleep(0.1)

    @property
    def socket_path(self) -> Path:
        """Where the server's socket is (``-L`` names a file in tmux's folder)."""
        folder = self.env.get("TMUX_TMPDIR") or "/tmp"
        return Path(folder) / f"tmux-{os.getuid()}" / self.socket

    def kill(self) -> None:
        """Stop the server and all that runs in it, and remove its socket.

        Quiet if the server has gone already (it ends with its last session).
        """
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            env=self.env,
            timeout=10,
            check=False,
        )
        if self.socket_path.is_socket():
            self.socket_path.unlink()


@contextmanager
def tmux_server(
    prefix: str = "procreg-test", env: Mapping[str, str] | None = None
) -> Iterator[Tmux]:
    """Give a tmux server with a unique name; kill it afterwards, whatever happened.

    ``env`` is the environment of its tmux commands, :func:`environment` if omitted.
    """
    server = Tmux(f"{prefix}-{uuid.uuid4().hex[:8]}", env)
    try:
        yield server
    finally:
        server.kill()


def in_shell(
    command: Sequence[str],
    *,
    status: Path,
    unset: Sequence[str] = ("DISPLAY", "WAYLAND_DISPLAY"),
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """Return a pane command running ``command`` and writing its status to ``status``.

    ``unset`` variables are removed and ``env`` set right before ``command``,
    after tmux has set up the pane (tmux sets ``TERM`` itself otherwise). The
    pane stays open afterwards so that its last screen can still be read.
    """
    words = ["env"]
    for name in unset:
        words += ["-u", name]
    words += [f"{name}={value}" for name, value in (env or {}).items()]
    script = f'{shlex.join([*words, *command])}; echo "$?" > {shlex.quote(str(status))}'
    return ["sh", "-c", f"{script}; sleep 600"]


@dataclass(frozen=True)
class Panel:
    """A rectangle of the screen: the rows of one pane of the app, as text."""

    left: int
    """The first column (0-based)."""
    top: int
    """The first row (0-based)."""
    right: int
    """The column after the last one: the scrollbar's column stays out."""
    bottom: int
    """The row after the last one."""

    @classmethod
    def under(cls, screen: str, heading: str, *, right: int, bottom: int) -> Panel:
        """Return the panel whose top left corner is where ``heading`` is drawn."""
        for row, line in enumerate(screen.splitlines()):
            column = line.find(heading)
            if column >= 0:
                return cls(column, row, right, bottom)
        pytest.fail(f"no {heading!r} on the screen:\n{screen}")

    def rows(self, screen: str) -> list[str]:
        """Return the panel's rows of ``screen``, without trailing blanks."""
        lines = screen.splitlines()[self.top : self.bottom]
        return [line[self.left : self.right].rstrip() for line in lines]

    def section(self, screen: str, heading: str) -> list[str]:
        """Return the rows after the row ``heading`` up to the next empty row."""
        rows = self.rows(screen)
        if heading not in rows:
            return []
        start = rows.index(heading) + 1
        end = rows.index("", start) if "" in rows[start:] else len(rows)
        return rows[start:end]
