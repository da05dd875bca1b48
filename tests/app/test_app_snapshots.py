"""Snapshots of the app at 80x24: main screen, help, a failing definition, narrow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app_helpers import until_loaded
from textual.pilot import Pilot

from procreg_tui.app import create_app
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.registry import Registry

Compare = Callable[..., bool]


async def _loaded(pilot: Pilot[Any]) -> None:
    await until_loaded(pilot)


def test_main_screen(snap_compare: Compare, registry: Registry) -> None:
    """The main screen at 80x24: the narrow layout, editor over live panel."""
    assert snap_compare(create_app(registry), run_before=_loaded)


def test_help(snap_compare: Compare, registry: Registry) -> None:
    """? shows every key binding."""
    assert snap_compare(
        create_app(registry), press=["question_mark"], run_before=_loaded
    )


def test_validation_failure(snap_compare: Compare, registry: Registry) -> None:
    """A definition with errors: lines marked, problems listed with their place."""

    async def break_definition(pilot: Pilot[Any]) -> None:
        await until_loaded(pilot)
        editor = pilot.app.query_one(DefinitionEditor)
        editor.text = '{\n  "exec": "",\n  "timeout": -5,\n  "exce": 1\n}\n'
        for _ in range(200):
            analysis = pilot.app.analysis  # type: ignore[attr-defined]
            if analysis is not None and analysis.document.text == editor.text:
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(create_app(registry), run_before=break_definition)


def test_too_small_terminal(snap_compare: Compare, registry: Registry) -> None:
    """Below the minimum size the app asks for a larger terminal."""
    assert snap_compare(
        create_app(registry), run_before=_loaded, terminal_size=(56, 14)
    )


def test_wide_terminal(snap_compare: Compare, registry: Registry) -> None:
    """A wide terminal sets the editor and the live panel side by side."""
    assert snap_compare(
        create_app(registry), run_before=_loaded, terminal_size=(140, 30)
    )
