"""The resolved command as one POSIX shell line that runs exactly that."""

from __future__ import annotations

import shlex
from itertools import groupby

from procreg_tui.resolve._resolution import Resolution

RUN_ARGUMENTS = ("sh", "-c", '"$@"', "sh")
"""Runs its arguments as a command; used for an exec that ``env`` would misread."""


def quote(word: str) -> str:
    """Return ``word`` quoted so that ``sh`` reads it back as exactly one word.

    Nothing in it is expanded: ``$``, backquotes, globs, spaces, newlines and
    quotes all stay as they are; the empty string becomes ``''``. Characters a
    terminal would act on or hide (escape, bell, tab, other controls,
    bidirectional and zero-width formatting) are never written raw: each run of them is
    written as ``"$(printf '\\ooo')"`` with the octal bytes of its UTF-8, which
    every POSIX shell reads back as those same characters. So a line that is
    printed, pasted or copied cannot set a terminal's colours or clipboard.
    """
    # A NUL cannot be written in a shell word nor passed to any process;
    # validation reports it as an error (``nul-character``).
    if _shows_as_is(word):
        return shlex.quote(word)
    return "".join(
        _printf(run) if hidden else "'" + run.replace("'", "'\"'\"'") + "'"
        for hidden, run in (
            (hidden, "".join(chars))
            for hidden, chars in groupby(word, key=lambda c: not _shows_as_is(c))
        )
    )


def _shows_as_is(text: str) -> bool:
    """Return whether every character of ``text`` is shown as itself on a
    terminal and cannot be taken for another: the printable ones, the space
    and the newline. A tab is not: it looks like spaces, and an app that shows
    it as ``\\t`` shows a backslash and a ``t`` the same way."""
    return text.isprintable() or all(c.isprintable() or c == "\n" for c in text)


def _printf(characters: str) -> str:
    """Return a double-quoted ``printf`` that writes ``characters`` back."""
    octal = "".join(
        f"\\{byte:03o}" for byte in characters.encode("utf-8", "surrogatepass")
    )
    return f"\"$(printf '{octal}')\""


def command_line(resolution: Resolution) -> str:
    """Return the POSIX shell line that runs ``resolution`` exactly.

    The line reads ``cd DIR && env NAME=VALUE... timeout SECS EXEC ARGS... <
    IN > OUT``, each part present only when needed. The executable is always
    started by a program (``env`` or ``timeout``) unless it is a path, so a
    shell builtin, keyword or function of the same name never stands in for
    it. A word holding a newline keeps it inside its quotes, so such a line
    spans several lines of text and still is one command.
    """
    words: list[str] = []
    if resolution.cwd is not None:
        words += [*_change_directory(resolution.cwd), "&&"]

    words += _program(resolution)
    words += [quote(argument) for argument in resolution.argv[1:]]

    for redirection in resolution.redirections:
        words.append(f"{redirection.operator} {quote(redirection.target)}")

    return " ".join(words)


def _change_directory(cwd: str) -> list[str]:
    """Return the ``cd`` words that enter ``cwd`` exactly as ``chdir`` would."""
    words = ["cd"]
    if ".." in cwd.split("/"):
        # A logical cd would take "link/.." to the link's folder, not its parent.
        words.append("-P")

    if not cwd.startswith("/"):
        # "./" keeps CDPATH out and a leading "-" from reading as an option.
        cwd = "./" + cwd
    words.append(quote(cwd))
    return words


def _program(resolution: Resolution) -> list[str]:
    """Return the words that start the executable: env, timeout, then exec."""
    executable = resolution.argv[0] if resolution.argv else ""
    words: list[str] = []

    assignments = [f"{name}={value}" for name, value in resolution.environment.items()]
    if assignments:
        words += ["env", *_end_of_options(assignments[0])]
        words += [quote(assignment) for assignment in assignments]

    if resolution.timeout is not None:
        words += ["timeout", _seconds(resolution.timeout)]
    elif (assignments and "=" in executable) or (not assignments and executable == "-"):
        # env would take the executable for one more assignment, or a lone
        # "-" straight after its options for -i, emptying the environment.
        words += [quote(word) for word in RUN_ARGUMENTS]
    elif not assignments and "/" not in executable and "=" not in executable:
        words += ["env", *_end_of_options(executable)]

    quoted = quote(executable)
    if not words and quoted == executable and "=" in executable:
        # Unquoted, the shell would read NAME=VALUE as an assignment.
        quoted = f"'{executable}'"
    return [*words, quoted]


def _end_of_options(word: str) -> list[str]:
    """Return ``["--"]`` when ``word`` after ``env`` would read as an option."""
    return ["--"] if word.startswith("-") else []


def _seconds(timeout: int | float) -> str:
    """Return ``timeout`` as a duration ``timeout(1)`` reads."""
    if isinstance(timeout, float) and timeout.is_integer() and timeout < 1e15:
        return str(int(timeout))
    return repr(timeout)
