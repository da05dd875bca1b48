"""Showing text taken from definitions as plain data on the terminal.

Definitions carry brackets that look like markup, escape sequences, control
characters and bidirectional overrides. Everything the app draws from a
definition passes through :func:`visible` and is wrapped in a
:class:`rich.text.Text` or :class:`textual.content.Content`, never in a markup
string, so nothing a definition holds can style, break or write to the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual.content import Content

from procreg_tui.app._glyphs import glyphs

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\e"}
_SUSPECT = re.compile(r"[^ -~\n]")
"""Every character but printable ASCII and the newline: the ones worth a look."""
_SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|_KEY$|^KEY$", re.IGNORECASE)

MASK = "••••••"
"""What a secret-looking value is shown as until the user reveals it (``******``
under a locale that is not UTF-8, see :mod:`procreg_tui.app._glyphs`)."""


def _escape_char(char: str) -> str:
    """Return the visible escape of one character that must not reach the terminal."""
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named

    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def is_hidden(char: str) -> bool:
    """Return whether ``char`` would act on the terminal instead of being drawn."""
    if char in _BIDI_CONTROLS:
        return True
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (category == "Cf" and char != "\u200d")


def replace_hidden(text: str, escape: Callable[[str], str], keep: str = "") -> str:
    """Return ``text`` with each character that would act on the terminal, other
    than those in ``keep``, replaced by ``escape(char)``.

    Only characters outside printable ASCII are looked at, so a large text of
    plain JSON costs one scan in C.
    """
    if text.isprintable():
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return escape(char) if char not in keep and is_hidden(char) else char

    if "\n" not in keep and "\n" in text:
        text = text.replace("\n", escape("\n"))
    return _SUSPECT.sub(replace, text)


def safe_json_text(text: str) -> str:
    """Return ``text`` with characters that would act on the terminal as ``\\uXXXX``."""
    return replace_hidden(text, _json_escape, "\n\t")


def _json_escape(char: str) -> str:
    """Return the JSON escape of ``char``: a surrogate pair beyond U+FFFF."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every control character replaced by a visible escape.

    C0 and C1 controls (ESC, BEL, NUL, ...), DEL, lone surrogates and
    bidirectional overrides become ``\\e``, ``\\x07``, ``\\u202e`` and so on.
    Newlines are kept when ``keep_newlines`` is true, escaped otherwise.
    """
    return replace_hidden(text, _escape_char, "\n" if keep_newlines else "")


def as_text(text: str, style: str = "", *, keep_newlines: bool = False) -> Text:
    """Return ``text`` as a Rich :class:`Text` drawn literally in ``style``."""
    return Text(visible(text, keep_newlines=keep_newlines), style=style, end="")


def as_content(text: str, *, keep_newlines: bool = False) -> Content:
    """Return ``text`` as a Textual :class:`Content` drawn literally."""
    return Content(visible(text, keep_newlines=keep_newlines))


def is_secret_name(name: str) -> bool:
    """Return whether an environment variable called ``name`` looks like a secret."""
    return _SECRET_NAME.search(name) is not None


def secret_values(environment: Mapping[str, object]) -> list[str]:
    """Return the non-empty values of the secret-looking variables."""
    return [
        value
        for name, value in environment.items()
        if is_secret_name(name) and isinstance(value, str) and value
    ]


def secrets_of(definition: Mapping[str, Any]) -> list[str]:
    """Return the secret-looking environment values of ``definition``."""
    environment = definition.get("environment")
    return secret_values(environment) if isinstance(environment, dict) else []


def mask_secrets(text: str, secrets: list[str]) -> str:
    """Return ``text`` with every occurrence of each of ``secrets`` masked."""
    mask = glyphs().mask_cell * len(MASK)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, mask)
    return text
