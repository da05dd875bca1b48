"""validate's quick path finds exactly the problems of the full checks."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from procreg_tui.adapters import adapter_problems
from procreg_tui.definition import Problem, lint, validate
from procreg_tui.definition.lint import _quick_problems
from procreg_tui.resolve import variable_problems

_WORDS = [
    "-o",
    "--quiet",
    "/data/in.wav",
    "${input_file}",
    "${output_file}",
    "--in=${input_file}",
    "${dir}/in",
    "${x}${x}",
    "$${input_file}",
    "/tmp/fifo",
    "",
]
_paths = st.sampled_from(
    [
        "${input_file}",
        "${output_file}",
        "${dir}/in",
        "${x}",
        "$${x}",
        "/tmp/fifo",
        "/data/in.wav",
        "",
    ]
)
_file_parameters = st.fixed_dictionaries(
    {},
    optional={
        "file_type": st.sampled_from(["stream", "path", "pipe"]),
        "stream_name": st.sampled_from(["STDIN", "STDOUT", "STDERR", "stdin"]),
        "file_path": _paths,
    },
)
_other_parameters = st.fixed_dictionaries(
    {},
    optional={
        "tcp_port": st.sampled_from([0, 1, 8090, 65536, "80"]),
        "chunk_size": st.sampled_from(["10KB", "1MiB", 4096, 0, "big"]),
        "pipe_path": _paths,
        "file_path": _paths,
        "socket": _paths,
    },
)
_parameters = _file_parameters | _other_parameters | st.just([]) | st.none()


def _adapter(direction: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            f"{direction}_type": st.sampled_from(
                ["file", "file", "tcp", "pipe", "append", "zmq", "", 3]
            ),
            f"{direction}_parameters": _parameters,
            f"{direction}_params": _parameters,
            f"{direction}_extra": st.just(1),
        },
    )


definitions = st.fixed_dictionaries(
    {},
    optional={
        "exec": st.sampled_from(["/usr/bin/tr", "sort", "", 7]),
        "argv": st.lists(st.sampled_from(_WORDS), max_size=5) | st.just([1]),
        "args": st.lists(st.sampled_from(_WORDS), max_size=5),
        "name": st.text(max_size=3),
        "process_type": st.sampled_from(["single", "service", "singel"]),
        "timeout": st.sampled_from([60, 0.5, 0, "60", 10**30]),
        "cwd": st.sampled_from(["/srv", ""]),
        "environment": st.dictionaries(
            st.sampled_from(["LANG", "api_token", "DB_PASSWORD", "SSH_KEY", "1BAD"]),
            st.sampled_from(["C", "", "s3cr3t", 5]),
            max_size=3,
        ),
        "input_adapter": _adapter("input"),
        "output_adapter": _adapter("output") | _adapter("input"),
        "exce": st.just("tr"),
        "description": st.just("x" * 1100),
    },
)


def _valid_adapter(direction: str) -> st.SearchStrategy[dict[str, Any]]:
    parameters = st.one_of(
        st.fixed_dictionaries(
            {
                "file_type": st.just("stream"),
                "stream_name": st.sampled_from(["STDIN", "STDOUT", "STDERR"]),
            }
        ),
        st.fixed_dictionaries(
            {"file_path": _paths.filter(bool)},
            optional={"file_type": st.just("path")},
        ),
    )
    kinds = [st.tuples(st.just("file"), parameters)]
    kinds.append(
        st.tuples(
            st.just("pipe"), st.fixed_dictionaries({"pipe_path": _paths.filter(bool)})
        )
    )
    kinds.append(
        st.tuples(
            st.just("append"), st.fixed_dictionaries({"file_path": _paths.filter(bool)})
        )
    )
    if direction == "input":
        kinds.append(
            st.tuples(
                st.just("tcp"),
                st.fixed_dictionaries(
                    {"tcp_port": st.integers(1, 65535)},
                    optional={"chunk_size": st.sampled_from(["10KB", 4096])},
                ),
            )
        )
    return st.tuples(
        st.one_of(kinds), st.sampled_from(["parameters", "params", "both"])
    ).map(lambda chosen: _spelled(direction, *chosen))


def _spelled(
    direction: str, kind: tuple[str, dict[str, Any]], spelling: str
) -> dict[str, Any]:
    name, parameters = kind
    adapter: dict[str, Any] = {f"{direction}_type": name}
    if spelling in {"parameters", "both"}:
        adapter[f"{direction}_parameters"] = parameters
    if spelling in {"params", "both"}:
        adapter[f"{direction}_params"] = parameters
    return adapter


valid_leaning = st.fixed_dictionaries(
    {"exec": st.sampled_from(["/usr/bin/tr", "sort"])},
    optional={
        "argv": st.lists(st.sampled_from(_WORDS), max_size=5),
        "args": st.lists(st.sampled_from(_WORDS), max_size=5),
        "timeout": st.sampled_from([60, 0.5]),
        "environment": st.dictionaries(
            st.sampled_from(["LANG", "API_TOKEN", "db_password", "SSH_KEY", "KEYS"]),
            st.sampled_from(["C", "", "s3cr3t"]),
            max_size=3,
        ),
        "input_adapter": _valid_adapter("input"),
        "output_adapter": _valid_adapter("output"),
        "exce": st.just("tr"),
        "description": st.just("x" * 1100),
    },
)
bindings = st.none() | st.sampled_from(
    [{}, {"x": "/x"}, {"dir": "/d"}, {"input_file": "/in", "output_file": "/out"}]
)


def _full(definition: dict[str, Any], bound: dict[str, str] | None) -> list[Problem]:
    """Return the problems of the full checks, one after another."""
    return [
        *lint(definition),
        *adapter_problems(definition),
        *variable_problems(definition, bound),
    ]


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(definitions | valid_leaning, bindings)
@example(
    {
        "exec": "x",
        "argv": ["${input_file}"],
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
        },
    },
    None,
)
@example(
    {
        "exec": "x",
        "args": ["${dir}/in"],
        "input_adapter": {
            "input_type": "pipe",
            "input_params": {"pipe_path": "${dir}/in"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_path": "${output_file}"},
        },
    },
    None,
)
def test_quick_path_equals_full_checks(
    definition: dict[str, Any], bound: dict[str, str] | None
) -> None:
    """validate returns the full checks' problems, in order, valid or invalid."""
    assert validate(definition, bindings=bound) == _full(definition, bound)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(definitions | valid_leaning, bindings)
