"""What the scheduler formats share: the job a definition becomes, notes, files."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procreg_tui.definition.label import definition_label
from procreg_tui.export._errors import ExportError
from procreg_tui.export._files import fitted_name, write_all_atomically
from procreg_tui.export._json import json_safe
from procreg_tui.registry import Record
from procreg_tui.resolve import (
    Resolution,
    Wiring,
    WiringAdapter,
    resolve,
    sample_bindings,
    wiring,
)

_SLUG_BREAKS = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_YEAR = 365.25 * 24 * 3600
"""Seconds in a year, for warnings about long times."""


@dataclass(frozen=True, slots=True)
class Job:
    """One definition as the scheduler formats see it, its variables bound."""

    record_id: int
    resource_uri: str
    definition: Mapping[str, Any]
    resolution: Resolution
    """What runs, every variable bound (see :attr:`bindings`)."""
    bindings: Mapping[str, str]
    """The value each variable got: the one asked for, else a sample value."""
    wiring: Wiring
    given: frozenset[str] = frozenset()
    """The variables whose value was asked for, not a sample value."""

    @property
    def label(self) -> str:
        """Return the definition's name, else the base name of its executable."""
        return definition_label(self.definition) or f"definition-{self.record_id}"

    @property
    def slug(self) -> str:
        """Return the label in lower case letters, digits and single hyphens."""
        slug = _SLUG_BREAKS.sub("-", self.label.lower()).strip("-")
        return slug or "definition"

    def file_name(self, extension: str, prefix: str = "") -> str:
        """Return the name of the job's file: prefix, id, hyphen, slug, extension.

        A slug that would make the name longer than :data:`NAME_MAX` bytes is
        cut on a character boundary; the id and the extension always stay, so
        the names of two definitions still differ.
        """
        return fitted_name(f"{prefix}{self.record_id}-", self.slug, extension)

    @property
    def description(self) -> str | None:
        """Return the definition's ``description`` when it is text."""
        value = self.definition.get("description")
        return value if isinstance(value, str) and value else None

    @property
    def service(self) -> bool:
        """Return whether the definition is a long-running ``service``."""
        return self.definition.get("process_type") == "service"

    @property
    def application(self) -> str | None:
        """Return the ``application`` the process runs on, when there is one."""
        value = self.definition.get("application")
        return value if isinstance(value, str) and value else None

    @property
    def timeout_text(self) -> str | None:
        """Return the timeout in seconds as the definition gives it, for messages."""
        timeout = self.resolution.timeout
        if timeout is None:
            return None
        if isinstance(timeout, float) and timeout.is_integer() and timeout < 1e15:
            return str(int(timeout))
        return repr(timeout)

    def timeout_within(self, notes: Notes, maximum: int, setting: str) -> int | None:
        """Return the timeout rounded up to whole seconds, at most ``maximum``.

        A timeout that is not whole seconds is rounded up, with a warning
        saying so; see :meth:`capped_timeout` for ``maximum``. ``None`` for no
        timeout.
        """
        timeout = self.capped_timeout(notes, maximum, setting)
        if timeout is None:
            return None
        seconds = max(1, math.ceil(timeout))
        if seconds != timeout:
            notes.warn(
                f"the timeout of {self.timeout_text} s is rounded up to {seconds} s:"
                f" {setting} holds whole seconds."
            )
        return seconds

    def capped_timeout(
        self, notes: Notes, maximum: int, setting: str
    ) -> int | float | None:
        """Return the timeout in seconds, at most ``maximum``.

        ``maximum`` is the largest number of seconds the target's ``setting``
        holds, 68 years at the least. A longer timeout is cut to it, with a
        warning saying so. ``None`` for no timeout.
        """
        timeout = self.resolution.timeout
        if timeout is None:
            return None
        if timeout > maximum:
            years = maximum / _YEAR
            notes.warn(
                f"the timeout of {self.timeout_text} s is longer than {setting} can"
                f" hold: it is {maximum} s (about {years:,.0f} years) instead."
            )
            return maximum
        return timeout

    def where(self) -> str:
        """Return how warnings name this definition: its id and label."""
        return f"definition {self.record_id} ({one_line(self.label)})"


