"""A lenient JSON reader that remembers where every key and value starts.

It accepts exactly the JSON of RFC 8259 plus trailing commas (reported as
warnings), reports duplicate keys, and stops at the first other syntax error
with a plain message. It never recurses, so no nesting exhausts the stack.

Strict text is first read by ``json.loads`` (see ``document``); this reader
runs only for text that fails there, or when a position is asked for.
"""

# TODO: this reader takes about 15-20 times as long as json.loads (some 90 µs
# per definition of a registry file), which is fine for one definition but
# about a second for the first located problem of a 10,000-definition file.

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from procreg_tui.definition.problems import JsonPath, Severity

MAX_DEPTH = 200
"""Arrays and objects nested deeper than this are refused; no definition needs it."""

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_ESCAPED_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_NUMBER_TOKEN = re.compile(r"[-+]?(?:[0-9]|\.[0-9])[0-9A-Za-z.+\-]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPENERS = ("{", "[")
_CONTAINERS = (dict, list)
_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}
_NOT_JSON_WORDS = {
    "NaN": "NaN is not JSON; write null or a string instead",
    "Infinity": "Infinity is not JSON; write a finite number or a string instead",
    "True": "True is not JSON; write true",
    "False": "False is not JSON; write false",
    "None": "None is not JSON; write null",
    "undefined": "undefined is not JSON; write null",
}


@dataclass(frozen=True, slots=True)
class Note:
    """A problem found while reading, placed at a character offset."""

    severity: Severity
    path: JsonPath
    message: str
    code: str
    offset: int


@dataclass(slots=True)
class ParseResult:
    """What :func:`parse` read from a text."""

    value: object
    """The JSON value, or ``None`` when a syntax error stopped the reading."""
    complete: bool
    """Whether the whole text was read without a syntax error."""
    notes: list[Note] = field(default_factory=list)
    value_offsets: dict[JsonPath, int] = field(default_factory=dict)
    """Offset of the first character of the value at each path."""
    key_offsets: dict[JsonPath, int] = field(default_factory=dict)
    """Offset of the opening quote of the key of each object member."""


class LineIndex:
    """Turns character offsets of a text into 1-based lines and columns."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the line and column of ``offset``, both counted from 1."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def deeper_than(value: object, limit: int) -> bool:
    """Return whether arrays and objects in ``value`` nest more than ``limit`` deep.

    Walks level by level without recursion, so any depth is safe to ask about.
    """
    level: list[dict[Any, Any] | list[Any]] = (
        [value] if isinstance(value, _CONTAINERS) else []
    )
    for _ in range(limit):
        if not level:
            return False
        members: list[object] = []
        for item in level:
            members += item.values() if isinstance(item, dict) else item
        level = [member for member in members if isinstance(member, _CONTAINERS)]
    return bool(level)


class _Frame:
    """An array or object being read."""

    __slots__ = ("closer", "container", "key", "key_offsets", "offset", "path")

    def __init__(
        self, path: JsonPath, offset: int, container: dict[str, object] | list[object]
    ) -> None:
        self.path = path
        self.offset = offset
        self.container = container
        self.closer = "}" if isinstance(container, dict) else "]"
        self.key = ""
        self.key_offsets: dict[str, int] = {}


class _StopError(Exception):
    """Raised inside the reader at the first syntax error."""


def parse(text: str) -> ParseResult:
    """Read the JSON value in ``text``, with every problem and position.

    Returns a result whose ``value`` is ``None`` and ``complete`` false when a
    syntax error stopped the reading; the notes then end with that error. Never
    raises for any text.
    """
    reader = _Reader(text)
    try:
        reader.read()
    except _StopError:
        reader.result.value = None
        reader.result.complete = False

    return reader.result


def _skip(text: str, pos: int) -> int:
    """Return the offset of the first non-space character at or after ``pos``."""
    match = _WHITESPACE.match(text, pos)
    assert match is not None, "the whitespace pattern matches the empty string"
    return match.end()


def _quoted(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


class _Reader:
    """The state of one reading: the text, the position and the open containers."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.result = ParseResult(value=None, complete=True)
        self.lines: LineIndex | None = None
        self.stack: list[_Frame] = []

    def read(self) -> None:  # noqa: PLR0915 - one loop, no calls per token: fast
        """Read the whole text into ``self.result``; raise ``_StopError`` on error.

        One loop reads a value, then closes every container that ends after
        it, then moves to the next member; only the unusual cases (escapes,
        numbers, errors) leave the loop for a method.
        """
        text = self.text
        stack = self.stack
        value_offsets = self.result.value_offsets
        plain_string = _PLAIN_STRING.match
        spaces = _WHITESPACE.match
        pos = _skip(text, 0)
        path: JsonPath = ()

        while True:
            value_offsets[path] = pos
            char = text[pos : pos + 1]
            value: object
            if char == '"':
                plain = plain_string(text, pos)
                if plain:
                    value, pos = plain.group(1), plain.end()
                else:
                    value, pos = self.string(path, pos)
            elif char in _OPENERS:
                opened = self.open(path, pos)
                if opened is None:
                    value, pos = stack.pop().container, _skip(text, pos + 1) + 1
                else:
                    pos, path = opened
                    continue
            else:
                value, pos = self.scalar(path, pos)

            while stack:
                frame = stack[-1]
                container = frame.container
                if isinstance(container, dict):
                    container[frame.key] = value
                else:
                    container.append(value)

                space = spaces(text, pos)
                pos = space.end() if space else pos
                char = text[pos : pos + 1]
                if char == ",":
                    space = spaces(text, pos + 1)
                    after = space.end() if space else pos + 1
                    if text.startswith(frame.closer, after):
                        self.note(
                            Severity.WARNING,
                            frame.path,
                            pos,
                            f"trailing comma after the last {self.member(frame)}; "
                            "JSON does not allow it",
                            "trailing-comma",
                        )
                        stack.pop()
                        value, pos = container, after + 1
                        continue
                    if isinstance(container, dict):
                        pos, path = self.key(frame, after, first=False)
                    else:
                        pos, path = after, (*frame.path, len(container))
                        space = spaces(text, pos)
                        pos = space.end() if space else pos
                    break
                if char == frame.closer:
                    stack.pop()
                    value, pos = container, pos + 1
                    continue
                self.fail_here(
                    frame.path,
                    pos,
                    f"expected ',' or '{frame.closer}' after {self.latest(frame)}",
                )
            else:
                break

        self.result.value = value
        pos = _skip(text, pos)
        if pos < len(text):
            self.fail(
                (),
                pos,
                f"unexpected {self.shown(pos)} after the end of the JSON value; a "
                "file holds one value (put several definitions in an array)",
                "syntax",
            )

    def open(self, path: JsonPath, pos: int) -> tuple[int, JsonPath] | None:
        """Open the array or object at ``pos``, which is pushed on the stack.

        Returns the offset and path of its first member's value, or ``None``
        when it is empty (its closing bracket follows, after any spaces).
        """
        if len(self.stack) >= MAX_DEPTH:
            self.fail(
                path,
                pos,
                f"arrays and objects are nested more than {MAX_DEPTH} levels deep "
                "here; procreg refuses such nesting",
                "too-deep",
            )
        text = self.text
        is_object = text[pos] == "{"
        frame = _Frame(path, pos, {} if is_object else [])
        self.stack.append(frame)

        pos = _skip(text, pos + 1)
        if text.startswith(frame.closer, pos):
            return None
        if is_object:
            return self.key(frame, pos, first=True)
        return pos, (*path, 0)

    def key(self, frame: _Frame, pos: int, *, first: bool) -> tuple[int, JsonPath]:
        """Read the key at ``pos`` and its colon; return its value's offset and path."""
        text = self.text
        if not text.startswith('"', pos):
            expected = (
                "expected a key in double quotes or '}'"
                if first
                else "expected a key in double quotes after ','"
            )
            word = _WORD.match(text, pos)
            if word and word.group() not in _LITERALS:
                self.fail(
                    frame.path,
                    pos,
                    "object keys must be in double quotes: write "
                    + _quoted(word.group()),
                    "syntax",
                )
            self.fail_here(frame.path, pos, expected)

        key, end = self.string(frame.path, pos)
        path = (*frame.path, key)
        earlier = frame.key_offsets.get(key)
        if earlier is not None:
            first_line, first_column = self.position(earlier)
            line, column = self.position(pos)
            self.note(
                Severity.ERROR,
                path,
                pos,
                f"duplicate key {_quoted(key)}: first at line {first_line}, column "
                f"{first_column}, again at line {line}, column {column}; JSON "
                "readers disagree on which one counts, so remove one",
                "duplicate-key",
            )
        frame.key_offsets[key] = pos
        frame.key = key
        self.result.key_offsets[path] = pos

        end = _skip(text, end)
        if not text.startswith(":", end):
            self.fail_here(path, end, f"expected ':' after the key {_quoted(key)}")

        return _skip(text, end + 1), path

    def scalar(self, path: JsonPath, pos: int) -> tuple[object, int]:
        """Read the string, number or literal at ``pos``; return it and the end."""
        text = self.text
        char = text[pos : pos + 1]
        if char == '"':
            return self.string(path, pos)

        number = _NUMBER_TOKEN.match(text, pos)
        if number:
            return self.number(path, pos, number.group()), number.end()

        word = _WORD.match(text, pos)
        if word:
            name = word.group()
            if name in _LITERALS:
                return _LITERALS[name], word.end()
            message = _NOT_JSON_WORDS.get(
                name,
                f"unexpected word {name!r}; strings must be in double quotes",
            )
            self.fail(path, pos, message, "syntax")

        if text.startswith("-Infinity", pos):
            self.fail(
                path,
                pos,
                "-Infinity is not JSON; write a finite number or a string instead",
                "syntax",
            )
        self.fail_here(path, pos, "expected a value")

    def string(self, path: JsonPath, pos: int) -> tuple[str, int]:
        """Read the string whose opening quote is at ``pos``."""
        text = self.text
        plain = _PLAIN_STRING.match(text, pos)
        if plain:
            return plain.group(1), plain.end()

        escaped = _ESCAPED_STRING.match(text, pos)
        if escaped:
            value: str = json.loads(escaped.group())
            return value, escaped.end()

        self.string_error(path, pos)

    def string_error(self, path: JsonPath, start: int) -> NoReturn:
        """Raise ``_StopError`` at the first fault of the string opened at ``start``."""
        text = self.text
        pos = start + 1
        while pos < len(text):
            char = text[pos]
            if char == '"':
                break
            if char == "\\":
                escape = text[pos : pos + 2]
                if escape == "\\u":
                    if not re.fullmatch(r"[0-9a-fA-F]{4}", text[pos + 2 : pos + 6]):
                        self.fail(
                            path,
                            pos,
                            "invalid \\u escape in a string: it needs four hex digits",
                            "syntax",
                        )
                elif len(escape) < 2 or escape[1] not in '"\\/bfnrt':
                    self.fail(
                        path,
                        pos,
                        f"invalid escape {escape!r} in a string; write a backslash "
                        "as \\\\",
                        "syntax",
                    )
                pos += 2
                continue
            if char in {"\n", "\r"}:
                self.fail(
                    path,
                    pos,
                    'a string cannot run over the end of a line: close it with " '
                    "or write the line break as \\n",
                    "syntax",
                )
            if char < " ":
                self.fail(
                    path,
                    pos,
                    f"control character U+{ord(char):04X} in a string; write it as "
                    "an escape such as \\t or \\u0009",
                    "syntax",
                )
            pos += 1
        self.fail(
            path,
            start,
            "this string is never closed: a '\"' is missing",
            "syntax",
        )

    def number(self, path: JsonPath, pos: int, token: str) -> int | float:
        """Return the value of the number ``token`` found at ``pos``."""
        match = _NUMBER.fullmatch(token)
        if match is None:
            self.fail(path, pos, f"{token!r} is not a valid JSON number", "syntax")

        if match.group(1) is None and match.group(2) is None:
            try:
                return int(token)
            except ValueError:
                self.fail(
                    path,
                    pos,
                    f"the number starting {token[:20]} has too many digits",
                    "number-out-of-range",
                )

        number = float(token)
        if math.isinf(number):
            self.fail(
                path,
                pos,
                f"the number {token} is out of range",
                "number-out-of-range",
            )
        return number

    def member(self, frame: _Frame) -> str:
        """Name the kind of member ``frame`` holds, for messages."""
        kind = "member" if isinstance(frame.container, dict) else "item"
        if frame.path and isinstance(frame.path[-1], str):
            return f"{kind} of {_quoted(frame.path[-1])}"
        return kind

    def latest(self, frame: _Frame) -> str:
        """Describe the member of ``frame`` read last, for messages."""
        if isinstance(frame.container, dict):
            return f"the value of {_quoted(frame.key)}"
        index = len(frame.container) - 1
        if frame.path and isinstance(frame.path[-1], str):
            return f"item {index} of {_quoted(frame.path[-1])}"
        return f"item {index} of the array"

    def position(self, offset: int) -> tuple[int, int]:
        """Return the line and column of ``offset``."""
        if self.lines is None:
            self.lines = LineIndex(self.text)
        return self.lines.position(offset)

    def note(
        self, severity: Severity, path: JsonPath, offset: int, message: str, code: str
    ) -> None:
        """Record a problem at ``offset``."""
        self.result.notes.append(Note(severity, path, message, code, offset))

    def fail(self, path: JsonPath, offset: int, message: str, code: str) -> NoReturn:
        """Record a syntax error at ``offset`` and stop reading."""
        self.note(Severity.ERROR, path, offset, message, code)
        raise _StopError

    def fail_here(self, path: JsonPath, pos: int, expected: str) -> NoReturn:
        """Stop with a message saying what was expected at ``pos`` and what is there."""
        text = self.text
        if pos >= len(text):
            if self.stack:
                frame = self.stack[-1]
                line, column = self.position(frame.offset)
                kind = "object" if isinstance(frame.container, dict) else "array"
                self.fail(
                    path,
                    pos,
                    f"the text ends inside the {kind} opened at line {line}, "
                    f"column {column}; {expected}",
                    "syntax",
                )
            self.fail(path, pos, f"the text ends early; {expected}", "syntax")

        char = text[pos]
        if text.startswith(("//", "/*"), pos) or char == "#":
            self.fail(path, pos, "JSON does not allow comments", "syntax")
        if char == "'":
            self.fail(
                path,
                pos,
                f"{expected}; JSON strings use double quotes, not single quotes",
                "syntax",
            )
        self.fail(path, pos, f"{expected}, found {self.shown(pos)}", "syntax")

    def shown(self, pos: int) -> str:
        """Show the character at ``pos`` for a message: ``'x'`` or ``U+00A0``."""
        char = self.text[pos]
        if char.isprintable() and char != " ":
            return repr(char)
        return f"U+{ord(char):04X}"
