"""The rows of the definition list and the filter that narrows them."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from procreg_tui.definition import Severity, validate, worst

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

    __slots__ = ("_haystack", "_validity", "definition", "id", "revision")

    def __init__(self, record_id: int, revision: int, definition: Any) -> None:
        self.id = record_id
        self.revision = revision
        self.definition = definition
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


def _validity_of(definition: Any) -> Severity | None:
    """Return the worst severity of the problems of ``definition``."""
    if not isinstance(definition, dict):
        return Severity.ERROR
    return worst(validate(definition))


@dataclass(frozen=True, slots=True)
class Match:
    """A filter query compiled once and applied to many entries."""

    needle: str
    pattern: re.Pattern[str]

    @classmethod
    def compile(cls, query: str) -> Match:
        """Return the matcher of ``query``: substring, then fuzzy subsequence."""
        needle = query.strip().lower()
        fuzzy = "[^\x00]*?".join(re.escape(char) for char in needle if char != " ")
        return cls(needle, re.compile(fuzzy))

    def narrow(self, entries: Sequence[Entry]) -> list[Entry]:
        """Return the entries that match: substring matches first, then fuzzy ones."""
        if not self.needle:
            return list(entries)

        needle = self.needle
        exact = [entry for entry in entries if needle in entry.haystack]
        if len(exact) == len(entries) or len(needle) == 1:
            # One character matches as a subsequence exactly where it matches
            # as a substring.
            return exact

        search = self.pattern.search
        fuzzy = [
            entry
            for entry in entries
            if needle not in entry.haystack and search(entry.haystack)
        ]
        return exact + fuzzy


class Filter:
    """Narrows a list of entries as the query grows, reusing the previous result."""

    def __init__(self, entries: Sequence[Entry] = ()) -> None:
        self._entries: Sequence[Entry] = entries
        self._query = ""
        self._result: list[Entry] = list(entries)

    @property
    def query(self) -> str:
        """The query the current result answers."""
        return self._query

    @property
    def result(self) -> list[Entry]:
        """The entries matching the query, best first."""
        return self._result

    def reset(self, entries: Sequence[Entry]) -> list[Entry]:
        """Replace the entries, keep the query, and return the new result."""
        self._entries = entries
        self._result = Match.compile(self._query).narrow(entries)
        return self._result

    def apply(self, query: str) -> list[Entry]:
        """Return the entries matching ``query``.

        A query that extends the previous one only searches the previous result:
        every entry matching the longer query matched the shorter one.
        """
        narrows = query.startswith(self._query) and self._query.strip() != ""
        source: Sequence[Entry] = self._result if narrows else self._entries
        self._query = query
        self._result = Match.compile(query).narrow(source)
        return self._result
