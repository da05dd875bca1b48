"""Running ``procreg`` in memory, for the command line tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """What one ``procreg`` run returned and wrote."""

    status: int
    stdout: str
    stderr: str


Procreg = Callable[..., Result]


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True
