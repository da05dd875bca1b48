"""What the live panel shows about the text in the editor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from procreg_tui.app._glyphs import glyphs
from procreg_tui.app._text import secret_values
from procreg_tui.definition import (
    Document,
    Problem,
    Severity,
    has_errors,
    load_text,
    sort_problems,
    validate,
)
from procreg_tui.resolve import adapter_samples, command_line, resolve, wiring

REPLACEMENT = "\ufffd"
"""U+FFFD: what stands in the text for bytes that could not be read as UTF-8
(from ``$EDITOR``'s file, or typed in a terminal that is not UTF-8)."""
LOST = "replacement-character"
"""The code of the problem placed at each U+FFFD of the text."""
UNWRAPPED = 1 << 30
"""A width no line of the wiring reaches: one line per step, wrapped when drawn."""
_LOST_LIMIT = 100
"""At most this many U+FFFD are placed one by one."""
_LOST_MESSAGE = (
    "U+FFFD (\ufffd) stands for bytes that were not UTF-8 and are lost: type what "
    "was meant (\\ufffd keeps the character itself)"
)


@dataclass(frozen=True, slots=True)
class Analysis:
    """The editor's text read, checked and resolved with the current bindings."""

    document: Document
    definition: dict[str, Any] | None
    """The definition, or ``None`` when the text is not a JSON object."""
    problems: list[Problem]
    """Every problem, located in the text, in text order."""
    command_line: str | None
    """The resolved command line; ``None`` when there is nothing to resolve."""
    wiring: list[str]
    """The wiring, one line per step of the path data takes, however long:
    the live panel wraps them to its width."""
    bindings: dict[str, str]
    """Every variable the definition uses, with the value it was resolved with."""
    unbound: frozenset[str]
    """The variables that stayed ``${name}``."""
    secrets: list[str] = field(default_factory=list)
    """Secret-looking environment values, to be masked until revealed."""
    failure: str | None = None
    """Why resolution failed, when it did."""

    @property
    def has_errors(self) -> bool:
        """Whether any problem is an error."""
        return has_errors(self.problems)

    def count(self, severity: Severity) -> int:
        """Return how many problems have ``severity``."""
        return sum(1 for problem in self.problems if problem.severity is severity)

    def position(self, problem: Problem) -> tuple[int, int] | None:
        """Return the 1-based line and column of ``problem`` in the text, if known."""
        if problem.line is not None:
            return problem.line, problem.column or 1
        return self.document.locate(problem.path)


def analyse(
    text: str, overrides: Mapping[str, str], extra: Sequence[Problem] = ()
) -> Analysis:
    """Read ``text`` as a definition and resolve it with ``overrides`` as bindings.

    The adapters' variables without an override take their sample value; other
    variables need one, or stay unbound (and reported); ``extra`` problems
    (those of the bytes the text came from) are reported with the others.
    Never raises for bad content: what is wrong becomes a problem, or the
    ``failure`` of the result.
    """
    document = load_text(text)
    problems = [*extra, *document.problems, *_lost(document, extra)]
    definition = document.value if isinstance(document.value, dict) else None
    if definition is None:
        if document.value is not None:
            problems.append(
                Problem(
                    Severity.ERROR,
                    (),
                    'A definition is a JSON object: { "exec": ... }.',
                    "not-an-object",
                    1,
                    1,
                )
            )
        return Analysis(
            document, None, sort_problems(problems), None, [], {}, frozenset()
        )

    # The adapters' files get sample paths; any other variable keeps the value
    # typed for it, or stays unbound and is reported.
    bindings = adapter_samples(definition)
    bindings.update(
        (name, value) for name, value in overrides.items() if name in bindings or value
    )
    known = {(p.code, p.path, p.message) for p in problems}
    problems.extend(
        problem
        for problem in validate(definition, document=document, bindings=bindings)
        if (problem.code, problem.path, problem.message) not in known
    )
    environment = definition.get("environment")
    secrets = secret_values(environment) if isinstance(environment, dict) else []

    try:
        resolution = resolve(definition, bindings)
        line = command_line(resolution)
        drawing = wiring(definition, bindings).to_text(
            UNWRAPPED, ascii_only=glyphs().ascii
        )
    except Exception as error:
        return Analysis(
            document,
            definition,
            sort_problems(problems),
            None,
            [],
            bindings,
            frozenset(),
            secrets,
            failure=str(error) or type(error).__name__,
        )

    for name in resolution.unbound:
        bindings.setdefault(name, "")
    return Analysis(
        document,
        definition,
        sort_problems(problems),
        line,
        list(drawing),
        bindings,
        frozenset(resolution.unbound),
        secrets,
    )


def _lost(document: Document, extra: Sequence[Problem]) -> list[Problem]:
    """Return an error at each U+FFFD of the text: each stands for lost bytes.

    Saved, the character would stay in the definition with nothing to tell
    what it replaced, so it stays an error until the user types what was
    meant. The character itself is written ``\\ufffd`` (as stored definitions
    show it), which is no error. A U+FFFD where ``extra`` already places the
    bytes' own problem gets no second one.
    """
    text = document.text
    start = text.find(REPLACEMENT)
    if start < 0:
        return []
    placed = {(problem.line, problem.column) for problem in extra}
    problems: list[Problem] = []
    while start >= 0 and len(problems) < _LOST_LIMIT:
        line, column = document.position(start)
        if (line, column) not in placed:
            problems.append(
                Problem(Severity.ERROR, (), _LOST_MESSAGE, LOST, line, column)
            )
        start = text.find(REPLACEMENT, start + 1)
    return problems
