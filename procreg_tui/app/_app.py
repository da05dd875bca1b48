"""The procreg app: browse, edit, check and run definitions of a registry."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.actions import ActionParseResult
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static, TextArea
from textual.worker import get_current_worker

from procreg_tui.app._analysis import Analysis, analyse
from procreg_tui.app._collector import collector_paused
from procreg_tui.app._copying import copy_dialog, copy_refusal
from procreg_tui.app._definition_list import DefinitionList
from procreg_tui.app._dialogs import (
    ConfirmScreen,
    ConflictScreen,
    HelpScreen,
    TemplateScreen,
)
from procreg_tui.app._editor import DefinitionEditor, definition_text
from procreg_tui.app._entries import (
    Entry,
    Filter,
    definition_of,
    entry_of,
    label_of,
)
from procreg_tui.app._export import ExportScreen, export_definition
from procreg_tui.app._external_editor import (
    edited_file,
    editor_command,
    read_edited,
    run_editor,
)
from procreg_tui.app._glyphs import choose_glyphs, glyphs
from procreg_tui.app._help import help_sections
from procreg_tui.app._input import tolerate_invalid_input
from procreg_tui.app._keys import APP_BINDINGS, arrows_in_words
from procreg_tui.app._literal import LiteralInput
from procreg_tui.app._live_panel import LivePanel
from procreg_tui.app._messages import count, export_refusal, quoted, save_warning
from procreg_tui.app._palette import ascii_search_icon, palette_commands
from procreg_tui.app._recovery import Draft, DraftKeeper
from procreg_tui.app._text import as_content, secrets_of
from procreg_tui.app._toasts import TOAST_CSS, toast_rows
from procreg_tui.app.clipboard import CopyOutcome, copy_text
from procreg_tui.definition import Problem, Severity
from procreg_tui.registry import (
    Conflict,
    Record,
    RecordNotFound,
    Registry,
    RegistryError,
    RegistryGone,
    RegistryReadOnly,
)
from procreg_tui.remote import RemoteError

T = TypeVar("T")

MIN_WIDTH = 60
"""Narrower terminals get a request to enlarge instead of a broken screen."""
MIN_HEIGHT = 15
"""Shorter terminals get a request to enlarge instead of a broken screen."""
WIDE = 120
"""From this width on, the editor and the live panel stand side by side."""
ROOMY_FOOTER = 80
"""Narrower, the footer draws its keys closer together."""
PALETTE_KEY = 70
"""Narrower, the footer leaves out the command palette's key (? lists it), so
that the other keys are not cut."""

ANALYSE_DELAY = 0.15
"""Seconds of quiet typing before the editor's text is checked again."""
OPEN_DELAY = 0.08
"""Seconds the list's cursor must rest before its definition opens in the editor."""
SEARCH_SLICE = 2000
"""Rows whose search text is worked out between two looks at the keyboard."""
POLL_INTERVAL = 1.0
"""Seconds between two looks at whether the registry file changed on disk."""
KEY_PATIENCE = 0.5
"""Seconds a key read with others waits for the one before it to be handled."""

REGISTRY_WRITES = frozenset({"new", "save", "duplicate", "delete", "undo"})
"""Actions that change the registry: off while it is read-only or unreachable."""
WRITE_ACTIONS = REGISTRY_WRITES | {"external_edit"}
"""Actions that change the registry or the definition being edited: off while
the registry is read-only."""
OFFLINE_REFUSAL = (
    "The registry cannot be reached, so nothing is changed; r in the list tries "
    "again. Unsaved edits are kept."
)

ON_THE_SELECTION = {
    "save": "save",
    "copy": "copy",
    "external_edit": "edit",
    "duplicate": "duplicate",
    "delete": "delete",
    "revert": "revert",
    "problems": "check",
    "bindings": "fill in",
    "wiring": "show",
    "export": "export",
}
"""Actions on the definition selected in the list, with what each would do:
with none selected, they say so instead of doing nothing unseen."""

WHEN_TOO_SMALL = frozenset({"quit", "help", "help_quit"})
"""The only actions that run while the terminal is too small to show the app."""

RegistrySource = Registry | Callable[[], Registry]


class MainScreen(Screen[Any]):
    """The screen of the list, the editor and the live panel."""

    AUTO_FOCUS = "#list"
    """The keyboard starts on the list, never in the filter; on no widget while
    the list is empty."""


@dataclass
class _KeyTurns:
    """Keys from the terminal taking their turns (see ``ProcregApp._deliver_key``)."""

    in_flight: bool = False
    """Whether a key has been handed on and is not handled yet."""
    turn: int = 0
    """How many keys have been handed on."""
    held: list[events.Key] = field(default_factory=list)
    """Keys waiting for the one before them to be handled, in the order typed."""
    settling: asyncio.Task[None] | None = None
    """Waits for the app to be quiet before the next key goes on."""


