"""Variable checks and sample bindings."""

from __future__ import annotations

from typing import Any

import pytest

from procreg_tui.definition.problems import Severity
from procreg_tui.resolve import sample_bindings, variable_problems

FILE_IN = {"input_type": "file", "input_parameters": {"file_path": "${input_file}"}}


@pytest.mark.parametrize(
    ("definition", "bindings", "found"),
    [
        ({"exec": "x", "argv": ["${input_file}"], "input_adapter": FILE_IN}, None, []),
        (
            {"exec": "x", "argv": ["-o", "${out}"]},
            None,
            [(("argv", 1), "unbound-variable", "${out} has no value")],
        ),
        ({"exec": "x", "argv": ["-o", "${out}"]}, {"out": "/o"}, []),
        (
            {"exec": "x", "args": ["${a}${a}", "$${b}", "${c}"]},
            None,
            [
                (("args", 0), "unbound-variable", "${a} has no value"),
                (("args", 2), "unbound-variable", "${c} has no value"),
            ],
        ),
        (
            {"exec": "x", "argv": ["--quiet"], "input_adapter": FILE_IN},
            None,
            [
                (
                    ("input_adapter", "input_parameters", "file_path"),
                    "unused-path-variable",
                    "${input_file} never appears in argv",
                )
            ],
        ),
        (
            {
                "exec": "x",
                "input_adapter": {
                    "input_type": "file",
                    "input_params": {"file_path": "${dir}/in"},
                },
                "argv": ["${dir}/in"],
            },
            None,
            [
                (("argv", 0), "unbound-variable", "${dir} has no value"),
                (
                    ("input_adapter", "input_params", "file_path"),
                    "unbound-variable",
                    "${dir} has no value",
                ),
            ],
        ),
        (
            {
                "exec": "x",
                "argv": ["${sock}"],
                "input_adapter": {
                    "input_type": "zmq",
                    "input_parameters": {"socket": "${sock}"},
                },
            },
            None,
            [],
        ),
        (
            {
                "exec": "x",
                "argv": ["${input_file}"],
                "input_adapter": {
                    "input_type": "file",
                    "input_parameters": {"file_type": "stream", "stream_name": "STDIN"},
                },
            },
            None,
            [],
        ),
        (
            {
                "exec": "x",
                "output_adapter": {
                    "output_type": "append",
                    "output_parameters": {"file_path": "${log}"},
                },
            },
            None,
            [],
        ),
        (
            {
                "exec": "x",
                "argv": ["${input-file}", "${1x}${ok}", "$${not-one}", "${open"],
                "input_adapter": {
                    "input_type": "file",
                    "input_parameters": {"file_path": "/in/${a.b}"},
                },
            },
            {"ok": "1"},
            [
                (("argv", 0), "malformed-variable", "${input-file} is not a variable"),
                (("argv", 1), "malformed-variable", "${1x} is not a variable"),
                (("argv", 3), "malformed-variable", "${open is not a variable"),
                (
                    ("input_adapter", "input_parameters", "file_path"),
                    "malformed-variable",
                    "${a.b} is not a variable",
                ),
            ],
        ),
    ],
)
def test_variable_problems(
    definition: dict[str, Any],
    bindings: dict[str, str] | None,
    found: list[tuple[tuple[str | int, ...], str, str]],
) -> None:
    """Unprovided ${name} and path variables missing from argv are warnings in place."""
    problems = variable_problems(definition, bindings)

    assert [(p.path, p.code) for p in problems] == [
        (path, code) for path, code, _ in found
    ]
    assert all(p.severity is Severity.WARNING for p in problems)
    assert all(
        p.message.startswith(words)
        for p, (_, _, words) in zip(problems, found, strict=True)
    )


def test_sample_bindings_cover_every_variable_in_order() -> None:
    """Every variable gets a sample under /tmp/procreg, input and output by role."""
    definition = {
        "exec": "x",
        "argv": ["${input_file}", "${extra}", "$${not_one}"],
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
        },
        "input_adapter": {
            "input_type": "pipe",
            "input_parameters": {"pipe_path": "${fifo}"},
        },
    }

    assert sample_bindings(definition) == {
        "input_file": "/tmp/procreg/input",
        "extra": "/tmp/procreg/extra",
        "fifo": "/tmp/procreg/fifo",
        "output_file": "/tmp/procreg/output",
    }
