"""Definitions read from files or standard input, with their problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from procreg_tui.definition import (
    Document,
    JsonPath,
    Problem,
    load_bytes,
    load_file,
    load_text,
    sort_problems,
    validate,
)
from procreg_tui.definition.document import read_bounded

STDIN_NAME = "<stdin>"
"""How standard input is named in messages."""


@dataclass
class Found:
    """One definition found in a source, with the path it sits at and its problems."""

    path: JsonPath
    definition: Any
    problems: list[Problem]


@dataclass
class Source:
    """A file (or standard input) and what was read from it."""

    origin: str
    """The name messages use: the path as given, or ``<stdin>``."""
    problems: list[Problem] = field(default_factory=list)
    """Problems of the text as a whole: syntax errors, trailing commas, a
    top-level value that is no definition."""
    found: list[Found] = field(default_factory=list)

    def all_problems(self) -> list[Problem]:
        """Return the problems of the text and of every definition, in text order."""

        everything = list(self.problems)
        for item in self.found:
            everything.extend(item.problems)
        return sort_problems(everything)


def read_source(name: str, stdin: TextIO) -> Source:
    """Return the definitions of file ``name`` (``-``: ``stdin``), each validated.

    A text that is not one JSON value but holds one JSON object per line
    (newline-delimited JSON, as ``procreg export --format ndjson`` writes) is
    read line by line; the problems keep their lines in the whole text and
    each definition gets the path ``[i]``.

    Raises:
        DefinitionError: the file cannot be read.
    """

    origin = STDIN_NAME if name == "-" else name
    if name == "-":
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            document = load_bytes(read_bounded(buffer, STDIN_NAME), STDIN_NAME)
        else:
            document = load_text(read_bounded(stdin, STDIN_NAME), STDIN_NAME)
    else:
        document = load_file(Path(name))

    if document.value is None:
        lines = _json_lines(document)
        if lines is not None:
            return _source_from_lines(origin, lines)
    return _source_from_document(origin, document)


def _source_from_document(origin: str, document: Document) -> Source:
    """Return the source of one parsed document, every definition validated."""

    source = Source(origin, problems=list(document.problems))
    for path, definition in document.definitions():
        problems = validate(definition, document=document, base_path=path)
        source.found.append(Found(path, definition, problems))

    return source


def _json_lines(document: Document) -> list[tuple[int, Document]] | None:
    """Return each line of a newline-delimited JSON text with its line number.

    Returns ``None`` when the text is not newline-delimited JSON: fewer than
    two lines that hold something, or one that does not start a JSON object.
    A line that starts one but does not parse is kept, with its problems, so
    that they are reported at their own line. Lines end at a line feed only:
    U+2028 and the like may stand raw inside a JSON string (``jq -c`` writes
    them so).
    """

    lines: list[tuple[int, Document]] = []
    for number, line in enumerate(document.text.split("\n"), start=1):
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            return None
        lines.append((number, load_text(line.removesuffix("\r"), document.origin)))
    return lines if len(lines) > 1 else None


def _source_from_lines(origin: str, lines: list[tuple[int, Document]]) -> Source:
    """Return the source of a newline-delimited JSON text, problems placed in it."""

    source = Source(origin)
    for index, (number, document) in enumerate(lines):
        shift = number - 1

        def placed(problem: Problem, shift: int = shift, index: int = index) -> Problem:
            line = problem.line + shift if problem.line is not None else None
            return problem.under((index,)).at(line, problem.column)

        source.problems.extend(placed(problem) for problem in document.problems)
        if document.value is None:
            continue
        problems = [placed(p) for p in validate(document.value, document=document)]
        source.found.append(Found((index,), document.value, problems))
    return source
