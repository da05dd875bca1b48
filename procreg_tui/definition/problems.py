"""Problems: what is wrong with a definition, where, and how badly."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

JsonPath = tuple[str | int, ...]
"""A place inside a JSON document: object keys and array indexes, outermost first."""


class Severity(enum.StrEnum):
    """How much a problem matters, from worst to mildest."""

    ERROR = "error"
    """The definition cannot be run as written."""
    WARNING = "warning"
    """The definition runs, but probably not as its author meant."""
    INFO = "info"
    """Worth knowing; nothing is wrong."""

    @property
    def rank(self) -> int:
        """Return 0 for the worst severity, larger for milder ones."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a definition or with the text it was read from."""

    severity: Severity
    path: JsonPath
    """Where in the definition; ``()`` for the whole document."""
    message: str
    """A sentence a user can act on."""
    code: str
    """A stable identifier of the kind of problem, such as ``unknown-key``."""
    line: int | None = None
    """1-based line in the source text, when the definition came from text."""
    column: int | None = None
    """1-based column in the source text, when the definition came from text."""

    @property
    def json_path(self) -> str:
        """Return the path in the ``$.input_adapter.input_type`` notation."""
        return format_path(self.path)

    def at(self, line: int | None, column: int | None) -> Problem:
        """Return a copy of this problem placed at ``line`` and ``column``."""
        return replace(self, line=line, column=column)

    def under(self, prefix: JsonPath) -> Problem:
        """Return a copy of this problem with ``prefix`` put before its path."""
        return replace(self, path=prefix + self.path)

    def to_json(self) -> dict[str, Any]:
        """Return the problem as a JSON-ready mapping."""
        data: dict[str, Any] = {
            "severity": str(self.severity),
            "path": self.json_path,
            "message": self.message,
            "code": self.code,
        }
        if self.line is not None:
            data["line"] = self.line
            data["column"] = self.column
        return data


def format_path(path: JsonPath) -> str:
    """Return ``path`` in the ``$.key[0]`` notation.

    Keys that are not identifiers are written quoted: ``$["my key"]``.
    """
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif step.isidentifier():
            parts.append(f".{step}")
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'["{escaped}"]')
    return "".join(parts)


def worst(problems: Iterable[Problem]) -> Severity | None:
    """Return the worst severity among ``problems``, or ``None`` when there are none."""
    found = [problem.severity for problem in problems]
    return min(found, key=lambda severity: severity.rank) if found else None


def has_errors(problems: Iterable[Problem]) -> bool:
    """Return whether any of ``problems`` is an error."""
    return any(problem.severity is Severity.ERROR for problem in problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return ``problems`` ordered by place in the text, then severity, then path."""
    return sorted(
        problems,
        key=lambda p: (
            p.line if p.line is not None else 1 << 30,
            p.column or 0,
            p.severity.rank,
            format_path(p.path),
        ),
    )
