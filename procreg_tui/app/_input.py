"""Terminal input that survives bytes which are not UTF-8."""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable
from typing import Any


def tolerate_invalid_input() -> None:
    """Make Textual read terminal input with invalid bytes replaced, not fatal.

    A Latin-1 terminal, eight-bit Meta keys or a paste of binary junk send
    bytes that are not UTF-8; Textual's drivers decode input strictly, so one
    such byte ends the input thread and the app with it, losing unsaved edits.
    With this, such a byte arrives as U+FFFD and the app goes on.
    """
    # Textual decodes input strictly (Textualize/textual#6456, open). Its
    # driver names ``getincrementaldecoder`` in its own module; that is swapped.
    from textual.drivers import linux_driver  # noqa: PLC0415

    linux_driver.getincrementaldecoder = _replacing_decoder  # type: ignore[attr-defined]


def _replacing_decoder(encoding: str) -> Callable[..., Any]:
    """Return the incremental decoder class of ``encoding``, replacing bad bytes."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")
