"""Reading definition files: text or bytes in, a located :class:`Document` out."""

from __future__ import annotations

import codecs
import json
import os
import re
from typing import IO, AnyStr

from procreg_tui.definition.errors import DefinitionError
from procreg_tui.definition.parser import (
    MAX_DEPTH,
    LineIndex,
    ParseResult,
    deeper_than,
    parse,
)
from procreg_tui.definition.problems import JsonPath, Problem, Severity

_JSON_SPACE = " \t\r\n"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")

_BYTE_ORDER_MARKS = (
    # UTF-32 first: its little-endian mark begins with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class _NotStrictJsonError(ValueError):
    """Raised by the strict reader's hooks for what only the lenient reader explains."""


class Document:
    """What was read from one text: its JSON value and the problems of the text.

    A document answers where each value of its JSON starts, so that problems
    found later in a definition can be shown at their line and column.
    """

    def __init__(
        self,
        origin: str,
        text: str,
        value: object,
        problems: list[Problem],
        parsed: ParseResult | None = None,
    ) -> None:
        self.origin = origin
        """The file name, or ``<string>`` for text that came from elsewhere."""
        self.text = text
        """The text that was read, without a byte order mark."""
        self.value = value
        """The parsed JSON value; ``None`` when the text could not be parsed."""
        self.problems = problems
        """Problems of the text itself: syntax, trailing commas, duplicate keys."""
        self._parsed = parsed
        self._lines: LineIndex | None = None

    def __repr__(self) -> str:
        return f"Document(origin={self.origin!r}, problems={len(self.problems)})"

    def locate(self, path: JsonPath, *, key: bool = False) -> tuple[int, int] | None:
        """Return the line and column where the value at ``path`` starts.

        With ``key``, return the place of the key of that object member instead
        (for problems with the key itself, such as an unknown key). Returns
        ``None`` when the text holds nothing at ``path``.
        """
        if self._parsed is None:
            self._parsed = parse(self.text)
        offsets = self._parsed.key_offsets if key else self._parsed.value_offsets
        offset = offsets.get(path)
        if offset is None:
            return None

        return self.position(offset)

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of the character at ``offset``."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.position(offset)

    def definitions(self) -> list[tuple[JsonPath, object]]:
        """Return the definitions the document holds, each with its path.

        A single object is one definition at ``()``; an array holds one per
        item at ``(i,)``; the registry's list document holds one per entry of
        ``objects`` at ``("objects", i, "definition")``. A document that could
        not be parsed, or holds a scalar, holds none.
        """
        value = self.value
        if isinstance(value, list):
            return [((index,), item) for index, item in enumerate(value)]
        if not isinstance(value, dict) or _broken_list_document(value):
            return []
        if not is_list_document(value):
            return [((), value)]

        found: list[tuple[JsonPath, object]] = []
        for index, entry in enumerate(value["objects"]):
            if isinstance(entry, dict) and "definition" in entry:
                found.append((("objects", index, "definition"), entry["definition"]))
        return found


def is_list_document(value: object) -> bool:
    """Return whether ``value`` has the shape of the registry's list document."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("objects"), list)
        and "exec" not in value
    )


def _broken_list_document(value: dict[str, object]) -> bool:
    """Return whether ``value`` is the list document's frame, ``meta`` and
    ``objects``, around something other than an array of entries."""
    return (
        "meta" in value
        and "objects" in value
        and "exec" not in value
        and not isinstance(value["objects"], list)
    )


def load_text(text: str, origin: str = "<string>") -> Document:
    """Read the JSON in ``text`` into a :class:`Document`.

    Trailing commas are accepted with a warning; any other syntax error, a
    duplicate key, a number out of range, nesting over 200 levels or a
    top-level value that holds no definition is a problem of the document,
    placed at its line and column. Never raises for any text.
    """
    problems: list[Problem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        problems.append(
            Problem(
                Severity.INFO,
                (),
                "the text starts with a byte order mark, which JSON does not need",
                "byte-order-mark",
                1,
                1,
            )
        )

    if not text.strip(_JSON_SPACE):
        problems.append(
            Problem(
                Severity.ERROR,
                (),
                "the text is empty; a definition is a JSON object such as "
                '{"exec": "/usr/bin/true"}',
                "empty",
                1,
                1,
            )
        )
        return Document(origin, text, None, problems)

    parsed: ParseResult | None = None
    try:
        value = _strict_loads(text)
    except (ValueError, RecursionError):
        parsed = parse(text)
        value = parsed.value

    document = Document(origin, text, value, problems, parsed)
    if parsed is not None:
        for note in parsed.notes:
            line, column = document.position(note.offset)
            problems.append(
                Problem(note.severity, note.path, note.message, note.code, line, column)
            )
        if not parsed.complete:
            return document

    if _SURROGATE_ESCAPE.search(text):
        problems.extend(_surrogate_problems(document))
    problems.extend(_shape_problems(document))
    return document


def load_bytes(data: bytes, origin: str = "<bytes>") -> Document:
    """Decode ``data`` and read it like :func:`load_text`.

    UTF-8 is expected; a byte order mark is accepted, and UTF-16 or UTF-32
    with a byte order mark is decoded, each with a note. Bytes that are not
    valid UTF-8 give one error placed at their line and column. Never raises
    for any bytes.
    """
    mark, encoding = next(
        (found for found in _BYTE_ORDER_MARKS if data.startswith(found[0])),
        (b"", "utf-8"),
    )

    body = data[len(mark) :]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        return _undecodable(body, len(mark), encoding, error, origin)

    if not mark and len(data) >= 2 and 0 in data[:2]:
        return Document(
            origin,
            text,
            None,
            [
                Problem(
                    Severity.ERROR,
                    (),
                    "the file looks like UTF-16 or UTF-32 without a byte order "
                    "mark; save it as UTF-8",
                    "encoding",
                    1,
                    1,
                )
            ],
        )

    document = load_text(text, origin)
    if mark == codecs.BOM_UTF8:
        note = "the file starts with a UTF-8 byte order mark, which JSON does not need"
    elif mark:
        name = encoding[:6].upper()
        note = f"the file is {name}; procreg reads it, and writes UTF-8"
    if mark:
        document.problems.insert(
            0, Problem(Severity.INFO, (), note, "byte-order-mark", 1, 1)
        )
    return document


def load_file(path: str | os.PathLike[str]) -> Document:
    """Read the definition file at ``path`` like :func:`load_bytes`.

    Raises:
        DefinitionError: the file cannot be read (missing, a directory, no
            permission) or is larger than :data:`MAX_TEXT_BYTES`; its content
            never raises.
    """
    try:
        with open(path, "rb") as handle:
            data = read_bounded(handle, os.fspath(path))
    except OSError as error:
        reason = error.strerror or str(error)
        raise DefinitionError(f"cannot read {os.fspath(path)}: {reason}") from error

    return load_bytes(data, os.fspath(path))


MAX_TEXT_BYTES = 256 * 1024 * 1024
"""The most procreg reads of one definition file or of standard input: more
than twice a registry of 100,000 definitions exported, and far less than a
login node's memory. ``/dev/zero`` or an endless pipe stop here."""


def read_bounded(handle: IO[AnyStr], origin: str) -> AnyStr:
    """Return everything ``handle`` holds, up to :data:`MAX_TEXT_BYTES` bytes
    (characters, for a text stream).

    Raises:
        DefinitionError: there is more; the message names ``origin``.
        OSError: reading failed.
    """
    data = handle.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise too_large(origin)
    return data


def too_large(origin: str) -> DefinitionError:
    """Return the error for a text at ``origin`` over :data:`MAX_TEXT_BYTES`."""
    return DefinitionError(
        f"{origin} holds more than {MAX_TEXT_BYTES // 2**20} MiB, the most "
        "procreg reads at once; split the definitions over several files"
    )


def _strict_loads(text: str) -> object:
    """Parse strict JSON fast; raise ``ValueError`` for anything to explain.

    Duplicate keys, numbers out of range, NaN and nesting deeper than the
    lenient reader allows all raise, so that the lenient reader runs and
    reports them with their place.
    """
    value = json.loads(
        text,
        object_pairs_hook=_unique_pairs,
        parse_float=_finite_float,
        parse_constant=_refuse_constant,
    )
    # Every level of nesting opens a bracket, so few brackets mean no deep nesting.
    if text.count("[") + text.count("{") > MAX_DEPTH and deeper_than(value, MAX_DEPTH):
        raise _NotStrictJsonError("nested too deep")
    return value


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _NotStrictJsonError("duplicate key")
    return members


def _finite_float(token: str) -> float:
    number = float(token)
    if number in (float("inf"), float("-inf")):
        raise _NotStrictJsonError("number out of range")
    return number


def _refuse_constant(token: str) -> object:
    raise _NotStrictJsonError(f"{token} is not JSON")


def _surrogate_problems(document: Document) -> list[Problem]:
    """Return an error for each key or string holding an unpaired surrogate.

    JSON lets ``\\ud800`` be written alone, but it is half of a character and
    cannot be stored as UTF-8; paired escapes decode to one character.
    """
    problems = []
    pending: list[tuple[JsonPath, object]] = [((), document.value)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and _SURROGATE.search(value):
            problems.append(_surrogate_problem(document, path, key=False))
        elif isinstance(value, dict):
            for key, member in value.items():
                if _SURROGATE.search(key):
                    problems.append(
                        _surrogate_problem(document, (*path, key), key=True)
                    )
                pending.append(((*path, key), member))
        elif isinstance(value, list):
            pending.extend(((*path, index), item) for index, item in enumerate(value))
    return problems


def _surrogate_problem(document: Document, path: JsonPath, *, key: bool) -> Problem:
    place = document.locate(path, key=key) or (None, None)
    what = "key" if key else "string"
    return Problem(
        Severity.ERROR,
        path,
        f"this {what} holds an unpaired surrogate escape (\\uD800 to \\uDFFF), "
        "which is half of a character and cannot be stored; write the whole "
        "character or its escaped pair",
        "unpaired-surrogate",
        *place,
    )


def _shape_problems(document: Document) -> list[Problem]:
    """Return the problems of a parsed document's top-level shape."""
    value = document.value
    if isinstance(value, list):
        if value:
            return []
        return [
            Problem(
                Severity.WARNING,
                (),
                "the array holds no definitions",
                "no-definitions",
                *_start(document, ()),
            )
        ]

    if not isinstance(value, dict):
        return [
            Problem(
                Severity.ERROR,
                (),
                "a definition is a JSON object in { }, and a file holds one "
                f"definition or an array of them; this text holds {_kind(value)}",
                "not-an-object",
                *_start(document, ()),
            )
        ]

    if _broken_list_document(value):
        return [
            Problem(
                Severity.ERROR,
                ("objects",),
                '`objects` of a list document is an array of {"definition": '
                f"{{...}}, ...}} entries, not {_kind(value['objects'])}",
                "not-a-list-document",
                *_start(document, ("objects",)),
            )
        ]
    if not is_list_document(value):
        return []
    problems = []
    for index, entry in enumerate(value["objects"]):
        if not (isinstance(entry, dict) and "definition" in entry):
            path: JsonPath = ("objects", index)
            problems.append(
                Problem(
                    Severity.ERROR,
                    path,
                    f"entry {index} of `objects` has no `definition`; each entry "
                    'of a list document is {"definition": {...}, ...}',
                    "not-a-definition",
                    *_start(document, path),
                )
            )
    return problems


def _start(document: Document, path: JsonPath) -> tuple[int | None, int | None]:
    place = document.locate(path)
    return place if place is not None else (None, None)


def _kind(value: object) -> str:
    """Name the JSON type of ``value`` with an article, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"the number {json.dumps(value)}"
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        return f"the string {shown if len(shown) <= 40 else shown[:37] + '...'}"
    if isinstance(value, dict):
        return "an object"
    return "something else"


def _undecodable(
    body: bytes, skipped: int, encoding: str, error: UnicodeDecodeError, origin: str
) -> Document:
    """Return a document holding one error for a ``body`` that does not decode.

    ``skipped`` is the length of the byte order mark before ``body``.
    """
    start = error.start
    prefix = body[:start].decode(encoding)
    line, column = LineIndex(prefix).position(len(prefix))
    offset = skipped + start
    if encoding == "utf-8":
        byte = body[start : start + 1].hex().upper()
        message = (
            f"the file is not valid UTF-8: byte 0x{byte} at byte offset {offset} "
            "cannot be decoded; save the file as UTF-8"
        )
    else:
        name = encoding[:6].upper()
        message = (
            f"the file has a {name} byte order mark but is not valid {name} at "
            f"byte offset {offset}; save the file as UTF-8"
        )
    return Document(
        origin,
        prefix,
        None,
        [Problem(Severity.ERROR, (), message, "encoding", line, column)],
    )
