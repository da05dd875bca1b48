"""Checking values against the shipped JSON Schema, with messages a user can act on.

A compiled validator (``jsonschema_rs``) answers whether a value is valid; only
when it is not does the ``jsonschema`` library list the errors, which are then
put into plain words derived from the schema itself. ``jsonschema`` is
imported then, not before: it takes longer to import than a command that
finds nothing wrong takes to run.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procreg_tui.definition.errors import DefinitionError
from procreg_tui.definition.problems import JsonPath, Problem, Severity
from procreg_tui.resources import schema_path

if TYPE_CHECKING:
    import jsonschema
    import jsonschema_rs

KEY_CODES = frozenset({"schema-property-name"})
"""Codes of schema problems about an object's key rather than its value."""

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "object": "an object",
    "array": "an array",
    "boolean": "true or false",
    "null": "null",
}


@dataclass(frozen=True)
class _Validators:
    """The two validators of one schema: a fast yes/no and an explaining one."""

    fast: Any
    schema: dict[str, Any]

    @functools.cached_property
    def explaining(self) -> jsonschema.protocols.Validator:
        """Return the validator that lists errors, made on first use."""
        import jsonschema  # noqa: PLC0415 - only an invalid value needs it

        return jsonschema.Draft202012Validator(self.schema)


@functools.cache
def shipped_schema() -> dict[str, Any]:
    """Return the shipped process definition schema as parsed JSON.

    Raises:
        DefinitionError: the schema file is missing or not valid JSON (a broken
            installation).
    """
    path = schema_path()
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DefinitionError(f"cannot read the schema {path}: {error}") from error
    return schema


def subschema(ref: str = "#") -> Any:
    """Return the part of the shipped schema that ``ref`` points to.

    Raises:
        DefinitionError: ``ref`` does not point into the shipped schema.
    """
    if not ref.startswith("#"):
        raise DefinitionError(f"{ref!r} is not a reference into the shipped schema")

    node: Any = shipped_schema()
    for escaped in ref[1:].split("/")[1:]:
        step = escaped.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or step not in node:
            raise DefinitionError(f"the shipped schema has nothing at {ref!r}")
        node = node[step]
    return node


