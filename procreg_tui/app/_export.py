"""One definition exported for a scheduler or the shell: shown, then saved to a file.

The text comes from :mod:`procreg_tui.export`, exactly as ``procreg export ID
--format F`` writes it; the app only shows it and writes it where asked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Input, Label, Static

from procreg_tui.app._dialogs import ConfirmScreen, Dialog
from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._literal import LiteralInput, LiteralTextArea
from procreg_tui.app._text import as_content, mask_secrets
from procreg_tui.definition.label import definition_label
from procreg_tui.export import ExportFormat
from procreg_tui.registry import Record, registry_file_at

EXPORT_FORMATS: tuple[tuple[ExportFormat, str], ...] = (
    (ExportFormat.SLURM, "a Slurm sbatch script"),
    (ExportFormat.CONDOR, "an HTCondor submit description"),
    (ExportFormat.CWL, "a CWL CommandLineTool"),
    (ExportFormat.K8S, "a Kubernetes Job or Deployment"),
    (ExportFormat.SYSTEMD, "a systemd service unit"),
    (ExportFormat.SH, "a shell script with one function"),
)
"""The formats the app exports one definition to, with what each gives."""

_SLUG_BREAKS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Exported:
    """One definition written in one export format."""

    export_format: ExportFormat
    text: str
    warnings: tuple[str, ...]
    """What the format cannot express."""
    file_name: str
    """The name ``procreg export -o DIR/`` gives its file (``.sh`` for sh)."""


def export_definition(
    record: Record, export_format: ExportFormat, bindings: Mapping[str, str]
) -> Exported:
    """Return ``record`` exported as ``export_format``, as ``procreg export`` does.

    A variable takes its value from ``bindings``, else a sample value (the
    scheduler formats; the shell script reads shell variables instead).

    Raises:
        ExportError: the definition holds what the format cannot carry.
    """
    from procreg_tui.export import ENGINE_FORMATS, engine_export, export_text  # noqa: PLC0415

    label = definition_label(record.definition)
    if export_format in ENGINE_FORMATS:
        export = engine_export([record], export_format, bindings)
        (document,) = export.documents
        # The dialog's title names the definition; its warnings need not.
        return Exported(
            export_format,
            export.text,
            document.unnamed_warnings,
            document.file_name,
        )
    slug = _SLUG_BREAKS.sub("-", label.lower()).strip("-") or "definition"
    text = export_text([record], export_format)
    return Exported(export_format, text, (), f"{record.id}-{slug}.{export_format}")


class ExportScreen(Dialog[Path | None]):
    """Shows an export and saves it to a file; dismisses with the file written.

    The file is written atomically; an existing one is replaced only after a
    confirm. What goes wrong is said in the dialog, which stays open.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]
    AUTO_FOCUS = "#export-path"
    """The keyboard starts in the path field, where Enter saves."""

    def __init__(
        self,
        title: Content,
        exported: Exported,
        *,
        notes: Sequence[str] = (),
        secrets: Sequence[str] = (),
        masking: bool = True,
        folder: Path | None = None,
        registry_path: Path | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._registry_path = registry_path
        self._title = title
        self._exported = exported
        self._notes = list(notes)
        self._secrets = list(secrets)
        self._masking = masking and bool(secrets)
        self._folder = folder if folder is not None else Path.cwd()
        self._saving = False

    def compose(self) -> ComposeResult:
        """Lay out the notes, the warnings, the text and the file to save to."""
        exported = self._exported
        notes = list(self._notes)
        if self._masking:
            notes.append(
                "Secret-looking values are masked here (s shows them); the file "
                "gets them as they are."
            )
        text = exported.text
        if self._masking:
            text = mask_secrets(text, self._secrets)
        with Vertical(classes="dialog wide-dialog", id="export"):
            yield Label(self._title, classes="dialog-title")
            if notes:
                yield Static(as_content(" ".join(notes)), id="export-notes")
            if exported.warnings:
                with VerticalScroll(id="export-warnings"):
                    yield Static(_warnings(exported), id="export-warnings-text")
            yield LiteralTextArea(text, read_only=True, soft_wrap=True, id="text")
            with Horizontal(id="export-save"):
                yield Label("Save to ", id="export-path-label")
                yield LiteralInput(exported.file_name, id="export-path", compact=True)
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Close", id="close", compact=True)
            # A long folder or message scrolls rather than take the text's rows.
            with VerticalScroll(id="export-status-scroll", can_focus=False):
                yield Static(self._hint(), id="export-status", classes="dialog-hint")
        yield Footer()

    def _hint(self) -> Content:
        """Return what the keys do, and where a relative path goes."""
        return as_content(
            f"In {self._folder} unless the path says otherwise. Enter saves; "
            "Tab reaches the text (select with shift+arrows); Escape closes."
        )

    @property
    def target(self) -> Path | None:
        """The file the path field names, relative paths in the folder given."""
        typed = self.query_one("#export-path", Input).value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        return path if path.is_absolute() else self._folder / path

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save to the file named, asking before replacing one."""
        if self._saving:
            return
        path = self.target
        if path is None:
            self._tell("Type the name of the file to save to.")
            return
        refusal = _refusal(path, self._registry_path)
        if refusal is not None:
            self._tell(f"{refusal}; nothing was written.")
            return
        if os.path.lexists(path):

            def confirmed(answer: bool | None) -> None:
                if answer:
                    self._write(path)

            question = as_content(f"{path} exists. Replace it with the export?")
            self.app.push_screen(
                ConfirmScreen("Replace the file?", question, yes="Replace"), confirmed
            )
            return
        self._write(path)

    def _write(self, path: Path) -> None:
        """Write the export to ``path`` in a thread: a disk may be slow."""
        self._saving = True
        self.query_one("#save", Button).disabled = True
        self._tell(f"Writing {path}{glyphs().more}", error=False)
        self._write_file(path)

    @work(thread=True, exclusive=True, group="export-write")
    def _write_file(self, path: Path) -> None:
        """Write the export to ``path`` atomically, then say how it went."""
        from procreg_tui.export import ExportError, write_atomically  # noqa: PLC0415

        try:
            write_atomically(path, self._exported.text)
        except ExportError as error:
            self.app.call_from_thread(self._failed, f"{error}; nothing was written.")
            return
        self.app.call_from_thread(self.dismiss, path)

    def _failed(self, message: str) -> None:
        """Say why the file was not written, and let the user try again."""
        self._saving = False
        self.query_one("#save", Button).disabled = False
        self._tell(message[:1].upper() + message[1:])

    def _tell(self, message: str, *, error: bool = True) -> None:
        """Show ``message`` where the keys are told."""
        status = self.query_one("#export-status", Static)
        status.update(as_content(message))
        status.set_class(error, "error")
        self.query_one("#export-status-scroll").scroll_home(animate=False)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Close without saving."""
        self.dismiss(None)


def _warnings(exported: Exported) -> Content:
    """Return the export's warnings, one paragraph each."""
    lines = [f"{exported.export_format} cannot express:"]
    lines += [f"- {warning}" for warning in exported.warnings]
    return as_content("\n".join(lines), keep_newlines=True)


def _refusal(path: Path, registry_path: Path | None) -> str | None:
    """Say why nothing can be written at ``path`` before trying, or ``None``.

    The registry's own files are refused: replacing one would lose every
    definition, or the lock that keeps writers apart.
    """
    if registry_path is not None:
        clash = registry_file_at(registry_path, path)
        if clash is not None:
            return (
                f"{path} is {clash}: writing there would destroy it; "
                "choose another file"
            )
    if path.is_dir():
        return f"{path} is a folder: add a file name"
    folder = path.parent
    if not folder.exists():
        return f"The folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    return None
