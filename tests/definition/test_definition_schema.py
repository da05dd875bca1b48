"""Schema problems: specific messages, paths to the offending value, two validators."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from procreg_tui.definition import DefinitionError, Severity, schema_problems
from procreg_tui.definition.schema import _validators, shipped_schema

REFS = [
    "#",
    "#/$defs/file_parameters",
    "#/$defs/tcp_parameters",
    "#/$defs/pipe_parameters",
    "#/$defs/append_parameters",
]


@pytest.mark.parametrize(
    ("instance", "path", "code", "message"),
    [
        pytest.param({}, (), "schema-required", "`exec` is required", id="required"),
        pytest.param(
            {"exec": ""},
            ("exec",),
            "schema-minLength",
            "`exec` must not be empty",
            id="empty-exec",
        ),
        pytest.param(
            {"exec": "a", "timeout": "60"},
            ("timeout",),
            "schema-type",
            '`timeout` must be a number, not a string ("60")',
            id="type",
        ),
        pytest.param(
            {"exec": "a", "timeout": 0},
            ("timeout",),
            "schema-exclusiveMinimum",
            "`timeout` must be greater than 0, not 0",
            id="exclusive-minimum",
        ),
        pytest.param(
            {"exec": "a", "process_type": "singel"},
            ("process_type",),
            "schema-enum",
            "`process_type` must be `single` or `service`, not a string "
            '("singel"); did you mean `single`?',
            id="enum",
        ),
        pytest.param(
            {"exec": "a", "argv": ["-v", 1]},
            ("argv", 1),
            "schema-type",
            "`argv[1]` must be a string, not an integer (1)",
            id="array-item",
        ),
        pytest.param(
            {"exec": "a", "argv": "-v -x"},
            ("argv",),
            "schema-type",
            '`argv` must be an array, not a string ("-v -x")',
            id="argv-string",
        ),
        pytest.param(
            {"exec": "a", "environment": {"1X": "a"}},
            ("environment", "1X"),
            "schema-property-name",
            'the key "1X" in `environment` is not valid; it must be an environment '
            "variable name: a letter or underscore, then letters, digits or "
            "underscores",
            id="property-name",
        ),
        pytest.param(
            {"exec": "a", "environment": {"A": 1}},
            ("environment", "A"),
            "schema-type",
            "`environment.A` must be a string, not an integer (1)",
            id="environment-value",
        ),
        pytest.param(
            {"exec": "a", "input_adapter": {}},
            ("input_adapter",),
            "schema-required",
            "`input_type` is required in `input_adapter`",
            id="nested-required",
        ),
        pytest.param(
            {"exec": "a", "output_adapter": "file"},
            ("output_adapter",),
            "schema-type",
            '`output_adapter` must be an object, not a string ("file")',
            id="adapter-not-object",
        ),
        pytest.param(
            3,
            (),
            "schema-type",
            "the definition must be an object, not an integer (3)",
            id="not-an-object",
        ),
        pytest.param(
            {"exec": None},
            ("exec",),
            "schema-type",
            "`exec` must be a string, not null",
            id="null",
        ),
    ],
)
def test_definition_schema_problem_is_specific(
    instance: object, path: tuple[str | int, ...], code: str, message: str
) -> None:
    """Each kind of schema error gets a specific message at the offending value."""
    problems = schema_problems(instance)

    assert [(p.severity, p.path, p.code, p.message) for p in problems] == [
        (Severity.ERROR, path, code, message)
    ]


@pytest.mark.parametrize(
    ("ref", "instance", "path", "message"),
    [
        pytest.param(
            "#/$defs/file_parameters",
            {"file_type": "stream"},
            (),
            "`stream_name` is required when `file_type` is `stream`",
            id="if-then",
        ),
        pytest.param(
            "#/$defs/file_parameters",
            {},
            (),
            "`file_path` is required unless `file_type` is `stream`",
            id="if-else",
        ),
        pytest.param(
            "#/$defs/file_parameters",
            {"file_type": "stream", "stream_name": "STDNI"},
            ("stream_name",),
            "`stream_name` must be `STDIN`, `STDOUT` or `STDERR`, not a string "
            '("STDNI"); did you mean `STDIN`?',
            id="enum-through-ref",
        ),
        pytest.param(
            "#/$defs/tcp_parameters",
            {"tcp_port": 70000},
            ("tcp_port",),
            "`tcp_port` must be at most 65535, not 70000",
            id="maximum",
        ),
        pytest.param(
            "#/$defs/tcp_parameters",
            {"tcp_port": 80.5},
            ("tcp_port",),
            "`tcp_port` must be an integer, not a number (80.5)",
            id="integer",
        ),
        pytest.param(
            "#/$defs/tcp_parameters",
            {"tcp_port": 80, "chunk_size": "ten"},
            ("chunk_size",),
            "`chunk_size` must be either a number of bytes (at least 1) or a size "
            'such as 10KB or 1MiB, not a string ("ten")',
            id="one-of",
        ),
        pytest.param(
            "#/$defs/tcp_parameters",
            {"tcp_port": 80, "chunk_size": 0},
            ("chunk_size",),
            "`chunk_size` must be either a number of bytes (at least 1) or a size "
            "such as 10KB or 1MiB, not an integer (0)",
            id="one-of-number",
        ),
        pytest.param(
            "#/$defs/pipe_parameters",
            {},
            (),
            "`pipe_path` is required",
            id="pipe",
        ),
        pytest.param(
            "#/$defs/append_parameters",
            [],
            (),
            "the parameters must be an object, not an array",
            id="parameters-not-object",
        ),
    ],
)
def test_adapter_parameter_problem_is_specific(
    ref: str, instance: object, path: tuple[str, ...], message: str
) -> None:
    """Parts of the schema give the same specific messages, never a generic one."""
    base = ("input_adapter", "input_parameters")

    problems = schema_problems(instance, ref, base)

    assert [(p.severity, p.path, p.message) for p in problems] == [
        (Severity.ERROR, base + path, message)
    ]
    assert "is not valid under any of the given schemas" not in message


def test_every_problem_is_listed_in_path_order() -> None:
    """All schema errors of a definition are returned, ordered by path."""
    definition = {
        "timeout": -1,
        "argv": [1, "x", 2],
        "process_type": 3,
    }

    problems = schema_problems(definition)

    assert [p.path for p in problems] == [
        (),
        ("argv", 0),
        ("argv", 2),
        ("process_type",),
        ("timeout",),
    ]


def test_valid_examples_have_no_schema_problems(
    example_definitions: list[dict[str, Any]],
) -> None:
    """The shipped examples follow the schema."""
    assert [schema_problems(d) for d in example_definitions] == [
        [] for _ in example_definitions
    ]


def test_unknown_ref_raises_definition_error() -> None:
    """A reference to a part the schema lacks is a programming error, raised."""
    with pytest.raises(DefinitionError, match="nothing at '#/\\$defs/nope'"):
        schema_problems({}, "#/$defs/nope")


def test_values_the_compiled_validator_refuses_are_still_checked() -> None:
    """Keys that are not strings make the compiled validator raise; not this."""
    assert schema_problems({"exec": "a", "environment": {1: "x"}}) == []
    assert [p.path for p in schema_problems({"exec": 1, 2: 3})] == [("exec",)]


def test_schema_describes_every_property() -> None:
    """The schema has an id, and a title and description on every property.

    Conditions (``if``) name properties without describing them again.
    """
    schema = shipped_schema()
    missing = []
    pending: list[tuple[str, Any]] = [("#", schema)]
    while pending:
        where, node = pending.pop()
        if isinstance(node, dict):
            for name, rule in node.get("properties", {}).items():
                if "description" not in rule or "title" not in rule:
                    missing.append(f"{where}/properties/{name}")
            pending.extend(
                (f"{where}/{key}", value) for key, value in node.items() if key != "if"
            )

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("process_definition.schema.json")
    assert missing == []


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_any_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_names = st.sampled_from(["PATH", "LC_ALL", "1X", "A B", "", "_x9"])
_file_parameters = st.fixed_dictionaries(
    {},
    optional={
        "file_type": st.sampled_from(["stream", "path", "pipe"]) | _scalars,
        "stream_name": st.sampled_from(["STDIN", "STDOUT", "STDERR", "x"]) | _scalars,
        "file_path": st.sampled_from(["${input_file}", "/tmp/a", ""]) | _scalars,
    },
)
_tcp_parameters = st.fixed_dictionaries(
    {},
    optional={
        "tcp_port": st.integers(min_value=-5, max_value=70000) | _scalars,
        "chunk_size": st.sampled_from(["10KB", "1MiB", "1.5 GB", "10 kb", "x", 0, 10])
        | _scalars,
    },
)
_parameters = _file_parameters | _tcp_parameters | _any_json
_adapter = st.fixed_dictionaries(
    {},
    optional={
        "input_type": st.sampled_from(["file", "tcp", ""]) | _scalars,
        "output_type": st.sampled_from(["file", "pipe"]) | _scalars,
        "input_parameters": _parameters,
        "output_parameters": _parameters,
        "input_params": _parameters,
    },
)
definitions = st.fixed_dictionaries(
    {},
    optional={
        "exec": st.sampled_from(["/usr/bin/tr", ""]) | _scalars,
        "argv": st.lists(st.text(max_size=5) | _scalars, max_size=3) | _scalars,
        "args": st.lists(st.text(max_size=5), max_size=3) | _scalars,
        "process_type": st.sampled_from(["single", "service", "batch"]) | _scalars,
        "timeout": st.sampled_from([0, 1, 0.5, -1, 1.0]) | _scalars,
        "cwd": st.sampled_from(["/tmp", ""]) | _scalars,
        "environment": st.dictionaries(_names, _scalars, max_size=3) | _scalars,
        "input_adapter": _adapter | _scalars,
        "output_adapter": _adapter | _scalars,
        "unknown": _any_json,
    },
)


def _agree(instance: Any, ref: str) -> None:
    validators = _validators(ref)
    fast = validators.fast.is_valid(instance)
    explained = list(validators.explaining.iter_errors(instance))

    assert fast == (not explained), (instance, [e.message for e in explained])
    assert (schema_problems(instance, ref) == []) == fast


@given(definitions)
@example({"exec": "/usr/bin/tr"})
@example({"exec": 1})
@example({"exec": "a", "timeout": 1.0})
@example({"exec": "a", "timeout": True})
def test_fast_and_explaining_validators_agree_on_definitions(
    definition: dict[str, Any],
) -> None:
    """jsonschema_rs and jsonschema agree on generated valid and invalid definitions."""
    _agree(definition, "#")


@given(st.sampled_from(REFS[1:]), _parameters)
@example("#/$defs/file_parameters", {"file_type": "stream", "stream_name": "STDIN"})
@example("#/$defs/file_parameters", {"file_type": "stream"})
@example("#/$defs/tcp_parameters", {"tcp_port": 80, "chunk_size": "1.5 GB"})
@example("#/$defs/tcp_parameters", {"tcp_port": 80, "chunk_size": 1.0})
def test_fast_and_explaining_validators_agree_on_parameters(
    ref: str, parameters: object
) -> None:
    """The two validators agree on generated adapter parameters of every kind."""
    _agree(parameters, ref)


@given(definitions)
def test_schema_problems_of_generated_definitions_are_specific(
    definition: dict[str, Any],
) -> None:
    """Schema problems of generated definitions are errors with a path and words."""
    for problem in schema_problems(definition):
        assert problem.severity is Severity.ERROR
        assert problem.code.startswith("schema-")
        assert problem.message
        assert "is not valid under any of the given schemas" not in problem.message
