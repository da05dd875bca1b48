"""Resolution: substitution, unbound variables, redirections and lenient reading."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procreg_tui.resolve import (
    Redirection,
    command_line,
    references,
    resolve,
    sample_bindings,
    substitute,
    variable_problems,
    wiring,
)


@pytest.mark.parametrize(
    ("text", "bindings", "value", "unbound"),
    [
        ("${a}", {"a": "1"}, "1", set()),
        ("x${a}y${b}z", {"a": "1"}, "x1y${b}z", {"b"}),
        ("$${a}", {"a": "1"}, "${a}", set()),
        ("$$${a}", {"a": "1"}, "$${a}", set()),
        ("$a ${ a} ${1a} ${a-b}", {"a": "1"}, "$a ${ a} ${1a} ${a-b}", set()),
        ("${a}", {"a": "${b}"}, "${b}", set()),
        ("${a}${a}", {}, "${a}${a}", {"a"}),
        ("no variables", {}, "no variables", set()),
    ],
)
def test_substitution_per_element(
    text: str, bindings: dict[str, str], value: str, unbound: set[str]
) -> None:
    """${name} takes its binding, $${ is a literal ${, and values are not re-read."""
    assert substitute(text, bindings) == (value, frozenset(unbound))


def test_references_skip_the_escape() -> None:
    """references() lists variables in order and ignores $${."""
    assert references("${a}$${b}${c}${a}") == ["a", "c", "a"]


def test_resolve_returns_every_part() -> None:
    """resolve() fills argv, cwd, environment, timeout, redirections and unbound."""
    definition = {
        "exec": "/bin/conv",
        "args": ["--in", "${input_file}", "--mode", "${mode}"],
        "cwd": "/w",
        "environment": {"B": "2", "A": "1"},
        "timeout": 1.5,
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": "${input_file}"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDERR"},
        },
    }

    resolution = resolve(definition, {"input_file": "/d/in", "output_file": "/d/err"})

    assert resolution.to_json() == {
        "argv": ["/bin/conv", "--in", "/d/in", "--mode", "${mode}"],
        "cwd": "/w",
        "environment": {"B": "2", "A": "1"},
        "timeout": 1.5,
        "redirections": [{"fd": 2, "target": "/d/err", "append": False}],
        "unbound": ["mode"],
    }


def test_unbound_stream_files_stay_visible() -> None:
    """Without bindings a stream's file stays ${input_file}, quoted, and is unbound."""
    definition = {
        "exec": "/usr/bin/tr",
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
        },
    }

    resolution = resolve(definition)

    assert resolution.redirections == (Redirection(0, "${input_file}"),)
    assert resolution.unbound == frozenset({"input_file"})
    assert command_line(resolution) == "/usr/bin/tr < '${input_file}'"


@pytest.mark.parametrize(
    ("adapter", "argv", "redirections"),
    [
        (
            {"output_type": "append", "output_parameters": {"file_path": "/l"}},
            [],
            (Redirection(1, "/l", append=True),),
        ),
        (
            {"output_type": "append", "output_parameters": {"file_path": "/l"}},
            ["--log=/l"],
            (),
        ),
        (
            {"output_type": "pipe", "output_parameters": {"pipe_path": "${p}"}},
            [],
            (Redirection(1, "/f"),),
        ),
        (
            {"output_type": "pipe", "output_parameters": {"pipe_path": "${p}"}},
            ["${p}"],
            (),
        ),
        ({"output_type": "file", "output_parameters": {"file_path": "${p}"}}, [], ()),
    ],
)
def test_a_path_not_among_the_arguments_falls_back_to_a_stream(
    adapter: dict[str, Any], argv: list[str], redirections: tuple[Redirection, ...]
) -> None:
    """append and pipe fall back to stdout when argv lacks their path; file does not."""
    definition = {"exec": "/bin/x", "argv": argv, "output_adapter": adapter}

    assert resolve(definition, {"p": "/f"}).redirections == redirections


@pytest.mark.parametrize(
    ("definition", "argv", "cwd", "environment", "timeout"),
    [
        (None, ("",), None, {}, None),
        ([1, 2], ("",), None, {}, None),
        ({"exec": 5, "argv": "a b"}, ("",), None, {}, None),
        (
            {"exec": "x", "argv": [1, None, True, {"a": [1]}, 2.5]},
            ("x", "1", "null", "true", '{"a": [1]}', "2.5"),
            None,
            {},
            None,
        ),
        ({"exec": "x", "cwd": "", "timeout": 0}, ("x",), None, {}, None),
        ({"exec": "x", "cwd": 3, "timeout": True}, ("x",), None, {}, None),
        ({"exec": "x", "timeout": float("nan")}, ("x",), None, {}, None),
        ({"exec": "x", "timeout": -1}, ("x",), None, {}, None),
        ({"exec": "x", "environment": ["A=1"]}, ("x",), None, {}, None),
        (
            {
                "exec": "x",
                "environment": {"A": 1, "": "e", "B=C": "d", "N\0": "n", "ok": "v"},
            },
            ("x",),
            None,
            {"A": "1", "ok": "v"},
            None,
        ),
        ({"exec": "x", "argv": ["a"], "args": ["b"]}, ("x", "a"), None, {}, None),
    ],
)
def test_wrong_types_resolve_as_best_they_can(
    definition: object,
    argv: tuple[str, ...],
    cwd: str | None,
    environment: dict[str, str],
    timeout: float | None,
) -> None:
    """Unusable values are left out; non-string arguments become their JSON text."""
    resolution = resolve(definition)

    assert (
        resolution.argv,
        resolution.cwd,
        dict(resolution.environment),
        resolution.timeout,
    ) == (
        argv,
        cwd,
        environment,
        timeout,
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
adapter_like = st.fixed_dictionaries(
    {},
    optional={
        "input_type": st.sampled_from(["file", "tcp", "pipe", "append", "x"])
        | json_values,
        "output_type": st.sampled_from(["file", "pipe", "append", "y"]) | json_values,
        "input_parameters": json_values,
        "input_params": json_values,
        "output_parameters": json_values,
        "output_params": json_values,
    },
)
definitions = json_values | st.fixed_dictionaries(
    {},
    optional={
        "exec": json_values,
        "argv": json_values,
        "args": json_values,
        "cwd": json_values,
        "timeout": json_values,
        "environment": json_values,
        "input_adapter": adapter_like | json_values,
        "output_adapter": adapter_like | json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    definition=definitions,
    bindings=st.dictionaries(st.text(max_size=5), st.text(max_size=5)),
)
def test_no_json_value_makes_resolution_raise(
    definition: object, bindings: dict[str, str]
) -> None:
    """resolve, command_line, wiring, the checks and samples accept any JSON value."""
    resolution = resolve(definition, bindings)
    line = command_line(resolution)
    drawn = wiring(definition, bindings)
    problems = variable_problems(definition, bindings)
    samples = sample_bindings(definition)

    assert isinstance(line, str)
    assert [
        text for text in drawn.to_text() if len(text) > 80 or not text.isprintable()
    ] == []
    assert {problem.code for problem in problems} <= {
        "unbound-variable",
        "unused-path-variable",
    }
    assert [
        value for value in samples.values() if not value.startswith("/tmp/procreg/")
    ] == []