def _compiled(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """Return ``schema`` compiled by ``jsonschema_rs``, imported on first use.

    Importing it costs a command that only lists stored definitions, whose
    checks the registry kept, more than the rest of what it does.
    """
    import jsonschema_rs  # noqa: PLC0415

    return jsonschema_rs.validator_for(schema)


def compiled_schema(*additions: Mapping[str, Any]) -> Any:
    """Return a compiled validator of the shipped schema together with ``additions``.

    Each addition is a schema that must hold as well, written against the
    shipped schema's ``$defs``. It is merged into the shipped schema where
    that keeps the meaning (a keyword the schema does not use, the rule of a
    property it names), so that a value is walked once; the rest joins an
    ``allOf``. The validator answers ``is_valid`` only.
    """
    schema = shipped_schema()
    for addition in additions:
        schema = _merged(schema, addition)
    return _compiled(schema)


_NOT_MERGED = frozenset(
    {"allOf", "additionalProperties", "patternProperties", "unevaluatedProperties"}
)
"""Keywords whose meaning depends on the other keywords of their schema."""


def _merged(schema: Mapping[str, Any], addition: Mapping[str, Any]) -> dict[str, Any]:
    """Return a schema that holds exactly where both ``schema`` and ``addition`` do."""
    merged = dict(schema)
    joined: list[Any] = []
    for keyword, rule in addition.items():
        named = schema.get("properties")
        if keyword == "properties" and isinstance(named, dict):
            properties = dict(named)
            others = {}
            for name, part in rule.items():
                if isinstance(properties.get(name), dict):
                    properties[name] = _merged(properties[name], part)
                else:
                    others[name] = part
            merged["properties"] = properties
            if others:
                joined.append({"properties": others})
        elif keyword == "allOf":
            joined.extend(rule)
        elif keyword in merged or keyword in _NOT_MERGED or keyword == "properties":
            joined.append({keyword: rule})
        else:
            merged[keyword] = rule
    if joined:
        merged["allOf"] = [*merged.get("allOf", []), *joined]
    return merged


def schema_problems(
    instance: object, ref: str = "#", base_path: JsonPath = ()
) -> list[Problem]:
    """Return every way ``instance`` breaks the shipped schema or one of its parts.

    ``ref`` selects the part: ``"#"`` for a whole definition, or a definition
    of the schema such as ``"#/$defs/file_parameters"``. Each problem is an
    error whose path (``base_path`` followed by the place inside ``instance``)
    points to the offending value, with a message naming it. Never raises for
    any JSON value.

    Raises:
        DefinitionError: ``ref`` does not point into the shipped schema.
    """
    validators = _validators(ref)
    try:
        if validators.fast.is_valid(instance):
            return []
    except ValueError:
        # The compiled validator refuses values that are not JSON (such as keys
        # that are not strings); the explaining validator decides instead.
        pass

    whole = "the definition" if ref == "#" else "the parameters"
    found: dict[tuple[JsonPath, str], Problem] = {}
    checked: Any = instance
    for error in validators.explaining.iter_errors(checked):
        for problem in _explain(error, whole):
            found.setdefault((problem.path, problem.message), problem)

    problems = sorted(found.values(), key=lambda problem: _order(problem.path))
    return [problem.under(base_path) for problem in problems] if base_path else problems


def _order(path: JsonPath) -> tuple[tuple[int, str], ...]:
    return tuple(
        (0, str(step)) if isinstance(step, int) else (1, step) for step in path
    )


@functools.cache
def _validators(ref: str) -> _Validators:
    """Return the cached validators for the part of the schema at ``ref``."""
    schema = shipped_schema()
    subschema(ref)
    if ref != "#":
        schema = {
            "$schema": schema["$schema"],
            "$id": schema["$id"],
            "$defs": schema["$defs"],
            "$ref": ref,
        }
    return _Validators(fast=_compiled(schema), schema=schema)


@functools.cache
def _conditions() -> dict[int, tuple[bool, Mapping[str, Any]]]:
    """Map each ``then`` and ``else`` schema, by identity, to its ``if`` schema.

    The flag is true for ``then``. ``jsonschema`` reports a failing ``then``
    with that schema, so this is how a message finds the condition behind it.
    """
    found: dict[int, tuple[bool, Mapping[str, Any]]] = {}
    pending: list[Any] = [shipped_schema()]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            condition = node.get("if")
            if isinstance(condition, dict):
                for branch, holds in (("then", True), ("else", False)):
                    if isinstance(node.get(branch), dict):
                        found[id(node[branch])] = (holds, condition)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _explain(error: jsonschema.ValidationError, whole: str) -> Iterator[Problem]:
    """Yield the problems one ``jsonschema`` error stands for, in plain words."""
    path: JsonPath = tuple(error.absolute_path)
    keyword = str(error.validator)
    code = f"schema-{keyword}"
    instance = error.instance
    value: Any = error.validator_value
    schema: Any = error.schema
    where = path_name(path, whole)

    if "propertyNames" in error.relative_schema_path:
        yield from _explain_property_name(error, path, whole)
        return

    if keyword == "required":
        condition = _condition(schema)
        inside = f" in {path_name(path, whole)}" if path else ""
        for key in value:
            if isinstance(instance, dict) and key not in instance:
                yield Problem(
                    Severity.ERROR,
                    path,
                    f"`{key}` is required{condition}{inside}",
                    code,
                )
        return

    if keyword == "type":
        message = f"{where} must be {_types(value)}, not {_shown(instance)}"
    elif keyword == "enum":
        message = f"{where} must be {_choices(value)}, not {_shown(instance)}"
        message += _did_you_mean(instance, value)
    elif keyword == "const":
        message = f"{where} must be {_code(value)}, not {_shown(instance)}"
    elif keyword in {"oneOf", "anyOf"}:
        message = _explain_alternatives(error, where)
    elif keyword == "minLength" and value == 1:
        message = f"{where} must not be empty"
    elif keyword == "minLength":
        message = f"{where} must be at least {value} characters long"
    elif keyword == "maxLength":
        message = f"{where} must be at most {value} characters long"
    elif keyword in _BOUNDS:
        message = (
            f"{where} must be {_BOUNDS[keyword]} {value}, not {_literal(instance)}"
        )
    elif keyword == "pattern":
        message = f"{where} must {_pattern_hint(schema, value)}, not {_shown(instance)}"
    elif keyword == "additionalProperties" and value is False:
        message = f"{where} has keys the schema does not allow"
    elif keyword == "minItems":
        message = f"{where} must hold at least {value} items"
    elif keyword == "maxItems":
        message = f"{where} must hold at most {value} items"
    elif keyword == "uniqueItems":
        message = f"the items of {where} must all differ"
    else:
        message = f"{where}: {error.message}"

    yield Problem(Severity.ERROR, path, message + _condition(schema), code)


_BOUNDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "greater than",
    "exclusiveMaximum": "less than",
}


def _explain_property_name(
    error: jsonschema.ValidationError, path: JsonPath, whole: str
) -> Iterator[Problem]:
    """Yield the problem of a key that its object's ``propertyNames`` refuses."""
    key = error.instance
    if not isinstance(key, str):
        return
    names: Any = error.schema
    rule = names.get("description") if isinstance(names, dict) else None
    hint = f"it must be {_lower_first(rule).rstrip('.')}" if rule else "see the schema"
    yield Problem(
        Severity.ERROR,
        (*path, key),
        f"the key {_literal(key)} in {path_name(path, whole)} is not valid; {hint}",
        "schema-property-name",
    )


