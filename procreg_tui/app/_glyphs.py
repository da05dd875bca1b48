"""procreg's own symbols, drawn in ASCII where the locale cannot show others.

Under a locale whose character set is not UTF-8 (``LC_ALL=C``, a Latin-1
locale), terminals and tmux draw characters beyond it as ``_`` or ``?``: the
error mark ``✗`` and the wiring's arrows would lose their meaning. There the
app draws its own symbols, the lines of its panes, dialogs and buttons, and
its scroll bars in ASCII.
Text from definitions is shown as it is either way.

Python's own preferred encoding says UTF-8 under the C locale (its UTF-8
mode), so the locale's character set is asked for first.
"""

from __future__ import annotations

import codecs
import locale
from dataclasses import dataclass
from typing import ClassVar

from textual.scrollbar import ScrollBar, ScrollBarRender


@dataclass(frozen=True, slots=True)
class Glyphs:
    """The symbols the app draws itself."""

    ascii: bool
    """Whether these are the ASCII replacements."""
    error_mark: str
    """The list's mark of a definition with errors (one cell)."""
    cut: str
    """What ends text cut to fit a column (one cell)."""
    more: str
    """What ends a sentence that goes on: "Reading the registry…"."""
    down: str
    """An arrow down, as in a key name."""
    up: str
    """An arrow up, as in a key name."""
    to: str
    """An arrow from one thing to another: "stdin → stdout"."""
    mask_cell: str
    """What each cell of a masked secret is drawn as (one cell)."""
    open_quote: str
    close_quote: str


UNICODE = Glyphs(False, "✗", "…", "…", "↓", "↑", "→", "•", "“", "”")
"""The symbols under a UTF-8 locale."""
ASCII = Glyphs(True, "x", "~", "...", "down", "up", "->", "*", '"', '"')
"""The symbols under any other locale."""

_current = UNICODE


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars of whole cells: no eighth-of-a-cell blocks at the thumb's ends."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "]
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "]


def glyphs() -> Glyphs:
    """Return the symbols the app draws now."""
    return _current


def locale_encoding() -> str:
    """Return the character set of the locale the terminal is used with."""
    try:
        encoding = locale.nl_langinfo(locale.CODESET)
    except (AttributeError, ValueError):  # not on every system
        encoding = ""
    return encoding or locale.getpreferredencoding(False)


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (unknown names count as not)."""
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def choose_glyphs(*, ascii_only: bool | None = None) -> Glyphs:
    """Choose the symbols for the locale (or as ``ascii_only`` says); return them."""
    global _current  # noqa: PLW0603 (one choice for the whole app)
    if ascii_only is None:
        ascii_only = not is_utf8(locale_encoding())
    _current = ASCII if ascii_only else UNICODE
    # Textual's documented way to change how every scroll bar is drawn.
    ScrollBar.renderer = AsciiScrollBarRender if ascii_only else ScrollBarRender
    return _current
