"""The wiring: the path data takes from the message bus through the process and back."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from procreg_tui.adapters import Direction
from procreg_tui.resolve._plan import Link, plan, text_of
from procreg_tui.resolve._variables import Bindings, substitute

_STREAM_WORDS = {0: "standard input", 1: "standard output", 2: "standard error"}
_VALUE_COLUMN = 17


@dataclass(frozen=True, slots=True)
class WiringAdapter:
    """One adapter as the wiring shows it."""

    direction: str
    """``input`` or ``output``."""
    kind: str | None
    """The kind as written; ``None`` when the definition names none."""
    known: bool
    """Whether procreg knows the kind."""
    title: str
    """The kind and its mode, such as ``file, stream STDIN``."""
    how: str
    """How data reaches the process, or leaves it, in a few words."""
    path: str | None = None
    """The file or pipe, with bound variables substituted."""
    variable: str | None = None
    """The variable the path is, when it is exactly ``${name}``."""
    arguments: tuple[int, ...] = ()
    """Positions in the resolved argv (exec is 0) where the path is passed."""
    details: tuple[tuple[str, str], ...] = ()
    """More label and value pairs; for an unknown kind, its parameters as JSON."""

    def to_json(self) -> dict[str, Any]:
        """Return the adapter as a JSON-ready mapping."""
        return {
            "direction": self.direction,
            "kind": self.kind,
            "known": self.known,
            "title": self.title,
            "how": self.how,
            "path": self.path,
            "variable": self.variable,
            "arguments": list(self.arguments),
            "details": [list(pair) for pair in self.details],
        }


@dataclass(frozen=True, slots=True)
class WiringProcess:
    """The process in the middle of the wiring."""

    exec: str
    arguments: int
    """How many arguments follow the executable."""

    def to_json(self) -> dict[str, Any]:
        """Return the process as a JSON-ready mapping."""
        return {"exec": self.exec, "arguments": self.arguments}


@dataclass(frozen=True, slots=True)
class Wiring:
    """Message bus, input adapter, process, output adapter, message bus."""

    input: WiringAdapter | None
    process: WiringProcess
    output: WiringAdapter | None

    def to_json(self) -> dict[str, Any]:
        """Return the wiring as a JSON-ready mapping."""
        return {
            "input": self.input.to_json() if self.input else None,
            "process": self.process.to_json(),
            "output": self.output.to_json() if self.output else None,
        }

    def to_text(self, width: int = 80, *, ascii_only: bool = False) -> list[str]:
        """Return the wiring drawn as lines of at most ``width`` characters.

        Text from the definition is shown with control characters escaped
        (``\\n``, ``\\x1b``), so every line is one line; long values wrap.
        ``ascii_only`` draws the arrows with ASCII characters.
        """
        arrow = "  v" if ascii_only else "  ↓"
        width = max(width, 24)
        process = self.process
        plural = "" if process.arguments == 1 else "s"

        lines = ["message bus", arrow]
        lines += _adapter_lines(Direction.INPUT, self.input, width)
        lines.append(arrow)
        lines += _wrap(
            "process",
            f"{_visible(process.exec)}  ({process.arguments} argument{plural})",
            width,
            indent="",
        )
        lines.append(arrow)
        lines += _adapter_lines(Direction.OUTPUT, self.output, width)
        lines += [arrow, "message bus"]
        return lines


def wiring(definition: object, bindings: Bindings | None = None) -> Wiring:
    """Return the path data takes through ``definition`` with ``bindings``.

    Never raises, whatever JSON value ``definition`` is.
    """
    parts = plan(definition)
    values = bindings if bindings is not None else {}
    return Wiring(
        input=_adapter(parts.input, values),
        process=WiringProcess(parts.exec, len(parts.arguments)),
        output=_adapter(parts.output, values),
    )


def _adapter(link: Link | None, bindings: Bindings) -> WiringAdapter | None:
    """Return how ``link`` is drawn, or ``None`` when there is no adapter."""
    if link is None:
        return None
    adapter = link.adapter
    direction = adapter.direction.value
    connection = link.connection

    if connection is None:
        shown = "none" if adapter.type_name is None else "unknown"
        return WiringAdapter(
            direction=direction,
            kind=adapter.type_name,
            known=False,
            title=f"{text_of(adapter.type_name)} ({shown} kind)",
            how="unknown to procreg; its parameters are shown as written",
            details=tuple(
                (str(key), text_of(value)) for key, value in adapter.parameters.items()
            ),
        )

    path = None
    if connection.path is not None:
        path, _ = substitute(connection.path, bindings)

    return WiringAdapter(
        direction=direction,
        kind=adapter.type_name,
        known=True,
        title=connection.title,
        how=_how(link),
        path=path,
        variable=link.variable,
        arguments=link.arguments,
        details=connection.details,
    )


def _how(link: Link) -> str:
    """Return in a few words how the adapter's data meets the process."""
    connection = link.connection
    assert connection is not None
    output = link.adapter.direction is Direction.OUTPUT

    besides = f"; {connection.how}" if connection.how else ""

    if link.arguments:
        plural = "s" if len(link.arguments) > 1 else ""
        positions = ", ".join(str(position) for position in link.arguments)
        return f"passed as argument{plural} {positions}{besides}"
    if link.redirected and connection.stream is not None:
        stream = _STREAM_WORDS.get(connection.stream, f"descriptor {connection.stream}")
        if not output:
            return f"fed on {stream} (<){besides}"
        if connection.append:
            return f"{stream} appended to it (>>){besides}"
        operator = ">" if connection.stream == 1 else f"{connection.stream}>"
        return f"captured from {stream} ({operator}){besides}"
    if link.unreached:
        return "never passed: the path is not among the arguments"
    if connection.how is not None:
        return connection.how
    return "not described by its kind"


