"""Browsing: the list, moving through it, the filter, and opening the editor."""

from __future__ import annotations

import pytest
from app_helpers import list_labels, list_lines, settle, until_loaded
from textual.widgets import Input

from procreg_tui.app import create_app
from procreg_tui.app._definition_list import DefinitionList
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.registry import Registry

pytestmark = pytest.mark.asyncio

EXAMPLES = [
    "ffmpeg-to-mp3",
    "full-format-service",
    "iconv-output-argument",
    "sort-lines",
    "tr-strip-x",
    "wc-input-argument",
]


async def test_list_shows_every_definition_by_id(registry: Registry) -> None:
    """The list shows one row per stored definition, in id order, the first opened."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        assert list_labels(app) == EXAMPLES
        assert list_lines(app)[0].startswith("   1  ffmpeg-to-mp3")
        assert app.current_id == 1
        assert '"name": "ffmpeg-to-mp3"' in app.query_one(DefinitionEditor).text


async def test_row_shows_type_and_application(registry: Registry) -> None:
    """A row carries the process type and application after the label."""
    app = create_app(registry)
    async with app.run_test(size=(120, 24)) as pilot:
        await until_loaded(pilot)

        row = list_lines(app)[1]
        assert row.rstrip() == "   2  full-format-service  service inge…"


async def test_j_k_and_arrows_move_and_open(registry: Registry) -> None:
    """j and Down move down, k and Up move up; the editor follows once it rests."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("j", "j", "down")
        await settle(pilot)
        assert app.current_id == 4
        await pilot.press("k", "up")
        await settle(pilot)
        assert app.current_id == 2
        assert '"name": "full-format-service"' in app.query_one(DefinitionEditor).text


async def test_enter_focuses_the_editor_and_escape_returns(registry: Registry) -> None:
    """Enter on a row moves the keyboard to the editor; Escape brings it back."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("enter")
        assert isinstance(app.focused, DefinitionEditor)
        await pilot.press("escape")
        assert isinstance(app.focused, DefinitionList)


async def test_filter_narrows_by_substring_then_fuzzy(registry: Registry) -> None:
    """'/' then typing keeps substring matches first, then fuzzy ones."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("slash", *"sort")
        await settle(pilot)
        assert list_labels(app) == ["sort-lines"]
        assert app.current_id == 4

        await pilot.press(*["backspace"] * 4)
        app.query_one("#filter", Input).value = "wcinarg"
        await pilot.pause()
        assert list_labels(app) == ["wc-input-argument"]


async def test_filter_searches_exec_argv_and_application(registry: Registry) -> None:
    """The filter looks into exec, argv and application, not only the label."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        query = app.query_one("#filter", Input)

        query.value = "/usr/bin/tr"
        await pilot.pause()
        assert list_labels(app) == ["tr-strip-x"]
        query.value = "--stable"
        await pilot.pause()
        assert list_labels(app) == ["sort-lines"]
        query.value = "ingest-worker"
        await pilot.pause()
        assert list_labels(app) == ["full-format-service"]


async def test_escape_clears_the_filter(registry: Registry) -> None:
    """Escape in the filter empties it, shows every row and returns to the list."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("slash", *"ffmpeg", "escape")
        assert list_labels(app) == EXAMPLES
        assert isinstance(app.focused, DefinitionList)


async def test_escape_in_the_narrowed_list_clears_the_filter(
    registry: Registry,
) -> None:
    """Escape in a list the filter narrowed shows every row again, the cursor
    staying on the definition it was on; the keyboard stays in the list."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("slash", *"sort", "down")
        await settle(pilot)
        assert list_labels(app) == ["sort-lines"]
        assert isinstance(app.focused, DefinitionList)

        await pilot.press("escape")
        await settle(pilot)
        assert list_labels(app) == EXAMPLES
        assert app.query_one("#filter", Input).value == ""
        assert isinstance(app.focused, DefinitionList)
        assert app.current_id == 4


async def test_a_moving_cursor_opens_where_it_rests(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor waits for the cursor to rest; Enter or an action opens at once."""
    monkeypatch.setattr("procreg_tui.app._app.OPEN_DELAY", 30.0)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("j", "j")
        assert (app.current_id, app.settled) == (1, False)
        assert '"name": "ffmpeg-to-mp3"' in app.query_one(DefinitionEditor).text

        await pilot.press("enter")
        assert (app.current_id, app.settled) == (3, True)
        assert isinstance(app.focused, DefinitionEditor)

        await pilot.press("escape", "j", "c")
        await pilot.pause()
        assert app.current_id == 4
