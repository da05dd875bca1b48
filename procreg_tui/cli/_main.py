"""The entry points: ``run`` (a function of its streams) and ``main`` (the script)."""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from typing import TextIO

from procreg_tui.cli._commands import COMMANDS, Refused
from procreg_tui.cli._context import Context
from procreg_tui.cli._exit import ExitCode
from procreg_tui.cli._parser import Answered, UsageError, build_parser, parse
from procreg_tui.cli._streams import StreamError, guarded
from procreg_tui.cli._text import printable
from procreg_tui.export._json import dumps_pretty
from procreg_tui.registry import Registry, open_registry
from procreg_tui.remote import remote_url

_STOPS = (15, 1)
"""SIGTERM and SIGHUP, by number (the same on every POSIX system)."""

DEBUG_VARIABLE = "PROCREG_DEBUG"
"""Set to 1 to see the traceback of an internal error on standard error."""

_AREA_ERRORS = (
    ("procreg_tui.definition", "DefinitionError"),
    ("procreg_tui.registry", "RegistryError"),
    ("procreg_tui.resolve", "ResolveError"),
    ("procreg_tui.export", "ExportError"),
)


def run(
    argv: Sequence[str],
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    environ: Mapping[str, str],
) -> int:
    """Run the ``procreg`` command line ``argv`` (without the program name).

    Data goes to ``stdout``, messages to ``stderr``; ``environ`` supplies
    ``PROCREG_DB`` and ``PROCREG_DEBUG``. Nothing raises: every error becomes a
    ``procreg: ...`` line on ``stderr`` and an exit status. A reader of
    ``stdout`` or ``stderr`` that goes away early gets no more; the command
    ends as it would have had the reader taken everything, with its status.

    Returns:
        An :class:`ExitCode`: 0 on success, 1 when definitions are invalid or
        something could not be found, read or written, 2 on a usage error, 70
        when procreg itself failed.
    """
    stdout = guarded(stdout, "standard output")
    stderr = guarded(stderr, "standard error")
    try:
        options = parse(build_parser(), argv, environ)
    except Answered as answer:
        stdout.write(answer.text)
        return ExitCode.OK
    except UsageError as error:
        stderr.write(error.usage)
        stderr.write(f"{error.prog}: {printable(str(error))}\n")
        stderr.write(f"Run '{error.prog} --help' for the options and examples.\n")
        if _asks_for_json(argv):
            stdout.write(dumps_pretty({"error": str(error)}) + "\n")
        return ExitCode.USAGE

    context = Context(stdin, stdout, stderr, environ, options)
    try:
        if options.command is None:
            return _start_app(context)
        with _stops_as_interrupts(options.command):
            return COMMANDS[options.command](context)
    except Refused as refusal:
        context.tell(str(refusal))
        context.answer_failure(str(refusal), **refusal.details)
        return ExitCode.FAILURE
    except Stopped as stop:
        context.tell(f"stopped by {stop.name}")
        context.answer_failure(f"stopped by {stop.name}")
        return 128 + stop.signal
    except KeyboardInterrupt:
        context.tell("interrupted")
        context.answer_failure("interrupted")
        return ExitCode.INTERRUPTED
    except Exception as error:
        if isinstance(error, _area_errors()):
            message = str(error)
        elif isinstance(error, StreamError):
            # Standard output cannot take a JSON answer either.
            context.tell(str(error))
            return ExitCode.FAILURE
        elif isinstance(error, OSError):
            message = _os_message(error)
        else:
            return _internal_error(context, error)
        context.tell(message)
        context.answer_failure(message)
        return ExitCode.FAILURE
    finally:
        context.close()


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by SIGTERM or SIGHUP (a closed SSH session).

    Raised where the command is, as Ctrl-C is, so that what it had half done
    (a folder of exports, a new registry file) is undone on the way out.
    """

    def __init__(self, signum: int) -> None:
        import signal  # noqa: PLC0415

        self.signal = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


@contextmanager
def _stops_as_interrupts(command: str) -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` while ``command`` runs.

    Only in the main thread, where Python runs signal handlers; ``serve``
    keeps the server's own handling, which ends it cleanly.
    """
    if command == "serve" or threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal  # noqa: PLC0415

    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    kept = {number: signal.signal(number, stop) for number in _STOPS}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run procreg with the process's streams and environment; return the status.

    ``argv`` defaults to ``sys.argv[1:]``. A reader that goes away early
    (``procreg list | head``) ends the output quietly, and the status is the
    command's: the same whether the pipe had taken all of the output or not.
    """
    # A stream the shell closed (``procreg list >&-``) is None in Python.
    stderr = sys.stderr if sys.stderr is not None else open(os.devnull, "w")  # noqa: SIM115
    if sys.stdout is None:
        stderr.write("procreg: standard output is closed; nothing was done\n")
        return ExitCode.FAILURE
    stdin = sys.stdin if sys.stdin is not None else io.StringIO()
    for stream in (sys.stdout, stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    status = run(
        sys.argv[1:] if argv is None else argv,
        stdin=stdin,
        stdout=sys.stdout,
        stderr=stderr,
        environ=os.environ,
    )
    for stream, name in ((sys.stdout, "standard output"), (stderr, "standard error")):
        try:
            stream.flush()
        except OSError as error:
            # Python flushes the stream again at exit and would fail with
            # a warning and status 120; point it at /dev/null instead.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
            if isinstance(error, BrokenPipeError):
                continue
            # What was kept for this stream is lost: a full disk, say.
            failure = StreamError(error.errno, error.strerror or str(error), name)
            if stream is not stderr:
                with suppress(OSError):
                    stderr.write(f"procreg: {failure}\n")
            status = status or ExitCode.FAILURE
    return status


def _start_app(context: Context) -> int:
    """Start the app on this terminal; without a terminal, say what to use."""
    if not (_is_terminal(context.stdin) and _is_terminal(context.stdout)):
        context.tell(
            "the app needs a terminal; without one, use the commands such as "
            "'procreg list' (see 'procreg --help')"
        )
        return ExitCode.USAGE

    read_only = bool(context.options.read_only)
    # A registry file is read by the app once its first screen shows (a large
    # one takes seconds); a served one may ask for a password, so it is
    # reached here, before the app takes the terminal.
    source: Registry | Callable[[], Registry] = (
        context.registry()
        if remote_url(context.options, context.environ)
        else partial(
            open_registry, context.options.db, context.environ, read_only=read_only
        )
    )
    # The app is the only part that loads Textual; the commands never do.
    from procreg_tui.app import create_app  # noqa: PLC0415

    app = create_app(source, read_only=read_only)
    app.run()
    code = app.return_code
    return ExitCode.OK if code is None else int(code)


def _asks_for_json(argv: Sequence[str]) -> bool:
    """Return whether a command line argparse refused asks for ``--json``.

    Its options are unknown, so any word before ``--`` that argparse would
    take for ``--json`` (it accepts ``--js`` and the like) counts.
    """
    words = list(argv)
    if "--" in words:
        words = words[: words.index("--")]
    return any(len(word) >= 3 and "--json".startswith(word) for word in words)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _area_errors() -> tuple[type[Exception], ...]:
    """Return the error types of the areas loaded so far.

    An area that was never imported cannot have raised, so its module is not
    loaded just to name its error type.
    """
    found: list[type[Exception]] = []
    for module_name, class_name in _AREA_ERRORS:
        module = sys.modules.get(module_name)
        error_type = getattr(module, class_name, None)
        if isinstance(error_type, type) and issubclass(error_type, Exception):
            found.append(error_type)
    return tuple(found)


def _os_message(error: OSError) -> str:
    """Return ``cannot read FILE: reason`` for an error of the operating system."""
    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{error.filename}: {reason}"
    return reason


def _internal_error(context: Context, error: Exception) -> int:
    """Report a failure of procreg itself in one line, with the way to learn more."""
    if context.environ.get(DEBUG_VARIABLE):
        import traceback  # noqa: PLC0415 - only an internal error needs it

        context.stderr.write("".join(traceback.format_exception(error)))
    message = f"internal error: {type(error).__name__}: {error}"
    context.tell(message)
    context.answer_failure(message)
    if not context.environ.get(DEBUG_VARIABLE):
        context.tell(
            f"this is a bug in procreg; run again with {DEBUG_VARIABLE}=1 to see "
            "where it happened, and report it"
        )
    return ExitCode.INTERNAL
