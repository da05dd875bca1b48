"""The modal dialogs: confirmations, templates, conflicts, help and text to copy.

Each dialog lays out a footer of its own: the main screen's footer would name
keys that do nothing while the dialog is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._literal import LiteralTextArea
from procreg_tui.app._masking import MaskedTextArea
from procreg_tui.app._templates import TEMPLATES, Template
from procreg_tui.app._text import as_content

ResultType = TypeVar("ResultType")

DIALOG_KEYS_HEIGHT = 20
"""From this height on, a dialog names its keys in a footer. Shorter, the
footer's row goes to the dialog: its buttons and hints name the keys too."""


class Dialog(ModalScreen[ResultType]):
    """A modal dialog whose footer names its own keys."""

    # Textual declares the breakpoints without ClassVar, so mypy refuses one here.
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-short"),
        (DIALOG_KEYS_HEIGHT, "-tall"),
    ]


class ConfirmScreen(Dialog[bool]):
    """Asks a yes/no question; dismisses with the answer."""

    AUTO_FOCUS = "#no"
    """The safe answer has the keyboard."""

    def __init__(self, title: str, question: Content | Text, yes: str = "Yes") -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._question = question
        self._yes = yes
        # The footer names the answers as the buttons do, so the keys are
        # bound here, where the name of the yes is known.
        self._bindings.bind("y", "answer(True)", yes)
        self._bindings.bind("n", "answer(False)", "Cancel")
        self._bindings.bind("escape", "answer(False)", "Cancel", show=False)

    def compose(self) -> ComposeResult:
        """Lay out the question and the two buttons."""
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._question, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")
        yield Footer()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        """Dismiss with the pressed answer."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """Dismiss with ``answer``."""
        self.dismiss(answer)


class TemplateScreen(Dialog[Template | None]):
    """Offers the templates a new definition can start from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        # As in the list of definitions.
        Binding("j", "move('cursor_down')", show=False),
        Binding("k", "move('cursor_up')", show=False),
    ]

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
        yield Footer()

    @on(OptionList.OptionSelected, "#templates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """Dismiss with the chosen template."""
        chosen = next(t for t in TEMPLATES if t.key == event.option.id)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        """Dismiss without a template."""
        self.dismiss(None)

    def action_move(self, action: str) -> None:
        """Move the list's cursor by running its ``action``."""
        options = self.query_one("#templates", OptionList)
        getattr(options, f"action_{action}")()


Resolution = Literal["mine", "theirs"]


class ConflictScreen(Dialog[Resolution | None]):
    """Shows both versions of a definition changed elsewhere; the user picks one."""

    AUTO_FOCUS = "#mine"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('mine')", "Keep mine"),
        Binding("t", "choose('theirs')", "Take theirs"),
        Binding("escape", "choose(None)", "Cancel"),
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
        yield Footer()

    def on_mount(self) -> None:
        """Mask secret-looking values as the editor does; scroll both versions
        to where they first differ, once laid out."""
        for area in self.query(MaskedTextArea):
            area.mask(self._secrets, masking=self._masking)
        self.call_after_refresh(self._show_difference)

    def _show_difference(self) -> None:
        """Put both cursors on the first line that differs, and that line at
        the top of both versions, as the message says (as far as they scroll)."""
        for area in self.query(LiteralTextArea):
            area.cursor_location = (self._differs, 0)
            top = area.wrapped_document.location_to_offset((self._differs, 0)).y
            area.scroll_to(y=top, animate=False, immediate=True)

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


class TextScreen(Dialog[None]):
    """Shows a text the user can select and copy by hand, with why it is shown."""

    AUTO_FOCUS = "#text"

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
        yield Footer()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)


class HelpScreen(Dialog[None]):
    """Lists every key binding of the app."""

    AUTO_FOCUS = "#help-scroll"
    """The arrows scroll the list."""

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
        yield Footer()

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The keys and their descriptions, in the order shown."""
        cells = [
            str(label.content)
            for label in self.query(".help-rows Label").results(Label)
        ]
        return list(zip(cells[::2], cells[1::2], strict=True))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
