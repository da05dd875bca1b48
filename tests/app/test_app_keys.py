"""Where keys go: nothing acts unseen, typing meant for a field never runs a command."""

from __future__ import annotations

import re

import pytest
from app_helpers import footer_keys, list_labels, screen_text, settle, until_loaded
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Footer, Input
from textual.widgets._toast import Toast

from procreg_tui.app import create_app
from procreg_tui.app._definition_list import DefinitionList
from procreg_tui.app._dialogs import HelpScreen, TemplateScreen, TextScreen
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.registry import Registry

pytestmark = pytest.mark.asyncio


async def test_too_small_only_help_and_quit_act(registry: Registry) -> None:
    """Below the minimum size no key changes anything or lands in a hidden field;
    ? still shows the help and q still quits."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("slash", "f")
        filter_input = app.query_one("#filter", Input)
        assert (filter_input.has_focus, filter_input.value) == (True, "f")

        await pilot.resize_terminal(50, 12)
        await pilot.press("u", "ctrl+s", "ctrl+p", "tab")
        assert filter_input.value == "f"
        await pilot.press("escape", "d", "y", "n", "c", "e", "s", "r", "p", "b")
        await pilot.press("enter", "ctrl+r")
        await pilot.pause()

        assert app.screen is app.screen_stack[0]
        assert filter_input.value == "f"
        assert app.focused is filter_input
        assert app.last_copy is None
        assert app.drafts == {}
        assert [(r.id, r.revision) for r in registry.records()] == [
            (number, 1) for number in range(1, 7)
        ]
        assert [note.message for note in app._notifications] == []

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]

        await pilot.resize_terminal(80, 24)
        await pilot.press("x")
        assert filter_input.value == "fx"

        await pilot.resize_terminal(50, 12)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_typing_after_a_filter_that_matches_nothing_stays_in_the_filter(
    registry: Registry,
) -> None:
    """With no row to show, Tab, Enter and Down leave the keyboard in the filter:
    the empty list and the empty editor take no keys, so typed text runs no
    command."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        filter_input = app.query_one("#filter", Input)
        await pilot.press("slash", *"zzzz")
        await settle(pilot)
        assert list_labels(app) == []
        assert app.current_id is None

        await pilot.press("tab", "enter", "down", "tab")
        await pilot.press(*'{"exec": "cnd"}', "question_mark", "q")
        await pilot.pause()

        assert app.focused is filter_input
        assert filter_input.value == 'zzzz{"exec": "cnd"}?q'
        assert app.screen is app.screen_stack[0]
        assert [note.message for note in app._notifications] == []
        assert app.return_code is None
        assert app.last_copy is None

        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is app.query_one(DefinitionList)
        assert len(list_labels(app)) == 6


async def test_with_no_definition_left_the_main_keys_work(registry: Registry) -> None:
    """Deleting the last definition leaves no widget with the keyboard: n still
    offers the templates, and the empty editor takes no typing (Tab goes to
    the filter, Escape leaves it)."""
    for record in registry.records()[1:]:
        registry.delete(record.id)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        assert app.focused is app.query_one(DefinitionList)

        await pilot.press("d", "y")
        await settle(pilot)
        assert list_labels(app) == []
        assert app.focused is None
        assert not app.query_one(DefinitionEditor).focusable
        assert not app.query_one("#problems").display

        await pilot.press("tab")
        assert app.focused is app.query_one("#filter")
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("n")
        assert isinstance(app.screen, TemplateScreen)


