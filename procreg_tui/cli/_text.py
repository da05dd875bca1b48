"""Terminal-safe text: control characters from definitions shown, never sent."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_KEEPING_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """Return ``text`` with every control character written as ``\\xNN``.

    The result holds no character that a terminal would act on (escape
    sequences, carriage returns, new lines, C1 controls), so one line stays one
    line and nothing from a definition can style or move the cursor.
    """
    if text.isprintable():
        return text
    return _CONTROL.sub(_escape_char, _escape_format(text))


def printable_lines(text: str) -> str:
    """Return ``text`` escaped like :func:`printable`, keeping new lines and tabs.

    For text that is meant to span lines, such as a command line whose quoted
    argument holds a new line.
    """
    return _CONTROL_KEEPING_LINES.sub(_escape_char, _escape_format(text))


def _escape_format(text: str) -> str:
    """Return ``text`` with bidirectional and other format characters escaped.

    Characters such as U+202E (right-to-left override) reorder what a terminal
    shows, so a label could be made to look like another.
    """
    if text.isascii():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) == "Cf" else char
        for char in text
    )
