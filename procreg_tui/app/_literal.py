"""Text widgets that take in only what can be drawn: no text reaches the terminal raw.

Textual draws the value of an ``Input`` and the text of a ``TextArea`` as they
are, escape sequences included. Every text field of the app is one of these,
so whatever arrives (loaded, typed, pasted, dropped) is made drawable on the
way in, in one place per kind of field.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from procreg_tui.app._text import is_hidden, visible


def without_hidden(text: str) -> str:
    """Return ``text`` without the characters that would act on the terminal."""
    if text.isprintable():
        return text
    return "".join(char for char in text if not is_hidden(char))


class LiteralInput(Input):
    """A one-line field that drops control characters from whatever it is given.

    A filter query or a binding value has no use for them, and an escaped form
    would change what the value means.
    """

    def validate_value(self, value: str) -> str:
        """Return ``value`` without characters that would act on the terminal."""
        return without_hidden(value)


class LiteralTextArea(TextArea):
    """A text area that shows control characters as visible escapes.

    Subclasses choose the escape by overriding :meth:`entering`.
    """

    def __init__(self, text: str = "", **options: Any) -> None:
        # TextArea sets its first text without load_text.
        super().__init__(self.entering(text), **options)

    def entering(self, text: str) -> str:
        """Return ``text`` as this area takes it in."""
        return visible(text, keep_newlines=True)

    def load_text(self, text: str) -> None:
        """Replace the text, made drawable."""
        super().load_text(self.entering(text))

    def edit(self, edit: Edit) -> EditResult:
        """Apply ``edit`` with its text made drawable."""
        text = self.entering(edit.text)
        if text != edit.text:
            edit = dataclasses.replace(edit, text=text)
        return super().edit(edit)