def _explain_alternatives(error: jsonschema.ValidationError, where: str) -> str:
    """Say which alternatives of a ``oneOf``/``anyOf`` a value must match."""
    options: Any = error.validator_value
    alternatives = [_describe(option) for option in options]
    if error.validator == "oneOf" and not error.context:
        return (
            f"{where} fits more than one of its forms ({' and '.join(alternatives)}); "
            "it must fit exactly one"
        )
    if len(alternatives) == 2:
        listed = f"either {alternatives[0]} or {alternatives[1]}"
    else:
        listed = "; or ".join(alternatives)
    return f"{where} must be {listed}, not {_shown(error.instance)}"


def _describe(schema: Any) -> str:
    """Describe what ``schema`` accepts in a few words."""
    if not isinstance(schema, dict):
        return "anything" if schema is True else "nothing"
    if isinstance(schema.get("description"), str):
        return _lower_first(schema["description"]).rstrip(".")

    parts = []
    if "type" in schema:
        parts.append(_types(schema["type"]))
    if "const" in schema:
        parts.append(_code(schema["const"]))
    if "enum" in schema:
        parts.append(_choices(schema["enum"]))
    for keyword, words in _BOUNDS.items():
        if keyword in schema:
            parts.append(f"{words} {schema[keyword]}")
    if "pattern" in schema:
        parts.append(f"matching `{schema['pattern']}`")
    return " ".join(parts) or "a value of another form"


def _condition(schema: Any) -> str:
    """Return `` when `x` is `y` `` for a schema that is the branch of an ``if``."""
    found = _conditions().get(id(schema))
    if found is None:
        return ""
    holds, condition = found

    clauses = []
    properties = condition.get("properties", {})
    for name, rule in properties.items():
        if isinstance(rule, dict) and "const" in rule:
            clauses.append(f"`{name}` is {_code(rule['const'])}")
        elif isinstance(rule, dict) and "enum" in rule:
            clauses.append(f"`{name}` is {_choices(rule['enum'])}")
    for name in condition.get("required", []):
        if name not in properties:
            clauses.append(f"`{name}` is present")
    if not clauses:
        return ""
    return (" when " if holds else " unless ") + " and ".join(clauses)


def path_name(path: JsonPath, whole: str = "the definition") -> str:
    """Name the value at ``path`` for a message: `` `argv[2]` `` or ``whole``."""
    if not path:
        return whole
    written = ""
    for step in path:
        if isinstance(step, int):
            written += f"[{step}]"
        elif step.isidentifier():
            written += f".{step}" if written else step
        else:
            written += f"[{json.dumps(step, ensure_ascii=False)}]"
    return f"`{written}`"


def _types(names: Any) -> str:
    """Write a ``type`` keyword's value as words: ``a string or null``."""
    listed = names if isinstance(names, list) else [names]
    words = [_TYPE_NAMES.get(str(name), str(name)) for name in listed]
    return " or ".join(words)


def _kind(value: object) -> str:
    """Name the JSON type of ``value`` with an article."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _shown(value: object) -> str:
    """Show a value the user wrote: its kind, and for a scalar the value itself."""
    if value is None:
        return "null"
    if isinstance(value, list | dict):
        return _kind(value)
    if isinstance(value, str | int | float | bool):
        return f"{_kind(value)} ({_literal(value)})"
    return _kind(value)


def _literal(value: object, limit: int = 40) -> str:
    """Write a scalar as JSON, shortened to about ``limit`` characters."""
    try:
        written = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        written = repr(value)
    return written if len(written) <= limit else written[: limit - 3] + "..."


def _code(value: object) -> str:
    """Write a value the schema names in backticks: `` `stream` ``, `` `1` ``."""
    written = value if isinstance(value, str) else _literal(value)
    return f"`{written}`"


def _choices(values: Any) -> str:
    """Write allowed values as `` `a`, `b` or `c` ``."""
    written = [_code(value) for value in values]
    if len(written) == 1:
        return written[0]
    return ", ".join(written[:-1]) + f" or {written[-1]}"


def _did_you_mean(value: object, allowed: Any) -> str:
    """Suggest the allowed string closest to ``value``, if one is close."""
    if not isinstance(value, str):
        return ""
    candidates = [choice for choice in allowed if isinstance(choice, str)]
    import difflib  # noqa: PLC0415 - only a misspelt value needs it

    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    if not close:
        close = [choice for choice in candidates if choice.lower() == value.lower()]
    return f"; did you mean {_code(close[0])}?" if close else ""


def _pattern_hint(schema: Any, pattern: Any) -> str:
    """Say what a ``pattern`` asks for, from the schema's description if it has one."""
    description = schema.get("description") if isinstance(schema, dict) else None
    if isinstance(description, str):
        return f"be {_lower_first(description).rstrip('.')}"
    return f"match the pattern `{pattern}`"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
