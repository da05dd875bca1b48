"""The size of notifications, which the app keeps below the command line.

Textual's toasts are styled here at a fixed width, so that the app can count
the rows each one takes before it is shown, and have the oldest give way when
they would rise over the command line.
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import MarkupError

TOAST_WIDTH = 49
"""Cells a notification is wide: at 80 columns, the right pane inside its border."""
TOAST_CSS = f"""
Toast {{
    width: {TOAST_WIDTH};
    max-width: 100%;
    margin-top: 0;
    padding: 0 1 1 1;
}}
"""
"""The app's style of notifications: the width the rows are counted at, and
a row of padding below the text."""


def toast_rows(message: str, title: str, *, markup: bool) -> int:
    """Return the rows a notification takes, as Textual's Toast draws it in
    :data:`TOAST_WIDTH` cells (a border and a cell of padding each side, a
    row of padding below)."""
    try:
        content = Content.from_markup(message) if markup else Content(message)
    except MarkupError:  # counted as plain text
        content = Content(message)
    if title:
        content = Content.assemble(title, "\n", content)
    return len(content.wrap(TOAST_WIDTH - 3)) + 1
