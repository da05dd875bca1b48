"""No text, bytes or JSON value makes reading or validation raise."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procreg_tui.definition import Problem, Severity, load_bytes, load_text, validate
from procreg_tui.definition.parser import parse

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_known_keys = st.sampled_from(
    [
        "exec",
        "argv",
        "args",
        "application",
        "process_type",
        "timeout",
        "cwd",
        "environment",
        "input_adapter",
        "output_adapter",
        "input_type",
        "output_type",
        "input_parameters",
        "input_params",
        "output_parameters",
        "output_params",
        "file_type",
        "stream_name",
        "file_path",
        "tcp_port",
        "chunk_size",
        "pipe_path",
    ]
)
_kinds = st.sampled_from(["file", "tcp", "pipe", "append", "stream", "STDIN", "x"])
definition_like = st.recursive(
    _scalars | _kinds | st.just("${input_file}"),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_known_keys | st.text(max_size=4), inner, max_size=5)
    ),
    max_leaves=20,
)
_json_text_pieces = st.sampled_from(
    ["{", "}", "[", "]", ",", ":", '"exec"', '"a"', "1", "1e400", "NaN", "true",
     "null", " ", "\n", "//", "'", '"\\u12', '"\\', "-", "\ufeff", "\x00"]
)  # fmt: skip
json_like_text = st.lists(_json_text_pieces, max_size=30).map("".join)


def _assert_well_formed(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem.severity, Severity)
        assert isinstance(problem.path, tuple)
        assert problem.message
        assert problem.code
        if problem.line is not None:
            assert problem.line >= 1
            assert problem.column is not None
            assert problem.column >= 1


@given(st.text() | json_like_text)
def test_load_text_never_raises(text: str) -> None:
    """Any text gives a document whose every failure is a located problem."""
    document = load_text(text)

    _assert_well_formed(document.problems)
    for problem in document.problems:
        assert problem.line is not None
    if document.value is None:
        assert document.problems


@given(st.binary() | json_like_text.map(lambda text: text.encode("utf-8")))
def test_load_bytes_never_raises(data: bytes) -> None:
    """Any bytes give a document; undecodable bytes are one located problem."""
    document = load_bytes(data, "x.json")

    _assert_well_formed(document.problems)


@given(json_like_text | st.text())
def test_lenient_reader_agrees_with_strict_json(text: str) -> None:
    """Where strict JSON reads text, the lenient reader reads the same, silently."""
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        return
    if "NaN" in text or "Infinity" in text or "1e400" in text:
        return

    result = parse(text)

    assert result.complete
    assert result.notes == []
    assert result.value == expected


@given(json_values, st.sampled_from([None, 1, 2, "\t"]))
def test_lenient_reader_reads_any_serialized_value(value: Any, indent: Any) -> None:
    """Any JSON value written by json.dumps reads back equal, with no problems."""
    text = json.dumps(value, indent=indent)

    result = parse(text)

    assert (result.complete, result.notes) == (True, [])
    assert result.value == value


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_values | definition_like)
def test_validate_never_raises(value: Any) -> None:
    """Any JSON value validates into problems, each with a path and a message."""
    _assert_well_formed(validate(value))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(_known_keys, definition_like, max_size=8),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
def test_validate_never_raises_on_definition_shapes(
    definition: dict[str, Any], bindings: dict[str, str]
) -> None:
    """Objects with the keys of a definition and any values never make it raise."""
    _assert_well_formed(validate(definition, bindings=bindings))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_known_keys, definition_like, max_size=8))
def test_validate_with_document_places_every_problem(
    definition: dict[str, Any],
) -> None:
    """With the document it came from, every problem of a definition is placed."""
    document = load_text(json.dumps(definition, indent=2))

    problems = validate(document.value, document=document)

    _assert_well_formed(problems)
    assert all(problem.line is not None for problem in problems)


def test_validate_of_deeply_nested_python_value_does_not_raise() -> None:
    """A value nested far deeper than any text may be is an error, not a crash."""
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]

    problems = validate({"exec": "a", "extra": deep})

    assert [(p.code, p.severity) for p in problems] == [
        ("unknown-key", Severity.WARNING),
        ("too-deep", Severity.ERROR),
    ]


def test_validate_of_values_orjson_refuses_measures_them() -> None:
    """Huge integers and unpaired surrogates are measured without raising; an
    integer no registry can store is an error at its place."""
    problems = validate({"exec": "a\ud800", "timeout": 10**30, "name": "x" * 1100})

    assert [(p.code, p.path) for p in problems] == [
        ("integer-too-large", ("timeout",)),
        ("definition-size", ()),
    ]
    assert problems[0].message == (
        "`timeout` is the integer 1.000e+30, beyond the 64 bits a registry can "
        "store; write it as a string if it is a label, or as a smaller number"
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [(2**64 - 1, True), (2**64, False), (-(2**63), True), (-(2**63) - 1, False)],
)
def test_integers_are_checked_against_what_a_registry_stores(
    value: int, stored: bool
) -> None:
    """validate errs exactly where the registry would refuse to store."""
    problems = validate({"exec": "a", "x": [value]})

    errors = [(p.code, p.path) for p in problems if p.severity is Severity.ERROR]
    assert errors == ([] if stored else [("integer-too-large", ("x", 0))])
