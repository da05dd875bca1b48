"""Actions: save, conflicts, new, duplicate, delete and undo, reload, quit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from app_helpers import (
    footer_keys,
    list_labels,
    screen_text,
    settle,
    shown,
    text_area_lines,
    until_loaded,
)
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from procreg_tui.app import _app as app_module
from procreg_tui.app import create_app
from procreg_tui.app._app import POLL_INTERVAL
from procreg_tui.app._definition_list import DefinitionList
from procreg_tui.app._dialogs import (
    ConfirmScreen,
    ConflictScreen,
    HelpScreen,
    TemplateScreen,
)
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.app._templates import TEMPLATES
from procreg_tui.definition import Severity, validate
from procreg_tui.registry import Registry, paths

pytestmark = pytest.mark.asyncio


def _replace_text(app_editor: DefinitionEditor, old: str, new: str) -> None:
    """Put ``new`` in place of ``old`` in the editor, as typing would."""
    app_editor.text = app_editor.text.replace(old, new)


async def test_ctrl_s_saves_the_edited_definition(registry: Registry) -> None:
    """ctrl+s stores the editor's definition as the next revision."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)

        _replace_text(editor, '"timeout": 600', '"timeout": 900')
        await pilot.pause()
        assert app.drafts.keys() == {1}
        await pilot.press("ctrl+s")
        await settle(pilot)

        stored = registry.get(1)
        assert stored.definition["timeout"] == 900
        assert stored.revision == 2
        assert app.drafts == {}


async def test_saving_errors_needs_a_confirm(registry: Registry) -> None:
    """A definition with errors is stored only after a yes, then marked invalid."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)

        _replace_text(editor, '"timeout": 600', '"timeout": -1')
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert registry.get(1).definition["timeout"] == 600

        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert registry.get(1).definition["timeout"] == -1
        assert app._by_id[1].validity is Severity.ERROR


async def test_unparseable_text_is_not_saved(registry: Registry) -> None:
    """Text that is not a JSON object is refused with its line and column."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)

        editor.text = '{"exec": "x",,}'
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert registry.get(1).revision == 1
        messages = [note.message for note in app._notifications]
        assert any(
            m.startswith("Not saved: the text is not valid JSON") for m in messages
        )
        assert any("line 1, column" in m for m in messages)


async def _save_over_a_change_elsewhere(pilot: Pilot[int], registry: Registry) -> None:
    """Edit definition 1's timeout to 700 while another process stores 800,
    then save: the app meets a conflict."""
    editor = pilot.app.query_one(DefinitionEditor)
    _replace_text(editor, '"timeout": 600', '"timeout": 700')
    await pilot.pause()
    with Registry.open(registry.path) as other:
        other.update(1, dict(other.get(1).definition, timeout=800), base_revision=1)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_conflict_keep_mine(registry: Registry) -> None:
    """A save over someone else's change shows both from where they differ; 'm'
    keeps mine on top."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await _save_over_a_change_elsewhere(pilot, registry)
        assert isinstance(app.screen, ConflictScreen)
        shown_from = [
            area.cursor_location for area in app.screen.query(".dialog TextArea")
        ]
        assert shown_from == [(12, 0), (12, 0)]
        await pilot.press("m")
        await settle(pilot)

        stored = registry.get(1)
        assert stored.definition["timeout"] == 700
        assert stored.revision == 3


async def test_a_definition_deleted_and_restored_elsewhere_is_no_conflict(
    registry: Registry,
) -> None:
    """Deleted and restored elsewhere while edited here: its revision moved on
    but it holds what the edits started from, so ctrl+s stores them without
    a conflict; a change of its content still asks (see above)."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 700')
        await pilot.pause()
        with Registry.open(registry.path) as other:
            other.delete(1)
            other.restore(1)
        await pilot.press("ctrl+s")
        await settle(pilot)

        screen = app.screen
        messages = [note.message for note in app._notifications]

    stored = registry.get(1)
    assert not isinstance(screen, ConflictScreen)
    assert (stored.definition["timeout"], stored.revision) == (700, 4)
    assert messages[-1] == "Saved definition 1 (revision 4)."
    assert app.drafts == {}


