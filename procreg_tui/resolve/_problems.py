"""Checks of a definition's variables, and sample values to resolve it with."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from procreg_tui.adapters import Direction, builtin_kind
from procreg_tui.adapters import adapters_json as _adapters_json
from procreg_tui.definition.problems import JsonPath, Problem, Severity
from procreg_tui.resolve._plan import Link, Plan, plan
from procreg_tui.resolve._variables import Bindings, references, single_variable

SAMPLE_FOLDER = "/tmp/procreg"
"""Where sample bindings put the files of a definition's variables."""

_SAMPLE_NAMES = {"input_file": "input", "output_file": "output"}

_DIRECTION_KEYS = tuple(
    (direction, direction.adapter_key, direction.type_key, *direction.parameters_keys)
    for direction in Direction
)


def variable_problems(
    definition: object, bindings: Bindings | None = None
) -> list[Problem]:
    """Return warnings about the variables of ``definition``.

    A ``${name}`` in ``argv`` or in an adapter path that neither an adapter
    nor ``bindings`` provides is reported at its place; so is an adapter path
    variable that never appears in ``argv`` (the process never sees that
    file). Never raises, whatever JSON value ``definition`` is.
    """
    parts = plan(definition, settings=False)
    provided = _provided(parts) | set(bindings or ())
    problems: list[Problem] = []

    for index, argument in enumerate(parts.arguments):
        for name in dict.fromkeys(references(argument)):
            if name not in provided:
                problems.append(_unbound_argument((parts.arguments_key, index), name))

    for link in parts.links:
        problems += _link_problems(link, provided)
    return problems


def sample_bindings(definition: object) -> dict[str, str]:
    """Return sample values for every variable ``definition`` uses.

    ``input_file`` is ``/tmp/procreg/input``, ``output_file`` is
    ``/tmp/procreg/output`` and any other ``name`` is ``/tmp/procreg/<name>``.
    Never raises, whatever JSON value ``definition`` is.
    """
    parts = plan(definition, settings=False)
    names: list[str] = []
    for argument in parts.arguments:
        names += references(argument)
    for link in parts.links:
        connection = link.connection
        if connection is not None and connection.path is not None:
            names += references(connection.path)

    return {
        name: f"{SAMPLE_FOLDER}/{_SAMPLE_NAMES.get(name, name)}"
        for name in dict.fromkeys(names)
    }


def _provided(parts: Plan) -> set[str]:
    """Return the variables the adapters of ``parts`` give a value."""
    provided = set()
    for link in parts.links:
        if link.variable is not None:
            provided.add(link.variable)
        elif link.connection is None:
            # An unknown kind may well provide what its parameters name.
            for value in link.adapter.parameters.values():
                name = single_variable(value) if isinstance(value, str) else None
                if name is not None:
                    provided.add(name)
    return provided


def _link_problems(link: Link, provided: set[str]) -> list[Problem]:
    """Return the problems of one adapter's path."""
    connection = link.connection
    if connection is None or connection.path is None:
        return []
    path = link.adapter.path
    if connection.path_parameter is not None:
        path += (connection.path_parameter,)
    direction = link.adapter.direction.value

    if link.variable is not None:
        if not link.unreached:
            return []
        return [_unused_path(path, link.variable, direction)]

    return [
        _unbound_path(path, name)
        for name in dict.fromkeys(references(connection.path))
        if name not in provided
    ]


def builtin_variable_problems(
    definition: Mapping[str, Any],
    bindings: Bindings | None = None,
    adapters_json: bytes | None = None,
) -> list[Problem]:
    """Return :func:`variable_problems` of a definition with built-in kinds only.

    ``definition`` must meet the shipped schema and
    ``procreg_tui.adapters.builtin_adapter_schema()``: every argument is a
    string and every adapter a built-in kind with its parameters. Only the
    arguments and adapter paths that hold ``${`` are looked at.
    ``adapters_json`` is ``procreg_tui.adapters.adapters_json(definition)``,
    when the caller has it already.
    """
    arguments_key = (
        "args" if "args" in definition and "argv" not in definition else "argv"
    )
    arguments: list[str] = definition.get(arguments_key, [])
    adapters = [definition.get(keys[1]) for keys in _DIRECTION_KEYS]
    if adapters_json is None:
        adapters_json = _adapters_json(definition)
    links = _builtin_links(adapters, adapters_json)

    marked = [
        (index, _names(argument))
        for index, argument in enumerate(arguments)
        if "${" in argument
    ]
    if not marked and not links:
        return []

    provided = {link.variable for link in links if link.variable is not None}
    provided.update(bindings or ())
    problems = [
        _unbound_argument((arguments_key, index), name)
        for index, names in marked
        for name in names
        if name not in provided
    ]
    for link in links:
        variable = link.variable
        if variable is None:
            problems += [
                _unbound_path(link.place, name)
                for name in link.references
                if name not in provided
            ]
        elif link.unreached_unless_passed and not any(
            variable in names for _, names in marked
        ):
            problems.append(_unused_path(link.place, variable, link.direction))
    return problems


