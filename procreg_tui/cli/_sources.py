"""Definitions read from files or standard input, with their problems."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from procreg_tui.definition import (
    Document,
    JsonPath,
    Problem,
    Severity,
    is_list_document,
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
    if _is_registry_file(document.value):
        source.problems.append(_registry_file_problem(origin, document))
        return source
    page = _page_problem(document)
    if page is not None:
        source.problems.append(page)
    for path, value in document.definitions():
        where, definition = _unwrapped(path, value)
        problems = validate(definition, document=document, base_path=where)
        source.found.append(Found(where, definition, problems))

    return source


_RECORD_KEYS = frozenset(
    {
        "id",
        "resource_uri",
        "revision",
        "owner",
        "created",
        "updated",
        "updated_by",
        "deleted",
        "problems",
        "valid",
    }
)
"""What the original HTTP API and ``procreg show --json`` put beside a
record's ``definition``."""


def _unwrapped(path: JsonPath, value: object) -> tuple[JsonPath, object]:
    """Return the definition ``value`` holds as the original HTTP API wraps one.

    A POST body, ``{"definition": {...}}``, and a record as ``GET
    /api/process_definition/ID/`` or ``procreg show --json`` give it (the
    definition beside ``id``, ``resource_uri`` and the like) hold their
    definition under ``definition``, as the entries of the list document do.
    Anything else is a definition itself.
    """
    if (
        isinstance(value, dict)
        and isinstance(value.get("definition"), dict)
        and value.keys() - {"definition"} <= _RECORD_KEYS
    ):
        return (*path, "definition"), value["definition"]
    return path, value


_LIST_PATH = "/api/process_definition/"
"""Where the original HTTP API lists the definitions."""


def _page_problem(document: Document) -> Problem | None:
    """Return a warning when ``document`` is one page of a longer list, else ``None``.

    The original HTTP API answers 20 definitions at a time; its ``meta`` says
    how many there are in all and where the next page is. A page saved and
    imported as it is would silently leave the others out.
    """
    value = document.value
    if not isinstance(value, dict) or not is_list_document(value):
        return None
    meta = value.get("meta")
    if not isinstance(meta, dict):
        return None
    held = len(value["objects"])
    total = meta.get("total_count")
    if isinstance(total, bool) or not isinstance(total, int):
        total = None
    pages = [key for key in ("next", "previous") if isinstance(meta.get(key), str)]
    if not pages and (total is None or total <= held):
        return None

    if total is not None:
        share = f"{held} of the {total} definitions of its list"
    else:
        share = f"{held} definitions of a longer list"
    offset = meta.get("offset")
    if isinstance(offset, int) and not isinstance(offset, bool) and offset > 0:
        share += f", from offset {offset}"
    problem = Problem(
        Severity.WARNING,
        ("meta", pages[0] if pages else "total_count"),
        f"this page holds {share}; fetch them all at once with ?limit=0, "
        f"as in {_whole_list(meta[pages[0]] if pages else _LIST_PATH)}",
        "partial-list",
    )
    place = document.locate(problem.path)
    return problem.at(*place) if place else problem


def _whole_list(page: str) -> str:
    """Return the address of the whole list, from the address of one page."""
    parts = urlsplit(page)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path or _LIST_PATH, "limit=0", "")
    )


def _is_registry_file(value: object) -> bool:
    """Return whether ``value`` is procreg's own registry file (TinyDB tables)."""
    if not isinstance(value, dict) or not isinstance(value.get("definitions"), dict):
        return False
    return value.keys() <= {"definitions", "meta"} and all(
        isinstance(table, dict)
        and all(isinstance(document, dict) for document in table.values())
        for table in value.values()
    )


def _registry_file_problem(origin: str, document: Document) -> Problem:
    """Return the error that ``origin`` is a registry file, saying how to use it."""
    name = "FILE" if origin == STDIN_NAME else shlex.quote(origin)
    problem = Problem(
        Severity.ERROR,
        (),
        "this is a registry file of procreg, not definitions: to import what "
        f"it holds, export it first ('procreg --db {name} export -o "
        "definitions.json', then import definitions.json), or use it as it is "
        f"with --db {name}",
        "registry-file",
    )
    place = document.locate(())
    return problem.at(*place) if place else problem


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
        where, definition = _unwrapped((), document.value)
        found = validate(definition, document=document, base_path=where)
        problems = [placed(problem) for problem in found]
        source.found.append(Found((index, *where), definition, problems))
    return source
