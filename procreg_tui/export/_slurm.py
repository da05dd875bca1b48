"""The ``slurm`` export: an sbatch script running the definition's command line."""

from __future__ import annotations

import dataclasses
import math
import re

from procreg_tui.export._engine import EngineFormat, Job, Notes
from procreg_tui.resolve import command_line, quote

_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BASH_VARIABLES = frozenset(
    {
        *("CDPATH", "HOME", "IFS", "MAIL", "MAILPATH", "OPTARG", "OPTIND", "PATH"),
        *("PS0", "PS1", "PS2", "PS3", "PS4", "_", "CHILD_MAX", "COLUMNS", "COPROC"),
        *("COMPREPLY", "COMP_CWORD", "COMP_KEY", "COMP_LINE", "COMP_POINT"),
        *("COMP_TYPE", "COMP_WORDBREAKS", "COMP_WORDS", "DIRSTACK", "EMACS", "ENV"),
        *("EPOCHREALTIME", "EPOCHSECONDS", "EUID", "EXECIGNORE", "FCEDIT", "FIGNORE"),
        *("FUNCNAME", "FUNCNEST", "GLOBIGNORE", "GLOBSORT", "GROUPS", "HISTCMD"),
        *("HISTCONTROL", "HISTFILE", "HISTFILESIZE", "HISTIGNORE", "HISTSIZE"),
        *("HISTTIMEFORMAT", "HOSTFILE", "HOSTNAME", "HOSTTYPE", "IGNOREEOF"),
        *("INPUTRC", "INSIDE_EMACS", "LANG", "LC_ALL", "LC_COLLATE", "LC_CTYPE"),
        *("LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "LINENO", "LINES", "MACHTYPE"),
        *("MAILCHECK", "MAPFILE", "OLDPWD", "OPTERR", "OSTYPE", "PIPESTATUS"),
        *("POSIXLY_CORRECT", "PPID", "PROMPT_COMMAND", "PROMPT_DIRTRIM", "PWD"),
        *("RANDOM", "REPLY", "SECONDS", "SHELL", "SHELLOPTS", "SHLVL", "SRANDOM"),
        *("TIMEFORMAT", "TMOUT", "TMPDIR", "UID", "histchars"),
    }
)
"""The variables of bash(1) besides the ``BASH*`` ones. Exported by the script,
such a variable is refused (``UID``, ``SHELLOPTS``), replaced by bash
(``RANDOM``, ``PWD`` after ``cd``) or changes how bash reads and runs the rest
of the script (``POSIXLY_CORRECT``, ``LC_ALL``, ``EXECIGNORE``): ``env`` gives
it to the command instead."""
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./+,:@=-]+")
"""Characters sbatch reads literally in an option value: no quotes, no %."""
MAX_SECONDS = 35_791_393 * 60
"""The longest ``--time``, 24855-03:13:00: sbatch reads it into seconds held
in a 32-bit int, then rounds them up to minutes."""


def slurm_script(job: Job, notes: Notes) -> str:
    """Return the sbatch script of ``job`` after its header comment.

    The ``#SBATCH`` lines name the job, its time limit (rounded up to whole
    minutes, as Slurm counts), its working directory when that is an absolute
    path, the file on its standard input when the definition feeds one by an
    absolute path, and the job's ``--output`` and ``--error`` files, named
    after the job and its number. The body exports the environment, but for
    the variables bash itself uses, and runs the command line of ``procreg
    render``, which gives those to the command with ``env``, changes
    directory, applies the timeout to the second and redirects the standard
    streams itself, so running the body with bash alone does the same as the
    job. The job's files receive what the process writes to the streams the
    definition does not redirect.
    """
    resolution = job.resolution
    directives = [f"--job-name={job.slug}"]
    # The body's timeout applies the exact limit: rounding --time says nothing.
    seconds = job.capped_timeout(notes, MAX_SECONDS, "sbatch --time")
    if seconds is not None:
        directives.append(f"--time={_duration(math.ceil(seconds))}")
    cwd = resolution.cwd
    if cwd is not None and not cwd.startswith("/"):
        # --chdir and the command line's cd would each enter it: cwd/cwd.
        notes.remark(
            "No --chdir: the folder is relative; the command line changes into it"
            " from the folder sbatch is run in."
        )
    elif cwd is not None and _PLAIN_PATH.fullmatch(cwd):
        directives.append(f"--chdir={cwd}")
    elif cwd is not None:
        notes.remark(
            "No --chdir: sbatch cannot read this folder's name; the command line"
            " changes into it."
        )

    exported = {
        name: value
        for name, value in resolution.environment.items()
        if _SHELL_NAME.fullmatch(name)
        and name not in _BASH_VARIABLES
        and not name.startswith("BASH")
    }
    kept = {
        name: value
        for name, value in resolution.environment.items()
        if name not in exported
    }
    body = command_line(dataclasses.replace(resolution, environment=kept))

    stdin = [r.target for r in resolution.redirections if r.fd == 0]
    if stdin and stdin[0].startswith("/") and _PLAIN_PATH.fullmatch(stdin[0]):
        # The command line reads it too: this only shows it to Slurm's tools.
        directives.append(f"--input={stdin[0]}")
    # Relative to the job's folder; %j is the job's number.
    directives.append(f"--output={job.slug}-%j.out")
    directives.append(f"--error={job.slug}-%j.err")
    if resolution.redirections:
        notes.remark(
            "The command line redirects the process's streams itself; the"
            " --output and --error files receive the rest of what the job writes."
        )

    lines = [f"#SBATCH {directive}" for directive in directives]
    lines += [f"export {name}={quote(value)}" for name, value in exported.items()]
    lines.append(body)
    return "\n".join(lines) + "\n"


def _duration(seconds: int) -> str:
    """Return ``seconds`` as sbatch's ``days-hours:minutes:seconds``."""
    minutes = -(-seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return f"{days}-{hours:02d}:{minutes:02d}:00"


SLURM = EngineFormat(
    render=slurm_script,
    file_name=lambda job: job.file_name(".sbatch"),
    first_line="#!/bin/bash",
    apart=(
        "sbatch runs a script as one job and ignores the #SBATCH lines after its"
        " first command"
    ),
)
"""Slurm batch scripts."""