@functools.lru_cache(maxsize=4096)
def _names(text: str) -> tuple[str, ...]:
    """Return the variables ``text`` refers to, each once, in order."""
    return tuple(dict.fromkeys(references(text)))


@dataclass(frozen=True, slots=True)
class _Link:
    """What the variable checks need of one adapter whose path holds ``${``."""

    place: JsonPath
    """The JSON path of the adapter's path parameter."""
    variable: str | None
    """The variable the path is, when it is exactly ``${name}``."""
    references: tuple[str, ...]
    """The variables the path refers to, each once."""
    unreached_unless_passed: bool
    """Whether the process never sees the path unless ``argv`` passes it."""
    direction: str


_LINKS: dict[bytes, tuple[_Link, ...]] = {}
"""The links of pairs of built-in adapters, by their JSON text: they depend on
the adapters alone, and a registry uses few distinct ones."""
_LINKS_KEPT = 1024


def _builtin_links(adapters: list[Any], remembered: bytes) -> tuple[_Link, ...]:
    """Return the links of the input and output adapter whose paths hold ``${``.

    ``remembered`` is the adapters' JSON text, empty when they have none.
    """
    links = _LINKS.get(remembered)
    if links is None:
        links = tuple(
            link
            for keys, adapter in zip(_DIRECTION_KEYS, adapters, strict=True)
            if adapter is not None
            and (link := _builtin_link(keys, adapter)) is not None
        )
        if remembered:
            if len(_LINKS) >= _LINKS_KEPT:
                _LINKS.clear()
            _LINKS[remembered] = links
    return links


def _builtin_link(
    keys: tuple[Direction, str, str, str, str], adapter: Mapping[str, Any]
) -> _Link | None:
    """Return what the variable checks need of a built-in adapter.

    ``None`` when its path does not hold ``${``: such a path neither
    provides a variable nor has one left unbound.
    """
    direction, adapter_key, type_key, canonical, alias = keys
    key = canonical if canonical in adapter else alias if alias in adapter else None
    parameters: Mapping[str, Any] = adapter[key] if key is not None else {}
    kind = builtin_kind(direction, adapter[type_key])
    connection = kind.connect(direction, parameters) if kind is not None else None
    path = connection.path if connection is not None else None
    if connection is None or path is None or "${" not in path:
        return None

    place: JsonPath = (adapter_key,) if key is None else (adapter_key, key)
    if connection.path_parameter is not None:
        place += (connection.path_parameter,)
    return _Link(
        place,
        single_variable(path),
        _names(path),
        connection.by_argument and connection.stream is None,
        direction.value,
    )


def _unbound_argument(path: JsonPath, name: str) -> Problem:
    return Problem(
        Severity.WARNING,
        path,
        f"${{{name}}} has no value: no adapter provides it and no"
        " binding sets it, so it stays as written.",
        "unbound-variable",
    )


def _unbound_path(path: JsonPath, name: str) -> Problem:
    return Problem(
        Severity.WARNING,
        path,
        f"${{{name}}} has no value: no adapter provides it and no binding sets"
        " it, so the path stays as written.",
        "unbound-variable",
    )


def _unused_path(path: JsonPath, variable: str, direction: str) -> Problem:
    return Problem(
        Severity.WARNING,
        path,
        f"${{{variable}}} never appears in argv: the process is not told"
        f" where its {direction} is.",
        "unused-path-variable",
    )