def test_quick_path_equals_full_checks_when_taken(
    definition: dict[str, Any], bound: dict[str, str] | None
) -> None:
    """Whenever the quick path answers, its problems are the full checks' own."""
    quick = _quick_problems(definition, bound)
    if quick is not None:
        assert quick == _full(definition, bound)


def test_quick_path_answers_for_every_example(
    example_definitions: list[dict[str, Any]],
) -> None:
    """The shipped examples, built-in kinds only, are checked by the quick path."""
    answers = [_quick_problems(definition, None) for definition in example_definitions]
    assert answers == [[] for _ in example_definitions]


def test_quick_path_declines_unknown_kinds_and_wrong_types() -> None:
    """An unknown kind or a value of the wrong type sends validate the full way."""
    unknown = {"exec": "x", "input_adapter": {"input_type": "zmq"}}
    wrong = {"exec": "x", "timeout": "60"}
    output_tcp = {
        "exec": "x",
        "output_adapter": {"output_type": "tcp", "output_parameters": {"tcp_port": 1}},
    }
    assert [_quick_problems(d, None) for d in (unknown, wrong, output_tcp)] == [
        None,
        None,
        None,
    ]


def test_quick_path_reports_what_is_not_a_variable_as_the_full_checks_do() -> None:
    """${input-file} in argv, ${a.b} in a path: the same warnings in the same order."""
    definition = {
        "exec": "x",
        "argv": ["${input-file}", "${input_file}", "${out"],
        "input_adapter": {
            "input_type": "file",
            "input_parameters": {"file_path": "${input_file}"},
        },
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_path": "/out/${a.b}"},
        },
    }

    quick = _quick_problems(definition, None)

    assert quick is not None
    assert quick == _full(definition, None)
    assert [(p.path, p.code) for p in quick] == [
        (("argv", 0), "malformed-variable"),
        (("argv", 2), "malformed-variable"),
        (("output_adapter", "output_parameters", "file_path"), "malformed-variable"),
    ]
