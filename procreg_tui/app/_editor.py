"""The JSON editor of one definition, with problem lines marked in its gutter."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widgets import TextArea

from procreg_tui.app._text import is_hidden
from procreg_tui.definition import Severity

_GUTTER_CLASSES = {
    Severity.ERROR: "definition-editor--error-line",
    Severity.WARNING: "definition-editor--warning-line",
}


def definition_text(definition: Any) -> str:
    """Return ``definition`` as indented JSON that draws safely in the editor.

    Characters that would act on the terminal (C1 controls, bidirectional
    overrides) are written as ``\\uXXXX`` escapes, which JSON reads back as
    the same characters.
    """
    return safe_json_text(json.dumps(definition, indent=2, ensure_ascii=False) + "\n")


def safe_json_text(text: str) -> str:
    """Return ``text`` with characters that would act on the terminal as ``\\uXXXX``."""
    if text.isprintable():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if char not in "\n\t" and is_hidden(char) else char
        for char in text
    )


class DefinitionEditor(TextArea):
    """A code editor for one definition; lines with problems are marked."""

    COMPONENT_CLASSES: ClassVar[set[str]] = TextArea.COMPONENT_CLASSES | {
        "definition-editor--error-line",
        "definition-editor--warning-line",
    }

    DEFAULT_CSS = """
    DefinitionEditor {
        & > .definition-editor--error-line { background: $error; color: $text; }
        & > .definition-editor--warning-line { background: $warning; color: $text; }
    }
    """

    class Escaped(Message):
        """The user pressed Escape: the keyboard should go elsewhere."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            language="json",
            theme="css",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self.indent_width = 2
        self._marks: dict[int, Severity] = {}

    async def _on_key(self, event: events.Key) -> None:
        """Let Escape leave the editor instead of moving to the next widget."""
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.post_message(self.Escaped())
            return
        await super()._on_key(event)

    def mark_lines(self, marks: dict[int, Severity]) -> None:
        """Mark the 0-based lines in ``marks`` with their worst severity."""
        if marks != self._marks:
            self._marks = marks
            self.refresh()

    def render_line(self, y: int) -> Strip:
        """Draw row ``y``, marking the line number of a line with a problem."""
        strip = super().render_line(y)
        severity = self._marks.get(int(self.scroll_y) + y)
        if (
            severity is None
            or severity not in _GUTTER_CLASSES
            or not self.show_line_numbers
        ):
            return strip

        width = self.gutter_width
        style = self.get_component_rich_style(_GUTTER_CLASSES[severity])
        gutter = strip.crop(0, width - 1).apply_style(style)
        return Strip.join([gutter, strip.crop(width - 1)])
