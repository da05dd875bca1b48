"""The rows of the definition list and the filter that narrows them."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from procreg_tui.definition import Severity, validate, worst
from procreg_tui.registry import Record

_SEPARATOR = "\x00"


def label_of(definition: Any) -> str:
    """Return the label of ``definition``: its name, else the base name of exec."""
    if not isinstance(definition, dict):
        return "?"

    name = definition.get("name")
    if isinstance(name, str) and name:
        return name

    executable = definition.get("exec")
    if isinstance(executable, str) and executable:
        return os.path.basename(executable.rstrip("/")) or executable
    return "?"


def _field(definition: dict[str, Any], key: str) -> str:
    """Return ``definition[key]`` when it is a string, else an empty string."""
    value = definition.get(key)
    return value if isinstance(value, str) else ""


def _haystack(definition: Any) -> str:
    """Return the lower-cased text the filter searches: label, exec, argv, app."""
    if not isinstance(definition, dict):
        return ""

    argv = definition.get("argv", definition.get("args"))
    words = [str(word) for word in argv] if isinstance(argv, list) else []
    parts = [
        label_of(definition),
        _field(definition, "exec"),
        " ".join(words),
        _field(definition, "application"),
    ]
    return _SEPARATOR.join(parts).lower()


class Entry:
    """One definition as the list shows it.

    Building one costs next to nothing: the filter's haystack is worked out
    when first searched, the validity when first drawn.
    """

    __slots__ = ("_haystack", "_validity", "definition", "gone", "id", "revision")

    def __init__(self, record_id: int, revision: int, definition: Any) -> None:
        self.id = record_id
        self.revision = revision
        self.definition = definition
        self.gone = False
        """Whether the definition was deleted elsewhere while it had unsaved
        edits here: the row stays until those are stored as a copy or dropped."""
        self._haystack: str | None = None
        self._validity: Severity | bool | None = False

    @property
    def haystack(self) -> str:
        """The lower-cased text the filter searches: label, exec, argv, application."""
        haystack = self._haystack
        if haystack is None:
            haystack = self._haystack = _haystack(self.definition)
        return haystack

    @property
    def label(self) -> str:
        """The name of the definition, or the base name of its executable."""
        return label_of(self.definition)

    @property
    def process_type(self) -> str:
        """The process type, or an empty string when the definition has none."""
        if isinstance(self.definition, dict):
            return _field(self.definition, "process_type")
        return ""

    @property
    def application(self) -> str:
        """The application, or an empty string when the definition has none."""
        if isinstance(self.definition, dict):
            return _field(self.definition, "application")
        return ""

    @property
    def validity(self) -> Severity | None:
        """The worst severity among the definition's problems; ``None`` when clean."""
        if self._validity is False:
            self._validity = _validity_of(self.definition)
        assert not isinstance(self._validity, bool)
        return self._validity


def entry_of(record: Record, known: Entry | None) -> Entry:
    """Return the row of ``record``, reusing ``known`` when it is the same revision."""
    if known is not None and known.revision == record.revision:
        return known
    return Entry(record.id, record.revision, record.definition)


def definition_of(text: str) -> Any:
    """Return the JSON value of ``text``, or an empty object if it is none: what
    the row of a definition known only by its unsaved text shows."""
    try:
        return json.loads(text)
    except ValueError:
        return {}


def _validity_of(definition: Any) -> Severity | None:
    """Return the worst severity of the problems of ``definition``."""
    if not isinstance(definition, dict):
        return Severity.ERROR
    return worst(validate(definition))


FUZZY_SLICE = 4000
"""Rows tried as fuzzy matches at once; the rest waits for :meth:`Filter.more`."""


@dataclass(frozen=True, slots=True)
class Match:
    """A filter query compiled once and applied to many entries."""

    needle: str
    pattern: re.Pattern[str] | None
    """The fuzzy pattern; ``None`` when fuzzy matching adds nothing."""

    @classmethod
    def compile(cls, query: str) -> Match:
        """Return the matcher of ``query``: substring, then fuzzy subsequence."""
        needle = query.strip().lower()
        letters = [char for char in needle if char != " "]
        if len(needle) <= 1:
            # One character matches as a subsequence exactly where it matches
            # as a substring.
            return cls(needle, None)
        fuzzy = "[^\x00]*?".join(re.escape(char) for char in letters)
        return cls(needle, re.compile(fuzzy))

    def split(self, entries: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
        """Return the substring matches and the other entries, both in order."""
        needle = self.needle
        exact: list[Entry] = []
        rest: list[Entry] = []
        if not needle:
            return list(entries), rest
        for entry in entries:
            # The slot is read directly: a property call per row costs a third
            # of a keystroke's budget at 100,000 rows.
            haystack = entry._haystack
            if haystack is None:
                haystack = entry.haystack
            (exact if needle in haystack else rest).append(entry)
        return exact, rest

    def fuzzy(self, entries: Sequence[Entry]) -> list[Entry]:
        """Return the entries whose haystack holds the query as a subsequence."""
        if self.pattern is None:
            return []
        search = self.pattern.search
        return [entry for entry in entries if search(entry.haystack)]


class Filter:
    """Narrows a list of entries as the query grows, reusing the previous result.

    Substring matches are found at once. Fuzzy matches, which cost several
    times more per row, are looked for in the first :data:`FUZZY_SLICE` other
    rows at once and in the rest by :meth:`more`, a slice at a time, so a
    keystroke never waits for a hundred thousand fuzzy searches.
    """

    def __init__(self, entries: Sequence[Entry] = ()) -> None:
        self._entries: Sequence[Entry] = entries
        self._query = ""
        self._match = Match.compile("")
        self._result: list[Entry] = list(entries)
        self._pending: list[Entry] = []
        self._next = 0

    @property
    def query(self) -> str:
        """The query the current result answers."""
        return self._query

    @property
    def result(self) -> list[Entry]:
        """The entries found to match so far, substring matches first.

        The list grows in place as :meth:`more` finds fuzzy matches.
        """
        return self._result

    @property
    def complete(self) -> bool:
        """Whether every entry has been tried."""
        return self._next >= len(self._pending)

    def reset(self, entries: Sequence[Entry]) -> list[Entry]:
        """Replace the entries, keep the query, and return the new result."""
        self._entries = entries
        return self._search(self._query, entries)

    def apply(self, query: str) -> list[Entry]:
        """Return the entries matching ``query``.

        A query that extends the previous one only searches the previous
        result and the rows not tried yet: every entry matching the longer
        query matched the shorter one.
        """
        narrows = query.startswith(self._query) and self._query.strip() != ""
        source: Sequence[Entry] = self._entries
        if narrows:
            source = self._result + self._pending[self._next :]
        self._query = query
        return self._search(query, source)

    def more(self, count: int = FUZZY_SLICE) -> int:
        """Try up to ``count`` more rows as fuzzy matches; return how many matched."""
        start = self._next
        self._next = min(start + count, len(self._pending))
        found = self._match.fuzzy(self._pending[start : self._next])
        self._result.extend(found)
        return len(found)

    def finish(self) -> list[Entry]:
        """Try every remaining row and return the whole result."""
        while not self.complete:
            self.more()
        return self._result

    def _search(self, query: str, source: Sequence[Entry]) -> list[Entry]:
        """Match ``query`` against ``source``: substrings now, fuzzy in part."""
        match = Match.compile(query)
        exact, rest = match.split(source)
        self._match = match
        self._result = exact
        self._pending = rest if match.pattern is not None else []
        self._next = 0
        self.more()
        return self._result
