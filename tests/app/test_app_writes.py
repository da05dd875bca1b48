"""Changes written in the background, and text entering the editor as data."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from app_helpers import footer_keys, list_labels, settle, shown, until_loaded
from textual import events
from textual.widgets import Input, Static, TextArea

from procreg_tui.app import create_app
from procreg_tui.app._dialogs import ConfirmScreen
from procreg_tui.app._editor import DefinitionEditor
from procreg_tui.registry import Record, Registry
from procreg_tui.remote import RemoteError

pytestmark = pytest.mark.asyncio


class GatedRegistry(Registry):
    """A registry whose updates wait until the test opens the gate."""

    gate = threading.Event()

    def update(self, record_id: int, definition: dict[str, Any], **kw: Any) -> Record:
        """Wait for the gate, then update as usual."""
        self.gate.wait(10)
        return super().update(record_id, definition, **kw)


@pytest.fixture
def gated(registry: Registry) -> GatedRegistry:
    """The example registry, opened again with gated updates."""
    GatedRegistry.gate = threading.Event()
    return GatedRegistry.open(registry.path)


async def test_a_save_runs_while_the_screen_answers(gated: GatedRegistry) -> None:
    """During a save the status says so, keys still work, other changes wait."""
    app = create_app(gated)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 700')
        await pilot.pause()

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(app, "#list-status") == "Saving definition 1…"
        await pilot.press("y")
        await pilot.pause()
        messages = [note.message for note in app._notifications]
        assert messages[-1] == (
            "Still busy: Saving definition 1. Try again in a moment."
        )

        gated.gate.set()
        await settle(pilot)
        assert shown(app, "#list-status") == "6 definitions"
        assert gated.get(1).definition["timeout"] == 700
        assert [r.id for r in gated.records()] == [1, 2, 3, 4, 5, 6]
        assert app.drafts == {}


async def test_typing_during_a_save_stays_unsaved(gated: GatedRegistry) -> None:
    """Text typed while a save runs is kept as an edit on top of the new revision."""
    app = create_app(gated)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 700')
        await pilot.pause()

        await pilot.press("ctrl+s")
        await pilot.pause()
        editor.text = editor.text.replace('"timeout": 700', '"timeout": 800')
        await pilot.pause()
        gated.gate.set()
        await settle(pilot)

        assert gated.get(1).definition["timeout"] == 700
        assert '"timeout": 800' in editor.text
        assert app.drafts.keys() == {1}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (gated.get(1).definition["timeout"], gated.get(1).revision) == (800, 3)


async def test_a_registry_that_cannot_be_read_stops_the_app(tmp_path: Path) -> None:
    """A registry that does not parse ends the app with status 1 and the reason."""
    path = tmp_path / "registry.json"
    path.write_text('{"definitions": {"1": ')
    app = create_app(lambda: Registry.open(path))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if not app.is_running:
                break
            await pilot.pause(0.02)

    assert app.return_code == 1
    assert app.failure is not None
    assert app.failure.startswith(f"{path}:1:")
    assert path.read_text() == '{"definitions": {"1": '


@pytest.mark.parametrize("how", ["paste", "insert"])
async def test_control_characters_entering_the_editor_show(
    registry: Registry, how: str
) -> None:
    """Pasted or inserted control characters appear as \\u escapes, CR as a newline."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = ""
        editor.focus()

        text = '{"exec": "/bin/echo\x1b[2J\x07\u202e"}\r\n'
        if how == "paste":
            app.post_message(events.Paste(text))
        else:
            editor.insert(text)
        await pilot.pause()

        assert editor.text == '{"exec": "/bin/echo\\u001b[2J\\u0007\\u202e"}\n'


