"""Resolution: a definition plus bindings turned into what would run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from procreg_tui.resolve._plan import plan
from procreg_tui.resolve._variables import Bindings, substitute

_EMPTY: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class Redirection:
    """A standard stream of the process connected to a file."""

    fd: int
    """0 for standard input, 1 for standard output, 2 for standard error."""
    target: str
    """The file, with bound variables substituted."""
    append: bool = False
    """Whether output is appended to the file instead of replacing it."""

    @property
    def operator(self) -> str:
        """Return the shell operator: ``<``, ``>``, ``>>``, ``2>`` or ``2>>``."""
        if self.fd == 0:
            return "<"
        arrow = ">>" if self.append else ">"
        return arrow if self.fd == 1 else f"{self.fd}{arrow}"

    def to_json(self) -> dict[str, Any]:
        """Return the redirection as a JSON-ready mapping."""
        return {"fd": self.fd, "target": self.target, "append": self.append}


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a definition runs once its variables are bound."""

    argv: tuple[str, ...]
    """The argument vector, the executable first."""
    cwd: str | None
    """The working directory; ``None`` keeps the caller's."""
    environment: Mapping[str, str]
    """Variables added to the inherited environment, in definition order."""
    timeout: int | float | None
    """Seconds the process may run; ``None`` for no limit."""
    redirections: tuple[Redirection, ...]
    """Standard streams connected to files, standard input first."""
    unbound: frozenset[str]
    """Variables left as ``${name}`` because no binding gives them a value."""

    def to_json(self) -> dict[str, Any]:
        """Return the resolution as a JSON-ready mapping."""
        return {
            "argv": list(self.argv),
            "cwd": self.cwd,
            "environment": dict(self.environment),
            "timeout": self.timeout,
            "redirections": [item.to_json() for item in self.redirections],
            "unbound": sorted(self.unbound),
        }


def resolve(definition: object, bindings: Bindings | None = None) -> Resolution:
    """Return what ``definition`` runs with ``bindings`` given to its variables.

    Variables are substituted inside each argv element and in the paths of
    the adapters; ``exec``, ``cwd`` and the environment are taken as written.
    A definition with wrong types resolves as best it can (the schema reports
    them); never raises, whatever JSON value ``definition`` is.
    """
    parts = plan(definition)
    values = bindings if bindings is not None else _EMPTY
    unbound: set[str] = set()

    argv = [parts.exec]
    for argument in parts.arguments:
        text, missing = substitute(argument, values)
        argv.append(text)
        unbound |= missing

    redirections = []
    for link in parts.links:
        connection = link.connection
        if not link.redirected or connection is None or connection.path is None:
            continue
        target, missing = substitute(connection.path, values)
        unbound |= missing
        redirections.append(
            Redirection(connection.stream or 0, target, connection.append)
        )

    return Resolution(
        argv=tuple(argv),
        cwd=parts.cwd,
        environment=parts.environment,
        timeout=parts.timeout,
        redirections=tuple(redirections),
        unbound=frozenset(unbound),
    )
