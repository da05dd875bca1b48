"""Checks of a definition's adapters: known kinds, their parameters, their streams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from procreg_tui.adapters._builtin import BUILTIN_KINDS
from procreg_tui.adapters._kind import Adapter, AdapterKind, Direction
from procreg_tui.adapters._registry import _default_registry, adapter_of, builtin_kind
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
        message = f"unknown {direction.value} adapter kind {adapter.type_name!r}"
    failure = _default_registry().failed.get(adapter.type_name or "")
    why = f" The {failure}." if failure else ""
    return Problem(
        Severity.WARNING,
        (direction.adapter_key, direction.type_key),
        f"{message}; known {direction.value} kinds: {', '.join(known)}.{why}"
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
            import jsonschema_rs  # noqa: PLC0415 - only a plugin's own schema needs it

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


_DIRECTION_KEYS = tuple(
    (direction, direction.adapter_key, direction.type_key, *direction.parameters_keys)
    for direction in Direction
)


def builtin_adapter_schema() -> dict[str, Any]:
    """Return a JSON Schema for a definition whose adapters all use built-in kinds.

    It adds to the shipped schema: each adapter names a built-in kind that
    serves its direction, has its parameters (under either spelling), and
    every spelling present fits the kind's schema. A definition meeting both
    has no adapter problems but those of :func:`builtin_adapter_problems`.
    Kinds whose schema is not a reference into the shipped schema are left
    out, so that their adapters are checked in full.
    """
    properties: dict[str, Any] = {}
    for direction, adapter_key, type_key, *parameters_keys in _DIRECTION_KEYS:
        branches: list[Any] = []
        for kind in BUILTIN_KINDS:
            if direction not in kind.directions:
                continue
            if kind.schema is None:
                branches.append({"properties": {type_key: {"const": kind.name}}})
            elif isinstance(kind.schema, str):
                parameters = {"$ref": kind.schema}
                branches.append(
                    {
                        "properties": {
                            type_key: {"const": kind.name},
                            **dict.fromkeys(parameters_keys, parameters),
                        },
                        "anyOf": [{"required": [key]} for key in parameters_keys],
                    }
                )
        properties[adapter_key] = {"anyOf": branches}
    return {"properties": properties}


def builtin_adapter_problems(
    definition: Mapping[str, Any], adapters_json: bytes | None = None
) -> list[Problem]:
    """Return :func:`adapter_problems` of a definition with built-in kinds only.

    ``definition`` must meet the shipped schema and :func:`builtin_adapter_schema`;
    then only the kinds' own checks (a stream that does not fit its direction)
    can find anything, and they are all this runs. ``adapters_json`` is
    :func:`adapters_json` of the definition, when the caller has it already.
    """
    remembered = _adapters_text(definition) if adapters_json is None else adapters_json
    found = _CHECKED.get(remembered)
    if found is None:
        found = tuple(
            problem
            for keys in _DIRECTION_KEYS
            if (adapter := definition.get(keys[1])) is not None
            for problem in _builtin_check(keys, adapter)
        )
        if remembered:
            if len(_CHECKED) >= _CHECKED_KEPT:
                _CHECKED.clear()
            _CHECKED[remembered] = found
    return list(found)


def adapters_json(definition: Mapping[str, Any]) -> bytes:
    """Return the JSON text of the input and the output adapter of ``definition``.

    The results of the built-in checks are kept by it; it is empty (and
    nothing is kept) when the adapters are not plain JSON.
    """
    return _adapters_text(definition)


def _adapters_text(definition: Mapping[str, Any]) -> bytes:
    try:
        return orjson.dumps(
            (definition.get(_INPUT_ADAPTER), definition.get(_OUTPUT_ADAPTER))
        )
    except TypeError:
        return b""


_INPUT_ADAPTER, _OUTPUT_ADAPTER = (keys[1] for keys in _DIRECTION_KEYS)


_CHECKED: dict[bytes, tuple[Problem, ...]] = {}
"""The problems of pairs of built-in adapters, by their JSON text: they depend
on the adapters alone, and a registry uses few distinct ones."""
_CHECKED_KEPT = 1024


def _builtin_check(
    keys: tuple[Direction, str, str, str, str], adapter: Mapping[str, Any]
) -> list[Problem]:
    """Return the problems the built-in kind of ``adapter`` finds in it."""
    direction, adapter_key, type_key, canonical, alias = keys
    key = canonical if canonical in adapter else alias if alias in adapter else None
    parameters: Mapping[str, Any] = adapter[key] if key is not None else {}
    path = (adapter_key,) if key is None else (adapter_key, key)
    kind = builtin_kind(direction, adapter[type_key])
    if kind is None:
        return []
    return [problem.under(path) for problem in kind.check(direction, parameters)]