async def test_control_characters_from_the_external_editor_show(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text written by $EDITOR with control characters comes back escaped."""
    script = tmp_path / "edit.py"
    script.write_text(
        "import sys\n"
        "open(sys.argv[1], 'w').write('{\"exec\": \"/bin/true\\x1b[31m\"}')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("e")
        for _ in range(200):
            if app.drafts:
                break
            await pilot.pause(0.02)

        text = app.query_one(DefinitionEditor).text
        assert text == '{"exec": "/bin/true\\u001b[31m"}'


async def test_the_copy_dialog_shows_control_characters_as_printf(
    registry: Registry,
) -> None:
    """Without a sure clipboard, the command line is shown as it is copied: each
    control character written as a printf a shell reads back, none of them raw."""
    registry.create({"exec": "/bin/echo", "argv": ["\x1b]52;c;eA==\x07", "\x9b2J"]})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)

        await pilot.press("c")
        for _ in range(200):
            if app.last_copy is not None:
                break
            await pilot.pause(0.01)
        await pilot.pause()

        shown = app.screen.query_one("#text", TextArea).text
        assert shown == (
            "/bin/echo \"$(printf '\\033')\"']52;c;eA=='\"$(printf '\\007')\" "
            "\"$(printf '\\302\\233')\"'2J'"
        )


async def test_fields_drop_control_characters(registry: Registry) -> None:
    """A filter or binding value pasted with control characters keeps the rest."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        field = next(iter(app.query(".binding-value").results(Input)))
        field.value = "/data/\x1b]0;x\x07in"
        assert field.value == "/data/]0;xin"

        await pilot.press("slash")
        app.post_message(events.Paste("sort\x1b[2J\x07"))
        await pilot.pause()
        assert app.query_one("#filter", Input).value == "sort[2J"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            b'\xef\xbb\xbf{"exec": "/bin/true"}',
            ("info", "byte-order-mark", 1, 1),
        ),
        ('{"exec": "/bin/true"}'.encode("utf-16"), ("info", "byte-order-mark", 1, 1)),
        (b'{"exec": "/bin/\xff"}', ("error", "encoding", 1, 16)),
    ],
)
async def test_the_external_editors_bytes_are_read_as_files_are(
    registry: Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    problem: tuple[str, str, int, int],
) -> None:
    """A BOM, UTF-16 or bytes that are not UTF-8 from $EDITOR are reported."""
    saved = tmp_path / "saved.json"
    saved.write_bytes(data)
    script = tmp_path / "edit.py"
    script.write_text(f"import shutil, sys\nshutil.copy({str(saved)!r}, sys.argv[1])\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)

        await pilot.press("e")
        for _ in range(200):
            if app.drafts:
                break
            await pilot.pause(0.02)

        analysis = app.analysis
        assert analysis is not None
        assert [
            (p.severity.value, p.code, p.line, p.column) for p in analysis.problems
        ] == [problem]
        assert app.query_one(DefinitionEditor).text.startswith('{"exec": "/bin/')


class FlakyRegistry(Registry):
    """A registry whose changes fail as an unreachable server's do, until allowed."""

    reachable = False

    def update(self, record_id: int, definition: dict[str, Any], **kw: Any) -> Record:
        """Fail like a server out of reach, or update as usual."""
        if not self.reachable:
            raise RemoteError(
                "cannot reach the registry at http://h:1/: refused", unreachable=True
            )
        return super().update(record_id, definition, **kw)


async def test_an_unreachable_registry_gives_a_read_only_view_and_r_retries(
    registry: Registry,
) -> None:
    """A save to an unreachable registry keeps everything; r saves once it answers."""
    flaky = FlakyRegistry.open(registry.path)
    app = create_app(flaky)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 700')
        await pilot.pause()

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#banner") == (
            "Offline: cannot reach the registry at http://h:1/: refused A read-only "
            "view of what was loaded; r in the list tries again."
        )
        assert app.drafts.keys() == {1}
        assert footer_keys(app) == [
            ("?", "Help"), ("/", "Filter"), ("c", "Copy"), ("q", "Quit"),
            ("^p", "Commands"),
        ]  # fmt: skip
        await pilot.press("y")
        await settle(pilot)
        assert [r.id for r in flaky.records()] == [1, 2, 3, 4, 5, 6]
        messages = [note.message for note in app._notifications]
        assert messages[-1].startswith(
            "The registry cannot be reached, so nothing is changed"
        )

        flaky.reachable = True
        await pilot.press("r")
        await settle(pilot)
        assert not app.query_one("#banner").display
        assert [key for key, _ in footer_keys(app)] == [
            "?", "/", "n", "^s", "c", "d", "q", "^p",
        ]  # fmt: skip
        assert flaky.get(1).definition["timeout"] == 700
        assert app.drafts == {}


async def test_an_edit_reverted_while_offline_is_not_saved_when_r_tries_again(
    registry: Registry,
) -> None:
    """r after a failed save reconnects, but does not store the edits that
    ctrl+r dropped meanwhile: the registry keeps the stored version."""
    flaky = FlakyRegistry.open(registry.path)
    stored = flaky.get(1)
    app = create_app(flaky)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 700')
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.query_one("#banner").display
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.drafts == {}

        flaky.reachable = True
        await pilot.press("r")
        await settle(pilot)
        assert not app.query_one("#banner").display
        assert (flaky.get(1).revision, flaky.get(1).definition["timeout"]) == (
            stored.revision,
            600,
        )
        messages = [note.message for note in app._notifications]
        assert (
            "Saving definition 1: not tried again, as its unsaved edits were "
            "reverted." in messages
        )