async def test_the_read_only_editor_takes_typing_without_running_commands(
    registry: Registry,
) -> None:
    """Letters typed into a read-only editor neither change its text nor act as
    the main keys (c would copy, q would quit); the refusal is told once."""
    app = create_app(registry, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        before = editor.text
        await pilot.press("enter")
        assert editor.has_focus

        await pilot.press(*"cdnyuq")
        await pilot.pause()

        assert app.return_code is None
        assert app.screen is app.screen_stack[0]
        assert editor.has_focus
        assert editor.text == before
        assert app.last_copy is None
        assert [note.message for note in app._notifications] == [
            "This registry is read-only: the text cannot be changed."
        ]


async def test_typing_in_a_binding_stays_there_when_the_variables_change(
    registry: Registry,
) -> None:
    """When the variables change under a binding being typed in (the definition
    changed on disk), the keyboard stays in that variable's new field."""
    registry.create({"exec": "/bin/echo", "argv": ["${who}"]})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("b", *"me")

        with Registry.open(registry.path) as other:
            other.update(
                7,
                {"exec": "/bin/echo", "argv": ["${where}", "${who}"]},
                base_revision=1,
            )
        for _ in range(100):
            if app._by_id[7].revision == 2:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        await pilot.press(*"cd")

        field = app.focused
        assert isinstance(field, Input)
        assert (field.name, field.value) == ("who", "mecd")
        assert app.last_copy is None
        assert app.screen is app.screen_stack[0]


async def _arrive_together(pilot: Pilot[int], keys: str) -> None:
    """Hand the app ``keys`` in one go, as a terminal read over SSH does:
    each key is queued before the one before it has been handled."""
    named = {"\x7f": "backspace", "\x1b[D": "left", "\r": "enter", "/": "slash"}
    for key in re.findall(r"\x1b\[D|.", keys, re.DOTALL):
        name = named.get(key, key)
        pilot.app.post_message(events.Key(name, key if len(key) == 1 else None))
    for _ in range(10):
        await pilot.pause()


async def test_letters_read_with_the_key_that_opens_a_field_go_into_it(
    registry: Registry,
) -> None:
    """/ then letters, or Enter then letters, read in one go: the letters go
    into the filter or the editor those keys open, never to the list, where
    d and y would delete a definition."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)

        await _arrive_together(pilot, "/dy")
        typed_in_filter = app.query_one("#filter", Input).value
        await pilot.press("escape")
        await settle(pilot)

        editor = app.query_one(DefinitionEditor)
        await _arrive_together(pilot, "\rdy")
        first_line = editor.document.get_line(0)
        dialog_open = len(app.screen_stack) > 1

    assert typed_in_filter == "dy"
    assert first_line == "dy{"
    assert not dialog_open
    assert [record.id for record in registry.records()] == [1, 2, 3, 4, 5, 6]


async def test_keys_that_arrive_together_apply_in_order(registry: Registry) -> None:
    """A Backspace or an arrow key among letters read in one go edits where it
    was typed: the letter after it is not lost, in the filter or the editor."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("slash")
        filter_input = app.query_one("#filter", Input)

        await _arrive_together(pilot, "sortx\x7f-l\x1b[Di")
        typed_in_filter = filter_input.value

        await pilot.press("escape", "escape")
        editor = app.query_one(DefinitionEditor)
        await pilot.press("enter")
        assert editor.has_focus
        editor.move_cursor((0, 0))
        await _arrive_together(pilot, "z\x7fw")
        first_line = editor.document.get_line(0)

    assert typed_in_filter == "sort-il"
    assert first_line == "w{"


async def _open_dialog(pilot: Pilot[int], registry: Registry, name: str) -> None:
    """Open the dialog called ``name`` by its key (the copy dialog, which
    needs a clipboard out of reach, as the app opens it)."""
    app = pilot.app
    if name == "confirm":
        await pilot.press("d")
    elif name == "template":
        await pilot.press("n")
    elif name == "help":
        await pilot.press("question_mark")
    elif name == "conflict":
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 700')
        await pilot.pause()
        with Registry.open(registry.path) as other:
            changed = dict(other.get(1).definition, timeout=800)
            other.update(1, changed, base_revision=1)
        await pilot.press("ctrl+s")
    elif name == "text":
        app.push_screen(TextScreen("Command line", "Copy it by hand.", "echo hi"))
    else:
        await app.run_action("export('slurm')")
    for _ in range(200):
        if len(app.screen_stack) > 1 and footer_keys(app):
            break
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.parametrize(
    ("dialog", "keys"),
    [
        ("confirm", [("y", "Delete"), ("n", "Cancel")]),
        ("template", [("esc", "Cancel")]),
        ("help", [("esc", "Close")]),
        ("conflict", [("m", "Keep mine"), ("t", "Take theirs"), ("esc", "Cancel")]),
        ("text", [("esc", "Close")]),
        ("export", [("esc", "Close")]),
    ],
)
async def test_a_dialog_shows_its_own_keys_in_the_footer(
    registry: Registry, dialog: str, keys: list[tuple[str, str]]
) -> None:
    """The bottom row names the keys of the open dialog, not those of the main
    screen, and the dialog's buttons stay above it."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await _open_dialog(pilot, registry, dialog)
        screen = app.screen
        assert screen is not app.screen_stack[0]

        assert footer_keys(app) == keys
        bottom = screen_text(app).splitlines()[-1]
        assert bottom.split() == [
            word for key in keys for word in " ".join(key).split()
        ]
        footer = screen.query_one(Footer).region
        assert footer.y == 23
        for button in screen.query(Button):
            assert button.region.bottom <= footer.y


@pytest.mark.parametrize("dialog", ["confirm", "template", "conflict", "export"])
async def test_notifications_over_a_dialog_leave_its_buttons_and_footer_clear(
    registry: Registry, dialog: str
) -> None:
    """A notice that comes while a dialog is open stacks from the top right,
    never over the dialog's buttons, its fields or its footer."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until_loaded(pilot)
        await _open_dialog(pilot, registry, dialog)
        app.notify("The registry changed on disk; the list shows it: 6 definitions.")
        for _ in range(20):
            await pilot.pause(0.02)
        screen = app.screen
        toasts = [toast.region for toast in screen.query(Toast)]
        kept_clear = [
            widget.region
            for widget in screen.query("Button, Input, OptionList, Footer")
            if widget.region.area
        ]

    assert toasts
    assert kept_clear
    assert not [
        (toast, region)
        for toast in toasts
        for region in kept_clear
        if toast.overlaps(region)
    ]


@pytest.mark.parametrize(
    ("dialog", "bottom"),
    [
        ("confirm", "y Delete  n Cancel"),
        ("template", "esc Cancel"),
        ("help", "█" + "▄" * 58 + "█"),
        ("export", "█" + "▄" * 58 + "█"),
    ],
)
async def test_at_the_smallest_size_no_dialog_shows_the_main_keys(
    registry: Registry, dialog: str, bottom: str
) -> None:
    """At 60x15 a small dialog keeps its own footer; one that takes the whole
    screen gives the row to itself (its border is the last row). The main
    screen's keys, which do nothing under a dialog, never show."""
    app = create_app(registry)
    async with app.run_test(size=(60, 15)) as pilot:
        await until_loaded(pilot)
        await _open_dialog(pilot, registry, dialog)
        for _ in range(50):
            await pilot.pause(0.02)
        last_row = screen_text(app).splitlines()[-1]

    assert last_row.strip() == bottom


@pytest.mark.parametrize(
    ("width", "footer"),
    [
        (60, "? Help / Filter n New ^s Save c Copy d Delete q Quit"),
        (70, "? Help / Filter n New ^s Save c Copy d Delete q Quit     ▏^p Commands"),
        (
            80,
            " ? Help  / Filter  n New  ^s Save  c Copy  d Delete  q Quit"
            "        ▏^p Commands",
        ),
    ],
)
async def test_the_footer_ends_cleanly_when_narrow(
    registry: Registry, width: int, footer: str
) -> None:
    """Narrower than 80 columns the footer draws its keys closer together, and
    below 70 leaves out the command palette's key (? lists it): no key is cut.
    It follows the terminal's width as it changes."""
    app = create_app(registry)
    async with app.run_test(size=(140 - width, 15)) as pilot:
        await until_loaded(pilot)
        await pilot.resize_terminal(width, 15)
        await pilot.pause(0.1)

        bottom = screen_text(app).splitlines()[-1]
        assert bottom.rstrip() == footer.rstrip()
