"""The command palette's entries: every action of the app by name.

Each entry runs its action through the app's own ``run_action``, the gate
that refuses changes while the registry is read-only or out of reach, so the
palette can do nothing a key could not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual.app import App, SystemCommand
from textual.command import CommandPalette, SearchIcon

from procreg_tui.app._export import EXPORT_FORMATS

PALETTE_ACTIONS = (
    ("new", "New definition", "Start a definition from a template"),
    ("save", "Save", "Save the definition in the editor"),
    ("copy", "Copy command line", "Copy the resolved command line"),
    ("external_edit", "Edit in $EDITOR", "Open the definition in your editor"),
    ("duplicate", "Duplicate", "Store a copy of the definition under a new id"),
    ("delete", "Delete", "Move the definition to the trash"),
    ("undo", "Undo delete", "Bring back the last deleted definition"),
    ("revert", "Revert", "Drop the unsaved edits of the definition"),
    ("reload", "Reload", "Read the registry file again"),
    (
        "reveal",
        "Show or hide secrets",
        "Unmask secret-looking values in the editor and the live panel",
    ),
    ("problems", "Go to the problems", "Move the keyboard to the problems"),
    ("bindings", "Go to the bindings", "Type values for the ${variables}"),
    (
        "wiring",
        "Go to the wiring",
        "Scroll the live panel with the arrow keys, down to the wiring",
    ),
    ("filter", "Filter", "Narrow the list of definitions"),
    ("help", "Help: every key", "List every key binding of procreg"),
)
"""Each action the palette offers, with its title and its line of help."""


def palette_commands(
    app: App[Any], *, is_off: Callable[[str], bool], current: int | None
) -> Iterator[SystemCommand]:
    """Yield the palette's entries for ``app``.

    The actions ``is_off`` refuses now are left out; the exports are offered
    while a definition, ``current``, is open.
    """
    for action, title, help_text in PALETTE_ACTIONS:
        if not is_off(action):
            yield SystemCommand(title, help_text, _runner(app, action))
    if current is not None:
        for export_format, what in EXPORT_FORMATS:
            yield SystemCommand(
                f"Export as {export_format}",
                f"Show definition {current} as {what}, to save to a file",
                _runner(app, f"export({str(export_format)!r})"),
            )


def ascii_search_icon(palette: CommandPalette) -> None:
    """Draw the command palette's search icon in ASCII."""
    for icon in palette.query(SearchIcon):
        icon.icon = ">"
        icon.refresh()  # a var: setting it draws nothing by itself


def _runner(app: App[Any], action: str) -> Callable[[], Any]:
    """Return a callback that runs ``action`` through the app's central gate."""

    async def run() -> None:
        await app.run_action(action)

    return run
