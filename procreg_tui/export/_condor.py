"""The ``condor`` export: an HTCondor submit description in the new quoting syntax."""

from __future__ import annotations

import re
from collections.abc import Iterable

from procreg_tui.export._engine import EngineFormat, Job, Notes, one_line
from procreg_tui.export._errors import ExportError
from procreg_tui.resolve import RUN_ARGUMENTS

_NEEDS_SINGLE_QUOTES = re.compile(r"[\s']")
_ENV_FINDER = "/usr/bin/env"
"""HTCondor does not search PATH: this finds an executable given by name."""
MAX_SECONDS = 2**31 - 1
"""The longest ``allowed_execute_duration``: the schedd reads it as a 32-bit int."""

_MATCH_TIME_MACRO = re.compile(r"(?<!\$)((?:\$\$)+)(?=\()")
"""An even run of ``$`` before ``(``: the schedd reads its last ``$$(`` as a macro."""
_DOLLAR_RUN = re.compile(r"\$+")
_MACRO_OPENING = re.compile(r"[A-Za-z0-9_]*\(")
"""What makes a lone ``$`` a submit macro: ``$(X)``, ``$ENV(X)``, ``$Fn(X)``..."""
_LITERAL_DOLLAR_MACRO = re.compile(r"(?<!\$)(?:\$\$)*\$\(DOLLAR\)", re.IGNORECASE)
"""``$(DOLLAR)`` where HTCondor reads it: always made ``$``, so never written."""
_DOLLAR_MACRO = "$(DOLLAR)"


def _keep_from_match(text: str) -> str:
    """Return ``text`` so that the schedd's match-time expansion gives it back.

    When a job is matched, the schedd replaces ``$$(NAME)`` and ``$$([expr])``
    in every attribute of the job ad with values of the machine; it reads a
    run of ``$`` in pairs, so a run of even length before ``(`` ends in such a
    macro. ``$$(DOLLARDOLLAR)`` is its escape: it becomes ``$$``, and the text
    after it is not read again.
    """
    return _MATCH_TIME_MACRO.sub(r"\1(DOLLARDOLLAR)", text)


def quote_argument(word: str) -> str:
    """Return ``word`` as one argument inside the double-quoted arguments value.

    HTCondor's new syntax: a double quote is doubled; single quotes group
    (inside them ``''`` is one single quote), and quoted and plain parts of a
    word join. Every ``$`` is written outside single quotes and followed by a
    quoted part, so no submit macro (``$(X)``, ``$ENV(X)``, ``$(DOLLAR)``...)
    can start at it; a ``$$(`` is written ``$$(DOLLARDOLLAR)(`` so that the
    schedd's expansion at match time gives it back.
    """
    head, *tails = _keep_from_match(word).split("$")
    text = _group(head) if (head or not tails) else ""
    for tail in tails:
        text += "$'" + tail.replace('"', '""').replace("'", "''") + "'"
    return text


def _group(text: str) -> str:
    """Return ``text`` as a word, in single quotes when empty or holding spaces or '."""
    text = text.replace('"', '""')
    if not text or _NEEDS_SINGLE_QUOTES.search(text):
        return "'" + text.replace("'", "''") + "'"
    return text


def quote_arguments(words: Iterable[str]) -> str:
    """Return the value of ``arguments`` or ``environment`` for ``words``."""
    return '"' + " ".join(quote_argument(word) for word in words) + '"'


def submit_value(text: str) -> str:
    """Return ``text`` as a plain submit value that reaches the job ad and the job.

    A lone ``$`` that would open a macro is written ``$(DOLLAR)``, which
    HTCondor makes ``$`` after every other macro; a ``$$(`` is kept from the
    schedd as in :func:`quote_argument`.

    Raises:
        ValueError: HTCondor cannot be given ``text``; the message ends a
            sentence naming the value.
    """
    text = _keep_from_match(text)
    if _LITERAL_DOLLAR_MACRO.search(text):
        raise ValueError("holds $(DOLLAR), which HTCondor always turns into $")
    escaped = [
        run.end() - 1
        for run in _DOLLAR_RUN.finditer(text)
        if len(run.group()) % 2 and _MACRO_OPENING.match(text, run.end())
    ]
    for index in escaped:
        closing = text.find(")", text.index("(", index))
        if any(index < other < closing for other in escaped) or (
            closing < 0 and escaped[-1] > index
        ):
            raise ValueError(
                "holds a $NAME( or $( inside the parentheses of another, which"
                " HTCondor may read as one macro"
            )
    pieces = []
    start = 0
    for index in escaped:
        pieces += [text[start:index], _DOLLAR_MACRO]
        start = index + 1
    return "".join(pieces) + text[start:]