class ProcregApp(App[int]):
    """Browse, edit and check the definitions of one registry."""

    CSS_PATH = "procreg.tcss"
    # Notifications are drawn as wide as their rows are counted.
    CSS = TOAST_CSS
    TITLE = "procreg"
    # Textual declares the breakpoints without ClassVar, so mypy refuses one here.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-tiny"),
        (MIN_WIDTH, "-narrow"),
        (WIDE, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-short"),
        (MIN_HEIGHT, "-tall"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        registry: RegistrySource,
        *,
        read_only: bool = False,
        ascii_only: bool | None = None,
    ) -> None:
        super().__init__()
        # Before any widget is made: some draw a symbol when made.
        more = choose_glyphs(ascii_only=ascii_only).more
        self.set_class(glyphs().ascii, "-ascii")
        self._source = registry
        self._db: Registry | None = registry if isinstance(registry, Registry) else None
        self._force_read_only = read_only
        self._entries: list[Entry] = []
        self._by_id: dict[int, Entry] = {}
        self._filter = Filter()
        self._current: int | None = None
        self._stored_text = ""
        self._drafts: dict[int, str] = {}
        self._draft_bases: dict[int, int] = {}
        self._base_definitions: dict[int, tuple[int, Mapping[str, Any]]] = {}
        """The stored definition each edit of this session started from, by id,
        with its revision: a conflict over a revision whose definition is the
        same (deleted and restored elsewhere) is no conflict."""
        self._overrides: dict[int, dict[str, str]] = {}
        self._deleted: list[int] = []
        self._deleted_drafts: dict[int, tuple[str, int | None, Entry | None]] = {}
        """Unsaved text (and its base revision and row) of definitions deleted
        here, given back when the delete is undone."""
        self._failure_shown: str | None = None
        """The registry failure last told, so that the poll does not repeat it."""
        self._keeper: DraftKeeper | None = None
        """Keeps the unsaved edits on disk once the registry is known."""
        self._revealed = False
        self._loaded = False
        self._loading = False
        self._analysis: Analysis | None = None
        self._analyse_timer: Any = None
        self._open_timer: Any = None
        self._search_generation = 0
        self._writing: str | None = None
        self._announce: str | None = None
        self._carried: tuple[str, list[Problem]] | None = None
        self._offline: str | None = None
        self._keys = _KeyTurns()
        self._retry: Callable[[], None] | None = None
        self.failure: str | None = None
        """Why the app stopped without showing the registry, if it did."""
        self.last_copy: CopyOutcome | None = None
        """How the last copy went."""

        # Kept rather than queried: timers and workers may call back while the
        # app shuts down, when a query would find nothing.
        self._banner = Static(id="banner")
        self._left = Vertical(id="left")
        self._filter_input = LiteralInput(
            placeholder="/ to filter", id="filter", compact=True
        )
        self._list = DefinitionList(id="list")
        self._status = Label(f"Loading the registry{more}", id="list-status")
        self._editor = DefinitionEditor(id="editor")
        self._live_panel = LivePanel(id="live")
        self._footer = Footer()

    # -- layout ------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """Return the screen the app's widgets are laid out on."""
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        """Lay out the banner, the list, the editor, the live panel and the footer."""
        yield self._banner
        with Horizontal(id="main"):
            with self._left:
                yield self._filter_input
                yield self._list
                yield self._status
            with Container(id="right"):
                yield self._editor
                yield Static(id="divider")
                yield self._live_panel
        yield Static(
            f"procreg needs at least {MIN_WIDTH} columns and {MIN_HEIGHT} rows.\n"
            "Please enlarge the terminal.",
            id="too-small",
        )
        yield self._footer

    def on_mount(self) -> None:
        """Show the first screen, then read the registry in the background."""
        self._left.border_title = "Definitions"
        self._editor.border_title = "Definition"
        self._live_panel.border_title = "Live"
        self._focus_list()
        self._show_banner()
        self._live_panel.show(None, revealed=self._revealed)
        self.call_after_refresh(self._start_loading)
        self.set_interval(POLL_INTERVAL, self._poll)

    def run(self, *args: Any, **kwargs: Any) -> int | None:
        """Run the app on this terminal, at the size the terminal reports.

        Textual takes the size from ``COLUMNS`` and ``LINES`` when they are set,
        also after each resize, so a shell that exported them would pin the app
        to the size of that moment: a terminal enlarged from too small would go
        on asking to be enlarged. They are dropped first (``$EDITOR`` then asks
        the terminal too). Input bytes that are not UTF-8 are read as U+FFFD
        instead of ending the app.
        """
        if not kwargs.get("headless", False):
            for name in ("COLUMNS", "LINES"):
                os.environ.pop(name, None)
            tolerate_invalid_input()
        return super().run(*args, **kwargs)

    def action_command_palette(self) -> None:
        """Open the command palette; its search icon is ``>`` in ASCII."""
        if not glyphs().ascii:
            super().action_command_palette()
        elif self.use_command_palette and not any(
            isinstance(screen, CommandPalette) for screen in self.screen_stack
        ):
            palette = CommandPalette(
                placeholder="Search for commands...", id="--command-palette"
            )
            self.push_screen(palette)
            palette.call_after_refresh(ascii_search_icon, palette)

    def get_key_display(self, binding: Binding) -> str:
        """Return how the footer and the help name a key: arrows in words
        under a locale that is not UTF-8."""
        display = super().get_key_display(binding)
        return arrows_in_words(display) if glyphs().ascii else display

    @property
    def too_small(self) -> bool:
        """Whether the main screen shows the request to enlarge instead of the app.

        A dialog on top is drawn at any size and keeps its keys.
        """
        width, height = self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        return too_small and len(self.screen_stack) == 1

    async def on_event(self, event: events.Event) -> None:
        """While the terminal is too small, let only help and quit through.

        Nothing of the app is on screen then, so a key must neither run an
        action nor type into the field that had the keyboard, nor a paste
        land there. Keys are stopped here, before they reach any widget.
        """
        is_input = isinstance(event, events.Key | events.Paste)
        if is_input and not event.is_forwarded and self.too_small:
            if isinstance(event, events.Key):
                for binding in self._bindings.key_to_bindings.get(event.key, ()):
                    if binding.action in WHEN_TOO_SMALL:
                        await self.run_action(binding.action)
                        break
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._keys.in_flight or self._keys.held:
                self._keys.held.append(event)
                self._settle_later()
                return
            await self._deliver_key(event)
            return
        await super().on_event(event)

    async def _deliver_key(self, event: events.Key) -> None:
        """Hand a key from the terminal on, and hold the next ones until it has
        been handled.

        Textual hands each key to the widget that has the keyboard when the
        key is taken from the app's queue. Keys read in one go (typing over
        SSH) are all in that queue before the first has been handled, so a
        letter typed after Enter or / would reach the list instead of the
        editor or filter that key opens, and act as a command there. The next
        key goes on only once every widget has handled what this one set off
        (a row chosen, a change of focus, a dialog); after a short time it
        goes anyway.
        """
        self._keys.in_flight = True
        self._keys.turn += 1
        await super().on_event(event)
        if self._keys.held:
            self._settle_later()

    def _settle_later(self) -> None:
        """Wait, in a task of its own, for the key in flight to be handled.

        Only a key that comes while another is in flight waits: keys typed
        one at a time find the app quiet and go on at once.
        """
        settling = self._keys.settling
        if settling is None or settling.done():
            self._keys.settling = asyncio.create_task(self._settle(self._keys.turn))

    def _busy(self) -> bool:
        """Whether a message is waiting or being handled anywhere in the app."""
        pumps: list[MessagePump] = [self]
        for screen in self.screen_stack:
            pumps += screen.walk_children(with_self=True)
        return any(
            pump.message_queue_size
            or getattr(pump._message_queue, "_unfinished_tasks", 0)
            for pump in pumps
        )

    async def _settle(self, turn: int) -> None:
        """Let the next key go on once the app is quiet, or after a while."""
        deadline = time.monotonic() + KEY_PATIENCE
        await asyncio.sleep(0)
        while self._busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        self.call_later(self._next_key, turn)

    async def _next_key(self, turn: int) -> None:
        """Let the next held key go on, once the key of ``turn`` is handled."""
        if turn != self._keys.turn or not self._keys.in_flight:
            return
        self._keys.in_flight = False
        if self._keys.held:
            await self._deliver_key(self._keys.held.pop(0))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification where it leaves the command line readable.

        One with the same text still shown gives way to it, so a key pressed
        twice shows one notification, not two stacked. Unlike Textual's, this
        one is called on the event loop only (workers go through
        ``call_from_thread``).
        """
        for shown in list(self._notifications):
            if (shown.message, shown.title, shown.severity) == (
                message,
                title,
                severity,
            ):
                self._unnotify(shown, refresh=False)
        self._fit_toasts(toast_rows(message, title, markup=markup), refresh=False)
        super().notify(
            message, title=title, severity=severity, timeout=timeout, markup=markup
        )

    def _fit_toasts(self, incoming: int = 0, *, refresh: bool = True) -> None:
        """Keep the notifications below the command line.

        They stack up from the bottom right, over the live panel at 80x24.
        When they would rise over the command line, the oldest give way until
        the rest and ``incoming`` rows more fit; the newest always shows, and
        so do errors, until they time out.
        """
        command = self._live_panel.command_line_region
        if not command.area or not self.screen_stack:
            return
        # The notifications end above the footer.
        room = self.screen_stack[0].size.height - 1 - command.bottom
        shown = list(self._notifications)
        rows = {
            note.identity: toast_rows(note.message, note.title, markup=note.markup)
            for note in shown
        }
        total = incoming + sum(rows.values())
        newest = shown[-1] if shown and not incoming else None
        for note in shown:
            if total <= room:
                break
            if note.severity != "error" and note is not newest:
                self._unnotify(note, refresh=refresh)
                total -= rows[note.identity]

    def on_resize(self, event: events.Resize) -> None:
        """Fit the footer to the new width, and the notifications to the new
        layout once it is drawn."""
        self._fit_footer(event.size.width)
        self.call_after_refresh(self._fit_toasts)

    def _fit_footer(self, width: int) -> None:
        """Draw the footer's keys closer together when narrow, and without the
        command palette's key when narrower still, so that no key is cut."""
        footer = self._footer
        footer.compact = width < ROOMY_FOOTER
        palette_key = width >= PALETTE_KEY
        if footer.show_command_palette != palette_key:
            footer.show_command_palette = palette_key
            # The footer lays out its keys again only when told.
            footer.refresh(recompose=True)

    # -- state the tests and the benchmark read -----------------------------------

    @property
    def registry(self) -> Registry | None:
        """The registry, once it has been opened."""
        return self._db

    @property
    def read_only(self) -> bool:
        """Whether edits are refused: asked for, or the registry cannot be written."""
        registry_read_only = self._db is not None and self._db.read_only
        return self._force_read_only or registry_read_only

    @property
    def loaded(self) -> bool:
        """Whether the registry has been read and the list filled."""
        return self._loaded

    @property
    def current_id(self) -> int | None:
        """The id of the definition in the editor."""
        return self._current

    @property
    def drafts(self) -> dict[int, str]:
        """The unsaved texts, by definition id."""
        return dict(self._drafts)

    @property
    def analysis(self) -> Analysis | None:
        """What the live panel shows about the editor's text."""
        return self._analysis

    @property
    def writing(self) -> str | None:
        """What is being written to the registry now, or ``None``."""
        return self._writing

    @property
    def settled(self) -> bool:
        """Whether the editor shows the definition under the list's cursor."""
        entry = self._list.highlighted
        return self._open_timer is None and (entry is None or entry.id == self._current)

    # -- loading and refreshing ----------------------------------------------------

    def _start_loading(self, *, reread: bool = False) -> None:
        """Read the registry in a thread so the screen stays responsive.

        ``reread`` reads the file again even when it looks unchanged.
        """
        self._loading = True
        self._update_status()
        self.run_worker(
            partial(self._load, reread=reread),
            thread=True,
            exclusive=True,
            group="load",
        )

    def _load(self, *, reread: bool) -> None:
        """Open the registry if needed and build the rows; runs in a thread.

        Rows of definitions whose revision is unchanged are kept, with the
        search text and validity they already worked out.
        """
        worker = get_current_worker()
        known = self._by_id
        try:
            with collector_paused():
                registry = self._db
                if registry is None:
                    assert callable(self._source)
                    registry = self._source()
                elif reread:
                    registry.reload()
                records = registry.records()
                entries = [entry_of(record, known.get(record.id)) for record in records]
        except RegistryError as error:
            if not worker.is_cancelled:
                self.call_from_thread(self._load_failed, error)
            return

        if worker.is_cancelled:
            return
        self.call_from_thread(self._fill, registry, entries)

    def _load_failed(self, error: RegistryError) -> None:
        """Say why the registry could not be read; stop when nothing was shown.

        Without a first reading there is nothing to work on, so the app ends
        with the reason, as the commands do. A later failure keeps the rows.
        """
        self._loading = False
        if not self._loaded:
            self.failure = str(error)
            self.exit(1, return_code=1, message=Text(f"procreg: {error}"))
            return
        if _passing(error):
            self._go_offline(error, self._start_loading)
            return
        self._update_status()
        # The poll tries again while the file stays as it is: say it once.
        if self._failure_shown == str(error):
            return
        self._failure_shown = str(error)
        self.notify(str(error), title="Registry", severity="error", markup=False)

    def _go_offline(self, error: RegistryError, retry: Callable[[], None]) -> None:
        """Keep what was loaded as a read-only view until ``r`` retries ``retry``.

        The same failure seen again (the poll retrying on its own) changes only
        what ``r`` retries; the user has been told already.
        """
        repeated = self._offline == str(error)
        self._offline = str(error)
        self._retry = retry
        if repeated:
            return
        self._show_banner()
        self._update_status()
        self.notify(
            f"{error}\nEverything loaded and every unsaved edit is kept; "
            "r in the list tries again.",
            title="Registry unreachable",
            severity="error",
            markup=False,
        )

    def _back_online(self) -> None:
        """Leave the offline view after a read or a change went through."""
        if self._offline is None:
            return
        self._offline = None
        self._retry = None
        self._show_banner()
        self.notify("The registry answers again.")

    def _fill(self, registry: Registry, entries: list[Entry]) -> None:
        """Show freshly read rows, keeping the filter, the selection and every draft.

        A definition deleted elsewhere while it has unsaved edits here keeps its
        row, marked, so that its text can still be seen and stored as a copy.
        """
        first = not self._loaded
        self._back_online()
        self._failure_shown = None
        orphans = self._orphans(entries)
        if orphans:
            entries = sorted([*entries, *orphans], key=lambda entry: entry.id)
        self._db = registry
        self._entries = entries
        self._by_id = {entry.id: entry for entry in entries}
        self._loaded = True
        self._loading = False
        if first:
            self._show_banner()
            self._editor.read_only = self.read_only
            entries = self._recover_drafts(registry, entries)
            if type(registry) is Registry and not registry.path.exists():
                self.notify(
                    f"No registry at {registry.path} yet: the first definition "
                    "you store creates it.",
                    title="New registry",
                    markup=False,
                )
        elif self._announce is not None:
            stored = len(entries) - len(orphans)
            told = f"{self._announce}: {count(stored, 'definition')}"
            if orphans:
                told += f", and {len(orphans)} deleted elsewhere that you edit"
            self.notify(f"{told}.")
        self._announce = None

        self._show_rows(self._filter.reset(entries), keep=self._current)
        self._prepare_search(entries, 0)

        for orphan in orphans:
            self.notify(
                f"Definition {orphan.id} was deleted elsewhere; your unsaved text of "
                "it is kept in its row (y stores it as a new definition).",
                severity="warning",
                markup=False,
            )
        current = self._current
        if current is not None and current not in self._by_id:
            return
        if current is not None and current not in self._drafts:
            self._open(current)
        elif current is not None:
            entry = self._by_id[current]
            if not entry.gone:
                # The edits stay, compared from now on with what is stored now:
                # typing the old text back is then a change, not "no changes".
                self._stored_text = definition_text(entry.definition)
            self._title_editor()

    def _orphans(self, entries: list[Entry]) -> list[Entry]:
        """Return the rows to keep for drafts whose definitions ``entries`` lack."""
        present = {entry.id for entry in entries}
        orphans = []
        for record_id in self._drafts:
            old = self._by_id.get(record_id)
            if record_id not in present and old is not None:
                if not old.gone:
                    old = Entry(old.id, old.revision, old.definition)
                    old.gone = True
                orphans.append(old)
        return orphans

    def _recover_drafts(self, registry: Registry, entries: list[Entry]) -> list[Entry]:
        """Take over the unsaved edits of sessions on this registry that ended
        without saving them (a dropped connection, a closed terminal).

        Returns ``entries`` with a row added, marked, for each recovered edit
        of a definition that is no longer stored.
        """
        from procreg_tui.registry import paths  # noqa: PLC0415

        self._keeper = DraftKeeper(paths().drafts, str(registry.path))
        recovered = self._keeper.recover()
        for session, kept in recovered.running.items():
            self.notify(
                f"Another procreg session on this registry ({session}) is still "
                f"running with unsaved edits of {count(len(kept), 'definition')} "
                f"({', '.join(map(str, kept))}): save them there. If it hangs on a "
                "dropped connection, the procreg started after it ends takes them "
                "over.",
                title="Unsaved elsewhere",
                severity="warning",
                markup=False,
                timeout=15,
            )
        if not recovered.drafts:
            return entries

        present = {entry.id for entry in entries}
        added = []
        for record_id, draft in sorted(recovered.drafts.items()):
            self._drafts[record_id] = draft.text
            if draft.base is not None:
                self._draft_bases[record_id] = draft.base
            if record_id not in present:
                orphan = Entry(record_id, draft.base or 0, definition_of(draft.text))
                orphan.gone = True
                added.append(orphan)
        ids = ", ".join(str(record_id) for record_id in sorted(recovered.drafts))
        self.notify(
            f"Recovered unsaved edits of {count(len(recovered.drafts), 'definition')}"
            f" ({ids}) from a session that ended without saving them "
            f"({'; '.join(recovered.sessions)}). They are marked * in the list.",
            title="Recovered",
            markup=False,
            timeout=15,
        )
        self._keep_drafts()
        return sorted([*entries, *added], key=lambda entry: entry.id)

    def _keep_drafts(self) -> None:
        """Write the unsaved edits to this session's file when they changed."""
        keeper = self._keeper
        if keeper is None:
            return
        told = keeper.failure
        keeper.keep(
            {
                record_id: Draft(text, self._draft_bases.get(record_id))
                for record_id, text in self._drafts.items()
            }
        )
        if keeper.failure is not None and keeper.failure != told:
            self.notify(keeper.failure, title="Unsaved edits", severity="warning")

    def _prepare_search(self, entries: list[Entry], start: int) -> None:
        """Work out the search text of the rows from ``start`` on, a slice at a time.

        It runs on the event loop between keys, so the first filter keystroke
        finds the text ready. A thread would be no faster (the work holds the
        GIL) and would make every key wait for the GIL.
        """
        if entries is not self._entries:
            return
        end = min(start + SEARCH_SLICE, len(entries))
        for entry in entries[start:end]:
            entry.haystack  # noqa: B018
        if end < len(entries):
            self._list.set_timer(
                0.002, partial(self._prepare_search, entries, end), name="search"
            )

    def _poll(self) -> None:
        """Keep the unsaved edits on disk; reload when another process changed
        the registry file."""
        self._keep_drafts()
        registry = self._db
        busy = self._loading or self._writing is not None
        if registry is None or busy or not self._loaded:
            return
        if registry.changed_on_disk():
            where = "on disk" if type(registry) is Registry else "on the server"
            self._announce = f"The registry changed {where}; the list shows it"
            self._start_loading()

    def _update_status(self) -> None:
        """Show what is being written or read, else how many definitions match."""
        shown = len(self._list.rows)
        total = len(self._entries)
        if self._writing is not None:
            status = f"{self._writing}{glyphs().more}"
        elif self._loading:
            status = f"Reading the registry{glyphs().more}"
        elif self._filter.query:
            searching = "" if self._filter.complete else f", searching{glyphs().more}"
            status = f"{shown} of {total}{searching}"
        else:
            status = count(total, "definition")
        # The line has a fixed size; a layout pass per keystroke would cost
        # a repaint of the whole screen.
        self._status.update(status, layout=False)
        self._left.border_title = f"Definitions {shown}/{total}"

    def _off(self, action: str) -> bool:
        """Whether ``action`` is refused now: read-only or offline."""
        if action in WRITE_ACTIONS and self.read_only:
            return True
        return action in REGISTRY_WRITES and self._offline is not None

    def _off_reason(self) -> str:
        """Why the refused actions are off."""
        if self.read_only:
            return "the registry is read-only"
        return "the registry cannot be reached"

    def _show_banner(self) -> None:
        """Show the banner when edits are refused: read-only or offline.

        The footer and the palette then offer only what works.
        """
        self.refresh_bindings()
        banner = self._banner
        banner.display = self.read_only or self._offline is not None
        if self._offline is not None:
            banner.update(
                as_content(
                    f"Offline: {self._offline} A read-only view of what was "
                    "loaded; r in the list tries again."
                )
            )
            return
        if not self.read_only:
            return
        reason = "opened with --read-only"
        if self._db is not None:
            reason = self._db.read_only_reason or reason
        where = str(self._db.path) if self._db is not None else "registry"
        banner.update(
            as_content(f"Read-only: {where} ({reason}). Changes cannot be saved.")
        )

    # -- the list and the editor ---------------------------------------------------

    @on(DefinitionList.Highlighted)
    def _highlighted(self, event: DefinitionList.Highlighted) -> None:
        """Open the highlighted definition in the editor once the cursor rests.

        Opening (editor, highlighting, checks, binding fields) costs more than a
        key repeat or a filter keystroke allows, so a moving cursor or a growing
        query opens only the definition it ends on.
        """
        self._cancel_open()
        record_id = event.record_id
        if record_id is None:
            self._close_editor()
        elif self._current is None:
            self._open(record_id)
        elif record_id != self._current:
            # Owned by the list, so it dies with the screen when the app ends.
            self._open_timer = self._list.set_timer(OPEN_DELAY, self._open_highlighted)

    def _cancel_open(self) -> None:
        """Forget a definition waiting to be opened."""
        if self._open_timer is not None:
            self._open_timer.stop()
            self._open_timer = None

    def _open_highlighted(self) -> None:
        """Open the definition under the list's cursor, unless it is open."""
        self._cancel_open()
        entry = self._list.highlighted
        if entry is not None and entry.id != self._current:
            self._open(entry.id)

    @on(DefinitionList.Chosen)
    def _chosen(self, event: DefinitionList.Chosen) -> None:
        """Open the chosen definition now and move the keyboard to the editor."""
        self._open_highlighted()
        self._editor.focus()

    def _open(self, record_id: int) -> None:
        """Put definition ``record_id`` (or its unsaved text) in the editor."""
        entry = self._by_id.get(record_id)
        if entry is None:
            return
        if record_id != self._current:
            # Another definition: its command line first, not where the
            # last one was scrolled to.
            self._live_panel.scroll_home(animate=False, immediate=True)
        self._current = record_id
        self._editor.can_focus = True
        self._stored_text = definition_text(entry.definition)
        editor = self._editor
        # Masked from the first paint, also when unsaved text does not parse.
        editor.mask(secrets_of(entry.definition), masking=not self._revealed)
        editor.load_text(self._drafts.get(record_id, self._stored_text))
        self._title_editor()
        self._analyse_now()

    def _close_editor(self) -> None:
        """Empty the editor when no definition is highlighted.

        An empty editor takes no keys: what was typed there would belong to
        no definition.
        """
        self._current = None
        self._stored_text = ""
        self._editor.can_focus = False
        if self._editor.has_focus:
            self._focus_list()
        self._editor.load_text("")
        self._title_editor()
        self._analysis = None
        self._live_panel.show(None, revealed=self._revealed)
        self._mask_editor()
        self._editor.mark_lines({})

    def _title_editor(self) -> None:
        """Title the editor with the definition's id, label and state."""
        editor = self._editor
        if self._current is None:
            editor.border_title = "Definition"
            editor.unsaved = False
            return
        entry = self._by_id.get(self._current)
        label = entry.label if entry else "?"
        title = Content(f"#{self._current} ") + as_content(label)
        if entry is not None and entry.gone:
            title += Content(" (deleted elsewhere)")
        elif self._current in self._drafts:
            title += Content(" (unsaved)")
        editor.border_title = title
        unsaved = self._current in self._drafts
        if editor.unsaved != unsaved:
            editor.unsaved = unsaved
            self.refresh_bindings()

    @on(DefinitionEditor.Changed, "#editor")
    def _edited(self, event: DefinitionEditor.Changed) -> None:
        """Track unsaved text and check it once typing pauses."""
        current = self._current
        if current is None:
            return
        text = event.text_area.text
        was_draft = current in self._drafts
        if text == self._stored_text:
            self._drafts.pop(current, None)
            self._draft_bases.pop(current, None)
        else:
            self._drafts[current] = text
            entry = self._by_id.get(current)
            if entry is not None:
                base = self._draft_bases.setdefault(current, entry.revision)
                if base == entry.revision:
                    self._base_definitions[current] = (base, entry.definition)
        if was_draft != (current in self._drafts):
            self._list.mark_drafts(self._drafts.keys())
            self._title_editor()

        analysis = self._analysis
        if analysis is not None and analysis.document.text == text:
            return
        if self._analyse_timer is not None:
            self._analyse_timer.stop()
        self._analyse_timer = self._editor.set_timer(ANALYSE_DELAY, self._analyse_now)

    @on(DefinitionEditor.Escaped)
    @on(LivePanel.Left)
    def _back_to_the_list(self) -> None:
        """Give the keyboard back to the list."""
        self._focus_list()

    def _focus_list(self) -> None:
        """Give the keyboard to the list; with no row to show, to the filter
        whose query left none, else to no widget, where the main keys work.

        An empty list shows no cursor, so keys typed there would run
        commands unseen; the filter is where the typing was going.
        """
        if self._list.rows:
            self._list.focus()
        elif self._filter_input.value:
            self._filter_input.focus()
        else:
            self._list.screen.set_focus(None)

    @on(DefinitionEditor.Refused)
    def _typing_refused(self) -> None:
        """Say once why typing into the editor changes nothing."""
        message = (
            "This registry is read-only: the text cannot be changed."
            if self.read_only
            else "The text cannot be changed now."
        )
        self.bell()
        self.notify(message, title="Read-only", severity="warning")

    def action_problems(self) -> None:
        """Move the keyboard to the problem list."""
        if not self._live_panel.focus_problems():
            self.notify("The definition has no problems.")

    def action_bindings(self) -> None:
        """Move the keyboard to the values of the ``${variables}``."""
        if not self._live_panel.focus_bindings():
            self.notify("The definition uses no ${variable}.", markup=False)

    def action_wiring(self) -> None:
        """Move the keyboard to the live panel, its wiring in view."""
        if not self._live_panel.focus_wiring():
            self.notify("No definition is open.")

    # TODO: reading and checking run on the event loop; a 10 MB definition
    # costs about 0.4 s per pause in typing (and 1.8 s to open it), during
    # which keys wait. A thread would not help while the work holds the GIL.
    def _analyse_now(self) -> None:
        """Check and resolve the editor's text and show the result."""
        self._analyse_timer = None
        if self._current is None:
            return
        overrides = self._overrides.get(self._current, {})
        text = self._editor.text
        carried = self._carried
        extra = carried[1] if carried is not None and carried[0] == text else []
        analysis = analyse(text, overrides, extra)
        self._analysis = analysis
        self._live_panel.show(analysis, revealed=self._revealed)
        self._mask_editor()
        self.call_after_refresh(self._fit_toasts)

        marks: dict[int, Severity] = {}
        for problem in analysis.problems:
            position = analysis.position(problem)
            if position is None:
                continue
            line = position[0] - 1
            known = marks.get(line)
            if known is None or problem.severity.rank < known.rank:
                marks[line] = problem.severity
        self._editor.mark_lines(marks)

    def _live_binding_changed(self, name: str, value: str) -> None:
        """Resolve again with the new value of a variable."""
        if self._current is None:
            return
        overrides = self._overrides.setdefault(self._current, {})
        if overrides.get(name) == value:
            return
        overrides[name] = value
        self._analyse_now()

    @on(LivePanel.BindingChanged)
    def _binding_changed(self, event: LivePanel.BindingChanged) -> None:
        """Resolve again with the new value of a variable."""
        analysis = self._analysis
        if analysis is not None and analysis.bindings.get(event.name) == event.value:
            return
        self._live_binding_changed(event.name, event.value)

    @on(LivePanel.ProblemChosen)
    def _problem_chosen(self, event: LivePanel.ProblemChosen) -> None:
        """Move the editor's cursor to the chosen problem."""
        analysis = self._analysis
        if analysis is None:
            return
        position = analysis.position(event.problem)
        if position is None:
            self.notify(
                "This problem has no place in the text.", severity="information"
            )
            return
        editor = self._editor
        editor.cursor_location = (position[0] - 1, max(0, position[1] - 1))
        editor.scroll_cursor_visible(center=True)
        editor.focus()

    # -- the filter ----------------------------------------------------------------

    def action_filter(self) -> None:
        """Move the keyboard to the filter."""
        self._filter_input.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Narrow the list as the query is typed."""
        self._show_rows(self._filter.apply(event.value))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        """Move the keyboard to the narrowed list, if it shows any row."""
        self._focus_list()

    def on_key(self, event: Any) -> None:
        """Escape or Down in the filter goes back to the list; Escape also clears
        it, there and in the list it narrowed."""
        filter_input = self._filter_input
        if event.key == "escape" and self.focused is self._list and filter_input.value:
            filter_input.value = ""
            # The cursor stays on the definition it was on.
            self._show_rows(self._filter.apply(""))
            event.stop()
            return
        # Not has_focus: the filter keeps it under a dialog, whose keys these are.
        if self.focused is not filter_input:
            return
        if event.key == "escape":
            filter_input.value = ""
            # Now, not when the input announces the change: the list must
            # show its rows to take the keyboard.
            self._show_rows(self._filter.apply(""))
            self._focus_list()
            event.stop()
        elif event.key == "down":
            self._focus_list()
            event.stop()

    # -- the central gate for edits --------------------------------------------------

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run ``action``, refusing the app's edits when the registry is read-only.

        This is the one place that refuses edits: keys, the footer and the
        command palette all run actions through here. A definition waiting to
        be opened is opened first. While the terminal is too small to show
        the app, only help and quit run.
        """
        target, name, _ = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces
        )
        if self.too_small and name not in WHEN_TOO_SMALL:
            return True
        if target is self and self._open_timer is not None:
            # An action works on what the list shows under the cursor, even
            # when the editor has not caught up with it yet.
            self._open_highlighted()
        if target is self and name in WRITE_ACTIONS and self.read_only:
            self.notify(
                "This registry is read-only: nothing can be changed.",
                title="Read-only",
                severity="warning",
            )
            return True
        if target is self and self._off(name):
            self.notify(OFFLINE_REFUSAL, title="Offline", severity="warning")
            return True
        if target is self and name in ON_THE_SELECTION and self._current is None:
            self._nothing_selected(ON_THE_SELECTION[name])
            return True

        return await super().run_action(action, default_namespace, namespaces)

    def _nothing_selected(self, verb: str) -> None:
        """Say that there is no definition to ``verb``, and why."""
        if not self._loaded:
            reason = "the registry is still loading"
        elif not self._entries:
            reason = "the list is empty"
        elif not self._list.rows:
            reason = "no definition matches the filter"
        else:
            reason = "no definition is selected"
        self.notify(f"Nothing to {verb}: {reason}.", severity="warning")

    def _write(
        self,
        change: Callable[[Registry], T],
        *,
        what: str,
        done: Callable[[T], None],
        conflicted: Callable[[Conflict], None] | None = None,
        wanted: Callable[[], bool] | None = None,
    ) -> None:
        """Apply ``change`` to the registry in a thread, then call ``done``.

        Every change to the registry goes through here. ``what`` says what is
        being done ("Saving definition 3") while it runs; one change runs at a
        time. A failure is reported; a :class:`Conflict` goes to ``conflicted``
        when given, since the caller knows how to show both versions.
        ``wanted`` says whether the change is still wanted when ``r`` tries it
        again after the registry was out of reach: a save whose unsaved edits
        were reverted meanwhile is not, and ``r`` then only reads again.
        """
        registry = self._db
        if registry is None:
            self.notify("The registry is still loading.", severity="warning")
            return
        if wanted is not None and not wanted():
            self.notify(f"{what}: not tried again, as its unsaved edits were reverted.")
            self._start_loading()
            return
        if self._writing is not None:
            self.notify(
                f"Still busy: {self._writing}. Try again in a moment.",
                severity="warning",
                markup=False,
            )
            return
        if self._offline is not None:
            self.notify(OFFLINE_REFUSAL, title="Offline", severity="warning")
            return

        self._writing = what
        self._update_status()
        self.run_worker(
            partial(
                self._apply, registry, change, what, done, conflicted, wanted=wanted
            ),
            thread=True,
            group="write",
        )

    def _apply(
        self,
        registry: Registry,
        change: Callable[[Registry], T],
        what: str,
        done: Callable[[T], None],
        conflicted: Callable[[Conflict], None] | None,
        *,
        wanted: Callable[[], bool] | None,
    ) -> None:
        """Run ``change`` on ``registry`` and hand its outcome to the event loop."""
        outcome: Callable[[], None]
        try:
            result = change(registry)
        except Conflict as conflict:
            outcome = partial(conflicted or partial(self._failed, what), conflict)
        except RegistryError as error:
            if _passing(error):
                again = partial(
                    self._write,
                    change,
                    what=what,
                    done=done,
                    conflicted=conflicted,
                    wanted=wanted,
                )
                outcome = partial(self._go_offline, error, again)
            else:
                outcome = partial(self._failed, what, error)
        else:
            outcome = partial(self._succeeded, done, result)
        self.call_from_thread(self._written, outcome)

    def _succeeded(self, done: Callable[[T], None], result: T) -> None:
        """Show a change that went through."""
        self._back_online()
        done(result)

    def _written(self, then: Callable[[], None]) -> None:
        """End the running change and show its outcome."""
        self._writing = None
        self._update_status()
        then()

    def _failed(self, what: str, error: RegistryError) -> None:
        """Say why a change could not be made.

        A registry that turned read-only while open gets the banner and a
        read-only editor from then on, as if it had been opened so.
        """
        if isinstance(error, RegistryReadOnly) and self.read_only:
            self._show_banner()
            self._editor.read_only = True
        self.notify(str(error), title=f"{what}: failed", severity="error", markup=False)

    def _put(self, record: Record) -> Entry:
        """Show ``record`` in the list, replacing the row of the same id."""
        entry = Entry(record.id, record.revision, record.definition)
        old = self._by_id.get(record.id)
        self._by_id[record.id] = entry
        if old is None:
            self._entries.append(entry)
            self._entries.sort(key=lambda known: known.id)
        else:
            self._entries[self._entries.index(old)] = entry
        return entry

    def _remove(self, record_id: int) -> None:
        """Take the row of ``record_id`` off the list."""
        old = self._by_id.pop(record_id, None)
        if old is not None:
            self._entries.remove(old)

    def _refresh_list(self, *, keep: int | None = None) -> None:
        """Show the entries through the filter, with the cursor on ``keep``."""
        self._show_rows(self._filter.reset(self._entries), keep=keep)

    def _show_rows(self, rows: list[Entry], *, keep: int | None = None) -> None:
        """Show the filter's result and let it look for more fuzzy matches."""
        widest = self._entries[-1].id if self._entries else 0
        self._list.show(rows, keep=keep, drafts=self._drafts.keys(), widest=widest)
        main = self._list.screen
        if (rows and main.focused is None) or (not rows and self._list.has_focus):
            self._focus_list()
        self._update_status()
        self._search_generation += 1
        if not self._filter.complete:
            self._search_more(self._search_generation)

    def _search_more(self, generation: int) -> None:
        """Look for fuzzy matches a slice at a time, until done or a new query."""
        if generation != self._search_generation:
            return
        if self._filter.more():
            self._list.grew()
        if self._filter.complete:
            self._update_status()
            return
        self._list.set_timer(0.002, partial(self._search_more, generation))

    # -- actions -------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key binding."""
        self.push_screen(HelpScreen(self._help_sections()))

    def _help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Return the key bindings, grouped by where they work, the keys off
        now (read-only, offline) apart."""
        return help_sections(
            self.BINDINGS,
            key_display=self.get_key_display,
            is_off=self._off,
            off_reason=self._off_reason(),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the filter key where typing ``/`` enters text instead, and the
        changes refused now (read-only, offline).

        A hidden action's key still reaches :meth:`run_action`, which says why
        nothing happens.
        """
        typing = isinstance(self.focused, Input | TextArea)
        return not ((action == "filter" and typing) or self._off(action))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Offer every action of the app in the command palette."""
        yield from super().get_system_commands(screen)
        yield from palette_commands(self, is_off=self._off, current=self._current)

    def action_export(self, name: str) -> None:
        """Show the definition in the editor exported as ``name``, to save.

        What is exported is what the live panel checks: the editor's text, with
        the values typed for the ``${variables}``. A definition with errors is
        refused, as ``procreg export`` refuses it.
        """
        from procreg_tui.export import ExportError, ExportFormat  # noqa: PLC0415

        export_format = ExportFormat(name)
        record_id = self._current
        analysis = self._analysis
        if record_id is None or analysis is None:
            self.notify("No definition is open to export.", severity="warning")
            return
        refusal = export_refusal(analysis)
        if refusal is not None:
            self.notify(
                f"Definition {record_id} {refusal}: it cannot be exported as "
                f"{export_format}.",
                title="Export",
                severity="error",
                markup=False,
            )
            return
        assert analysis.definition is not None
        entry = self._by_id.get(record_id)
        record = Record(
            record_id, analysis.definition, entry.revision if entry else 0, "", "", ""
        )
        typed = {
            variable: value
            for variable, value in self._overrides.get(record_id, {}).items()
            if value and variable in analysis.bindings
        }
        try:
            exported = export_definition(record, export_format, typed)
        except ExportError as error:
            self.notify(
                f"Definition {record_id} cannot be exported as {export_format}: "
                f"{error}.",
                title="Export",
                severity="error",
                markup=False,
            )
            return
        notes = []
        if record_id in self._drafts:
            notes.append("With the unsaved edits of the editor.")
        if typed and export_format != "sh":
            names = ", ".join(f"${{{variable}}}" for variable in typed)
            notes.append(f"{names}: as typed in the live panel.")
        title = Content(f"Definition {record_id} ") + as_content(
            quoted(label_of(analysis.definition))
        )
        title += Content(f" as {export_format}")

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(
                    f"Wrote definition {record_id} as {export_format} to {path}.",
                    title="Export",
                    markup=False,
                )

        self.push_screen(
            ExportScreen(
                title,
                exported,
                notes=notes,
                secrets=analysis.secrets,
                masking=not self._revealed,
                registry_path=None if self._db is None else self._db.path,
            ),
            saved,
        )

    def action_reveal(self) -> None:
        """Show or mask secret-looking values in the editor and the live panel."""
        self._revealed = not self._revealed
        self._live_panel.show(self._analysis, revealed=self._revealed)
        self._mask_editor()
        state = "shown" if self._revealed else "masked"
        self.notify(f"Secret-looking values are {state} in the editor and the panel.")

    def _mask_editor(self) -> None:
        """Mask in the editor what the live panel masks, unless revealed.

        While the text does not parse, the values known from its last reading
        stay masked (the editor also masks the value after any secret-looking
        key by itself).
        """
        analysis = self._analysis
        if analysis is None:
            self._editor.mask((), masking=not self._revealed)
        elif analysis.definition is not None:
            self._editor.mask(analysis.secrets, masking=not self._revealed)
        else:
            self._editor.mask(self._editor.secrets, masking=not self._revealed)

    def action_reload(self) -> None:
        """Read the registry file again, keeping unsaved edits.

        Offline, it tries again what failed: the change, or the reading.
        """
        if self._writing is not None:
            self.notify(
                f"Still busy: {self._writing}. Try again in a moment.",
                severity="warning",
                markup=False,
            )
            return
        retry = self._retry
        if self._offline is not None and retry is not None:
            self._offline = None
            self._retry = None
            self._show_banner()
            retry()
            return
        self._announce = "Read the registry again"
        self._start_loading(reread=True)

    def action_new(self) -> None:
        """Store a new definition from a template the user picks."""

        def create(template: Any) -> None:
            if template is None:
                return
            definition = template.fresh()
            self._write(
                lambda registry: registry.create(definition),
                what="Creating a definition",
                done=lambda record: self._added(
                    record, f"Created definition {record.id}."
                ),
            )

        self.push_screen(TemplateScreen(), create)

    def action_duplicate(self) -> None:
        """Store a copy of the definition in the editor under a new id."""
        analysis = self._analysis
        if self._current is None or analysis is None or analysis.definition is None:
            self.notify(
                "Nothing to duplicate: the editor holds no definition.",
                severity="warning",
            )
            return
        copy = dict(analysis.definition)
        copy["name"] = f"{label_of(copy)}-copy"
        source = self._current
        entry = self._by_id.get(source)

        def stored(record: Record) -> None:
            if entry is not None and entry.gone:
                # Its text lives on in the copy: the orphaned row has done its job.
                self._drafts.pop(source, None)
                self._draft_bases.pop(source, None)
                self._remove(source)
            self._added(record, f"Stored a copy as definition {record.id}.")

        self._write(
            lambda registry: registry.create(copy),
            what="Storing a copy",
            done=stored,
        )

    def _added(self, record: Record, message: str) -> None:
        """Show a newly stored definition and put it in the editor."""
        self._put(record)
        self._refresh_list(keep=record.id)
        if not self._list.select_id(record.id):
            self._filter_input.value = ""
            self._refresh_list(keep=record.id)
        self._open(record.id)
        self._editor.focus()
        self.notify(message)

    def action_delete(self) -> None:
        """Move the highlighted definition to the trash, after a confirm."""
        entry = self._list.highlighted
        if entry is None:
            self._nothing_selected("delete")
            return
        if entry.gone:
            # Nothing stored is left to move: what goes is the unsaved text.
            question = Content(f"Definition {entry.id} ") + as_content(
                quoted(entry.label)
            )
            question += Content(
                " was deleted elsewhere. Drop your unsaved edits of it, and its "
                "row? They cannot be brought back."
            )

            def dropped(answer: bool | None) -> None:
                if answer and entry.id in self._drafts:
                    self._revert(entry.id)

            self.push_screen(
                ConfirmScreen("Delete", question, yes="Drop edits"), dropped
            )
            return
        question = Content(f"Move definition {entry.id} ") + as_content(
            quoted(entry.label)
        )
        question += Content(" to the trash? u brings it back")
        if entry.id in self._drafts:
            question += Content(", with your unsaved edits")
        question += Content(".")

        def confirmed(answer: bool | None) -> None:
            if answer:
                self._delete(entry.id)

        self.push_screen(ConfirmScreen("Delete", question, yes="Delete"), confirmed)

    def _delete(self, record_id: int) -> None:
        """Move ``record_id`` to the trash and remember it for undo."""
        self._write(
            lambda registry: registry.delete(record_id),
            what=f"Deleting definition {record_id}",
            done=lambda _: self._deleted_done(record_id),
        )

    def _neighbour(self, record_id: int) -> int | None:
        """Return the id of the row that takes the place of ``record_id``'s
        when it goes (or of the one above), if any."""
        ids = [entry.id for entry in self._list.rows]
        if record_id not in ids:
            return None
        index = ids.index(record_id)
        others = ids[:index] + ids[index + 1 :]
        return others[min(index, len(others) - 1)] if others else None

    def _deleted_done(self, record_id: int) -> None:
        """Take a trashed definition off the list and offer to undo.

        The cursor moves to the row that took its place (or the one above).
        """
        neighbour = self._neighbour(record_id)
        row = self._by_id.get(record_id)
        self._remove(record_id)
        draft = self._drafts.pop(record_id, None)
        base = self._draft_bases.pop(record_id, None)
        if draft is not None:
            self._deleted_drafts[record_id] = (draft, base, row)
        self._deleted.append(record_id)
        if self._current == record_id:
            self._current = None
        self._refresh_list(keep=neighbour)
        if self._list.highlighted is None:
            self._close_editor()
        self.notify(f"Deleted definition {record_id}. Press u to undo.")

    def action_revert(self) -> None:
        """Drop the unsaved edits of the definition in the editor, after a confirm."""
        record_id = self._current
        if record_id is None:
            self.notify("No definition is open.", severity="warning")
            return
        if record_id not in self._drafts:
            self.notify(f"Definition {record_id} has no unsaved edits.")
            return
        entry = self._by_id.get(record_id)
        gone = entry is not None and entry.gone
        question = Content(f"Drop the unsaved edits of definition {record_id} ")
        question += as_content(quoted(entry.label if entry else "?"))
        if gone:
            question += Content("? It was deleted elsewhere, so its row goes too.")
        else:
            question += Content(" and show it as stored?")
        question += Content(" They cannot be brought back.")

        def confirmed(answer: bool | None) -> None:
            if answer and record_id in self._drafts:
                self._revert(record_id)

        self.push_screen(ConfirmScreen("Revert", question, yes="Revert"), confirmed)

    def _revert(self, record_id: int) -> None:
        """Forget the unsaved text of ``record_id``, also on disk, and show the
        stored definition; a definition deleted elsewhere leaves the list."""
        self._drafts.pop(record_id, None)
        self._draft_bases.pop(record_id, None)
        if self._current == record_id:
            self._carried = None
        self._keep_drafts()
        entry = self._by_id.get(record_id)
        if entry is not None and entry.gone:
            neighbour = self._neighbour(record_id)
            self._remove(record_id)
            if self._current == record_id:
                self._current = None
            self._refresh_list(keep=neighbour)
            if self._list.highlighted is None:
                self._close_editor()
            self.notify(
                f"Dropped the unsaved edits of definition {record_id}, which was "
                "deleted elsewhere."
            )
            return
        self._list.mark_drafts(self._drafts.keys())
        if self._current == record_id:
            self._open(record_id)
        self.notify(f"Reverted definition {record_id} to its stored text.")

    def action_undo(self) -> None:
        """Bring back the last deleted definition."""
        if not self._deleted:
            self.notify("Nothing to undo.")
            return
        record_id = self._deleted[-1]

        def restore(registry: Registry) -> Record | None:
            try:
                return registry.restore(record_id)
            except RecordNotFound:
                pass
            try:
                # Brought back already, from another session.
                record = registry.get(record_id)
            except RecordNotFound:
                return None
            return record if record.deleted is None else None

        self._write(
            restore,
            what=f"Restoring definition {record_id}",
            done=lambda record: (
                self._purged(record_id) if record is None else self._restored(record)
            ),
        )

    def _purged(self, record_id: int) -> None:
        """Say that a definition to bring back was purged from the trash
        elsewhere; unsaved text of it stays in a row of its own."""
        if record_id in self._deleted:
            self._deleted.remove(record_id)
        kept = self._deleted_drafts.pop(record_id, None)
        if kept is None:
            self.notify(
                f"Definition {record_id} was purged from the trash elsewhere: it "
                "cannot be brought back.",
                severity="warning",
            )
            return
        draft, base, row = kept
        # The row as stored, so that the text stays an unsaved edit of it.
        entry = (
            Entry(row.id, row.revision, row.definition)
            if row is not None
            else Entry(record_id, base or 0, definition_of(draft))
        )
        entry.gone = True
        self._entries.append(entry)
        self._entries.sort(key=lambda known: known.id)
        self._by_id[record_id] = entry
        self._drafts[record_id] = draft
        if base is not None:
            self._draft_bases[record_id] = base
        self._filter_input.value = ""
        self._refresh_list(keep=record_id)
        self._open(record_id)
        self.notify(
            f"Definition {record_id} was purged from the trash elsewhere; your "
            "unsaved text of it is kept in its row (y stores it as a new definition).",
            severity="warning",
        )

    def _restored(self, record: Record) -> None:
        """Show a definition brought back from the trash."""
        record_id = record.id
        if record_id in self._deleted:
            self._deleted.remove(record_id)
        kept = self._deleted_drafts.pop(record_id, None)
        if kept is not None:
            self._drafts[record_id] = kept[0]
            self._draft_bases[record_id] = kept[1] or record.revision
        self._put(record)
        self._filter_input.value = ""
        self._refresh_list(keep=record_id)
        self._open(record_id)
        self.notify(f"Restored definition {record_id}.")

    def action_save(self) -> None:
        """Store the editor's text; a definition with errors needs a confirm."""
        record_id = self._current
        if record_id is None:
            return
        entry = self._by_id.get(record_id)
        if entry is not None and entry.gone:
            self.notify(
                f"Definition {record_id} was deleted elsewhere; y stores your text "
                "as a new definition.",
                title="Save",
                severity="warning",
            )
            return
        if self._editor.text == self._stored_text:
            self.notify(f"No changes to save in definition {record_id}.", title="Save")
            return
        analysis = self._analyse_for_save(record_id)
        definition = analysis.definition
        if definition is None:
            first = analysis.problems[0] if analysis.problems else None
            where = (
                f" (line {first.line}, column {first.column}: "
                if first and first.line
                else " ("
            )
            reason = first.message if first else "empty text"
            kind = "valid JSON" if analysis.document.value is None else "a JSON object"
            self.notify(
                f"Not saved: the text is not {kind}{where}{reason}).",
                title="Save",
                severity="error",
                markup=False,
            )
            return
        if not analysis.has_errors:
            self._store(record_id, definition)
            return

        question = Text(f"{save_warning(analysis)} Save it anyway?")

        def confirmed(answer: bool | None) -> None:
            if answer:
                self._store(record_id, definition)

        self.push_screen(
            ConfirmScreen("Save with errors", question, yes="Save"), confirmed
        )

    def _analyse_for_save(self, record_id: int) -> Analysis:
        """Check the editor's text as it is now, with what $EDITOR's file carried."""
        text = self._editor.text
        carried = self._carried
        extra = carried[1] if carried is not None and carried[0] == text else []
        return analyse(text, self._overrides.get(record_id, {}), extra)

    def _store(
        self, record_id: int, definition: dict[str, Any], base: int | None = None
    ) -> None:
        """Update ``record_id``; on a conflict, show both versions."""
        entry = self._by_id.get(record_id)
        if entry is None:
            self.notify(
                f"Definition {record_id} is gone; y stores a copy.", severity="error"
            )
            return
        revision = (
            base
            if base is not None
            else self._draft_bases.get(record_id, entry.revision)
        )
        text = self._drafts.get(record_id)
        self._write(
            lambda registry: registry.update(
                record_id, definition, base_revision=revision
            ),
            what=f"Saving definition {record_id}",
            done=lambda record: self._saved(record, text),
            conflicted=lambda conflict: self._conflicted(
                record_id, definition, conflict
            ),
            wanted=lambda: record_id in self._drafts,
        )

    def _saved(self, record: Record, text: str | None) -> None:
        """Show a stored record as saved.

        ``text`` is the unsaved text the save started from; what was typed
        while the save ran stays unsaved, on top of the new revision.
        """
        self._put(record)
        typed_since = text is not None and self._drafts.get(record.id, text) != text
        if typed_since:
            self._draft_bases[record.id] = record.revision
        else:
            self._drafts.pop(record.id, None)
            self._draft_bases.pop(record.id, None)
        self._refresh_list(keep=record.id)
        if self._current == record.id:
            self._stored_text = definition_text(record.definition)
            if not typed_since and self._editor.text != self._stored_text:
                self._editor.load_text(self._stored_text)
            self._title_editor()
            self._analyse_now()
        self.notify(f"Saved definition {record.id} (revision {record.revision}).")

    def _conflicted(
        self, record_id: int, mine: dict[str, Any], conflict: Conflict
    ) -> None:
        """Let the user keep their version or take the stored one.

        When what is stored now is the very definition the edits started from
        (it was deleted and restored elsewhere, say), nothing of theirs would be
        lost: the edits are stored on top of it without asking.
        """
        theirs = conflict.current
        started = self._base_definitions.get(record_id)
        if started == (conflict.base_revision, theirs.definition):
            self._base_definitions.pop(record_id, None)
            self._store(record_id, mine, base=theirs.revision)
            return

        def resolved(choice: str | None) -> None:
            if choice == "mine":
                self._store(record_id, mine, base=theirs.revision)
            elif choice == "theirs":
                self._drafts.pop(record_id, None)
                self._draft_bases.pop(record_id, None)
                self._put(theirs)
                self._refresh_list(keep=record_id)
                self._open(record_id)
                self.notify(f"Took the stored version of definition {record_id}.")

        self.push_screen(
            ConflictScreen(
                str(conflict),
                definition_text(mine),
                definition_text(theirs.definition),
                secrets=[*secrets_of(mine), *secrets_of(theirs.definition)],
                masking=not self._revealed,
            ),
            resolved,
        )

    def action_copy(self) -> None:
        """Copy the resolved command line, saying where it went."""
        analysis = self._analysis
        if analysis is None or analysis.command_line is None:
            self.notify("There is no command line to copy.", severity="warning")
            return
        refusal = copy_refusal(analysis)
        if refusal is not None:
            self.notify(refusal, severity="warning")
            return
        self._copy(analysis.command_line)

    @work(thread=True, exclusive=True, group="copy")
    def _copy(self, text: str) -> None:
        """Copy ``text`` off the event loop: a clipboard program may hang."""
        outcome = copy_text(
            text,
            send_osc52=lambda payload: self.call_from_thread(
                self.copy_to_clipboard, payload
            ),
            environ=os.environ,
        )
        self.call_from_thread(self._copied, outcome, text)

    def _copied(self, outcome: CopyOutcome, text: str) -> None:
        """Tell where the text went; show it for copying by hand when unsure."""
        self.last_copy = outcome
        if outcome.certain:
            # The message says "Copied": a title would take a row for nothing.
            self.notify(outcome.describe("command line"), markup=False)
            return
        self.push_screen(copy_dialog(outcome, text))

    @work(exclusive=True, group="external-edit")
    async def action_external_edit(self) -> None:
        """Edit the text in ``$VISUAL``/``$EDITOR``; offer to reopen on errors."""
        record_id = self._current
        if record_id is None:
            return
        command = editor_command(os.environ)
        with edited_file(record_id, self._editor.text) as path:
            while True:
                failure = run_editor(self, command, path)
                if failure is not None:
                    self.notify(
                        failure, title="$EDITOR", severity="error", markup=False
                    )
                    return
                text, problems = read_edited(path)
                if self._current != record_id:
                    return
                self._editor.load_text(text)
                self._carried = (self._editor.text, problems)
                self._edited_externally()
                analysis = self._analysis
                if analysis is None or not analysis.has_errors:
                    return
                errors = analysis.count(Severity.ERROR)
                again = await self.push_screen_wait(
                    ConfirmScreen(
                        "Errors",
                        Text(
                            f"The definition has {count(errors, 'error')}. "
                            "Edit it again?"
                        ),
                        yes="Reopen",
                    )
                )
                if not again:
                    return

    def _edited_externally(self) -> None:
        """Treat text loaded from the external editor as typed by the user."""
        self._analyse_now()

    async def action_quit(self) -> None:
        """Quit; ask first when there are unsaved edits."""
        if not self._drafts:
            self._leave()
            return
        count = len(self._drafts)
        ids = ", ".join(str(record_id) for record_id in sorted(self._drafts))
        question = Text(
            f"{'Definitions' if count > 1 else 'Definition'} {ids} "
            f"{'have' if count > 1 else 'has'} unsaved edits. Quit and lose them?"
        )

        def confirmed(answer: bool | None) -> None:
            if answer:
                self._leave()

        self.push_screen(ConfirmScreen("Quit", question, yes="Quit"), confirmed)

    def _leave(self) -> None:
        """End the app, its unsaved edits given up.

        A served registry still being read is closed, which stops the request
        at once: the app could not end before the reading thread does.
        """
        self._give_up_drafts()
        registry = self._db
        if self._loading and registry is not None and type(registry) is not Registry:
            registry.close()
        self.exit(0)

    def _give_up_drafts(self) -> None:
        """Forget the kept copy of the unsaved edits: the user let them go."""
        if self._keeper is not None:
            self._keeper.discard()


def _passing(error: RegistryError) -> bool:
    """Whether ``error`` says "not now": a served registry out of reach or busy,
    or a registry file gone from its place (it may be put back)."""
    return isinstance(error, RegistryGone) or (
        isinstance(error, RemoteError) and error.retryable
    )


def create_app(
    registry: RegistrySource,
    *,
    read_only: bool = False,
    ascii_only: bool | None = None,
) -> ProcregApp:
    """Return the app on ``registry``, or on the registry ``registry()`` opens.

    Passing the opener lets the first screen show before a large registry has
    been read. ``read_only`` refuses every change even where the file is
    writable. ``ascii_only`` draws the app's own symbols in ASCII; by default
    they are, when the locale's character set is not UTF-8.
    """
    return ProcregApp(registry, read_only=read_only, ascii_only=ascii_only)
