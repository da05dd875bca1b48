"""JSON text for people and programs: exact, ordered, terminal-safe."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import orjson

_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029]")
_FORMAT_CANDIDATE = re.compile(r"[^\x00-\xac\xae-\u05ff]")
"""Characters outside the ranges known to hold no format character (Cf)."""


def dumps_pretty(value: Any) -> str:
    """Return ``value`` as JSON indented by two spaces, keys in their own order.

    Non-ASCII text is kept as it is; control characters are escaped (see
    :func:`json_safe`). Integers too large for 64 bits fall back to the
    standard library encoder, so nothing is lost.
    """
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    return json_safe(text)


def dumps_line(value: Any) -> str:
    """Return ``value`` as compact JSON on one line (no new line at the end)."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json_safe(text)


def json_safe(text: str) -> str:
    """Return JSON text with the characters a terminal acts on written as escapes.

    JSON encoders escape U+0000-U+001F but pass DEL, the C1 controls
    (U+0080-U+009F, among them a one-character escape sequence introducer), the
    Unicode line separators and the format characters (right-to-left override,
    zero-width space and the like, which make one text look like another)
    through. In JSON text these characters can only occur inside strings, so
    the escaped text parses to the same value.
    """
    if text.isascii() and "\x7f" not in text:
        return text
    text = _JSON_UNSAFE.sub(_escape, text)
    return _FORMAT_CANDIDATE.sub(_escape_format, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _escape_format(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) != "Cf":
        return char
    return json.dumps(char)[1:-1]
