"""The modal dialogs: confirmations, templates, conflicts, help and text to copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._literal import LiteralTextArea
from procreg_tui.app._masking import MaskedTextArea
from procreg_tui.app._templates import TEMPLATES, Template
from procreg_tui.app._text import as_content


class ConfirmScreen(ModalScreen[bool]):
    """Asks a yes/no question; dismisses with the answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, title: str, question: Content | Text, yes: str = "Yes") -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._question = question
        self._yes = yes

    def compose(self) -> ComposeResult:
        """Lay out the question and the two buttons."""
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._question, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        """Focus the safe answer."""
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """Dismiss with the pressed answer."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """Dismiss with ``answer``."""
        self.dismiss(answer)


class TemplateScreen(ModalScreen[Template | None]):
    """Offers the templates a new definition can start from."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        """Lay out the list of templates."""
        with Vertical(classes="dialog"):
            yield Label("New definition from a template", classes="dialog-title")
            arrow = glyphs().to
            yield OptionList(
                *(
                    Option(template.title.replace("→", arrow), id=template.key)
                    for template in TEMPLATES
                ),
                id="templates",
            )
            yield Label("Enter picks, Escape cancels.", classes="dialog-hint")

    @on(OptionList.OptionSelected, "#templates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """Dismiss with the chosen template."""
        chosen = next(t for t in TEMPLATES if t.key == event.option.id)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        """Dismiss without a template."""
        self.dismiss(None)


Resolution = Literal["mine", "theirs"]


class ConflictScreen(ModalScreen[Resolution | None]):
    """Shows both versions of a definition changed elsewhere; the user picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose(None)", "Cancel"),
        Binding("m", "choose('mine')", "Keep mine"),
        Binding("t", "choose('theirs')", "Take theirs"),
    ]

    def __init__(
        self,
        message: str,
        mine: str,
        theirs: str,
        *,
        secrets: Sequence[str] = (),
        masking: bool = True,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._message = message
        self._mine = mine
        self._theirs = theirs
        self._secrets = secrets
        self._masking = masking
        self._differs = _first_difference(mine, theirs)

    def compose(self) -> ComposeResult:
        """Lay out the message, the two versions and the choices."""
        message = (
            f"{self._message}. Both are shown from line {self._differs + 1}, "
            "where they first differ."
        )
        with Vertical(classes="dialog wide-dialog"):
            yield Label("Changed by someone else", classes="dialog-title")
            # Scrolls when the terminal is short, so both versions keep rows.
            with VerticalScroll(id="conflict-message"):
                yield Static(as_content(message))
            with Horizontal(id="versions"):
                with Vertical():
                    yield Label("Mine (unsaved)", classes="heading")
                    yield MaskedTextArea(self._mine, read_only=True, id="mine")
                with Vertical():
                    yield Label("Theirs (stored now)", classes="heading")
                    yield MaskedTextArea(self._theirs, read_only=True, id="theirs")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep mine (m)", variant="warning", id="mine-button")
                yield Button("Take theirs (t)", variant="primary", id="theirs-button")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Mask secret-looking values as the editor does; scroll both versions
        to where they first differ, once laid out."""
        for area in self.query(MaskedTextArea):
            area.mask(self._secrets, masking=self._masking)
        self.query_one("#mine", MaskedTextArea).focus()
        self.call_after_refresh(self._show_difference)

    def _show_difference(self) -> None:
        """Put both cursors on the first line that differs, in view."""
        for area in self.query(LiteralTextArea):
            area.cursor_location = (self._differs, 0)
            area.scroll_cursor_visible(center=True, animate=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """Dismiss with the pressed choice."""
        choices: dict[str | None, Resolution | None] = {
            "mine-button": "mine",
            "theirs-button": "theirs",
        }
        self.dismiss(choices.get(event.button.id))

    def action_choose(self, choice: Resolution | None) -> None:
        """Dismiss with ``choice``."""
        self.dismiss(choice)


def _first_difference(mine: str, theirs: str) -> int:
    """Return the 0-based index of the first line where two texts differ."""
    pairs = zip(mine.splitlines(), theirs.splitlines(), strict=False)
    return next(
        (index for index, (a, b) in enumerate(pairs) if a != b),
        min(len(mine.splitlines()), len(theirs.splitlines())),
    )


class TextScreen(ModalScreen[None]):
    """Shows a text the user can select and copy by hand, with why it is shown."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, title: str, message: str, text: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._message = message
        self._text = text

    def compose(self) -> ComposeResult:
        """Lay out the message and the text."""
        with Vertical(classes="dialog wide-dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(as_content(self._message), classes="dialog-body")
            yield LiteralTextArea(self._text, read_only=True, soft_wrap=True, id="text")
            yield Label(
                "Select with the mouse or shift+arrows; Escape closes.",
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        """Put the text under the keyboard."""
        self.query_one("#text", LiteralTextArea).focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Lists every key binding of the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(
        self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._sections = sections

    def compose(self) -> ComposeResult:
        """Lay out the bindings, section by section, in two columns: a long
        description wraps under itself, never under the keys."""
        with Vertical(classes="dialog wide-dialog", id="help"):
            yield Label("procreg keys", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                for section, rows in self._sections:
                    yield Label(section, classes="help-section", markup=False)
                    with Grid(classes="help-rows"):
                        for key, description in rows:
                            yield Label(key, classes="help-key", markup=False)
                            yield Label(
                                description, classes="help-description", markup=False
                            )
            yield Label("Escape or ? closes.", classes="dialog-hint")

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The keys and their descriptions, in the order shown."""
        cells = [
            str(label.content)
            for label in self.query(".help-rows Label").results(Label)
        ]
        return list(zip(cells[::2], cells[1::2], strict=True))

    def on_mount(self) -> None:
        """Let the arrows scroll the list."""
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
