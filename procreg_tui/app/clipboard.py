"""Copying text where users are: a desktop, an SSH session, inside tmux.

The system clipboard (through pyperclip) is tried first. Where there is none,
as on a login node without a display, the text goes to the terminal with an
OSC 52 sequence, and inside tmux also into tmux's paste buffer. Only a route
that reports success counts as certain: whether a terminal honoured OSC 52
cannot be known, and the outcome says so.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyperclip

MAX_COPY_CHARS = 1_000_000
"""Longer text is not copied at all: it is shown for the user to save instead."""

MAX_OSC52_BYTES = 74_994 * 3 // 4
"""The largest text sent with OSC 52; many terminals drop longer sequences."""

SYSTEM = "the system clipboard"
TERMINAL = "the terminal clipboard (OSC 52)"
TMUX = "tmux's paste buffer"


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    """Which ways a text went, and whether any of them is known to have worked."""

    routes: tuple[str, ...]
    """The places the text was handed to, such as :data:`SYSTEM` or :data:`TMUX`."""
    certain: bool
    """Whether one of the routes confirmed that it holds the text."""
    notes: tuple[str, ...] = ()
    """Why a route was skipped or failed."""

    def describe(self, what: str) -> str:
        """Return a sentence telling the user where ``what`` went."""
        if not self.routes:
            reasons = " ".join(self.notes)
            return f"Could not copy the {what}: no clipboard is reachable. {reasons}"

        if self.certain:
            known = [route for route in self.routes if route != TERMINAL]
            sentence = f"Copied the {what} to {' and '.join(known)}"
            if TMUX in known:
                sentence += " (paste it with the tmux prefix, then ])"
            if TERMINAL in self.routes:
                sentence += f", and sent it to {TERMINAL}"
            sentence += "."
        else:
            sentence = (
                f"Sent the {what} to {' and '.join(self.routes)}; whether the "
                "terminal accepted it cannot be known."
            )
        return " ".join((sentence, *self.notes))


Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


def copy_text(
    text: str,
    *,
    send_osc52: Callable[[str], None],
    environ: Mapping[str, str],
    system_copy: Callable[[str], None] | None = None,
    run: Runner = subprocess.run,
) -> CopyOutcome:
    """Copy ``text`` the best way the environment allows and report how.

    Args:
        text: What to copy.
        send_osc52: Writes the OSC 52 sequence holding the text to the terminal.
        environ: The environment; ``TMUX`` tells whether tmux is around.
        system_copy: Puts text on the system clipboard and raises when there is
            none; :func:`pyperclip.copy` by default.
        run: Runs a command, as :func:`subprocess.run` does.

    Returns:
        The routes the text took. Nothing is copied when the text is longer than
        :data:`MAX_COPY_CHARS`; the notes say so.
    """
    if len(text) > MAX_COPY_CHARS:
        note = f"It is {len(text):,} characters long; the limit is {MAX_COPY_CHARS:,}."
        return CopyOutcome((), certain=False, notes=(note,))

    try:
        (system_copy or pyperclip.copy)(text)
    except (pyperclip.PyperclipException, OSError) as error:
        system_note = _system_note(error, environ)
    else:
        return CopyOutcome((SYSTEM,), certain=True)

    routes: list[str] = []
    notes: list[str] = []
    if len(text.encode()) <= MAX_OSC52_BYTES:
        send_osc52(text)
        routes.append(TERMINAL)
    else:
        notes.append(
            f"Too long for the terminal clipboard (over {MAX_OSC52_BYTES:,} bytes)."
        )

    certain = False
    if environ.get("TMUX"):
        tmux_note = _load_tmux_buffer(text, run)
        if tmux_note is None:
            routes.append(TMUX)
            certain = True
        else:
            notes.append(tmux_note)

    if not routes:
        notes.insert(0, system_note)
    return CopyOutcome(tuple(routes), certain=certain, notes=tuple(notes))


def _system_note(error: Exception, environ: Mapping[str, str]) -> str:
    """Return one plain sentence saying why the system clipboard failed.

    pyperclip's own message runs to several lines of installation advice for
    a desktop; on a login node the reason is simply that there is no display.
    """
    message = str(error)
    if "copy/paste mechanism" in message:
        if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
            return "There is no system clipboard: no display is set."
        return (
            "The system clipboard cannot be reached: it needs xclip, xsel or "
            "wl-clipboard installed."
        )
    if isinstance(error, OSError) and error.strerror:
        message = error.strerror
    first = " ".join(message.split("\n", 1)[0].split()).rstrip(". ")
    return f"The system clipboard failed: {first or type(error).__name__}."


def _load_tmux_buffer(text: str, run: Runner) -> str | None:
    """Put ``text`` in tmux's paste buffer; return why it failed, or ``None``."""
    data = text.encode()
    for command in (["tmux", "load-buffer", "-w", "-"], ["tmux", "load-buffer", "-"]):
        try:
            result = run(command, input=data, capture_output=True, timeout=5)
        except (OSError, subprocess.SubprocessError) as error:
            return f"tmux: {error}."
        if result.returncode == 0:
            return None
        failure = result.stderr.decode(errors="replace").strip()
    return f"tmux: {failure or 'load-buffer failed'}."