@dataclass(slots=True)
class Notes:
    """What a format could not express, said in the file and on standard error."""

    warnings: list[str] = field(default_factory=list)
    """Things the target cannot express: a comment in the file and a warning."""
    remarks: list[str] = field(default_factory=list)
    """How the file carries something, said in a comment only."""

    def warn(self, message: str) -> None:
        """Record something the target cannot express."""
        self.warnings.append(message)

    def remark(self, message: str) -> None:
        """Record a comment for the reader of the file."""
        self.remarks.append(message)


@dataclass(frozen=True, slots=True)
class EngineDocument:
    """One definition exported for a scheduler: a file's name and text."""

    record_id: int
    file_name: str
    text: str
    about: str
    """How warnings name the definition: its id and label."""
    unnamed_warnings: tuple[str, ...]
    """What the format cannot express, for a reader who already knows which
    definition it is."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Return the warnings, each starting with the definition it is about."""
        return tuple(f"{self.about}: {warning}" for warning in self.unnamed_warnings)


@dataclass(frozen=True, slots=True)
class EngineExport:
    """Definitions exported for a scheduler, one document each."""

    documents: tuple[EngineDocument, ...]
    yaml: bool
    """Whether the documents are YAML, so the stream separates them with ``---``."""
    apart: str | None = None
    """Why the stream of several documents is no file the engine reads as
    them all, ``None`` when it is one (a multi-document YAML stream)."""

    @property
    def warnings(self) -> list[str]:
        """Return every warning of every document, in order."""
        return [warning for document in self.documents for warning in document.warnings]

    @property
    def text(self) -> str:
        """Return the documents as one stream.

        A single document is exactly its file. Several are each preceded by a
        line naming the file they would be written to: ``# ==> NAME <==``, and
        for YAML ``--- # ==> NAME <==``, which also starts a YAML document.
        """
        if len(self.documents) == 1:
            return self.documents[0].text
        start = "--- " if self.yaml else ""
        return "".join(
            f"{start}# ==> {document.file_name} <==\n{document.text}"
            for document in self.documents
        )

    def file_text(self) -> str:
        """Return the text of one file holding every document, for ``-o FILE``.

        One document is exactly its file; several are :attr:`text`, which is
        a file of the format only when the documents can share one.

        Raises:
            ExportError: several documents that no one file of the format
                holds; the message says why and what to do instead.
        """
        count = len(self.documents)
        if count > 1 and self.apart is not None:
            raise ExportError(
                f"{count} definitions cannot share one file: {self.apart}; write"
                " each to its own file with -o DIR/"
            )
        return self.text

    def write(self, folder: Path) -> list[Path]:
        """Write each document to its own file in ``folder``; return the paths.

        The files are written all or none (see :func:`write_all_atomically`):
        when one cannot be written, no new file stays and the files that were
        there are left as they were.

        Raises:
            ExportError: ``folder`` is not a folder that can be written, or a
                file cannot be written there.
        """
        if not folder.is_dir():
            raise ExportError(f"cannot write into {folder}: it is not a folder")

        files = [
            (folder / document.file_name, document.text) for document in self.documents
        ]
        write_all_atomically(files)
        return [path for path, _ in files]


Renderer = Callable[[Job, Notes], str]
"""Turns a job into a document's body; records what it cannot express in the notes."""


@dataclass(frozen=True, slots=True)
class EngineFormat:
    """How one scheduler format is written."""

    render: Renderer
    file_name: Callable[[Job], str]
    yaml: bool = False
    first_line: str | None = None
    """A line that must open the file, above the header (``#!``)."""
    application_used: bool = False
    """Whether the format carries ``application`` (else it is a warning)."""
    apart: str | None = None
    """Why several documents of the format cannot share one file, ``None``
    when their stream is one file the engine reads (see
    :meth:`EngineExport.file_text`)."""


