"""Exporting the definition in the editor from the command palette, then saving it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from app_helpers import settle, until_loaded
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static, TextArea

from procreg_tui.app import ProcregApp, create_app
from procreg_tui.app._dialogs import ConfirmScreen
from procreg_tui.app._export import ExportScreen, export_definition
from procreg_tui.app._live_panel import LivePanel
from procreg_tui.export import ExportFormat, engine_export, export_text
from procreg_tui.registry import Registry

pytestmark = pytest.mark.asyncio

FORMATS = ["slurm", "condor", "cwl", "k8s", "systemd", "sh"]


@pytest.fixture(autouse=True)
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a folder of its own: the dialog saves to the current folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


async def _export(pilot: Pilot[int], name: str) -> ExportScreen:
    """Choose "Export as NAME" in the command palette; return the dialog."""
    app = pilot.app
    await pilot.press("ctrl+p")
    for _ in range(100):
        if isinstance(app.screen, CommandPalette):
            break
        await pilot.pause(0.01)
    await pilot.press(*f"Export as {name}")
    for _ in range(200):
        await pilot.pause(0.02)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        if palette._list_visible and palette.query_one("CommandList").option_count:
            break
    await pilot.press("enter")
    for _ in range(200):
        if isinstance(app.screen, ExportScreen):
            break
        await pilot.pause(0.01)
    dialog = app.screen
    assert isinstance(dialog, ExportScreen), f"no export dialog, {app.screen}"
    await pilot.pause()
    return dialog


async def _saved(pilot: Pilot[int], path: Path) -> None:
    """Wait until the dialog closed after writing ``path``."""
    for _ in range(300):
        if not isinstance(pilot.app.screen, ExportScreen | ConfirmScreen):
            break
        await pilot.pause(0.01)
    assert not isinstance(pilot.app.screen, ExportScreen), _status(pilot.app)
    assert path.exists()


def _status(app: ProcregApp) -> str:
    """Return the status line of the export dialog."""
    return str(app.screen.query_one("#export-status", Static).content)


async def test_the_palette_offers_every_export(registry: Registry) -> None:
    """The palette offers "Export as F" for each format, read-only too; not
    without a definition in the editor."""
    app = create_app(registry, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]

        exports = [title for title in titles if title.startswith("Export")]
        assert exports == [f"Export as {name}" for name in FORMATS]

    app = create_app(Registry.open(registry.path.parent / "empty.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert not [title for title in titles if title.startswith("Export")]


async def test_export_as_slurm_writes_the_export(
    registry: Registry, folder: Path
) -> None:
    """The dialog shows the text procreg export gives, its warnings and a file
    name in the current folder; Enter writes exactly that text."""
    expected = engine_export([registry.get(1)], ExportFormat.SLURM)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)

        dialog = await _export(pilot, "slurm")

        assert dialog.query_one("#text", TextArea).text == expected.text
        path_field = dialog.query_one("#export-path", Input)
        assert path_field.value == "1-ffmpeg-to-mp3.sbatch"
        assert path_field.has_focus
        assert str(folder) in _status(app)

        await pilot.press("enter")
        await _saved(pilot, folder / "1-ffmpeg-to-mp3.sbatch")

    written = (folder / "1-ffmpeg-to-mp3.sbatch").read_text(encoding="utf-8")
    assert written == expected.text
    lines = written.splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "#SBATCH --job-name=ffmpeg-to-mp3" in lines
    assert "#SBATCH --time=0-00:10:00" in lines
    assert lines[-1].endswith("/tmp/procreg/output")
    assert [note.message for note in app._notifications][-1] == (
        f"Wrote definition 1 as slurm to {folder / '1-ffmpeg-to-mp3.sbatch'}."
    )


async def test_export_shows_the_warnings(registry: Registry) -> None:
    """What the format cannot express is listed above the text."""
    record = registry.get(2)
    expected = engine_export([record], ExportFormat.SYSTEMD)
    assert expected.warnings, "the example should have warnings for systemd"
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await pilot.press("j")
        await settle(pilot)

        dialog = await _export(pilot, "systemd")

        shown = str(dialog.query_one("#export-warnings-text", Static).content)
        assert shown.splitlines()[0] == "systemd cannot express:"
        prefix = "definition 2 (full-format-service): "
        assert all(warning.startswith(prefix) for warning in expected.warnings)
        assert shown.splitlines()[1:] == [
            f"- {warning.removeprefix(prefix)}" for warning in expected.warnings
        ]


async def test_warnings_drop_a_name_with_control_characters(registry: Registry) -> None:
    """The dialog's warnings leave out the definition's name even when the
    name holds characters the warnings write escaped."""
    record = registry.create(
        {"name": "job\x1b[31m\nred", "exec": "/bin/true", "application": "img:1"}
    )

    exported = export_definition(record, ExportFormat.SLURM, {})

    assert exported.warnings == (
        "application img:1 is not carried: deploy it where the job runs.",
    )


async def test_export_at_the_smallest_size_keeps_rows_for_the_text(
    registry: Registry,
) -> None:
    """At 60x15 the warnings and the hint under the path (here with a long
    folder) take at most a quarter of the dialog each and scroll, so the
    exported text still shows three rows."""
    app = create_app(registry)
    async with app.run_test(size=(60, 15)) as pilot:
        await until_loaded(pilot)
        await pilot.press("j")
        await settle(pilot)

        dialog = await _export(pilot, "systemd")
        await pilot.pause()
        warnings = dialog.query_one("#export-warnings")
        assert warnings.size.height == 3
        assert warnings.max_scroll_y > 0
        hint = dialog.query_one("#export-status-scroll")
        assert hint.size.height == 3
        assert hint.max_scroll_y > 0
        text = dialog.query_one("#text", TextArea)
        assert text.scrollable_content_region.height == 3


async def test_export_as_sh_in_a_read_only_registry(
    registry: Registry, folder: Path
) -> None:
    """A read-only registry still exports; sh gives the shell script."""
    app = create_app(registry, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)

        await _export(pilot, "sh")
        await pilot.press("enter")
        await _saved(pilot, folder / "1-ffmpeg-to-mp3.sh")

    written = (folder / "1-ffmpeg-to-mp3.sh").read_text(encoding="utf-8")
    assert written == export_text([registry.get(1)], ExportFormat.SH)
    assert written.startswith("#!/bin/sh\n")


async def test_an_existing_file_is_replaced_only_when_confirmed(
    registry: Registry, folder: Path
) -> None:
    """Saving over a file asks; Cancel leaves it as it was, Replace replaces it."""
    target = folder / "1-ffmpeg-to-mp3.cwl"
    target.write_text("mine\n", encoding="utf-8")
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        dialog = await _export(pilot, "cwl")

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{target} exists" in str(app.screen.query_one(".dialog-body").content)  # type: ignore[attr-defined]
        await pilot.press("n")
        await pilot.pause(0.2)
        assert app.screen is dialog
        assert target.read_text(encoding="utf-8") == "mine\n"

        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await _saved(pilot, target)

    text = target.read_text(encoding="utf-8")
    assert text == engine_export([registry.get(1)], ExportFormat.CWL).text
    assert "cwlVersion: v1.2" in text.splitlines()


async def test_a_missing_folder_or_a_refused_write_is_told(
    registry: Registry, folder: Path
) -> None:
    """A folder that does not exist, or cannot be written, is said plainly in
    the dialog, which stays open for another path."""
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        dialog = await _export(pilot, "k8s")
        field = dialog.query_one("#export-path", Input)

        field.value = "nowhere/job.yaml"
        await pilot.press("enter")
        await pilot.pause()
        assert _status(app) == (
            f"The folder {folder / 'nowhere'} does not exist; nothing was written."
        )
        assert dialog.query_one("#export-status").has_class("error")

        if os.geteuid() != 0:
            field.value = "locked/job.yaml"
            await pilot.press("enter")
            for _ in range(100):
                if "Permission denied" in _status(app):
                    break
                await pilot.pause(0.02)
            assert _status(app) == (
                f"Cannot write {locked / 'job.yaml'}: Permission denied; "
                "nothing was written."
            )
            assert not dialog.query_one("#save", Button).disabled

        assert app.screen is dialog
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)
    locked.chmod(0o700)
    assert list(folder.rglob("*.yaml")) == []


async def test_a_definition_with_errors_is_refused(registry: Registry) -> None:
    """As procreg export does, a definition with errors is not exported: the
    reason is told and no dialog opens."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        editor = app.query_one("#editor", TextArea)
        editor.load_text(editor.text.replace('"timeout": 600', '"timeout": "soon"'))
        await pilot.pause(0.3)
        assert app.analysis is not None
        assert app.analysis.has_errors

        await app.run_action("export('slurm')")
        await pilot.pause()

        assert not isinstance(app.screen, ExportScreen)
        message = [note.message for note in app._notifications][-1]
        assert message.startswith("Definition 1 has 1 error ($.timeout: ")
        assert message.endswith("it cannot be exported as slurm.")


