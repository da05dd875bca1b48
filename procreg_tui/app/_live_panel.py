"""The live panel: command line, wiring, bindings and problems of the editor's text."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from procreg_tui.app._analysis import Analysis
from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._literal import LiteralInput
from procreg_tui.app._text import as_text, mask_secrets, visible
from procreg_tui.definition import Problem, Severity

_SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}
_SEVERITY_WORD = {
    Severity.ERROR: "error",
    Severity.WARNING: "warn",
    Severity.INFO: "info",
}


SHOWN_LIMIT = 20_000
"""The most characters of a command line the panel draws; c copies them all."""


def _shown_line(line: str, style: str) -> Text:
    """Return ``line`` drawn in ``style``, cut after ``SHOWN_LIMIT`` characters.

    An argument of megabytes would wrap to tens of thousands of rows, each
    drawn again at every change: nobody reads that, and the app would stall.
    """
    if len(line) <= SHOWN_LIMIT:
        return as_text(line, style, keep_newlines=True)
    shown = as_text(line[:SHOWN_LIMIT], style, keep_newlines=True)
    rest = len(line) - SHOWN_LIMIT
    shown.append(
        f"{glyphs().more}\n{rest:,} more characters not shown here",
        "dim",
    )
    return shown


def _problem_prompt(problem: Problem, position: tuple[int, int] | None) -> Text:
    """Return one line of the problem list: severity, place, path and message."""
    place = f"{position[0]}:{position[1]}" if position else "-"
    prompt = Text(end="")
    prompt.append(
        f"{_SEVERITY_WORD[problem.severity]:<5}", _SEVERITY_STYLE[problem.severity]
    )
    prompt.append(f" {place:>6} ", "dim")
    prompt.append_text(as_text(problem.json_path, "italic"))
    prompt.append(" ")
    prompt.append_text(as_text(problem.message))
    return prompt


VALUE_COLUMN = 16
"""Where the values of the wiring's rows start, after their labels."""
_NARROWEST_VALUES = 12
"""Fewer columns than this for the values, and they go under their labels."""


def wrap_wiring_row(row: str, width: int) -> list[str]:
    """Return one row of the wiring as lines of at most ``width`` cells.

    A value too long for its row goes on under itself (a hanging indent),
    its note in parentheses on a line of its own when it does not fit beside
    it; a word longer than a line is cut into pieces. Nothing is left out.
    """
    if cell_len(row) <= width or width < 2:
        return [row]
    head, value = row[:VALUE_COLUMN], row[VALUE_COLUMN:]
    if len(row) <= VALUE_COLUMN or head[-1:] != " " or not head.strip():
        return _fold(row, width)
    indent = VALUE_COLUMN
    if width - indent < _NARROWEST_VALUES:
        # Too narrow beside the label: the value goes under it.
        indent = min(VALUE_COLUMN, 4 + len(head) - len(head.lstrip()))
        lines = [head.rstrip()]
        return lines + [" " * indent + line for line in _fold(value, width - indent)]
    lines = []
    line = ""
    # The value and its note ("/tmp/in  (${input_file})") break apart first.
    for piece in value.split("  "):
        joined = f"{line}  {piece}" if line else piece
        if cell_len(joined) <= width - indent:
            line = joined
            continue
        if line:
            lines.append(line)
        line = piece
        if cell_len(piece) > width - indent:
            *full, line = _fold(piece, width - indent)
            lines += full
    lines.append(line)
    return [head + lines[0], *(" " * indent + line for line in lines[1:])]


def _fold(text: str, width: int) -> list[str]:
    """Return ``text`` wrapped at its spaces to ``width`` cells, long words cut."""
    return [line.plain.rstrip() for line in Content(text).wrap(width)] or [""]


class WiringView(Widget):
    """The wiring, its long rows wrapped to the panel's width with a hanging indent."""

    DEFAULT_CSS = """
    WiringView {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[str] = []
        self._wrapped: tuple[int, list[str]] = (-1, [])

    @property
    def rows(self) -> list[str]:
        """The rows shown, one per step of the wiring, not wrapped."""
        return list(self._rows)

    def show(self, rows: list[str]) -> None:
        """Show ``rows``, one per step of the wiring."""
        if rows == self._rows:
            return
        self._rows = list(rows)
        self._wrapped = (-1, [])
        self.refresh(layout=True)

    def lines(self, width: int) -> list[str]:
        """Return the rows wrapped to ``width`` cells."""
        if self._wrapped[0] != width:
            wrapped = [
                line for row in self._rows for line in wrap_wiring_row(row, width)
            ]
            self._wrapped = (width, wrapped)
        return self._wrapped[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Return the number of lines the rows take at ``width``."""
        return len(self.lines(width))

    def render(self) -> Text:
        """Draw the rows wrapped to the widget's width, as text."""
        lines = self.lines(self.content_size.width)
        return as_text("\n".join(lines), keep_newlines=True)


