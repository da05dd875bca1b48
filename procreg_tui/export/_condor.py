"""The ``condor`` export: an HTCondor submit description in the new quoting syntax."""

from __future__ import annotations

import re
from collections.abc import Iterable

from procreg_tui.export._engine import EngineFormat, Job, Notes, one_line
from procreg_tui.export._errors import ExportError

_NEEDS_SINGLE_QUOTES = re.compile(r"[\s']")
_MACRO_START = re.compile(r"\$\(")
_ENV_FINDER = "/usr/bin/env"
"""HTCondor does not search PATH: this finds an executable given by name."""


def quote_argument(word: str) -> str:
    """Return ``word`` as one argument inside the double-quoted arguments value.

    HTCondor's new syntax: a double quote is doubled; a word that is empty or
    holds white space or a single quote is wrapped in single quotes, each of
    its single quotes doubled; ``$(`` starts a macro, so it is written
    ``$(DOLLAR)(``.
    """
    text = word.replace('"', '""')
    if not text or _NEEDS_SINGLE_QUOTES.search(text):
        text = "'" + text.replace("'", "''") + "'"
    return _MACRO_START.sub("$(DOLLAR)(", text)


def quote_arguments(words: Iterable[str]) -> str:
    """Return the value of ``arguments`` or ``environment`` for ``words``."""
    return '"' + " ".join(quote_argument(word) for word in words) + '"'


def submit_description(job: Job, notes: Notes) -> str:
    """Return the submit description of ``job`` after its header comment.

    Raises:
        ExportError: a value holds a line break, which a submit description
            cannot carry, or a path begins or ends with white space or ends
            with a backslash, which HTCondor would read differently.
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
        lines += [f"executable = {_ENV_FINDER}"]
        arguments = [executable, *arguments]
    lines.append("transfer_executable = false")

    for index, argument in enumerate(resolution.argv[1:]):
        _check_line(job, f"argv[{index}]", argument)
        if "$$(" in argument:
            notes.warn(
                f"argument {one_line(argument)} holds $$(, which HTCondor replaces"
                " with a machine attribute when the job is matched."
            )
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
    if job.timeout_seconds is not None:
        lines.append(f"allowed_execute_duration = {job.timeout_seconds}")
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
    """Return ``path`` as a submit value, its macro starts escaped."""
    _check_line(job, field, path)
    if path != path.strip() or path.endswith("\\"):
        raise ExportError(
            f"{job.where()}: {field} {one_line(path)} begins or ends with white"
            " space or ends with a backslash, which an HTCondor submit description"
            " reads differently"
        )
    return _MACRO_START.sub("$(DOLLAR)(", path)


def _check_line(job: Job, field: str, value: str) -> None:
    """Raise when ``value`` cannot stay on one line of a submit description."""
    if "\n" in value or "\r" in value:
        raise ExportError(
            f"{job.where()}: {field} {one_line(value)} holds a line break, which"
            " an HTCondor submit description cannot carry"
        )


CONDOR = EngineFormat(
    render=submit_description,
    file_name=lambda job: f"{job.record_id}-{job.slug}.sub",
)
"""HTCondor submit descriptions."""