def _adapter_lines(
    direction: Direction, adapter: WiringAdapter | None, width: int
) -> list[str]:
    """Return the lines drawing one adapter, or saying there is none."""
    name = f"{direction.value} adapter"
    if adapter is None:
        nothing = (
            "gets nothing from" if direction is Direction.INPUT else "sends nothing to"
        )
        return _wrap(name, f"none: the process {nothing} the bus", width, indent="")

    lines = _wrap(name, _visible(adapter.title), width, indent="")
    if adapter.path is not None:
        path = _visible(adapter.path)
        if (
            adapter.variable is not None
            and adapter.path != "${" + adapter.variable + "}"
        ):
            path += f"  (${{{adapter.variable}}})"
        lines += _wrap("path", path, width)
    for label, value in adapter.details:
        lines += _wrap(_visible(label), _visible(value), width)
    lines += _wrap("how", _visible(adapter.how), width)
    return lines


def _wrap(label: str, value: str, width: int, *, indent: str = "    ") -> list[str]:
    """Return ``label`` and ``value`` as lines of at most ``width`` characters."""
    # TODO: widths count code points, not terminal cells; wide (CJK) characters
    # can make a line overflow by up to one cell each.
    room = _VALUE_COLUMN - 2 - len(indent)
    if len(label) > room:
        label = label[: room - 1] + "…"
    head = f"{indent}{label}".ljust(_VALUE_COLUMN - 2) + " "
    if len(head) + len(value) <= width and value.strip() == value:
        return [(head + value).rstrip()]
    lines = textwrap.wrap(
        value,
        width=width,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_on_hyphens=False,
    )
    return lines or [head.rstrip()]


def _visible(text: str) -> str:
    """Return ``text`` with what a terminal would not print as itself escaped.

    Control characters, format characters (such as a right-to-left override),
    separators other than the space, and unassigned code points are written
    as ``\\n``, ``\\x1b`` or ``\\u202e``.
    """
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else _escape(character)
        for character in text
    )


def _escape(character: str) -> str:
    """Return the escape shown for one unprintable character."""
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(character)
    if named is not None:
        return named
    code = ord(character)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