async def test_conflict_shows_both_versions_from_the_line_it_names(
    registry: Registry,
) -> None:
    """The conflict dialog says from which line both versions are shown, and
    both panes start at that line: the first that differs."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await _save_over_a_change_elsewhere(pilot, registry)
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)

        message = str(app.screen.query_one("#conflict-message Static", Static).content)
        assert message.endswith("Both are shown from line 13, where they first differ.")
        mine, theirs = app.screen.query(TextArea).results(TextArea)
        assert text_area_lines(mine)[:2] == [
            '  "timeout": 700,',
            '  "input_adapter": {',
        ]
        assert text_area_lines(theirs)[:2] == [
            '  "timeout": 800,',
            '  "input_adapter": {',
        ]


async def test_conflict_at_the_smallest_size_shows_both_versions(
    registry: Registry,
) -> None:
    """At 60x15 the conflict dialog still shows three rows of each version,
    the differing line among them, and its buttons; its message scrolls."""
    app = create_app(registry)
    async with app.run_test(size=(60, 15)) as pilot:
        await until_loaded(pilot)
        await _save_over_a_change_elsewhere(pilot, registry)
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        mine, theirs = app.screen.query(TextArea).results(TextArea)
        assert mine.scrollable_content_region.height == 3
        assert '  "timeout": 700,' in text_area_lines(mine)
        assert '  "timeout": 800,' in text_area_lines(theirs)
        assert app.focused is mine
        buttons = app.screen.query_one(".dialog-buttons").region
        assert buttons.bottom <= app.screen.query_one(".dialog").content_region.bottom


async def test_conflict_take_theirs(registry: Registry) -> None:
    """'t' in the conflict dialog drops my edit and shows the stored version."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await _save_over_a_change_elsewhere(pilot, registry)
        await pilot.press("t")
        await settle(pilot)

        assert registry.get(1).definition["timeout"] == 800
        assert '"timeout": 800' in app.query_one(DefinitionEditor).text
        assert app.drafts == {}


async def test_new_from_each_template(registry: Registry) -> None:
    """n offers the templates; the chosen one is stored under the next id."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TemplateScreen)
        await pilot.press("down", "enter")
        await settle(pilot)

        assert registry.get(7).definition == TEMPLATES[1].definition
        assert app.current_id == 7
        assert isinstance(app.focused, DefinitionEditor)
        assert [t.title for t in TEMPLATES] == [
            "stdin → stdout filter",
            "file argument in and out",
            "tcp service",
            "blank",
        ]


async def test_j_and_k_move_among_the_templates(registry: Registry) -> None:
    """j and k move in the template picker as they do in the list."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("j", "j", "j", "k", "enter")
        await settle(pilot)

    assert registry.get(7).definition == TEMPLATES[2].definition


async def test_templates_are_clean_definitions() -> None:
    """Every template validates without errors or warnings."""
    problems = {t.key: validate(t.fresh()) for t in TEMPLATES}

    assert problems == {"filter": [], "files": [], "service": [], "blank": []}


async def test_duplicate_stores_a_copy_under_a_new_id(registry: Registry) -> None:
    """y stores the editor's definition under a new id with '-copy' in its name."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("j", "y")
        await settle(pilot)

        copy = registry.get(7).definition
        assert copy == dict(registry.get(2).definition, name="full-format-service-copy")
        assert app.current_id == 7


async def test_delete_confirms_and_undo_restores(registry: Registry) -> None:
    """d asks, then moves the definition to the trash; u brings it back."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [r.id for r in registry.records()] == [2, 3, 4, 5, 6]
        assert list_labels(app)[0] == "full-format-service"

        await pilot.press("u")
        await settle(pilot)
        assert [r.id for r in registry.records()] == [1, 2, 3, 4, 5, 6]
        assert app.current_id == 1