async def test_a_registry_file_that_vanishes_keeps_the_view_until_it_is_back(
    registry: Registry,
) -> None:
    """A deleted registry file gives a read-only view; putting it back ends it.

    The rows and the unsaved edit stay, the user is told once, nothing writes a
    new registry in the old one's place, and the poll notices the file's return.
    """
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)
        editor.text = editor.text.replace('"timeout": 600', '"timeout": 700')
        await pilot.pause()
        saved = registry.path.read_bytes()

        registry.path.unlink()
        for _ in range(300):
            if app.query_one("#banner").display:
                break
            await pilot.pause(0.02)
        assert shown(app, "#banner").startswith(
            f"Offline: the registry {registry.path} has disappeared since procreg "
            "read it"
        )
        assert len(list_labels(app)) == 6
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not registry.path.exists()
        assert app.drafts.keys() == {1}
        await pilot.pause(1.5)
        titles = [note.title for note in app._notifications]
        assert titles.count("Registry unreachable") == 1

        registry.path.write_bytes(saved)
        for _ in range(300):
            if not app.query_one("#banner").display:
                break
            await pilot.pause(0.02)
        assert not app.query_one("#banner").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert registry.get(1).definition["timeout"] == 700


LOST = (
    "U+FFFD (\ufffd) stands for bytes that were not UTF-8 and are lost: type what "
    "was meant (\\ufffd keeps the character itself)"
)


async def test_characters_lost_to_bad_bytes_stay_an_error_until_replaced(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes from $EDITOR that are not UTF-8 stay an error after the next key,
    placed at each U+FFFD, until none is left; saving them needs a confirm
    that names them."""
    saved = tmp_path / "saved.json"
    saved.write_bytes(b'{\n  "exec": "/bin/caf\xe9",\n  "argv": ["\xff\xfe"]\n}\n')
    script = tmp_path / "edit.py"
    script.write_text(f"import shutil, sys\nshutil.copy({str(saved)!r}, sys.argv[1])\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        editor = app.query_one(DefinitionEditor)

        await pilot.press("e")
        for _ in range(200):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.02)
        await pilot.press("n")
        await pilot.press("enter", "end", "space")
        await pilot.pause(0.3)

        assert editor.text == (
            '{ \n  "exec": "/bin/caf\ufffd",\n  "argv": ["\ufffd\ufffd"]\n}\n'
        )
        analysis = app.analysis
        assert analysis is not None
        assert [
            (p.severity.value, p.code, p.line, p.column, p.message)
            for p in analysis.problems
        ] == [
            ("error", "replacement-character", 2, 20, LOST),
            ("error", "replacement-character", 3, 13, LOST),
            ("error", "replacement-character", 3, 14, LOST),
        ]

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one(".dialog-body", Static).content) == (
            "The text holds 3 U+FFFD replacement characters (the first at line 2, "
            "column 20), standing for bytes that were not UTF-8 and are lost; "
            "saved, they stay in the definition. Save it anyway?"
        )
        await pilot.press("n")
        assert registry.get(1).revision == 1

        editor.text = '{\n  "exec": "/bin/café",\n  "argv": ["x"]\n}\n'
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
        assert registry.get(1).definition == {"exec": "/bin/café", "argv": ["x"]}


async def test_a_stored_replacement_character_shows_as_its_escape(
    registry: Registry,
) -> None:
    """U+FFFD in a stored definition is shown as \\ufffd, which is no error, so
    only a character that stands for lost bytes is one: typed in, it is."""
    registry.create({"exec": "/bin/echo", "argv": ["a\ufffdb"]})
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("end")
        await settle(pilot)
        editor = app.query_one(DefinitionEditor)

        assert '"a\\ufffdb"' in editor.text
        assert app.analysis is not None
        assert app.analysis.problems == []
        assert app.drafts == {}

        editor.insert("\ufffd", (1, 11))
        await pilot.pause(0.3)
        assert [(p.code, p.line, p.column) for p in app.analysis.problems] == [
            ("replacement-character", 2, 12)
        ]
