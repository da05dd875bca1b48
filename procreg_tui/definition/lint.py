"""Every problem of one definition: schema, keys, secrets, size, adapters, variables."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from procreg_tui.definition.errors import DefinitionError
from procreg_tui.definition.problems import JsonPath, Problem, Severity
from procreg_tui.definition.schema import (
    KEY_CODES,
    compiled_schema,
    path_name,
    schema_problems,
    shipped_schema,
)

if TYPE_CHECKING:
    from procreg_tui.definition.document import Document

SIZE_LIMIT = 1024
"""Characters of JSON the original registry could store for one definition."""

# Fields whose text reaches the process, besides argv, environment and the
# adapters' parameters.
_PROCESS_TEXT = ("exec", "cwd")
_ADAPTER_PARAMETERS = {
    "input_adapter": ("input_parameters", "input_params"),
    "output_adapter": ("output_parameters", "output_params"),
}

_SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$", re.IGNORECASE)

_KEY_CODES = KEY_CODES | {"unknown-key", "alias-key", "alias-conflict"}


@dataclass(frozen=True, slots=True)
class _Shape:
    """The keys the schema names for one object of a definition."""

    known: frozenset[str]
    """Every key the schema lists, other spellings included."""
    aliases: Mapping[str, str]
    """Other spellings, each mapped to the key procreg prefers."""
    children: Mapping[str, _Shape] = field(default_factory=dict)
    """Shapes of the members that are objects with keys of their own."""


@functools.cache
def _definition_shape() -> _Shape:
    """Return the shape of a definition, read from the shipped schema."""
    return _shape_of(shipped_schema())


def _shape_of(schema: Mapping[str, Any]) -> _Shape:
    properties: Mapping[str, Any] = schema.get("properties", {})
    aliases = {
        key: rule["x-canonical-key"]
        for key, rule in properties.items()
        if isinstance(rule, dict) and "x-canonical-key" in rule
    }
    children = {
        key: _shape_of(rule)
        for key, rule in properties.items()
        if isinstance(rule, dict) and "properties" in rule
    }
    return _Shape(frozenset(properties), aliases, children)


def validate(
    definition: object,
    *,
    document: Document | None = None,
    base_path: JsonPath = (),
    bindings: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Return every problem of one definition.

    That is: schema errors, other spellings of keys, unknown keys, secrets
    kept in plain text, the size, and the checks of the adapters and of
    variable resolution. Paths are ``base_path`` (where the definition sits in
    ``document``) followed by the place inside the definition; with a
    ``document``, each problem also gets the line and column of the value (of
    the key, for problems with a key). Never raises for any JSON value.
    """
    problems = _quick_problems(definition, bindings)
    if problems is None:
        problems = lint(definition)
        if isinstance(definition, dict):
            adapter_problems, variable_problems = _full_checks()
            problems.extend(adapter_problems(definition))
            problems.extend(variable_problems(definition, bindings))

    if document is not None:
        return [_placed(problem, document, base_path) for problem in problems]
    if base_path:
        return [problem.under(base_path) for problem in problems]
    return problems


def _quick_problems(
    definition: object, bindings: Mapping[str, str] | None
) -> list[Problem] | None:
    """Return every problem of a definition whose adapters are all built in.

    Returns ``None`` unless ``definition`` is an object that meets the shipped
    schema and :func:`procreg_tui.adapters.builtin_adapter_schema`, as nearly
    every stored definition does. Then one compiled check stands for the
    schema and the adapters' parameters (and, for a definition that also
    spells every key as procreg does and keeps no secret, for those checks
    too), and only what a schema cannot say is looked at; the problems are
    those the full checks find, in their order.
    """
    if type(definition) is not dict:
        return None
    checks = _quick_checks()
    problems: list[Problem] = []
    try:
        if not checks.clean_schema.is_valid(definition):
            if not _builtin_schema().is_valid(definition):
                return None
            _check_keys(definition, _definition_shape(), (), problems)
            environment = definition.get("environment")
            if environment:
                _check_secrets(environment, problems)
    except ValueError:
        return None

    _check_size(definition, problems)
    adapters_json = checks.adapters_json(definition)
    problems += checks.builtin_adapter_problems(definition, adapters_json)
    problems += checks.builtin_variable_problems(definition, bindings, adapters_json)
    return problems


