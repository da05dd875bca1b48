"""A virtual list of definitions that draws only the rows on screen."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from procreg_tui.app._entries import Entry
from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._text import visible
from procreg_tui.definition import Severity

_MARKS = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: " ", None: " "}
_SHORT_TYPES = {"single": " 1x", "service": "svc"}
"""Process types as a narrow list shows them (help explains them)."""
WIDE_ROW = 40
"""From this width on, a row shows the process type and application in full."""
_MARK_CLASSES = {
    Severity.ERROR: "definition-list--error",
    Severity.WARNING: "definition-list--warning",
}


class DefinitionList(ScrollView, can_focus=True):
    """The definitions, one per row: validity mark, id, label, type, application.

    Only the rows inside the viewport are drawn, so a list of a hundred thousand
    definitions opens and filters as fast as a list of ten.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "choose", "Edit", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "definition-list--cursor",
        "definition-list--error",
        "definition-list--warning",
        "definition-list--draft",
        "definition-list--dim",
    }

    DEFAULT_CSS = """
    DefinitionList {
        background: $surface;
        & > .definition-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .definition-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .definition-list--error { color: $text-error; text-style: bold; }
        & > .definition-list--warning { color: $text-warning; }
        & > .definition-list--draft { color: $text-accent; text-style: bold; }
        & > .definition-list--dim { color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)
    """The index of the highlighted row."""

    class Highlighted(Message):
        """The highlighted definition changed."""

        def __init__(self, record_id: int | None) -> None:
            self.record_id = record_id
            """The id of the highlighted definition; ``None`` when the list is empty."""
            super().__init__()

    class Chosen(Message):
        """The user asked to edit the highlighted definition."""

        def __init__(self, record_id: int) -> None:
            self.record_id = record_id
            """The id of the chosen definition."""
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # An empty list takes no keys: nothing would show where they went.
        self.can_focus = False
        self._rows: Sequence[Entry] = ()
        self._drafts: Collection[int] = ()
        self._highlighted: int | None = None
        self._id_width = 3

    @property
    def rows(self) -> Sequence[Entry]:
        """The entries shown, in order."""
        return self._rows

    @property
    def highlighted(self) -> Entry | None:
        """The entry under the cursor, or ``None`` when the list is empty."""
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def show(
        self,
        rows: Sequence[Entry],
        *,
        keep: int | None = None,
        drafts: Collection[int] = (),
        widest: int = 0,
    ) -> None:
        """Show ``rows``, keeping the cursor on the definition with id ``keep``.

        Without ``keep`` (or when it is gone) the cursor stays on the
        definition it was on, else goes to the top. The id column is as wide
        as ``widest`` (the largest id there is), so it keeps its width while
        the rows change. An empty list cannot take the keyboard.
        """
        wanted = keep if keep is not None else self._highlighted
        self._rows = rows
        self.can_focus = bool(rows)
        self._drafts = drafts
        self._id_width = max(3, len(str(widest)))
        self.virtual_size = Size(self.size.width, len(rows))

        index = 0
        if wanted is not None:
            index = next((i for i, entry in enumerate(rows) if entry.id == wanted), 0)
        self.cursor = index
        self.refresh()

    def grew(self) -> None:
        """Show rows added to the end of the shown sequence."""
        self.virtual_size = Size(self.size.width, len(self._rows))
        self.can_focus = bool(self._rows)
        if self._highlighted is None and self._rows:
            self.cursor = 0
        self.refresh()

    def mark_drafts(self, drafts: Collection[int]) -> None:
        """Mark the definitions with ids in ``drafts`` as holding unsaved edits."""
        self._drafts = drafts
        self.refresh()

    def select_id(self, record_id: int) -> bool:
        """Move the cursor to definition ``record_id``; return whether it is shown."""
        for index, entry in enumerate(self._rows):
            if entry.id == record_id:
                self.cursor = index
                return True
        return False

    def validate_cursor(self, cursor: int) -> int:
        """Keep the cursor on a row."""
        return max(0, min(cursor, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        """Scroll the cursor into view and announce a new highlighted definition."""
        self.refresh()
        height = self.scrollable_content_region.height
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False)
        elif height and new >= self.scroll_y + height:
            self.scroll_to(y=new - height + 1, animate=False)

        entry = self.highlighted
        record_id = entry.id if entry is not None else None
        if record_id != self._highlighted:
            self._highlighted = record_id
            self.post_message(self.Highlighted(record_id))

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width equal to the widget's width."""
        self.virtual_size = Size(event.size.width, len(self._rows))

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        self.cursor += 1

    def action_page_up(self) -> None:
        """Move the cursor one screen up."""
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_page_down(self) -> None:
        """Move the cursor one screen down."""
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_first(self) -> None:
        """Move the cursor to the first row."""
        self.cursor = 0

    def action_last(self) -> None:
        """Move the cursor to the last row."""
        self.cursor = len(self._rows) - 1

    def action_choose(self) -> None:
        """Ask for the highlighted definition to be edited."""
        entry = self.highlighted
        if entry is not None:
            self.post_message(self.Chosen(entry.id))

    def on_click(self, event: events.Click) -> None:
        """Highlight the clicked row; a double click chooses it."""
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self._rows):
            self.cursor = row
            if event.chain >= 2:
                self.action_choose()

    def render_line(self, y: int) -> Strip:
        """Draw row ``y`` of the viewport."""
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)

        entry = self._rows[index]
        if index == self.cursor:
            # Laid over the base, so its background wins over the row's own.
            base += self.get_component_rich_style(
                "definition-list--cursor", partial=True
            )
        return Strip(self._segments(entry, width, base), width)

    def _segments(self, entry: Entry, width: int, base: Style) -> list[Segment]:
        """Return the cells of one row, exactly ``width`` cells wide."""
        validity = entry.validity
        mark_class = _MARK_CLASSES.get(validity) if validity is not None else None
        mark_style = (
            base + self.get_component_rich_style(mark_class, partial=True)
            if mark_class
            else base
        )
        dim = base + self.get_component_rich_style("definition-list--dim", partial=True)
        draft = entry.id in self._drafts

        number = str(entry.id).rjust(self._id_width)
        flag = "*" if draft else " "
        gone = " (deleted elsewhere)" if entry.gone else ""
        label_style = (
            base + self.get_component_rich_style("definition-list--draft", partial=True)
            if draft
            else base
        )
        fixed = 1 + len(number) + 2
        rest = max(0, width - fixed)
        if width < WIDE_ROW:
            detail = _SHORT_TYPES.get(entry.process_type, entry.process_type[:3])
            detail_width = 4 if detail and rest > 12 else 0
            label_width = rest - detail_width
        else:
            detail = " ".join(
                part for part in (entry.process_type, entry.application) if part
            )
            label_width = max(rest * 3 // 5, min(rest, 18))
            detail_width = max(0, rest - label_width)

        segments = [
            Segment(
                glyphs().error_mark if validity is Severity.ERROR else _MARKS[validity],
                mark_style,
            ),
            Segment(number, dim),
            Segment(flag, label_style),
            Segment(" ", base),
            Segment(_fit(visible(entry.label) + gone, label_width), label_style),
        ]
        if detail_width:
            segments.append(Segment(_fit(" " + visible(detail), detail_width), dim))
        return segments


def _fit(text: str, width: int) -> str:
    """Return ``text`` in exactly ``width`` cells, cut with an ellipsis if longer."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + glyphs().cut if width else ""
