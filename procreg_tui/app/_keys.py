"""The app's keys, and how they are named under a locale that is not UTF-8.

The footer shows the first keys a newcomer needs and the help screen lists
every one, each with its tooltip: a key added here appears in the help too.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", "Help", key_display="?", tooltip="List every key"),
    Binding("slash", "filter", "Filter", key_display="/", tooltip="Filter the list"),
    Binding("n", "new", "New", tooltip="New definition from a template"),
    Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the definition"),
    Binding("c", "copy", "Copy", tooltip="Copy the resolved command line"),
    # The footer shows the keys a newcomer needs first; at 80 columns there
    # is no room for more. Help and the palette list every one.
    Binding(
        "e",
        "external_edit",
        "$EDITOR",
        show=False,
        tooltip="Edit in $VISUAL/$EDITOR",
    ),
    Binding(
        "y",
        "duplicate",
        "Duplicate",
        show=False,
        tooltip="Store a copy under a new id",
    ),
    Binding("d", "delete", "Delete", tooltip="Move the definition to the trash"),
    Binding(
        "u",
        "undo",
        "Undo delete",
        show=False,
        tooltip="Bring back the last deleted",
    ),
    Binding(
        "ctrl+r",
        "revert",
        "Revert",
        show=False,
        tooltip="Drop the unsaved edits of the definition (asks first)",
    ),
    Binding(
        "r", "reload", "Reload", show=False, tooltip="Read the registry file again"
    ),
    Binding(
        "s",
        "reveal",
        "Secrets",
        show=False,
        tooltip="Show or mask secret-looking values (editor and live panel)",
    ),
    Binding(
        "p",
        "problems",
        "Problems",
        show=False,
        tooltip="Go to the problems (Enter on one shows its place)",
    ),
    Binding(
        "b",
        "bindings",
        "Bindings",
        show=False,
        tooltip="Go to the values of the ${variables}",
    ),
    Binding(
        "w",
        "wiring",
        "Wiring",
        show=False,
        tooltip="Go to the wiring in the live panel (arrows and PgUp/PgDn scroll)",
    ),
    Binding("q", "quit", "Quit", tooltip="Quit (asks when edits are unsaved)"),
    Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit"),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        show=False,
        priority=True,
        tooltip="Command palette: every action by name",
    ),
]
"""The keys of the main screen; each runs an action of the app."""

_ARROW_WORDS = (
    ("↑↓", "up/down"),
    ("↑", "up"),
    ("↓", "down"),
    ("←", "left"),
    ("→", "right"),
)
"""Arrows in key names, and the words for them in ASCII."""


def arrows_in_words(display: str) -> str:
    """Return the key name ``display`` with its arrows written as words."""
    for arrow, word in _ARROW_WORDS:
        display = display.replace(arrow, word)
    return display
