"""The rows of the help screen: every key of the app, grouped by where it works.

The main keys come from the app's bindings, so that the help never lists a key
the app does not have; the keys of the list, the filter, the editor and the
live panel belong to their widgets and are written out here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.binding import Binding, BindingType

from procreg_tui.app._glyphs import glyphs

Rows = list[tuple[str, str]]
"""Pairs of a key and what it does."""


def help_sections(
    bindings: Iterable[BindingType],
    *,
    key_display: Callable[[Binding], str],
    is_off: Callable[[str], bool],
    off_reason: str,
) -> list[tuple[str, Rows]]:
    """Return the key bindings, grouped by where they work.

    ``key_display`` names a key as the footer does, ``is_off`` tells the
    actions refused now, and ``off_reason`` says why: those keys are listed
    last, under that reason, and saving is left out of the editor's keys.
    """
    everywhere: Rows = []
    off: Rows = []
    for binding in bindings:
        assert isinstance(binding, Binding)
        key = binding.key_display or key_display(binding)
        row = (key, binding.tooltip or binding.description)
        (off if is_off(binding.action) else everywhere).append(row)
    g = glyphs()
    listing = [
        (f"j / {g.down}, k / {g.up}", "Next / previous definition"),
        ("PgDn / PgUp, Home / End", "Move a page / to the ends"),
        ("Enter", "Edit the highlighted definition"),
        ("Escape", "Clear the filter, if one is set"),
        ("^p export", "Export as slurm, condor, cwl, k8s, systemd or sh"),
        (f"{g.error_mark}  !  *", "Marks: errors, warnings, unsaved edits"),
        ("1x  svc", "Process type: single, service"),
    ]
    editor = [
        ("Escape", "Back to the list"),
        ("Tab", "Indent"),
        *([] if is_off("save") else [("ctrl+s", "Save the definition")]),
        ("ctrl+r", "Drop the unsaved edits (asks first)"),
        ("ctrl+z / ctrl+y", "Undo / redo typing"),
    ]
    live = [
        ("p / b / w (from the list)", "Go to the problems / bindings / wiring"),
        (f"{g.up} {g.down} PgUp PgDn Home End", "Scroll the panel (after w)"),
        ("Tab / shift+Tab", "Move between the panel, bindings and problems"),
        ("Enter on a problem", "Move the editor's cursor to it"),
        ("typing in a binding", "Resolve the command line with that value"),
        ("Escape", "Back to the list"),
    ]
    filtering = [
        ("/", "Filter by label, exec, argv or application (fuzzy)"),
        (f"Enter / {g.down}", "Back to the narrowed list"),
        ("Escape", "Clear the filter"),
    ]
    sections = [
        ("Main keys (letters outside text fields, ctrl keys anywhere)", everywhere),
        ("In the list", listing),
        ("Filter", filtering),
        ("Editor", editor),
        ("Live panel", live),
    ]
    if off:
        sections.append((f"Off: {off_reason}", off))
    return sections
