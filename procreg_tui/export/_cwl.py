"""The ``cwl`` export: a CWL v1.2 ``CommandLineTool``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from procreg_tui.export._engine import EngineFormat, Job, Notes, one_line, yaml_scalar
from procreg_tui.resolve import Redirection, resolve

_PARAMETER_START = re.compile(r"\$(?=[({])")
_OUTPUT_NAME = "output"
"""The file, in the tool's output folder, that an output adapter's variable names."""
_STREAM_FIELDS = {1: "stdout", 2: "stderr"}
MAX_SECONDS = 9_223_372_036
"""The longest ``timelimit`` a runner keeps: CWL's type is a 64-bit long, but
cwltool's timer cannot wait longer than this (Python's ``threading.TIMEOUT_MAX``
on Linux) and runs the tool without a limit."""


def literal(text: str) -> str:
    """Return the CWL string that reads back as ``text`` itself.

    A string holding ``$(`` or ``${`` is interpolated by the runner: there a
    backslash is written ``\\\\`` and the two openings ``\\$(`` and ``\\${``.
    Any other string is taken as written, backslashes included.
    """
    if "$(" not in text and "${" not in text:
        return text
    return _escaped(text)


def _escaped(text: str) -> str:
    """Return ``text`` for a string the runner interpolates: nothing in it expands."""
    return _PARAMETER_START.sub(r"\\$", text.replace("\\", "\\\\"))


@dataclass(slots=True)
class _Tool:
    """The parts of the tool being written."""

    markers: dict[str, str]
    """The variable each marker stands for."""
    files: set[str]
    """Variables that are ``File`` inputs."""
    output: str | None
    """The variable of the output adapter's file, if it has one."""
    inputs: dict[str, list[str]] = field(default_factory=dict)
    """Each input's lines, below its name."""

    def expression(self, text: str, notes: Notes, what: str) -> str:
        """Return the CWL string for ``text``, its markers made references."""
        pattern = re.compile("|".join(re.escape(marker) for marker in self.markers))
        if not self.markers or not pattern.search(text):
            return self._literal(text, what)

        parts = []
        position = 0
        for match in pattern.finditer(text):
            parts.append(_escaped(text[position : match.start()]))
            parts.append(self._reference(self.markers[match.group()]))
            position = match.end()
        parts.append(_escaped(text[position:]))

        joined = "".join(parts)
        if joined != joined.strip():
            notes.warn(
                f"the white space around {what} is lost: a CWL runner strips it"
                " from strings holding references."
            )
        return joined

    def _literal(self, text: str, what: str) -> str:
        """Return ``text`` as a CWL string; an input's default where needed.

        A runner strips white space around strings it interpolates, so such
        a string that begins or ends with white space is given as the
        default of an input of its own.
        """
        written = literal(text)
        if written == text or written == written.strip():
            return written

        name = f"text_{len(self.inputs) + 1}"
        while name in self.inputs or name in self.markers.values():
            name += "_"
        self.inputs[name] = [
            "type: string",
            f"default: {yaml_scalar(text)}",
            f"doc: {yaml_scalar(f'{one_line(what)}, written as it is')}",
        ]
        return f"$(inputs.{name})"

    def _reference(self, variable: str) -> str:
        """Return the reference that stands for ``variable`` in a string."""
        if variable == self.output:
            return _OUTPUT_NAME
        if variable in self.files:
            return f"$(inputs.{variable}.path)"
        return f"$(inputs.{variable})"


def command_line_tool(job: Job, notes: Notes) -> str:
    """Return the ``CommandLineTool`` of ``job`` after its header comment.

    The executable is ``baseCommand``; each argument is an entry of
    ``arguments`` in argv order. A variable that an input adapter provides is
    a ``File`` input, the output adapter's variable is a file of the output
    folder collected as a ``File`` output, and any other variable a
    ``string`` input. Standard streams connected by the adapters become
    ``stdin``/``stdout``/``stderr``.
    """
    tool = _tool(job)
    marked = resolve(dict(job.definition), _by_name(tool))
    _notes(job, notes)

    lines = [
        "cwlVersion: v1.2",
        "class: CommandLineTool",
        f"label: {yaml_scalar(job.label)}",
    ]
    if job.description is not None:
        lines.append(f"doc: {yaml_scalar(job.description)}")
    lines.append(f"baseCommand: [{yaml_scalar(marked.argv[0])}]")
    arguments = [
        tool.expression(argument, notes, f"argument {index}")
        for index, argument in enumerate(marked.argv[1:], start=1)
    ]
    lines.append("arguments:" if arguments else "arguments: []")
    lines += [f"- {yaml_scalar(argument)}" for argument in arguments]

    streams, outputs = _streams(tool, marked.redirections, notes)
    requirements = _requirements(job, tool, notes)

    for variable in sorted(tool.files):
        typed = ["type: File", *_default(job, variable, file=True)]
        tool.inputs.setdefault(variable, typed)
    for variable in _by_name(tool):
        if variable not in tool.files and variable != tool.output:
            typed = ["type: string", *_default(job, variable, file=False)]
            tool.inputs.setdefault(variable, typed)
    for variable in outputs:
        if variable in job.given:
            notes.warn(
                f"the output file {one_line(job.bindings[variable])} given for"
                f" ${{{one_line(variable)}}} is not carried: the tool writes"
                f" {_OUTPUT_NAME} in the runner's output folder instead."
            )
    lines += _mapping("inputs", tool.inputs)
    lines += streams
    lines += _mapping("outputs", outputs)
    lines += requirements
    return "\n".join(lines) + "\n"


def _default(job: Job, variable: str, *, file: bool) -> list[str]:
    """Return the ``default`` lines of an input whose value was given, else none.

    A ``File`` input's default is the file at the given path; a default is
    data, so nothing in it is interpolated.
    """
    if variable not in job.given:
        return []
    value = yaml_scalar(job.bindings[variable])
    if file:
        return ["default:", "  class: File", f"  path: {value}"]
    return [f"default: {value}"]


def _tool(job: Job) -> _Tool:
    """Return the tool's variables: a marker for each, and which are files."""
    text = repr(job.definition)
    markers: dict[str, str] = {}
    for index, variable in enumerate(job.bindings):
        marker = f"\x00{index}\x00"
        while marker in text:
            marker += "\x00"
        markers[marker] = variable

    wiring = job.wiring
    files = set()
    if wiring.input is not None and wiring.input.variable is not None:
        files.add(wiring.input.variable)
    output = wiring.output.variable if wiring.output is not None else None
    return _Tool(markers, files, output)


def _by_name(tool: _Tool) -> dict[str, str]:
    """Return each variable's marker."""
    return {variable: marker for marker, variable in tool.markers.items()}


def _streams(
    tool: _Tool, redirections: tuple[Redirection, ...], notes: Notes
) -> tuple[list[str], dict[str, list[str]]]:
    """Return the ``stdin``/``stdout``/``stderr`` lines and the outputs."""
    lines = []
    outputs: dict[str, list[str]] = {}
    for redirection in redirections:
        fd = redirection.fd
        target = redirection.target
        if fd == 0:
            what = "standard input"
            lines.append(f"stdin: {yaml_scalar(tool.expression(target, notes, what))}")
            continue

        variable = tool.markers.get(target)
        if redirection.append:
            notes.warn(
                "output is appended to a file, which CWL cannot do: it is captured"
                " to a new file instead."
            )
        if variable is None:
            notes.warn(
                f"{_STREAM_FIELDS[fd]} goes to {one_line(target)}, which CWL"
                f" cannot name: it is captured to {_OUTPUT_NAME} in the output"
                " folder instead."
            )
            variable = "output"
        lines.append(f"{_STREAM_FIELDS[fd]}: {yaml_scalar(_OUTPUT_NAME)}")
        outputs[variable] = _file_output()

    if tool.output is not None and tool.output not in outputs:
        outputs[tool.output] = _file_output()
    return lines, outputs


def _file_output() -> list[str]:
    """Return the lines of a ``File`` output collected from the output folder."""
    return ["type: File", "outputBinding:", f"  glob: {yaml_scalar(_OUTPUT_NAME)}"]


def _requirements(job: Job, tool: _Tool, notes: Notes) -> list[str]:
    """Return the ``requirements`` lines: environment and time limit."""
    lines = []
    environment = job.resolution.environment
    if environment:
        lines += ["  EnvVarRequirement:", "    envDef:"]
        lines += [
            f"      {yaml_scalar(name)}:"
            f" {yaml_scalar(tool.expression(value, notes, f'the value of {name}'))}"
            for name, value in environment.items()
        ]
    seconds = job.timeout_within(notes, MAX_SECONDS, "ToolTimeLimit")
    if seconds is not None:
        lines += ["  ToolTimeLimit:", f"    timelimit: {seconds}"]
    return ["requirements:", *lines] if lines else []


def _notes(job: Job, notes: Notes) -> None:
    """Record what a ``CommandLineTool`` cannot say about ``job``."""
    cwd = job.resolution.cwd
    if cwd is not None:
        notes.warn(
            f"the working directory {one_line(cwd)} is not carried: CWL has no"
            " field for it; the tool runs in its output folder."
        )
    if job.service:
        notes.warn("a service is run as a tool that is expected to finish.")
    output = job.wiring.output
    if (
        output is not None
        and output.kind in ("file", "append")
        and output.path is not None
        and output.variable is None
    ):
        notes.warn(
            f"the output file {one_line(output.path)} is not an output of the"
            " tool: a CWL runner collects files from its output folder only; the"
            " process writes it where it is."
        )
    notes.remark(
        "A CWL runner starts the tool with only the environment variables set here"
        " and a few of its own (HOME, TMPDIR, PATH)."
    )


def _mapping(key: str, entries: Mapping[str, list[str]]) -> list[str]:
    """Return a YAML mapping of names to the lines below each, or ``{}``."""
    if not entries:
        return [f"{key}: {{}}"]
    lines = [f"{key}:"]
    for name, body in entries.items():
        lines.append(f"  {yaml_scalar(name)}:")
        lines += [f"    {line}" for line in body]
    return lines


CWL = EngineFormat(
    render=command_line_tool,
    file_name=lambda job: job.file_name(".cwl"),
    yaml=True,
    first_line="#!/usr/bin/env cwl-runner",
    apart="a CWL runner reads the first tool of a file only",
)
"""CWL command line tools."""
