"""The exit statuses of the procreg command."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What the ``procreg`` process tells its caller when it ends."""

    OK = 0
    """The command did what was asked."""
    FAILURE = 1
    """Definitions are invalid, an edit conflicts, an id was not found, or the
    registry or a file could not be read or written."""
    USAGE = 2
    """The command line was wrong, or the app was started without a terminal."""
    INTERNAL = 70
    """procreg itself failed (a bug; ``EX_SOFTWARE`` of ``sysexits.h``)."""
    INTERRUPTED = 130
    """The user pressed Ctrl-C."""
