"""The variable checks of a definition whose adapters are all of built-in kinds."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from procreg_tui.adapters import Direction, builtin_kind
from procreg_tui.adapters import adapters_json as _adapters_json
from procreg_tui.definition.problems import JsonPath, Problem
from procreg_tui.resolve._messages import (
    malformed_variable,
    unbound_argument,
    unbound_path,
    unused_path,
)
from procreg_tui.resolve._variables import (
    Bindings,
    malformed,
    references,
    single_variable,
)

_DIRECTION_KEYS = tuple(
    (direction, direction.adapter_key, direction.type_key, *direction.parameters_keys)
    for direction in Direction
)


def builtin_variable_problems(
    definition: Mapping[str, Any],
    bindings: Bindings | None = None,
    adapters_json: bytes | None = None,
) -> list[Problem]:
    """Return ``variable_problems`` of a definition with built-in kinds only.

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
    if adapters_json is None:
        adapters_json = _adapters_json(definition)
    links, reporting = _LINKS.get(adapters_json) or _builtin_links(
        definition, adapters_json
    )

    marked = [
        (index, _names(argument), argument)
        for index, argument in enumerate(arguments)
        if "${" in argument
    ]
    if not marked and not reporting:
        return []

    provided = {link.variable for link in links if link.variable is not None}
    provided.update(bindings or ())
    problems: list[Problem] = []
    for index, names, argument in marked:
        place = (arguments_key, index)
        problems += [
            unbound_argument(place, name) for name in names if name not in provided
        ]
        problems += [
            malformed_variable(place, written)
            for written in dict.fromkeys(malformed(argument))
        ]
    for link in links:
        variable = link.variable
        if variable is None:
            problems += [
                unbound_path(link.place, name)
                for name in link.references
                if name not in provided
            ]
            problems += [malformed_variable(link.place, w) for w in link.malformed]
        elif link.unreached_unless_passed and not any(
            variable in names for _, names, _ in marked
        ):
            problems.append(unused_path(link.place, variable, link.direction))
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
    malformed: tuple[str, ...]
    """Each ``${...}`` of the path that is not a variable, once."""
    unreached_unless_passed: bool
    """Whether the process never sees the path unless ``argv`` passes it."""
    direction: str


_LINKS: dict[bytes, tuple[tuple[_Link, ...], bool]] = {}
"""The links of pairs of built-in adapters, and whether one of them can be
reported without any argument, by the adapters' JSON text: they depend on the
adapters alone, and a registry uses few distinct ones."""
_LINKS_KEPT = 1024


def _builtin_links(
    definition: Mapping[str, Any], remembered: bytes
) -> tuple[tuple[_Link, ...], bool]:
    """Return the links of the adapters whose paths hold ``${``, and whether one
    of them can be reported when no argument refers to a variable.

    They are kept by ``remembered``, the adapters' JSON text, unless it is empty.
    """
    links = tuple(
        link
        for keys in _DIRECTION_KEYS
        if (adapter := definition.get(keys[1])) is not None
        and (link := _builtin_link(keys, adapter)) is not None
    )
    reporting = any(
        link.variable is None or link.unreached_unless_passed or link.malformed
        for link in links
    )
    if remembered:
        if len(_LINKS) >= _LINKS_KEPT:
            _LINKS.clear()
        _LINKS[remembered] = (links, reporting)
    return links, reporting


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
        tuple(dict.fromkeys(malformed(path))),
        connection.by_argument and connection.stream is None,
        direction.value,
    )
