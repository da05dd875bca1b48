"""The ``sh`` export: a shell script with one function per definition."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from procreg_tui.definition.label import definition_label
from procreg_tui.resolve import command_line, quote, resolve, sample_bindings

_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9]+")
_SHELL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_HEADER = """\
#!/bin/sh
# Process definitions exported by procreg: one shell function per definition.
#
# Source this file (". ./FILE", FILE being the name it was saved under), then
# call a function. A function runs its definition's command line in a
# subshell; the ${name} variables the definition uses are read from shell
# variables of the same name, for example:
#
"""


def shell_script(entries: Sequence[tuple[int, str, Mapping[str, Any]]]) -> str:
    """Return a POSIX shell script defining one function per definition.

    ``entries`` holds ``(id, resource_uri, definition)`` triples. Each function
    is named ``procreg_`` followed by the definition's label (its ``name``, else
    the base name of ``exec``) in lower case with runs of other characters made
    ``_``; a name already taken gets ``_ID`` appended. The function body is the
    definition's command line with every ``${name}`` variable read from the
    shell variable of that name; it stops with a message when one is unset.
    """
    taken: set[str] = set()
    functions = []
    example = "procreg_NAME"
    for record_id, resource_uri, definition in entries:
        name = _function_name(record_id, definition, taken)
        line, variables = _command_line_reading_variables(definition)
        if not taken:
            samples = sample_bindings(dict(definition))
            example = " ".join(
                [*(f"{v}={quote(samples.get(v, 'VALUE'))}" for v in variables), name]
            )
        taken.add(name)
        functions.append(_function(name, resource_uri, definition, line, variables))
    header = f"{_HEADER}#   {_one_line(example)}\n"
    return "\n".join([header, *functions])


def _function(
    name: str,
    resource_uri: str,
    definition: Mapping[str, Any],
    line: str,
    variables: Sequence[str],
) -> str:
    """Return the text of one function running ``line``, a comment line above it."""
    checks = [
        f'    : "${{{variable}?{name} needs {variable} to be set}}"'
        for variable in variables
    ]
    label = _one_line(definition_label(definition))
    body = "\n".join([*checks, f"    {line}"])
    return f"# {resource_uri}: {label}\n{name}() (\n{body}\n)\n"


def _command_line_reading_variables(
    definition: Mapping[str, Any],
) -> tuple[str, list[str]]:
    """Return the command line with variables read from the shell, and their names.

    Each unbound variable whose name is a shell name is bound to a marker made
    of letters and digits, which no quoting changes; after rendering, each
    marker is replaced by a reference to the shell variable written to suit the
    quotes it stands in.
    """
    unbound = resolve(dict(definition)).unbound
    variables = sorted({name for name in unbound if _SHELL_NAME.fullmatch(name)})
    text = repr(definition)
    markers: dict[str, str] = {}
    for index, variable in enumerate(variables):
        marker = f"PROCREGVARIABLE{index}X"
        while marker in text:
            marker += "X"
        markers[marker] = variable

    bindings = {variable: marker for marker, variable in markers.items()}
    line = command_line(resolve(dict(definition), bindings))
    return _replace_markers(line, markers), variables


def _replace_markers(line: str, markers: Mapping[str, str]) -> str:
    """Return ``line`` with each marker replaced by its shell variable reference.

    The line is scanned as ``sh`` reads it: outside quotes a backslash escapes
    the next character, single quotes take everything literally up to the next
    single quote, and inside double quotes a backslash escapes the next
    character.
    """
    if not markers:
        return line
    pattern = re.compile("|".join(re.escape(marker) for marker in markers))
    out: list[str] = []
    state = "plain"
    index = 0
    while index < len(line):
        match = pattern.match(line, index)
        if match:
            out.append(_reference(markers[match.group()], state))
            index = match.end()
            continue

        char = line[index]
        if char == "\\" and state in {"plain", "double"}:
            out.append(line[index : index + 2])
            index += 2
            continue
        if state == "plain" and char in "'\"":
            state = "single" if char == "'" else "double"
        elif (state == "single" and char == "'") or (state == "double" and char == '"'):
            state = "plain"
        out.append(char)
        index += 1
    return "".join(out)


def _reference(variable: str, state: str) -> str:
    """Return a reference to ``variable`` that expands to one word in ``state``."""
    if state == "single":
        return f"'\"${{{variable}}}\"'"
    if state == "double":
        return f"${{{variable}}}"
    return f'"${{{variable}}}"'


def _function_name(
    record_id: int, definition: Mapping[str, Any], taken: Iterable[str]
) -> str:
    """Return the shell function name for a definition, unique among ``taken``."""
    slug = _NAME_CHARACTERS.sub("_", definition_label(definition)).strip("_").lower()
    name = f"procreg_{slug}" if slug else f"procreg_{record_id}"
    while name in taken:  # the id appended may make a name taken too
        name = f"{name}_{record_id}"
    return name


def _one_line(text: str) -> str:
    """Return ``text`` with every control character written as ``\\xNN``."""
    return "".join(
        f"\\x{ord(char):02x}" if ord(char) < 32 or 127 <= ord(char) < 160 else char
        for char in text
    )