def submit_description(job: Job, notes: Notes) -> str:
    """Return the submit description of ``job`` after its header comment.

    Every argument, environment value and path reaches the job ad as
    written, and the job as written once the schedd has expanded its
    match-time macros (see :func:`quote_argument` and :func:`submit_value`).

    Raises:
        ExportError: a value holds a line break, which a submit description
            cannot carry; a path begins or ends with white space or ends with a
            backslash, or holds ``$(DOLLAR)``, which HTCondor would read
            differently.
    """
    resolution = job.resolution
    executable, *arguments = resolution.argv
    lines = ["universe = vanilla"]

    if "/" in executable:
        lines += [f"executable = {_path(job, 'exec', executable)}"]
    else:
        notes.remark(
            f"HTCondor does not search PATH: {_ENV_FINDER} finds"
            f" {one_line(executable)} on the machine that runs the job."
        )
        _check_line(job, "exec", executable)
        lines += [f"executable = {_ENV_FINDER}"]
        if executable.startswith("-") or "=" in executable:
            # env would take it for an option, -i or an assignment.
            arguments = [*RUN_ARGUMENTS, executable, *arguments]
        else:
            arguments = [executable, *arguments]
    lines.append("transfer_executable = false")

    for index, argument in enumerate(resolution.argv[1:]):
        _check_line(job, f"argv[{index}]", argument)
    if arguments:
        lines.append(f"arguments = {quote_arguments(arguments)}")

    assignments = [f"{name}={value}" for name, value in resolution.environment.items()]
    for assignment in assignments:
        _check_line(job, "environment", assignment)
    if assignments:
        lines.append(f"environment = {quote_arguments(assignments)}")

    if resolution.cwd is not None:
        lines.append(f"initialdir = {_path(job, 'cwd', resolution.cwd)}")
    lines += _redirections(job, notes)
    seconds = job.timeout_within(notes, MAX_SECONDS, "allowed_execute_duration")
    if seconds is not None:
        lines.append(f"allowed_execute_duration = {seconds}")
    lines.append("queue")
    return "\n".join(lines) + "\n"


def _redirections(job: Job, notes: Notes) -> list[str]:
    """Return the ``input``, ``output`` and ``error`` lines of the streams."""
    commands = {0: "input", 1: "output", 2: "error"}
    lines = []
    for redirection in job.resolution.redirections:
        command = commands.get(redirection.fd)
        if command is None:
            continue
        if redirection.append:
            notes.warn(
                f"the {command} file {one_line(redirection.target)} is replaced,"
                " not appended to: HTCondor cannot append."
            )
        lines.append(f"{command} = {_path(job, command, redirection.target)}")
    return lines


def _path(job: Job, field: str, path: str) -> str:
    """Return ``path`` as a submit value that HTCondor reads back as ``path``.

    Raises:
        ExportError: ``path`` cannot be written so (see :func:`submit_value`).
    """
    _check_line(job, field, path)
    if path != path.strip() or path.endswith("\\"):
        raise ExportError(
            f"{job.where()}: {field} {one_line(path)} begins or ends with white"
            " space or ends with a backslash, which an HTCondor submit description"
            " reads differently"
        )
    try:
        return submit_value(path)
    except ValueError as error:
        raise ExportError(f"{job.where()}: {field} {one_line(path)} {error}") from None


def _check_line(job: Job, field: str, value: str) -> None:
    """Raise when ``value`` cannot stay on one line of a submit description."""
    if "\n" in value or "\r" in value:
        raise ExportError(
            f"{job.where()}: {field} {one_line(value)} holds a line break, which"
            " an HTCondor submit description cannot carry"
        )


CONDOR = EngineFormat(
    render=submit_description,
    file_name=lambda job: job.file_name(".sub"),
    apart=(
        "in one submit description each job keeps the commands of the jobs"
        " before it that it does not set"
    ),
)
"""HTCondor submit descriptions."""
