"""The built-in adapter kinds: their schemas, connections and checks."""

from __future__ import annotations

from typing import Any

import pytest

from procreg_tui.adapters import (
    Connection,
    Direction,
    adapter_of,
    adapter_problems,
    kind_for,
    kinds,
    parse_size,
)
from procreg_tui.definition.problems import Severity

IN, OUT = Direction.INPUT, Direction.OUTPUT


def test_the_built_in_kinds_come_first_in_order() -> None:
    """kinds() lists file, tcp, pipe and append before any plugin."""
    assert [kind.name for kind in kinds()[:4]] == ["file", "tcp", "pipe", "append"]


@pytest.mark.parametrize(
    ("direction", "name", "schema"),
    [
        (IN, "file", "#/$defs/file_parameters"),
        (OUT, "file", "#/$defs/file_parameters"),
        (IN, "tcp", "#/$defs/tcp_parameters"),
        (IN, "pipe", "#/$defs/pipe_parameters"),
        (OUT, "pipe", "#/$defs/pipe_parameters"),
        (IN, "append", "#/$defs/append_parameters"),
        (OUT, "append", "#/$defs/append_parameters"),
    ],
)
def test_each_kind_takes_its_schema_from_the_shipped_defs(
    direction: Direction, name: str, schema: str
) -> None:
    """Every built-in kind points at its $defs entry of the shipped schema."""
    kind = kind_for(direction, name)

    assert kind is not None
    assert kind.schema == schema


def test_tcp_serves_input_only() -> None:
    """tcp is an input kind; there is no tcp output."""
    assert kind_for(OUT, "tcp") is None


@pytest.mark.parametrize(
    ("direction", "name", "parameters", "connection"),
    [
        (
            IN,
            "file",
            {"file_type": "stream", "stream_name": "STDIN"},
            Connection("file, stream STDIN", path="${input_file}", stream=0),
        ),
        (
            OUT,
            "file",
            {"file_type": "stream", "stream_name": "STDOUT"},
            Connection("file, stream STDOUT", path="${output_file}", stream=1),
        ),
        (
            OUT,
            "file",
            {"file_type": "stream", "stream_name": "STDERR"},
            Connection("file, stream STDERR", path="${output_file}", stream=2),
        ),
        (
            OUT,
            "file",
            {"file_type": "stream", "stream_name": "STDIN"},
            Connection("file, stream STDOUT", path="${output_file}", stream=1),
        ),
        (
            IN,
            "file",
            {"file_type": "stream", "stream_name": "STDOUT"},
            Connection("file, stream STDIN", path="${input_file}", stream=0),
        ),
        (
            IN,
            "file",
            {"file_path": "${input_file}"},
            Connection(
                "file path",
                path="${input_file}",
                path_parameter="file_path",
                by_argument=True,
            ),
        ),
        (
            OUT,
            "file",
            {"file_path": "/data/out.mp3"},
            Connection(
                "file path",
                path="/data/out.mp3",
                path_parameter="file_path",
                by_argument=True,
                how="read back after exit",
            ),
        ),
        (
            IN,
            "tcp",
            {"tcp_port": 8090, "chunk_size": "10KB"},
            Connection(
                "tcp",
                how="written to TCP port 8090 on this host",
                details=(("port", "8090"), ("chunks", "10KB (10,000 bytes)")),
            ),
        ),
        (
            IN,
            "tcp",
            {"tcp_port": 7, "chunk_size": 4096},
            Connection(
                "tcp",
                how="written to TCP port 7 on this host",
                details=(("port", "7"), ("chunks", "4096 (4,096 bytes)")),
            ),
        ),
        (
            IN,
            "tcp",
            {},
            Connection(
                "tcp",
                how="written to TCP port ? on this host",
                details=(("port", "?"),),
            ),
        ),
        (
            IN,
            "pipe",
            {"pipe_path": "/run/in.fifo"},
            Connection(
                "named pipe",
                path="/run/in.fifo",
                path_parameter="pipe_path",
                stream=0,
                by_argument=True,
            ),
        ),
        (
            OUT,
            "pipe",
            {"pipe_path": "${out_pipe}"},
            Connection(
                "named pipe",
                path="${out_pipe}",
                path_parameter="pipe_path",
                stream=1,
                by_argument=True,
            ),
        ),
        (
            IN,
            "append",
            {"file_path": "/var/log/in.log"},
            Connection(
                "appended file",
                path="/var/log/in.log",
                path_parameter="file_path",
                stream=0,
                by_argument=True,
                how="each message is appended to it",
            ),
        ),
        (
            OUT,
            "append",
            {"file_path": "/var/log/out.log"},
            Connection(
                "appended file",
                path="/var/log/out.log",
                path_parameter="file_path",
                stream=1,
                append=True,
                by_argument=True,
                how="read as it grows",
            ),
        ),
        (
            IN,
            "pipe",
            {"pipe_path": 5},
            Connection(
                "named pipe",
                path=None,
                path_parameter="pipe_path",
                stream=0,
                by_argument=True,
            ),
        ),
    ],
)
def test_each_kind_connects_as_its_parameters_say(
    direction: Direction,
    name: str,
    parameters: dict[str, Any],
    connection: Connection,
) -> None:
    """connect() returns the stream, path, argument use and details of each kind."""
    kind = kind_for(direction, name)

    assert kind is not None
    assert kind.connect(direction, parameters) == connection


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("10KB", 10_000),
        ("10KiB", 10_240),
        ("1MiB", 1_048_576),
        ("1.5 GB", 1_500_000_000),
        ("2TiB", 2 * 1024**4),
        ("512B", 512),
        ("512", 512),
        (4096, 4096),
        ("0.1B", None),
        ("0KB", None),
        (0, None),
        (-5, None),
        (True, None),
        ("ten KB", None),
        ("10kb", None),
        (None, None),
        (1.5, None),
    ],
)
def test_chunk_sizes_read_as_bytes(text: object, size: int | None) -> None:
    """parse_size() reads SI and IEC units, integers of bytes, and refuses the rest."""
    assert parse_size(text) == size


