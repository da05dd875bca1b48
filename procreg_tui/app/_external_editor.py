"""Editing a definition in the user's own editor, ``$VISUAL`` or ``$EDITOR``.

The text goes to a temporary file, the editor runs on it with the terminal
handed over, and the file it saved is read back as ``procreg validate`` reads
files, so that a byte order mark or bytes that are not UTF-8 are reported
rather than silently changed. The app decides what to do with the text.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, SuspendNotSupported

from procreg_tui.definition import Problem, Severity, load_bytes

T = TypeVar("T")

ENCODING_PROBLEMS = frozenset({"byte-order-mark", "encoding"})
"""Problems of a file's bytes, which its decoded text no longer shows."""


def editor_command(environ: Mapping[str, str]) -> str:
    """Return the command line of the user's editor: ``$VISUAL``, else
    ``$EDITOR``, else ``vi``."""
    return environ.get("VISUAL") or environ.get("EDITOR") or "vi"


@contextmanager
def edited_file(record_id: int, text: str) -> Iterator[Path]:
    """Yield a temporary JSON file holding ``text``, removed afterwards.

    Its name carries the definition's id, which the editor may show.
    """
    handle, name = tempfile.mkstemp(prefix=f"procreg-{record_id}-", suffix=".json")
    path = Path(name)
    try:
        os.write(handle, text.encode())
        os.close(handle)
        yield path
    finally:
        path.unlink(missing_ok=True)


def run_editor(app: App[Any], command: str, path: Path) -> str | None:
    """Run the user's editor on ``path``; return why it failed, or ``None``.

    The program is looked up before the screen is handed over, so an
    editor that is not installed is reported without a blank screen.
    """
    try:
        words = shlex.split(command)
    except ValueError as error:
        return f"Cannot read $VISUAL/$EDITOR {command!r}: {error}."
    if not words:
        return "Cannot run the editor: VISUAL and EDITOR are empty; set one."
    program = shutil.which(words[0])
    if program is None:
        return f"Cannot run the editor {words[0]!r}: not found; set VISUAL or EDITOR."
    argv = [program, *words[1:], str(path)]
    try:
        if app.is_headless:
            # A headless app has no terminal to lend the editor.
            status = subprocess.call(argv, stdin=subprocess.DEVNULL)
        else:
            status = suspended(app, partial(subprocess.call, argv))
    except (OSError, SuspendNotSupported) as error:
        return f"Cannot run the editor {words[0]!r}: {error}."
    if status != 0:
        return f"{command!r} exited with status {status}; the text is unchanged."
    return None


def suspended(app: App[Any], run: Callable[[], T]) -> T:
    """Return ``run()``, called with ``app``'s terminal handed back to the shell.

    The app takes the terminal back whatever ``run`` does: an exception is
    raised only once the screen is the app's again (Textual resumes only
    when the suspended block ends normally).
    """
    failure: BaseException | None = None
    results: list[T] = []
    with app.suspend():
        try:
            results.append(run())
        except BaseException as error:  # raised again below, on the app's screen
            failure = error
    if failure is not None:
        raise failure
    return results[0]


def read_edited(path: Path) -> tuple[str, list[Problem]]:
    """Read the file ``$EDITOR`` saved as ``procreg validate`` reads files.

    Returns the text for the editor and the problems of its bytes (a byte
    order mark, UTF-16, bytes that are not UTF-8), which the text alone no
    longer shows. Undecodable bytes become U+FFFD in the text, so nothing the
    user wrote disappears, and stay reported as an error.
    """
    data = path.read_bytes()
    document = load_bytes(data, str(path))
    problems = [
        problem for problem in document.problems if problem.code in ENCODING_PROBLEMS
    ]
    if any(problem.severity is Severity.ERROR for problem in problems):
        return data.decode("utf-8", errors="replace"), problems
    return document.text, problems
