"""The JSON editor of one definition, with problem lines marked in its gutter."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.message import Message
from textual.strip import Strip

from procreg_tui.app._masking import MaskedTextArea
from procreg_tui.app._text import safe_json_text
from procreg_tui.definition import Severity

HIGHLIGHT_LIMIT = 512 * 1024
"""Characters beyond which the editor does not highlight (it would take seconds)."""

_GUTTER_CLASSES = {
    Severity.ERROR: "definition-editor--error-line",
    Severity.WARNING: "definition-editor--warning-line",
}


def definition_text(definition: Any) -> str:
    """Return ``definition`` as indented JSON that draws safely in the editor.

    Characters that would act on the terminal (C1 controls, bidirectional
    overrides) are written as ``\\uXXXX`` escapes, which JSON reads back as
    the same characters. So is U+FFFD, which the editor takes for bytes lost
    on the way in when it stands as itself.
    """
    text = json.dumps(definition, indent=2, ensure_ascii=False) + "\n"
    return safe_json_text(text).replace("\ufffd", "\\ufffd")


def _entering(text: str) -> str:
    """Return ``text`` as the editor takes it in: line ends as ``\\n``, controls
    escaped (terminals paste line ends as carriage returns)."""
    if text.isprintable():
        return text
    return safe_json_text(text.replace("\r\n", "\n").replace("\r", "\n"))


class DefinitionEditor(MaskedTextArea):
    """A code editor for one definition; lines with problems are marked.

    Every text that enters the editor (loaded, typed, pasted, dropped, back
    from ``$EDITOR``) passes through :meth:`entering`, so a control
    character shows as its ``\\uXXXX`` escape, which JSON reads back as the
    same character, and never reaches the terminal. Secret-looking values
    are drawn masked until the app unmasks them (see :class:`MaskedTextArea`).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = MaskedTextArea.COMPONENT_CLASSES | {
        "definition-editor--error-line",
        "definition-editor--warning-line",
    }

    DEFAULT_CSS = """
    DefinitionEditor {
        & > .definition-editor--error-line { background: $error; color: $text; }
        & > .definition-editor--warning-line { background: $warning; color: $text; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown in the footer; the key itself is caught before TextArea's own
        # handling, which would move to the next widget.
        Binding("escape", "leave", "List", key_display="esc"),
        # Shown while the text has unsaved edits; the app's own ctrl+r answers
        # otherwise.
        Binding("ctrl+r", "revert", "Revert", key_display="^r"),
    ]

    class Escaped(Message):
        """The user pressed Escape: the keyboard should go elsewhere."""

    class Refused(Message):
        """The user typed into the editor while it is read-only."""

    def action_leave(self) -> None:
        """Give the keyboard back to the list."""
        self.post_message(self.Escaped())

    async def action_revert(self) -> None:
        """Ask the app to drop the unsaved edits."""
        await self.app.run_action("revert")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer ``revert`` only while the text has unsaved edits."""
        if action == "revert":
            return self.unsaved
        return super().check_action(action, parameters)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            language="json",
            theme="css",
            soft_wrap=True,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self.indent_width = 2
        self.unsaved = False
        """Whether the text differs from the stored definition (set by the app)."""
        # Without a definition to hold, the editor takes no keys.
        self.can_focus = False
        self._marks: dict[int, Severity] = {}

    def load_text(self, text: str) -> None:
        """Replace the text; a very large one is shown plainer, to stay quick.

        Highlighting, wrapping long lines and finding the bracket that matches
        the one under the cursor each go through the whole text, in Python: a
        text over ``HIGHLIGHT_LIMIT`` goes without them (long lines scroll
        sideways instead).
        """
        small = len(text) <= HIGHLIGHT_LIMIT
        language = "json" if small else None
        if self.language != language:
            self.language = language
        self.match_cursor_bracket = small
        if self.soft_wrap != small:
            self.soft_wrap = small
        super().load_text(text)

    def find_matching_bracket(
        self, bracket: str, search_from: tuple[int, int]
    ) -> tuple[int, int] | None:
        """Find the bracket matching the one under the cursor, unless turned off.

        TextArea searches at every cursor move even when it shows no match,
        one character at a time: seconds for a text of megabytes.
        """
        if not self.match_cursor_bracket:
            return None
        return super().find_matching_bracket(bracket, search_from)

    def entering(self, text: str) -> str:
        """Return ``text`` with line ends as ``\\n`` and controls as JSON escapes."""
        return _entering(text)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Take every printable key, also when read-only.

        A read-only TextArea lets letters through to the app's keys; here
        typing meant for the text is refused instead of running commands.
        """
        if self.read_only:
            return character is not None and character.isprintable()
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        """Let Escape leave the editor instead of moving to the next widget;
        refuse typing while read-only."""
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.post_message(self.Escaped())
            return
        if self.read_only and event.is_printable:
            event.stop()
            event.prevent_default()
            self.post_message(self.Refused())
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
        if not self._marks:
            return strip

        # With soft wrap a line may take several rows; only its first is marked.
        row = int(self.scroll_y) + y
        wrapped = self.wrapped_document
        if row >= wrapped.height:
            return strip
        line, _ = wrapped.offset_to_location(Offset(0, row))
        severity = self._marks.get(line)
        if wrapped.location_to_offset((line, 0)).y != row:
            severity = None
        if (
            severity is None
            or severity not in _GUTTER_CLASSES
            or not self.show_line_numbers
        ):
            return strip

        width = self.gutter_width
        mark = self.get_component_rich_style(_GUTTER_CLASSES[severity])
        # Over the number's own style: Strip.apply_style would put it under,
        # where the gutter's background hides it.
        gutter = Strip(
            Segment(text, style + mark if style else mark, control)
            for text, style, control in strip.crop(0, width - 1)
        )
        return Strip.join([gutter, strip.crop(width - 1)])
