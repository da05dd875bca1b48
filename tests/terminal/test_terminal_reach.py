"""The real ``procreg`` in tmux on the terminals it must reach, without a display.

Each case starts ``procreg --db FILE`` in a private tmux server with one
terminal type, size, locale and colour setting, reads the screen back and
quits with ``q``. At 80x24 the wiring is below the fold of the live panel; it
is reached by keyboard, as a user would: ``w`` brings its start into view and
End its end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from example_wiring import WIRING_AT_80
from tmux_harness import (
    COMMAND,
    Panel,
    Tmux,
    environment,
    in_shell,
    procreg_script,
    skip_unless_installed,
    tmux_server,
    wait_for_file,
)

pytestmark = pytest.mark.tmux

skip_unless_installed("tmux")

LABELS = [
    "ffmpeg-to-mp3",
    "full-format-service",
    "iconv-output-argument",
    "sort-lines",
    "tr-strip-x",
    "wc-input-argument",
]
"""The labels of the examples, in the order of their ids."""

WIRING = [
    "message bus",
    "  ↓",
    "input adapter   file path",
    "    path        /tmp/procreg/input  (${input_file})",
    "    how         passed as argument 2",
    "  ↓",
    "process         /usr/local/bin/ffmpeg  (5 arguments)",
    "  ↓",
    "output adapter  file path",
    "    path        /tmp/procreg/output  (${output_file})",
    "    how         passed as argument 5; read back after exit",
    "  ↓",
    "message bus",
]
"""The wiring of ffmpeg-to-mp3 with the sample bindings, line by line."""

LOCALE_AND_COLOUR = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "NO_COLOR")
"""Variables each case sets itself or leaves unset."""
COLOUR_HINTS = ("COLORTERM", "FORCE_COLOR", "TERM_PROGRAM")
"""Variables that would override what ``TERM`` says about colours."""


@dataclass(frozen=True)
class Terminal:
    """One terminal procreg must work on."""

    width: int
    height: int
    term: str
    lang: str = "C.UTF-8"
    lc_all: str | None = None
    """``LC_ALL``; ``None`` leaves it unset."""
    no_color: bool = False
    exported_size: bool = False
    """Whether ``COLUMNS`` and ``LINES`` hold the size, as a shell exporting them."""

    @property
    def ascii(self) -> bool:
        """Whether the locale's character set is not UTF-8, so that the app
        draws its symbols and lines in ASCII: ``LC_ALL=C``. (``LANG=C`` alone
        is read by Python as ``C.UTF-8``.)"""
        return self.lc_all is not None and "utf" not in self.lc_all.lower()

    @property
    def colours_256(self) -> bool:
        """Whether ``TERM`` promises 256 colours rather than 16."""
        return self.term.endswith("-256color")

    def variables(self) -> dict[str, str]:
        """Return the variables the app is started with."""
        variables = {"TERM": self.term, "LANG": self.lang}
        if self.lc_all is not None:
            variables["LC_ALL"] = self.lc_all
        if self.no_color:
            variables["NO_COLOR"] = "1"
        if self.exported_size:
            variables.update(COLUMNS=str(self.width), LINES=str(self.height))
        return variables


TERMINALS = [
    pytest.param(Terminal(80, 24, "xterm-256color"), id="80x24-xterm-256color"),
    pytest.param(Terminal(80, 24, "xterm"), id="80x24-xterm"),
    pytest.param(Terminal(80, 24, "screen-256color"), id="80x24-screen-256color"),
    pytest.param(
        Terminal(80, 24, "linux", lang="C", lc_all="C"), id="80x24-linux-LC_ALL=C"
    ),
    pytest.param(Terminal(80, 24, "xterm-256color", lang="C"), id="80x24-LANG=C"),
    pytest.param(
        Terminal(80, 24, "xterm-256color", no_color=True), id="80x24-NO_COLOR"
    ),
    pytest.param(Terminal(200, 60, "xterm-256color"), id="200x60-xterm-256color"),
    pytest.param(
        Terminal(200, 60, "linux", lang="C", lc_all="C", no_color=True),
        id="200x60-linux-LC_ALL=C-NO_COLOR",
    ),
]


def start_app(server: Tmux, database: Path, status: Path, terminal: Terminal) -> None:
    """Start ``procreg --db database`` in ``server`` as ``terminal`` says."""
    command = in_shell(
        [str(procreg_script()), "--db", str(database)],
        status=status,
        unset=("DISPLAY", "WAYLAND_DISPLAY", *LOCALE_AND_COLOUR, *COLOUR_HINTS),
        env=terminal.variables(),
    )
    server.start(command, width=terminal.width, height=terminal.height)


@pytest.fixture
def new_tmux() -> Iterator[Callable[[Terminal], Tmux]]:
    """Give tmux servers living in the environment of a terminal; all killed after.

    The server's own environment (the user's shell) has the terminal's
    variables too, as it would when started from that terminal.
    """
    with ExitStack() as servers:

        def new(terminal: Terminal) -> Tmux:
            env = environment(
                terminal.variables(), without=(*LOCALE_AND_COLOUR, *COLOUR_HINTS)
            )
            return servers.enter_context(tmux_server("procreg-terminal", env))

        yield new


def list_rows(screen: str) -> list[list[str]]:
    """Return the id and label of each row of the definition list."""
    lines = screen.splitlines()
    assert lines[0].startswith(("─Definitions 6/6─", "-Definitions 6/6-")), screen
    return [line.split()[:2] for line in lines[2 : 2 + len(LABELS)]]


def label_fits(shown: str, label: str) -> bool:
    """Whether ``shown`` is ``label``, or its start cut with an ellipsis (``~``
    in ASCII)."""
    cut = shown.endswith(("…", "~"))
    return shown == label or (cut and label.startswith(shown[:-1]))


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_BASIC = frozenset({*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)})
"""The SGR codes of the 16 colours, for text and background."""


def colours(screen: str) -> set[str]:
    """Return every colour the SGR sequences of ``screen`` set.

    Each is written ``basic:N`` (30-37, 40-47, 90-97, 100-107), ``256:N`` or
    ``rgb:R,G,B``; the default colours (39, 49) are left out.
    """
    found: set[str] = set()
    for match in _SGR.finditer(screen):
        params = [int(part) if part else 0 for part in match.group(1).split(";")]
        index = 0
        while index < len(params):
            code = params[index]
            if code in (38, 48) and params[index + 1 : index + 2] == [5]:
                found.add(f"256:{params[index + 2]}")
                index += 3
            elif code in (38, 48) and params[index + 1 : index + 2] == [2]:
                found.add("rgb:" + ",".join(map(str, params[index + 2 : index + 5])))
                index += 5
            else:
                if code in _BASIC:
                    found.add(f"basic:{code}")
                index += 1
    return found


_GREY_256 = frozenset({0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)})
"""Entries of the 256-colour palette that are black, white or a grey."""
_GREY_BASIC = frozenset({30, 37, 40, 47, 90, 97, 100, 107})
"""Black and white, normal and bright, for text and background."""


def is_grey(colour: str) -> bool:
    """Whether a colour written as :func:`colours` does is black, white or a grey."""
    kind, _, value = colour.partition(":")
    if kind == "basic":
        return int(value) in _GREY_BASIC
    if kind == "256":
        return int(value) in _GREY_256
    red, green, blue = value.split(",")
    return red == green == blue


def readable(screen: str, *, ascii_only: bool = False) -> bool:
    """Whether ``screen`` has its lines drawn as lines and nothing garbled.

    Garbled would be replacement characters, escapes such as ``\\u2500``, UTF-8
    read as Latin-1 (``â\x94\x80``) or C1 control characters. ``ascii_only``
    wants lines of ``-`` and no character beyond ASCII at all.
    """
    if ascii_only:
        return "-Definitions" in screen and screen.isascii()
    garbled = ("\ufffd", "\\u", "\\x", "â", "Ã")
    return (
        "─" in screen
        and not any(text in screen for text in garbled)
        and not re.search("[\x80-\x9f]", screen)
    )


@pytest.mark.parametrize("terminal", TERMINALS)
def test_app_reaches_the_terminal(
    new_tmux: Callable[[Terminal], Tmux],
    terminal: Terminal,
    registry_file: Path,
    tmp_path: Path,
) -> None:
    """List, command line and wiring show readably in the terminal's colours; q: 0.

    The list shows every id with its label (cut with an ellipsis when the
    column is too narrow), the live panel the whole command line, and the
    wiring: all of it at 200x60; at 80x24 reached with w and End, every row
    whole.
    Under LANG=C the lines are drawn as they are under UTF-8, never as
    replacement characters or escapes; under LC_ALL=C, whose character set
    is ASCII, the app draws its symbols and lines in ASCII (the wiring's
    arrows as v). 16-colour terminals get only the 16 colours, NO_COLOR only
    black, white and greys.
    """
    tmux = new_tmux(terminal)
    status = tmp_path / "status"
    start_app(tmux, registry_file, status, terminal)
    right, bottom = terminal.width - 2, terminal.height - 1

    def command_line_shown(screen: str) -> bool:
        if "Command line" not in screen:
            return False
        panel = Panel.under(screen, "Command line", right=right, bottom=bottom)
        return " ".join(panel.section(screen, "Command line")) == COMMAND

    ascii_only = terminal.ascii
    arrow = "v" if ascii_only else "↓"
    wiring = [row.replace("↓", arrow) for row in WIRING]
    wiring_at_80 = [row.replace("↓", arrow) for row in WIRING_AT_80]
    screen = tmux.wait_for(command_line_shown, "the command line")
    drawn = tmux.screen(escapes=True)
    panel = Panel.under(screen, "Command line", right=right, bottom=bottom)

    rows = list_rows(screen)
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert all(
        label_fits(row[1], label) for row, label in zip(rows, LABELS, strict=True)
    ), rows
    assert readable(screen, ascii_only=ascii_only), screen

    if terminal.height >= 60:
        # The wiring may be drawn a moment after the command line.
        screen = tmux.wait_for(
            lambda screen: panel.section(screen, "Wiring") == wiring,
            "the whole wiring under the command line",
        )
        assert panel.section(screen, "Wiring") == wiring
    else:
        tmux.send("w")
        screen = tmux.wait_for(
            lambda screen: panel.rows(screen)[0] == "Wiring", "the wiring after w"
        )
        start = panel.rows(screen)[1:]
        assert start == wiring_at_80[: len(start)], screen
        assert readable(screen, ascii_only=ascii_only), screen

        tmux.send("End")
        screen = tmux.wait_for(
            lambda screen: panel.rows(screen)[-1] == "message bus",
            "the end of the wiring after End",
        )
        end = panel.rows(screen)
        assert end == wiring_at_80[-len(end) :], screen
        assert len(start) + len(end) >= len(wiring_at_80)

    used = colours(drawn)
    assert used, drawn
    assert all(is_grey(colour) for colour in used) == terminal.no_color, used
    assert any(colour.startswith("256:") for colour in used) == terminal.colours_256
    assert all(colour.startswith("basic:") for colour in used) != terminal.colours_256

    tmux.send("q")
    assert wait_for_file(status, "the exit status") == "0"


@pytest.mark.parametrize(
    "terminal",
    [
        pytest.param(Terminal(59, 24, "xterm-256color"), id="59x24"),
        pytest.param(
            Terminal(80, 14, "xterm-256color", exported_size=True),
            id="80x14-COLUMNS-LINES-exported",
        ),
    ],
)
def test_too_small_terminal_asks_for_more_then_shows_the_app(
    new_tmux: Callable[[Terminal], Tmux],
    terminal: Terminal,
    registry_file: Path,
    tmp_path: Path,
) -> None:
    """Below 60x15 only a plain request shows; enlarged to 80x24, the app; q: 0.

    The app follows the window also when the shell exported ``COLUMNS`` and
    ``LINES`` with the small size.
    """
    tmux = new_tmux(terminal)
    status = tmp_path / "status"
    start_app(tmux, registry_file, status, terminal)

    request = [
        "procreg needs at least 60 columns and 15 rows.",
        "Please enlarge the terminal.",
    ]

    def shown(screen: str) -> list[str]:
        return [line.strip() for line in screen.splitlines() if line.strip()]

    tmux.wait_for(lambda screen: shown(screen) == request, "the request to enlarge")

    tmux("resize-window", "-t", "app", "-x", "80", "-y", "24")
    screen = tmux.wait_for(
        lambda screen: "/tmp/procreg/output" in screen, "the app after enlarging"
    )
    assert list_rows(screen)[0] == ["1", "ffmpeg-to-mp3"]
    assert "timeout 600 /usr/local/bin/ffmpeg -i" in screen
    assert "Please enlarge the terminal." not in screen

    tmux.send("q")
    assert wait_for_file(status, "the exit status") == "0"
