"""Checks of a definition's variables, and sample values to resolve it with."""

from __future__ import annotations

from procreg_tui.definition.problems import Problem
from procreg_tui.resolve._messages import (
    malformed_variable,
    unbound_argument,
    unbound_path,
    unused_path,
)
from procreg_tui.resolve._plan import Link, Plan, plan
from procreg_tui.resolve._variables import (
    Bindings,
    malformed,
    references,
    single_variable,
)

SAMPLE_FOLDER = "/tmp/procreg"
"""Where sample bindings put the files of a definition's variables."""

_SAMPLE_NAMES = {"input_file": "input", "output_file": "output"}


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
        place = (parts.arguments_key, index)
        for name in dict.fromkeys(references(argument)):
            if name not in provided:
                problems.append(unbound_argument(place, name))
        for written in dict.fromkeys(malformed(argument)):
            problems.append(malformed_variable(place, written))

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


def adapter_samples(definition: object) -> dict[str, str]:
    """Return sample values for the variables the adapters of ``definition``
    give a value (``${input_file}`` is ``/tmp/procreg/input``, ...).

    Any other variable stays unbound: a made-up path standing in for, say,
    ``${API_TOKEN}`` would look like a value. Never raises.
    """
    provided = _provided(plan(definition, settings=False))
    return {
        name: value
        for name, value in sample_bindings(definition).items()
        if name in provided
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
        return [unused_path(path, link.variable, direction)]

    return [
        unbound_path(path, name)
        for name in dict.fromkeys(references(connection.path))
        if name not in provided
    ] + [
        malformed_variable(path, written)
        for written in dict.fromkeys(malformed(connection.path))
    ]