async def test_delete_cancelled_keeps_the_definition(registry: Registry) -> None:
    """Answering no to the delete question changes nothing."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("d", "n")
        await settle(pilot)

        assert [r.id for r in registry.records()] == [1, 2, 3, 4, 5, 6]


async def test_change_on_disk_refreshes_and_keeps_the_draft(registry: Registry) -> None:
    """A definition added elsewhere appears; the unsaved edit stays in the editor."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 5')
        await pilot.pause()

        with Registry.open(registry.path) as other:
            other.create({"name": "from-elsewhere", "exec": "/bin/true"})
        for _ in range(300):
            if "from-elsewhere" in list_labels(app):
                break
            await pilot.pause(0.02)

        assert list_labels(app)[-1] == "from-elsewhere"
        assert '"timeout": 5' in editor.text
        assert app.drafts.keys() == {1}


async def test_typing_back_the_old_text_after_a_change_elsewhere_is_a_change(
    registry: Registry,
) -> None:
    """The edits of a definition changed elsewhere are compared with what is
    stored now: the text as it was before is no longer "no changes", and
    saving it meets the change."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 5')
        await pilot.pause()
        with Registry.open(registry.path) as other:
            other.update(1, dict(other.get(1).definition, timeout=800), base_revision=1)
        await _until(pilot, lambda: app._by_id[1].revision == 2, "the reload")

        _replace_text(editor, '"timeout": 5', '"timeout": 600')
        await pilot.pause()

        assert app.drafts.keys() == {1}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert registry.get(1).definition["timeout"] == 800


async def test_r_reloads(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """r reads the registry again and shows what changed.

    The app's own look at the file every second is put off for the test, so
    that only r can show the change.
    """
    monkeypatch.setattr(app_module, "POLL_INTERVAL", 3600.0)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        with Registry.open(registry.path) as other:
            other.delete(6)
        await pilot.pause(2 * POLL_INTERVAL)
        assert len(list_labels(app)) == 6, "the poll ran: r would not be tested"

        await pilot.press("r")
        for _ in range(300):
            if len(list_labels(app)) == 5:
                break
            await pilot.pause(0.02)

        assert "wc-input-argument" not in list_labels(app)
        messages = [note.message for note in app._notifications]
        assert messages[-1] == "Read the registry again: 5 definitions."


async def test_help_lists_every_binding(registry: Registry) -> None:
    """? opens the help, which names every key of the app."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("question_mark")
        await pilot.pause()

        assert isinstance(app.screen, HelpScreen)
        descriptions = [description for _, description in app.screen.rows]
        for binding in app.BINDINGS:
            assert binding.tooltip in descriptions  # type: ignore[union-attr]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_a_long_description_in_the_help_wraps_under_itself(
    registry: Registry,
) -> None:
    """At 60 columns a description too long for its row goes on under the
    description, not under the keys."""
    app = create_app(registry)
    async with app.run_test(size=(60, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("^r", "Drop the unsaved edits of the definition (asks first)") in (
            app.screen.rows
        )
        lines = screen_text(app).splitlines()
        row = next(n for n, line in enumerate(lines) if "  ^r  Drop" in line)
        assert lines[row][1:-1].rstrip() == (
            "   ^r  Drop the unsaved edits of the definition (asks"
        )
        assert lines[row + 1][1:-1].rstrip() == "       first)"


async def test_quit_asks_when_edits_are_unsaved(registry: Registry) -> None:
    """q with unsaved edits asks first; yes quits with status 0."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        _replace_text(app.query_one(DefinitionEditor), '"timeout": 600', '"timeout": 1')
        await pilot.pause()
        app.query_one("#list").focus()

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()

    assert app.return_code == 0
    assert registry.get(1).definition["timeout"] == 600


async def test_quit_without_edits_exits_at_once(registry: Registry) -> None:
    """q with nothing unsaved quits straight away with status 0."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("q")
        await pilot.pause()

    assert app.return_code == 0


async def test_read_only_refuses_every_edit(registry: Registry) -> None:
    """Read-only shows a banner; new, delete, duplicate and save change nothing."""
    app = create_app(registry, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        assert app.query_one("#banner").display
        assert shown(app, "#banner").startswith("Read-only: ")
        await pilot.press("d", "y", "n", "ctrl+s")
        await pilot.pause()

        assert not isinstance(app.screen, ConfirmScreen | TemplateScreen)
        assert [r.revision for r in registry.records()] == [1] * 6
        assert app.query_one(DefinitionEditor).read_only
        messages = [note.message for note in app._notifications]
        assert (
            messages.count("This registry is read-only: nothing can be changed.") >= 1
        )


async def test_external_editor_replaces_the_text(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """e runs $VISUAL on the text; what it wrote is back in the editor, checked."""
    script = tmp_path / "edit.py"
    script.write_text(
        "import json, sys\n"
        "path = sys.argv[1]\n"
        "data = json.load(open(path))\n"
        "data['timeout'] = 42\n"
        "json.dump(data, open(path, 'w'))\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("e")
        for _ in range(200):
            if app.drafts:
                break
            await pilot.pause(0.02)

        text = app.query_one(DefinitionEditor).text
        assert json.loads(text)["timeout"] == 42
        assert app.analysis is not None
        assert not app.analysis.has_errors
        assert registry.get(1).revision == 1


async def test_external_editor_errors_offer_to_reopen(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the edited text has errors, the app offers to open the editor again."""
    script = tmp_path / "break.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w').write('{\"exec\": 1}')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("e")
        for _ in range(200):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.02)

        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.query_one(DefinitionEditor).text == '{"exec": 1}'


@pytest.mark.parametrize(
    ("command", "program"),
    [
        ("/nonexistent-editor", "/nonexistent-editor"),
        ("code --wait", "code"),
    ],
)
async def test_an_editor_not_installed_is_named(
    registry: Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    program: str,
) -> None:
    """e with an $EDITOR that is not installed says so and changes nothing."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("EDITOR", command)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        before = app.query_one(DefinitionEditor).text

        await pilot.press("e")
        for _ in range(200):
            if app._notifications:
                break
            await pilot.pause(0.02)

        messages = [note.message for note in app._notifications]
        assert messages == [
            f"Cannot run the editor '{program}': not found; set VISUAL or EDITOR."
        ]
        assert app.query_one(DefinitionEditor).text == before
        assert app.drafts == {}
        assert registry.get(1).revision == 1


async def test_filter_keeps_focus_while_typing(registry: Registry) -> None:
    """Keys typed in the filter go to the filter, not to the actions."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("slash", *"dyn")
        await pilot.pause()

        assert app.query_one("#filter", Input).value == "dyn"
        assert [r.id for r in registry.records()] == [1, 2, 3, 4, 5, 6]


async def test_delete_keeps_the_cursor_in_place(registry: Registry) -> None:
    """After a delete the cursor is on the row that took its place, or the one above."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("j", "j", "d", "y")
        await settle(pilot)
        assert app.current_id == 4
        await pilot.press("end", "d", "y")
        await settle(pilot)
        assert app.current_id == 5


async def test_quit_names_the_unsaved_definitions(registry: Registry) -> None:
    """The quit question says which definitions hold unsaved edits."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        _replace_text(app.query_one(DefinitionEditor), '"timeout": 600', '"timeout": 1')
        await pilot.pause()
        app.query_one("#list").focus()

        await pilot.press("q")
        await pilot.pause()

        body = app.screen.query_one(".dialog-body", Static)
        assert str(body.content) == (
            "Definition 1 has unsaved edits. Quit and lose them?"
        )


async def _until(pilot, found, what: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until ``found()`` holds; fail naming ``what`` after a few seconds."""
    for _ in range(300):
        if found():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


async def test_a_draft_of_a_definition_deleted_elsewhere_keeps_its_row(
    registry: Registry,
) -> None:
    """The editor keeps the text, the row stays marked, save points to y, and y
    stores the text as a new definition, after which the row goes."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 5')
        await pilot.pause()

        with Registry.open(registry.path) as other:
            other.delete(1)
        await _until(pilot, lambda: app._by_id[1].gone, "the row marked gone")
        await pilot.pause()

        assert '"timeout": 5' in editor.text
        assert app.current_id == 1
        assert editor.border_title is not None
        assert str(editor.border_title).endswith("(deleted elsewhere)")
        assert app.query_one(DefinitionList).rows[0].id == 1
        assert [note.message for note in app._notifications] == [
            "The registry changed on disk; the list shows it: 5 definitions, and "
            "1 deleted elsewhere that you edit.",
            "Definition 1 was deleted elsewhere; your unsaved text of it is kept in "
            "its row (y stores it as a new definition).",
        ]

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert list(app._notifications)[-1].message == (
            "Definition 1 was deleted elsewhere; y stores your text as a new "
            "definition."
        )

        await pilot.press("y")
        await settle(pilot)

        copy = registry.records()[-1]
        assert (copy.id, copy.definition["timeout"]) == (7, 5)
        assert 1 not in app._by_id
        assert app.drafts == {}


async def test_undoing_a_delete_brings_back_the_unsaved_edits(
    registry: Registry,
) -> None:
    """d warns that the definition has unsaved edits; u restores them too."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 7')
        await pilot.pause()
        editor.action_leave()
        await pilot.pause()

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one(".dialog-body", Static).content).endswith(
            "to the trash? u brings it back, with your unsaved edits."
        )
        await pilot.press("y")
        await settle(pilot)
        assert 1 not in app.drafts

        await pilot.press("u")
        await settle(pilot)

        assert registry.get(1).deleted is None
        assert app.current_id == 1
        assert '"timeout": 7' in editor.text
        assert app.drafts.keys() == {1}


async def test_undo_after_a_purge_elsewhere_keeps_the_text_and_goes_on(
    registry: Registry,
) -> None:
    """u for a definition purged from the trash elsewhere says so and keeps
    its unsaved text in a row of its own, which y stores; the next u brings
    back the delete before it."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end", "d", "y")
        await settle(pilot)
        await pilot.press("home")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 7')
        await pilot.pause()
        await pilot.press("d", "y")
        await settle(pilot)
        with Registry.open(registry.path) as other:
            other.purge([1])

        await pilot.press("u")
        await settle(pilot)
        messages = [note.message for note in app._notifications]
        assert messages[-1] == (
            "Definition 1 was purged from the trash elsewhere; your unsaved text of "
            "it is kept in its row (y stores it as a new definition)."
        )
        assert app.current_id == 1
        assert '"timeout": 7' in editor.text
        assert app.drafts.keys() == {1}

        await pilot.press("u")
        await settle(pilot)
        assert registry.get(6).deleted is None
        assert app.current_id == 6

        await pilot.press("home", "y")
        await settle(pilot)
        copy = registry.get(7)
        assert copy.definition["timeout"] == 7


async def test_undo_of_a_definition_restored_elsewhere_shows_it(
    registry: Registry,
) -> None:
    """u for a definition another session brought back already shows it,
    with the unsaved edits it had."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 7')
        await pilot.pause()
        await pilot.press("d", "y")
        await settle(pilot)
        with Registry.open(registry.path) as other:
            other.restore(1)

        await pilot.press("u")
        await settle(pilot)
        assert [note.message for note in app._notifications][-1] == (
            "Restored definition 1."
        )
        assert app.current_id == 1
        assert '"timeout": 7' in editor.text
        assert app.drafts.keys() == {1}


async def test_saving_without_changes_writes_nothing(registry: Registry) -> None:
    """ctrl+s on the stored text says so; the revision stays."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("ctrl+s")
        await settle(pilot)

        assert registry.get(1).revision == 1
        assert [note.message for note in app._notifications] == [
            "No changes to save in definition 1."
        ]


async def test_a_registry_broken_on_disk_is_told_once(registry: Registry) -> None:
    """While the file stays broken the poll keeps trying, but says it once."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        registry.path.write_text('{"definitions": {garbage', encoding="utf-8")

        await _until(pilot, lambda: app._notifications, "the failure told")
        await pilot.pause(3 * POLL_INTERVAL + 0.5)

        assert [note.title for note in app._notifications] == ["Registry"]
        assert len(list_labels(app)) == 6


async def test_a_registry_that_does_not_exist_yet_is_announced(tmp_path: Path) -> None:
    """Opening a path with no registry says so, naming it."""
    path = tmp_path / "typo" / "registry.json"
    app = create_app(Registry.open(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        assert [(note.title, note.message) for note in app._notifications] == [
            (
                "New registry",
                f"No registry at {path} yet: the first definition you store "
                "creates it.",
            )
        ]


async def test_read_only_shows_only_the_keys_that_work(registry: Registry) -> None:
    """Read-only, the footer, the palette and the help leave out new, save,
    delete and the other changes; the help lists them apart as off. Their keys
    still say why nothing happens."""
    writable = create_app(registry)
    async with writable.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        assert footer_keys(writable) == [
            ("?", "Help"),
            ("/", "Filter"),
            ("n", "New"),
            ("^s", "Save"),
            ("c", "Copy"),
            ("d", "Delete"),
            ("q", "Quit"),
            ("^p", "Commands"),
        ]

    app = create_app(registry, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.pause()

        assert footer_keys(app) == [
            ("?", "Help"),
            ("/", "Filter"),
            ("c", "Copy"),
            ("q", "Quit"),
            ("^p", "Commands"),
        ]
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in (
            "New definition",
            "Save",
            "Edit in $EDITOR",
            "Duplicate",
            "Delete",
            "Undo delete",
        ):
            assert title not in titles
        assert "Copy command line" in titles

        sections = dict(app._help_sections())
        main_keys = [key for key, _ in sections[next(iter(sections))]]
        assert main_keys == [
            "?", "/", "c", "^r", "r", "s", "p", "b", "w", "q", "^q", "^p",
        ]  # fmt: skip
        assert sections["Off: the registry is read-only"] == [
            ("n", "New definition from a template"),
            ("^s", "Save the definition"),
            ("e", "Edit in $VISUAL/$EDITOR"),
            ("y", "Store a copy under a new id"),
            ("d", "Move the definition to the trash"),
            ("u", "Bring back the last deleted"),
        ]
        assert ("ctrl+s", "Save the definition") not in sections["Editor"]

        await pilot.press("d")
        messages = [note.message for note in app._notifications]
        assert messages == ["This registry is read-only: nothing can be changed."]


async def test_ctrl_r_reverts_to_the_stored_definition_after_a_confirm(
    registry: Registry,
) -> None:
    """ctrl+r, in the editor too, asks, then puts the stored definition back in
    the editor and forgets the unsaved text, also the copy kept on disk. The
    editor's footer offers it while there are unsaved edits."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        stored = editor.text
        await pilot.press("enter")
        assert footer_keys(app) == [("esc", "List"), ("^s", "Save"), ("^p", "Commands")]
        await pilot.press(*"xy")
        assert app.drafts.keys() == {1}
        assert editor.border_title == "#1 ffmpeg-to-mp3 (unsaved)"
        assert footer_keys(app) == [
            ("esc", "List"), ("^r", "Revert"), ("^s", "Save"), ("^p", "Commands"),
        ]  # fmt: skip
        kept = paths().drafts.glob("*.json")
        for _ in range(100):
            kept = list(paths().drafts.glob("*.json"))
            if kept:
                break
            await pilot.pause(0.05)
        assert len(kept) == 1

        await pilot.press("ctrl+r")
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one(".dialog-body", Static).content) == (
            "Drop the unsaved edits of definition 1 “ffmpeg-to-mp3” and show it "
            "as stored? They cannot be brought back."
        )
        await pilot.press("n")
        assert app.drafts.keys() == {1}
        assert editor.text == "xy" + stored

        await pilot.press("ctrl+r", "y")
        await pilot.pause()
        assert app.drafts == {}
        assert editor.text == stored
        assert editor.border_title == "#1 ffmpeg-to-mp3"
        assert footer_keys(app) == [("esc", "List"), ("^s", "Save"), ("^p", "Commands")]
        assert not app.query_one(DefinitionList)._drafts
        assert not kept[0].exists()
        assert registry.get(1).revision == 1
        assert [note.message for note in app._notifications] == [
            "Reverted definition 1 to its stored text."
        ]

        await pilot.press("ctrl+r")
        assert app.screen is app.screen_stack[0]
        assert [note.message for note in app._notifications][-1] == (
            "Definition 1 has no unsaved edits."
        )


async def test_reverting_a_definition_deleted_elsewhere_drops_its_row(
    registry: Registry,
) -> None:
    """The row kept for the unsaved text of a definition deleted elsewhere goes
    with the text."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("j")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 3600', '"timeout": 7')
        await pilot.pause()
        with Registry.open(registry.path) as other:
            other.delete(2)
        for _ in range(100):
            if app._by_id[2].gone:
                break
            await pilot.pause(0.05)

        await pilot.press("ctrl+r")
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one(".dialog-body", Static).content)
        assert body.endswith(
            "It was deleted elsewhere, so its row goes too. They cannot be brought "
            "back."
        )
        await pilot.press("y")
        await settle(pilot)

        assert app.drafts == {}
        assert list_labels(app) == [
            "ffmpeg-to-mp3",
            "iconv-output-argument",
            "sort-lines",
            "tr-strip-x",
            "wc-input-argument",
        ]
        assert app.current_id in {1, 3}


async def test_delete_on_a_definition_deleted_elsewhere_drops_the_edits(
    registry: Registry,
) -> None:
    """d on the row kept for the unsaved text of a definition deleted (and
    purged) elsewhere offers to drop that text, not to move to the trash what
    is no longer stored; y drops it and the row."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        _replace_text(editor, '"timeout": 600', '"timeout": 7')
        await pilot.pause()
        editor.action_leave()
        with Registry.open(registry.path) as other:
            other.delete(1)
            other.purge()
        await _until(pilot, lambda: app._by_id[1].gone, "the row marked gone")

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one(".dialog-body", Static).content)
        await pilot.press("y")
        await settle(pilot)

        messages = [note.message for note in app._notifications]

    assert body == (
        "Definition 1 “ffmpeg-to-mp3” was deleted elsewhere. Drop your unsaved "
        "edits of it, and its row? They cannot be brought back."
    )
    assert app.drafts == {}
    assert 1 not in app._by_id
    assert messages[-1] == (
        "Dropped the unsaved edits of definition 1, which was deleted elsewhere."
    )
    assert not any("failed" in message for message in messages)


async def test_list_actions_on_an_empty_registry_say_there_is_nothing(
    tmp_path: Path,
) -> None:
    """With no definition in the registry, the keys and commands that work on
    the selected definition say why nothing happens instead of doing nothing
    unseen."""
    app = create_app(Registry.open(tmp_path / "registry.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        app.clear_notifications()

        said = []
        for key in ("d", "ctrl+s", "c", "e", "y", "ctrl+r", "p", "b", "w"):
            await pilot.press(key)
            await pilot.pause()
            said.append(list(app._notifications)[-1].message)
        await app.run_action("export('slurm')")
        await pilot.pause()
        said.append(list(app._notifications)[-1].message)

        assert app.screen is app.screen_stack[0]
        assert said == [
            "Nothing to delete: the list is empty.",
            "Nothing to save: the list is empty.",
            "Nothing to copy: the list is empty.",
            "Nothing to edit: the list is empty.",
            "Nothing to duplicate: the list is empty.",
            "Nothing to revert: the list is empty.",
            "Nothing to check: the list is empty.",
            "Nothing to fill in: the list is empty.",
            "Nothing to show: the list is empty.",
            "Nothing to export: the list is empty.",
        ]


async def test_list_actions_with_no_row_matching_the_filter_say_so(
    registry: Registry,
) -> None:
    """A filter that matches nothing leaves no definition to act on: ctrl+s
    and the commands say so, naming the filter."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("slash", *"zzzz")
        await settle(pilot)
        assert app.current_id is None
        app.clear_notifications()

        await pilot.press("ctrl+s")
        said = [list(app._notifications)[-1].message]
        for action in ("delete", "copy"):
            await app.run_action(action)
            await pilot.pause()
            said.append(list(app._notifications)[-1].message)

        assert said == [
            "Nothing to save: no definition matches the filter.",
            "Nothing to delete: no definition matches the filter.",
            "Nothing to copy: no definition matches the filter.",
        ]
        assert [(r.id, r.revision) for r in registry.records()] == [
            (number, 1) for number in range(1, 7)
        ]
