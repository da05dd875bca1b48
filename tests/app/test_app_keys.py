"""Where keys go: nothing acts unseen, typing meant for a field never runs a command."""

from __future__ import annotations

import pytest
from app_helpers import until_loaded
from textual.widgets import Input

from procreg_tui.app import create_app
from procreg_tui.app._dialogs import HelpScreen
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