@dataclass(frozen=True, slots=True)
class _QuickChecks:
    """What the quick path of :func:`validate` runs besides this area's checks."""

    clean_schema: Any
    """The compiled shipped schema, narrowed to adapters of built-in kinds,
    keys spelled as procreg does and environments without secrets."""
    adapters_json: Callable[[dict[str, Any]], bytes]
    builtin_adapter_problems: Callable[[dict[str, Any], bytes], list[Problem]]
    builtin_variable_problems: Callable[
        [dict[str, Any], Mapping[str, str] | None, bytes], list[Problem]
    ]


@functools.cache
def _quick_checks() -> _QuickChecks:
    """Return the quick checks of the adapters and of resolution.

    They are imported on first use: both areas import this package's
    problems, so importing them here at the top would be circular.
    """
    from procreg_tui import adapters  # noqa: PLC0415
    from procreg_tui.resolve import builtin_variable_problems  # noqa: PLC0415

    return _QuickChecks(
        clean_schema=compiled_schema(
            adapters.builtin_adapter_schema(), _clean_schema(_definition_shape())
        ),
        adapters_json=adapters.adapters_json,
        builtin_adapter_problems=adapters.builtin_adapter_problems,
        builtin_variable_problems=builtin_variable_problems,
    )


@functools.cache
def _builtin_schema() -> Any:
    """Return the compiled shipped schema, narrowed to adapters of built-in kinds."""
    from procreg_tui.adapters import builtin_adapter_schema  # noqa: PLC0415

    return compiled_schema(builtin_adapter_schema())


@functools.cache
def _full_checks() -> tuple[
    Callable[[object], list[Problem]],
    Callable[[object, Mapping[str, str] | None], list[Problem]],
]:
    """Return the full checks of the adapters and of resolution, imported on use."""
    from procreg_tui.adapters import adapter_problems  # noqa: PLC0415
    from procreg_tui.resolve import variable_problems  # noqa: PLC0415

    return adapter_problems, variable_problems


def lint(definition: object) -> list[Problem]:
    """Return the problems of ``definition`` that this area finds itself.

    These are the schema errors, key spellings, unknown keys, secrets and
    size; :func:`validate` adds those of the adapters and of resolution.
    Never raises for any JSON value.
    """
    problems = schema_problems(definition)
    if not isinstance(definition, dict):
        return problems

    _check_keys(definition, _definition_shape(), (), problems)
    environment = definition.get("environment")
    if isinstance(environment, dict):
        _check_secrets(environment, problems)
    _check_size(definition, problems)
    return problems


