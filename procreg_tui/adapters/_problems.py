"""Checks of a definition's adapters: known kinds, their parameters, their streams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from procreg_tui.adapters._kind import Adapter, AdapterKind, Direction
from procreg_tui.adapters._registry import _default_registry, adapter_of
from procreg_tui.definition.problems import JsonPath, Problem, Severity

_own_schema_validators: dict[int, Any] = {}


def adapter_problems(definition: object) -> list[Problem]:
    """Return the problems of the adapters ``definition`` declares.

    An unknown kind is a warning naming the known ones; parameters are checked
    against their kind's schema; a kind may add checks of its own (a stream
    that does not fit its direction). Structure outside the parameters is left
    to the definition's own schema. Never raises, whatever JSON value
    ``definition`` is.
    """
    problems: list[Problem] = []
    for direction in Direction:
        adapter = adapter_of(definition, direction)
        if adapter is None or adapter.type_name is None:
            continue

        if adapter.kind is None:
            problems.append(_unknown_kind(adapter))
            continue

        if not adapter.usable:
            # Parameters that are not an object are the definition schema's to report.
            continue
        problems += _parameter_problems(adapter.kind, adapter.parameters, adapter.path)
        problems += [
            problem.under(adapter.path)
            for problem in adapter.kind.check(direction, adapter.parameters)
        ]
    return problems


def _unknown_kind(adapter: Adapter) -> Problem:
    """Return the warning for a kind no installed adapter serves."""
    direction = adapter.direction
    known = [
        kind.name
        for kind in _default_registry().kinds()
        if direction in kind.directions
    ]
    exists = any(kind.name == adapter.type_name for kind in _default_registry().kinds())
    if exists:
        message = f"{adapter.type_name!r} cannot be an {direction.value} adapter"
    else:
        message = f"Unknown {direction.value} adapter kind {adapter.type_name!r}"
    return Problem(
        Severity.WARNING,
        (direction.adapter_key, direction.type_key),
        f"{message}; known {direction.value} kinds: {', '.join(known)}."
        " Its parameters are shown as they are.",
        "unknown-adapter",
    )


def _parameter_problems(
    kind: AdapterKind, parameters: Mapping[str, Any], base_path: JsonPath
) -> list[Problem]:
    """Return what is wrong with ``parameters`` according to ``kind``'s schema."""
    schema = kind.schema
    if schema is None:
        return []
    if isinstance(schema, str):
        from procreg_tui.definition import schema_problems  # noqa: PLC0415 - a cycle

        return schema_problems(parameters, schema, base_path)

    try:
        validator = _own_schema_validators.get(id(kind))
        if validator is None:
            validator = jsonschema_rs.validator_for(dict(schema))
            _own_schema_validators[id(kind)] = validator
        errors = list(validator.iter_errors(parameters))
    except Exception as error:
        return [
            Problem(
                Severity.WARNING,
                base_path,
                f"The parameters of adapter kind {kind.name!r} could not be checked:"
                f" its schema is broken ({error}).",
                "adapter-schema",
            )
        ]

    return [
        Problem(
            Severity.ERROR,
            base_path + tuple(error.instance_path),
            error.message,
            "adapter-parameters",
        )
        for error in errors
    ]
