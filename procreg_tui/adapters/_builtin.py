"""The adapter kinds procreg ships: file (stream or path), tcp, pipe and append."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from procreg_tui.adapters._kind import Connection, Direction
from procreg_tui.definition.problems import Problem, Severity

BOTH = frozenset({Direction.INPUT, Direction.OUTPUT})

_STREAM_FDS = {"STDIN": 0, "STDOUT": 1, "STDERR": 2}
_STREAM_WORDS = {0: "standard input", 1: "standard output", 2: "standard error"}
_FITTING_STREAMS = {
    Direction.INPUT: ("STDIN",),
    Direction.OUTPUT: ("STDOUT", "STDERR"),
}
_DEFAULT_VARIABLES = {Direction.INPUT: "input_file", Direction.OUTPUT: "output_file"}

_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?) ?(?:([KMGT])(i?)B|B)?")
_POWERS = {"K": 1, "M": 2, "G": 3, "T": 4}


def parse_size(value: object) -> int | None:
    """Return a chunk size in bytes, or ``None`` when ``value`` is not a size.

    Accepts a positive integer of bytes or a string such as ``10KB`` (10,000
    bytes), ``1MiB`` (1,048,576 bytes) or ``1.5 GB``; fractions of a byte are
    dropped.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None

    match = _SIZE.fullmatch(value)
    if match is None:
        return None

    number, prefix, binary = match.groups()
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None
    if prefix is not None:
        amount *= (1024 if binary else 1000) ** _POWERS[prefix]
    size = int(amount)
    return size if size > 0 else None


def _path(parameters: Mapping[str, Any], key: str) -> str | None:
    """Return the parameter ``key`` when it is a non-empty string."""
    value = parameters.get(key)
    return value if isinstance(value, str) and value else None


def default_variable(direction: Direction) -> str:
    """Return the variable naming the file a stream adapter uses in ``direction``."""
    return _DEFAULT_VARIABLES[direction]


@functools.lru_cache(maxsize=256)
def _file_connection(
    direction: Direction, fd: int | None, path: str | None
) -> Connection:
    """Return the connection of a file on stream ``fd``, or passed by ``path``.

    Cached: the same few connections are asked for on every keystroke.
    """
    if fd is not None:
        stream_name = {0: "STDIN", 1: "STDOUT", 2: "STDERR"}[fd]
        return Connection(
            title=f"file, stream {stream_name}",
            path="${" + default_variable(direction) + "}",
            stream=fd,
        )
    return Connection(
        title="file path",
        path=path,
        path_parameter="file_path",
        by_argument=True,
        how=None if direction is Direction.INPUT else "read back after exit",
    )