class LivePanel(VerticalScroll):
    """Shows what the definition in the editor would run, and what is wrong with it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "List", key_display="esc"),
        # Shown in the footer while the panel has the keyboard; the other keys
        # that scroll it (up, down, home, end) come with VerticalScroll.
        Binding("pagedown", "page_down", "Scroll", key_display="↑↓ PgDn"),
    ]

    class Left(Message):
        """The user pressed Escape in a binding or the problem list."""

    class BindingChanged(Message):
        """The user typed a new value for a variable."""

        def __init__(self, name: str, value: str) -> None:
            self.name = name
            """The variable, without ``${}``."""
            self.value = value
            """Its new value."""
            super().__init__()

    class ProblemChosen(Message):
        """The user chose a problem: its place in the text should be shown."""

        def __init__(self, problem: Problem) -> None:
            self.problem = problem
            """The chosen problem."""
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._variables: tuple[str, ...] = ()
        self._revealed = False
        # Takes the keyboard once it shows a definition.
        self.can_focus = False

    def compose(self) -> ComposeResult:
        """Lay out the four sections, what needs attention first."""
        yield Label("Command line", classes="heading")
        yield Static(id="command-line", classes="value")
        yield Label("Problems", classes="heading", id="problems-heading")
        yield OptionList(id="problems", markup=False)
        yield Label("Bindings", classes="heading", id="bindings-heading")
        yield Vertical(id="bindings")
        yield Label("Wiring", classes="heading", id="wiring-heading")
        yield WiringView(id="wiring")

    def action_leave(self) -> None:
        """Ask to give the keyboard back to the list."""
        self.post_message(self.Left())

    def focus_problems(self) -> bool:
        """Move the keyboard to the problem list; return whether it has any."""
        listing = self.query_one("#problems", OptionList)
        if not listing.option_count:
            return False
        listing.focus()
        if listing.highlighted is None:
            listing.highlighted = 0
        return True

    def focus_wiring(self) -> bool:
        """Take the keyboard, the wiring in view; return whether there is one."""
        if self._analysis is None:
            return False
        self.focus(scroll_visible=False)
        # Once laid out: fields for the bindings may still be coming in.
        self.call_after_refresh(self._scroll_to_wiring)
        return True

    def _scroll_to_wiring(self) -> None:
        """Scroll the wiring's heading to the panel's first row, as far as it goes."""
        heading = self.query_one("#wiring-heading", Label)
        offset = heading.region.y - self.content_region.y
        self.scroll_to(y=self.scroll_y + offset, animate=False, immediate=True)

    def focus_bindings(self) -> bool:
        """Move the keyboard to the first binding; return whether there is one."""
        fields = list(self.query(".binding-value").results(Input))
        if not fields:
            return False
        fields[0].focus()
        return True

    @property
    def analysis(self) -> Analysis | None:
        """What the panel shows."""
        return self._analysis

    @property
    def command_line_region(self) -> Region:
        """Where the command line shows on screen; empty when scrolled away."""
        command = self.query_one("#command-line", Static)
        return command.region.intersection(self.content_region)

    @property
    def command_line_text(self) -> str:
        """The command line as drawn (secrets masked unless revealed)."""
        return str(self.query_one("#command-line", Static).content)

    def show(self, analysis: Analysis | None, *, revealed: bool) -> None:
        """Show ``analysis``; secret values stay masked unless ``revealed``."""
        if not self.is_attached:
            return
        self._analysis = analysis
        self._revealed = revealed
        command = self.query_one("#command-line", Static)
        drawing = self.query_one("#wiring", WiringView)
        # Reachable by keyboard (Tab, w) while it shows a definition.
        self.can_focus = analysis is not None
        if analysis is None:
            if self.has_focus:
                self.post_message(self.Left())
            command.update(Text("No definition selected.", "dim"))
            drawing.show([])
            self._show_bindings({})
            self._show_problems([], None)
            return

        secrets = [] if revealed else analysis.secrets
        if analysis.command_line is not None and analysis.has_errors:
            # As ``procreg render`` refuses it: shown to help the fixing, but
            # not as something to run.
            line = mask_secrets(analysis.command_line, secrets)
            shown = Text("Not runnable until the errors are fixed:\n", "red")
            shown.append_text(_shown_line(line, "dim"))
            command.update(shown)
        elif analysis.command_line is not None:
            line = mask_secrets(analysis.command_line, secrets)
            command.update(_shown_line(line, "bold"))
        elif analysis.failure is not None:
            command.update(as_text(f"Cannot resolve: {analysis.failure}", "red"))
        else:
            command.update(Text("The text is not a definition yet.", "dim"))
        drawing.show([mask_secrets(line, secrets) for line in analysis.wiring])
        self._show_bindings(analysis.bindings)
        self._show_problems(analysis.problems, analysis)

    def _show_bindings(self, bindings: dict[str, str]) -> None:
        """Show one input per variable, rebuilding them only when the names change."""
        names = tuple(bindings)
        self.query_one("#bindings-heading", Label).display = bool(names)
        container = self.query_one("#bindings", Vertical)
        if names == self._variables:
            for field in container.query(Input):
                wanted = bindings.get(field.name or "", "")
                if field.value != wanted and not field.has_focus:
                    field.value = wanted
            return

        self._variables = names
        typing = next(
            (field.name for field in container.query(Input) if field.has_focus), None
        )
        fields = {
            name: LiteralInput(value, name=name, compact=True, classes="binding-value")
            for name, value in bindings.items()
        }
        rows = [
            Horizontal(
                Label(as_text(f"${{{visible(name)}}}"), classes="binding-name"),
                field,
                classes="binding",
            )
            for name, field in fields.items()
        ]
        if typing is None:
            container.remove_children()
            container.mount_all(rows)
            return

        # A field is being typed in: the keys must stay in a field, never fall
        # to another widget (the editor, the list's commands) as it goes. So
        # the new fields come first, the keyboard moves to the same variable's
        # field (else the first), and only then do the old ones go.
        old_rows = list(container.children)
        mounted = container.mount_all(rows)
        successor = fields.get(typing) or next(iter(fields.values()), None)
        if successor is not None:
            # Typing goes on after what it holds, not over it.
            successor.select_on_focus = False

        async def swap() -> None:
            await mounted
            if successor is not None and successor.is_attached:
                self.screen.set_focus(successor)
            else:
                self.post_message(self.Left())
            await container.remove_children(old_rows)

        self.call_later(swap)

    def _show_problems(
        self, problems: list[Problem], analysis: Analysis | None
    ) -> None:
        """Fill the problem list and its heading with counts."""
        heading = self.query_one("#problems-heading", Label)
        listing = self.query_one("#problems", OptionList)
        listing.clear_options()
        if analysis is None:
            heading.update("Problems")
            listing.display = False
            return

        errors = analysis.count(Severity.ERROR)
        warnings = analysis.count(Severity.WARNING)
        summary = Text("Problems: ", end="")
        if not problems:
            summary.append("none", "green")
        else:
            summary.append(
                f"{errors} error{'s' * (errors != 1)}", "red" if errors else ""
            )
            summary.append(f", {warnings} warning{'s' * (warnings != 1)}")
        heading.update(summary)
        listing.add_options(
            Option(_problem_prompt(problem, analysis.position(problem)), id=str(index))
            for index, problem in enumerate(problems)
        )
        listing.display = bool(problems)

    @on(Input.Changed, ".binding-value")
    def _binding_changed(self, event: Input.Changed) -> None:
        """Announce a new binding value."""
        event.stop()
        if event.input.name is not None:
            self.post_message(self.BindingChanged(event.input.name, event.value))

    @on(OptionList.OptionSelected, "#problems")
    def _problem_selected(self, event: OptionList.OptionSelected) -> None:
        """Announce the chosen problem."""
        event.stop()
        if self._analysis is not None and event.option.id is not None:
            self.post_message(
                self.ProblemChosen(self._analysis.problems[int(event.option.id)])
            )
