"""A definition read leniently: what resolution, wiring and checks all start from."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from procreg_tui.adapters import Adapter, Connection, Direction, adapter_of
from procreg_tui.resolve._variables import references, single_variable

_NOTHING: Mapping[str, str] = MappingProxyType({})


@dataclass(slots=True)
class Link:
    """An adapter together with how it meets the process of one definition."""

    adapter: Adapter
    connection: Connection | None
    """``None`` for a kind procreg does not know."""
    variable: str | None
    """The variable the adapter's path is, when the path is exactly ``${name}``."""
    arguments: tuple[int, ...]
    """Positions in the resolved argv (exec is 0) where the path is passed."""
    redirected: bool
    """Whether the path is connected to a standard stream by a redirection."""

    @property
    def unreached(self) -> bool:
        """Return whether a path meant for the arguments is passed nowhere."""
        connection = self.connection
        return (
            connection is not None
            and connection.by_argument
            and connection.path is not None
            and not self.arguments
            and not self.redirected
        )


@dataclass(slots=True)
class Plan:
    """The parts of a definition that resolution uses, each of a usable type."""

    exec: str
    arguments: tuple[str, ...]
    """The argv elements as written, before substitution."""
    arguments_key: str
    """``argv``, or ``args`` when the definition uses that spelling."""
    cwd: str | None
    environment: Mapping[str, str]
    timeout: int | float | None
    input: Link | None
    output: Link | None

    @property
    def links(self) -> tuple[Link, ...]:
        """Return the adapters there are, input first."""
        return tuple(link for link in (self.input, self.output) if link is not None)


def plan(definition: object, *, settings: bool = True) -> Plan:
    """Return the usable parts of ``definition``; never raises for any JSON value.

    A value of the wrong type is left out (``cwd``, ``timeout``) or turned into
    its JSON text (a number among the arguments); the schema reports it.
    Without ``settings``, cwd, environment and timeout are not read (the
    variable checks, run on every keystroke, need none of them).
    """
    fields = definition if isinstance(definition, dict | Mapping) else {}
    exec_ = fields.get("exec")
    arguments, arguments_key = _arguments(fields)

    return Plan(
        exec=exec_ if isinstance(exec_, str) else "",
        arguments=arguments,
        arguments_key=arguments_key,
        cwd=_cwd(fields.get("cwd")) if settings else None,
        environment=_environment(fields.get("environment")) if settings else _NOTHING,
        timeout=_timeout(fields.get("timeout")) if settings else None,
        input=_link(definition, Direction.INPUT, arguments),
        output=_link(definition, Direction.OUTPUT, arguments),
    )


def text_of(value: object) -> str:
    """Return ``value`` itself when it is a string, else its JSON text."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return "?"


def _arguments(fields: Mapping[str, object]) -> tuple[tuple[str, ...], str]:
    """Return the argv elements as text and the key they were read from."""
    for key in ("argv", "args"):
        if key in fields:
            value = fields[key]
            if isinstance(value, list):
                return tuple(text_of(item) for item in value), key
            return (), key
    return (), "argv"


def _cwd(value: object) -> str | None:
    """Return the working directory, or ``None`` when there is no usable one."""
    return value if isinstance(value, str) and value else None


def _environment(value: object) -> Mapping[str, str]:
    """Return the variables that can be passed to a process, values as text.

    A name that is empty or holds ``=`` or a NUL cannot be set at all and is
    left out.
    """
    if not isinstance(value, Mapping):
        return MappingProxyType({})
    return MappingProxyType(
        {
            name: text_of(item)
            for name, item in value.items()
            if isinstance(name, str) and name and "=" not in name and "\0" not in name
        }
    )


def _timeout(value: object) -> int | float | None:
    """Return the timeout in seconds when it is a finite positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    return value


def _link(
    definition: object, direction: Direction, arguments: tuple[str, ...]
) -> Link | None:
    """Return how the adapter for ``direction`` meets the process, if there is one."""
    adapter = adapter_of(definition, direction)
    if adapter is None:
        return None

    connection = adapter.connect()
    path = connection.path if connection else None
    variable = single_variable(path) if path else None
    positions: tuple[int, ...] = ()
    if connection is not None and connection.by_argument and path:
        positions = tuple(
            index
            for index, argument in enumerate(arguments, start=1)
            if (variable in references(argument) if variable else path in argument)
        )

    redirected = (
        connection is not None
        and connection.stream is not None
        and path is not None
        and not positions
    )
    return Link(adapter, connection, variable, positions, redirected)