async def test_the_export_is_of_the_editor_text_and_typed_values(
    registry: Registry,
) -> None:
    """Unsaved edits and the values typed in the live panel go into the
    export, and the dialog says so."""
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        editor = app.query_one("#editor", TextArea)
        editor.load_text(editor.text.replace('"timeout": 600', '"timeout": 7200'))
        await pilot.pause(0.3)
        panel = app.query_one(LivePanel)
        panel.post_message(LivePanel.BindingChanged("input_file", "/data/in.wav"))
        await pilot.pause(0.1)

        dialog = await _export(pilot, "slurm")

        text = dialog.query_one("#text", TextArea).text
        assert "#SBATCH --time=0-02:00:00" in text.splitlines()
        assert "# ${input_file} = /data/in.wav" in text.splitlines()
        notes = str(dialog.query_one("#export-notes", Static).content)
        assert notes == (
            "With the unsaved edits of the editor. ${input_file}: as typed in "
            "the live panel."
        )


async def test_the_registry_and_its_lock_files_are_refused(
    registry: Registry, folder: Path
) -> None:
    """Saving over the registry, its lock file or its lock note, by any
    spelling, is refused before asking to replace: every definition stays."""
    before = registry.path.read_bytes()
    link = folder / "alias.json"
    link.symlink_to(registry.path)
    app = create_app(registry)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_loaded(pilot)
        await settle(pilot)
        dialog = await _export(pilot, "slurm")
        field = dialog.query_one("#export-path", Input)

        told = []
        for typed in (
            str(registry.path),
            str(link),
            f"{registry.path.parent}/../{registry.path.parent.name}/"
            f"{registry.path.name}.lock",
            f"{registry.path}.lock.holder",
        ):
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            told.append(_status(app))
            assert app.screen is dialog

    path = registry.path
    assert told == [
        f"{path} is the registry file: writing there would destroy it; choose "
        "another file; nothing was written.",
        f"{link} is the registry file: writing there would destroy it; choose "
        "another file; nothing was written.",
        f"{path.parent}/../{path.parent.name}/{path.name}.lock is the registry's "
        "lock file: writing there would destroy it; choose another file; nothing "
        "was written.",
        f"{path}.lock.holder is the registry's lock note: writing there would "
        "destroy it; choose another file; nothing was written.",
    ]
    assert registry.path.read_bytes() == before