def make_job(record: Record, bindings: Mapping[str, str] | None = None) -> Job:
    """Return the job ``record`` becomes, each variable bound.

    A variable takes its value from ``bindings``, else the sample value of
    :func:`procreg_tui.resolve.sample_bindings`.
    """
    definition = record.definition
    samples = sample_bindings(dict(definition))
    values = {**samples, **(bindings or {})}
    used = {name: values[name] for name in samples}
    return Job(
        record_id=record.id,
        resource_uri=record.resource_uri,
        definition=definition,
        resolution=resolve(dict(definition), values),
        bindings=used,
        wiring=wiring(dict(definition), values),
        given=frozenset(used.keys() & dict(bindings or {}).keys()),
    )


def export_documents(
    records: Sequence[Record],
    engine: EngineFormat,
    bindings: Mapping[str, str] | None = None,
) -> EngineExport:
    """Return ``records`` exported with ``engine``, one document each.

    Raises:
        ExportError: definitions hold something the format cannot carry at
            all; the message has one line for each, naming the definition and
            the field.
    """
    documents = []
    refusals = []
    for record in records:
        job = make_job(record, bindings)
        notes = Notes()
        common_notes(job, notes, application_used=engine.application_used)
        try:
            body = engine.render(job, notes)
        except ExportError as error:
            refusals.append(str(error))
            continue
        text = header(job, notes) + body
        if engine.first_line is not None:
            text = f"{engine.first_line}\n{text}"
        documents.append(
            EngineDocument(
                job.record_id,
                engine.file_name(job),
                text,
                job.where(),
                tuple(notes.warnings),
            )
        )
    if refusals:
        raise ExportError("\n".join(refusals))
    return EngineExport(tuple(documents), engine.yaml, engine.apart)


def common_notes(job: Job, notes: Notes, *, application_used: bool) -> None:
    """Record what no scheduler format carries: unknown adapters, TCP, pipes."""
    if job.application is not None and not application_used:
        notes.warn(
            f"application {one_line(job.application)} is not carried: deploy it"
            " where the job runs."
        )
    for adapter in (job.wiring.input, job.wiring.output):
        if adapter is not None:
            _adapter_notes(adapter, notes)


def _adapter_notes(adapter: WiringAdapter, notes: Notes) -> None:
    """Record what the job does not do for one adapter."""
    direction = adapter.direction
    if not adapter.known:
        kind = one_line(adapter.kind) if adapter.kind else "with no kind"
        notes.warn(
            f"the {direction} adapter {kind} is unknown to procreg: nothing"
            " connects it."
        )
    elif adapter.kind == "tcp":
        port = dict(adapter.details).get("port", "?")
        notes.warn(
            f"the input arrives on TCP port {port}: nothing here sends it; the"
            " process must be fed by the bus."
        )
    elif adapter.kind == "pipe":
        notes.warn(
            f"the {direction} named pipe {one_line(adapter.path or '?')} is not"
            " created: make it with mkfifo before the job starts."
        )


def header(job: Job, notes: Notes) -> str:
    """Return the comment lines that open every document of ``job``."""
    lines = [f"{one_line(job.label)}: exported by procreg from {job.resource_uri}."]
    if job.description is not None:
        lines.append(one_line(job.description))
    for name, value in job.bindings.items():
        lines.append(f"${{{name}}} = {one_line(value)}")
    lines += [f"WARNING: {warning}" for warning in notes.warnings]
    lines += notes.remarks
    return "".join(f"# {line}\n" for line in lines)


def one_line(text: str) -> str:
    """Return ``text`` with control characters and line breaks escaped."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    """Return the escape of one control character or line separator."""
    character = match.group()
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(character)
    if named is not None:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def yaml_scalar(value: str | int | bool) -> str:
    """Return ``value`` as a YAML flow scalar that reads back as exactly it.

    JSON text is YAML; the controls JSON leaves raw are escaped too, since
    YAML does not allow them unescaped.
    """
    # TODO: a lone surrogate (possible in JSON text, not in UTF-8) is kept raw,
    # so writing the document fails; YAML has no escape for it either.
    return json_safe(json.dumps(value, ensure_ascii=False))