def test_parameters_are_read_from_the_alias_when_the_canonical_key_is_absent() -> None:
    """adapter_of() reads input_params when input_parameters is not there."""
    definition = {
        "exec": "x",
        "input_adapter": {"input_type": "tcp", "input_params": {"tcp_port": 1}},
    }

    adapter = adapter_of(definition, IN)

    assert adapter is not None
    assert (adapter.parameters, adapter.parameters_key) == (
        {"tcp_port": 1},
        "input_params",
    )


def test_the_canonical_parameters_key_wins_over_its_alias() -> None:
    """adapter_of() prefers output_parameters when both spellings are present."""
    definition = {
        "output_adapter": {
            "output_type": "pipe",
            "output_params": {"pipe_path": "/a"},
            "output_parameters": {"pipe_path": "/b"},
        }
    }

    adapter = adapter_of(definition, OUT)

    assert adapter is not None
    assert (adapter.parameters, adapter.parameters_key) == (
        {"pipe_path": "/b"},
        "output_parameters",
    )


def test_a_kind_that_does_not_serve_the_direction_is_unknown_there() -> None:
    """An output adapter of kind tcp is a warning naming the output kinds."""
    definition = {"exec": "x", "output_adapter": {"output_type": "tcp"}}

    problems = adapter_problems(definition)

    assert [(p.severity, p.path, p.code) for p in problems] == [
        (Severity.WARNING, ("output_adapter", "output_type"), "unknown-adapter")
    ]
    assert problems[0].message == (
        "'tcp' cannot be an output adapter; known output kinds: file, pipe, append."
        " Its parameters are shown as they are."
    )


