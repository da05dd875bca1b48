"""The ``systemd`` export: a service unit with systemd's own quoting."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from procreg_tui.export._engine import EngineFormat, Job, Notes, one_line
from procreg_tui.export._errors import ExportError
from procreg_tui.resolve import RUN_ARGUMENTS

_NAMED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNSAFE_EXECUTABLE = re.compile(r"[\\\"'\x00-\x1f\x7f]")
"""What systemd refuses in the name of an executable."""
_PREFIXES = ("-", "@", ":", "+", "!", "|")
"""What systemd reads at the start of ``ExecStart=`` as how to run it, not its name."""
MAX_SECONDS = 18_446_744_073_708
"""The longest ``TimeoutStartSec=`` or ``RuntimeMaxSec=``: systemd keeps times as
microseconds in 64 bits, the largest of them meaning infinity."""
_WHITESPACE = " \t\n\r"
"""What systemd strips from both ends of a setting's value."""


def quote_word(word: str, *, variables: bool = True) -> str:
    """Return ``word`` as one double-quoted word of an ``Exec*=`` or list setting.

    A backslash, a double quote and control characters are written as C
    escapes; ``%`` is doubled since it starts a specifier, and with
    ``variables`` (command lines, where systemd expands ``$NAME``) so is ``$``.
    Quoted, a lone ``;`` is an argument rather than the end of a command.
    """
    out = []
    for character in word:
        named = _NAMED_ESCAPES.get(character)
        if named is not None:
            out.append(named)
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            out.append(f"\\x{ord(character):02x}")
        elif character == "%":
            out.append("%%")
        elif character == "$" and variables:
            out.append("$$")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def service_unit(job: Job, notes: Notes) -> str:
    """Return the unit file of ``job`` after its header comment.

    ``single`` definitions become ``Type=oneshot`` units whose timeout is
    ``TimeoutStartSec=`` (systemd ignores ``RuntimeMaxSec=`` for them);
    services become ``Type=simple`` with ``RuntimeMaxSec=``. A fractional
    timeout is written as it is, to the microsecond.

    Raises:
        ExportError: a value systemd would refuse or read differently: an
            executable that is neither an absolute path nor a plain name, or
            holds quotes, backslashes or control characters; a working
            directory or stream file that is relative, ends with white space,
            holds a ``..`` component or a line break.
    """
    resolution = job.resolution
    executable = resolution.argv[0]
    if (
        _UNSAFE_EXECUTABLE.search(executable)
        or ("/" in executable and not executable.startswith("/"))
        or executable in (".", "..")
    ):
        raise ExportError(
            f"{job.where()}: exec {one_line(executable)} is refused by systemd: an"
            " executable must be an absolute path or a plain name, without"
            " quotes, backslashes or control characters"
        )

    lines = [
        "[Unit]",
        f"Description={_plain(job, 'description', _description(job))}",
        "",
        "[Service]",
        f"Type={'simple' if job.service else 'oneshot'}",
        "ExecStart=" + _command(resolution.argv),
    ]
    if resolution.cwd is not None:
        lines.append(f"WorkingDirectory={_path(job, 'cwd', resolution.cwd)}")
    if resolution.environment:
        assignments = (
            quote_word(f"{name}={value}", variables=False)
            for name, value in resolution.environment.items()
        )
        lines.append("Environment=" + " ".join(assignments))
    lines += _streams(job)

    setting = "RuntimeMaxSec" if job.service else "TimeoutStartSec"
    seconds = job.capped_timeout(notes, MAX_SECONDS, f"{setting}=")
    if seconds is not None:
        lines.append(f"{setting}={_timespan(seconds)}")
    return "\n".join(lines) + "\n"


def _timespan(seconds: float) -> str:
    """Return ``seconds`` as a time span systemd reads, to the microsecond.

    systemd counts in microseconds: a fraction is rounded up to the next
    one, so the smallest timeout is one microsecond, never 0 (no limit).
    """
    microseconds = math.ceil(Decimal(repr(seconds)) * 1_000_000)
    whole, fraction = divmod(max(1, microseconds), 1_000_000)
    if not fraction:
        return str(whole)
    return f"{whole}.{fraction:06d}".rstrip("0")


def _command(argv: tuple[str, ...]) -> str:
    """Return the words of ``ExecStart=``.

    systemd expands ``$NAME`` in the arguments but takes the executable's
    path as written, so only the arguments have ``$`` doubled.
    """
    if argv[0].startswith(_PREFIXES):
        # Read as a prefix even inside quotes: "-x" would run x and ignore its
        # failure. A shell started by name hands the executable over as is.
        argv = (*RUN_ARGUMENTS, *argv)
    executable, *arguments = argv
    quoted = [quote_word(executable, variables=False)]
    return " ".join(quoted + [quote_word(argument) for argument in arguments])


def _streams(job: Job) -> list[str]:
    """Return the ``Standard*=`` settings of the redirections."""
    settings = {0: "StandardInput", 1: "StandardOutput", 2: "StandardError"}
    lines = []
    for redirection in job.resolution.redirections:
        setting = settings.get(redirection.fd)
        if setting is None:
            continue
        mode = "append" if redirection.append else "file"
        path = _path(job, setting, redirection.target)
        lines.append(f"{setting}={mode}:{path}")
    return lines


def _description(job: Job) -> str:
    """Return the unit's description: the label, then the definition's own."""
    if job.description is None:
        return job.label
    return f"{job.label}: {job.description}"


def _path(job: Job, field: str, path: str) -> str:
    """Return ``path`` as the value of a path setting, exactly as systemd reads it.

    systemd strips white space from both ends of a value and does not unquote
    paths, so such white space cannot be carried; it refuses a relative path
    (``WorkingDirectory=`` is then a fatal error, ``StandardOutput=`` is
    ignored) and a ``..`` component.

    Raises:
        ExportError: ``path`` is one of those, or holds a line break.
    """
    problem = None
    if not path.startswith("/"):
        problem = "is relative: systemd needs an absolute path"
    elif path != path.rstrip(_WHITESPACE):
        problem = (
            "ends with white space, which systemd strips from a setting; it"
            " has no quoting for paths"
        )
    elif ".." in path.split("/"):
        problem = "holds a .. component, which systemd refuses in a path"
    if problem is not None:
        raise ExportError(f"{job.where()}: {field} {one_line(path)} {problem}")
    return _plain(job, field, path)


def _plain(job: Job, field: str, value: str) -> str:
    """Return ``value`` as an unquoted setting value, ``%`` doubled.

    Raises:
        ExportError: ``value`` holds a line break, which ends a setting, or
            ends with a backslash, which continues it on the next line.
    """
    if field == "description":
        value = one_line(value).strip().rstrip("\\")
    elif "\n" in value or "\r" in value or value.endswith("\\"):
        raise ExportError(
            f"{job.where()}: {field} {one_line(value)} holds a line break or ends"
            " with a backslash, which a systemd unit cannot carry"
        )
    return value.replace("%", "%%")


SYSTEMD = EngineFormat(
    render=service_unit,
    file_name=lambda job: job.file_name(".service", prefix="procreg-"),
    apart="systemd reads a unit file as one unit, later settings joining earlier ones",
)
"""systemd service units."""
