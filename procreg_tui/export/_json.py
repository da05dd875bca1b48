"""JSON text for people and programs: exact, ordered, terminal-safe."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029]")


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
    """Return JSON text with the controls JSON leaves raw written as ``\\u00NN``.

    JSON encoders escape U+0000-U+001F but pass DEL, the C1 controls
    (U+0080-U+009F, among them a one-character escape sequence introducer) and
    the Unicode line separators through. In JSON text these characters can only
    occur inside strings, so the escaped text parses to the same value.
    """
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
