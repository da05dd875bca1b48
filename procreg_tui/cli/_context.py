"""What a command runs with: its streams, environment, options and registry."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from procreg_tui.cli._streams import StreamError
from procreg_tui.cli._text import printable, printable_lines
from procreg_tui.export._json import dumps_pretty
from procreg_tui.registry import (
    ENVIRONMENT_VARIABLE,
    Registry,
    open_registry,
    resolve_path,
)
from procreg_tui.remote import remote_registry


@dataclass
class Context:
    """The streams, environment and parsed options one command runs with."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str]
    options: argparse.Namespace
    _registry: Registry | None = field(default=None, init=False)
    _new_file: Path | None = field(default=None, init=False)
    """The registry file, when it did not exist before this command."""
    _answered: bool = field(default=False, init=False)
    """Whether the JSON answer has been written to standard output."""

    def registry_path(self) -> Path:
        """Return the registry file: ``--db``, else ``PROCREG_DB``, else the default."""
        return resolve_path(self.options.db, self.environ)

    def registry_source(self) -> str:
        """Return what chose the registry: ``--db``, ``PROCREG_DB`` or ``default``."""
        if self.options.db:
            return "--db"
        if self.environ.get(ENVIRONMENT_VARIABLE):
            return ENVIRONMENT_VARIABLE
        return "default"

    def registry(self) -> Registry:
        """Return the registry this command works on, opened on first use.

        The default registry is created with the examples on first use, unless
        ``--read-only`` is given. A registry that opens read-only although
        ``--read-only`` was not given is reported on standard error.

        Raises:
            RegistryError: the registry cannot be opened.
        """
        if self._registry is None:
            self._registry = remote_registry(
                self.options, self.environ, self.stdin, self.stderr
            )
        if self._registry is None:
            read_only = bool(self.options.read_only)
            path = self.registry_path()
            self._new_file = None if path.exists() else path
            self._registry = open_registry(
                self.options.db, self.environ, read_only=read_only
            )
            if self._registry.read_only and not read_only:
                reason = self._registry.read_only_reason or "it cannot be written"
                self.tell(f"the registry {self._registry.path} is read-only: {reason}")
        return self._registry

    def close(self) -> None:
        """Close the registry if this command opened it; say if it made the file.

        A registry file appears on the first change, so a mistyped ``--db``
        would otherwise start a new registry, or read an empty one, without a
        word.
        """
        if self._registry is not None:
            self._registry.close()
            self._registry = None
        if self._new_file is not None:
            if self._new_file.exists():
                self.tell(f"created the registry {self._new_file}")
            else:
                self.tell(
                    f"no registry at {self._new_file} yet: the first import or "
                    "change creates it"
                )
            self._new_file = None

    def write(self, line: str) -> None:
        """Write one line of data, made safe for a terminal, to standard output."""
        self.stdout.write(printable(line) + "\n")

    def write_lines(self, lines: Iterable[str]) -> None:
        """Write lines of data as :meth:`write` does, in one write."""
        self.stdout.write("".join(f"{printable(line)}\n" for line in lines))

    def write_text(self, text: str) -> None:
        """Write ``text`` to standard output as it is, unless that is a terminal.

        Data such as a command line must reach a pipe or a file byte for byte;
        a terminal gets it with control characters escaped, new lines kept.
        """
        if _is_terminal(self.stdout):
            text = printable_lines(text)
        self.stdout.write(text)

    def write_json(self, value: Any) -> None:
        """Write ``value`` as indented JSON, the answer of a command to ``--json``."""
        self.stdout.write(dumps_pretty(value) + "\n")
        self._answered = True

    def answer_failure(self, message: str, **details: Any) -> None:
        """Answer ``{"error": message, **details}`` when ``--json`` was asked for.

        A program that asked for JSON gets JSON on failure too; the message
        goes to standard error as well, by :meth:`tell` or the caller. Nothing
        is written when the command has answered already or ``--json`` was
        not given.
        """
        if getattr(self.options, "json", False) and not self._answered:
            try:
                self.write_json({"error": message, **details})
            except StreamError as error:
                self.tell(str(error))

    def tell(self, message: str) -> None:
        """Write ``procreg: message`` to standard error, made safe for a terminal.

        A message of several lines (a refusal and the problems it lists) keeps
        them; each line is made safe on its own.
        """
        first, *more = message.split("\n")
        self.stderr.write(f"procreg: {printable(first)}\n")
        for line in more:
            self.stderr.write(printable(line) + "\n")

    def report(self, line: str) -> None:
        """Write one line, such as a located problem, to standard error."""
        self.stderr.write(printable(line) + "\n")


def _is_terminal(stream: TextIO) -> bool:
    """Return whether ``stream`` is a terminal; closed or odd streams are not."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