def test_an_unknown_kind_is_a_warning_naming_the_known_ones() -> None:
    """An input kind nobody provides is a warning; its parameters are not checked."""
    definition = {
        "exec": "x",
        "input_adapter": {"input_type": "s3", "input_parameters": {"bucket": 5}},
    }

    problems = adapter_problems(definition)

    assert [(p.severity, p.path, p.code, p.message) for p in problems] == [
        (
            Severity.WARNING,
            ("input_adapter", "input_type"),
            "unknown-adapter",
            "unknown input adapter kind 's3'; known input kinds: file, tcp, pipe,"
            " append. Its parameters are shown as they are.",
        )
    ]


@pytest.mark.parametrize(
    ("adapter", "path"),
    [
        (
            {
                "input_type": "file",
                "input_parameters": {"file_type": "stream", "stream_name": "STDOUT"},
            },
            ("input_adapter", "input_parameters", "stream_name"),
        ),
        (
            {
                "input_type": "file",
                "input_params": {"file_type": "stream", "stream_name": "STDERR"},
            },
            ("input_adapter", "input_params", "stream_name"),
        ),
    ],
)
def test_an_input_stream_other_than_stdin_is_a_warning(
    adapter: dict[str, Any], path: tuple[str, ...]
) -> None:
    """An input file on STDOUT or STDERR warns at stream_name, under either spelling."""
    problems = adapter_problems({"exec": "x", "input_adapter": adapter})

    assert [(p.severity, p.path, p.code) for p in problems] == [
        (Severity.WARNING, path, "stream-direction")
    ]
    stream = adapter.get("input_parameters", adapter.get("input_params"))["stream_name"]
    assert problems[0].message == (
        f"an input file cannot use {stream}: use STDIN;"
        " procreg connects it to standard input."
    )


def test_an_output_stream_on_stdin_is_a_warning() -> None:
    """An output file on STDIN warns and says it is connected to standard output."""
    definition = {
        "exec": "x",
        "output_adapter": {
            "output_type": "file",
            "output_parameters": {"file_type": "stream", "stream_name": "STDIN"},
        },
    }

    problems = adapter_problems(definition)

    assert [(p.path, p.message) for p in problems] == [
        (
            ("output_adapter", "output_parameters", "stream_name"),
            "an output file cannot use STDIN: use STDOUT or STDERR;"
            " procreg connects it to standard output.",
        )
    ]


@pytest.mark.parametrize(
    ("adapter", "path", "words"),
    [
        (
            {"input_type": "tcp", "input_parameters": {"tcp_port": 70000}},
            ("input_adapter", "input_parameters", "tcp_port"),
            "65535",
        ),
        (
            {
                "input_type": "tcp",
                "input_parameters": {"tcp_port": 80, "chunk_size": "lots"},
            },
            ("input_adapter", "input_parameters", "chunk_size"),
            "chunk_size",
        ),
        (
            {"input_type": "file", "input_parameters": {"file_type": "stream"}},
            ("input_adapter", "input_parameters"),
            "stream_name",
        ),
        (
            {"input_type": "pipe", "input_params": {}},
            ("input_adapter", "input_params"),
            "pipe_path",
        ),
        (
            {"input_type": "append"},
            ("input_adapter",),
            "file_path",
        ),
    ],
)
def test_parameters_are_checked_against_the_kinds_schema(
    adapter: dict[str, Any], path: tuple[str, ...], words: str
) -> None:
    """Parameters that break their kind's $defs schema are errors at their place."""
    problems = adapter_problems({"exec": "x", "input_adapter": adapter})

    assert [(p.severity, p.path) for p in problems] == [(Severity.ERROR, path)]
    assert words in problems[0].message


@pytest.mark.parametrize(
    "definition",
    [
        None,
        5,
        "text",
        [],
        {},
        {"input_adapter": None},
        {"input_adapter": []},
        {"input_adapter": {"input_type": 5}},
        {"input_adapter": {"input_type": "file", "input_parameters": "x"}},
        {"output_adapter": {"output_type": "file", "output_parameters": [1]}},
    ],
)
def test_structure_the_definition_schema_reports_is_left_alone(
    definition: object,
) -> None:
    """adapter_problems() adds nothing where the definition's own schema speaks."""
    assert adapter_problems(definition) == []