@dataclass(frozen=True, slots=True)
class FileKind:
    """A file the bus writes the message to, or reads the result from.

    With ``file_type`` ``stream`` the file is connected to a standard stream
    (``< FILE``, ``> FILE``, ``2> FILE``) and is named by the ``input_file`` or
    ``output_file`` variable; otherwise ``file_path`` names it and the process
    gets the path among its arguments.
    """

    name: str = "file"
    directions: frozenset[Direction] = BOTH
    schema: str = "#/$defs/file_parameters"
    description: str = (
        "A file written for the process (input) or read after it exits (output),"
        " on a standard stream or passed by path."
    )

    def connect(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> Connection:
        """Return the stream redirection or the path argument the file uses."""
        if self._is_stream(parameters):
            fd = self._stream_fd(direction, parameters)
            return _file_connection(direction, fd, None)
        return _file_connection(direction, None, _path(parameters, "file_path"))

    def check(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> list[Problem]:
        """Return a warning when ``stream_name`` does not fit ``direction``."""
        stream_name = parameters.get("stream_name")
        if not self._is_stream(parameters) or stream_name not in _STREAM_FDS:
            return []

        fitting = _FITTING_STREAMS[direction]
        if stream_name in fitting:
            return []
        return [
            Problem(
                Severity.WARNING,
                ("stream_name",),
                f"an {direction.value} file cannot use {stream_name}: use "
                + " or ".join(fitting)
                + f"; procreg connects it to {_STREAM_WORDS[_STREAM_FDS[fitting[0]]]}.",
                "stream-direction",
            )
        ]

    @staticmethod
    def _is_stream(parameters: Mapping[str, Any]) -> bool:
        """Return whether the parameters ask for a standard stream."""
        file_type = parameters.get("file_type")
        if file_type == "stream":
            return True
        return (
            file_type is None
            and "file_path" not in parameters
            and ("stream_name" in parameters)
        )

    @staticmethod
    def _stream_fd(direction: Direction, parameters: Mapping[str, Any]) -> int:
        """Return the descriptor to redirect; a name that does not fit is replaced."""
        fd = _STREAM_FDS.get(str(parameters.get("stream_name")))
        if direction is Direction.INPUT:
            return 0
        return fd if fd in (1, 2) else 1


@dataclass(frozen=True, slots=True)
class TcpKind:
    """The bus writes the message to a local TCP port the process listens on."""

    name: str = "tcp"
    directions: frozenset[Direction] = frozenset({Direction.INPUT})
    schema: str = "#/$defs/tcp_parameters"
    description: str = (
        "The bus writes the message to a local TCP port in chunks;"
        " the command line is unchanged."
    )

    def connect(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> Connection:
        """Return the port and chunk size; the command line is left unchanged."""
        port = parameters.get("tcp_port")
        port_text = (
            str(port) if isinstance(port, int) and not isinstance(port, bool) else "?"
        )
        details = [("port", port_text)]

        chunk_size = parameters.get("chunk_size")
        size = parse_size(chunk_size)
        if size is not None:
            written = chunk_size if isinstance(chunk_size, str) else f"{size}"
            details.append(("chunks", f"{written} ({size:,} bytes)"))

        return Connection(
            title="tcp",
            how=f"written to TCP port {port_text} on this host",
            details=tuple(details),
        )

    def check(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> list[Problem]:
        """Return no problems: the schema says all there is to say."""
        return []


@dataclass(frozen=True, slots=True)
class PipeKind:
    """A named pipe (FIFO) created at ``pipe_path`` and connected to the process.

    The process gets the pipe's path among its arguments when ``pipe_path``
    appears in ``argv``; otherwise the pipe is connected to standard input or
    standard output.
    """

    name: str = "pipe"
    directions: frozenset[Direction] = BOTH
    schema: str = "#/$defs/pipe_parameters"
    description: str = "A named pipe (FIFO) created and connected to the process."

    def connect(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> Connection:
        """Return the pipe path, passed as an argument or on a standard stream."""
        return Connection(
            title="named pipe",
            path=_path(parameters, "pipe_path"),
            path_parameter="pipe_path",
            stream=0 if direction is Direction.INPUT else 1,
            by_argument=True,
        )

    def check(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> list[Problem]:
        """Return no problems: the schema says all there is to say."""
        return []


@dataclass(frozen=True, slots=True)
class AppendKind:
    """A file that grows: the bus appends input to it, or the process its output.

    The process gets the file's path among its arguments when ``file_path``
    appears in ``argv``; otherwise it reads the file on standard input, or its
    standard output is appended to it (``>> FILE``).
    """

    name: str = "append"
    directions: frozenset[Direction] = BOTH
    schema: str = "#/$defs/append_parameters"
    description: str = (
        "A file that data is appended to, read or written by the process."
    )

    def connect(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> Connection:
        """Return the file path, passed as an argument or on a standard stream."""
        return Connection(
            title="appended file",
            path=_path(parameters, "file_path"),
            path_parameter="file_path",
            stream=0 if direction is Direction.INPUT else 1,
            append=direction is Direction.OUTPUT,
            by_argument=True,
            how=(
                "each message is appended to it"
                if direction is Direction.INPUT
                else "read as it grows"
            ),
        )

    def check(
        self, direction: Direction, parameters: Mapping[str, Any]
    ) -> list[Problem]:
        """Return no problems: the schema says all there is to say."""
        return []


BUILTIN_KINDS = (FileKind(), TcpKind(), PipeKind(), AppendKind())
"""The kinds procreg ships, in the order they are listed."""