def fix_aliases(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``definition`` with other spellings renamed.

    ``args``, ``input_params`` and ``output_params`` become ``argv``,
    ``input_parameters`` and ``output_parameters``, in place, keeping the
    order of the keys; an other spelling next to an equal canonical value is
    dropped. The given definition is not changed.

    Raises:
        DefinitionError: ``definition`` is not an object, or has both spellings
            of a key with different values.
    """
    if not isinstance(definition, Mapping):
        raise DefinitionError("a definition is a JSON object")

    return _renamed(dict(definition), _definition_shape(), ())


def _renamed(obj: dict[str, Any], shape: _Shape, path: JsonPath) -> dict[str, Any]:
    """Return ``obj`` with the other spellings of ``shape`` renamed, recursively."""
    fixed: dict[str, Any] = {}
    for key, value in obj.items():
        canonical = shape.aliases.get(key)
        if canonical is not None and canonical in obj:
            if obj[canonical] != value:
                spelled, preferred = (
                    path_name((*path, key)),
                    path_name((*path, canonical)),
                )
                raise DefinitionError(
                    f"{spelled} and {preferred} are both present with different "
                    "values; remove one of them"
                )
            continue

        name = canonical or key
        child = shape.children.get(name)
        if child is not None and isinstance(value, dict):
            fixed[name] = _renamed(value, child, (*path, name))
        else:
            fixed[name] = _copied(value)
    return fixed


def _clean_schema(shape: _Shape) -> dict[str, Any]:
    """Return a schema for objects with only the keys ``shape`` prefers, no secrets.

    A definition meeting it has no unknown keys, no other spellings and no
    secret kept in plain text; :func:`_check_keys` and :func:`_check_secrets`
    would find nothing in it.
    """
    schema: dict[str, Any] = {
        "propertyNames": {"enum": sorted(shape.known - shape.aliases.keys())},
        "properties": {
            key: _clean_schema(child) for key, child in shape.children.items()
        },
    }
    if shape is _definition_shape():
        flags = "(?i)" if _SECRET_NAME.flags & re.IGNORECASE else ""
        schema["properties"]["environment"] = {
            "patternProperties": {flags + _SECRET_NAME.pattern: {"maxLength": 0}}
        }
    return schema


def _copied(value: Any) -> Any:
    """Return a deep copy of a JSON value."""
    import copy  # noqa: PLC0415 - only fixing spellings needs it

    return copy.deepcopy(value)


def _check_keys(
    obj: dict[str, Any], shape: _Shape, path: JsonPath, problems: list[Problem]
) -> None:
    """Report the other spellings and unknown keys of ``obj`` and its members."""
    keys = obj.keys()
    if not shape.known.issuperset(keys):
        problems.extend(
            _unknown_key(key, shape, path) for key in obj if key not in shape.known
        )
    if not keys.isdisjoint(shape.aliases):
        problems.extend(
            _alias(obj, key, shape.aliases[key], path)
            for key in obj
            if key in shape.aliases
        )

    for key, child in shape.children.items():
        value = obj.get(key)
        if isinstance(value, dict):
            _check_keys(value, child, (*path, key), problems)


def _unknown_key(key: str, shape: _Shape, path: JsonPath) -> Problem:
    where = f" in {path_name(path)}" if path else ""
    preferred = tuple(sorted(name for name in shape.known if name not in shape.aliases))
    close = _closest(key, preferred) if isinstance(key, str) else None
    hint = f"; did you mean `{close}`?" if close else "; procreg keeps it as it is"
    return Problem(
        Severity.WARNING,
        (*path, key),
        f"unknown key {_literal(key)}{where}{hint}",
        "unknown-key",
    )


@functools.lru_cache(maxsize=1024)
def _closest(key: str, preferred: tuple[str, ...]) -> str | None:
    """Return the key of ``preferred`` that ``key`` is probably a misspelling of."""
    import difflib  # noqa: PLC0415 - only a misspelt key needs it

    close = difflib.get_close_matches(key, preferred, n=1, cutoff=0.6)
    return close[0] if close else None


def _alias(obj: dict[str, Any], key: str, canonical: str, path: JsonPath) -> Problem:
    spelled, preferred = path_name((*path, key)), path_name((*path, canonical))
    if canonical not in obj:
        return Problem(
            Severity.WARNING,
            (*path, key),
            f"{spelled} is another spelling of {preferred}; rename it to "
            f"`{canonical}` (procreg import --fix-aliases renames it as it stores)",
            "alias-key",
        )
    if obj[canonical] == obj[key]:
        return Problem(
            Severity.WARNING,
            (*path, key),
            f"{spelled} repeats {preferred} with the same value; remove `{key}`",
            "alias-key",
        )
    return Problem(
        Severity.ERROR,
        (*path, key),
        f"{spelled} and {preferred} are both present with different values; "
        f"keep only `{canonical}`",
        "alias-conflict",
    )


def _check_secrets(environment: dict[str, Any], problems: list[Problem]) -> None:
    """Report environment variables whose names say they hold a secret."""
    for name, value in environment.items():
        if isinstance(value, str) and value and _looks_secret(name):
            problems.append(
                Problem(
                    Severity.WARNING,
                    ("environment", name),
                    f"{path_name(('environment', name))} looks like a secret kept in "
                    "plain text, readable by anyone who can read the registry; "
                    "leave it out and let the process inherit it instead",
                    "secret-in-plain-text",
                )
            )


@functools.lru_cache(maxsize=4096)
def _looks_secret(name: str) -> bool:
    """Return whether an environment variable called ``name`` holds a secret."""
    return _SECRET_NAME.search(name) is not None


def _check_size(definition: dict[str, Any], problems: list[Problem]) -> None:
    """Note a definition whose JSON is longer than the original registry stored.

    The JSON text also tells cheaply whether any string holds a NUL, which
    :func:`_check_nul` then places.
    """
    try:
        encoded = orjson.dumps(definition)
    except (orjson.JSONEncodeError, TypeError):
        # Integers over 64 bits, unpaired surrogates and deep nesting are valid
        # Python values that orjson refuses; the standard encoder measures them.
        from procreg_tui.definition.parser import MAX_DEPTH, deeper_than  # noqa: PLC0415

        if deeper_than(definition, MAX_DEPTH):
            problems.append(
                Problem(
                    Severity.ERROR,
                    (),
                    f"the definition nests arrays and objects more than {MAX_DEPTH} "
                    "levels deep",
                    "too-deep",
                )
            )
            return
        text = json.dumps(definition, ensure_ascii=False)
        length = len(text)
        if "\\u0000" in text:
            _check_nul(definition, problems)
        _check_integers(definition, (), problems)
    else:
        # Bytes count at least the characters, so only long ones need decoding.
        length = len(encoded)
        if length > SIZE_LIMIT and not encoded.isascii():
            length = len(encoded.decode("utf-8"))
        if b"\\u0000" in encoded:
            _check_nul(definition, problems)

    if length > SIZE_LIMIT:
        problems.append(
            Problem(
                Severity.INFO,
                (),
                f"the definition's JSON is {length:,} characters long, over the "
                f"{SIZE_LIMIT:,} the original registry could store",
                "definition-size",
            )
        )


STORABLE_INTEGERS = range(-(2**63), 2**64)
"""The integers a registry can store: JSON readers beyond 64 bits disagree."""


def _check_integers(value: Any, path: JsonPath, problems: list[Problem]) -> None:
    """Report every integer in ``value`` that no registry can store."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_integers(item, (*path, key), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_integers(item, (*path, index), problems)
    elif (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value not in STORABLE_INTEGERS
    ):
        digits = str(value) if abs(value) < 10**30 else f"{value:.3e}"
        problems.append(
            Problem(
                Severity.ERROR,
                path,
                f"{path_name(path)} is the integer {digits}, beyond the 64 bits a "
                "registry can store; write it as a string if it is a label, or "
                "as a smaller number",
                "integer-too-large",
            )
        )


def _check_nul(definition: dict[str, Any], problems: list[Problem]) -> None:
    """Report NUL characters in what reaches the process.

    No process can be given one in its arguments, environment or paths: the
    operating system ends each string at the first NUL, so the process would
    silently get less than the definition says.
    """
    places: list[tuple[JsonPath, object]] = [
        ((key,), definition.get(key)) for key in _PROCESS_TEXT
    ]
    for key in ("argv", "args"):
        arguments = definition.get(key)
        if isinstance(arguments, list):
            places += [((key, index), item) for index, item in enumerate(arguments)]
    environment = definition.get("environment")
    if isinstance(environment, dict):
        for name, value in environment.items():
            places += [(("environment", name), name), (("environment", name), value)]
    for adapter_key, parameter_keys in _ADAPTER_PARAMETERS.items():
        adapter = definition.get(adapter_key)
        if not isinstance(adapter, dict):
            continue
        for parameters_key in parameter_keys:
            parameters = adapter.get(parameters_key)
            if isinstance(parameters, dict):
                places += [
                    ((adapter_key, parameters_key, name), value)
                    for name, value in parameters.items()
                ]

    reported: set[JsonPath] = set()
    for path, value in places:
        if isinstance(value, str) and "\0" in value and path not in reported:
            reported.add(path)
            problems.append(
                Problem(
                    Severity.ERROR,
                    path,
                    f"{path_name(path)} holds a NUL character (\\u0000); no process "
                    "can be given one, so everything after it would be lost: "
                    "remove it",
                    "nul-character",
                )
            )


def _placed(problem: Problem, document: Document, base_path: JsonPath) -> Problem:
    """Return ``problem`` under ``base_path``, at its line and column in ``document``.

    A path the text does not hold (a required key that is missing) is placed
    at the closest enclosing value that it does hold.
    """
    path = base_path + problem.path
    place = document.locate(path, key=problem.code in _KEY_CODES)
    probe = path
    while place is None and probe:
        probe = probe[:-1]
        place = document.locate(probe)

    placed = problem.under(base_path) if base_path else problem
    return placed.at(*place) if place is not None else placed


def _literal(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
